/* ext2 namespace operations: create, mkdir, symlink, unlink, rmdir, link and rename. */
#include "lib/ext2/ext2_priv.h"

static bool is_dot(const char *name, size_t len)
{
    return len == 1 && name[0] == '.';
}

static bool is_dots(const char *name, size_t len)
{
    return is_dot(name, len) || (len == 2 && name[0] == '.' && name[1] == '.');
}

/* Checks a name to be created: EINVAL (empty, '/' or NUL), ENAMETOOLONG, EEXIST (dots). */
static ext2_err_t check_new_name(const char *name, size_t len)
{
    if (len == 0)
        return EXT2_EINVAL;
    if (len > EXT2_NAME_MAX)
        return EXT2_ENAMETOOLONG;
    for (size_t i = 0; i < len; i++) {
        if (name[i] == '/' || name[i] == 0)
            return EXT2_EINVAL;
    }
    return is_dots(name, len) ? EXT2_EEXIST : EXT2_OK;
}

/* Reads directory dir into din: ENOTDIR, EIO, EINVAL. */
static ext2_err_t dir_get(ext2_vol_t *vol, uint32_t dir, ext2_inode_t *din)
{
    ext2_err_t err = ext2_inode_get(vol, dir, din);
    return err ? err : ext2_dir_check(vol, din);
}

/* Reads directory dir into din and checks that name can be added to it: the name is valid and
 * not there yet. Errors: those of dir_get and check_new_name, EEXIST. */
static ext2_err_t dir_get_for_new(ext2_vol_t *vol, uint32_t dir, ext2_inode_t *din,
                                  const char *name, size_t len)
{
    uint32_t old;
    ext2_err_t err = dir_get(vol, dir, din);
    if (!err)
        err = check_new_name(name, len);
    if (err)
        return err;
    err = ext2_dir_find(vol, din, name, len, &old, NULL);
    if (err != EXT2_ENOENT)
        return err ? err : EXT2_EEXIST;
    return EXT2_OK;
}

/* Looks name up in the already read directory din and reads its inode: ENOENT, EIO. */
static ext2_err_t child_get(ext2_vol_t *vol, const ext2_inode_t *din, const char *name, size_t len,
                            uint32_t *ino, ext2_inode_t *in)
{
    if (len == 0)
        return EXT2_ENOENT;
    if (len > EXT2_NAME_MAX)
        return EXT2_ENAMETOOLONG;
    ext2_err_t err = ext2_dir_find(vol, din, name, len, ino, NULL);
    if (err)
        return err;
    if (*ino < vol->first_ino && *ino != EXT2_ROOT_INO)
        return EXT2_EIO;
    return ext2_inode_get(vol, *ino, in);
}

/* Puts the target of a symbolic link into new inode in (inline, or in a new block). */
static ext2_err_t symlink_fill(ext2_vol_t *vol, ext2_inode_t *in, uint32_t goal, const char *target,
                               size_t tlen)
{
    in->size = (uint32_t)tlen;
    if (tlen < EXT2_FAST_LINK_MAX) {
        memcpy(in->block, target, tlen);
        return EXT2_OK;
    }
    uint32_t blk;
    ext2_err_t err = ext2_block_alloc(vol, goal, &blk);
    if (err)
        return err;
    in->block[0] = blk;
    in->blocks = vol->bsize / 512;
    memset(vol->blk_data, 0, vol->bsize);
    memcpy(vol->blk_data, target, tlen);
    return ext2_block_write(vol, blk, vol->blk_data);
}

/*
 * Common body of create, mkdir and symlink: a new inode of the given mode (type and
 * permissions) linked as name in dir. target is the link text for symbolic links.
 */
static ext2_err_t make_node(ext2_vol_t *vol, uint32_t dir, const char *name, size_t len,
                            uint16_t mode, uint32_t uid, uint32_t gid, const char *target,
                            size_t tlen, uint32_t *out)
{
    ext2_inode_t din, in;
    uint32_t ino;
    bool isdir = (mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
    if (vol->readonly)
        return EXT2_EROFS;
    ext2_err_t err = dir_get_for_new(vol, dir, &din, name, len);
    if (err)
        return err;
    if (isdir && din.links_count >= EXT2_LINK_MAX)
        return EXT2_EMLINK;
    uint32_t goal = (dir - 1) / vol->inodes_per_group;
    err = ext2_inode_alloc(vol, goal, isdir, &ino);
    if (err)
        return err;
    /* From here a failure releases the new inode and everything it took. */
    memset(&in, 0, sizeof(in));
    in.mode = mode;
    in.uid = (uint16_t)uid;
    in.uid_high = (uint16_t)(uid >> 16);
    in.gid = (uint16_t)gid;
    in.gid_high = (uint16_t)(gid >> 16);
    in.atime = in.ctime = in.mtime = ext2_now(vol);
    in.links_count = isdir ? 2 : 1;
    if (isdir) {
        err = ext2_block_alloc(vol, goal, &in.block[0]);
        if (!err) {
            in.blocks = vol->bsize / 512;
            in.size = vol->bsize;
            err = ext2_dir_init(vol, in.block[0], ino, dir);
        }
    } else if (target) {
        err = symlink_fill(vol, &in, goal, target, tlen);
    }
    ext2_err_t werr = ext2_inode_write_new(vol, ino, &in);
    if (!err)
        err = werr;
    if (!err)
        err = ext2_dir_add(vol, dir, &din, name, len, ino, mode);
    if (!err && isdir) {
        din.links_count++;
        err = ext2_inode_write(vol, dir, &din);
    }
    if (err) {
        if (!werr)
            ext2_inode_release(vol, ino, &in);
        else
            ext2_inode_free(vol, ino, isdir);
        return err;
    }
    if (out)
        *out = ino;
    return EXT2_OK;
}

ext2_err_t ext2_create(ext2_vol_t *vol, uint32_t dir, const char *name, size_t len, uint16_t mode,
                       uint32_t uid, uint32_t gid, uint32_t *ino)
{
    return make_node(vol, dir, name, len, EXT2_S_IFREG | (mode & 07777), uid, gid, NULL, 0, ino);
}

ext2_err_t ext2_mkdir(ext2_vol_t *vol, uint32_t dir, const char *name, size_t len, uint16_t mode,
                      uint32_t uid, uint32_t gid, uint32_t *ino)
{
    return make_node(vol, dir, name, len, EXT2_S_IFDIR | (mode & 07777), uid, gid, NULL, 0, ino);
}

ext2_err_t ext2_symlink(ext2_vol_t *vol, uint32_t dir, const char *name, size_t len,
                        const char *target, size_t target_len, uint32_t uid, uint32_t gid,
                        uint32_t *ino)
{
    if (target_len == 0)
        return EXT2_EINVAL;
    if (target_len >= vol->bsize || target_len >= EXT2_PATH_MAX)
        return EXT2_ENAMETOOLONG;
    return make_node(vol, dir, name, len, EXT2_S_IFLNK | 0777, uid, gid, target, target_len, ino);
}

/* Drops one link of inode ino (in): frees it with its blocks at zero. */
static ext2_err_t drop_link(ext2_vol_t *vol, uint32_t ino, ext2_inode_t *in)
{
    if (in->links_count > 0)
        in->links_count--;
    in->ctime = ext2_now(vol);
    if (in->links_count == 0)
        return ext2_inode_release(vol, ino, in);
    return ext2_inode_write(vol, ino, in);
}

ext2_err_t ext2_unlink(ext2_vol_t *vol, uint32_t dir, const char *name, size_t len)
{
    ext2_inode_t din, in;
    uint32_t ino;
    if (vol->readonly)
        return EXT2_EROFS;
    ext2_err_t err = dir_get(vol, dir, &din);
    if (!err)
        err = child_get(vol, &din, name, len, &ino, &in);
    if (err)
        return err;
    if (ext2_is_dir(&in))
        return EXT2_EISDIR;
    err = ext2_dir_remove(vol, dir, &din, name, len);
    return err ? err : drop_link(vol, ino, &in);
}

/* Removes the empty directory ino (in), whose parent dir (din) still names it. */
static ext2_err_t dir_release(ext2_vol_t *vol, uint32_t dir, ext2_inode_t *din, uint32_t ino,
                              ext2_inode_t *in)
{
    if (din->links_count > 2)
        din->links_count--; /* the child's ".." is gone */
    ext2_err_t err = ext2_inode_write(vol, dir, din);
    return err ? err : ext2_inode_release(vol, ino, in);
}

ext2_err_t ext2_rmdir(ext2_vol_t *vol, uint32_t dir, const char *name, size_t len)
{
    ext2_inode_t din, in;
    uint32_t ino;
    if (vol->readonly)
        return EXT2_EROFS;
    ext2_err_t err = dir_get(vol, dir, &din);
    if (err)
        return err;
    if (is_dots(name, len))
        return EXT2_EINVAL;
    err = child_get(vol, &din, name, len, &ino, &in);
    if (err)
        return err;
    if (!ext2_is_dir(&in))
        return EXT2_ENOTDIR;
    if (ino == dir || ino == EXT2_ROOT_INO)
        return EXT2_EIO; /* a named entry that is the directory itself or the root */
    err = ext2_dir_check(vol, &in);
    if (!err)
        err = ext2_dir_empty(vol, &in);
    if (!err)
        err = ext2_dir_remove(vol, dir, &din, name, len);
    return err ? err : dir_release(vol, dir, &din, ino, &in);
}

ext2_err_t ext2_link(ext2_vol_t *vol, uint32_t ino, uint32_t dir, const char *name, size_t len)
{
    ext2_inode_t din, in;
    if (vol->readonly)
        return EXT2_EROFS;
    ext2_err_t err = ext2_inode_get(vol, ino, &in);
    if (err)
        return err;
    if (ext2_is_dir(&in))
        return EXT2_EPERM;
    if (in.links_count >= EXT2_LINK_MAX)
        return EXT2_EMLINK;
    err = dir_get_for_new(vol, dir, &din, name, len);
    if (err)
        return err;
    err = ext2_dir_add(vol, dir, &din, name, len, ino, in.mode);
    if (err)
        return err;
    in.links_count++;
    in.ctime = ext2_now(vol);
    return ext2_inode_write(vol, ino, &in);
}

/* EINVAL if directory sino is dir or one of its ancestors; bounded walk up through "..". */
static ext2_err_t check_not_ancestor(ext2_vol_t *vol, uint32_t sino, uint32_t dir)
{
    uint32_t cur = dir;
    for (uint32_t steps = 0; steps <= vol->inodes_count; steps++) {
        if (cur == sino)
            return EXT2_EINVAL;
        if (cur == EXT2_ROOT_INO)
            return EXT2_OK;
        uint32_t parent;
        ext2_err_t err = ext2_lookup(vol, cur, "..", 2, &parent);
        if (err)
            return err == EXT2_ENOENT || err == EXT2_ENOTDIR ? EXT2_EIO : err;
        if (parent == cur)
            return EXT2_EIO; /* only the root is its own parent */
        cur = parent;
    }
    return EXT2_EIO; /* a loop of ".." entries */
}

/* Checks that name may be renamed: EINVAL for dots, ENAMETOOLONG, ENOENT when empty. */
static ext2_err_t check_rename_name(const char *name, size_t len)
{
    if (len == 0)
        return EXT2_ENOENT;
    ext2_err_t err = check_new_name(name, len);
    return err == EXT2_EEXIST ? EXT2_EINVAL : err;
}

ext2_err_t ext2_rename(ext2_vol_t *vol, uint32_t odir, const char *oname, size_t olen,
                       uint32_t ndir, const char *nname, size_t nlen)
{
    ext2_inode_t od, nd_own, sin, tin;
    ext2_inode_t *nd = odir == ndir ? &od : &nd_own; /* one copy when both are the same */
    uint32_t sino, tino = 0;
    if (vol->readonly)
        return EXT2_EROFS;
    ext2_err_t err = dir_get(vol, odir, &od);
    if (!err && nd != &od)
        err = dir_get(vol, ndir, nd);
    if (!err)
        err = check_rename_name(oname, olen);
    if (!err)
        err = check_rename_name(nname, nlen);
    if (!err)
        err = child_get(vol, &od, oname, olen, &sino, &sin);
    if (err)
        return err;
    bool sdir = ext2_is_dir(&sin);
    if (sino == odir || sino == ndir)
        return sdir ? EXT2_EINVAL : EXT2_EIO;
    err = child_get(vol, nd, nname, nlen, &tino, &tin);
    if (err == EXT2_ENOENT)
        tino = 0;
    else if (err)
        return err;
    if (tino == sino)
        return EXT2_OK; /* two links to one inode: POSIX says do nothing */
    if (tino) {
        if (sdir && !ext2_is_dir(&tin))
            return EXT2_ENOTDIR;
        if (!sdir && ext2_is_dir(&tin))
            return EXT2_EISDIR;
        if (sdir && ((err = ext2_dir_check(vol, &tin)) || (err = ext2_dir_empty(vol, &tin))))
            return err;
        if (tino == odir || tino == ndir)
            return EXT2_EIO;
    }
    if (sdir && odir != ndir) {
        err = check_not_ancestor(vol, sino, ndir);
        if (err)
            return err;
        if (!tino && nd->links_count >= EXT2_LINK_MAX)
            return EXT2_EMLINK;
    }
    /* Point of no return: from here on the image changes. */
    if (tino)
        err = ext2_dir_set(vol, ndir, nd, nname, nlen, sino, sin.mode);
    else
        err = ext2_dir_add(vol, ndir, nd, nname, nlen, sino, sin.mode);
    if (!err)
        err = ext2_dir_remove(vol, odir, &od, oname, olen);
    if (err)
        return err;
    sin.ctime = ext2_now(vol);
    if (sdir && odir != ndir) {
        err = ext2_dir_set(vol, sino, &sin, "..", 2, ndir, EXT2_S_IFDIR);
        if (od.links_count > 2)
            od.links_count--;
        nd->links_count++;
    } else {
        err = ext2_inode_write(vol, sino, &sin);
    }
    if (!err && tino) {
        if (ext2_is_dir(&tin)) {
            if (nd->links_count > 2)
                nd->links_count--;
            err = ext2_inode_release(vol, tino, &tin);
        } else {
            err = drop_link(vol, tino, &tin);
        }
    }
    ext2_err_t werr = ext2_inode_write(vol, odir, &od);
    if (!werr && nd != &od)
        werr = ext2_inode_write(vol, ndir, nd);
    return err ? err : werr;
}
