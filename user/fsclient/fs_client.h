/* The client side of the file protocol (user/fs/fs_proto.h): one call per fs operation. */
#ifndef XR_USER_FSCLIENT_FS_CLIENT_H
#define XR_USER_FSCLIENT_FS_CLIENT_H

/*
 * An attachment (xr_fs_t) is one badged endpoint cap to fs plus the buffer shared with fs under
 * that badge, both given by init. One thread uses an attachment at a time (the buffer is one
 * scratch area); threads that work at once each take their own. Nothing here allocates.
 *
 * Results: every call returns a value >= 0 on success (a handle, a byte count, an offset, or 0)
 * and a negative fs error on failure: -FS_ENOENT, ... (fs_proto.h; the values are Linux's
 * errno numbers). A failure of the IPC itself (fs gone) is -FS_EIO, with the XR_* code kept in
 * xr_fs_t.ipc_err. Calls block while fs works.
 */

#include <stddef.h>
#include <stdint.h>

#include "syscall.h"
#include "user/fs/fs_proto.h"

typedef struct xr_fs {
    xr_cap_t ep;  /* badged endpoint cap to fs (W) */
    uint8_t *buf; /* the shared buffer as mapped here */
    long ipc_err; /* XR_* code of the last failed IPC, else XR_OK */
} xr_fs_t;

/* Maps the shared buffer (memory cap buf_cap, FS_BUF_SIZE bytes) at va in the caller (the page-
 * aligned range must be free; self is the caller's own process cap) and says HELLO on ep, which
 * also closes whatever the badge had open. Returns 0 or a negative error. */
long xr_fs_attach(xr_fs_t *fs, xr_cap_t self, xr_cap_t ep, xr_cap_t buf_cap, uint64_t va);
/* Closes every handle of the attachment (BYE). */
long xr_fs_detach(xr_fs_t *fs);

/* Opens path with FS_O_* flags (mode: permission bits for FS_O_CREATE); returns a handle. */
long xr_fs_open(xr_fs_t *fs, const char *path, unsigned flags, unsigned mode);
long xr_fs_close(xr_fs_t *fs, long h);
/* Reads up to len bytes at the handle's offset (advancing it), in FS_BUF_SIZE pieces until a
 * short piece; returns the bytes read (0 at the end). */
long xr_fs_read(xr_fs_t *fs, long h, void *buf, size_t len);
/* Writes len bytes at the handle's offset (at the end with FS_O_APPEND); returns the bytes
 * written, fewer than len when the volume filled up part way. */
long xr_fs_write(xr_fs_t *fs, long h, const void *buf, size_t len);
/* As read and write, at offset off; the handle's offset stays. */
long xr_fs_pread(xr_fs_t *fs, long h, void *buf, size_t len, uint64_t off);
long xr_fs_pwrite(xr_fs_t *fs, long h, const void *buf, size_t len, uint64_t off);
/* Moves the handle's offset (FS_SEEK_*); returns the new offset. */
long xr_fs_seek(xr_fs_t *fs, long h, int64_t off, unsigned whence);
long xr_fs_fstat(xr_fs_t *fs, long h, fs_stat_t *st);
long xr_fs_stat(xr_fs_t *fs, const char *path, fs_stat_t *st);
long xr_fs_lstat(xr_fs_t *fs, const char *path, fs_stat_t *st);
/* Reads the next batch of entries of a directory handle into the shared buffer: *first points
 * at the first record, *bytes is the batch's size; returns the number of entries (0 at the
 * end). The batch stays valid until the next call on the attachment. */
long xr_fs_readdir(xr_fs_t *fs, long h, const fs_dirent_t **first, size_t *bytes);
/* The record after d in a batch that ends at end, or NULL (also for a malformed record). */
const fs_dirent_t *xr_fs_dirent_next(const fs_dirent_t *d, const void *end);
long xr_fs_mkdir(xr_fs_t *fs, const char *path, unsigned mode);
long xr_fs_rmdir(xr_fs_t *fs, const char *path);
long xr_fs_unlink(xr_fs_t *fs, const char *path);
long xr_fs_link(xr_fs_t *fs, const char *old, const char *new_path);
long xr_fs_rename(xr_fs_t *fs, const char *old, const char *new_path);
long xr_fs_symlink(xr_fs_t *fs, const char *target, const char *path);
/* Copies the target of link path (at most size bytes, no NUL) into buf; returns its length. */
long xr_fs_readlink(xr_fs_t *fs, const char *path, char *buf, size_t size);
long xr_fs_truncate(xr_fs_t *fs, const char *path, uint64_t size);
long xr_fs_ftruncate(xr_fs_t *fs, long h, uint64_t size);
long xr_fs_chmod(xr_fs_t *fs, const char *path, unsigned mode);
/* fsync: every dirty block of the handle's volume reaches the disk; sync: of every volume. */
long xr_fs_fsync(xr_fs_t *fs, long h);
long xr_fs_sync(xr_fs_t *fs);

typedef struct xr_fs_statfs {
    uint64_t bsize, blocks, free_blocks, inodes, free_inodes;
} xr_fs_statfs_t;
long xr_fs_statfs(xr_fs_t *fs, const char *path, xr_fs_statfs_t *st);

/* One raw request (for tests and the C library): label op, n words w (n <= 4); the reply's
 * words replace w. Returns the reply's fs error as a negative number, or 0. */
long xr_fs_raw(xr_fs_t *fs, unsigned op, unsigned n, uint64_t w[4]);

/* The name of an fs error ("ENOENT"), positive or negative, or "E?". */
const char *xr_fs_strerror(long err);

#endif
