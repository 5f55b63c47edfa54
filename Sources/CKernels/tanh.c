// tanh for Float arrays without libm's scalar tanhf (about 20 ns an element here, the largest
// elementwise cost of the generator's forward pass). Branch-free so that the loop vectorises in
// the AVX-512 and AVX2 builds of the same code:
//   |x| < 0.625: x·P(x²), P a degree-6 least-squares fit of tanh(x)/x (relative error 2e-10);
//   otherwise:   1 − 2/(exp(2|x|) + 1), exp by range reduction to [−ln2/2, ln2/2] and a
//                degree-6 fit (relative error 2e-9), scaled by 2ⁿ through the exponent bits.
// Measured against double-precision tanh in the tests: within one ulp over [−12, 12].
#include "CKernels.h"
#include "CKernelsTesting.h"

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

static inline float tanh_one(float x) {
    const float ax = fabsf(x);
    const float t = ax * ax;
    float p = 0.0021419432f;
    p = p * t - 0.0081758006f;
    p = p * t + 0.0216997247f;
    p = p * t - 0.0539464690f;
    p = p * t + 0.1333320141f;
    p = p * t - 0.3333333135f;
    p = p * t + 1.0f;
    const float small = ax * p;

    const float y = fminf(2.0f * ax, 88.0f);
    // Round y/ln2 to the nearest integer with the 1.5·2²³ trick (no rounding-mode calls).
    const float shifter = 12582912.0f;
    const float n = (y * 1.44269504f + shifter) - shifter;
    const float r = (y - n * 0.693145752f) - n * 1.42860677e-6f;
    float e = 0.0013829424f;
    e = e * r + 0.0083747748f;
    e = e * r + 0.0416683592f;
    e = e * r + 0.1666642129f;
    e = e * r + 0.4999999106f;
    e = e * r + 1.0f;
    e = e * r + 1.0f;
    const int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    const float large = 1.0f - 2.0f / (e * scale + 1.0f);

    const float magnitude = ax < 0.625f ? small : large;
    const float result = copysignf(magnitude, x);
    return x != x ? x : result;  // NaN stays NaN, so a diverged run is still caught
}

static void tanh_baseline(const float *restrict x, float *restrict y, size_t count) {
    for (size_t i = 0; i < count; i++) y[i] = tanh_one(x[i]);
}

#if defined(__x86_64__)
__attribute__((target("avx512f")))
static void tanh_avx512(const float *restrict x, float *restrict y, size_t count) {
    for (size_t i = 0; i < count; i++) y[i] = tanh_one(x[i]);
}

__attribute__((target("avx2,fma")))
static void tanh_avx2(const float *restrict x, float *restrict y, size_t count) {
    for (size_t i = 0; i < count; i++) y[i] = tanh_one(x[i]);
}
#endif

typedef void (*tanh_fn)(const float *restrict, float *restrict, size_t);

// The kernel for this CPU, chosen at the first call. Threads racing that call each choose the
// same kernel and publish it with one atomic store: none may see a half-made choice (an earlier
// version stored the baseline kernel first, and a worker that read it then rounded its part of
// the first tanh differently, so that runs of the same program differed in the last bits).
static _Atomic(tanh_fn) chosen_tanh;

static tanh_fn choose_tanh(void) {
#if defined(__x86_64__)
    const char *isa = wgan_kernels_isa();
    if (strcmp(isa, "avx512f") == 0) return tanh_avx512;
    if (strcmp(isa, "avx2") == 0) return tanh_avx2;
#endif
    return tanh_baseline;
}

void wgan_testing_indexed_forget_choice(void);  // gather.c

void wgan_testing_kernels_forget_choice(void) {
    atomic_store(&chosen_tanh, (tanh_fn)0);
    wgan_testing_indexed_forget_choice();
}

void wgan_tanh(const float *x, float *y, size_t count) {
    tanh_fn chosen = atomic_load_explicit(&chosen_tanh, memory_order_acquire);
    if (!chosen) {
        chosen = choose_tanh();
        atomic_store_explicit(&chosen_tanh, chosen, memory_order_release);
    }
    chosen(x, y, count);
}
