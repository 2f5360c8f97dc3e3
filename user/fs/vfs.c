/* fs's name space: copying paths out of a client's buffer, mount points, error mapping. */
#include "fs.h"

fs_err_t fs_take_path(const fs_client_t *c, uint64_t off, uint64_t len, char *out)
{
    if (len == 0)
        return FS_ENOENT;
    if (len > FS_PATH_MAX)
        return FS_ENAMETOOLONG;
    if (off > FS_BUF_SIZE || len > FS_BUF_SIZE - off)
        return FS_EFAULT;
    memcpy(out, c->buf + off, len); /* the client may rewrite its buffer: check only our copy */
    out[len] = 0;
    for (uint64_t i = 0; i < len; i++)
        if (out[i] == 0)
            return FS_EINVAL;
    return FS_OK;
}

/* Appends component [s, s + n) to out (length *olen), or pops one for "..". */
static void push_component(char *out, size_t *olen, const char *s, size_t n)
{
    if (n == 1 && s[0] == '.')
        return;
    if (n == 2 && s[0] == '.' && s[1] == '.') {
        while (*olen > 0 && out[*olen - 1] != '/')
            (*olen)--;
        if (*olen > 0)
            (*olen)--; /* the '/' before the popped component */
        return;
    }
    out[(*olen)++] = '/';
    memcpy(out + *olen, s, n);
    *olen += n;
}

/* Lexical clean-up of path into out (at most strlen(path) + 2 bytes): absolute, no ".", no
 * "..", single '/'; a trailing '/' is kept (it asks for a directory). */
static size_t clean(const char *path, char *out)
{
    size_t olen = 0, n = strlen(path);
    for (size_t i = 0; i < n;) {
        while (i < n && path[i] == '/')
            i++;
        size_t start = i;
        while (i < n && path[i] != '/')
            i++;
        if (i > start)
            push_component(out, &olen, path + start, i - start);
    }
    if (olen == 0 || (n > 0 && path[n - 1] == '/'))
        out[olen++] = '/';
    out[olen] = 0;
    return olen;
}

fs_err_t fs_resolve(const char *path, fs_vol_t **v, char *sub, size_t *sublen)
{
    size_t n = clean(path, sub);
    fs_vol_t *disk = &fs_vols[1];
    *v = &fs_vols[0];
    if (disk->mounted && strncmp(sub, "/disk", 5) == 0 && (sub[5] == 0 || sub[5] == '/')) {
        *v = disk;
        memmove(sub, sub + 5, n - 5 + 1);
        n -= 5;
        if (n == 0) {
            sub[0] = '/';
            sub[1] = 0;
            n = 1;
        }
    }
    *sublen = n;
    return (*v)->mounted ? FS_OK : FS_EIO;
}

fs_err_t fs_err_of(ext2_err_t e)
{
    static const fs_err_t map[EXT2_NERR] = {
        [EXT2_OK] = FS_OK,         [EXT2_ENOENT] = FS_ENOENT,
        [EXT2_EEXIST] = FS_EEXIST, [EXT2_ENOTDIR] = FS_ENOTDIR,
        [EXT2_EISDIR] = FS_EISDIR, [EXT2_ENOTEMPTY] = FS_ENOTEMPTY,
        [EXT2_ENOSPC] = FS_ENOSPC, [EXT2_EINVAL] = FS_EINVAL,
        [EXT2_EIO] = FS_EIO,       [EXT2_ENAMETOOLONG] = FS_ENAMETOOLONG,
        [EXT2_EROFS] = FS_EROFS,   [EXT2_EFBIG] = FS_EFBIG,
        [EXT2_EMLINK] = FS_EMLINK, [EXT2_ELOOP] = FS_ELOOP,
        [EXT2_EPERM] = FS_EPERM,
    };
    return (unsigned)e < EXT2_NERR ? map[e] : FS_EIO;
}

void fs_forget_if_freed(fs_vol_t *v, uint32_t ino)
{
    ext2_stat_t st;
    if (ino == 0 || ext2_stat(&v->ext2, ino, &st) == EXT2_OK)
        return;
    for (unsigned b = 1; b <= FS_MAX_CLIENTS; b++)
        for (unsigned i = 0; i < FS_MAX_HANDLES; i++) {
            fs_handle_t *h = &fs_clients[b].h[i];
            if (h->used && h->vol == v->id && h->ino == ino)
                h->used = false;
        }
}

fs_err_t fs_stat_ino(fs_vol_t *v, uint32_t ino, fs_stat_t *st)
{
    ext2_stat_t es;
    ext2_err_t e = ext2_stat(&v->ext2, ino, &es);
    if (e)
        return fs_err_of(e);
    *st = (fs_stat_t){.ino = (uint64_t)v->id << 32 | es.ino,
                      .size = es.size,
                      .blocks = es.blocks,
                      .mode = es.mode,
                      .nlink = es.nlink,
                      .uid = es.uid,
                      .gid = es.gid,
                      .atime = es.atime,
                      .mtime = es.mtime,
                      .ctime = es.ctime,
                      .blksize = es.blksize};
    return FS_OK;
}
