/* ext2 name resolution: one name in a directory, and whole paths with bounded link following. */
#include "lib/ext2/ext2_priv.h"

ext2_err_t ext2_lookup(ext2_vol_t *vol, uint32_t dir, const char *name, size_t len, uint32_t *ino)
{
    ext2_inode_t din;
    if (len > EXT2_NAME_MAX)
        return EXT2_ENAMETOOLONG;
    ext2_err_t err = ext2_inode_get(vol, dir, &din);
    if (!err)
        err = ext2_dir_check(vol, &din);
    if (err)
        return err;
    if (len == 0)
        return EXT2_ENOENT;
    err = ext2_dir_find(vol, &din, name, len, ino, NULL);
    if (err)
        return err;
    if (*ino < vol->first_ino && *ino != EXT2_ROOT_INO)
        return EXT2_EIO; /* entries never name reserved inodes */
    return EXT2_OK;
}

/* True if path[pos..len) holds nothing but slashes. */
static bool only_slashes(const char *path, size_t pos, size_t len)
{
    for (; pos < len; pos++) {
        if (path[pos] != '/')
            return false;
    }
    return true;
}

/*
 * Replaces the walked part of vol->path (before pos) by the target of link ino, so that the
 * path continues with what followed the link. *len is updated; the caller restarts at 0.
 */
static ext2_err_t expand_link(ext2_vol_t *vol, uint32_t ino, size_t pos, size_t *len)
{
    size_t tlen, rest = *len - pos;
    ext2_err_t err = ext2_readlink(vol, ino, vol->link, sizeof(vol->link), &tlen);
    if (err)
        return err;
    if (tlen == 0)
        return EXT2_ENOENT;
    if (tlen + rest > sizeof(vol->path))
        return EXT2_ENAMETOOLONG;
    memmove(vol->path + tlen, vol->path + pos, rest);
    memcpy(vol->path, vol->link, tlen);
    *len = tlen + rest;
    return EXT2_OK;
}

/* Walks vol->path[0..len) from cwd; see ext2_walk. */
static ext2_err_t walk(ext2_vol_t *vol, uint32_t cwd, size_t len, bool follow, uint32_t *out)
{
    const char *p = vol->path;
    uint32_t cur = p[0] == '/' ? EXT2_ROOT_INO : cwd;
    size_t pos = 0;
    int links = 0;
    for (;;) {
        while (pos < len && p[pos] == '/')
            pos++;
        if (pos == len)
            break;
        size_t start = pos;
        while (pos < len && p[pos] != '/')
            pos++;
        bool last = only_slashes(p, pos, len), trailing = last && pos < len;
        uint32_t next;
        ext2_inode_t in;
        ext2_err_t err = ext2_lookup(vol, cur, p + start, pos - start, &next);
        if (!err)
            err = ext2_inode_get(vol, next, &in);
        if (err)
            return err;
        if (ext2_is_lnk(&in) && (!last || follow || trailing)) {
            if (++links > EXT2_SYMLOOP_MAX)
                return EXT2_ELOOP;
            err = expand_link(vol, next, pos, &len);
            if (err)
                return err;
            pos = 0;
            if (p[0] == '/')
                cur = EXT2_ROOT_INO; /* else the link's own directory */
            continue;
        }
        cur = next;
        if (last) {
            if (trailing && !ext2_is_dir(&in))
                return EXT2_ENOTDIR;
            break;
        }
    }
    *out = cur;
    return EXT2_OK;
}

ext2_err_t ext2_walk(ext2_vol_t *vol, uint32_t cwd, const char *path, size_t len, bool follow,
                     uint32_t *ino)
{
    if (len == 0)
        return EXT2_ENOENT;
    if (len > sizeof(vol->path))
        return EXT2_ENAMETOOLONG;
    memcpy(vol->path, path, len);
    return walk(vol, cwd, len, follow, ino);
}

ext2_err_t ext2_walk_parent(ext2_vol_t *vol, uint32_t cwd, const char *path, size_t len,
                            uint32_t *dir, const char **name, size_t *name_len)
{
    size_t end = len, start;
    while (end > 0 && path[end - 1] == '/')
        end--;
    if (end == 0)
        return EXT2_EINVAL;
    for (start = end; start > 0 && path[start - 1] != '/'; start--)
        ;
    if (end - start > EXT2_NAME_MAX)
        return EXT2_ENAMETOOLONG;
    *name = path + start;
    *name_len = end - start;
    if (start == 0) {
        *dir = cwd;
        return EXT2_OK;
    }
    return ext2_walk(vol, cwd, path, start, true, dir);
}
