/* File descriptors: the per-process table of open file descriptions, and the POSIX calls on
 * descriptors (read, write, close, lseek, fstat, isatty, dup, dup2, fcntl) that dispatch on a
 * description's kind. Lock: fd_lock (fd.h); a call on a description runs outside it. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd.h"
#include "sys.h"

static struct __lock fd_lock;
static ofd_t *table[FD_MAX];
static bool cloexec[FD_MAX];

static void lock(void)
{
    __retarget_lock_acquire_recursive(&fd_lock);
}

static void unlock(void)
{
    __retarget_lock_release_recursive(&fd_lock);
}

ofd_t *ofd_new(enum ofd_kind kind, int oflags)
{
    ofd_t *o = calloc(1, sizeof(*o));
    if (o == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    o->refs = 1;
    o->kind = kind;
    o->oflags = oflags;
    return o;
}

/* Drops one reference; the last one closes the file, pipe end or directory. */
static int ofd_put(ofd_t *o)
{
    lock();
    int left = --o->refs;
    unlock();
    if (left > 0)
        return 0;
    int r = 0;
    if (o->kind == OFD_FILE || o->kind == OFD_DIR)
        r = files_close(o);
    else if (o->kind == OFD_PIPE_R || o->kind == OFD_PIPE_W)
        pipe_close(o);
    free(o->path);
    free(o);
    return r;
}

ofd_t *fd_get(int fd)
{
    lock();
    ofd_t *o = fd >= 0 && fd < FD_MAX ? table[fd] : NULL;
    unlock();
    if (o == NULL)
        errno = EBADF;
    return o;
}

int fd_install(ofd_t *o, int min)
{
    lock();
    for (int fd = min < 0 ? 0 : min; fd < FD_MAX; fd++)
        if (table[fd] == NULL) {
            table[fd] = o;
            cloexec[fd] = false;
            unlock();
            return fd;
        }
    unlock();
    ofd_put(o);
    return sys_fail(EMFILE);
}

bool fd_cloexec(int fd)
{
    return fd >= 0 && fd < FD_MAX && cloexec[fd];
}

void fd_close_all(void)
{
    for (int fd = 0; fd < FD_MAX; fd++)
        if (table[fd] != NULL)
            close(fd);
}

int close(int fd)
{
    lock();
    ofd_t *o = fd >= 0 && fd < FD_MAX ? table[fd] : NULL;
    if (o != NULL)
        table[fd] = NULL;
    unlock();
    return o == NULL ? sys_fail(EBADF) : ofd_put(o);
}

int read(int fd, void *buf, size_t n)
{
    ofd_t *o = fd_get(fd);
    if (o == NULL)
        return -1;
    if ((o->oflags & O_ACCMODE) == O_WRONLY)
        return sys_fail(EBADF);
    switch (o->kind) {
    case OFD_CONSOLE:
        return (int)console_read(buf, n);
    case OFD_FILE:
        return (int)files_read(o, buf, n);
    case OFD_PIPE_R:
        return (int)pipe_read(o, buf, n);
    case OFD_DIR:
        return sys_fail(EISDIR);
    default:
        return sys_fail(EBADF);
    }
}

int write(int fd, const void *buf, size_t n)
{
    ofd_t *o = fd_get(fd);
    if (o == NULL)
        return -1;
    if ((o->oflags & O_ACCMODE) == O_RDONLY)
        return sys_fail(EBADF);
    switch (o->kind) {
    case OFD_CONSOLE:
        return (int)console_write(buf, n);
    case OFD_FILE:
        return (int)files_write(o, buf, n);
    case OFD_PIPE_W:
        return (int)pipe_write(o, buf, n);
    default:
        return sys_fail(EBADF);
    }
}

off_t lseek(int fd, off_t off, int whence)
{
    ofd_t *o = fd_get(fd);
    if (o == NULL)
        return -1;
    if (o->kind != OFD_FILE)
        return sys_fail(ESPIPE);
    return files_lseek(o, off, whence);
}

int fstat(int fd, struct stat *st)
{
    ofd_t *o = fd_get(fd);
    if (o == NULL)
        return -1;
    if (o->kind == OFD_FILE || o->kind == OFD_DIR)
        return files_fstat(o, st);
    *st = (struct stat){.st_nlink = 1, .st_blksize = 4096};
    st->st_mode = o->kind == OFD_CONSOLE ? S_IFCHR | 0620 : S_IFIFO | 0600;
    return 0;
}

int isatty(int fd)
{
    ofd_t *o = fd_get(fd);
    if (o != NULL && o->kind != OFD_CONSOLE)
        errno = ENOTTY;
    return o != NULL && o->kind == OFD_CONSOLE;
}

int dup(int fd)
{
    return fcntl(fd, F_DUPFD, 0);
}

int dup2(int fd, int to)
{
    if (fd_get(fd) == NULL)
        return -1;
    if (to < 0 || to >= FD_MAX)
        return sys_fail(EBADF);
    if (fd == to)
        return to;
    lock();
    ofd_t *old = table[to], *o = table[fd];
    if (o == NULL) {
        unlock();
        return sys_fail(EBADF);
    }
    o->refs++;
    table[to] = o;
    cloexec[to] = false;
    unlock();
    if (old != NULL)
        ofd_put(old);
    return to;
}

int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    int arg = va_arg(ap, int);
    va_end(ap);
    ofd_t *o = fd_get(fd);
    if (o == NULL)
        return -1;
    switch (cmd) {
    case F_DUPFD:
        if (arg < 0 || arg >= FD_MAX)
            return sys_fail(EINVAL);
        lock();
        o->refs++;
        unlock();
        return fd_install(o, arg);
    case F_GETFD:
        return cloexec[fd] ? FD_CLOEXEC : 0;
    case F_SETFD:
        cloexec[fd] = (arg & FD_CLOEXEC) != 0;
        return 0;
    case F_GETFL:
        return o->oflags;
    case F_SETFL: /* only O_APPEND and O_NONBLOCK may change */
        o->oflags = (o->oflags & ~(O_APPEND | O_NONBLOCK)) | (arg & (O_APPEND | O_NONBLOCK));
        return 0;
    default:
        return sys_fail(EINVAL);
    }
}

/* Descriptor i of a child, as its spawn page describes it. */
static ofd_t *adopt(int i, const proc_spawn_fd_t *d)
{
    switch (d->kind) {
    case PROC_FD_CONSOLE:
        return ofd_new(OFD_CONSOLE, (int)d->oflags);
    case PROC_FD_PIPE_R:
    case PROC_FD_PIPE_W:
        return pipe_adopt(PROC_SLOT_FD(i), d->kind == PROC_FD_PIPE_W);
    case PROC_FD_FILE: {
        char path[PROC_PATH_BYTES];
        memcpy(path, d->path, sizeof(path));
        path[sizeof(path) - 1] = 0;
        int flags = (int)d->oflags & (O_ACCMODE | O_APPEND);
        long h = files_open_abs(path, flags, 0, false);
        if (h < 0)
            return NULL;
        ofd_t *o = ofd_new(OFD_FILE, flags);
        if (o == NULL)
            return NULL;
        o->handle = h;
        o->path = strdup(path);
        if (!(flags & O_APPEND))
            files_lseek(o, (off_t)d->offset, SEEK_SET);
        return o;
    }
    default:
        return NULL;
    }
}

/* Start-up: descriptors from the spawn page, or the console on 0, 1 and 2. */
void fd_init(void)
{
    const proc_spawn_t *sp = proc_spawn_info();
    for (int i = 0; i < PROC_SPAWN_FDS; i++) {
        ofd_t *o = NULL;
        if (sp != NULL)
            o = adopt(i, &sp->fd[i]);
        else if (i <= 2)
            o = ofd_new(OFD_CONSOLE, i == 0 ? O_RDONLY : O_WRONLY);
        if (o != NULL)
            table[i] = o;
    }
}
