/* The file-system client: every call about paths, and descriptors beyond the console (>= 3).
 * There is no file server yet, so each fails with ENOSYS (EBADF for a descriptor, since none can
 * have been opened); the fs work replaces these bodies with IPC to fs and keeps the names. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys.h"

int open(const char *path, int flags, ...)
{
    (void)path;
    (void)flags;
    return sys_fail(ENOSYS);
}

int stat(const char *path, struct stat *st)
{
    (void)path;
    (void)st;
    return sys_fail(ENOSYS);
}

int mkdir(const char *path, mode_t mode)
{
    (void)path;
    (void)mode;
    return sys_fail(ENOSYS);
}

int unlink(const char *path)
{
    (void)path;
    return sys_fail(ENOSYS);
}

/* newlib's rename() is link() then unlink(), so it waits for these too. */
int link(const char *old, const char *new)
{
    (void)old;
    (void)new;
    return sys_fail(ENOSYS);
}

int fs_client_read(int fd, void *buf, size_t n)
{
    (void)fd;
    (void)buf;
    (void)n;
    return sys_fail(EBADF);
}

int fs_client_write(int fd, const void *buf, size_t n)
{
    (void)fd;
    (void)buf;
    (void)n;
    return sys_fail(EBADF);
}

int fs_client_close(int fd)
{
    (void)fd;
    return sys_fail(EBADF);
}

off_t fs_client_lseek(int fd, off_t off, int whence)
{
    (void)fd;
    (void)off;
    (void)whence;
    return sys_fail(EBADF);
}

int fs_client_fstat(int fd, struct stat *st)
{
    (void)fd;
    (void)st;
    return sys_fail(EBADF);
}

int fs_client_isatty(int fd)
{
    (void)fd;
    errno = EBADF;
    return 0;
}
