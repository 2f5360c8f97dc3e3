/* ext2 regular-file data: read and write at an offset, truncate; symbolic-link targets. */
#include "lib/ext2/ext2_priv.h"

/* Largest file size this library writes. */
static uint64_t file_max(const ext2_vol_t *vol)
{
    uint64_t max = ext2_bmap_write_limit(vol) * vol->bsize;
    if (!vol->large_file && max > 0x7FFFFFFFu)
        max = 0x7FFFFFFFu;
    return max;
}

/* Reads inode ino into in and checks it is a regular file (EISDIR, EINVAL otherwise). */
static ext2_err_t file_get(ext2_vol_t *vol, uint32_t ino, ext2_inode_t *in)
{
    ext2_err_t err = ext2_inode_get(vol, ino, in);
    if (err)
        return err;
    if (ext2_is_dir(in))
        return EXT2_EISDIR;
    return ext2_is_reg(in) ? EXT2_OK : EXT2_EINVAL;
}

ext2_err_t ext2_read(ext2_vol_t *vol, uint32_t ino, uint64_t off, void *buf, size_t len,
                     size_t *done)
{
    ext2_inode_t in;
    *done = 0;
    ext2_err_t err = file_get(vol, ino, &in);
    if (err)
        return err;
    uint64_t size = ext2_inode_size(&in);
    if (off >= size)
        return EXT2_OK;
    if (len > size - off)
        len = (size_t)(size - off);
    while (*done < len) {
        uint64_t pos = off + *done;
        uint32_t boff = (uint32_t)(pos % vol->bsize), pblk;
        size_t chunk = vol->bsize - boff;
        if (chunk > len - *done)
            chunk = len - *done;
        err = ext2_bmap_get(vol, &in, pos / vol->bsize, &pblk);
        if (err)
            return err == EXT2_EFBIG ? EXT2_EIO : err;
        if (pblk == 0) {
            memset((uint8_t *)buf + *done, 0, chunk);
        } else {
            err = ext2_block_read(vol, pblk, vol->blk_data);
            if (err)
                return err;
            memcpy((uint8_t *)buf + *done, vol->blk_data + boff, chunk);
        }
        *done += chunk;
    }
    return EXT2_OK;
}

/* Writes one block's worth (at most) of data at pos; returns the bytes written in *chunk. */
static ext2_err_t write_chunk(ext2_vol_t *vol, ext2_inode_t *in, uint32_t goal, uint64_t pos,
                              const uint8_t *src, size_t left, size_t *chunk)
{
    uint32_t boff = (uint32_t)(pos % vol->bsize), pblk;
    bool fresh;
    *chunk = vol->bsize - boff;
    if (*chunk > left)
        *chunk = left;
    ext2_err_t err = ext2_bmap_alloc(vol, in, goal, pos / vol->bsize, &pblk, &fresh);
    if (err)
        return err;
    if (*chunk == vol->bsize)
        return ext2_block_write(vol, pblk, src);
    if (fresh)
        memset(vol->blk_data, 0, vol->bsize);
    else if ((err = ext2_block_read(vol, pblk, vol->blk_data)) != EXT2_OK)
        return err;
    memcpy(vol->blk_data + boff, src, *chunk);
    return ext2_block_write(vol, pblk, vol->blk_data);
}

ext2_err_t ext2_write(ext2_vol_t *vol, uint32_t ino, uint64_t off, const void *buf, size_t len,
                      size_t *done)
{
    ext2_inode_t in;
    *done = 0;
    if (vol->readonly)
        return EXT2_EROFS;
    ext2_err_t err = file_get(vol, ino, &in);
    if (err)
        return err;
    if (len == 0)
        return EXT2_OK;
    if (off > file_max(vol) || len > file_max(vol) - off)
        return EXT2_EFBIG;
    uint32_t goal = (ino - 1) / vol->inodes_per_group;
    while (*done < len) {
        size_t chunk;
        err = write_chunk(vol, &in, goal, off + *done, (const uint8_t *)buf + *done, len - *done,
                          &chunk);
        if (err)
            break;
        *done += chunk;
    }
    if (off + *done > ext2_inode_size(&in))
        ext2_inode_set_size(&in, off + *done);
    if (*done)
        in.mtime = in.ctime = ext2_now(vol);
    ext2_err_t werr = ext2_inode_write(vol, ino, &in); /* blocks may have changed even on error */
    return err ? err : werr;
}

ext2_err_t ext2_truncate(ext2_vol_t *vol, uint32_t ino, uint64_t size)
{
    ext2_inode_t in;
    if (vol->readonly)
        return EXT2_EROFS;
    ext2_err_t err = file_get(vol, ino, &in);
    if (err)
        return err;
    if (size > file_max(vol))
        return EXT2_EFBIG;
    if (size < ext2_inode_size(&in)) {
        err = ext2_bmap_truncate(vol, &in, (size + vol->bsize - 1) / vol->bsize);
        uint32_t tail = (uint32_t)(size % vol->bsize), pblk = 0;
        if (!err && tail)
            err = ext2_bmap_get(vol, &in, size / vol->bsize, &pblk);
        if (!err && pblk) {
            /* Zero past the new end so that growing again reads zeros. */
            err = ext2_block_read(vol, pblk, vol->blk_data);
            if (!err) {
                memset(vol->blk_data + tail, 0, vol->bsize - tail);
                err = ext2_block_write(vol, pblk, vol->blk_data);
            }
        }
    }
    if (!err) {
        ext2_inode_set_size(&in, size);
        in.mtime = in.ctime = ext2_now(vol);
    }
    ext2_err_t werr = ext2_inode_write(vol, ino, &in); /* blocks freed so far stay freed */
    return err ? err : werr;
}

ext2_err_t ext2_readlink(ext2_vol_t *vol, uint32_t ino, char *buf, size_t size, size_t *len)
{
    ext2_inode_t in;
    *len = 0;
    ext2_err_t err = ext2_inode_get(vol, ino, &in);
    if (err)
        return err;
    if (!ext2_is_lnk(&in))
        return EXT2_EINVAL;
    uint32_t n = in.size;
    const uint8_t *src = (const uint8_t *)in.block;
    if (ext2_inode_fast_link(vol, &in)) {
        if (n >= EXT2_FAST_LINK_MAX)
            return EXT2_EIO;
    } else {
        uint32_t pblk;
        if (n >= vol->bsize)
            return EXT2_EIO;
        err = ext2_bmap_get(vol, &in, 0, &pblk);
        if (!err && pblk == 0)
            err = EXT2_EIO;
        if (!err)
            err = ext2_block_read(vol, pblk, vol->blk_data);
        if (err)
            return err;
        src = vol->blk_data;
    }
    memcpy(buf, src, n < size ? n : size);
    *len = n;
    return EXT2_OK;
}
