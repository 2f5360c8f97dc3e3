/* The supervisor: records the kernel's free frames and live objects, runs the worker in a
 * process of its own quota until the calls are made, lets teardown finish, and checks that
 * every frame and object came back and the kernel still works. Prints one line per check
 * and "N passed, N failed"; its exit code is the number failed. */
#include "fuzz.h"

#define WORKER_QUOTA  13000
#define WORKER_PRIO   100
#define SLOT_WORKER   100
#define SLOT_WTHREAD  101
#define SLOT_WARM     110 /* 110..114: processes holding the warm-up threads */
#define SLOT_TMP      120
#define DEFAULT_SEED  1
#define DEFAULT_CALLS 100000

typedef struct counts {
    uint64_t free, accounted, cached, objects, processes, threads;
} counts_t;

static int passed, failed;
static fz_stats_t result; /* the statistics, copied out at the end */

static void check(bool ok, const char *name)
{
    printf("%s fuzz/%s\n", ok ? "ok" : "not ok", name);
    if (ok)
        passed++;
    else
        failed++;
}

/* The value of "key=" (decimal, or hex after 0x) in the command line, or def. */
static uint64_t option(const char *line, const char *key, uint64_t def)
{
    size_t n = strlen(key);
    for (const char *p = line; *p; p++) {
        if ((p != line && p[-1] != ' ') || strncmp(p, key, n) != 0)
            continue;
        uint64_t v = 0, base = 10;
        p += n;
        if (p[0] == '0' && p[1] == 'x') {
            base = 16;
            p += 2;
        }
        for (;; p++) {
            uint64_t d = *p >= '0' && *p <= '9'   ? (uint64_t)(*p - '0')
                         : *p >= 'a' && *p <= 'f' ? (uint64_t)(*p - 'a' + 10)
                                                  : 99;
            if (d >= base)
                return v;
            v = v * base + d;
        }
    }
    return def;
}

static void counts_take(counts_t *k)
{
    k->free = xr_info(XR_INFO_FRAMES_FREE);
    k->cached = xr_info(XR_INFO_KERNEL_CACHED);
    k->accounted = k->free + xr_info(XR_INFO_QUOTA_USED) + k->cached;
    k->objects = xr_info(XR_INFO_OBJECTS);
    k->processes = xr_info(XR_INFO_PROCESSES);
    k->threads = xr_info(XR_INFO_THREADS);
}

/* The kernel-stack area's page tables are made on first use and kept: make every stack once
 * (threads until the 1024 stack slots or the quota run out), so the run cannot be blamed for
 * them. Returns the threads made. */
static unsigned warm_up(void)
{
    unsigned made = 0;
    long err = XR_OK;
    for (xr_cap_t p = SLOT_WARM; p < SLOT_WARM + 5 && !err; p++) {
        err = xr_process_create(1600, p);
        for (xr_cap_t s = 1; s < 256 && !err; s++) {
            err = xr_thread_create(p, SLOT_TMP);
            err = err ? err : xr_process_give_cap(p, SLOT_TMP, s, XR_RIGHTS_ALL);
            xr_cap_delete(SLOT_TMP);
            made += !err;
        }
    }
    for (xr_cap_t p = SLOT_WARM; p < SLOT_WARM + 5; p++) {
        xr_process_kill(p);
        xr_cap_delete(p);
    }
    xr_sleep_us(20000);
    return made;
}

static long worker_start(void)
{
    uint64_t arg = FZ_ARG_MAGIC | FZ_MODE_WORKER;
    long err = xr_spawn_elf((const void *)FZ_IMAGE_VA, fz_stats->image_size, WORKER_QUOTA, arg,
                            WORKER_PRIO, SLOT_WORKER, SLOT_WTHREAD);
    if (err)
        return err;
    err = xr_process_give_cap(SLOT_WORKER, FZ_SLOT_IMAGE, FZ_SLOT_IMAGE, XR_RIGHT_READ);
    err = err ? err : xr_process_give_cap(SLOT_WORKER, FZ_SLOT_STATS, FZ_SLOT_STATS, 3);
    err = err ? err : xr_process_give_cap(SLOT_WORKER, SLOT_WTHREAD, FZ_SLOT_MAIN, XR_RIGHTS_ALL);
    err = err ? err : xr_process_give_cap(SLOT_WORKER, SLOT_WORKER, FZ_SLOT_SELF, XR_RIGHTS_ALL);
    if (err)
        xr_process_kill(SLOT_WORKER);
    return err;
}

/* Waits for the worker to end, printing progress every 5 s; kills it after `seconds`. */
static uint64_t worker_wait(uint64_t seconds)
{
    uint64_t st = 0, t0 = xr_info(XR_INFO_TICKS), hz = 1000000 / xr_info(XR_INFO_TICK_US);
    for (uint64_t i = 1;; i++) {
        xr_sleep_us(100000);
        xr_process_status(SLOT_WORKER, &st);
        if (xr_status_state(st) != XR_PROC_RUNNING)
            return st;
        if (i % 50 == 0)
            printf("fuzz: %lu calls, %lu agents\n", fz_stats->calls, fz_stats->agents_spawned);
        if (xr_info(XR_INFO_TICKS) - t0 > seconds * hz) {
            printf("fuzz: the worker did not finish in %lu s; killing it\n", seconds);
            xr_process_kill(SLOT_WORKER);
            return 0;
        }
    }
}

/* A few calls that must still work: an endpoint, a process, a message refused for want of a
 * receiver. */
static bool kernel_alive(void)
{
    xr_msg_t m = {.tag = XR_TAG(1, 0, 1)};
    bool ok = xr_null() == XR_OK && xr_endpoint_create(SLOT_TMP) == XR_OK &&
              xr_nbsend(SLOT_TMP, &m) == XR_EAGAIN && xr_cap_delete(SLOT_TMP) == XR_OK;
    ok = ok && xr_process_create(16, SLOT_TMP) == XR_OK &&
         xr_map_anon(SLOT_TMP, 0x400000, XR_MAP_WRITE) == XR_OK &&
         xr_process_kill(SLOT_TMP) == XR_OK && xr_cap_delete(SLOT_TMP) == XR_OK;
    return ok;
}

extern const char *const fz_call_names[XR_SYS_COUNT];

static void print_figures(const counts_t *a, const counts_t *b)
{
    printf("fuzz: frames free %lu -> %lu, kernel caches %lu -> %lu, accounted %lu -> %lu\n",
           a->free, b->free, a->cached, b->cached, a->accounted, b->accounted);
    printf("fuzz: objects %lu -> %lu, processes %lu -> %lu, threads %lu -> %lu\n", a->objects,
           b->objects, a->processes, b->processes, a->threads, b->threads);
    printf("fuzz: agents %lu spawned, %lu killed, %lu ended; %lu messages delivered, %lu caps "
           "received, %lu fault messages\n",
           result.agents_spawned, result.agents_killed, result.agents_ended, result.ipc_delivered,
           result.caps_received, result.faults_sent);
    for (int i = 0; i < 8; i++)
        printf("fuzz: shape %-16s %lu\n", fz_shape_names[i], result.shapes[i]);
    for (int i = 0; i < FZ_NR_SLOTS; i++)
        printf("fuzz: call %2d %-20s %8lu calls %8lu ok\n", i,
               i < XR_SYS_COUNT ? fz_call_names[i] : "(bad numbers)", result.by_nr[i],
               result.ok_by_nr[i]);
}

static struct options {
    uint64_t seed, calls, shapes, ops, repro;
} opt;

/* Maps the fuzz image (to spawn the worker from) and reads the options. */
static long setup(uint64_t image_size)
{
    const char *line = (const char *)FZ_CMDLINE_VA;
    for (uint64_t off = 0; off < image_size; off += 4096) {
        long err = xr_map_memory(FZ_SLOT_SELF, FZ_SLOT_IMAGE, off, FZ_IMAGE_VA + off, 0);
        if (err)
            return err;
    }
    opt.seed = option(line, "fuzz.seed=", DEFAULT_SEED);
    opt.calls = option(line, "fuzz.calls=", DEFAULT_CALLS);
    opt.shapes = option(line, "fuzz.shapes=", 0xff);
    opt.ops = option(line, "fuzz.ops=", 0x3ff);
    opt.repro = option(line, "fuzz.repro=", 0);
    return XR_OK;
}

/* The statistics page the worker and agents share. It is made after the first count and
 * destroyed before the last: a memory object keeps a reference on every process it was
 * mapped in until it is destroyed (or reclaims the record), which would pin ended agents. */
static long stats_make(uint64_t image_size)
{
    long err = xr_memory_create(1, FZ_SLOT_STATS);
    err = err ? err : xr_map_memory(FZ_SLOT_SELF, FZ_SLOT_STATS, 0, FZ_STATS_VA, XR_MAP_WRITE);
    if (err)
        return err;
    fz_stats->image_size = image_size;
    fz_stats->seed = opt.seed;
    fz_stats->target = opt.calls;
    fz_stats->shape_mask = opt.shapes;
    fz_stats->op_mask = opt.ops;
    return XR_OK;
}

static void stats_drop(void)
{
    memcpy(&result, (const void *)fz_stats, sizeof(result));
    xr_unmap(FZ_SLOT_SELF, FZ_STATS_VA);
    xr_cap_delete(FZ_SLOT_STATS);
}

int fz_supervisor(uint64_t image_size)
{
    counts_t before, after;
    long err = setup(image_size);
    if (err) {
        printf("fuzz: set-up failed: %s\n", xr_strerror(err));
        return 1;
    }
    if (opt.repro)
        return stats_make(image_size) ? 1 : fz_repro();
    printf("fuzz: seed %lu\n", opt.seed);
    printf("fuzz: %lu calls, shapes 0x%lx, operations 0x%lx, fastpath %lu\n", opt.calls, opt.shapes,
           opt.ops, xr_info(XR_INFO_FASTPATH));
    printf("fuzz: warm-up made %u threads\n", warm_up());
    counts_take(&before);
    uint64_t t0 = xr_info(XR_INFO_TICKS), st = 0;
    err = stats_make(image_size);
    err = err ? err : worker_start();
    if (!err)
        st = worker_wait(120 + opt.calls / 1000);
    uint64_t ticks = xr_info(XR_INFO_TICKS) - t0;
    xr_cap_delete(SLOT_WTHREAD);
    xr_cap_delete(SLOT_WORKER);
    stats_drop();
    xr_sleep_us(50000); /* let the dead be reaped */
    counts_take(&after);
    printf("fuzz: %lu calls in %lu ticks; worker status %lx\n", result.calls, ticks, st);
    print_figures(&before, &after);
    check(!err, "worker-started");
    check(result.calls >= opt.calls, "calls-made");
    check(xr_status_state(st) == XR_PROC_EXITED && xr_status_code(st) == 0, "worker-exited");
    check(after.accounted == before.accounted, "no-frame-leak");
    check(after.objects == before.objects && after.processes == before.processes &&
              after.threads == before.threads,
          "no-object-leak");
    check(kernel_alive(), "kernel-alive");
    printf("%d passed, %d failed\n", passed, failed);
    return failed;
}
