/* Lab 7's graded tests (docs/labs/lab7.md): files past the single-indirect limit on /disk (1 KiB
 * blocks: 12 direct + 256 indirect = 268 KiB), through the double-indirect tree. */
#include "fstest.h"

#define FS  (&ft_fs[0])
#define BIG (1024 * 1024) /* 1 MiB: blocks 268..1023 are double-indirect */

static uint8_t data[BIG], got[BIG];

/* 1 MiB written, synced and read back byte for byte; scripts/grade then checks /lab7/big on the
 * host (its size, and e2fsck on the whole image). */
static void lab7_write_one_mib(void)
{
    for (unsigned i = 0; i < BIG; i++)
        data[i] = ft_pattern(7, i);
    long err = xr_fs_mkdir(FS, "/disk/lab7", 0755);
    FT_ASSERT(err == 0 || err == -FS_EEXIST);
    FT_EQ(ft_put(FS, "/disk/lab7/big", data, BIG), 0);
    FT_EQ(xr_fs_sync(FS), 0);
    FT_EQ(ft_get(FS, "/disk/lab7/big", got, BIG), BIG);
    FT_EQ(memcmp(data, got, BIG), 0);
}

/* A sparse file: 4 KiB at 6 MiB (deep in the double-indirect tree), holes read as zeros, the
 * size is the end of the write, and only the blocks written (plus the tree's) are used. */
static void lab7_sparse_far_write(void)
{
    xr_fs_statfs_t before, after;
    FT_EQ(xr_fs_statfs(FS, "/disk", &before), 0);
    long h = xr_fs_open(FS, "/disk/lab7/sparse", FS_O_READ | FS_O_WRITE | FS_O_CREATE | FS_O_TRUNC,
                        0644);
    FT_ASSERT(h >= 0);
    FT_EQ(xr_fs_pwrite(FS, h, data, 4096, 6ul << 20), 4096);
    FT_EQ(xr_fs_fsync(FS, h), 0);
    fs_stat_t st;
    FT_EQ(xr_fs_fstat(FS, h, &st), 0);
    FT_EQ(st.size, (6ul << 20) + 4096);
    FT_EQ(xr_fs_pread(FS, h, got, 4096, 6ul << 20), 4096);
    FT_EQ(memcmp(data, got, 4096), 0);
    FT_EQ(xr_fs_pread(FS, h, got, 4096, 3ul << 20), 4096);
    for (unsigned i = 0; i < 4096; i++)
        FT_EQ(got[i], 0);
    FT_EQ(xr_fs_close(FS, h), 0);
    FT_EQ(xr_fs_statfs(FS, "/disk", &after), 0);
    /* 4 data blocks, the double-indirect root and one second-level block */
    FT_ASSERT(before.free_blocks - after.free_blocks <= 8);
}

/* Truncating a double-indirect file gives every block back, the tree's blocks too. (The
 * files stay: the run ends without unmounting, and e2fsck then checks them.) */
static void lab7_truncate_gives_blocks_back(void)
{
    xr_fs_statfs_t before, mid, after;
    FT_EQ(xr_fs_truncate(FS, "/disk/lab7/sparse", 0), 0);
    FT_EQ(xr_fs_sync(FS), 0);
    FT_EQ(xr_fs_statfs(FS, "/disk", &before), 0);
    FT_EQ(ft_put(FS, "/disk/lab7/tmp", data, BIG), 0);
    FT_EQ(xr_fs_sync(FS), 0);
    FT_EQ(xr_fs_statfs(FS, "/disk", &mid), 0);
    FT_ASSERT(before.free_blocks - mid.free_blocks >= BIG / 1024);
    FT_EQ(xr_fs_truncate(FS, "/disk/lab7/tmp", 0), 0);
    FT_EQ(xr_fs_sync(FS), 0);
    FT_EQ(xr_fs_statfs(FS, "/disk", &after), 0);
    FT_EQ(after.free_blocks, before.free_blocks);
}

void ft_lab_tests(void)
{
    ft_run("lab7_write_one_mib", lab7_write_one_mib);
    ft_run("lab7_sparse_far_write", lab7_sparse_far_write);
    ft_run("lab7_truncate_gives_blocks_back", lab7_truncate_gives_blocks_back);
}
