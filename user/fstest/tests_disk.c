/* fstest: the persistent disk at /disk: a known file written (and fsync'ed), or read back. */
#include "fstest.h"

#define FS (&ft_fs[0])

/* The contents scripts/test expects in /disk/a/b.txt: 100 numbered lines. */
static size_t known_text(char *out, size_t cap)
{
    size_t n = 0;
    for (unsigned i = 0; i < 100 && n + 40 < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "x-realism /disk/a/b.txt line %04u\n", i);
    return n;
}

static char text[4096], back[4096];

static void disk_mounted(void)
{
    xr_fs_statfs_t root, disk;
    FT_EQ(xr_fs_statfs(FS, "/", &root), 0);
    FT_EQ(xr_fs_statfs(FS, "/disk", &disk), 0);
    FT_ASSERT(disk.blocks != root.blocks || disk.free_blocks != root.free_blocks);
    fs_stat_t st;
    FT_EQ(xr_fs_stat(FS, "/disk", &st), 0);
    FT_EQ(st.ino, 1ul << 32 | 2); /* volume 1's root */
    FT_EQ(xr_fs_stat(FS, "/disk/..", &st), 0);
    FT_EQ(st.ino, 2); /* back on the root volume */
}

static void disk_write_known_file(void)
{
    size_t n = known_text(text, sizeof(text));
    long err = xr_fs_mkdir(FS, "/disk/a", 0755);
    FT_ASSERT(err == 0 || err == -FS_EEXIST);
    long h = xr_fs_open(FS, "/disk/a/b.txt", FS_O_WRITE | FS_O_CREATE | FS_O_TRUNC, 0644);
    FT_ASSERT(h >= 0);
    FT_EQ(xr_fs_write(FS, h, text, n), n);
    FT_EQ(xr_fs_fsync(FS, h), 0);
    FT_EQ(xr_fs_close(FS, h), 0);
    FT_EQ(ft_get(FS, "/disk/a/b.txt", back, sizeof(back)), n);
    FT_EQ(memcmp(text, back, n), 0);
}

static void disk_cross_volume(void)
{
    FT_EQ(xr_fs_rename(FS, "/disk/a/b.txt", "/b.txt"), -FS_EXDEV);
    FT_EQ(xr_fs_link(FS, "/etc/motd", "/disk/motd"), -FS_EXDEV);
    FT_EQ(xr_fs_rmdir(FS, "/disk"), -FS_EBUSY);
}

/* A larger file through the ATA driver: 256 KiB written, synced and compared. */
static void disk_large_file(void)
{
    static uint8_t data[256 * 1024], got[256 * 1024];
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = ft_pattern(11, i);
    FT_EQ(ft_put(FS, "/disk/large", data, sizeof(data)), 0);
    FT_EQ(xr_fs_sync(FS), 0);
    FT_EQ(ft_get(FS, "/disk/large", got, sizeof(got)), sizeof(got));
    FT_EQ(memcmp(data, got, sizeof(data)), 0);
    FT_EQ(xr_fs_unlink(FS, "/disk/large"), 0);
    FT_EQ(xr_fs_sync(FS), 0);
}

static void disk_read_back(void)
{
    size_t n = known_text(text, sizeof(text));
    FT_EQ(ft_get(FS, "/disk/a/b.txt", back, sizeof(back)), n);
    FT_EQ(memcmp(text, back, n), 0);
}

void tests_disk(bool readback)
{
    ft_run("disk_mounted", disk_mounted);
    if (readback) {
        ft_run("disk_read_back_after_reboot", disk_read_back);
        return;
    }
    ft_run("disk_large_file", disk_large_file);
    ft_run("disk_write_known_file", disk_write_known_file);
    ft_run("disk_cross_volume", disk_cross_volume);
}
