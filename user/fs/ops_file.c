/* fs's handlers for open files and directories: open, close, read, write, seek, readdir, ... */
#include "fs.h"

static char path[FS_PATH_MAX + 1];
static char sub[FS_PATH_MAX + 3];

/* The client's open handle number n, or NULL. */
static fs_handle_t *handle(fs_client_t *c, uint64_t n)
{
    if (n >= FS_MAX_HANDLES || !c->h[n].used)
        return NULL;
    return &c->h[n];
}

/* Finds (or, with FS_O_CREATE, creates) the inode that open names. */
static fs_err_t open_ino(fs_vol_t *v, uint32_t flags, uint32_t mode, uint32_t *ino)
{
    ext2_vol_t *x = &v->ext2;
    bool follow = !(flags & FS_O_NOFOLLOW);
    if (!(flags & FS_O_CREATE))
        return fs_err_of(ext2_walk(x, EXT2_ROOT_INO, sub, strlen(sub), follow, ino));
    uint32_t dir;
    const char *name;
    size_t nlen;
    ext2_err_t e = ext2_walk_parent(x, EXT2_ROOT_INO, sub, strlen(sub), &dir, &name, &nlen);
    if (e)
        return fs_err_of(e == EXT2_EINVAL ? EXT2_EISDIR : e); /* "/": the root directory */
    e = ext2_lookup(x, dir, name, nlen, ino);
    if (e == EXT2_ENOENT)
        return fs_err_of(ext2_create(x, dir, name, nlen, (uint16_t)(mode & 07777), 0, 0, ino));
    if (e)
        return fs_err_of(e);
    if (flags & FS_O_EXCL)
        return FS_EEXIST;
    return fs_err_of(ext2_walk(x, EXT2_ROOT_INO, sub, strlen(sub), follow, ino));
}

/* Checks the type of ino against the flags; truncates it if asked. */
static fs_err_t open_check(fs_vol_t *v, uint32_t ino, uint32_t flags, bool *isdir)
{
    fs_stat_t st;
    fs_err_t err = fs_stat_ino(v, ino, &st);
    if (err)
        return err;
    uint32_t type = st.mode & FS_S_IFMT;
    *isdir = type == FS_S_IFDIR;
    if (type == FS_S_IFLNK)
        return FS_ELOOP; /* FS_O_NOFOLLOW on a link */
    if (*isdir && (flags & (FS_O_WRITE | FS_O_TRUNC | FS_O_APPEND)))
        return FS_EISDIR;
    if (!*isdir && (flags & FS_O_DIRECTORY))
        return FS_ENOTDIR;
    if (type != FS_S_IFREG && !*isdir)
        return FS_EPERM; /* devices, fifos, sockets: not served */
    if ((flags & FS_O_TRUNC) && (flags & FS_O_WRITE) && st.size)
        return fs_err_of(ext2_truncate(&v->ext2, ino, 0));
    return FS_OK;
}

fs_err_t fs_op_open(fs_client_t *c, xr_msg_t *m)
{
    uint64_t flags = m->w[1];
    if (flags & ~(uint64_t)FS_O_ALL)
        return FS_EINVAL;
    unsigned n = 0;
    while (n < FS_MAX_HANDLES && c->h[n].used)
        n++;
    if (n == FS_MAX_HANDLES)
        return FS_EMFILE;
    fs_vol_t *v;
    size_t len;
    uint32_t ino;
    bool isdir;
    fs_err_t err = fs_take_path(c, 0, m->w[0], path);
    err = err ? err : fs_resolve(path, &v, sub, &len);
    err = err ? err : open_ino(v, (uint32_t)flags, (uint32_t)m->w[2], &ino);
    err = err ? err : open_check(v, ino, (uint32_t)flags, &isdir);
    if (err)
        return err;
    c->h[n] = (fs_handle_t){
        .used = true, .isdir = isdir, .vol = (uint8_t)v->id, .ino = ino, .flags = (uint32_t)flags};
    m->w[0] = n;
    return FS_OK;
}

fs_err_t fs_op_close(fs_client_t *c, xr_msg_t *m)
{
    fs_handle_t *h = handle(c, m->w[0]);
    if (!h)
        return FS_EBADF;
    h->used = false;
    return FS_OK;
}

/* Reads len bytes at off into the buffer; w0 = bytes. */
static fs_err_t do_read(fs_client_t *c, fs_handle_t *h, uint64_t len, uint64_t off, xr_msg_t *m)
{
    if (!(h->flags & FS_O_READ))
        return FS_EBADF;
    if (h->isdir)
        return FS_EISDIR;
    if (len > FS_BUF_SIZE)
        return FS_EFAULT;
    size_t done = 0;
    /* Straight into the shared buffer: fs only writes there, it never reads the bytes back. */
    fs_err_t err = fs_err_of(ext2_read(&fs_vols[h->vol].ext2, h->ino, off, c->buf, len, &done));
    m->w[0] = done;
    return err;
}

/* Writes len bytes of the buffer at off (at the end with FS_O_APPEND); w0 = bytes, *end = the
 * offset after the last byte written. */
static fs_err_t do_write(fs_client_t *c, fs_handle_t *h, uint64_t len, uint64_t off, xr_msg_t *m,
                         uint64_t *end)
{
    if (!(h->flags & FS_O_WRITE))
        return FS_EBADF;
    if (len > FS_BUF_SIZE)
        return FS_EFAULT;
    fs_vol_t *v = &fs_vols[h->vol];
    if (h->flags & FS_O_APPEND) {
        fs_stat_t st;
        fs_err_t err = fs_stat_ino(v, h->ino, &st);
        if (err)
            return err;
        off = st.size;
    }
    size_t done = 0;
    /* The bytes are data, not checked by fs: a client rewriting them meanwhile only changes
     * what it writes, so they are not copied first. */
    fs_err_t err = fs_err_of(ext2_write(&v->ext2, h->ino, off, c->buf, len, &done));
    m->w[0] = done;
    *end = off + done;
    return done ? FS_OK : err;
}

fs_err_t fs_op_read(fs_client_t *c, xr_msg_t *m)
{
    fs_handle_t *h = handle(c, m->w[0]);
    if (!h)
        return FS_EBADF;
    fs_err_t err = do_read(c, h, m->w[1], h->off, m);
    if (!err)
        h->off += m->w[0];
    return err;
}

fs_err_t fs_op_pread(fs_client_t *c, xr_msg_t *m)
{
    fs_handle_t *h = handle(c, m->w[0]);
    return h ? do_read(c, h, m->w[1], m->w[2], m) : FS_EBADF;
}

fs_err_t fs_op_write(fs_client_t *c, xr_msg_t *m)
{
    fs_handle_t *h = handle(c, m->w[0]);
    uint64_t end;
    if (!h)
        return FS_EBADF;
    fs_err_t err = do_write(c, h, m->w[1], h->off, m, &end);
    if (!err)
        h->off = end;
    return err;
}

fs_err_t fs_op_pwrite(fs_client_t *c, xr_msg_t *m)
{
    fs_handle_t *h = handle(c, m->w[0]);
    uint64_t end;
    return h ? do_write(c, h, m->w[1], m->w[2], m, &end) : FS_EBADF;
}

fs_err_t fs_op_seek(fs_client_t *c, xr_msg_t *m)
{
    fs_handle_t *h = handle(c, m->w[0]);
    if (!h || h->isdir)
        return h ? FS_EISDIR : FS_EBADF;
    int64_t base = 0, delta = (int64_t)m->w[1];
    fs_stat_t st;
    if (m->w[2] == FS_SEEK_CUR)
        base = (int64_t)h->off;
    else if (m->w[2] == FS_SEEK_END) {
        fs_err_t err = fs_stat_ino(&fs_vols[h->vol], h->ino, &st);
        if (err)
            return err;
        base = (int64_t)st.size;
    } else if (m->w[2] != FS_SEEK_SET)
        return FS_EINVAL;
    if ((delta > 0 && base > INT64_MAX - delta) || base + delta < 0)
        return FS_EINVAL;
    h->off = (uint64_t)(base + delta);
    m->w[0] = h->off;
    return FS_OK;
}

fs_err_t fs_op_fstat(fs_client_t *c, xr_msg_t *m)
{
    fs_handle_t *h = handle(c, m->w[0]);
    fs_stat_t st;
    if (!h)
        return FS_EBADF;
    fs_err_t err = fs_stat_ino(&fs_vols[h->vol], h->ino, &st);
    if (!err)
        memcpy(c->buf, &st, sizeof(st));
    return err;
}

fs_err_t fs_op_readdir(fs_client_t *c, xr_msg_t *m)
{
    fs_handle_t *h = handle(c, m->w[0]);
    if (!h)
        return FS_EBADF;
    if (!h->isdir)
        return FS_ENOTDIR;
    static ext2_dirent_t ent;
    uint64_t used = 0, count = 0;
    for (;;) {
        uint64_t cursor = h->cursor;
        ext2_err_t e = ext2_readdir(&fs_vols[h->vol].ext2, h->ino, &cursor, &ent);
        if (e == EXT2_ENOENT)
            break;
        if (e)
            return fs_err_of(e);
        uint64_t size = FS_DIRENT_SIZE(ent.name_len);
        if (used + size > FS_BUF_SIZE)
            break; /* the next call starts with this entry */
        fs_dirent_t d = {.ino = ent.ino, .type = ent.type, .name_len = ent.name_len};
        memcpy(c->buf + used, &d, sizeof(d));
        memcpy(c->buf + used + sizeof(d), ent.name, ent.name_len + 1u);
        used += size;
        count++;
        h->cursor = cursor;
    }
    m->w[0] = count;
    m->w[1] = used;
    return FS_OK;
}

fs_err_t fs_op_ftruncate(fs_client_t *c, xr_msg_t *m)
{
    fs_handle_t *h = handle(c, m->w[0]);
    if (!h || !(h->flags & FS_O_WRITE))
        return h && h->isdir ? FS_EISDIR : FS_EBADF;
    return fs_err_of(ext2_truncate(&fs_vols[h->vol].ext2, h->ino, m->w[1]));
}

fs_err_t fs_op_fsync(fs_client_t *c, xr_msg_t *m)
{
    fs_handle_t *h = handle(c, m->w[0]);
    return h ? fs_cache_sync(&fs_vols[h->vol]) : FS_EBADF;
}
