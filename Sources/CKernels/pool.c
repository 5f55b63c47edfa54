// A small thread pool for the engine's parallel regions. The engine hands out many short
// pieces of work (halves of a matrix product, the two branches of a training step), each a few
// hundred microseconds, back to back; waking a parked thread for each costs several
// microseconds and leaves a core idle meanwhile. Workers here spin briefly after a job, then
// sleep on a futex, so a burst of parallel regions pays no wake-up and an idle process burns no
// CPU. Parts are claimed from a shared counter, so when a worker is slow to start (another
// process has its core) the caller simply runs the remaining parts itself.
#define _GNU_SOURCE
#include "CKernels.h"

#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_WORKERS 63
// About 50 µs of spinning (a pause is tens of cycles) before a thread sleeps or yields.
#define SPIN_LIMIT 20000

static struct {
    _Atomic unsigned generation;  // bumped for each job; workers wait for it to change
    _Atomic int sleepers;
    _Atomic long next_part;       // the next part nobody has claimed yet
    _Atomic long remaining;       // parts not yet finished
    _Atomic int busy;             // a job is running: concurrent callers run inline
    wgan_task_fn fn;
    void *context;
    long parts;
    int workers;
    pthread_mutex_t start_lock;
} pool = {.start_lock = PTHREAD_MUTEX_INITIALIZER};

static void futex_wait(_Atomic unsigned *address, unsigned expected) {
    syscall(SYS_futex, (unsigned *)address, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake_all(_Atomic unsigned *address) {
    syscall(SYS_futex, (unsigned *)address, FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL, NULL, 0);
}

/// Runs unclaimed parts of the current job until none is left.
static void claim_parts(void) {
    long part;
    while ((part = atomic_fetch_add_explicit(&pool.next_part, 1, memory_order_acq_rel)) < pool.parts) {
        pool.fn(pool.context, part);
        atomic_fetch_sub_explicit(&pool.remaining, 1, memory_order_release);
    }
}

static void *worker_main(void *argument) {
    // The creator passes the generation current before its job was published, so a worker that
    // starts late still sees that job as new.
    unsigned seen = (unsigned)(unsigned long)argument;
    for (;;) {
        unsigned now;
        int spins = 0;
        while ((now = atomic_load_explicit(&pool.generation, memory_order_acquire)) == seen) {
            if (++spins < SPIN_LIMIT) {
                __builtin_ia32_pause();
                continue;
            }
            atomic_fetch_add(&pool.sleepers, 1);
            if (atomic_load_explicit(&pool.generation, memory_order_acquire) == seen) futex_wait(&pool.generation, seen);
            atomic_fetch_sub(&pool.sleepers, 1);
            spins = 0;
        }
        seen = now;
        claim_parts();
    }
    return NULL;
}

static void ensure_workers(int wanted) {
    if (wanted > MAX_WORKERS) wanted = MAX_WORKERS;
    if (pool.workers >= wanted) return;
    pthread_mutex_lock(&pool.start_lock);
    while (pool.workers < wanted) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        unsigned long argument = atomic_load_explicit(&pool.generation, memory_order_acquire);
        int failed = pthread_create(&thread, &attributes, worker_main, (void *)argument);
        pthread_attr_destroy(&attributes);
        if (failed) break;
        pool.workers++;
    }
    pthread_mutex_unlock(&pool.start_lock);
}

void wgan_pool_run(long parts, wgan_task_fn fn, void *context) {
    int expected = 0;
    if (parts > 1) ensure_workers((int)(parts - 1));
    if (parts <= 1 || pool.workers == 0 || !atomic_compare_exchange_strong(&pool.busy, &expected, 1)) {
        for (long part = 0; part < parts; part++) fn(context, part);
        return;
    }
    pool.fn = fn;
    pool.context = context;
    pool.parts = parts;
    atomic_store_explicit(&pool.next_part, 0, memory_order_relaxed);
    atomic_store_explicit(&pool.remaining, parts, memory_order_relaxed);
    atomic_fetch_add_explicit(&pool.generation, 1, memory_order_release);
    if (atomic_load(&pool.sleepers) > 0) futex_wake_all(&pool.generation);
    claim_parts();
    // Parts claimed by workers are running: wait for them, yielding if that takes long (the
    // worker may have lost its core to another process).
    int spins = 0;
    while (atomic_load_explicit(&pool.remaining, memory_order_acquire) > 0) {
        if (++spins < SPIN_LIMIT) __builtin_ia32_pause();
        else sched_yield();
    }
    atomic_store_explicit(&pool.busy, 0, memory_order_release);
}
