// Hot elementwise kernels compiled for AVX-512 and AVX2 through function attributes, so the
// package needs no global -march flags (SwiftPM's unsafeFlags would make it unusable as a
// dependency). The Swift side is compiled for baseline x86-64, whose SSE square root and
// division made Adam's update one of the largest costs of a training step.
#include "CKernels.h"

#include <math.h>

typedef void (*adam_fn)(float *restrict, const float *restrict, float *restrict, float *restrict, size_t,
                        float, float, float, float, float);

static void adam_baseline(float *restrict p, const float *restrict g, float *restrict m, float *restrict v,
                          size_t count, float beta1, float beta2, float step_size, float correction2_root, float eps) {
    for (size_t j = 0; j < count; j++) {
        float gj = g[j];
        float mj = m[j] + (1.0f - beta1) * (gj - m[j]);
        float vj = beta2 * v[j] + (1.0f - beta2) * gj * gj;
        m[j] = mj;
        v[j] = vj;
        p[j] -= step_size * mj / (sqrtf(vj) / correction2_root + eps);
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

// Explicit intrinsics: sqrtf's errno semantics keep compilers from vectorising the plain loop.
// Same operations in the same order as the baseline, so every path rounds identically.
__attribute__((target("avx512f")))
static void adam_avx512(float *restrict p, const float *restrict g, float *restrict m, float *restrict v,
                        size_t count, float beta1, float beta2, float step_size, float correction2_root, float eps) {
    const __m512 one_minus_b1 = _mm512_set1_ps(1.0f - beta1), one_minus_b2 = _mm512_set1_ps(1.0f - beta2);
    const __m512 b2 = _mm512_set1_ps(beta2), step = _mm512_set1_ps(step_size);
    const __m512 root = _mm512_set1_ps(correction2_root), epsilon = _mm512_set1_ps(eps);
    size_t j = 0;
    for (; j + 16 <= count; j += 16) {
        __m512 gj = _mm512_loadu_ps(g + j), mj = _mm512_loadu_ps(m + j), vj = _mm512_loadu_ps(v + j);
        mj = _mm512_add_ps(mj, _mm512_mul_ps(one_minus_b1, _mm512_sub_ps(gj, mj)));
        vj = _mm512_add_ps(_mm512_mul_ps(b2, vj), _mm512_mul_ps(_mm512_mul_ps(one_minus_b2, gj), gj));
        __m512 denom = _mm512_add_ps(_mm512_div_ps(_mm512_sqrt_ps(vj), root), epsilon);
        __m512 pj = _mm512_sub_ps(_mm512_loadu_ps(p + j), _mm512_div_ps(_mm512_mul_ps(step, mj), denom));
        _mm512_storeu_ps(m + j, mj);
        _mm512_storeu_ps(v + j, vj);
        _mm512_storeu_ps(p + j, pj);
    }
    adam_baseline(p + j, g + j, m + j, v + j, count - j, beta1, beta2, step_size, correction2_root, eps);
}

__attribute__((target("avx2")))
static void adam_avx2(float *restrict p, const float *restrict g, float *restrict m, float *restrict v,
                      size_t count, float beta1, float beta2, float step_size, float correction2_root, float eps) {
    const __m256 one_minus_b1 = _mm256_set1_ps(1.0f - beta1), one_minus_b2 = _mm256_set1_ps(1.0f - beta2);
    const __m256 b2 = _mm256_set1_ps(beta2), step = _mm256_set1_ps(step_size);
    const __m256 root = _mm256_set1_ps(correction2_root), epsilon = _mm256_set1_ps(eps);
    size_t j = 0;
    for (; j + 8 <= count; j += 8) {
        __m256 gj = _mm256_loadu_ps(g + j), mj = _mm256_loadu_ps(m + j), vj = _mm256_loadu_ps(v + j);
        mj = _mm256_add_ps(mj, _mm256_mul_ps(one_minus_b1, _mm256_sub_ps(gj, mj)));
        vj = _mm256_add_ps(_mm256_mul_ps(b2, vj), _mm256_mul_ps(_mm256_mul_ps(one_minus_b2, gj), gj));
        __m256 denom = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(vj), root), epsilon);
        __m256 pj = _mm256_sub_ps(_mm256_loadu_ps(p + j), _mm256_div_ps(_mm256_mul_ps(step, mj), denom));
        _mm256_storeu_ps(m + j, mj);
        _mm256_storeu_ps(v + j, vj);
        _mm256_storeu_ps(p + j, pj);
    }
    adam_baseline(p + j, g + j, m + j, v + j, count - j, beta1, beta2, step_size, correction2_root, eps);
}
#endif

static adam_fn choose_adam(const char **isa) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) { *isa = "avx512f"; return adam_avx512; }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) { *isa = "avx2"; return adam_avx2; }
#endif
    *isa = "baseline";
    return adam_baseline;
}

static const char *chosen_isa;
static adam_fn chosen_adam;

static void choose(void) {
    // Racing first calls choose the same function; the pointer store is atomic on x86-64.
    if (!chosen_adam) chosen_adam = choose_adam(&chosen_isa);
}

void wgan_adam_update(float *p, const float *g, float *m, float *v, size_t count,
                      float beta1, float beta2, float step_size, float correction2_root, float eps) {
    choose();
    chosen_adam(p, g, m, v, count, beta1, beta2, step_size, correction2_root, eps);
}

const char *wgan_kernels_isa(void) {
    choose();
    return chosen_isa;
}
