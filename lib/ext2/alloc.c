/* ext2 block and inode allocation from the group bitmaps, keeping the free counts in step. */
#include "lib/ext2/ext2_priv.h"

static bool bit_get(const uint8_t *map, uint32_t i)
{
    return map[i / 8] & (1u << (i % 8));
}
static void bit_set(uint8_t *map, uint32_t i)
{
    map[i / 8] |= (uint8_t)(1u << (i % 8));
}
static void bit_clear(uint8_t *map, uint32_t i)
{
    map[i / 8] &= (uint8_t) ~(1u << (i % 8));
}

/* First clear bit below n in map, or n. */
static uint32_t bit_find_clear(const uint8_t *map, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (map[i / 8] == 0xFF) {
            i |= 7;
            continue;
        }
        if (!bit_get(map, i))
            return i;
    }
    return n;
}

/* First block of group g and the number of blocks in it. */
static uint32_t group_base(const ext2_vol_t *vol, uint32_t g, uint32_t *n)
{
    uint32_t base = vol->first_data_block + g * vol->blocks_per_group;
    uint32_t left = vol->blocks_count - base;
    *n = left < vol->blocks_per_group ? left : vol->blocks_per_group;
    return base;
}

/* True if blk is one of group gd's own bitmaps or inode-table blocks. */
static bool group_meta(const ext2_vol_t *vol, const ext2_gd_t *gd, uint32_t blk)
{
    return blk == gd->block_bitmap || blk == gd->inode_bitmap ||
           (blk >= gd->inode_table && blk - gd->inode_table < vol->itable_blocks);
}

/* Adds delta (+1 or -1) to the superblock's free block or inode count and writes it. */
static ext2_err_t sb_count(ext2_vol_t *vol, bool blocks, int delta)
{
    ext2_super_t *sb = ext2_sb(vol);
    uint32_t *count = blocks ? &sb->free_blocks_count : &sb->free_inodes_count;
    uint32_t max = blocks ? vol->blocks_count : vol->inodes_count;
    if (delta < 0 && *count > 0)
        (*count)--;
    else if (delta > 0 && *count < max)
        (*count)++;
    return ext2_sb_put(vol);
}

/* Tries to take a free block in group g; *blk = 0 if the group has none. */
static ext2_err_t block_alloc_in(ext2_vol_t *vol, uint32_t g, uint32_t *blk)
{
    ext2_gd_t gd;
    uint32_t n, base = group_base(vol, g, &n);
    *blk = 0;
    ext2_err_t err = ext2_gd_get(vol, g, &gd);
    if (err || gd.free_blocks_count == 0)
        return err;
    err = ext2_block_read(vol, gd.block_bitmap, vol->blk_bitmap);
    if (err)
        return err;
    uint32_t i = bit_find_clear(vol->blk_bitmap, n);
    if (i == n)
        return EXT2_OK; /* count and bitmap disagree: look elsewhere */
    if (group_meta(vol, &gd, base + i))
        return EXT2_EIO; /* the bitmap would hand out the group's own metadata */
    bit_set(vol->blk_bitmap, i);
    err = ext2_block_write(vol, gd.block_bitmap, vol->blk_bitmap);
    if (err)
        return err;
    gd.free_blocks_count--;
    err = ext2_gd_put(vol, g, &gd);
    if (err)
        return err;
    *blk = base + i;
    return sb_count(vol, true, -1);
}

ext2_err_t ext2_block_alloc(ext2_vol_t *vol, uint32_t goal, uint32_t *blk)
{
    for (uint32_t k = 0; k < vol->ngroups; k++) {
        ext2_err_t err = block_alloc_in(vol, (goal + k) % vol->ngroups, blk);
        if (err || *blk)
            return err;
    }
    return EXT2_ENOSPC;
}

ext2_err_t ext2_block_free(ext2_vol_t *vol, uint32_t blk)
{
    ext2_gd_t gd;
    if (!ext2_block_valid(vol, blk))
        return EXT2_EIO;
    uint32_t g = (blk - vol->first_data_block) / vol->blocks_per_group;
    uint32_t i = (blk - vol->first_data_block) % vol->blocks_per_group;
    ext2_err_t err = ext2_gd_get(vol, g, &gd);
    if (err)
        return err;
    if (group_meta(vol, &gd, blk))
        return EXT2_EIO; /* a file claims the group's metadata */
    err = ext2_block_read(vol, gd.block_bitmap, vol->blk_bitmap);
    if (err)
        return err;
    if (!bit_get(vol->blk_bitmap, i))
        return EXT2_EIO; /* freed twice: two owners, or a loop */
    bit_clear(vol->blk_bitmap, i);
    err = ext2_block_write(vol, gd.block_bitmap, vol->blk_bitmap);
    if (err)
        return err;
    if (gd.free_blocks_count < vol->blocks_per_group)
        gd.free_blocks_count++;
    err = ext2_gd_put(vol, g, &gd);
    if (err)
        return err;
    return sb_count(vol, true, +1);
}

/* Tries to take a free inode in group g; *ino = 0 if the group has none. */
static ext2_err_t inode_alloc_in(ext2_vol_t *vol, uint32_t g, bool dir, uint32_t *ino)
{
    ext2_gd_t gd;
    *ino = 0;
    ext2_err_t err = ext2_gd_get(vol, g, &gd);
    if (err || gd.free_inodes_count == 0)
        return err;
    err = ext2_block_read(vol, gd.inode_bitmap, vol->blk_bitmap);
    if (err)
        return err;
    uint32_t i = 0, first = g * vol->inodes_per_group + 1;
    if (first < vol->first_ino)
        i = vol->first_ino - first; /* reserved inodes are never handed out */
    for (; i < vol->inodes_per_group; i++) {
        if (!bit_get(vol->blk_bitmap, i))
            break;
    }
    if (i == vol->inodes_per_group)
        return EXT2_OK;
    bit_set(vol->blk_bitmap, i);
    err = ext2_block_write(vol, gd.inode_bitmap, vol->blk_bitmap);
    if (err)
        return err;
    gd.free_inodes_count--;
    if (dir && gd.used_dirs_count < vol->inodes_per_group)
        gd.used_dirs_count++;
    err = ext2_gd_put(vol, g, &gd);
    if (err)
        return err;
    *ino = first + i;
    return sb_count(vol, false, -1);
}

ext2_err_t ext2_inode_alloc(ext2_vol_t *vol, uint32_t goal, bool dir, uint32_t *ino)
{
    for (uint32_t k = 0; k < vol->ngroups; k++) {
        ext2_err_t err = inode_alloc_in(vol, (goal + k) % vol->ngroups, dir, ino);
        if (err || *ino)
            return err;
    }
    return EXT2_ENOSPC;
}

ext2_err_t ext2_inode_free(ext2_vol_t *vol, uint32_t ino, bool dir)
{
    ext2_gd_t gd;
    if (ino < vol->first_ino || ino > vol->inodes_count)
        return EXT2_EIO;
    uint32_t g = (ino - 1) / vol->inodes_per_group, i = (ino - 1) % vol->inodes_per_group;
    ext2_err_t err = ext2_gd_get(vol, g, &gd);
    if (err)
        return err;
    err = ext2_block_read(vol, gd.inode_bitmap, vol->blk_bitmap);
    if (err)
        return err;
    if (!bit_get(vol->blk_bitmap, i))
        return EXT2_EIO;
    bit_clear(vol->blk_bitmap, i);
    err = ext2_block_write(vol, gd.inode_bitmap, vol->blk_bitmap);
    if (err)
        return err;
    if (gd.free_inodes_count < vol->inodes_per_group)
        gd.free_inodes_count++;
    if (dir && gd.used_dirs_count > 0)
        gd.used_dirs_count--;
    err = ext2_gd_put(vol, g, &gd);
    if (err)
        return err;
    return sb_count(vol, false, +1);
}
