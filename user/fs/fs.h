/* fs server internals shared by its files: volumes, the block cache, clients and handles. */
#ifndef XR_USER_FS_FS_H
#define XR_USER_FS_FS_H

/*
 * One thread serves everything, one request at a time, so nothing here is locked. Memory is all
 * static (the cache, two volumes, the client table); a client's shared buffer is mapped once at
 * its first HELLO and stays mapped.
 */

#include <stdbool.h>

#include "lib/ext2/ext2.h"
#include "user/drivers/blk.h"
#include "user/fs/fs_proto.h"
#include "xr.h"

#define FS_VOLS 2 /* 0: the root (ramdisk), 1: /disk (ata) */

/* A block device as fs sees it: the driver's endpoint and the transfer buffer shared with it. */
typedef struct fs_blkdev {
    xr_cap_t ep;
    uint8_t *xfer;
    uint64_t sectors;
    unsigned flags;
} fs_blkdev_t;

typedef struct fs_vol {
    bool mounted;
    unsigned id;
    const char *where; /* mount point */
    uint32_t bsize;    /* 0 until mounted: the cache is bypassed during ext2_mount */
    fs_blkdev_t dev;
    ext2_vol_t ext2;
} fs_vol_t;

typedef struct fs_handle {
    bool used;
    bool isdir;
    uint8_t vol;
    uint32_t ino;
    uint32_t flags;  /* FS_O_* */
    uint64_t off;    /* files: the read/write offset */
    uint64_t cursor; /* directories: the ext2_readdir cursor */
} fs_handle_t;

typedef struct fs_client {
    bool hello;
    uint8_t *buf; /* FS_BUF_SIZE bytes shared with the client: hostile, read only by copying */
    fs_handle_t h[FS_MAX_HANDLES];
} fs_client_t;

extern fs_vol_t fs_vols[FS_VOLS];
extern fs_client_t fs_clients[FS_MAX_CLIENTS + 1];

/* ---- cache.c ---- */

/* Connects volume v to its driver (slots FS_SLOT_DEV_*), maps the transfer buffer and asks for
 * the device's size. Returns XR_OK, or an XR_* code when the driver is absent or refuses. */
long fs_dev_open(fs_vol_t *v, uint64_t xfer_va);
/* The ext2_dev_t callbacks on volume v (ctx = v), going through the cache once v->bsize is set. */
int fs_cache_read(void *ctx, uint32_t blockno, uint32_t bsize, void *buf);
int fs_cache_write(void *ctx, uint32_t blockno, uint32_t bsize, const void *buf);
/* Writes every dirty cached block of v to its driver, then asks the driver to flush its own
 * cache. Returns FS_OK or FS_EIO (the blocks that failed stay dirty). */
fs_err_t fs_cache_sync(fs_vol_t *v);

/* ---- vfs.c ---- */

/* Copies len bytes at offset off of c's buffer into out (FS_PATH_MAX + 1 bytes), NUL-terminated.
 * Errors: FS_ENOENT (empty), FS_ENAMETOOLONG, FS_EFAULT (past the buffer), FS_EINVAL (a NUL). */
fs_err_t fs_take_path(const fs_client_t *c, uint64_t off, uint64_t len, char *out);
/* Cleans path up lexically (".", "..", repeated '/') and finds the volume it lies in; *v and
 * sub (FS_PATH_MAX + 2 bytes) get the volume and the path inside it, *sublen its length. */
fs_err_t fs_resolve(const char *path, fs_vol_t **v, char *sub, size_t *sublen);
/* The fs_err of an ext2 error. */
fs_err_t fs_err_of(ext2_err_t e);
/* After an inode may have been freed (unlink, rmdir, rename over it): if ino on v is no longer
 * in use, every handle of every client on it goes stale (closed). */
void fs_forget_if_freed(fs_vol_t *v, uint32_t ino);
/* Fills st from inode ino of volume v. */
fs_err_t fs_stat_ino(fs_vol_t *v, uint32_t ino, fs_stat_t *st);

/* ---- ops_file.c and ops_path.c: the handlers. Each reads its request words from m->w and
 * writes its reply words there; it returns the reply's status. c has said HELLO. ---- */
typedef fs_err_t (*fs_handler_t)(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_open(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_close(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_read(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_write(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_pread(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_pwrite(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_seek(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_fstat(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_readdir(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_ftruncate(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_fsync(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_stat(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_mkdir(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_rmdir(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_unlink(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_link(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_rename(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_symlink(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_readlink(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_truncate(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_chmod(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_sync(fs_client_t *c, xr_msg_t *m);
fs_err_t fs_op_statfs(fs_client_t *c, xr_msg_t *m);

#endif
