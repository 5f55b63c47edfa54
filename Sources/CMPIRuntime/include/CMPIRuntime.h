#ifndef WGAN_CMPI_RUNTIME_H
#define WGAN_CMPI_RUNTIME_H

#ifdef __cplusplus
extern "C" {
#endif

/// Opens Open MPI's libmpi.so.40, or the library named by WGAN_MPI_LIBRARY (once, thread-safe), and finds the calls and handles below.
/// Nothing here links MPI: a single-process run never opens it.
/// Returns 0 on success; otherwise -1 and `wgan_mpi_error()` says why.
int wgan_mpi_load(void);

/// Why the last call failed, or an empty string.
const char *wgan_mpi_error(void);

/// MPI_Init_thread asking for MPI_THREAD_SERIALIZED (collectives may come from a pool thread,
/// one at a time); writes this process's rank and the world's size. 0 on success.
int wgan_mpi_init(int *rank, int *size);

/// In-place sums over every rank of `count` values (split into calls of at most 2^30 values).
int wgan_mpi_allreduce_sum_float(float *values, long count);
int wgan_mpi_allreduce_sum_double(double *values, long count);
/// In-place maximum over every rank.
int wgan_mpi_allreduce_max_double(double *values, long count);

/// Rank `root`'s `count` bytes into every rank's `bytes`.
int wgan_mpi_broadcast_bytes(void *bytes, long count, int root);

int wgan_mpi_barrier(void);

/// MPI_Finalize, when MPI was initialised and not yet finalised.
int wgan_mpi_finalize(void);

/// MPI_Abort on the world: ends every rank (the last resort when ranks can no longer agree).
void wgan_mpi_abort(int status);

#ifdef __cplusplus
}
#endif

#endif
