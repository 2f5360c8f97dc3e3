/* init's test modes: the user tests (test=user, test=user/PREFIX, test=deep), which the test
 * library (user/testlib) registers and runs inside init, and the benchmark (test=bench), which
 * runs in a process of its own. */
#include "init.h"
#include "utest.h"

/* What the test library asks of its host (utest.h). */
const void *ut_module(const char *name, size_t *size)
{
    return init_module(name, size);
}

bool ut_cmdline_has(const char *word)
{
    return init_cmdline_has(word);
}

unsigned ut_isa_gsi(unsigned irq)
{
    return irq < 16 ? init_bootinfo->isa_gsi[irq] : irq;
}

int run_user_tests(const char *prefix)
{
    printf("init: running the user tests\n");
    return ut_run_all(prefix) ? 1 : 0;
}

int run_deep_tests(void)
{
    return ut_run_all("teardown/") ? 1 : 0;
}

/* test=bench: where ipcbench finds the command line (its argument, user/bench/ipcbench.c). */
#define BENCH_CMDLINE_VA 0x0000000040000000ul

/* Starts "ipcbench" (process and thread at INIT_SLOT_PROC, INIT_SLOT_THREAD) with its argument:
 * bit 0 for bench=quick, and the address of a page of its own that receives the command line.
 * Then gives it its own thread and process caps, the process cap last: ipcbench waits for it. */
static long bench_start(void)
{
    size_t size;
    const char *line = init_bootinfo->cmdline;
    const void *image = init_module("ipcbench", &size);
    if (!image)
        return XR_ENOENT;
    uint64_t arg = BENCH_CMDLINE_VA | init_cmdline_has("bench=quick");
    /* 640 frames: a kernel pool of 64 (sys_process.c) holds bench=smp's 4 pairs of threads */
    long err = xr_spawn_elf(image, size, 640, arg, 100, INIT_SLOT_PROC, INIT_SLOT_THREAD);
    if (err)
        return err;
    err = xr_map_anon(INIT_SLOT_PROC, BENCH_CMDLINE_VA, 0);
    if (!err)
        err = xr_mem_write(INIT_SLOT_PROC, BENCH_CMDLINE_VA, line, strlen(line) + 1);
    /* The "ipcserver" module, read-only: the server ipcbench spawns for its cross-address-space
     * cases. */
    for (uint32_t i = 0; !err && i < init_bootinfo->module_count; i++)
        if (strcmp(init_bootinfo->modules[i].name, "ipcserver") == 0)
            err = xr_process_give_cap(INIT_SLOT_PROC, init_bootinfo->modules[i].cap,
                                      XR_BENCH_SLOT_SERVER_IMAGE, XR_RIGHT_READ);
    if (!err)
        err = xr_process_give_cap(INIT_SLOT_PROC, INIT_SLOT_THREAD, XR_SLOT_SELF_THREAD,
                                  XR_RIGHTS_ALL);
    if (!err)
        err = xr_process_give_cap(INIT_SLOT_PROC, INIT_SLOT_PROC, XR_SLOT_SELF, XR_RIGHTS_ALL);
    if (err)
        xr_process_kill(INIT_SLOT_PROC);
    return err;
}

int run_bench(void)
{
    uint64_t st = 0;
    long err = bench_start();
    for (int i = 0; !err && i < 6000; i++) {
        xr_process_status(INIT_SLOT_PROC, &st);
        if (xr_status_state(st) != XR_PROC_RUNNING)
            break;
        xr_sleep_us(100000);
    }
    printf("init: ipcbench %s (status %lx)\n", err ? xr_strerror(err) : "ended", st);
    return !err && xr_status_state(st) == XR_PROC_EXITED && xr_status_code(st) == 0 ? 0 : 1;
}
