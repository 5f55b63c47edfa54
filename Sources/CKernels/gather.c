// Indexed copies for the convolution kernels' column matrices: each row of a region's column
// matrix is read from (or added back into) a channel's packed image planes through one table of
// offsets. With AVX-512 a row goes sixteen elements per gather instruction. Every variant moves
// the same values and adds each element once per call, so results do not depend on the CPU.
#include "CKernels.h"

#include <stdatomic.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

typedef void (*indexed_fn)(const float *restrict, const int32_t *restrict, size_t, float *restrict);

static void gather_baseline(const float *restrict source, const int32_t *restrict offsets, size_t count,
                            float *restrict destination) {
    for (size_t j = 0; j < count; j++) destination[j] = source[offsets[j]];
}

static void scatter_baseline(const float *restrict source, const int32_t *restrict offsets, size_t count,
                             float *restrict destination) {
    for (size_t j = 0; j < count; j++) destination[offsets[j]] = source[j];
}

static void scatter_add_baseline(const float *restrict source, const int32_t *restrict offsets, size_t count,
                                 float *restrict destination) {
    for (size_t j = 0; j < count; j++) destination[offsets[j]] += source[j];
}

#if defined(__x86_64__)
__attribute__((target("avx512f")))
static void gather_avx512(const float *restrict source, const int32_t *restrict offsets, size_t count,
                          float *restrict destination) {
    size_t j = 0;
    for (; j + 16 <= count; j += 16) {
        const __m512i index = _mm512_loadu_si512((const void *)(offsets + j));
        _mm512_storeu_ps(destination + j, _mm512_i32gather_ps(index, source, 4));
    }
    for (; j < count; j++) destination[j] = source[offsets[j]];
}

__attribute__((target("avx512f")))
static void scatter_avx512(const float *restrict source, const int32_t *restrict offsets, size_t count,
                           float *restrict destination) {
    size_t j = 0;
    for (; j + 16 <= count; j += 16) {
        const __m512i index = _mm512_loadu_si512((const void *)(offsets + j));
        _mm512_i32scatter_ps(destination, index, _mm512_loadu_ps(source + j), 4);
    }
    for (; j < count; j++) destination[offsets[j]] = source[j];
}

#endif

// Chosen at the first call, each published with one atomic store (see tanh.c).
static _Atomic(indexed_fn) chosen_gather, chosen_scatter;

static indexed_fn choose(_Atomic(indexed_fn) *slot, indexed_fn baseline, indexed_fn avx512) {
    indexed_fn chosen = atomic_load_explicit(slot, memory_order_acquire);
    if (chosen) return chosen;
    chosen = baseline;
#if defined(__x86_64__)
    if (strcmp(wgan_kernels_isa(), "avx512f") == 0) chosen = avx512;
#else
    (void)avx512;
#endif
    atomic_store_explicit(slot, chosen, memory_order_release);
    return chosen;
}

#if defined(__x86_64__)
#define VARIANT(name) name##_avx512
#else
#define VARIANT(name) name##_baseline
#endif

void wgan_gather(const float *source, const int32_t *offsets, size_t count, float *destination) {
    choose(&chosen_gather, gather_baseline, VARIANT(gather))(source, offsets, count, destination);
}

void wgan_scatter(const float *source, const int32_t *offsets, size_t count, float *destination) {
    choose(&chosen_scatter, scatter_baseline, VARIANT(scatter))(source, offsets, count, destination);
}

void wgan_scatter_add(const float *source, const int32_t *offsets, size_t count, float *destination) {
    // Plain C on every CPU: a gather, an add and a scatter of sixteen lanes measured no faster
    // (scatters are slow on AMD's AVX-512).
    scatter_add_baseline(source, offsets, count, destination);
}

// Test-only, for wgan_testing_kernels_forget_choice (tanh.c); not in a header, as only that calls it.
void wgan_testing_indexed_forget_choice(void) {
    atomic_store(&chosen_gather, (indexed_fn)0);
    atomic_store(&chosen_scatter, (indexed_fn)0);
}
