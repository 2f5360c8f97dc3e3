/* test=fuzz: init starts the "fuzz" module as the fuzzer's supervisor, with its own quota,
 * its image, the command line (for fuzz.seed= and fuzz.calls=) and its own caps, and waits
 * for its verdict (user/fuzz/, docs/fuzzing.md). */
#include "init.h"
#include "user/fuzz/fuzz.h"

#define FUZZ_QUOTA 16000
#define FUZZ_PRIO  150
#define FUZZ_WAIT  (60 * 60 * 10) /* in tenths of a second: the supervisor has its own limit */

static long fuzz_start(void)
{
    size_t size;
    const char *line = init_bootinfo->cmdline;
    const void *image = init_module("fuzz", &size);
    xr_cap_t cap = 0;
    for (uint32_t i = 0; i < init_bootinfo->module_count; i++)
        if (strcmp(init_bootinfo->modules[i].name, "fuzz") == 0)
            cap = init_bootinfo->modules[i].cap;
    if (!image || !cap)
        return XR_ENOENT;
    uint64_t arg = FZ_ARG_MAGIC | FZ_MODE_SUPERVISOR | (uint64_t)size << 8;
    long err =
        xr_spawn_elf(image, size, FUZZ_QUOTA, arg, FUZZ_PRIO, INIT_SLOT_PROC, INIT_SLOT_THREAD);
    if (err)
        return err;
    err = xr_map_anon(INIT_SLOT_PROC, FZ_CMDLINE_VA, 0);
    err = err ? err : xr_mem_write(INIT_SLOT_PROC, FZ_CMDLINE_VA, line, strlen(line) + 1);
    err = err ? err : xr_process_give_cap(INIT_SLOT_PROC, cap, FZ_SLOT_IMAGE, XR_RIGHT_READ);
    err = err ? err
              : xr_process_give_cap(INIT_SLOT_PROC, INIT_SLOT_THREAD, FZ_SLOT_MAIN, XR_RIGHTS_ALL);
    err = err ? err
              : xr_process_give_cap(INIT_SLOT_PROC, INIT_SLOT_PROC, FZ_SLOT_SELF, XR_RIGHTS_ALL);
    if (err)
        xr_process_kill(INIT_SLOT_PROC);
    return err;
}

/* Runs the fuzzer to its end; 0 when its supervisor exited with 0 (every check passed). */
int run_fuzz(void)
{
    uint64_t st = 0;
    long err = fuzz_start();
    for (int i = 0; !err && i < FUZZ_WAIT; i++) {
        xr_process_status(INIT_SLOT_PROC, &st);
        if (xr_status_state(st) != XR_PROC_RUNNING)
            break;
        xr_sleep_us(100000);
    }
    if (err)
        printf("init: fuzz not started: %s\n0 passed, 1 failed\n", xr_strerror(err));
    else
        printf("init: fuzz ended (status %lx)\n", st);
    return !err && xr_status_state(st) == XR_PROC_EXITED && xr_status_code(st) == 0 ? 0 : 1;
}
