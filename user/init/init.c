/* init: the first user process. It reads the boot information, maps the boot modules it
 * needs, and either carries out a test mode (test=user, test=user/PREFIX, test=deep,
 * test=bench, test=libc, test=fuzz, test=fs: runner.c, libc_test.c, fuzz_start.c,
 * services.c) or starts the system (the pager and "hello" under it, the block drivers and
 * fs, then the services of /etc/services: the console server and the shell) and manages
 * it (manager.c). */
#include "init.h"
#include "services.h"

#define MODULE_MAP_BASE 0x0000000100000000ul /* modules are mapped here, 1 GiB apart */

const xr_bootinfo_t *init_bootinfo;

const void *init_module(const char *name, size_t *size)
{
    const xr_bootinfo_t *bi = init_bootinfo;
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

/* The first word of the command line that starts with prefix (and, if whole, ends there). */
static const char *find_word(const char *prefix, bool whole)
{
    const char *line = init_bootinfo->cmdline;
    size_t n = strlen(prefix);
    for (const char *p = line; *p; p++)
        if ((p == line || p[-1] == ' ') && strncmp(p, prefix, n) == 0 &&
            (!whole || p[n] == ' ' || !p[n]))
            return p;
    return NULL;
}

bool init_cmdline_has(const char *word)
{
    return find_word(word, true) != NULL;
}

bool init_cmdline_value(const char *prefix, char *buf, size_t size)
{
    const char *p = find_word(prefix, false);
    if (!p)
        return false;
    p += strlen(prefix);
    size_t n = 0;
    for (; n < size - 1 && p[n] && p[n] != ' '; n++)
        buf[n] = p[n];
    buf[n] = '\0';
    return true;
}

#define SYS_PAGER_PROC   60
#define SYS_PAGER_THREAD 61
#define SYS_PAGER_EP     62
#define SYS_FAULT_CAP    63

/* Start the pager (boot module "pager") with a fresh endpoint as its XR_PAGER_SLOT_EP. */
static long start_pager(void)
{
    size_t size;
    const void *pager = init_module("pager", &size);
    if (!pager)
        return XR_ENOENT;
    long err = xr_spawn_elf(pager, size, 256, 0, 150, SYS_PAGER_PROC, SYS_PAGER_THREAD);
    err = err ? err : xr_endpoint_create(SYS_PAGER_EP);
    return err ? err
               : xr_process_give_cap(SYS_PAGER_PROC, SYS_PAGER_EP, XR_PAGER_SLOT_EP, XR_RIGHT_READ);
}

/* Start a program whose faults go to the pager as client n (demand-zero heap, a stack
 * that grows), and wait for it to end. */
static void run_paged(const char *name, unsigned n)
{
    size_t size;
    const void *image = init_module(name, &size);
    long err = image ? xr_spawn_elf(image, size, 256, 0, 100, INIT_SLOT_PROC, INIT_SLOT_THREAD)
                     : XR_ENOENT;
    err = err ? err
              : xr_process_give_cap(SYS_PAGER_PROC, INIT_SLOT_PROC, XR_PAGER_SLOT_CLIENT(n),
                                    XR_RIGHT_READ | XR_RIGHT_WRITE);
    err = err ? err : xr_cap_copy(SYS_PAGER_EP, SYS_FAULT_CAP, XR_RIGHT_WRITE, n);
    err = err ? err : xr_thread_set_fault(INIT_SLOT_THREAD, SYS_FAULT_CAP);
    uint64_t st = 0;
    for (int i = 0; !err && i < 500; i++) {
        xr_process_status(INIT_SLOT_PROC, &st);
        if (xr_status_state(st) != XR_PROC_RUNNING)
            break;
        xr_sleep_us(10000);
    }
    printf("init: %s %s (status %lx)\n", name, err ? xr_strerror(err) : "ended", st);
    xr_cap_delete(SYS_FAULT_CAP);
    xr_cap_delete(INIT_SLOT_THREAD);
    xr_cap_delete(INIT_SLOT_PROC);
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

int main(uint64_t arg)
{
    char prefix[64];

    init_bootinfo = (const xr_bootinfo_t *)arg;
    if (init_bootinfo->magic != XR_BOOTINFO_MAGIC) {
        printf("init: bad boot information\n");
        return 2;
    }
    printf("init: started, %u modules, quota %lu frames, command line \"%s\"\n",
           init_bootinfo->module_count, init_bootinfo->quota_frames, init_bootinfo->cmdline);
    if (init_cmdline_has("test=user"))
        return run_user_tests("");
    if (init_cmdline_value("test=user/", prefix, sizeof(prefix)))
        return run_user_tests(prefix);
    if (init_cmdline_has("test=deep")) /* scripts/test, with more memory */
        return run_deep_tests();
    if (init_cmdline_has("test=bench"))
        return run_bench();
    if (init_cmdline_has("test=libc"))
        return run_libc_test();
    if (init_cmdline_has("test=fuzz"))
        return run_fuzz(); /* fuzz_start.c */
    if (init_cmdline_has("test=fs"))
        return svc_run_fstest();
    run_system(); /* also test=posix: the system runs /bin/posix instead of the shell */
}
