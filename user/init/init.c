/* init: the first user process. It reads the boot information, maps the boot modules it
 * needs, and either runs the user tests (test=user), the file-system tests (test=fs), or
 * starts the system (the pager, "hello", the block drivers and fs, then the services of
 * /etc/services: the console server and the shell) and manages it. */
#include "services.h"
#include "utest.h"

#define MODULE_MAP_BASE 0x0000000100000000ul /* modules are mapped here, 1 GiB apart */

const xr_bootinfo_t *ut_bootinfo;
static int ut_passed, ut_failed;
static char ut_reason[160];
static bool ut_failed_now;

void ut_fail(const char *file, int line, const char *what, long a, long b)
{
    if (ut_failed_now)
        return;
    ut_failed_now = true;
    if (a || b)
        snprintf(ut_reason, sizeof(ut_reason), "%s:%d: %s (%ld != %ld)", file, line, what, a, b);
    else
        snprintf(ut_reason, sizeof(ut_reason), "%s:%d: %s", file, line, what);
}

void ut_run(const char *name, ut_fn_t fn)
{
    ut_failed_now = false;
    fn();
    if (ut_failed_now) {
        printf("not ok %s %s\n", name, ut_reason);
        ut_failed++;
    } else {
        printf("ok %s\n", name);
        ut_passed++;
    }
}

int ut_summary(void)
{
    printf("%d passed, %d failed\n", ut_passed, ut_failed);
    return ut_failed;
}

const void *ut_module(const char *name, size_t *size)
{
    const xr_bootinfo_t *bi = ut_bootinfo;
    for (uint32_t i = 0; i < bi->module_count; i++) {
        if (strcmp(bi->modules[i].name, name) != 0)
            continue;
        uint64_t base = MODULE_MAP_BASE + ((uint64_t)i << 30);
        for (uint64_t off = 0; off < bi->modules[i].size; off += 4096) {
            long err = xr_map_memory(XR_SLOT_SELF, bi->modules[i].cap, off, base + off, 0);
            if (err && err != XR_EEXIST)
                return NULL;
        }
        *size = bi->modules[i].size;
        return (const void *)base;
    }
    return NULL;
}

static bool has_word(const char *line, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = line; *p; p++)
        if ((p == line || p[-1] == ' ') && strncmp(p, word, n) == 0 && (p[n] == ' ' || !p[n]))
            return true;
    return false;
}

bool ut_cmdline_has(const char *word)
{
    return has_word(ut_bootinfo->cmdline, word);
}

static int run_user_tests(void)
{
    printf("init: running the user tests\n");
    tests_sched();
    tests_caps();
    tests_isolation();
    tests_robustness();
    tests_ipc();
    tests_ipc_system();
    tests_chan();
    tests_teardown();
    return ut_summary() ? 1 : 0;
}

#define SYS_PAGER_PROC   60
#define SYS_PAGER_THREAD 61
#define SYS_PAGER_EP     62
#define SYS_FAULT_CAP    63

/* Start the pager (boot module "pager") with a fresh endpoint as its slot 5. */
static long start_pager(void)
{
    size_t size;
    const void *pager = ut_module("pager", &size);
    if (!pager)
        return XR_ENOENT;
    long err = xr_spawn_elf(pager, size, 256, 0, 150, SYS_PAGER_PROC, SYS_PAGER_THREAD);
    err = err ? err : xr_endpoint_create(SYS_PAGER_EP);
    return err ? err : xr_process_give_cap(SYS_PAGER_PROC, SYS_PAGER_EP, 5, XR_RIGHT_READ);
}

/* Start a program whose faults go to the pager as client n (demand-zero heap, a stack
 * that grows), and wait for it to end. */
static void run_paged(const char *name, unsigned n)
{
    size_t size;
    const void *image = ut_module(name, &size);
    long err =
        image ? xr_spawn_elf(image, size, 256, 0, 100, UT_SLOT_PROC, UT_SLOT_THREAD) : XR_ENOENT;
    err = err ? err
              : xr_process_give_cap(SYS_PAGER_PROC, UT_SLOT_PROC, 16 + n,
                                    XR_RIGHT_READ | XR_RIGHT_WRITE);
    err = err ? err : xr_cap_copy(SYS_PAGER_EP, SYS_FAULT_CAP, XR_RIGHT_WRITE, n);
    err = err ? err : xr_thread_set_fault(UT_SLOT_THREAD, SYS_FAULT_CAP);
    uint64_t st = 0;
    for (int i = 0; !err && i < 500; i++) {
        xr_process_status(UT_SLOT_PROC, &st);
        if (xr_status_state(st) != XR_PROC_RUNNING)
            break;
        xr_sleep_us(10000);
    }
    printf("init: %s %s (status %lx)\n", name, err ? xr_strerror(err) : "ended", st);
    xr_cap_delete(SYS_FAULT_CAP);
    xr_cap_delete(UT_SLOT_THREAD);
    xr_cap_delete(UT_SLOT_PROC);
}

/* The normal boot: start the pager, run "hello" under it, start the block drivers and fs
 * (docs/fs.md), then the service manager (the console and the shell), which never returns. */
static _Noreturn void run_system(void)
{
    long err = start_pager();
    if (err)
        printf("init: no pager (%s)\n", xr_strerror(err));
    else
        run_paged("hello", 1);
    if ((err = svc_start_fs())) {
        printf("init: no fs (%s)\n", xr_strerror(err));
        printf("init: system up; %lu frames free\n", xr_info(XR_INFO_FRAMES_FREE));
        for (;;)
            xr_sleep_us(1000000000);
    }
    svc_manage(); /* manager.c: the services of /etc/services, init's protocol */
}

/* test=bench: where ipcbench finds the command line (its argument, user/bench/ipcbench.c). */
#define BENCH_CMDLINE_VA 0x0000000040000000ul

/* Starts "ipcbench" (process and thread at UT_SLOT_PROC, UT_SLOT_THREAD) with its argument: bit
 * 0 for bench=quick, and the address of a page of its own that receives the command line. Then
 * gives it its own thread and process caps, the process cap last: ipcbench waits for it. */
static long bench_start(void)
{
    size_t size;
    const char *line = ut_bootinfo->cmdline;
    const void *image = ut_module("ipcbench", &size);
    if (!image)
        return XR_ENOENT;
    uint64_t arg = BENCH_CMDLINE_VA | has_word(line, "bench=quick");
    long err = xr_spawn_elf(image, size, 512, arg, 100, UT_SLOT_PROC, UT_SLOT_THREAD);
    if (err)
        return err;
    err = xr_map_anon(UT_SLOT_PROC, BENCH_CMDLINE_VA, 0);
    if (!err)
        err = xr_mem_write(UT_SLOT_PROC, BENCH_CMDLINE_VA, line, strlen(line) + 1);
    /* The "ipcserver" module, read-only, in ipcbench's slot 8 (BENCH_SLOT_SERVER_IMAGE): the
     * server it spawns for its cross-address-space cases. */
    for (uint32_t i = 0; !err && i < ut_bootinfo->module_count; i++)
        if (strcmp(ut_bootinfo->modules[i].name, "ipcserver") == 0)
            err = xr_process_give_cap(UT_SLOT_PROC, ut_bootinfo->modules[i].cap, 8, XR_RIGHT_READ);
    if (!err)
        err = xr_process_give_cap(UT_SLOT_PROC, UT_SLOT_THREAD, XR_SLOT_SELF_THREAD, XR_RIGHTS_ALL);
    if (!err)
        err = xr_process_give_cap(UT_SLOT_PROC, UT_SLOT_PROC, XR_SLOT_SELF, XR_RIGHTS_ALL);
    if (err)
        xr_process_kill(UT_SLOT_PROC);
    return err;
}

/* test=bench: runs ipcbench to its end (at most 10 minutes); 0 when it exited with 0, else 1. */
static int run_bench(void)
{
    uint64_t st = 0;
    long err = bench_start();
    for (int i = 0; !err && i < 6000; i++) {
        xr_process_status(UT_SLOT_PROC, &st);
        if (xr_status_state(st) != XR_PROC_RUNNING)
            break;
        xr_sleep_us(100000);
    }
    printf("init: ipcbench %s (status %lx)\n", err ? xr_strerror(err) : "ended", st);
    return !err && xr_status_state(st) == XR_PROC_EXITED && xr_status_code(st) == 0 ? 0 : 1;
}

int main(uint64_t arg)
{
    ut_bootinfo = (const xr_bootinfo_t *)arg;
    if (ut_bootinfo->magic != XR_BOOTINFO_MAGIC) {
        printf("init: bad boot information\n");
        return 2;
    }
    printf("init: started, %u modules, quota %lu frames, command line \"%s\"\n",
           ut_bootinfo->module_count, ut_bootinfo->quota_frames, ut_bootinfo->cmdline);
    if (has_word(ut_bootinfo->cmdline, "test=user"))
        return run_user_tests();
    if (has_word(ut_bootinfo->cmdline, "test=deep")) { /* scripts/test, with more memory */
        tests_teardown();
        return ut_summary() ? 1 : 0;
    }
    if (has_word(ut_bootinfo->cmdline, "test=bench"))
        return run_bench();
    if (has_word(ut_bootinfo->cmdline, "test=libc"))
        return run_libc_test();
    if (has_word(ut_bootinfo->cmdline, "test=fuzz"))
        return run_fuzz(); /* fuzz_start.c */
    if (has_word(ut_bootinfo->cmdline, "test=fs"))
        return svc_run_fstest();
    run_system(); /* also test=posix: the system runs /bin/posix instead of the shell */
}
