/* Files over the fs server: the attachment (looked up from init on first use), path resolution
 * against the working directory kept here, and the POSIX calls on paths and file descriptions.
 * Lock: fs_lock serialises the attachment (one shared buffer); it is taken inside fd_lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fd.h"
#include "sys.h"
#include "user/fsclient/fs_client.h"

#define FS_VA 0x00005f0000000000ul /* where the buffer shared with fs is mapped */

static struct __lock fs_lock;
static xr_fs_t fs;
static bool attached;
/* The attachment's generation: bumped by each HELLO after a restart. A handle is kept with the
 * generation it was opened in above bit 32 (files_open_abs), so that a handle from before a
 * restart fails with EIO here instead of reaching whatever the new fs gave the same number. */
static unsigned long fs_gen;
static char cwd[512] = "/";

int sys_fs_errno(long e)
{
    static const short map[][2] = {
        {FS_EPERM, EPERM},     {FS_ENOENT, ENOENT},       {FS_EIO, EIO},
        {FS_EBADF, EBADF},     {FS_ENOMEM, ENOMEM},       {FS_EFAULT, EFAULT},
        {FS_EBUSY, EBUSY},     {FS_EEXIST, EEXIST},       {FS_EXDEV, EXDEV},
        {FS_ENOTDIR, ENOTDIR}, {FS_EISDIR, EISDIR},       {FS_EINVAL, EINVAL},
        {FS_EMFILE, EMFILE},   {FS_EFBIG, EFBIG},         {FS_ENOSPC, ENOSPC},
        {FS_EROFS, EROFS},     {FS_EMLINK, EMLINK},       {FS_ENAMETOOLONG, ENAMETOOLONG},
        {FS_ENOSYS, ENOSYS},   {FS_ENOTEMPTY, ENOTEMPTY}, {FS_ELOOP, ELOOP},
        {FS_EPROTO, EPROTO},   {FS_ENOTCONN, EIO},
    };
    if (e < 0)
        e = -e;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (map[i][0] == e)
            return map[i][1];
    return EIO;
}

/* Takes fs_lock and makes sure the attachment exists; false (lock released, errno set) if not. */
static bool fs_enter(void)
{
    __retarget_lock_acquire_recursive(&fs_lock);
    if (attached)
        return true;
    uint64_t w[4] = {0, 0, PROC_SLOT_FS_EP, 0};
    memcpy(w, "fs", 3);
    unsigned type = 0;
    long err = XR_OK;
    if (xr_cap_identify(PROC_SLOT_FS_EP, &type, NULL) != XR_OK)
        err = proc_init_call(INIT_OP_LOOKUP, w);
    if (err == XR_OK && xr_fs_attach(&fs, XR_SLOT_SELF, PROC_SLOT_FS_EP, PROC_SLOT_FS_BUF, FS_VA))
        err = XR_EDEAD;
    if (err != XR_OK) {
        __retarget_lock_release_recursive(&fs_lock);
        errno = err == XR_EBADCAP ? ENOSYS : EIO;
        return false;
    }
    attached = true;
    return true;
}

static void fs_leave(void)
{
    __retarget_lock_release_recursive(&fs_lock);
}

/* After a failed request: a restarted fs does not know this client yet (ENOTCONN), so say HELLO
 * again; the caller's handles died with the old server, its next request works. */
static long fs_check(long r)
{
    if (r == -FS_ENOTCONN) {
        fs_gen = (fs_gen + 1) & 0x7fffffff;
        xr_fs_attach(&fs, XR_SLOT_SELF, PROC_SLOT_FS_EP, PROC_SLOT_FS_BUF, FS_VA);
    }
    return r;
}

/* fs_enter for a call on the handle t that files_open_abs returned: the fs handle in *h, or
 * false (lock released, errno EIO) when t is from before a restart. */
static bool fs_enter_handle(long t, long *h)
{
    if (!fs_enter())
        return false;
    if ((unsigned long)t >> 32 != fs_gen) {
        fs_leave();
        errno = EIO;
        return false;
    }
    *h = t & 0xffffffffl;
    return true;
}

/* Ends a call: r < 0 sets errno and gives -1, else r. Releases fs_lock. */
static long fs_done(long r)
{
    fs_check(r);
    fs_leave();
    if (r < 0) {
        errno = sys_fs_errno(r);
        return -1;
    }
    return r;
}

int files_resolve(const char *path, char *out, size_t size)
{
    if (path == NULL)
        return sys_fail(EFAULT);
    if (path[0] == 0)
        return sys_fail(ENOENT);
    size_t n = 0, clen = path[0] == '/' ? 0 : strlen(cwd);
    if (clen + 1 + strlen(path) + 1 > size)
        return sys_fail(ENAMETOOLONG);
    out[0] = 0;
    if (clen)
        memcpy(out, cwd, clen + 1);
    n = clen;
    /* Append each component, dropping "." and resolving ".." lexically (as fs does). */
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        const char *e = p;
        while (*e && *e != '/')
            e++;
        size_t len = (size_t)(e - p);
        if (len == 0 || (len == 1 && p[0] == '.')) {
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            while (n > 0 && out[n - 1] != '/')
                n--;
            if (n > 0)
                n--;
        } else {
            if (n == 0 || out[n - 1] != '/')
                out[n++] = '/';
            memcpy(out + n, p, len);
            n += len;
        }
        out[n] = 0;
        p = e;
    }
    if (n == 0)
        memcpy(out, "/", 2);
    return 0;
}

static unsigned fs_flags(int oflags)
{
    unsigned f = 0, acc = oflags & O_ACCMODE;
    f |= acc == O_RDONLY || acc == O_RDWR ? FS_O_READ : 0;
    f |= acc == O_WRONLY || acc == O_RDWR ? FS_O_WRITE : 0;
    f |= oflags & O_CREAT ? FS_O_CREATE : 0;
    f |= oflags & O_TRUNC ? FS_O_TRUNC : 0;
    f |= oflags & O_APPEND ? FS_O_APPEND : 0;
    f |= oflags & O_EXCL ? FS_O_EXCL : 0;
    return f;
}

long files_open_abs(const char *abs, int oflags, unsigned mode, bool dir)
{
    if (!fs_enter())
        return -errno;
    unsigned f = dir ? FS_O_READ | FS_O_DIRECTORY : fs_flags(oflags);
    long h = xr_fs_open(&fs, abs, f, mode & 07777);
    if (h == -FS_ENOTCONN) /* fs was restarted: HELLO, then once more */
        h = fs_check(h), h = xr_fs_open(&fs, abs, f, mode & 07777);
    fs_check(h);
    h = h < 0 ? -sys_fs_errno(h) : h | (long)(fs_gen << 32);
    fs_leave();
    return h;
}

int open(const char *path, int flags, ...)
{
    char abs[512];
    unsigned mode = 0666;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, unsigned);
        va_end(ap);
    }
    if (files_resolve(path, abs, sizeof(abs)))
        return -1;
    bool dir = false;
    struct stat st;
    /* A directory opened read-only is a directory handle (readdir); for writing, EISDIR. */
    if (!(flags & (O_CREAT | O_WRONLY | O_RDWR)) && stat(abs, &st) == 0 && S_ISDIR(st.st_mode))
        dir = true;
    long h = files_open_abs(abs, flags, mode, dir);
    if (h < 0)
        return sys_fail((int)-h);
    ofd_t *o = ofd_new(dir ? OFD_DIR : OFD_FILE, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK));
    if (o == NULL || (o->path = strdup(abs)) == NULL) {
        long fh;
        if (fs_enter_handle(h, &fh))
            fs_done(xr_fs_close(&fs, fh));
        free(o);
        return sys_fail(ENOMEM);
    }
    o->handle = h;
    int fd = fd_install(o, 0);
    if (fd >= 0 && (flags & O_CLOEXEC))
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

int creat(const char *path, mode_t mode)
{
    return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

int files_close(ofd_t *o)
{
    long h;
    if (!fs_enter_handle(o->handle, &h))
        return -1;
    return (int)fs_done(xr_fs_close(&fs, h));
}

ssize_t files_read(ofd_t *o, void *buf, size_t n)
{
    long h;
    if (!fs_enter_handle(o->handle, &h))
        return -1;
    return fs_done(xr_fs_read(&fs, h, buf, n));
}

ssize_t files_write(ofd_t *o, const void *buf, size_t n)
{
    long h;
    if (!fs_enter_handle(o->handle, &h))
        return -1;
    /* O_APPEND set later with fcntl: fs opened the handle without it, so seek to the end first
     * (not atomic against another writer, unlike an O_APPEND open). */
    if ((o->oflags & O_APPEND) && xr_fs_seek(&fs, h, 0, FS_SEEK_END) < 0)
        return fs_done(-FS_EIO);
    return fs_done(xr_fs_write(&fs, h, buf, n));
}

off_t files_lseek(ofd_t *o, off_t off, int whence)
{
    if (whence < SEEK_SET || whence > SEEK_END)
        return sys_fail(EINVAL);
    long h;
    if (!fs_enter_handle(o->handle, &h))
        return -1;
    return fs_done(xr_fs_seek(&fs, h, off, (unsigned)whence));
}

static void to_stat(const fs_stat_t *f, struct stat *st)
{
    *st = (struct stat){0};
    st->st_ino = (ino_t)f->ino;
    st->st_dev = (dev_t)(f->ino >> 32);
    st->st_mode = f->mode;
    st->st_nlink = f->nlink;
    st->st_uid = (uid_t)f->uid;
    st->st_gid = (gid_t)f->gid;
    st->st_size = (off_t)f->size;
    st->st_blocks = (blkcnt_t)f->blocks;
    st->st_blksize = f->blksize;
    st->st_atime = f->atime;
    st->st_mtime = f->mtime;
    st->st_ctime = f->ctime;
}

int files_fstat(ofd_t *o, struct stat *st)
{
    fs_stat_t f;
    long h;
    if (!fs_enter_handle(o->handle, &h))
        return -1;
    long r = fs_done(xr_fs_fstat(&fs, h, &f));
    if (r == 0)
        to_stat(&f, st);
    return (int)r;
}

static int stat_at(const char *path, struct stat *st, bool follow)
{
    char abs[512];
    fs_stat_t f;
    if (files_resolve(path, abs, sizeof(abs)) || !fs_enter())
        return -1;
    long r = follow ? xr_fs_stat(&fs, abs, &f) : xr_fs_lstat(&fs, abs, &f);
    if (r == -FS_ENOTCONN)
        r = fs_check(r), r = follow ? xr_fs_stat(&fs, abs, &f) : xr_fs_lstat(&fs, abs, &f);
    r = fs_done(r);
    if (r == 0)
        to_stat(&f, st);
    return (int)r;
}

int stat(const char *path, struct stat *st)
{
    return stat_at(path, st, true);
}

int lstat(const char *path, struct stat *st)
{
    return stat_at(path, st, false);
}

/* The shape of every one-path call: resolve, call op(abs, a), retry once after a restart. */
static int path_call(const char *path, long (*op)(xr_fs_t *, const char *, unsigned), unsigned a)
{
    char abs[512];
    if (files_resolve(path, abs, sizeof(abs)) || !fs_enter())
        return -1;
    long r = op(&fs, abs, a);
    if (r == -FS_ENOTCONN)
        r = fs_check(r), r = op(&fs, abs, a);
    return (int)fs_done(r);
}

static long op_mkdir(xr_fs_t *f, const char *p, unsigned mode)
{
    return xr_fs_mkdir(f, p, mode & 07777);
}
static long op_rmdir(xr_fs_t *f, const char *p, unsigned a)
{
    (void)a;
    return xr_fs_rmdir(f, p);
}
static long op_unlink(xr_fs_t *f, const char *p, unsigned a)
{
    (void)a;
    return xr_fs_unlink(f, p);
}
static long op_chmod(xr_fs_t *f, const char *p, unsigned mode)
{
    return xr_fs_chmod(f, p, mode & 07777);
}

int mkdir(const char *path, mode_t mode)
{
    return path_call(path, op_mkdir, mode);
}

int rmdir(const char *path)
{
    return path_call(path, op_rmdir, 0);
}

int unlink(const char *path)
{
    return path_call(path, op_unlink, 0);
}

int chmod(const char *path, mode_t mode)
{
    return path_call(path, op_chmod, mode);
}

/* The shape of the two-path calls (link, rename, symlink: its target is kept as given). */
static int two_call(const char *a, const char *b, long (*op)(xr_fs_t *, const char *, const char *),
                    bool resolve_a)
{
    char abs_a[512], abs_b[512];
    if (resolve_a ? files_resolve(a, abs_a, sizeof(abs_a)) : 0)
        return -1;
    if (!resolve_a && strlen(a) >= sizeof(abs_a))
        return sys_fail(ENAMETOOLONG);
    if (!resolve_a)
        strcpy(abs_a, a);
    if (files_resolve(b, abs_b, sizeof(abs_b)) || !fs_enter())
        return -1;
    long r = op(&fs, abs_a, abs_b);
    if (r == -FS_ENOTCONN)
        r = fs_check(r), r = op(&fs, abs_a, abs_b);
    return (int)fs_done(r);
}

int link(const char *old, const char *new_path)
{
    return two_call(old, new_path, xr_fs_link, true);
}

int rename(const char *old, const char *new_path)
{
    return two_call(old, new_path, xr_fs_rename, true);
}

int symlink(const char *target, const char *path)
{
    return two_call(target, path, xr_fs_symlink, false);
}

ssize_t readlink(const char *path, char *buf, size_t size)
{
    char abs[512];
    if (files_resolve(path, abs, sizeof(abs)) || !fs_enter())
        return -1;
    return fs_done(xr_fs_readlink(&fs, abs, buf, size));
}

int truncate(const char *path, off_t size)
{
    char abs[512];
    if (size < 0)
        return sys_fail(EINVAL);
    if (files_resolve(path, abs, sizeof(abs)) || !fs_enter())
        return -1;
    return (int)fs_done(xr_fs_truncate(&fs, abs, (uint64_t)size));
}

int ftruncate(int fd, off_t size)
{
    ofd_t *o = fd_get(fd);
    if (o == NULL)
        return -1;
    if (o->kind != OFD_FILE || size < 0)
        return sys_fail(EINVAL);
    long h;
    if (!fs_enter_handle(o->handle, &h))
        return -1;
    return (int)fs_done(xr_fs_ftruncate(&fs, h, (uint64_t)size));
}

int fsync(int fd)
{
    ofd_t *o = fd_get(fd);
    if (o == NULL)
        return -1;
    if (o->kind != OFD_FILE)
        return sys_fail(EINVAL);
    long h;
    if (!fs_enter_handle(o->handle, &h))
        return -1;
    return (int)fs_done(xr_fs_fsync(&fs, h));
}

void sync(void)
{
    if (fs_enter())
        fs_done(xr_fs_sync(&fs));
}

int access(const char *path, int mode)
{
    struct stat st;
    if (mode & ~(R_OK | W_OK | X_OK))
        return sys_fail(EINVAL);
    return stat(path, &st); /* no users, no permission checks: existence is access */
}

int chdir(const char *path)
{
    char abs[512];
    struct stat st;
    if (files_resolve(path, abs, sizeof(abs)) || stat(abs, &st))
        return -1;
    if (!S_ISDIR(st.st_mode))
        return sys_fail(ENOTDIR);
    files_set_cwd(abs);
    return 0;
}

char *getcwd(char *buf, size_t size)
{
    size_t n = strlen(cwd) + 1;
    if (buf == NULL) {
        buf = malloc(size > n ? size : n);
        if (buf == NULL) {
            errno = ENOMEM;
            return NULL;
        }
        size = size > n ? size : n;
    }
    if (size < n) {
        errno = size == 0 ? EINVAL : ERANGE;
        return NULL;
    }
    memcpy(buf, cwd, n);
    return buf;
}

const char *files_cwd(void)
{
    return cwd;
}

void files_set_cwd(const char *abs)
{
    if (strlen(abs) < sizeof(cwd))
        strcpy(cwd, abs);
}

/* x-realism's statfs (xr_libc.h): sizes of the volume holding path. */
int xr_statfs(const char *path, uint64_t out[5])
{
    char abs[512];
    xr_fs_statfs_t s;
    if (files_resolve(path, abs, sizeof(abs)) || !fs_enter())
        return -1;
    long r = fs_done(xr_fs_statfs(&fs, abs, &s));
    if (r == 0) {
        out[0] = s.bsize, out[1] = s.blocks, out[2] = s.free_blocks;
        out[3] = s.inodes, out[4] = s.free_inodes;
    }
    return (int)r;
}

/* dir.c's access to the attachment: the next batch of entries of handle h, copied to out (at
 * most size bytes); returns the bytes copied, 0 at the end, -1 with errno. */
long files_readdir(long t, void *out, size_t size)
{
    const fs_dirent_t *first;
    size_t bytes;
    long h;
    if (!fs_enter_handle(t, &h))
        return -1;
    long n = xr_fs_readdir(&fs, h, &first, &bytes);
    if (n > 0) {
        bytes = bytes < size ? bytes : size;
        memcpy(out, first, bytes);
        n = (long)bytes;
    }
    return fs_done(n);
}
