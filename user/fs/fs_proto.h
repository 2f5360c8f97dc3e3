/* The file protocol between fs and its clients: opcodes, words, errors, shared layouts
 * (docs/fs.md). */
#ifndef XR_USER_FS_PROTO_H
#define XR_USER_FS_PROTO_H

/*
 * A request is a register message on the client's badged cap to fs's endpoint: label = FS_OP_*,
 * at most 4 words, no caps (so the fastpath carries it). The reply's label is an fs_err (0 = OK),
 * with at most 4 words. Bulk data (paths, file data, stat records, directory entries) goes
 * through the client's shared buffer of FS_BUF_SIZE bytes, made by init and mapped by both
 * sides; a request that names bytes in it says where with lengths, and paths start at offset 0.
 * Paths are not NUL-terminated; their length is a word. fs copies what it reads out of the
 * buffer before it checks it. Handles are small integers, private to the client (its badge).
 *
 *   op              request words                   reply words (on OK)
 *   HELLO           w0 FS_PROTO_VERSION              w0 FS_BUF_SIZE, w1 FS_MAX_HANDLES
 *   OPEN            w0 path len, w1 FS_O_*, w2 mode  w0 handle
 *   CLOSE           w0 handle                        -
 *   READ            w0 handle, w1 len                w0 bytes (data at buffer offset 0)
 *   WRITE           w0 handle, w1 len                w0 bytes
 *   PREAD/PWRITE    w0 handle, w1 len, w2 offset     w0 bytes (the handle's offset is kept)
 *   SEEK            w0 handle, w1 offset, w2 whence  w0 new offset
 *   FSTAT           w0 handle                        fs_stat_t at buffer offset 0
 *   STAT            w0 path len, w1 FS_AT_NOFOLLOW?  fs_stat_t at buffer offset 0
 *   READDIR         w0 handle (FS_O_DIRECTORY)       w0 entries, w1 bytes (fs_dirent_t records)
 *   MKDIR           w0 path len, w1 mode             -
 *   RMDIR, UNLINK   w0 path len                      -
 *   LINK, RENAME    w0 old len, w1 new len           - (new path right after the old one)
 *   SYMLINK         w0 target len, w1 path len       - (path right after the target)
 *   READLINK        w0 path len                      w0 target len (target at offset 0)
 *   TRUNCATE        w0 path len, w1 size             -
 *   FTRUNCATE       w0 handle, w1 size               -
 *   CHMOD           w0 path len, w1 mode             -
 *   FSYNC           w0 handle                        -
 *   SYNC            -                                -
 *   STATFS          w0 path len                      w0 bsize, w1 blocks, w2 free blocks,
 *                                                    w3 inodes << 32 | free inodes
 *   BYE             -                                - (closes every handle)
 */

#include <stdint.h>

#define FS_PROTO_VERSION 1
#define FS_BUF_PAGES     16
#define FS_BUF_SIZE      (FS_BUF_PAGES * 4096u)
#define FS_MAX_HANDLES   32
#define FS_MAX_CLIENTS   48   /* badges 1..FS_MAX_CLIENTS */
#define FS_PATH_MAX      1024 /* bytes in a path a request may carry */
#define FS_NAME_MAX      255

enum fs_op {
    FS_OP_HELLO = 1,
    FS_OP_OPEN,
    FS_OP_CLOSE,
    FS_OP_READ,
    FS_OP_WRITE,
    FS_OP_PREAD,
    FS_OP_PWRITE,
    FS_OP_SEEK,
    FS_OP_FSTAT,
    FS_OP_STAT,
    FS_OP_READDIR,
    FS_OP_MKDIR,
    FS_OP_RMDIR,
    FS_OP_UNLINK,
    FS_OP_LINK,
    FS_OP_RENAME,
    FS_OP_SYMLINK,
    FS_OP_READLINK,
    FS_OP_TRUNCATE,
    FS_OP_FTRUNCATE,
    FS_OP_CHMOD,
    FS_OP_FSYNC,
    FS_OP_SYNC,
    FS_OP_STATFS,
    FS_OP_BYE,
    FS_OP_COUNT
};

/* Errors: the value of the POSIX errno of the same name on Linux (the C library maps by name). */
typedef enum fs_err {
    FS_OK = 0,
    FS_EPERM = 1,
    FS_ENOENT = 2,
    FS_EIO = 5,
    FS_EBADF = 9,
    FS_ENOMEM = 12,
    FS_EFAULT = 14, /* a length or offset past the client's buffer */
    FS_EBUSY = 16,
    FS_EEXIST = 17,
    FS_EXDEV = 18, /* link or rename across mounted volumes */
    FS_ENOTDIR = 20,
    FS_EISDIR = 21,
    FS_EINVAL = 22,
    FS_EMFILE = 24, /* every handle of the client is in use */
    FS_EFBIG = 27,
    FS_ENOSPC = 28,
    FS_EROFS = 30,
    FS_EMLINK = 31,
    FS_ENAMETOOLONG = 36,
    FS_ENOSYS = 38, /* unknown opcode */
    FS_ENOTEMPTY = 39,
    FS_ELOOP = 40,
    FS_EPROTO = 71,    /* a malformed request: caps attached, a badge fs does not serve */
    FS_ENOTCONN = 107, /* no HELLO yet */
} fs_err_t;

/* The slots fs finds its caps in (whoever starts fs, init, puts them there; docs/fs.md §1). */
#define FS_SLOT_SELF       1             /* fs's own process (W): to map buffers */
#define FS_SLOT_EP         5             /* the endpoint clients call (R); given last */
#define FS_SLOT_DEV_EP(i)  (6 + 2 * (i)) /* volume i's driver endpoint (W); 0 "/", 1 "/disk" */
#define FS_SLOT_DEV_BUF(i) (7 + 2 * (i)) /* volume i's transfer buffer (R|W) */
#define FS_SLOT_BUF(b)     (32 + (b))    /* client b's shared buffer (R|W) */

/* FS_OP_OPEN flags */
#define FS_O_READ      0x01u
#define FS_O_WRITE     0x02u
#define FS_O_CREATE    0x04u
#define FS_O_TRUNC     0x08u
#define FS_O_APPEND    0x10u
#define FS_O_EXCL      0x20u
#define FS_O_DIRECTORY 0x40u
#define FS_O_NOFOLLOW  0x80u
#define FS_O_ALL       0xffu

/* FS_OP_SEEK whence */
#define FS_SEEK_SET 0
#define FS_SEEK_CUR 1
#define FS_SEEK_END 2

/* FS_OP_STAT flag */
#define FS_AT_NOFOLLOW 1u

/* Mode type bits, as POSIX numbers them. */
#define FS_S_IFMT  0xf000u
#define FS_S_IFLNK 0xa000u
#define FS_S_IFREG 0x8000u
#define FS_S_IFDIR 0x4000u

typedef struct fs_stat {
    uint64_t ino; /* vol << 32 | inode number */
    uint64_t size;
    uint64_t blocks; /* 512-byte units */
    uint32_t mode, nlink, uid, gid;
    uint32_t atime, mtime, ctime, blksize;
} fs_stat_t;
_Static_assert(sizeof(fs_stat_t) == 56, "fs_stat_t is part of the protocol");

/* READDIR records, packed from buffer offset 0, each starting 8-byte aligned. */
typedef struct fs_dirent {
    uint32_t ino;
    uint16_t type;     /* mode type bits (FS_S_IF*) or 0 */
    uint16_t name_len; /* bytes of name, then a NUL */
    char name[];
} fs_dirent_t;
#define FS_DIRENT_SIZE(name_len) ((sizeof(fs_dirent_t) + (name_len) + 1 + 7) & ~7ul)

#endif
