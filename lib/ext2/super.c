/* ext2 superblock and group descriptors: mount-time validation, block I/O, descriptor access. */
#include "lib/ext2/ext2_priv.h"

static const char *const err_names[EXT2_NERR] = {
    "OK",  "ENOENT",       "EEXIST", "ENOTDIR", "EISDIR", "ENOTEMPTY", "ENOSPC", "EINVAL",
    "EIO", "ENAMETOOLONG", "EROFS",  "EFBIG",   "EMLINK", "ELOOP",     "EPERM",
};

const char *ext2_strerror(ext2_err_t err)
{
    if ((unsigned)err >= EXT2_NERR)
        return "E?";
    return err_names[err];
}

bool ext2_block_valid(const ext2_vol_t *vol, uint32_t blk)
{
    return blk >= vol->first_data_block && blk < vol->blocks_count;
}

ext2_err_t ext2_block_read(ext2_vol_t *vol, uint32_t blk, void *buf)
{
    if (blk >= vol->blocks_count)
        return EXT2_EIO;
    return vol->dev.read_block(vol->dev.ctx, blk, vol->bsize, buf) ? EXT2_EIO : EXT2_OK;
}

ext2_err_t ext2_block_write(ext2_vol_t *vol, uint32_t blk, const void *buf)
{
    if (blk >= vol->blocks_count)
        return EXT2_EIO;
    if (vol->readonly)
        return EXT2_EROFS;
    return vol->dev.write_block(vol->dev.ctx, blk, vol->bsize, buf) ? EXT2_EIO : EXT2_OK;
}

/* Block of the descriptor table holding group g, and g's byte offset inside it. */
static void gd_where(const ext2_vol_t *vol, uint32_t g, uint32_t *blk, uint32_t *off)
{
    uint32_t per = vol->bsize / sizeof(ext2_gd_t);
    *blk = vol->gdt_block + g / per;
    *off = (g % per) * sizeof(ext2_gd_t);
}

ext2_err_t ext2_gd_get(ext2_vol_t *vol, uint32_t g, ext2_gd_t *gd)
{
    uint32_t blk, off;
    if (g >= vol->ngroups)
        return EXT2_EIO;
    gd_where(vol, g, &blk, &off);
    ext2_err_t err = ext2_block_read(vol, blk, vol->blk_meta);
    if (err)
        return err;
    memcpy(gd, vol->blk_meta + off, sizeof(*gd));
    return EXT2_OK;
}

ext2_err_t ext2_gd_put(ext2_vol_t *vol, uint32_t g, const ext2_gd_t *gd)
{
    uint32_t blk, off;
    if (g >= vol->ngroups)
        return EXT2_EIO;
    gd_where(vol, g, &blk, &off);
    ext2_err_t err = ext2_block_read(vol, blk, vol->blk_meta);
    if (err)
        return err;
    memcpy(vol->blk_meta + off, gd, sizeof(*gd));
    return ext2_block_write(vol, blk, vol->blk_meta);
}

ext2_err_t ext2_sb_put(ext2_vol_t *vol)
{
    if (vol->bsize == 1024)
        return ext2_block_write(vol, 1, vol->sb);
    /* The superblock shares block 0 with the boot area: read, patch, write. */
    ext2_err_t err = ext2_block_read(vol, 0, vol->blk_meta);
    if (err)
        return err;
    memcpy(vol->blk_meta + EXT2_SB_OFFSET, vol->sb, sizeof(vol->sb));
    return ext2_block_write(vol, 0, vol->blk_meta);
}

void ext2_statfs(const ext2_vol_t *vol, ext2_statfs_t *st)
{
    const ext2_super_t *sb = (const ext2_super_t *)vol->sb;
    st->bsize = vol->bsize;
    st->blocks = vol->blocks_count;
    st->free_blocks = sb->free_blocks_count;
    st->inodes = vol->inodes_count;
    st->free_inodes = sb->free_inodes_count;
}

/* Checks the superblock in vol->sb against itself and the device; fills vol's geometry. */
static ext2_err_t super_check(ext2_vol_t *vol, unsigned flags)
{
    const ext2_super_t *sb = ext2_sb(vol);
    if (sb->magic != EXT2_MAGIC || sb->rev_level != 1)
        return EXT2_EINVAL;
    if (sb->feature_incompat & ~(uint32_t)EXT2_INCOMPAT_SUPPORTED)
        return EXT2_EINVAL;
    if (sb->log_block_size > 2)
        return EXT2_EINVAL;
    vol->bsize = 1024u << sb->log_block_size;
    vol->apb = vol->bsize / 4;
    vol->readonly = (flags & EXT2_MOUNT_RDONLY) ||
                    (sb->feature_ro_compat & ~(uint32_t)EXT2_RO_COMPAT_SUPPORTED);
    vol->filetype = sb->feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE;
    vol->large_file = sb->feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE;

    uint64_t dev_blocks = vol->dev.size_bytes / vol->bsize;
    vol->blocks_count = sb->blocks_count;
    vol->first_data_block = sb->first_data_block;
    if (vol->first_data_block != (vol->bsize == 1024 ? 1u : 0u))
        return EXT2_EIO;
    if (vol->blocks_count <= vol->first_data_block + 2 || vol->blocks_count > dev_blocks)
        return EXT2_EIO; /* truncated image, or nonsense count */
    vol->blocks_per_group = sb->blocks_per_group;
    vol->inodes_per_group = sb->inodes_per_group;
    if (vol->blocks_per_group == 0 || vol->blocks_per_group > 8 * vol->bsize ||
        vol->inodes_per_group == 0 || vol->inodes_per_group > 8 * vol->bsize)
        return EXT2_EIO;
    uint32_t data = vol->blocks_count - vol->first_data_block;
    vol->ngroups = data / vol->blocks_per_group + (data % vol->blocks_per_group != 0);
    vol->inode_size = sb->inode_size;
    if (vol->inode_size < EXT2_GOOD_OLD_ISIZE || vol->inode_size > vol->bsize ||
        (vol->inode_size & (vol->inode_size - 1)))
        return EXT2_EIO;
    if ((uint64_t)vol->ngroups * vol->inodes_per_group != sb->inodes_count)
        return EXT2_EIO;
    vol->inodes_count = sb->inodes_count;
    vol->first_ino = sb->first_ino;
    if (vol->first_ino <= EXT2_ROOT_INO || vol->first_ino > vol->inodes_count)
        return EXT2_EIO;
    if (sb->free_blocks_count > vol->blocks_count || sb->free_inodes_count > vol->inodes_count)
        return EXT2_EIO;
    uint64_t itable = (uint64_t)vol->inodes_per_group * vol->inode_size;
    vol->itable_blocks = (uint32_t)((itable + vol->bsize - 1) / vol->bsize);
    vol->gdt_block = vol->first_data_block + 1;
    uint64_t gdt_blocks =
        ((uint64_t)vol->ngroups * sizeof(ext2_gd_t) + vol->bsize - 1) / vol->bsize;
    if (vol->gdt_block + gdt_blocks > vol->blocks_count)
        return EXT2_EIO;
    return EXT2_OK;
}

/* Checks every group descriptor: bitmaps and inode table inside the file system, sane counts. */
static ext2_err_t groups_check(ext2_vol_t *vol)
{
    for (uint32_t g = 0; g < vol->ngroups; g++) {
        ext2_gd_t gd;
        ext2_err_t err = ext2_gd_get(vol, g, &gd);
        if (err)
            return err;
        if (!ext2_block_valid(vol, gd.block_bitmap) || !ext2_block_valid(vol, gd.inode_bitmap) ||
            !ext2_block_valid(vol, gd.inode_table) ||
            (uint64_t)gd.inode_table + vol->itable_blocks > vol->blocks_count)
            return EXT2_EIO;
        if (gd.free_blocks_count > vol->blocks_per_group ||
            gd.free_inodes_count > vol->inodes_per_group ||
            gd.used_dirs_count > vol->inodes_per_group)
            return EXT2_EIO;
    }
    return EXT2_OK;
}

ext2_err_t ext2_mount(ext2_vol_t *vol, const ext2_dev_t *dev, unsigned flags)
{
    memset(vol, 0, sizeof(*vol)); /* also zeroes blk_zero once and for all */
    vol->dev = *dev;
    if (!dev->read_block || !dev->write_block || dev->size_bytes < 2048)
        return EXT2_EIO;
    if (dev->read_block(dev->ctx, 1, 1024, vol->sb))
        return EXT2_EIO;
    ext2_err_t err = super_check(vol, flags);
    if (!err)
        err = groups_check(vol);
    ext2_inode_t root;
    if (!err)
        err = ext2_inode_get(vol, EXT2_ROOT_INO, &root);
    if (!err)
        err = ext2_dir_check(vol, &root);
    if (err == EXT2_ENOTDIR)
        err = EXT2_EIO;
    if (err)
        vol->blocks_count = 0; /* any later call fails cleanly */
    return err;
}
