// A small thread pool for the engine's parallel regions. The engine hands out many short
// pieces of work (halves of a matrix product, the two branches of a training step), each a few
// hundred microseconds, back to back; waking a parked thread for each costs several
// microseconds and leaves a core idle meanwhile. Workers here spin briefly after a job, then
// sleep on a futex, so a burst of parallel regions pays no wake-up and an idle process burns no
// CPU. Parts are claimed from a shared counter, so when a worker is slow to start (another
// process has its core) the caller simply runs the remaining parts itself.
//
// Nesting: while the caller runs part 0 of a job and every other part is finished, the workers
// are idle; a region started from that part is published as a job of its own (the two branches
// of a training step rarely take equally long, and the longer one's products then get both
// cores). Any other region started inside a job runs inline.
#define _GNU_SOURCE
#if !defined(__linux__) || !defined(__x86_64__)
#error "Linux x86-64 only (futexes)"
#endif
#include "CKernels.h"
#include "CKernelsTesting.h"

#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_WORKERS 63
// About 50 µs of spinning (a pause is tens of cycles) before a thread sleeps or yields.
#define SPIN_LIMIT 20000

// A job's claim word packs everything a claim decides on, so that one atomic snapshot decides it:
// the generation the job was published under (bits 32–63), its part count (bits 16–31) and the
// next part nobody has claimed yet (bits 0–15). A worker claims only with the tag of the
// generation it woke for. A claim that succeeds holds a part below the count, so the job is
// still running and its slot cannot have been reused; a worker that wakes late for a finished
// job finds the count reached and touches nothing else. (Reading the count from a separate
// field let a late worker pair its stale tag with the next job's count while the caller was
// rewriting the slot: it ran a part of the new job twice and returned it early.)
#define MAX_PARTS 0xffff

static inline unsigned long long claim_word(unsigned tag, long parts, long next) {
    return ((unsigned long long)tag << 32) | ((unsigned long long)parts << 16) | (unsigned long long)next;
}

struct job {
    wgan_task_fn fn;
    void *context;
    _Atomic unsigned long long claims;  // see claim_word
    _Atomic long remaining;             // parts not yet finished
};

#define MAX_DEPTH 8

static struct {
    _Atomic unsigned generation;  // bumped for each job; workers wait for it to change
    _Atomic int sleepers;
    _Atomic(struct job *) job;    // the job workers claim from (never NULL once set)
    _Atomic int busy;             // a job is running: other threads' regions run inline
    int depth;                    // jobs in progress, nested ones included (owner thread only)
    int workers;
    pthread_mutex_t start_lock;
    // Jobs live here rather than on the caller's stack: a worker that wakes late may still
    // touch a finished job, which must stay valid memory (it then finds no part to claim).
    struct job slots[MAX_DEPTH];
} pool = {.start_lock = PTHREAD_MUTEX_INITIALIZER};

// Spins between writing a job and publishing it, set only by stress tests: it widens the window
// in which a late worker meets a half-written job.
static _Atomic int publish_delay;

void wgan_testing_pool_set_publish_delay(int spins) { atomic_store(&publish_delay, spins); }

// The job whose part 0 this thread is running, if it started that job.
static _Thread_local struct job *owned_job;

static void futex_wait(_Atomic unsigned *address, unsigned expected) {
    syscall(SYS_futex, (unsigned *)address, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake_all(_Atomic unsigned *address) {
    syscall(SYS_futex, (unsigned *)address, FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL, NULL, 0);
}

static void run_part(struct job *job, long part) {
    job->fn(job->context, part);
    atomic_fetch_sub_explicit(&job->remaining, 1, memory_order_release);
}

/// Claims one part of `job` as published under generation `tag`: its index, or -1 when the job
/// has no part left or the slot now holds another job.
static long claim_part(struct job *job, unsigned tag) {
    unsigned long long seen = atomic_load_explicit(&job->claims, memory_order_acquire);
    for (;;) {
        long parts = (long)((seen >> 16) & MAX_PARTS), part = (long)(seen & MAX_PARTS);
        if ((unsigned)(seen >> 32) != tag || part >= parts) return -1;
        if (atomic_compare_exchange_weak_explicit(&job->claims, &seen, seen + 1,
                                                  memory_order_acq_rel, memory_order_acquire)) return part;
    }
}

/// Runs unclaimed parts of `job` until none is left.
static void claim_parts(struct job *job, unsigned tag) {
    long part;
    while ((part = claim_part(job, tag)) >= 0) run_part(job, part);
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
        struct job *job = atomic_load_explicit(&pool.job, memory_order_acquire);
        if (job) claim_parts(job, now);
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

int wgan_pool_can_nest(void) {
    struct job *job = owned_job;
    if (!job || atomic_load_explicit(&job->remaining, memory_order_acquire) != 1) return 0;
    unsigned long long claims = atomic_load_explicit(&job->claims, memory_order_acquire);
    return (long)(claims & MAX_PARTS) >= (long)((claims >> 16) & MAX_PARTS);
}

void wgan_pool_run(long parts, wgan_task_fn fn, void *context) {
    if (parts > 1) ensure_workers((int)(parts - 1));
    int nested = wgan_pool_can_nest() && pool.depth < MAX_DEPTH;
    int expected = 0;
    if (parts <= 1 || parts > MAX_PARTS || pool.workers == 0 ||
        (!nested && !atomic_compare_exchange_strong(&pool.busy, &expected, 1))) {
        for (long part = 0; part < parts; part++) fn(context, part);
        return;
    }
    // The caller takes part 0 before publishing, so it is the one running it (and the one that
    // may start a nested job from it); workers claim from part 1. The fields are written before
    // the claim word's release store, which a worker's claim reads with acquire; the tag is the
    // generation the job is published under.
    struct job *job = &pool.slots[pool.depth++];
    unsigned tag = atomic_load_explicit(&pool.generation, memory_order_relaxed) + 1;
    job->fn = fn;
    job->context = context;
    atomic_store_explicit(&job->remaining, parts, memory_order_relaxed);
    for (int spin = atomic_load_explicit(&publish_delay, memory_order_relaxed); spin > 0; spin--) __builtin_ia32_pause();
    atomic_store_explicit(&job->claims, claim_word(tag, parts, 1), memory_order_release);
    struct job *outer_job = atomic_load_explicit(&pool.job, memory_order_relaxed);
    struct job *outer_owned = owned_job;
    atomic_store_explicit(&pool.job, job, memory_order_release);
    atomic_store_explicit(&pool.generation, tag, memory_order_release);
    if (atomic_load(&pool.sleepers) > 0) futex_wake_all(&pool.generation);
    // While this thread runs any part of the job it owns it; a region it starts once every other
    // part is done may use the idle workers (wgan_pool_can_nest).
    owned_job = job;
    run_part(job, 0);
    claim_parts(job, tag);
    owned_job = outer_owned;
    // Parts claimed by workers are running: wait for them, yielding if that takes long (a
    // worker may have lost its core to another process).
    int spins = 0;
    while (atomic_load_explicit(&job->remaining, memory_order_acquire) > 0) {
        if (++spins < SPIN_LIMIT) __builtin_ia32_pause();
        else sched_yield();
    }
    if (nested) atomic_store_explicit(&pool.job, outer_job, memory_order_release);
    pool.depth--;
    if (!nested) atomic_store_explicit(&pool.busy, 0, memory_order_release);
}
