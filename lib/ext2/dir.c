/* ext2 directories: validated block scans, lookup, adding and removing entries, readdir. */
#include "lib/ext2/ext2_priv.h"

/* Directory-entry file type for a mode's type bits. */
static uint8_t mode_to_ft(uint16_t type)
{
    switch (type & EXT2_S_IFMT) {
    case EXT2_S_IFREG:
        return EXT2_FT_REG;
    case EXT2_S_IFDIR:
        return EXT2_FT_DIR;
    case EXT2_S_IFCHR:
        return EXT2_FT_CHR;
    case EXT2_S_IFBLK:
        return EXT2_FT_BLK;
    case EXT2_S_IFIFO:
        return EXT2_FT_FIFO;
    case EXT2_S_IFSOCK:
        return EXT2_FT_SOCK;
    case EXT2_S_IFLNK:
        return EXT2_FT_LNK;
    default:
        return EXT2_FT_UNKNOWN;
    }
}

static uint16_t ft_to_mode(uint8_t ft)
{
    static const uint16_t modes[] = {0,
                                     EXT2_S_IFREG,
                                     EXT2_S_IFDIR,
                                     EXT2_S_IFCHR,
                                     EXT2_S_IFBLK,
                                     EXT2_S_IFIFO,
                                     EXT2_S_IFSOCK,
                                     EXT2_S_IFLNK};
    return ft < sizeof(modes) / sizeof(modes[0]) ? modes[ft] : 0;
}

static void ent_get(const uint8_t *blk, uint32_t off, ext2_dirent_disk_t *d)
{
    memcpy(d, blk + off, sizeof(*d));
}

static void ent_put(uint8_t *blk, uint32_t off, const ext2_dirent_disk_t *d)
{
    memcpy(blk + off, d, sizeof(*d));
}

ext2_err_t ext2_dir_check(ext2_vol_t *vol, const ext2_inode_t *in)
{
    if (!ext2_is_dir(in))
        return EXT2_ENOTDIR;
    if (in->size == 0 || in->size % vol->bsize)
        return EXT2_EIO;
    return EXT2_OK;
}

/* Checks every record of the directory block in blk_dir: aligned, inside the block, the name
 * inside its record, the inode number in range. */
static ext2_err_t dir_block_check(ext2_vol_t *vol)
{
    uint32_t off = 0;
    while (off < vol->bsize) {
        ext2_dirent_disk_t d;
        if (vol->bsize - off < 12)
            return EXT2_EIO;
        ent_get(vol->blk_dir, off, &d);
        if (d.rec_len < 12 || d.rec_len % 4 || d.rec_len > vol->bsize - off)
            return EXT2_EIO;
        if (8u + d.name_len > d.rec_len || (!vol->filetype && d.file_type != 0))
            return EXT2_EIO;
        if (d.inode > vol->inodes_count || (d.inode && d.name_len == 0))
            return EXT2_EIO;
        off += d.rec_len;
    }
    return EXT2_OK;
}

/* Reads block b of directory in into blk_dir and validates it; *pblk gets its number. */
static ext2_err_t dir_load(ext2_vol_t *vol, const ext2_inode_t *in, uint64_t b, uint32_t *pblk)
{
    ext2_err_t err = ext2_bmap_get(vol, in, b, pblk);
    if (err == EXT2_EFBIG || (!err && *pblk == 0))
        return EXT2_EIO; /* directories have no holes */
    if (!err)
        err = ext2_block_read(vol, *pblk, vol->blk_dir);
    if (!err)
        err = dir_block_check(vol);
    return err;
}

/* Where a named entry was found. */
typedef struct dir_hit {
    uint64_t b;    /* logical block */
    uint32_t pblk; /* physical block */
    uint32_t off;  /* record offset in the block */
    uint32_t prev; /* previous record's offset, or off if it is the first */
    ext2_dirent_disk_t d;
} dir_hit_t;

/* Finds name in directory in, leaving its block in blk_dir. ENOENT, EIO. */
static ext2_err_t dir_search(ext2_vol_t *vol, const ext2_inode_t *in, const char *name, size_t len,
                             dir_hit_t *hit)
{
    uint64_t nblocks = in->size / vol->bsize;
    for (uint64_t b = 0; b < nblocks; b++) {
        ext2_err_t err = dir_load(vol, in, b, &hit->pblk);
        if (err)
            return err;
        hit->b = b;
        hit->prev = 0;
        for (uint32_t off = 0; off < vol->bsize; off += hit->d.rec_len) {
            ent_get(vol->blk_dir, off, &hit->d);
            hit->off = off;
            if (hit->d.inode && hit->d.name_len == len &&
                memcmp(vol->blk_dir + off + 8, name, len) == 0)
                return EXT2_OK;
            hit->prev = off;
        }
    }
    return EXT2_ENOENT;
}

ext2_err_t ext2_dir_find(ext2_vol_t *vol, const ext2_inode_t *in, const char *name, size_t len,
                         uint32_t *ino, uint64_t *off)
{
    dir_hit_t hit;
    ext2_err_t err = dir_search(vol, in, name, len, &hit);
    if (err)
        return err;
    *ino = hit.d.inode;
    if (off)
        *off = hit.b * vol->bsize + hit.off;
    return EXT2_OK;
}

/* Marks directory in changed now (its index, if any, is no longer kept) and writes it. */
static ext2_err_t dir_touch(ext2_vol_t *vol, uint32_t dino, ext2_inode_t *in)
{
    in->mtime = in->ctime = ext2_now(vol);
    in->flags &= ~(uint32_t)EXT2_INDEX_FL;
    return ext2_inode_write(vol, dino, in);
}

/* Writes the record name -> ino of rec_len bytes at off in blk_dir. */
static void ent_make(ext2_vol_t *vol, uint32_t off, uint32_t rec_len, const char *name, size_t len,
                     uint32_t ino, uint16_t type)
{
    ext2_dirent_disk_t d = {ino, (uint16_t)rec_len, (uint8_t)len,
                            vol->filetype ? mode_to_ft(type) : 0};
    ent_put(vol->blk_dir, off, &d);
    memcpy(vol->blk_dir + off + 8, name, len);
}

/* Tries to fit name in block b of the directory; *done tells whether it did. */
static ext2_err_t dir_add_in(ext2_vol_t *vol, const ext2_inode_t *in, uint64_t b, const char *name,
                             size_t len, uint32_t ino, uint16_t type, bool *done)
{
    uint32_t need = ext2_rec_len((uint32_t)len), pblk;
    ext2_err_t err = dir_load(vol, in, b, &pblk);
    *done = false;
    if (err)
        return err;
    ext2_dirent_disk_t d;
    for (uint32_t off = 0; off < vol->bsize; off += d.rec_len) {
        ent_get(vol->blk_dir, off, &d);
        uint32_t used = d.inode ? ext2_rec_len(d.name_len) : 0;
        if (d.rec_len - used < need)
            continue;
        if (used) {
            uint32_t rest = d.rec_len - used;
            d.rec_len = (uint16_t)used;
            ent_put(vol->blk_dir, off, &d);
            ent_make(vol, off + used, rest, name, len, ino, type);
        } else {
            ent_make(vol, off, d.rec_len, name, len, ino, type);
        }
        *done = true;
        return ext2_block_write(vol, pblk, vol->blk_dir);
    }
    return EXT2_OK;
}

ext2_err_t ext2_dir_add(ext2_vol_t *vol, uint32_t dino, ext2_inode_t *in, const char *name,
                        size_t len, uint32_t ino, uint16_t type)
{
    uint64_t nblocks = in->size / vol->bsize;
    bool done = false;
    ext2_err_t err;
    for (uint64_t b = 0; b < nblocks && !done; b++) {
        err = dir_add_in(vol, in, b, name, len, ino, type, &done);
        if (err)
            return err;
    }
    if (!done) {
        /* No room: append a block holding just this entry. */
        uint32_t pblk;
        bool fresh;
        if ((uint64_t)in->size + vol->bsize > 0xFFFFFFFFu)
            return EXT2_EFBIG;
        err = ext2_bmap_alloc(vol, in, (dino - 1) / vol->inodes_per_group, nblocks, &pblk, &fresh);
        if (!err && !fresh)
            err = EXT2_EIO; /* a block mapped past the directory's end */
        if (err) {
            ext2_inode_write(vol, dino, in); /* keep any indirect block it took counted */
            return err;
        }
        memset(vol->blk_dir, 0, vol->bsize);
        ent_make(vol, 0, vol->bsize, name, len, ino, type);
        err = ext2_block_write(vol, pblk, vol->blk_dir);
        if (err)
            return err;
        in->size += vol->bsize;
    }
    return dir_touch(vol, dino, in);
}

ext2_err_t ext2_dir_remove(ext2_vol_t *vol, uint32_t dino, ext2_inode_t *in, const char *name,
                           size_t len)
{
    dir_hit_t hit;
    ext2_err_t err = dir_search(vol, in, name, len, &hit);
    if (err)
        return err;
    if (hit.prev != hit.off) {
        ext2_dirent_disk_t p;
        ent_get(vol->blk_dir, hit.prev, &p);
        p.rec_len = (uint16_t)(p.rec_len + hit.d.rec_len);
        ent_put(vol->blk_dir, hit.prev, &p);
    } else {
        hit.d.inode = 0;
        ent_put(vol->blk_dir, hit.off, &hit.d);
    }
    err = ext2_block_write(vol, hit.pblk, vol->blk_dir);
    if (err)
        return err;
    return dir_touch(vol, dino, in);
}

ext2_err_t ext2_dir_set(ext2_vol_t *vol, uint32_t dino, ext2_inode_t *in, const char *name,
                        size_t len, uint32_t ino, uint16_t type)
{
    dir_hit_t hit;
    ext2_err_t err = dir_search(vol, in, name, len, &hit);
    if (err)
        return err;
    hit.d.inode = ino;
    hit.d.file_type = vol->filetype ? mode_to_ft(type) : 0;
    ent_put(vol->blk_dir, hit.off, &hit.d);
    err = ext2_block_write(vol, hit.pblk, vol->blk_dir);
    if (err)
        return err;
    return dir_touch(vol, dino, in);
}

/* True if the record at off in blk_dir is "." or "..". */
static bool ent_is_dots(const ext2_vol_t *vol, uint32_t off, const ext2_dirent_disk_t *d)
{
    const uint8_t *n = vol->blk_dir + off + 8;
    return (d->name_len == 1 && n[0] == '.') || (d->name_len == 2 && n[0] == '.' && n[1] == '.');
}

ext2_err_t ext2_dir_empty(ext2_vol_t *vol, const ext2_inode_t *in)
{
    uint64_t nblocks = in->size / vol->bsize;
    for (uint64_t b = 0; b < nblocks; b++) {
        uint32_t pblk;
        ext2_err_t err = dir_load(vol, in, b, &pblk);
        if (err)
            return err;
        ext2_dirent_disk_t d;
        for (uint32_t off = 0; off < vol->bsize; off += d.rec_len) {
            ent_get(vol->blk_dir, off, &d);
            if (d.inode && !ent_is_dots(vol, off, &d))
                return EXT2_ENOTEMPTY;
        }
    }
    return EXT2_OK;
}

ext2_err_t ext2_dir_init(ext2_vol_t *vol, uint32_t blk, uint32_t self, uint32_t parent)
{
    memset(vol->blk_dir, 0, vol->bsize);
    ent_make(vol, 0, 12, ".", 1, self, EXT2_S_IFDIR);
    ent_make(vol, 12, vol->bsize - 12, "..", 2, parent, EXT2_S_IFDIR);
    return ext2_block_write(vol, blk, vol->blk_dir);
}

ext2_err_t ext2_readdir(ext2_vol_t *vol, uint32_t dir, uint64_t *cursor, ext2_dirent_t *ent)
{
    ext2_inode_t in;
    ext2_err_t err = ext2_inode_get(vol, dir, &in);
    if (!err)
        err = ext2_dir_check(vol, &in);
    if (err)
        return err;
    uint64_t nblocks = in.size / vol->bsize;
    for (uint64_t b = *cursor / vol->bsize; b < nblocks; b++) {
        uint32_t pblk, start = b == *cursor / vol->bsize ? *cursor % vol->bsize : 0;
        err = dir_load(vol, &in, b, &pblk);
        if (err)
            return err;
        ext2_dirent_disk_t d;
        /* Scan from the block start: the cursor may sit inside a record merged meanwhile. */
        for (uint32_t off = 0; off < vol->bsize; off += d.rec_len) {
            ent_get(vol->blk_dir, off, &d);
            if (off < start || d.inode == 0)
                continue;
            ent->ino = d.inode;
            ent->type = vol->filetype ? ft_to_mode(d.file_type) : 0;
            ent->name_len = d.name_len;
            memcpy(ent->name, vol->blk_dir + off + 8, d.name_len);
            ent->name[d.name_len] = 0;
            *cursor = b * vol->bsize + off + d.rec_len;
            return EXT2_OK;
        }
    }
    *cursor = nblocks * vol->bsize;
    return EXT2_ENOENT;
}
