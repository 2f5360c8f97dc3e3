/* ext2 block maps: logical to physical blocks through direct, indirect, double and triple. */
#include "lib/ext2/ext2_priv.h"

static uint32_t ind_get(const uint8_t *buf, uint32_t i)
{
    uint32_t v;
    memcpy(&v, buf + 4 * i, 4);
    return v;
}

static void ind_set(uint8_t *buf, uint32_t i, uint32_t v)
{
    memcpy(buf + 4 * i, &v, 4);
}

/* Blocks one entry at depth d of a tree covers (apb^(d-1)). */
static uint64_t span(const ext2_vol_t *vol, int d)
{
    uint64_t s = 1;
    while (--d > 0)
        s *= vol->apb;
    return s;
}

uint64_t ext2_bmap_limit(const ext2_vol_t *vol)
{
    uint64_t a = vol->apb;
    return EXT2_NDIR + a + a * a + a * a * a;
}

uint64_t ext2_bmap_write_limit(const ext2_vol_t *vol)
{
    uint64_t a = vol->apb;
    /* BEGIN TODO(lab7): writes reach the double-indirect tree */
    return EXT2_NDIR + a + a * a;
    /* STUB TODO(lab7)
    return EXT2_NDIR + a;
       END TODO(lab7) */
}

/*
 * Where logical block lblk lives: returns the tree depth (0 direct, 1..3 indirect) and the
 * i_block slot in *slot, the entry index at each level in idx[]; -1 past the triple limit.
 */
static int bmap_path(const ext2_vol_t *vol, uint64_t lblk, uint32_t *slot, uint32_t idx[3])
{
    if (lblk < EXT2_NDIR) {
        *slot = (uint32_t)lblk;
        return 0;
    }
    lblk -= EXT2_NDIR;
    for (int depth = 1; depth <= 3; depth++) {
        uint64_t cover = span(vol, depth) * vol->apb;
        if (lblk < cover) {
            *slot = EXT2_IND + (uint32_t)(depth - 1);
            for (int d = 0; d < depth; d++) {
                uint64_t s = span(vol, depth - d);
                idx[d] = (uint32_t)(lblk / s);
                lblk %= s;
            }
            return depth;
        }
        lblk -= cover;
    }
    return -1;
}

ext2_err_t ext2_bmap_get(ext2_vol_t *vol, const ext2_inode_t *in, uint64_t lblk, uint32_t *pblk)
{
    uint32_t slot, idx[3];
    int depth = bmap_path(vol, lblk, &slot, idx);
    *pblk = 0;
    if (depth < 0)
        return EXT2_EFBIG;
    uint32_t p = in->block[slot];
    for (int d = 0; d < depth && p; d++) {
        if (!ext2_block_valid(vol, p))
            return EXT2_EIO;
        ext2_err_t err = ext2_block_read(vol, p, vol->blk_ind[0]);
        if (err)
            return err;
        p = ind_get(vol->blk_ind[0], idx[d]);
    }
    if (p && !ext2_block_valid(vol, p))
        return EXT2_EIO;
    *pblk = p;
    return EXT2_OK;
}

/* Allocates a block for in (counted in in->blocks); zeroes it on disk if zero is set. */
static ext2_err_t bmap_new(ext2_vol_t *vol, ext2_inode_t *in, uint32_t goal, bool zero,
                           uint32_t *blk)
{
    ext2_err_t err = ext2_block_alloc(vol, goal, blk);
    if (err)
        return err;
    in->blocks += vol->bsize / 512;
    return zero ? ext2_block_write(vol, *blk, vol->blk_zero) : EXT2_OK;
}

ext2_err_t ext2_bmap_alloc(ext2_vol_t *vol, ext2_inode_t *in, uint32_t goal, uint64_t lblk,
                           uint32_t *pblk, bool *fresh)
{
    uint32_t slot, idx[3];
    int depth = bmap_path(vol, lblk, &slot, idx);
    *fresh = false;
    /* BEGIN TODO(lab7): accept depth 2 */
    if (depth < 0 || depth > 2)
        return EXT2_EFBIG;
    /* STUB TODO(lab7)
    if (depth < 0 || depth > 1)
        return EXT2_EFBIG;
       END TODO(lab7) */
    uint32_t p = in->block[slot];
    ext2_err_t err;
    if (p == 0) {
        err = bmap_new(vol, in, goal, depth > 0, &p);
        if (err)
            return err;
        in->block[slot] = p;
        *fresh = depth == 0;
    } else if (!ext2_block_valid(vol, p)) {
        return EXT2_EIO;
    }
    /* BEGIN TODO(lab7): walk down any depth, allocating the missing indirect blocks */
    for (int d = 0; d < depth; d++) {
        /* blk_ind[0] holds the parent while bmap_new runs: allocation never touches it. */
        err = ext2_block_read(vol, p, vol->blk_ind[0]);
        if (err)
            return err;
        uint32_t e = ind_get(vol->blk_ind[0], idx[d]);
        if (e && !ext2_block_valid(vol, e))
            return EXT2_EIO;
        if (e == 0) {
            bool leaf = d == depth - 1;
            err = bmap_new(vol, in, goal, !leaf, &e);
            if (err)
                return err;
            ind_set(vol->blk_ind[0], idx[d], e);
            err = ext2_block_write(vol, p, vol->blk_ind[0]);
            if (err)
                return err;
            *fresh = leaf;
        }
        p = e;
    }
    /* STUB TODO(lab7)
    if (depth == 1) {
        err = ext2_block_read(vol, p, vol->blk_ind[0]);
        if (err)
            return err;
        uint32_t e = ind_get(vol->blk_ind[0], idx[0]);
        if (e && !ext2_block_valid(vol, e))
            return EXT2_EIO;
        if (e == 0) {
            err = bmap_new(vol, in, goal, false, &e);
            if (err)
                return err;
            ind_set(vol->blk_ind[0], idx[0], e);
            err = ext2_block_write(vol, p, vol->blk_ind[0]);
            if (err)
                return err;
            *fresh = true;
        }
        p = e;
    }
       END TODO(lab7) */
    *pblk = p;
    return EXT2_OK;
}

/* Frees one block of in, dropping it from in->blocks. */
static ext2_err_t bmap_drop(ext2_vol_t *vol, ext2_inode_t *in, uint32_t blk)
{
    ext2_err_t err = ext2_block_free(vol, blk);
    if (err)
        return err;
    uint32_t n = vol->bsize / 512;
    in->blocks -= in->blocks >= n ? n : in->blocks;
    return EXT2_OK;
}

/*
 * Frees the entries of the depth-level tree rooted at blk that cover tree offsets >= cut, and
 * blk itself when cut is 0 (*freed set then). Recursion depth is at most 3, fixed by the format,
 * and each depth has its own buffer blk_ind[depth - 1].
 */
static ext2_err_t trunc_tree(ext2_vol_t *vol, ext2_inode_t *in, uint32_t blk, int depth,
                             uint64_t cut, bool *freed)
{
    uint8_t *buf = vol->blk_ind[depth - 1];
    uint64_t s = span(vol, depth);
    bool dirty = false;
    *freed = false;
    if (!ext2_block_valid(vol, blk))
        return EXT2_EIO;
    ext2_err_t err = ext2_block_read(vol, blk, buf);
    if (err)
        return err;
    for (uint32_t i = (uint32_t)(cut / s); i < vol->apb; i++) {
        uint32_t e = ind_get(buf, i);
        if (e == 0)
            continue;
        bool child_freed = true;
        uint64_t child_cut = i == cut / s ? cut % s : 0;
        if (depth == 1)
            err = bmap_drop(vol, in, e);
        else
            err = trunc_tree(vol, in, e, depth - 1, child_cut, &child_freed);
        if (err) {
            /* Stop, but never leave this block naming the blocks already freed. */
            if (dirty)
                ext2_block_write(vol, blk, buf);
            return err;
        }
        if (child_freed) {
            ind_set(buf, i, 0);
            dirty = true;
        }
    }
    if (cut == 0) {
        *freed = true;
        return bmap_drop(vol, in, blk);
    }
    return dirty ? ext2_block_write(vol, blk, buf) : EXT2_OK;
}

ext2_err_t ext2_bmap_truncate(ext2_vol_t *vol, ext2_inode_t *in, uint64_t from)
{
    ext2_err_t err;
    for (uint64_t i = from; i < EXT2_NDIR; i++) {
        if (in->block[i] == 0)
            continue;
        err = bmap_drop(vol, in, in->block[i]);
        if (err)
            return err;
        in->block[i] = 0;
    }
    uint64_t base = EXT2_NDIR;
    for (int depth = 1; depth <= 3; depth++) {
        uint64_t cover = span(vol, depth) * vol->apb;
        uint32_t *root = &in->block[EXT2_IND + depth - 1];
        if (*root && from < base + cover) {
            bool freed;
            err = trunc_tree(vol, in, *root, depth, from > base ? from - base : 0, &freed);
            if (err)
                return err;
            if (freed)
                *root = 0;
        }
        base += cover;
    }
    return EXT2_OK;
}
