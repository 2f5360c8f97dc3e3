/* fstest: a hostile client: garbage requests, bad handles and lengths, another client's handles. */
#include "fstest.h"

#define EVIL (&ft_fs[3])

static long raw(unsigned op, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    uint64_t w[4] = {a, b, c, d};
    return xr_fs_raw(EVIL, op, 4, w);
}

static void before_hello(void)
{
    FT_EQ(raw(FS_OP_OPEN, 1, FS_O_READ, 0, 0), -FS_ENOTCONN);
    FT_EQ(raw(FS_OP_READ, 0, 10, 0, 0), -FS_ENOTCONN);
    FT_EQ(raw(FS_OP_HELLO, 99, 0, 0, 0), -FS_EPROTO); /* wrong version */
    FT_EQ(raw(FS_OP_HELLO, FS_PROTO_VERSION, 0, 0, 0), 0);
}

static void garbage_requests(void)
{
    FT_EQ(raw(0, 0, 0, 0, 0), -FS_ENOSYS);
    FT_EQ(raw(FS_OP_COUNT, 0, 0, 0, 0), -FS_ENOSYS);
    FT_EQ(raw(0xffffffffu, 1, 2, 3, 4), -FS_ENOSYS);
    FT_EQ(raw(FS_OP_OPEN, FS_BUF_SIZE + 1, FS_O_READ, 0, 0), -FS_ENAMETOOLONG);
    FT_EQ(raw(FS_OP_OPEN, ~0ul, FS_O_READ, 0, 0), -FS_ENAMETOOLONG);
    FT_EQ(raw(FS_OP_LINK, FS_BUF_SIZE - 2, 10, 0, 0), -FS_ENAMETOOLONG);
    memcpy(EVIL->buf, "/etc/motd", 9);
    FT_EQ(raw(FS_OP_LINK, 9, 0, 0, 0), -FS_ENOENT); /* empty second path */
    FT_EQ(raw(FS_OP_RENAME, FS_BUF_SIZE, 5, 0, 0), -FS_ENAMETOOLONG);
    memset(EVIL->buf + FS_BUF_SIZE - 8, 'a', 8);
    FT_EQ(raw(FS_OP_SYMLINK, 5, 1000, 0, 0), -FS_EINVAL); /* the path holds NULs */
    FT_EQ(raw(FS_OP_OPEN, 9, 0xffff, 0, 0), -FS_EINVAL);  /* unknown flags */
    EVIL->buf[3] = 0;
    FT_EQ(raw(FS_OP_OPEN, 9, FS_O_READ, 0, 0), -FS_EINVAL); /* a NUL inside the path */
    FT_EQ(raw(FS_OP_STAT, 9, 0x80, 0, 0), -FS_EINVAL);
    FT_EQ(raw(FS_OP_CHMOD, 9, ~0ul, 0, 0), -FS_EINVAL);
}

static void bad_handles_and_lengths(void)
{
    memcpy(EVIL->buf, "/etc/motd", 9);
    long h = raw(FS_OP_OPEN, 9, FS_O_READ, 0, 0);
    FT_EQ(h, 0);
    FT_EQ(raw(FS_OP_READ, 0, FS_BUF_SIZE + 1, 0, 0), -FS_EFAULT);
    FT_EQ(raw(FS_OP_READ, 0, ~0ul, 0, 0), -FS_EFAULT);
    FT_EQ(raw(FS_OP_PREAD, 0, 16, ~0ul, 0), 0); /* far past the end: 0 bytes */
    FT_EQ(raw(FS_OP_SEEK, 0, (uint64_t)-5, FS_SEEK_SET, 0), -FS_EINVAL);
    FT_EQ(raw(FS_OP_SEEK, 0, INT64_MAX, FS_SEEK_SET, 0), 0);
    FT_EQ(raw(FS_OP_SEEK, 0, 10, FS_SEEK_CUR, 0), -FS_EINVAL); /* would overflow */
    FT_EQ(raw(FS_OP_READ, 0, 100, 0, 0), 0);
    for (uint64_t bad = FS_MAX_HANDLES; bad < 1u << 20; bad = bad * 3 + 1)
        FT_EQ(raw(FS_OP_FSTAT, bad, 0, 0, 0), -FS_EBADF);
    FT_EQ(raw(FS_OP_CLOSE, ~0ul, 0, 0, 0), -FS_EBADF);
    FT_EQ(raw(FS_OP_READDIR, 0, 0, 0, 0), -FS_ENOTDIR);
}

/* Client 0 holds handles 0..3; the hostile client, holding none of them, names them. */
static void other_clients_handles(void)
{
    xr_fs_t *good = &ft_fs[0];
    long hs[4];
    for (unsigned i = 0; i < 4; i++)
        hs[i] = xr_fs_open(good, "/etc/motd", FS_O_READ, 0);
    FT_EQ(raw(FS_OP_BYE, 0, 0, 0, 0), 0); /* the hostile client closes its own */
    for (unsigned i = 0; i < 4; i++) {
        FT_EQ(hs[i], i);
        FT_EQ(raw(FS_OP_READ, (uint64_t)hs[i], 16, 0, 0), -FS_EBADF);
        FT_EQ(raw(FS_OP_CLOSE, (uint64_t)hs[i], 0, 0, 0), -FS_EBADF);
    }
    char buf[8];
    for (unsigned i = 0; i < 4; i++) {
        FT_EQ(xr_fs_read(good, hs[i], buf, sizeof(buf)), sizeof(buf));
        FT_EQ(xr_fs_close(good, hs[i]), 0);
    }
}

/* 20,000 requests of random opcodes and words, with the buffer full of random bytes and
 * sometimes a plausible path; afterwards fs still serves everyone correctly. */
static void random_requests(void)
{
    uint64_t x = 0x2545f4914f6cdd1dull;
    for (unsigned i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        if (i % 64 == 0)
            for (unsigned j = 0; j < 512; j++)
                EVIL->buf[j] = ft_pattern(x, j) | 0x80; /* never a name the tests use */
        if (i % 3 == 0)
            memcpy(EVIL->buf, "/fuzz/x", 7);
        unsigned op = (unsigned)(x % (FS_OP_COUNT + 2));
        if (op == FS_OP_SYNC || op == FS_OP_FSYNC)
            continue; /* slow, and harmless */
        uint64_t w[4] = {x >> 3 & 0xffff, x >> 17 & 0xff, x >> 29 & 0xfff, x};
        if (i % 5 == 0)
            w[0] = 7;
        if (i % 7 == 0)
            w[1] = x >> 40;
        raw(op, w[0], w[1], w[2], w[3]);
        FT_EQ(EVIL->ipc_err, XR_OK); /* fs answered */
    }
    raw(FS_OP_BYE, 0, 0, 0, 0);
    char buf[32] = {0};
    FT_EQ(ft_get(&ft_fs[0], "/etc/motd", buf, 21), 21);
    FT_EQ(strncmp(buf, "Welcome to x-realism.", 21), 0);
    fs_stat_t st;
    FT_EQ(xr_fs_stat(&ft_fs[0], "/t/f", &st), 0);
}

void tests_hostile(void)
{
    ft_run("hostile_before_hello", before_hello);
    ft_run("hostile_garbage_requests", garbage_requests);
    ft_run("hostile_bad_handles_and_lengths", bad_handles_and_lengths);
    ft_run("hostile_other_clients_handles", other_clients_handles);
    ft_run("hostile_random_requests", random_requests);
}
