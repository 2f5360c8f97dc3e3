/* fstest: size and load: a 1 MiB file, two clients writing at once, a full volume. */
#include "fstest.h"

#define FS   (&ft_fs[0])
#define MIB  (1024u * 1024u)
#define PART (256u * 1024u)

static uint8_t big[MIB], back[MIB];

static void one_mib_file(void)
{
    for (unsigned i = 0; i < MIB; i++)
        big[i] = ft_pattern(7, i);
    FT_EQ(ft_put(FS, "/big", big, MIB), 0);
    fs_stat_t st;
    FT_EQ(xr_fs_stat(FS, "/big", &st), 0);
    FT_EQ(st.size, MIB);
    FT_ASSERT(st.blocks >= MIB / 512);
    memset(back, 0, MIB);
    FT_EQ(ft_get(FS, "/big", back, MIB), MIB);
    FT_EQ(memcmp(big, back, MIB), 0);
    FT_EQ(xr_fs_unlink(FS, "/big"), 0);
}

struct writer {
    unsigned attach;
    long result;
};
static struct writer writers[2];

/* A client thread: its own attachment, its own file, written in 4 KiB pieces. */
static void writer_main(uint64_t arg)
{
    struct writer *w = &writers[arg];
    xr_fs_t *fs = &ft_fs[w->attach];
    char path[16];
    snprintf(path, sizeof(path), "/client%u", w->attach);
    long h = xr_fs_open(fs, path, FS_O_WRITE | FS_O_CREATE | FS_O_TRUNC, 0600);
    w->result = h < 0 ? h : 0;
    uint8_t piece[4096];
    for (unsigned off = 0; h >= 0 && off < PART && !w->result; off += sizeof(piece)) {
        for (unsigned i = 0; i < sizeof(piece); i++)
            piece[i] = ft_pattern(w->attach, off + i);
        if (xr_fs_write(fs, h, piece, sizeof(piece)) != sizeof(piece))
            w->result = -FS_EIO;
        xr_yield(); /* let the other client in between every piece */
    }
    if (h >= 0)
        xr_fs_close(fs, h);
}

static void two_clients_at_once(void)
{
    for (unsigned t = 0; t < 2; t++) {
        writers[t] = (struct writer){.attach = 1 + t, .result = 1};
        FT_EQ(ft_thread(t, writer_main, t), XR_OK);
    }
    FT_ASSERT(ft_join(0, 60000));
    FT_ASSERT(ft_join(1, 60000));
    FT_EQ(writers[0].result, 0);
    FT_EQ(writers[1].result, 0);
    for (unsigned t = 1; t <= 2; t++) {
        char path[16];
        snprintf(path, sizeof(path), "/client%u", t);
        FT_EQ(ft_get(FS, path, back, PART + 1), PART);
        for (unsigned i = 0; i < PART; i++)
            FT_EQ(back[i], ft_pattern(t, i));
        FT_EQ(xr_fs_unlink(FS, path), 0);
    }
}

static void volume_fills_up(void)
{
    xr_fs_statfs_t before, full, after;
    FT_EQ(xr_fs_statfs(FS, "/", &before), 0);
    long h = xr_fs_open(FS, "/filler", FS_O_WRITE | FS_O_CREATE | FS_O_EXCL, 0600);
    FT_ASSERT(h >= 0);
    long n, total = 0;
    while ((n = xr_fs_write(FS, h, big, MIB)) == (long)MIB)
        total += n;
    FT_ASSERT(n >= 0); /* the last write is short: what fitted */
    total += n;
    FT_EQ(xr_fs_write(FS, h, big, 4096), -FS_ENOSPC);
    xr_fs_close(FS, h);
    FT_ASSERT(total > (long)(before.free_blocks - 400) * 1024);
    FT_EQ(xr_fs_statfs(FS, "/", &full), 0);
    FT_ASSERT(full.free_blocks < 16);
    FT_EQ(xr_fs_mkdir(FS, "/nospace", 0755), -FS_ENOSPC);
    FT_EQ(xr_fs_unlink(FS, "/filler"), 0);
    FT_EQ(xr_fs_statfs(FS, "/", &after), 0);
    FT_EQ(after.free_blocks, before.free_blocks);
    FT_EQ(after.free_inodes, before.free_inodes);
}

void tests_stress(void)
{
    ft_run("file_of_1_mib", one_mib_file);
    ft_run("two_clients_writing_at_once", two_clients_at_once);
    ft_run("enospc_when_the_volume_fills", volume_fills_up);
}
