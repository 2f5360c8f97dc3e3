/* Deterministic regression cases for kernel bugs the fuzzer found (fuzz.repro=1): each is the
 * shortest sequence of calls that showed the bug, run by the supervisor, with the kernel's
 * object and frame counts compared before and after. */
#include "fuzz.h"

#define A 130 /* scratch slots 130..139 */

typedef struct snap {
    uint64_t objects, processes, threads, frames;
} snap_t;

static void snap(snap_t *s)
{
    s->objects = xr_info(XR_INFO_OBJECTS);
    s->processes = xr_info(XR_INFO_PROCESSES);
    s->threads = xr_info(XR_INFO_THREADS);
    s->frames =
        xr_info(XR_INFO_FRAMES_FREE) + xr_info(XR_INFO_QUOTA_USED) + xr_info(XR_INFO_KERNEL_CACHED);
}

static int report(const char *name, const snap_t *a)
{
    snap_t b;
    xr_sleep_us(20000);
    snap(&b);
    bool ok = a->objects == b.objects && a->processes == b.processes && a->threads == b.threads &&
              a->frames == b.frames;
    printf("%s fuzz/repro-%s (objects %lu -> %lu, processes %lu -> %lu, threads %lu -> %lu, "
           "frames %lu -> %lu)\n",
           ok ? "ok" : "not ok", name, a->objects, b.objects, a->processes, b.processes, a->threads,
           b.threads, a->frames, b.frames);
    return ok ? 0 : 1;
}

/* A process started from the fuzz image that kills itself through a cap to itself. */
static int self_kill(void)
{
    snap_t a;
    snap(&a);
    uint64_t arg = FZ_ARG_MAGIC | FZ_MODE_SUICIDE;
    if (xr_spawn_elf((const void *)FZ_IMAGE_VA, fz_stats->image_size, 64, arg, 100, A, A + 1))
        return 1;
    xr_process_give_cap(A, A, 1, XR_RIGHTS_ALL);
    uint64_t st = 0;
    for (int i = 0; i < 100 && xr_status_state(st) != XR_PROC_KILLED; i++) {
        xr_sleep_us(10000);
        xr_process_status(A, &st);
    }
    xr_cap_delete(A + 1);
    xr_cap_delete(A);
    return report("self-kill", &a);
}

/* An empty process holding a cap to itself, killed from outside, then its cap dropped. */
static int self_cap_killed(void)
{
    snap_t a;
    snap(&a);
    xr_process_create(8, A);
    xr_process_give_cap(A, A, 1, XR_RIGHTS_ALL);
    xr_process_kill(A);
    xr_cap_delete(A);
    return report("self-cap-killed", &a);
}

int fz_repro(void)
{
    int failed = self_kill() + self_cap_killed();
    printf("%d passed, %d failed\n", 2 - failed, failed);
    return failed;
}

/* FZ_MODE_SUICIDE: wait for the cap to itself in slot 1, then kill itself with it. */
int fz_suicide(void)
{
    unsigned type = 0;
    for (int i = 0; i < 1000 && type != XR_OBJ_PROCESS; i++)
        if (xr_cap_identify(1, &type, NULL) != XR_OK)
            xr_yield();
    xr_process_kill(1);
    return 0;
}
