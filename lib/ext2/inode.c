/* ext2 inodes: finding them in the inode tables, reading, writing, releasing; stat and chmod. */
#include "lib/ext2/ext2_priv.h"

/* Reads the inode-table block holding ino into blk_inode; *off gets ino's offset in it. */
static ext2_err_t inode_block(ext2_vol_t *vol, uint32_t ino, uint32_t *blk, uint32_t *off)
{
    ext2_gd_t gd;
    if (ino == 0 || ino > vol->inodes_count)
        return EXT2_EINVAL;
    uint32_t g = (ino - 1) / vol->inodes_per_group;
    uint64_t byte = (uint64_t)((ino - 1) % vol->inodes_per_group) * vol->inode_size;
    ext2_err_t err = ext2_gd_get(vol, g, &gd);
    if (err)
        return err;
    *blk = gd.inode_table + (uint32_t)(byte / vol->bsize);
    *off = (uint32_t)(byte % vol->bsize);
    return ext2_block_read(vol, *blk, vol->blk_inode);
}

ext2_err_t ext2_inode_read(ext2_vol_t *vol, uint32_t ino, ext2_inode_t *in)
{
    uint32_t blk, off;
    ext2_err_t err = inode_block(vol, ino, &blk, &off);
    if (err)
        return err;
    memcpy(in, vol->blk_inode + off, sizeof(*in));
    return EXT2_OK;
}

ext2_err_t ext2_inode_get(ext2_vol_t *vol, uint32_t ino, ext2_inode_t *in)
{
    ext2_err_t err = ext2_inode_read(vol, ino, in);
    if (err)
        return err;
    if (in->mode == 0 || in->links_count == 0)
        return EXT2_EIO; /* a reference to a free inode */
    return EXT2_OK;
}

ext2_err_t ext2_inode_write(ext2_vol_t *vol, uint32_t ino, const ext2_inode_t *in)
{
    uint32_t blk, off;
    ext2_err_t err = inode_block(vol, ino, &blk, &off);
    if (err)
        return err;
    memcpy(vol->blk_inode + off, in, sizeof(*in));
    return ext2_block_write(vol, blk, vol->blk_inode);
}

ext2_err_t ext2_inode_write_new(ext2_vol_t *vol, uint32_t ino, const ext2_inode_t *in)
{
    uint32_t blk, off;
    ext2_err_t err = inode_block(vol, ino, &blk, &off);
    if (err)
        return err;
    memset(vol->blk_inode + off, 0, vol->inode_size);
    memcpy(vol->blk_inode + off, in, sizeof(*in));
    if (vol->inode_size >= EXT2_GOOD_OLD_ISIZE + 32) {
        /* i_extra_isize: the large-inode fields (nanoseconds, creation time) are present. */
        uint16_t extra = 32;
        memcpy(vol->blk_inode + off + EXT2_GOOD_OLD_ISIZE, &extra, sizeof(extra));
    }
    return ext2_block_write(vol, blk, vol->blk_inode);
}

uint64_t ext2_inode_size(const ext2_inode_t *in)
{
    if (ext2_is_reg(in))
        return in->size | (uint64_t)in->size_high << 32;
    return in->size;
}

void ext2_inode_set_size(ext2_inode_t *in, uint64_t size)
{
    in->size = (uint32_t)size;
    if (ext2_is_reg(in))
        in->size_high = (uint32_t)(size >> 32);
}

bool ext2_inode_fast_link(const ext2_vol_t *vol, const ext2_inode_t *in)
{
    uint32_t acl = in->file_acl ? vol->bsize / 512 : 0;
    return ext2_is_lnk(in) && in->blocks == acl;
}

/* Drops inode in's reference to its extended-attribute block (freed when unshared). */
static ext2_err_t xattr_release(ext2_vol_t *vol, ext2_inode_t *in)
{
    uint32_t blk = in->file_acl, magic, refs;
    if (!ext2_block_valid(vol, blk))
        return EXT2_EIO;
    ext2_err_t err = ext2_block_read(vol, blk, vol->blk_data);
    if (err)
        return err;
    memcpy(&magic, vol->blk_data, 4);
    memcpy(&refs, vol->blk_data + 4, 4);
    if (magic != EXT2_XATTR_MAGIC)
        return EXT2_EIO;
    if (refs > 1) {
        refs--;
        memcpy(vol->blk_data + 4, &refs, 4);
        err = ext2_block_write(vol, blk, vol->blk_data);
    } else {
        err = ext2_block_free(vol, blk);
    }
    if (err)
        return err;
    in->file_acl = 0;
    in->blocks -= in->blocks >= vol->bsize / 512 ? vol->bsize / 512 : in->blocks;
    return EXT2_OK;
}

ext2_err_t ext2_inode_release(ext2_vol_t *vol, uint32_t ino, ext2_inode_t *in)
{
    ext2_err_t err = EXT2_OK;
    bool dir = ext2_is_dir(in);
    if (!ext2_inode_fast_link(vol, in))
        err = ext2_bmap_truncate(vol, in, 0);
    if (!err && in->file_acl)
        err = xattr_release(vol, in);
    if (err) {
        ext2_inode_write(vol, ino, in); /* drop the pointers to blocks already freed */
        return err;
    }
    in->links_count = 0;
    in->dtime = ext2_now(vol);
    if (in->dtime == 0)
        in->dtime = 1; /* a zero dtime would mark the inode as still in use */
    ext2_inode_set_size(in, 0);
    memset(in->block, 0, sizeof(in->block));
    in->blocks = 0;
    err = ext2_inode_write(vol, ino, in);
    if (err)
        return err;
    return ext2_inode_free(vol, ino, dir);
}

ext2_err_t ext2_stat(ext2_vol_t *vol, uint32_t ino, ext2_stat_t *st)
{
    ext2_inode_t in;
    ext2_err_t err = ext2_inode_get(vol, ino, &in);
    if (err)
        return err;
    st->ino = ino;
    st->mode = in.mode;
    st->nlink = in.links_count;
    st->uid = in.uid | (uint32_t)in.uid_high << 16;
    st->gid = in.gid | (uint32_t)in.gid_high << 16;
    st->size = ext2_inode_size(&in);
    st->atime = in.atime;
    st->mtime = in.mtime;
    st->ctime = in.ctime;
    st->blocks = in.blocks;
    st->blksize = vol->bsize;
    return EXT2_OK;
}

ext2_err_t ext2_chmod(ext2_vol_t *vol, uint32_t ino, uint16_t mode)
{
    ext2_inode_t in;
    if (vol->readonly)
        return EXT2_EROFS;
    ext2_err_t err = ext2_inode_get(vol, ino, &in);
    if (err)
        return err;
    in.mode = (uint16_t)((in.mode & EXT2_S_IFMT) | (mode & 07777));
    in.ctime = ext2_now(vol);
    return ext2_inode_write(vol, ino, &in);
}
