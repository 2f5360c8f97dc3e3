/* fstest: files: open flags, read, write, offsets, stat and modes, links, symlinks, truncate. */
#include "fstest.h"

#define FS (&ft_fs[0])

static void hello_and_statfs(void)
{
    xr_fs_statfs_t st;
    FT_EQ(xr_fs_statfs(FS, "/", &st), 0);
    FT_EQ(st.bsize, 1024);
    FT_ASSERT(st.blocks >= 8000 && st.free_blocks < st.blocks && st.free_inodes < st.inodes);
    uint64_t w[4] = {FS_PROTO_VERSION, 0, 0, 0};
    FT_EQ(xr_fs_raw(FS, FS_OP_HELLO, 1, w), 0); /* hello again: a fresh start */
    FT_EQ(w[0], FS_BUF_SIZE);
    FT_EQ(w[1], FS_MAX_HANDLES);
}

static void read_motd(void)
{
    char buf[256] = {0};
    long n = ft_get(FS, "/etc/motd", buf, sizeof(buf) - 1);
    FT_ASSERT(n > 20);
    FT_EQ(strncmp(buf, "Welcome to x-realism.", 21), 0);
    n = ft_get(FS, "/README", buf, sizeof(buf) - 1);
    FT_ASSERT(n > 20);
    FT_EQ(ft_get(FS, "/etc/../etc/./motd", buf, 4), 4);
}

static void write_read_seek(void)
{
    FT_EQ(xr_fs_mkdir(FS, "/t", 0755), 0);
    long h = xr_fs_open(FS, "/t/f", FS_O_READ | FS_O_WRITE | FS_O_CREATE, 0644);
    FT_ASSERT(h >= 0);
    FT_EQ(xr_fs_write(FS, h, "hello, world", 12), 12);
    FT_EQ(xr_fs_seek(FS, h, 0, FS_SEEK_CUR), 12);
    FT_EQ(xr_fs_seek(FS, h, 7, FS_SEEK_SET), 7);
    char buf[16] = {0};
    FT_EQ(xr_fs_read(FS, h, buf, 10), 5);
    FT_EQ(memcmp(buf, "world", 5), 0);
    FT_EQ(xr_fs_read(FS, h, buf, 10), 0); /* at the end */
    FT_EQ(xr_fs_pwrite(FS, h, "W", 1, 7), 1);
    FT_EQ(xr_fs_pread(FS, h, buf, 5, 7), 5);
    FT_EQ(memcmp(buf, "World", 5), 0);
    FT_EQ(xr_fs_seek(FS, h, 0, FS_SEEK_CUR), 12); /* pread/pwrite keep the offset */
    FT_EQ(xr_fs_seek(FS, h, -2, FS_SEEK_END), 10);
    FT_EQ(xr_fs_seek(FS, h, -20, FS_SEEK_END), -FS_EINVAL);
    FT_EQ(xr_fs_seek(FS, h, 0, 9), -FS_EINVAL);
    FT_EQ(xr_fs_seek(FS, h, 100, FS_SEEK_SET), 100); /* a hole up to 100 */
    FT_EQ(xr_fs_write(FS, h, "!", 1), 1);
    fs_stat_t st;
    FT_EQ(xr_fs_fstat(FS, h, &st), 0);
    FT_EQ(st.size, 101);
    FT_EQ(xr_fs_pread(FS, h, buf, 4, 50), 4);
    FT_EQ(buf[0] | buf[1] | buf[2] | buf[3], 0);
    FT_EQ(xr_fs_close(FS, h), 0);
    FT_EQ(xr_fs_close(FS, h), -FS_EBADF);
}

static void open_flags(void)
{
    FT_EQ(ft_put(FS, "/t/g", "abc", 3), 0);
    FT_EQ(xr_fs_open(FS, "/t/g", FS_O_WRITE | FS_O_CREATE | FS_O_EXCL, 0644), -FS_EEXIST);
    FT_EQ(xr_fs_open(FS, "/t/none", FS_O_READ, 0), -FS_ENOENT);
    FT_EQ(xr_fs_open(FS, "/t/none/x", FS_O_READ | FS_O_CREATE, 0644), -FS_ENOENT);
    FT_EQ(xr_fs_open(FS, "/t/g/x", FS_O_READ, 0), -FS_ENOTDIR);
    FT_EQ(xr_fs_open(FS, "/t", FS_O_WRITE, 0), -FS_EISDIR);
    FT_EQ(xr_fs_open(FS, "/t/g", FS_O_READ | FS_O_DIRECTORY, 0), -FS_ENOTDIR);
    FT_EQ(xr_fs_open(FS, "/t/g", 0x100, 0), -FS_EINVAL);
    FT_EQ(xr_fs_open(FS, "", FS_O_READ, 0), -FS_ENOENT);
    long h = xr_fs_open(FS, "/t/g", FS_O_WRITE | FS_O_APPEND, 0);
    FT_ASSERT(h >= 0);
    char c;
    FT_EQ(xr_fs_read(FS, h, &c, 1), -FS_EBADF); /* write-only */
    FT_EQ(xr_fs_write(FS, h, "de", 2), 2);
    FT_EQ(xr_fs_pwrite(FS, h, "f", 1, 0), 1); /* append: at the end whatever the offset */
    xr_fs_close(FS, h);
    char buf[8] = {0};
    FT_EQ(ft_get(FS, "/t/g", buf, sizeof(buf)), 6);
    FT_EQ(memcmp(buf, "abcdef", 6), 0);
    h = xr_fs_open(FS, "/t/g", FS_O_READ, 0);
    FT_EQ(xr_fs_write(FS, h, "x", 1), -FS_EBADF); /* read-only */
    FT_EQ(xr_fs_ftruncate(FS, h, 0), -FS_EBADF);
    xr_fs_close(FS, h);
    h = xr_fs_open(FS, "/t/g", FS_O_WRITE | FS_O_TRUNC, 0);
    fs_stat_t st;
    FT_EQ(xr_fs_fstat(FS, h, &st), 0);
    FT_EQ(st.size, 0);
    xr_fs_close(FS, h);
}

static void modes_reported(void)
{
    fs_stat_t st;
    long h = xr_fs_open(FS, "/t/m", FS_O_WRITE | FS_O_CREATE, 0640);
    FT_ASSERT(h >= 0);
    xr_fs_close(FS, h);
    FT_EQ(xr_fs_stat(FS, "/t/m", &st), 0);
    FT_EQ(st.mode, FS_S_IFREG | 0640);
    FT_EQ(st.nlink, 1);
    FT_EQ(xr_fs_chmod(FS, "/t/m", 0604), 0);
    FT_EQ(xr_fs_stat(FS, "/t/m", &st), 0);
    FT_EQ(st.mode, FS_S_IFREG | 0604);
    FT_EQ(xr_fs_chmod(FS, "/t/m", 0x10000), -FS_EINVAL);
    FT_EQ(xr_fs_mkdir(FS, "/t/d", 0750), 0);
    FT_EQ(xr_fs_stat(FS, "/t/d", &st), 0);
    FT_EQ(st.mode, FS_S_IFDIR | 0750);
    FT_EQ(st.nlink, 2);
    FT_EQ(xr_fs_stat(FS, "/t/nothing", &st), -FS_ENOENT);
    FT_EQ(xr_fs_stat(FS, "/", &st), 0);
    FT_EQ(st.ino & 0xffffffff, 2);
}

static void links(void)
{
    fs_stat_t st;
    FT_EQ(ft_put(FS, "/t/l1", "linked", 6), 0);
    FT_EQ(xr_fs_link(FS, "/t/l1", "/t/l2"), 0);
    FT_EQ(xr_fs_stat(FS, "/t/l2", &st), 0);
    FT_EQ(st.nlink, 2);
    FT_EQ(xr_fs_link(FS, "/t/l1", "/t/l2"), -FS_EEXIST);
    FT_EQ(xr_fs_link(FS, "/t/d", "/t/dl"), -FS_EPERM);
    FT_EQ(xr_fs_link(FS, "/t/none", "/t/x"), -FS_ENOENT);
    FT_EQ(xr_fs_unlink(FS, "/t/l1"), 0);
    char buf[8];
    FT_EQ(ft_get(FS, "/t/l2", buf, sizeof(buf)), 6);
    FT_EQ(xr_fs_unlink(FS, "/t/l1"), -FS_ENOENT);
    FT_EQ(xr_fs_unlink(FS, "/t/d"), -FS_EISDIR);
    FT_EQ(xr_fs_unlink(FS, "/t/l2"), 0);
}

static void symlinks(void)
{
    fs_stat_t st;
    char buf[64] = {0};
    FT_EQ(ft_put(FS, "/t/target", "pointed at", 10), 0);
    FT_EQ(xr_fs_symlink(FS, "target", "/t/sym"), 0);
    FT_EQ(xr_fs_symlink(FS, "/t/target", "/t/abs"), 0);
    FT_EQ(xr_fs_symlink(FS, "x", "/t/sym"), -FS_EEXIST);
    FT_EQ(xr_fs_readlink(FS, "/t/sym", buf, sizeof(buf)), 6);
    FT_EQ(memcmp(buf, "target", 6), 0);
    FT_EQ(xr_fs_readlink(FS, "/t/target", buf, sizeof(buf)), -FS_EINVAL);
    FT_EQ(ft_get(FS, "/t/sym", buf, sizeof(buf)), 10);
    FT_EQ(ft_get(FS, "/t/abs", buf, sizeof(buf)), 10);
    FT_EQ(xr_fs_stat(FS, "/t/sym", &st), 0);
    FT_EQ(st.mode & FS_S_IFMT, FS_S_IFREG);
    FT_EQ(xr_fs_lstat(FS, "/t/sym", &st), 0);
    FT_EQ(st.mode & FS_S_IFMT, FS_S_IFLNK);
    FT_EQ(xr_fs_open(FS, "/t/sym", FS_O_READ | FS_O_NOFOLLOW, 0), -FS_ELOOP);
    FT_EQ(xr_fs_symlink(FS, "loop2", "/t/loop1"), 0);
    FT_EQ(xr_fs_symlink(FS, "loop1", "/t/loop2"), 0);
    FT_EQ(xr_fs_open(FS, "/t/loop1", FS_O_READ, 0), -FS_ELOOP);
}

static void truncate(void)
{
    fs_stat_t st;
    static uint8_t data[5000];
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = ft_pattern(1, i);
    FT_EQ(ft_put(FS, "/t/tr", data, sizeof(data)), 0);
    FT_EQ(xr_fs_truncate(FS, "/t/tr", 1000), 0);
    FT_EQ(xr_fs_stat(FS, "/t/tr", &st), 0);
    FT_EQ(st.size, 1000);
    long h = xr_fs_open(FS, "/t/tr", FS_O_READ | FS_O_WRITE, 0);
    FT_EQ(xr_fs_ftruncate(FS, h, 3000), 0);
    static uint8_t back[5000];
    FT_EQ(xr_fs_pread(FS, h, back, sizeof(back), 0), 3000);
    FT_EQ(memcmp(back, data, 1000), 0);
    FT_EQ(back[1000] | back[2999], 0);
    xr_fs_close(FS, h);
    FT_EQ(xr_fs_truncate(FS, "/t", 0), -FS_EISDIR);
    FT_EQ(xr_fs_truncate(FS, "/t/none", 0), -FS_ENOENT);
}

static void handles_checked(void)
{
    char c;
    FT_EQ(xr_fs_read(FS, 999, &c, 1), -FS_EBADF);
    FT_EQ(xr_fs_read(FS, -1, &c, 1), -FS_EBADF);
    FT_EQ(xr_fs_close(FS, 31), -FS_EBADF);
    long hs[FS_MAX_HANDLES];
    for (unsigned i = 0; i < FS_MAX_HANDLES; i++) {
        hs[i] = xr_fs_open(FS, "/etc/motd", FS_O_READ, 0);
        FT_EQ(hs[i], i);
    }
    FT_EQ(xr_fs_open(FS, "/etc/motd", FS_O_READ, 0), -FS_EMFILE);
    for (unsigned i = 0; i < FS_MAX_HANDLES; i++)
        FT_EQ(xr_fs_close(FS, hs[i]), 0);
    FT_EQ(xr_fs_fsync(FS, 5), -FS_EBADF);
    long h = xr_fs_open(FS, "/t/g", FS_O_WRITE, 0);
    FT_EQ(xr_fs_fsync(FS, h), 0);
    FT_EQ(xr_fs_sync(FS), 0);
    /* a handle to a file that another name's unlink frees goes stale */
    FT_EQ(xr_fs_unlink(FS, "/t/g"), 0);
    FT_EQ(xr_fs_write(FS, h, "x", 1), -FS_EBADF);
}

void tests_basic(void)
{
    ft_run("statfs_and_hello", hello_and_statfs);
    ft_run("read_rootfs_files", read_motd);
    ft_run("write_read_seek_pread_pwrite", write_read_seek);
    ft_run("open_flags_and_errors", open_flags);
    ft_run("permission_bits_stored", modes_reported);
    ft_run("hard_links", links);
    ft_run("symlinks", symlinks);
    ft_run("truncate", truncate);
    ft_run("handles_emfile_sync", handles_checked);
}
