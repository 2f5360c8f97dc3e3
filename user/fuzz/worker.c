/* The worker process: a controller thread that keeps the agents churning (spawned, given
 * caps, killed mid-call, replaced when they end), rebuilds the shared endpoints when random
 * deletes destroy them, builds the bug shapes, and issues non-blocking random calls; worker
 * threads that issue non-blocking random calls too; and, at the end, the kill of everything. */
#include "fuzz.h"

#define WORKER_THREADS 2
#define WORKER_PRIO    90
#define AGENTS         6
#define OPS_PER_ROUND  24

static fz_ctx_t controller, workers[WORKER_THREADS];
static uint64_t generation;

static void worker_loop(fz_ctx_t *c)
{
    while (!fz_stats->stop)
        fz_op(c);
}

/* Agent i: left alone while it runs (killed now and then), replaced once it has ended. */
static void agent_tend(fz_ctx_t *c, unsigned i)
{
    xr_cap_t p = FZ_SLOT_AGENTS + i;
    uint64_t st = 0;
    if (xr_process_status(p, &st) == XR_OK) {
        if (xr_status_state(st) == XR_PROC_RUNNING) {
            if (!fz_chance(c, 30))
                return;
            xr_process_kill(p);
            __atomic_fetch_add(&fz_stats->agents_killed, 1, __ATOMIC_RELAXED);
        } else {
            __atomic_fetch_add(&fz_stats->agents_ended, 1, __ATOMIC_RELAXED);
        }
    }
    xr_cap_delete(FZ_SLOT_AGENT_THR + i);
    xr_cap_delete(p);
    fz_agent_spawn(c, i, ++generation);
}

/* The shared endpoints and notifications: made again when random calls took them away. */
static void pool_tend(void)
{
    for (xr_cap_t s = FZ_SLOT_EP_FIRST; s < FZ_SLOT_NTFN_FIRST + FZ_NTFNS; s++) {
        unsigned type = 0;
        unsigned want = s < FZ_SLOT_NTFN_FIRST ? XR_OBJ_ENDPOINT : XR_OBJ_NOTIFICATION;
        if (xr_cap_identify(s, &type, NULL) == XR_OK && type == want)
            continue;
        xr_cap_delete(s);
        if (want == XR_OBJ_ENDPOINT)
            xr_endpoint_create(s);
        else
            xr_notify_create(s);
    }
}

static long setup(void)
{
    unsigned type = 0;
    for (int i = 0; i < 1000 && type != XR_OBJ_PROCESS; i++)
        if (xr_cap_identify(FZ_SLOT_SELF, &type, NULL) != XR_OK)
            xr_yield();
    long err = xr_map_memory(FZ_SLOT_SELF, FZ_SLOT_STATS, 0, FZ_STATS_VA, XR_MAP_WRITE);
    for (uint64_t off = 0; !err && off < fz_stats->image_size; off += 4096)
        err = xr_map_memory(FZ_SLOT_SELF, FZ_SLOT_IMAGE, off, FZ_IMAGE_VA + off, 0);
    return err;
}

/* Stop the worker threads, kill every agent, drop every cap; the exit does the rest. */
static void teardown(void)
{
    fz_stats->stop = 1;
    for (unsigned i = 0; i < WORKER_THREADS; i++) {
        uint64_t state = 0;
        for (int t = 0; t < 100; t++) {
            if (xr_thread_status(FZ_SLOT_THREADS + 1 + i, &state) != XR_OK ||
                state == XR_THREAD_DEAD)
                break;
            xr_sleep_us(1000);
        }
    }
    for (unsigned i = 0; i < AGENTS; i++) {
        xr_process_kill(FZ_SLOT_AGENTS + i);
        xr_cap_delete(FZ_SLOT_AGENT_THR + i);
        xr_cap_delete(FZ_SLOT_AGENTS + i);
    }
    for (xr_cap_t s = 1; s < FZ_SLOT_PROTECTED; s++)
        xr_cap_delete(s);
}

int fz_worker(void)
{
    long err = setup();
    if (err) {
        printf("fuzz: worker set-up failed: %s\n", xr_strerror(err));
        return 1;
    }
    controller = (fz_ctx_t){.rng = fz_mix(fz_stats->seed), .controller = true};
    err = fz_thread_main(&controller);
    pool_tend();
    for (unsigned i = 0; !err && i < WORKER_THREADS; i++) {
        workers[i] = (fz_ctx_t){.rng = fz_mix(fz_stats->seed + 1000 + i)};
        err = fz_thread_start(1 + i, worker_loop, &workers[i], WORKER_PRIO);
    }
    if (err) {
        printf("fuzz: worker threads not started: %s\n", xr_strerror(err));
        return 1;
    }
    while (fz_stats->calls < fz_stats->target) {
        for (unsigned i = 0; i < AGENTS; i++)
            agent_tend(&controller, i);
        pool_tend();
        for (int i = 0; i < OPS_PER_ROUND; i++)
            fz_op(&controller);
        if (fz_chance(&controller, 3))
            fz_shape(&controller);
        xr_sleep_us(0); /* one tick for the agents and the worker threads */
    }
    teardown();
    return 0;
}
