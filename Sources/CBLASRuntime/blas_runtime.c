// OpenBLAS picks its kernel in a library constructor from OPENBLAS_CORETYPE or its own CPU
// detection. Debian's 0.3.21 does not recognise recent AVX-512 Xeons and falls back to Prescott
// kernels (about 5x slower), and an environment variable set after the library is linked in is
// read too late. So the library is not linked: it is opened here, after the variable is set.
#define _GNU_SOURCE
#if !defined(__linux__) || !defined(__x86_64__)
#error "Linux x86-64 only (CPUID and dlopen)"
#endif
#include "CBLASRuntime.h"

#include <cblas.h>
#include <cpuid.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef __typeof__(cblas_sgemm) sgemm_fn;
typedef __typeof__(cblas_dgemm) dgemm_fn;
typedef char *(*corename_fn)(void);
// The Fortran symbol, gfortran's ABI: every argument by pointer, then one hidden length for each
// character argument.
typedef void (*dsyevd_fn)(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
                          double *w, double *work, const int *lwork, int *iwork, const int *liwork,
                          int *info, size_t jobz_len, size_t uplo_len);
typedef void (*set_threads_fn)(int);
typedef int (*get_threads_fn)(void);

static sgemm_fn *p_sgemm;
static dgemm_fn *p_dgemm;
static dsyevd_fn p_dsyevd;  // optional: only evaluation needs it
static corename_fn p_corename;
static set_threads_fn p_set_threads;
static get_threads_fn p_get_threads;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_status = -1;
static char load_error[512];
static const char *selection = "library";

static unsigned long long read_xcr0(void) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

const char *wgan_cpu_best_coretype(void) {
#if defined(__x86_64__)
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return NULL;
    int osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1, fma = (ecx >> 12) & 1;
    if (!osxsave || !avx) return NULL;
    unsigned long long xcr0 = read_xcr0();
    int ymm_saved = (xcr0 & 0x6) == 0x6;            // SSE and AVX state
    int zmm_saved = (xcr0 & 0xe6) == 0xe6;          // plus opmask and both ZMM halves
    if (!ymm_saved) return NULL;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return "Sandybridge";
    int avx2 = (ebx >> 5) & 1;
    int avx512f = (ebx >> 16) & 1, avx512dq = (ebx >> 17) & 1, avx512cd = (ebx >> 28) & 1;
    int avx512bw = (ebx >> 30) & 1, avx512vl = (ebx >> 31) & 1;
    if (zmm_saved && avx2 && fma && avx512f && avx512dq && avx512cd && avx512bw && avx512vl) return "SkylakeX";
    if (avx2 && fma) return "Haswell";
    return "Sandybridge";
#else
    return NULL;
#endif
}

static void *find_symbol(void *handle, const char *name) {
    void *sym = dlsym(handle, name);
    if (!sym && load_error[0] == 0) snprintf(load_error, sizeof load_error, "OpenBLAS lacks %s", name);
    return sym;
}

/// The user's OPENBLAS_CORETYPE, kept to compare with the kernel OpenBLAS reports.
static char requested[64];

static void load_library(void) {
    const char *user = getenv("OPENBLAS_CORETYPE");
    if (user && user[0]) {
        snprintf(requested, sizeof requested, "%s", user);
        selection = "environment";
    } else {
        const char *best = wgan_cpu_best_coretype();
        if (best) {
            setenv("OPENBLAS_CORETYPE", best, 1);  // unset or empty: ours to set
            selection = "cpu";
        }
    }
    const char *names[] = {"libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"};
    void *handle = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !handle; i++)
        handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error,
                 "cannot load OpenBLAS (%s); install it with: apt-get install -y libopenblas-dev",
                 why ? why : "not found");
        return;
    }
    p_sgemm = (sgemm_fn *)find_symbol(handle, "cblas_sgemm");
    p_dgemm = (dgemm_fn *)find_symbol(handle, "cblas_dgemm");
    p_corename = (corename_fn)find_symbol(handle, "openblas_get_corename");
    p_set_threads = (set_threads_fn)find_symbol(handle, "openblas_set_num_threads");
    p_get_threads = (get_threads_fn)find_symbol(handle, "openblas_get_num_threads");
    p_dsyevd = (dsyevd_fn)dlsym(handle, "dsyevd_");
    if (p_sgemm && p_dgemm && p_corename && p_set_threads && p_get_threads) {
        // One thread per call: callers split large products across threads themselves, and
        // OpenBLAS's idle worker threads would otherwise spin against them.
        p_set_threads(1);
        load_status = 0;
        // OpenBLAS falls back to its own detection, silently, for a name it does not know or a
        // kernel this CPU cannot run; the summary must not claim the user's choice was applied.
        const char *core = p_corename();
        if (strcmp(selection, "environment") == 0 && (!core || strcasecmp(core, requested) != 0))
            selection = "environment-ignored";
    }
}

const char *wgan_blas_requested_coretype(void) {
    wgan_blas_load();
    return requested;
}

int wgan_blas_load(void) {
    pthread_once(&load_once, load_library);
    return load_status;
}

const char *wgan_blas_error(void) { return load_error; }

const char *wgan_blas_corename(void) {
    if (wgan_blas_load() != 0) return "unavailable";
    const char *name = p_corename();
    return name ? name : "unknown";
}

const char *wgan_blas_selection(void) {
    wgan_blas_load();
    return selection;
}

void wgan_blas_set_threads(int threads) {
    if (wgan_blas_load() == 0) p_set_threads(threads);
}

int wgan_blas_threads(void) { return wgan_blas_load() == 0 ? p_get_threads() : 0; }

static enum CBLAS_TRANSPOSE trans(int t) { return t ? CblasTrans : CblasNoTrans; }

void wgan_sgemm(int transA, int transB, int m, int n, int k, float alpha,
                const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    // Callers check wgan_blas_load() once up front; a missing library here is a programming error.
    if (wgan_blas_load() != 0) abort();
    p_sgemm(CblasRowMajor, trans(transA), trans(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void wgan_dgemm(int transA, int transB, int m, int n, int k, double alpha,
                const double *a, int lda, const double *b, int ldb, double beta, double *c, int ldc) {
    if (wgan_blas_load() != 0) abort();
    p_dgemm(CblasRowMajor, trans(transA), trans(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

int wgan_dsyevd(int n, double *a, double *w) {
    if (wgan_blas_load() != 0 || !p_dsyevd) return -1000;
    int lwork = -1, liwork = -1, info = 0, iwork_query = 0;
    double work_query = 0;
    // A workspace query first (lwork = liwork = -1), then the real call with what it asked for.
    p_dsyevd("V", "U", &n, a, &n, w, &work_query, &lwork, &iwork_query, &liwork, &info, 1, 1);
    if (info != 0) return info;
    lwork = (int)work_query;
    liwork = iwork_query;
    double *work = malloc(sizeof(double) * (size_t)(lwork > 1 ? lwork : 1));
    int *iwork = malloc(sizeof(int) * (size_t)(liwork > 1 ? liwork : 1));
    if (!work || !iwork) {
        free(work);
        free(iwork);
        return -1001;
    }
    p_dsyevd("V", "U", &n, a, &n, w, work, &lwork, iwork, &liwork, &info, 1, 1);
    free(work);
    free(iwork);
    return info;
}
