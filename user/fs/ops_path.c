/* fs's handlers that name files by path: stat, mkdir, rmdir, unlink, link, rename, symlink, ... */
#include "fs.h"

static char path1[FS_PATH_MAX + 1], path2[FS_PATH_MAX + 1];
static char sub1[FS_PATH_MAX + 3], sub2[FS_PATH_MAX + 3];

/* Takes the path at buffer offset off (len bytes) and resolves it into sub. */
static fs_err_t take(fs_client_t *c, uint64_t off, uint64_t len, char *path, char *sub,
                     fs_vol_t **v)
{
    size_t n;
    fs_err_t err = fs_take_path(c, off, len, path);
    return err ? err : fs_resolve(path, v, sub, &n);
}

/* Splits sub of v into its parent directory and last name. */
static fs_err_t parent(fs_vol_t *v, const char *sub, uint32_t *dir, const char **name, size_t *nlen)
{
    return fs_err_of(ext2_walk_parent(&v->ext2, EXT2_ROOT_INO, sub, strlen(sub), dir, name, nlen));
}

fs_err_t fs_op_stat(fs_client_t *c, xr_msg_t *m)
{
    fs_vol_t *v;
    uint32_t ino;
    fs_stat_t st;
    if (m->w[1] & ~(uint64_t)FS_AT_NOFOLLOW)
        return FS_EINVAL;
    fs_err_t err = take(c, 0, m->w[0], path1, sub1, &v);
    bool follow = !(m->w[1] & FS_AT_NOFOLLOW);
    err =
        err ? err : fs_err_of(ext2_walk(&v->ext2, EXT2_ROOT_INO, sub1, strlen(sub1), follow, &ino));
    err = err ? err : fs_stat_ino(v, ino, &st);
    if (!err)
        memcpy(c->buf, &st, sizeof(st));
    return err;
}

fs_err_t fs_op_mkdir(fs_client_t *c, xr_msg_t *m)
{
    fs_vol_t *v;
    uint32_t dir;
    const char *name;
    size_t nlen;
    fs_err_t err = take(c, 0, m->w[0], path1, sub1, &v);
    if (err)
        return err;
    if ((err = parent(v, sub1, &dir, &name, &nlen)))
        return err == FS_EINVAL ? FS_EEXIST : err; /* "/" exists */
    return fs_err_of(
        ext2_mkdir(&v->ext2, dir, name, nlen, (uint16_t)(m->w[1] & 07777), 0, 0, NULL));
}

/* unlink (dir = false) or rmdir (dir = true) of the path in w0. */
static fs_err_t remove_name(fs_client_t *c, xr_msg_t *m, bool isdir)
{
    fs_vol_t *v;
    uint32_t dir, ino = 0;
    const char *name;
    size_t nlen;
    fs_err_t err = take(c, 0, m->w[0], path1, sub1, &v);
    if (err)
        return err;
    if ((err = parent(v, sub1, &dir, &name, &nlen)))
        return err == FS_EINVAL ? FS_EBUSY : err; /* the root of a volume */
    ext2_lookup(&v->ext2, dir, name, nlen, &ino);
    ext2_err_t e =
        isdir ? ext2_rmdir(&v->ext2, dir, name, nlen) : ext2_unlink(&v->ext2, dir, name, nlen);
    if (!e)
        fs_forget_if_freed(v, ino);
    return fs_err_of(e);
}

fs_err_t fs_op_rmdir(fs_client_t *c, xr_msg_t *m)
{
    return remove_name(c, m, true);
}

fs_err_t fs_op_unlink(fs_client_t *c, xr_msg_t *m)
{
    return remove_name(c, m, false);
}

/* Takes the two paths of link and rename: old at offset 0 (w0 bytes), new after it (w1). */
static fs_err_t take_two(fs_client_t *c, xr_msg_t *m, fs_vol_t **v1, fs_vol_t **v2)
{
    if (m->w[0] > FS_BUF_SIZE)
        return FS_EFAULT;
    fs_err_t err = take(c, 0, m->w[0], path1, sub1, v1);
    err = err ? err : take(c, m->w[0], m->w[1], path2, sub2, v2);
    if (!err && *v1 != *v2)
        err = FS_EXDEV;
    return err;
}

fs_err_t fs_op_link(fs_client_t *c, xr_msg_t *m)
{
    fs_vol_t *v, *v2;
    uint32_t ino, dir;
    const char *name;
    size_t nlen;
    fs_err_t err = take_two(c, m, &v, &v2);
    err =
        err ? err : fs_err_of(ext2_walk(&v->ext2, EXT2_ROOT_INO, sub1, strlen(sub1), false, &ino));
    err = err ? err : parent(v, sub2, &dir, &name, &nlen);
    return err ? err : fs_err_of(ext2_link(&v->ext2, ino, dir, name, nlen));
}

fs_err_t fs_op_rename(fs_client_t *c, xr_msg_t *m)
{
    fs_vol_t *v, *v2;
    uint32_t odir, ndir, victim = 0;
    const char *oname, *nname;
    size_t olen, nlen;
    fs_err_t err = take_two(c, m, &v, &v2);
    if (err)
        return err;
    err = parent(v, sub1, &odir, &oname, &olen);
    err = err ? err : parent(v, sub2, &ndir, &nname, &nlen);
    if (err)
        return err == FS_EINVAL ? FS_EBUSY : err; /* a volume's root */
    ext2_lookup(&v->ext2, ndir, nname, nlen, &victim);
    ext2_err_t e = ext2_rename(&v->ext2, odir, oname, olen, ndir, nname, nlen);
    if (!e)
        fs_forget_if_freed(v, victim);
    return fs_err_of(e);
}

fs_err_t fs_op_symlink(fs_client_t *c, xr_msg_t *m)
{
    fs_vol_t *v;
    uint32_t dir;
    const char *name;
    size_t nlen;
    uint64_t tlen = m->w[0];
    if (tlen == 0 || tlen > FS_PATH_MAX)
        return tlen ? FS_ENAMETOOLONG : FS_ENOENT;
    fs_err_t err = fs_take_path(c, 0, tlen, path2); /* the target: any bytes but NUL */
    err = err ? err : take(c, tlen, m->w[1], path1, sub1, &v);
    if (err)
        return err;
    if ((err = parent(v, sub1, &dir, &name, &nlen)))
        return err == FS_EINVAL ? FS_EEXIST : err; /* "/" exists */
    return fs_err_of(ext2_symlink(&v->ext2, dir, name, nlen, path2, tlen, 0, 0, NULL));
}

fs_err_t fs_op_readlink(fs_client_t *c, xr_msg_t *m)
{
    fs_vol_t *v;
    uint32_t ino;
    size_t len = 0;
    fs_err_t err = take(c, 0, m->w[0], path1, sub1, &v);
    err =
        err ? err : fs_err_of(ext2_walk(&v->ext2, EXT2_ROOT_INO, sub1, strlen(sub1), false, &ino));
    err = err ? err : fs_err_of(ext2_readlink(&v->ext2, ino, path2, FS_PATH_MAX, &len));
    if (!err && len > FS_PATH_MAX)
        err = FS_ENAMETOOLONG;
    if (!err)
        memcpy(c->buf, path2, len);
    m->w[0] = err ? 0 : len;
    return err;
}

fs_err_t fs_op_truncate(fs_client_t *c, xr_msg_t *m)
{
    fs_vol_t *v;
    uint32_t ino;
    fs_err_t err = take(c, 0, m->w[0], path1, sub1, &v);
    err = err ? err : fs_err_of(ext2_walk(&v->ext2, EXT2_ROOT_INO, sub1, strlen(sub1), true, &ino));
    return err ? err : fs_err_of(ext2_truncate(&v->ext2, ino, m->w[1]));
}

fs_err_t fs_op_chmod(fs_client_t *c, xr_msg_t *m)
{
    fs_vol_t *v;
    uint32_t ino;
    if (m->w[1] & ~07777ul)
        return FS_EINVAL;
    fs_err_t err = take(c, 0, m->w[0], path1, sub1, &v);
    err = err ? err : fs_err_of(ext2_walk(&v->ext2, EXT2_ROOT_INO, sub1, strlen(sub1), true, &ino));
    return err ? err : fs_err_of(ext2_chmod(&v->ext2, ino, (uint16_t)m->w[1]));
}

fs_err_t fs_op_sync(fs_client_t *c, xr_msg_t *m)
{
    (void)c;
    (void)m;
    fs_err_t err = FS_OK;
    for (unsigned i = 0; i < FS_VOLS; i++)
        if (fs_vols[i].mounted && fs_cache_sync(&fs_vols[i]))
            err = FS_EIO;
    return err;
}

fs_err_t fs_op_statfs(fs_client_t *c, xr_msg_t *m)
{
    fs_vol_t *v;
    ext2_statfs_t st;
    fs_err_t err = take(c, 0, m->w[0], path1, sub1, &v);
    if (err)
        return err;
    ext2_statfs(&v->ext2, &st);
    m->w[0] = st.bsize;
    m->w[1] = st.blocks;
    m->w[2] = st.free_blocks;
    m->w[3] = (uint64_t)st.inodes << 32 | st.free_inodes;
    return FS_OK;
}
