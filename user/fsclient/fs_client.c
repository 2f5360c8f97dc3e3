/* The client side of the file protocol: requests as register messages, bulk bytes in the buffer. */
#include "fs_client.h"
#include "xr.h"

long xr_fs_raw(xr_fs_t *fs, unsigned op, unsigned n, uint64_t w[4])
{
    xr_msg_t m = {.tag = XR_TAG(op, 0, n > 4 ? 4 : n), .w = {w[0], w[1], w[2], w[3]}};
    long err = xr_call(fs->ep, &m);
    fs->ipc_err = err;
    if (err)
        return -FS_EIO;
    for (unsigned i = 0; i < 4; i++)
        w[i] = m.w[i];
    return -(long)XR_TAG_LABEL(m.tag);
}

/* A request of up to three words; the reply's first word, or a negative error. */
static long req(xr_fs_t *fs, unsigned op, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t w[4] = {a, b, c, 0};
    long err = xr_fs_raw(fs, op, 3, w);
    return err ? err : (long)w[0];
}

/* Copies path into the buffer at off; its length, or -FS_ENAMETOOLONG. */
static long put_path(xr_fs_t *fs, size_t off, const char *path)
{
    size_t n = strlen(path);
    if (n > FS_PATH_MAX || off + n > FS_BUF_SIZE)
        return -FS_ENAMETOOLONG;
    memcpy(fs->buf + off, path, n);
    return (long)n;
}

/* A request whose w0 is a path and w1, w2 are a and b; returns the reply's w0. */
static long path_req(xr_fs_t *fs, unsigned op, const char *path, uint64_t a, uint64_t b)
{
    long n = put_path(fs, 0, path);
    return n < 0 ? n : req(fs, op, (uint64_t)n, a, b);
}

/* A request carrying two paths, the second right after the first. */
static long two_path_req(xr_fs_t *fs, unsigned op, const char *p1, const char *p2)
{
    long n1 = put_path(fs, 0, p1);
    long n2 = n1 < 0 ? n1 : put_path(fs, (size_t)n1, p2);
    return n2 < 0 ? n2 : req(fs, op, (uint64_t)n1, (uint64_t)n2, 0);
}

long xr_fs_attach(xr_fs_t *fs, xr_cap_t self, xr_cap_t ep, xr_cap_t buf_cap, uint64_t va)
{
    for (uint64_t off = 0; off < FS_BUF_SIZE; off += 4096) {
        long err = xr_map_memory(self, buf_cap, off, va + off, XR_MAP_WRITE);
        if (err && err != XR_EEXIST) {
            fs->ipc_err = err;
            return -FS_EIO;
        }
    }
    fs->ep = ep;
    fs->buf = (uint8_t *)va;
    return req(fs, FS_OP_HELLO, FS_PROTO_VERSION, 0, 0) < 0 ? -FS_EPROTO : 0;
}

long xr_fs_detach(xr_fs_t *fs)
{
    return req(fs, FS_OP_BYE, 0, 0, 0);
}

long xr_fs_open(xr_fs_t *fs, const char *path, unsigned flags, unsigned mode)
{
    return path_req(fs, FS_OP_OPEN, path, flags, mode);
}

long xr_fs_close(xr_fs_t *fs, long h)
{
    return req(fs, FS_OP_CLOSE, (uint64_t)h, 0, 0);
}

/* Reads (op READ or PREAD) in buffer-sized pieces until a short one. */
static long read_loop(xr_fs_t *fs, unsigned op, long h, uint8_t *buf, size_t len, uint64_t off)
{
    size_t total = 0;
    while (total < len) {
        size_t n = len - total < FS_BUF_SIZE ? len - total : FS_BUF_SIZE;
        long got = req(fs, op, (uint64_t)h, n, off + total);
        if (got < 0)
            return total ? (long)total : got;
        memcpy(buf + total, fs->buf, (size_t)got);
        total += (size_t)got;
        if ((size_t)got < n)
            break;
    }
    return (long)total;
}

static long write_loop(xr_fs_t *fs, unsigned op, long h, const uint8_t *buf, size_t len,
                       uint64_t off)
{
    size_t total = 0;
    while (total < len) {
        size_t n = len - total < FS_BUF_SIZE ? len - total : FS_BUF_SIZE;
        memcpy(fs->buf, buf + total, n);
        long put = req(fs, op, (uint64_t)h, n, off + total);
        if (put < 0)
            return total ? (long)total : put;
        total += (size_t)put;
        if ((size_t)put < n)
            break;
    }
    return (long)total;
}

long xr_fs_read(xr_fs_t *fs, long h, void *buf, size_t len)
{
    return read_loop(fs, FS_OP_READ, h, buf, len, 0);
}

long xr_fs_write(xr_fs_t *fs, long h, const void *buf, size_t len)
{
    return write_loop(fs, FS_OP_WRITE, h, buf, len, 0);
}

long xr_fs_pread(xr_fs_t *fs, long h, void *buf, size_t len, uint64_t off)
{
    return read_loop(fs, FS_OP_PREAD, h, buf, len, off);
}

long xr_fs_pwrite(xr_fs_t *fs, long h, const void *buf, size_t len, uint64_t off)
{
    return write_loop(fs, FS_OP_PWRITE, h, buf, len, off);
}

long xr_fs_seek(xr_fs_t *fs, long h, int64_t off, unsigned whence)
{
    return req(fs, FS_OP_SEEK, (uint64_t)h, (uint64_t)off, whence);
}

long xr_fs_fstat(xr_fs_t *fs, long h, fs_stat_t *st)
{
    long err = req(fs, FS_OP_FSTAT, (uint64_t)h, 0, 0);
    if (err >= 0)
        memcpy(st, fs->buf, sizeof(*st));
    return err < 0 ? err : 0;
}

static long stat_at(xr_fs_t *fs, const char *path, fs_stat_t *st, unsigned flags)
{
    long err = path_req(fs, FS_OP_STAT, path, flags, 0);
    if (err >= 0)
        memcpy(st, fs->buf, sizeof(*st));
    return err < 0 ? err : 0;
}

long xr_fs_stat(xr_fs_t *fs, const char *path, fs_stat_t *st)
{
    return stat_at(fs, path, st, 0);
}

long xr_fs_lstat(xr_fs_t *fs, const char *path, fs_stat_t *st)
{
    return stat_at(fs, path, st, FS_AT_NOFOLLOW);
}

long xr_fs_readdir(xr_fs_t *fs, long h, const fs_dirent_t **first, size_t *bytes)
{
    uint64_t w[4] = {(uint64_t)h, 0, 0, 0};
    long err = xr_fs_raw(fs, FS_OP_READDIR, 1, w);
    if (err)
        return err;
    *first = (const fs_dirent_t *)fs->buf;
    *bytes = w[1] <= FS_BUF_SIZE ? w[1] : 0;
    return *bytes ? (long)w[0] : 0;
}

const fs_dirent_t *xr_fs_dirent_next(const fs_dirent_t *d, const void *end)
{
    const uint8_t *next = (const uint8_t *)d + FS_DIRENT_SIZE(d->name_len);
    if (next + sizeof(fs_dirent_t) > (const uint8_t *)end)
        return NULL;
    const fs_dirent_t *n = (const fs_dirent_t *)next;
    return next + FS_DIRENT_SIZE(n->name_len) <= (const uint8_t *)end ? n : NULL;
}

long xr_fs_mkdir(xr_fs_t *fs, const char *path, unsigned mode)
{
    return path_req(fs, FS_OP_MKDIR, path, mode, 0);
}

long xr_fs_rmdir(xr_fs_t *fs, const char *path)
{
    return path_req(fs, FS_OP_RMDIR, path, 0, 0);
}

long xr_fs_unlink(xr_fs_t *fs, const char *path)
{
    return path_req(fs, FS_OP_UNLINK, path, 0, 0);
}

long xr_fs_link(xr_fs_t *fs, const char *old, const char *new_path)
{
    return two_path_req(fs, FS_OP_LINK, old, new_path);
}

long xr_fs_rename(xr_fs_t *fs, const char *old, const char *new_path)
{
    return two_path_req(fs, FS_OP_RENAME, old, new_path);
}

long xr_fs_symlink(xr_fs_t *fs, const char *target, const char *path)
{
    return two_path_req(fs, FS_OP_SYMLINK, target, path);
}

long xr_fs_readlink(xr_fs_t *fs, const char *path, char *buf, size_t size)
{
    long len = path_req(fs, FS_OP_READLINK, path, 0, 0);
    if (len >= 0)
        memcpy(buf, fs->buf, (size_t)len < size ? (size_t)len : size);
    return len;
}

long xr_fs_truncate(xr_fs_t *fs, const char *path, uint64_t size)
{
    return path_req(fs, FS_OP_TRUNCATE, path, size, 0);
}

long xr_fs_ftruncate(xr_fs_t *fs, long h, uint64_t size)
{
    return req(fs, FS_OP_FTRUNCATE, (uint64_t)h, size, 0);
}

long xr_fs_chmod(xr_fs_t *fs, const char *path, unsigned mode)
{
    return path_req(fs, FS_OP_CHMOD, path, mode, 0);
}

long xr_fs_fsync(xr_fs_t *fs, long h)
{
    return req(fs, FS_OP_FSYNC, (uint64_t)h, 0, 0);
}

long xr_fs_sync(xr_fs_t *fs)
{
    return req(fs, FS_OP_SYNC, 0, 0, 0);
}

long xr_fs_statfs(xr_fs_t *fs, const char *path, xr_fs_statfs_t *st)
{
    long n = put_path(fs, 0, path);
    uint64_t w[4] = {(uint64_t)n, 0, 0, 0};
    long err = n < 0 ? n : xr_fs_raw(fs, FS_OP_STATFS, 1, w);
    if (err)
        return err;
    *st = (xr_fs_statfs_t){w[0], w[1], w[2], w[3] >> 32, w[3] & 0xffffffffu};
    return 0;
}

const char *xr_fs_strerror(long err)
{
    static const struct {
        long code;
        const char *name;
    } names[] = {
        {FS_OK, "OK"},         {FS_EPERM, "EPERM"},         {FS_ENOENT, "ENOENT"},
        {FS_EIO, "EIO"},       {FS_EBADF, "EBADF"},         {FS_ENOMEM, "ENOMEM"},
        {FS_EFAULT, "EFAULT"}, {FS_EBUSY, "EBUSY"},         {FS_EEXIST, "EEXIST"},
        {FS_EXDEV, "EXDEV"},   {FS_ENOTDIR, "ENOTDIR"},     {FS_EISDIR, "EISDIR"},
        {FS_EINVAL, "EINVAL"}, {FS_EMFILE, "EMFILE"},       {FS_EFBIG, "EFBIG"},
        {FS_ENOSPC, "ENOSPC"}, {FS_EROFS, "EROFS"},         {FS_EMLINK, "EMLINK"},
        {FS_ENOSYS, "ENOSYS"}, {FS_ENOTEMPTY, "ENOTEMPTY"}, {FS_ELOOP, "ELOOP"},
        {FS_EPROTO, "EPROTO"}, {FS_ENOTCONN, "ENOTCONN"},   {FS_ENAMETOOLONG, "ENAMETOOLONG"},
    };
    if (err < 0)
        err = -err;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].code == err)
            return names[i].name;
    return "E?";
}
