/* Directories: opendir, fdopendir, readdir, rewinddir, closedir, dirfd over the fs server's
 * READDIR batches (records copied out of the shared buffer, then checked one by one). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd.h"
#include "sys.h"
#include "user/fs/fs_proto.h"

#define BATCH FS_BUF_SIZE /* a whole READDIR batch fits */

struct __xr_dir {
    int fd;
    size_t len, pos; /* the batch: bytes in buf, the next record */
    bool end;
    struct dirent ent;
    _Alignas(8) unsigned char buf[BATCH];
};

static unsigned char dt_type(unsigned mode)
{
    switch (mode & FS_S_IFMT) {
    case FS_S_IFDIR:
        return DT_DIR;
    case FS_S_IFREG:
        return DT_REG;
    case FS_S_IFLNK:
        return DT_LNK;
    default:
        return DT_UNKNOWN;
    }
}

DIR *fdopendir(int fd)
{
    ofd_t *o = fd_get(fd);
    if (o == NULL)
        return NULL;
    if (o->kind != OFD_DIR) {
        errno = ENOTDIR;
        return NULL;
    }
    DIR *d = calloc(1, sizeof(*d));
    if (d == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    d->fd = fd;
    return d;
}

DIR *opendir(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return NULL;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return NULL;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    DIR *d = fdopendir(fd);
    if (d == NULL)
        close(fd);
    return d;
}

struct dirent *readdir(DIR *d)
{
    for (;;) {
        if (d->pos + sizeof(fs_dirent_t) <= d->len) {
            const fs_dirent_t *r = (const fs_dirent_t *)(d->buf + d->pos);
            size_t size = FS_DIRENT_SIZE(r->name_len);
            if (d->pos + size > d->len || r->name_len > FS_NAME_MAX) {
                d->len = 0; /* a malformed batch: drop the rest of it */
                continue;
            }
            d->pos += size;
            d->ent.d_ino = r->ino;
            d->ent.d_type = dt_type(r->type);
            memcpy(d->ent.d_name, r->name, r->name_len);
            d->ent.d_name[r->name_len] = 0;
            return &d->ent;
        }
        if (d->end)
            return NULL;
        ofd_t *o = fd_get(d->fd);
        if (o == NULL)
            return NULL;
        long n = files_readdir(o->handle, d->buf, sizeof(d->buf));
        if (n <= 0) {
            d->end = true;
            return NULL;
        }
        d->len = (size_t)n;
        d->pos = 0;
    }
}

void rewinddir(DIR *d)
{
    ofd_t *o = fd_get(d->fd);
    char *path = o && o->path ? strdup(o->path) : NULL;
    if (path == NULL)
        return;
    /* fs has no rewind: open the directory again in the same descriptor. */
    int fd = open(path, O_RDONLY);
    free(path);
    if (fd >= 0) {
        dup2(fd, d->fd);
        close(fd);
    }
    d->len = d->pos = 0;
    d->end = false;
}

int closedir(DIR *d)
{
    int r = close(d->fd);
    free(d);
    return r;
}

int dirfd(DIR *d)
{
    return d->fd;
}
