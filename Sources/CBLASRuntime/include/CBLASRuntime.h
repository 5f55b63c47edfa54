#ifndef WGAN_CBLAS_RUNTIME_H
#define WGAN_CBLAS_RUNTIME_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The OpenBLAS core type this CPU can run fastest among those Debian's OpenBLAS 0.3.21 knows
/// ("SkylakeX", "Haswell", "Sandybridge"), checked with CPUID and XGETBV (the OS must save the
/// vector registers too), or NULL when none applies.
const char *wgan_cpu_best_coretype(void);

/// Loads OpenBLAS once (thread-safe). When OPENBLAS_CORETYPE is unset, sets it to
/// `wgan_cpu_best_coretype()` first, so the library's constructor picks that kernel.
/// Returns 0 on success; otherwise -1 and `wgan_blas_error()` says why.
int wgan_blas_load(void);

/// Why the last load failed, or an empty string.
const char *wgan_blas_error(void);

/// The kernel OpenBLAS reports (`openblas_get_corename()`), e.g. "SkylakeX" or "Prescott".
const char *wgan_blas_corename(void);

/// How the kernel was chosen: "environment" (OPENBLAS_CORETYPE was set by the user),
/// "environment-ignored" (it was set, but OpenBLAS chose another kernel), "cpu" (set from CPUID
/// by this runtime) or "library" (OpenBLAS's own detection).
const char *wgan_blas_selection(void);

/// The user's OPENBLAS_CORETYPE (first 63 bytes), or an empty string when unset or empty.
const char *wgan_blas_requested_coretype(void);

void wgan_blas_set_threads(int threads);
int wgan_blas_threads(void);

/// Row-major single-precision GEMM: C = alpha * op(A) * op(B) + beta * C.
void wgan_sgemm(int transA, int transB, int m, int n, int k, float alpha,
                const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);

/// Row-major double-precision GEMM, for checking paths.
void wgan_dgemm(int transA, int transB, int m, int n, int k, double alpha,
                const double *a, int lda, const double *b, int ldb, double beta, double *c, int ldc);

/// LAPACK's `dsyevd` (which OpenBLAS ships) on a symmetric n×n matrix of doubles: on return `w`
/// holds the eigenvalues in ascending order and row i of `a` (row-major) the unit eigenvector of
/// `w[i]`. Only one triangle of `a` is read, so row- and column-major input are the same.
/// Returns LAPACK's `info` (0 on success, > 0 when the algorithm failed to converge), or -1000
/// when OpenBLAS cannot be loaded or lacks the routine, and -1001 when workspace cannot be allocated.
int wgan_dsyevd(int n, double *a, double *w);

#ifdef __cplusplus
}
#endif

#endif
