// Adam's update compiled for AVX-512 and AVX2 through function attributes, so the package needs
// no global -march flags (SwiftPM's unsafeFlags would make it unusable as a dependency). The
// Swift side is compiled for baseline x86-64, whose SSE square root and division made this
// update one of the largest costs of a training step.
#include "CKernels.h"

#include <stdatomic.h>


typedef void (*adam_fn)(float *restrict, const float *restrict, const float *restrict, float *restrict,
                        float *restrict, size_t, float, float, float, float, float);

// __builtin_elementwise_sqrt has no errno side effect (sqrtf does), so the loops below vectorise.
#define ADAM_LOOP(gradient)                                                                        \
    for (size_t j = 0; j < count; j++) {                                                           \
        const float gj = gradient;                                                                 \
        const float mj = m[j] + (1.0f - beta1) * (gj - m[j]);                                      \
        const float vj = beta2 * v[j] + (1.0f - beta2) * gj * gj;                                  \
        m[j] = mj;                                                                                 \
        v[j] = vj;                                                                                 \
        p[j] -= step_size * mj / (__builtin_elementwise_sqrt(vj) / correction2_root + eps);       \
    }

// g2 (may be NULL) is a second part of the gradient, added on the fly so that a gradient that
// arrives in two parts is never materialised.
#define ADAM_FUNCTION(name, attributes)                                                            \
    attributes static void name(float *restrict p, const float *restrict g, const float *restrict g2, \
                                float *restrict m, float *restrict v, size_t count, float beta1,   \
                                float beta2, float step_size, float correction2_root, float eps) { \
        if (g2) { ADAM_LOOP(g[j] + g2[j]) } else { ADAM_LOOP(g[j]) }                               \
    }

// No fused multiply-adds in any variant: each rounds exactly like the others and like PyTorch's
// separate operations.
#pragma clang fp contract(off)
ADAM_FUNCTION(adam_baseline, )
#if defined(__x86_64__)
ADAM_FUNCTION(adam_avx512, __attribute__((target("avx512f"))))
ADAM_FUNCTION(adam_avx2, __attribute__((target("avx2"))))
#endif

/// The kernel for this CPU and its instruction set's name.
struct adam_choice {
    adam_fn fn;
    const char *isa;
};

static struct adam_choice choose_adam(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return (struct adam_choice){adam_avx512, "avx512f"};
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return (struct adam_choice){adam_avx2, "avx2"};
#endif
    return (struct adam_choice){adam_baseline, "baseline"};
}

// Chosen at the first call; racing first calls choose the same kernel. The name is stored
// before the kernel is published (release), so whoever sees the kernel sees its name.
static const char *_Atomic chosen_isa;
static _Atomic(adam_fn) chosen_adam;

static adam_fn choose(void) {
    adam_fn fn = atomic_load_explicit(&chosen_adam, memory_order_acquire);
    if (fn) return fn;
    struct adam_choice choice = choose_adam();
    atomic_store_explicit(&chosen_isa, choice.isa, memory_order_relaxed);
    atomic_store_explicit(&chosen_adam, choice.fn, memory_order_release);
    return choice.fn;
}

void wgan_adam_update(float *p, const float *g, const float *g2, float *m, float *v, size_t count,
                      float beta1, float beta2, float step_size, float correction2_root, float eps) {
    choose()(p, g, g2, m, v, count, beta1, beta2, step_size, correction2_root, eps);
}

const char *wgan_kernels_isa(void) {
    choose();
    return atomic_load_explicit(&chosen_isa, memory_order_relaxed);
}
