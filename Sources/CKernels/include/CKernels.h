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

// Winograd F(2×2, 3×3) for 3×3 stride-1 convolutions (winograd.c). A chunk is `tile_count` 2×2
// output tiles from tile `first_tile`, tiles numbered (sample, tile row, tile column) row-major
// over `tiles_high × tiles_wide` per sample; a transformed chunk is [16][channels][tile_count].
// Images and outputs may be at most WGAN_WINOGRAD_MAX_WIDTH pixels wide.
#define WGAN_WINOGRAD_MAX_WIDTH 512

/// v = Bᵀ d B of each tile's 4×4 input patch, which starts at (2·ty − pad_top, 2·tx − pad_left) of
/// each [channels, height, width] image (`sample_stride` floats apart); zero outside the image.
void wgan_winograd_input(const float *x, long channels, long height, long width, long sample_stride,
                         long pad_top, long pad_left, long tiles_high, long tiles_wide,
                         long first_tile, long tile_count, float *v);

/// u = G g Gᵀ of each 3×3 kernel of w [out_channels, in_channels, 3, 3], as [16][out][in]; with
/// `flip_transposed`, of the input gradient's kernels (rotated by 180°, roles swapped), as [16][in][out].
void wgan_winograd_kernel(const float *w, long out_channels, long in_channels, int flip_transposed, float *u);

/// y = Aᵀ m A of each tile of m [16][channels][tile_count], written into images [channels,
/// out_height, out_width] `sample_stride` floats apart (outputs past the edges dropped).
void wgan_winograd_output(const float *m, long channels, long first_tile, long tile_count, long tiles_high, long tiles_wide,
                          long out_height, long out_width, long sample_stride, float *y);

/// z = A g Aᵀ of each tile's 2×2 output gradient (zero past the edges), as [16][channels][tile_count]:
/// the adjoint of `wgan_winograd_output`.
void wgan_winograd_output_gradient(const float *gy, long channels, long first_tile, long tile_count, long tiles_high,
                                   long tiles_wide, long out_height, long out_width, long sample_stride, float *z);

/// dw = Gᵀ du G for du [16][out_channels][in_channels]: the adjoint of `wgan_winograd_kernel`.
void wgan_winograd_kernel_gradient(const float *du, long out_channels, long in_channels, float *dw);

/// The instruction set the kernels above use on this CPU: "avx512f", "avx2" or "baseline".
const char *wgan_kernels_isa(void);

// The hooks that tests use to bend these kernels are in CKernelsTesting.h (`import CKernels.Testing`).

#ifdef __cplusplus
}
#endif

#endif
