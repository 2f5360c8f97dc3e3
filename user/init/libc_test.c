/* test=libc: init runs the C-library test program (boot module "libc_iso") with arguments and an
 * environment, waits for it, and passes on its verdict. */
#include "init.h"

/* Runs libc_iso to its end (at most 10 minutes) with its own process and thread caps; returns 0
 * when it exited with 0, else 1. */
int run_libc_test(void)
{
    char *argv[] = {"libc_iso", "alpha", "beta gamma", NULL};
    char *envp[] = {"XR_TEST=libc", "HOME=/", NULL};
    size_t size;
    uint64_t st = 0;
    const void *image = init_module("libc_iso", &size);
    long err = image ? XR_OK : XR_ENOENT;
    if (!err)
        err = xr_spawn_elf_argv(image, size, 2048, argv, envp, 0, 100, INIT_SLOT_PROC,
                                INIT_SLOT_THREAD);
    /* The child runs only when init (priority 200) sleeps below, so it has its caps by then. */
    if (!err)
        err = xr_process_give_cap(INIT_SLOT_PROC, INIT_SLOT_THREAD, XR_SLOT_SELF_THREAD,
                                  XR_RIGHTS_ALL);
    if (!err)
        err = xr_process_give_cap(INIT_SLOT_PROC, INIT_SLOT_PROC, XR_SLOT_SELF, XR_RIGHTS_ALL);
    for (int i = 0; !err && i < 6000; i++) {
        xr_process_status(INIT_SLOT_PROC, &st);
        if (xr_status_state(st) != XR_PROC_RUNNING)
            break;
        xr_sleep_us(100000);
    }
    printf("init: libc_iso %s (status %lx)\n", err ? xr_strerror(err) : "ended", st);
    if (err || xr_status_state(st) == XR_PROC_RUNNING)
        xr_process_kill(INIT_SLOT_PROC);
    xr_cap_delete(INIT_SLOT_THREAD);
    xr_cap_delete(INIT_SLOT_PROC);
    return !err && xr_status_state(st) == XR_PROC_EXITED && xr_status_code(st) == 0 ? 0 : 1;
}
