/* fstest: the file-system tests run under test=fs (docs/fs.md §7); also the fs benchmark. */
#include "fstest.h"

#define BUF_VA      0x50000000ul /* attachment i's buffer at BUF_VA + i * 128 KiB */
#define STACK_VA    0x60000000ul /* thread n's stack: 64 KiB at STACK_VA + n * 128 KiB */
#define THREAD_SLOT 40

xr_fs_t ft_fs[4];
static int passed, failed;
static char reason[200];
static bool failed_now;

void ft_fail(const char *file, int line, const char *what, long a, long b)
{
    if (failed_now)
        return;
    failed_now = true;
    if (a || b)
        snprintf(reason, sizeof(reason), "%s:%d: %s (%ld != %ld)", file, line, what, a, b);
    else
        snprintf(reason, sizeof(reason), "%s:%d: %s", file, line, what);
}

void ft_run(const char *name, void (*fn)(void))
{
    failed_now = false;
    fn();
    if (failed_now) {
        printf("not ok fs/%s %s\n", name, reason);
        failed++;
    } else {
        printf("ok fs/%s\n", name);
        passed++;
    }
}

int ft_summary(void)
{
    printf("%d passed, %d failed\n", passed, failed);
    return failed;
}

struct start {
    void (*fn)(uint64_t);
    uint64_t arg;
};
static struct start starts[8];

static void thread_entry(uint64_t p)
{
    struct start *s = (struct start *)p;
    s->fn(s->arg);
    xr_thread_exit();
}

long ft_thread(unsigned n, void (*fn)(uint64_t), uint64_t arg)
{
    uint64_t top = STACK_VA + n * 0x20000ul + 0x10000;
    for (uint64_t va = top - 0x10000; va < top; va += 4096) {
        long err = xr_map_anon(FT_SLOT_SELF, va, XR_MAP_WRITE);
        if (err && err != XR_EEXIST)
            return err;
    }
    starts[n] = (struct start){fn, arg};
    long err = xr_thread_create(FT_SLOT_SELF, THREAD_SLOT + n);
    err = err ? err
              : xr_thread_set_regs(THREAD_SLOT + n, (uint64_t)thread_entry, top - 8,
                                   (uint64_t)&starts[n]);
    return err ? err : xr_thread_start(THREAD_SLOT + n);
}

bool ft_join(unsigned n, unsigned ms)
{
    uint64_t state = 0;
    for (unsigned waited = 0; waited <= ms; waited += 10) {
        if (xr_thread_status(THREAD_SLOT + n, &state) || state == XR_THREAD_DEAD)
            break;
        xr_sleep_us(10000);
    }
    xr_cap_delete(THREAD_SLOT + n);
    return state == XR_THREAD_DEAD;
}

long ft_put(xr_fs_t *fs, const char *path, const void *data, size_t len)
{
    long h = xr_fs_open(fs, path, FS_O_WRITE | FS_O_CREATE | FS_O_TRUNC, 0644);
    if (h < 0)
        return h;
    long n = xr_fs_write(fs, h, data, len);
    xr_fs_close(fs, h);
    return n < 0 ? n : (size_t)n == len ? 0 : -FS_ENOSPC;
}

long ft_get(xr_fs_t *fs, const char *path, void *buf, size_t cap)
{
    long h = xr_fs_open(fs, path, FS_O_READ, 0);
    if (h < 0)
        return h;
    long n = xr_fs_read(fs, h, buf, cap);
    xr_fs_close(fs, h);
    return n;
}

/* Attachments 0..2 say HELLO here; 3 is the hostile client's, which starts unattached. */
static long attach_all(void)
{
    uint64_t va3 = BUF_VA + 3 * 0x20000ul;
    for (uint64_t off = 0; off < FS_BUF_SIZE; off += 4096)
        if (xr_map_memory(FT_SLOT_SELF, FT_SLOT_BUF + 3, off, va3 + off, XR_MAP_WRITE))
            return -FS_EIO;
    ft_fs[3] = (xr_fs_t){.ep = FT_SLOT_EP + 3, .buf = (uint8_t *)va3};
    for (unsigned i = 0; i < 3; i++) {
        long err = xr_fs_attach(&ft_fs[i], FT_SLOT_SELF, FT_SLOT_EP + i, FT_SLOT_BUF + i,
                                BUF_VA + i * 0x20000ul);
        if (err < 0) {
            printf("fstest: cannot attach %u: %s (%s)\n", i, xr_fs_strerror(err),
                   xr_strerror(ft_fs[i].ipc_err));
            return err;
        }
    }
    return 0;
}

int main(uint64_t arg)
{
    while (xr_cap_identify(FT_SLOT_SELF, NULL, NULL) != XR_OK)
        xr_sleep_us(1000); /* init gives our process cap last */
    if (attach_all())
        return 1;
    if (arg & FT_ARG_BENCH)
        return fsbench();
    printf("fstest: running the fs tests%s\n", arg & FT_ARG_DISK ? " (with /disk)" : "");
    if (arg & FT_ARG_LAB) { /* only the labs' tests, when this build has them */
        if (ft_lab_tests)
            ft_lab_tests();
        return ft_summary() ? 1 : 0;
    }
    if (!(arg & FT_ARG_READBACK)) {
        tests_basic();
        tests_dirs();
        tests_stress();
        tests_hostile();
    }
    if (arg & FT_ARG_DISK)
        tests_disk(arg & FT_ARG_READBACK);
    return ft_summary() ? 1 : 0;
}
