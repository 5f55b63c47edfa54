#ifndef WGAN_CKERNELS_H
#define WGAN_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One Adam update over `count` elements with PyTorch's formula, where the gradient is g, or
/// g + g2 when g2 is not NULL:
///   m += (1 - beta1)(g - m);  v = beta2 v + (1 - beta2) g^2;
///   p -= step_size * m / (sqrt(v) / correction2_root + eps)
/// Uses AVX-512 or AVX2 when the CPU has them (chosen once, at first call), else plain C.
void wgan_adam_update(float *p, const float *g, const float *g2, float *m, float *v, size_t count,
                      float beta1, float beta2, float step_size, float correction2_root, float eps);

/// y = tanh(x) elementwise, within one ulp of the exact value; NaN stays NaN.
void wgan_tanh(const float *x, float *y, size_t count);

typedef void (*wgan_task_fn)(void *context, long part);

/// Runs fn(context, part) for part in 0..<parts: part 0 on the calling thread, the others on
/// pool workers (started on first use; they spin briefly between jobs, then sleep). Returns when
/// all parts are done. A call made inside a job runs its parts inline, unless
/// `wgan_pool_can_nest()` says the workers are free for it; so does a call of more than 65,535
/// parts. Either way, which parts run is the same: only the threads that run them differ.
void wgan_pool_run(long parts, wgan_task_fn fn, void *context);

/// Whether this thread runs part 0 of a job whose other parts are all finished, so that a
/// region it starts now can use the idle workers.
int wgan_pool_can_nest(void);

/// destination[j] = source[offsets[j]] for j in 0..<count.
void wgan_gather(const float *source, const int32_t *offsets, size_t count, float *destination);

/// destination[offsets[j]] = source[j] for j in 0..<count; the offsets must be distinct.
void wgan_scatter(const float *source, const int32_t *offsets, size_t count, float *destination);

/// destination[offsets[j]] += source[j] for j in 0..<count; the offsets must be distinct.
void wgan_scatter_add(const float *source, const int32_t *offsets, size_t count, float *destination);

/// The instruction set the kernels above use on this CPU: "avx512f", "avx2" or "baseline".
const char *wgan_kernels_isa(void);

// The hooks that tests use to bend these kernels are in CKernelsTesting.h (`import CKernels.Testing`).

#ifdef __cplusplus
}
#endif

#endif
