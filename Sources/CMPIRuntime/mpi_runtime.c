// Open MPI is opened at run time rather than linked, so that single-machine use needs neither the
// library nor its run-time environment. The few calls are declared here with Open MPI's C types:
// its handles (MPI_Comm, MPI_Datatype, MPI_Op) are pointers to global objects of the library, so
// MPI_COMM_WORLD is &ompi_mpi_comm_world, found with dlsym like the functions.
#define _GNU_SOURCE
#include "CMPIRuntime.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void *mpi_handle;  // MPI_Comm, MPI_Datatype and MPI_Op are opaque pointers in Open MPI
#define WGAN_MPI_IN_PLACE ((void *)1)
#define WGAN_MPI_THREAD_SERIALIZED 2
#define WGAN_MPI_CHUNK (1L << 30)

typedef int (*init_thread_fn)(int *, char ***, int, int *);
typedef int (*flag_fn)(int *);
typedef int (*finalize_fn)(void);
typedef int (*comm_int_fn)(mpi_handle, int *);
typedef int (*allreduce_fn)(const void *, void *, int, mpi_handle, mpi_handle, mpi_handle);
typedef int (*bcast_fn)(void *, int, mpi_handle, int, mpi_handle);
typedef int (*barrier_fn)(mpi_handle);
typedef int (*abort_fn)(mpi_handle, int);

static init_thread_fn p_init_thread;
static flag_fn p_initialized, p_finalized;
static finalize_fn p_finalize;
static comm_int_fn p_comm_rank, p_comm_size;
static allreduce_fn p_allreduce;
static bcast_fn p_bcast;
static barrier_fn p_barrier;
static abort_fn p_abort;
static mpi_handle comm_world, type_float, type_double, type_byte, op_sum, op_max;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_status = -1;
static char error_text[512];

static void *find(void *handle, const char *name) {
    void *symbol = dlsym(handle, name);
    if (!symbol && error_text[0] == 0)
        snprintf(error_text, sizeof error_text, "libmpi.so.40 lacks %s (not Open MPI 4 or later?)", name);
    return symbol;
}

static void load_library(void) {
    // RTLD_GLOBAL: Open MPI's plugins (mca_*.so) resolve their symbols against libmpi's.
    // WGAN_MPI_LIBRARY names another build of Open MPI (say, one under /opt) instead.
    const char *chosen = getenv("WGAN_MPI_LIBRARY");
    const char *names[] = {"libmpi.so.40", "libmpi.so"};
    void *handle = NULL;
    if (chosen && chosen[0]) handle = dlopen(chosen, RTLD_NOW | RTLD_GLOBAL);
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !handle && !(chosen && chosen[0]); i++)
        handle = dlopen(names[i], RTLD_NOW | RTLD_GLOBAL);
    if (!handle) {
        const char *why = dlerror();
        snprintf(error_text, sizeof error_text,
                 "cannot load Open MPI (%s); install it with: apt-get install -y openmpi-bin libopenmpi-dev",
                 why ? why : "not found");
        return;
    }
    p_init_thread = (init_thread_fn)find(handle, "MPI_Init_thread");
    p_initialized = (flag_fn)find(handle, "MPI_Initialized");
    p_finalized = (flag_fn)find(handle, "MPI_Finalized");
    p_finalize = (finalize_fn)find(handle, "MPI_Finalize");
    p_comm_rank = (comm_int_fn)find(handle, "MPI_Comm_rank");
    p_comm_size = (comm_int_fn)find(handle, "MPI_Comm_size");
    p_allreduce = (allreduce_fn)find(handle, "MPI_Allreduce");
    p_bcast = (bcast_fn)find(handle, "MPI_Bcast");
    p_barrier = (barrier_fn)find(handle, "MPI_Barrier");
    p_abort = (abort_fn)find(handle, "MPI_Abort");
    comm_world = find(handle, "ompi_mpi_comm_world");
    type_float = find(handle, "ompi_mpi_float");
    type_double = find(handle, "ompi_mpi_double");
    type_byte = find(handle, "ompi_mpi_byte");
    op_sum = find(handle, "ompi_mpi_op_sum");
    op_max = find(handle, "ompi_mpi_op_max");
    if (error_text[0] == 0) load_status = 0;
}

int wgan_mpi_load(void) {
    pthread_once(&load_once, load_library);
    return load_status;
}

const char *wgan_mpi_error(void) { return error_text; }

static int failed(const char *call, int code) {
    snprintf(error_text, sizeof error_text, "%s failed (MPI error %d)", call, code);
    return -1;
}

int wgan_mpi_init(int *rank, int *size) {
    if (wgan_mpi_load() != 0) return -1;
    int already = 0, provided = 0, code;
    p_initialized(&already);
    if (!already && (code = p_init_thread(NULL, NULL, WGAN_MPI_THREAD_SERIALIZED, &provided)) != 0)
        return failed("MPI_Init_thread", code);
    if (!already && provided < WGAN_MPI_THREAD_SERIALIZED) {
        snprintf(error_text, sizeof error_text, "Open MPI offers thread level %d; wgan needs MPI_THREAD_SERIALIZED", provided);
        return -1;
    }
    if ((code = p_comm_rank(comm_world, rank)) != 0) return failed("MPI_Comm_rank", code);
    if ((code = p_comm_size(comm_world, size)) != 0) return failed("MPI_Comm_size", code);
    return 0;
}

static int allreduce(void *values, long count, long width, mpi_handle type, mpi_handle op) {
    if (wgan_mpi_load() != 0) return -1;
    for (long start = 0; start < count; start += WGAN_MPI_CHUNK) {
        long n = count - start < WGAN_MPI_CHUNK ? count - start : WGAN_MPI_CHUNK;
        int code = p_allreduce(WGAN_MPI_IN_PLACE, (char *)values + start * width, (int)n, type, op, comm_world);
        if (code != 0) return failed("MPI_Allreduce", code);
    }
    return 0;
}

int wgan_mpi_allreduce_sum_float(float *values, long count) {
    return allreduce(values, count, sizeof(float), type_float, op_sum);
}

int wgan_mpi_allreduce_sum_double(double *values, long count) {
    return allreduce(values, count, sizeof(double), type_double, op_sum);
}

int wgan_mpi_allreduce_max_double(double *values, long count) {
    return allreduce(values, count, sizeof(double), type_double, op_max);
}

int wgan_mpi_broadcast_bytes(void *bytes, long count, int root) {
    if (wgan_mpi_load() != 0) return -1;
    for (long start = 0; start < count; start += WGAN_MPI_CHUNK) {
        long n = count - start < WGAN_MPI_CHUNK ? count - start : WGAN_MPI_CHUNK;
        int code = p_bcast((char *)bytes + start, (int)n, type_byte, root, comm_world);
        if (code != 0) return failed("MPI_Bcast", code);
    }
    return 0;
}

int wgan_mpi_barrier(void) {
    if (wgan_mpi_load() != 0) return -1;
    int code = p_barrier(comm_world);
    return code == 0 ? 0 : failed("MPI_Barrier", code);
}

int wgan_mpi_finalize(void) {
    if (wgan_mpi_load() != 0) return -1;
    int initialized = 0, finalized = 0;
    p_initialized(&initialized);
    p_finalized(&finalized);
    if (!initialized || finalized) return 0;
    int code = p_finalize();
    return code == 0 ? 0 : failed("MPI_Finalize", code);
}

void wgan_mpi_abort(int status) {
    if (wgan_mpi_load() == 0) p_abort(comm_world, status);
}
