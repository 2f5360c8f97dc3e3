/* ext2 on-disk format library: mount, inodes, block maps, directories and POSIX-like operations. */
#ifndef LIB_EXT2_EXT2_H
#define LIB_EXT2_EXT2_H

/*
 * Pure, freestanding C11: no allocation, no locks, no libc beyond ext2_libc.h. One ext2_vol_t
 * is used by one thread at a time (the caller serialises). Every call that changes the image
 * writes through to the device before it returns; the device may cache (the fs server puts a
 * block cache behind it). Byte order: the host must be little-endian, as x86_64 is.
 *
 * Errors: ext2_err_t, 0 = success, each other value named after the POSIX errno the fs server
 * should hand its client (EXT2_ENOENT -> ENOENT, ...). EXT2_EIO means the image is corrupt (or
 * the device failed); the operation then stops without touching anything it had not already
 * validated. See docs/ext2.md.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum ext2_err {
    EXT2_OK = 0,
    EXT2_ENOENT,       /* no such name, or end of a directory listing */
    EXT2_EEXIST,       /* the name already exists */
    EXT2_ENOTDIR,      /* a path component or the argument is not a directory */
    EXT2_EISDIR,       /* the operation does not apply to a directory */
    EXT2_ENOTEMPTY,    /* rmdir or rename onto a directory that has entries */
    EXT2_ENOSPC,       /* no free block, inode or directory space */
    EXT2_EINVAL,       /* bad argument, unsupported image, "." / ".." where forbidden */
    EXT2_EIO,          /* corrupt image or device error */
    EXT2_ENAMETOOLONG, /* a name over 255 bytes or a path over EXT2_PATH_MAX */
    EXT2_EROFS,        /* mounted read-only */
    EXT2_EFBIG,        /* file would exceed the largest size this library writes */
    EXT2_EMLINK,       /* link count would exceed EXT2_LINK_MAX */
    EXT2_ELOOP,        /* more than EXT2_SYMLOOP_MAX symbolic links in one walk */
    EXT2_EPERM,        /* hard link to a directory */
    EXT2_NERR
} ext2_err_t;

#define EXT2_NAME_MAX    255
#define EXT2_PATH_MAX    4096
#define EXT2_LINK_MAX    65000
#define EXT2_SYMLOOP_MAX 8
#define EXT2_ROOT_INO    2
#define EXT2_BLOCK_MAX   4096 /* largest block size mounted */

/* File type bits of a mode, as POSIX numbers them. */
#define EXT2_S_IFMT   0xF000
#define EXT2_S_IFSOCK 0xC000
#define EXT2_S_IFLNK  0xA000
#define EXT2_S_IFREG  0x8000
#define EXT2_S_IFBLK  0x6000
#define EXT2_S_IFDIR  0x4000
#define EXT2_S_IFCHR  0x2000
#define EXT2_S_IFIFO  0x1000

/*
 * The block device. Callbacks are called from inside the library call that needs them, on the
 * caller's thread. read_block/write_block move bsize bytes of block blockno (counted in bsize
 * units, so byte offset blockno * bsize); bsize is 1024 for the one superblock probe in
 * ext2_mount and the file system's block size afterwards. They return 0, or nonzero on a device
 * error (the library then fails with EXT2_EIO). now returns seconds since 1970 for timestamps
 * (NULL: all timestamps are 0). size_bytes is the device size; the library never asks for a
 * block past it.
 */
typedef struct ext2_dev {
    void *ctx;
    int (*read_block)(void *ctx, uint32_t blockno, uint32_t bsize, void *buf);
    int (*write_block)(void *ctx, uint32_t blockno, uint32_t bsize, const void *buf);
    uint32_t (*now)(void *ctx);
    uint64_t size_bytes;
} ext2_dev_t;

/* A mounted volume. The caller provides the memory (about 50 KiB); fields are private. */
typedef struct ext2_vol {
    ext2_dev_t dev;
    uint32_t bsize;        /* block size in bytes: 1024, 2048 or 4096 */
    uint32_t apb;          /* block numbers per indirect block: bsize / 4 */
    uint32_t blocks_count; /* blocks in the file system (<= device blocks) */
    uint32_t inodes_count; /* ngroups * inodes_per_group */
    uint32_t first_data_block;
    uint32_t blocks_per_group, inodes_per_group, ngroups;
    uint32_t inode_size;          /* bytes per inode-table slot, >= 128 */
    uint32_t itable_blocks;       /* inode-table blocks per group */
    uint32_t first_ino;           /* first inode number not reserved */
    uint32_t gdt_block;           /* first block of the group descriptor table */
    bool readonly;                /* mounted read-only (asked for, or unknown RO_COMPAT feature) */
    bool filetype;                /* directory entries carry a file type byte */
    bool large_file;              /* files may exceed 2 GiB */
    _Alignas(8) uint8_t sb[1024]; /* the superblock as on disk */
    _Alignas(8) uint8_t blk_meta[EXT2_BLOCK_MAX];   /* superblock and descriptor blocks */
    _Alignas(8) uint8_t blk_bitmap[EXT2_BLOCK_MAX]; /* one block or inode bitmap */
    _Alignas(8) uint8_t blk_inode[EXT2_BLOCK_MAX];  /* one inode-table block */
    _Alignas(8) uint8_t blk_ind[3][EXT2_BLOCK_MAX]; /* indirect blocks, one per depth */
    _Alignas(8) uint8_t blk_dir[EXT2_BLOCK_MAX];    /* one directory block */
    _Alignas(8) uint8_t blk_data[EXT2_BLOCK_MAX];   /* one file data block */
    _Alignas(8) uint8_t blk_zero[EXT2_BLOCK_MAX];   /* always zero */
    char path[EXT2_PATH_MAX];                       /* path being walked */
    char link[EXT2_PATH_MAX];                       /* symbolic link target being expanded */
} ext2_vol_t;

/* What ext2_stat reports. Times are seconds since 1970; blocks counts 512-byte units. */
typedef struct ext2_stat {
    uint32_t ino;
    uint16_t mode; /* type and permission bits */
    uint16_t nlink;
    uint32_t uid, gid;
    uint64_t size;
    uint32_t atime, mtime, ctime;
    uint64_t blocks;
    uint32_t blksize;
} ext2_stat_t;

/* One directory entry from ext2_readdir. type is the mode's type bits (EXT2_S_IF*) or 0. */
typedef struct ext2_dirent {
    uint32_t ino;
    uint16_t type;
    uint8_t name_len;
    char name[EXT2_NAME_MAX + 1]; /* NUL-terminated copy */
} ext2_dirent_t;

/* Volume totals from ext2_statfs. */
typedef struct ext2_statfs {
    uint32_t bsize, blocks, free_blocks, inodes, free_inodes;
} ext2_statfs_t;

#define EXT2_MOUNT_RDONLY 1u

/*
 * Mounts the ext2 image on dev into vol. Validates the superblock (magic, revision 1, block size
 * 1..4 KiB, counts against each other and the device size, every group descriptor's bitmaps and
 * inode table inside the file system) and the root inode. Returns EXT2_OK; EXT2_EINVAL if it is
 * not ext2 revision 1 or uses an INCOMPAT feature not supported (only filetype is); EXT2_EIO if
 * it is corrupt, truncated, or the device fails. An unknown RO_COMPAT feature, or flags &
 * EXT2_MOUNT_RDONLY, mounts read-only: every changing call then returns EXT2_EROFS. Writes
 * nothing. Nothing to unmount: every call leaves the image consistent.
 */
ext2_err_t ext2_mount(ext2_vol_t *vol, const ext2_dev_t *dev, unsigned flags);

/* Name of an error code ("ENOENT", ...), for logs and tests. */
const char *ext2_strerror(ext2_err_t err);

/* Fills st with block and inode totals. Cannot fail. */
void ext2_statfs(const ext2_vol_t *vol, ext2_statfs_t *st);

/*
 * Resolves path (len bytes, no NUL needed) to an inode number. A leading '/' starts at the root,
 * anything else at directory cwd. "." and ".." are directory entries like any other ("..": root
 * is its own parent). Symbolic links met before the last component are followed, at most
 * EXT2_SYMLOOP_MAX per call (then EXT2_ELOOP); the last one only if follow. A trailing '/'
 * requires a directory. Errors: ENOENT (missing, or empty path), ENOTDIR, ENAMETOOLONG, ELOOP,
 * EIO.
 */
ext2_err_t ext2_walk(ext2_vol_t *vol, uint32_t cwd, const char *path, size_t len, bool follow,
                     uint32_t *ino);

/*
 * Splits path at its last component: walks everything before it (following links) to *dir, and
 * points *name and *name_len at the last component inside path. Errors as ext2_walk; EINVAL for a
 * path with no last component ("/" or "").
 */
ext2_err_t ext2_walk_parent(ext2_vol_t *vol, uint32_t cwd, const char *path, size_t len,
                            uint32_t *dir, const char **name, size_t *name_len);

/* Looks name up in directory dir. Errors: ENOENT, ENOTDIR, ENAMETOOLONG, EIO. */
ext2_err_t ext2_lookup(ext2_vol_t *vol, uint32_t dir, const char *name, size_t len, uint32_t *ino);

/* Fills st for inode ino. Errors: EINVAL (ino out of range), EIO (unused or corrupt inode). */
ext2_err_t ext2_stat(ext2_vol_t *vol, uint32_t ino, ext2_stat_t *st);

/* Sets the permission bits (07777) of ino, keeping its type; updates ctime. Errors: EROFS,
 * EINVAL, EIO. */
ext2_err_t ext2_chmod(ext2_vol_t *vol, uint32_t ino, uint16_t mode);

/*
 * Creates a regular file (ext2_create), directory (ext2_mkdir) or symbolic link to target
 * (ext2_symlink) named name in directory dir, with permission bits mode & 07777, owned by
 * uid/gid, and returns its inode number in *ino (may be NULL). Errors: EROFS, ENOTDIR, EEXIST
 * (also for "." and ".."), ENAMETOOLONG, ENOSPC, EMLINK (mkdir in a directory at
 * EXT2_LINK_MAX), EINVAL (empty name or target, or a name holding '/' or NUL), EIO.
 * On failure nothing is left allocated.
 */
ext2_err_t ext2_create(ext2_vol_t *vol, uint32_t dir, const char *name, size_t len, uint16_t mode,
                       uint32_t uid, uint32_t gid, uint32_t *ino);
ext2_err_t ext2_mkdir(ext2_vol_t *vol, uint32_t dir, const char *name, size_t len, uint16_t mode,
                      uint32_t uid, uint32_t gid, uint32_t *ino);
ext2_err_t ext2_symlink(ext2_vol_t *vol, uint32_t dir, const char *name, size_t len,
                        const char *target, size_t target_len, uint32_t uid, uint32_t gid,
                        uint32_t *ino);

/*
 * Reads up to len bytes of regular file ino at offset off into buf; *done gets the count (0 at
 * or past the end). Holes read as zeros. Errors: EISDIR, EINVAL (not a regular file), EIO.
 */
ext2_err_t ext2_read(ext2_vol_t *vol, uint32_t ino, uint64_t off, void *buf, size_t len,
                     size_t *done);

/*
 * Writes len bytes from buf to regular file ino at offset off, allocating blocks (direct, single
 * and double indirect) as needed and growing the size; a gap past the old end stays a hole.
 * *done gets the bytes written, which on ENOSPC may be fewer than len (the size then covers
 * them). Errors: EROFS, EISDIR, EINVAL, EFBIG (past the double-indirect limit, or 2 GiB
 * without large_file), ENOSPC, EIO. Updates mtime and ctime.
 */
ext2_err_t ext2_write(ext2_vol_t *vol, uint32_t ino, uint64_t off, const void *buf, size_t len,
                      size_t *done);

/*
 * Sets the size of regular file ino. Shrinking frees the blocks past the new end (and indirect
 * blocks left empty) and zeroes the tail of the last block; growing leaves a hole. Errors:
 * EROFS, EISDIR, EINVAL, EFBIG, EIO.
 */
ext2_err_t ext2_truncate(ext2_vol_t *vol, uint32_t ino, uint64_t size);

/*
 * Removes name from directory dir (ext2_unlink: not a directory, else EISDIR) or the empty
 * directory name (ext2_rmdir: ENOTDIR, ENOTEMPTY, EINVAL for "." and ".."). An inode whose last
 * link goes is freed with its blocks at once (open-but-unlinked files are the server's
 * business). Errors also: EROFS, ENOENT, ENOTDIR (dir), ENAMETOOLONG, EIO.
 */
ext2_err_t ext2_unlink(ext2_vol_t *vol, uint32_t dir, const char *name, size_t len);
ext2_err_t ext2_rmdir(ext2_vol_t *vol, uint32_t dir, const char *name, size_t len);

/*
 * Adds a hard link name in directory dir to inode ino. Errors: EROFS, EPERM (ino is a
 * directory), EMLINK, EEXIST, ENOTDIR, ENAMETOOLONG, ENOSPC, EINVAL, EIO.
 */
ext2_err_t ext2_link(ext2_vol_t *vol, uint32_t ino, uint32_t dir, const char *name, size_t len);

/*
 * Renames odir/oname to ndir/nname, as POSIX rename(2): an existing target is replaced (a file
 * by a non-directory; an empty directory by a directory); renaming a link onto another link of
 * the same inode does nothing; a directory moved to another parent has its ".." and both
 * parents' link counts fixed. Errors: EROFS, ENOENT, ENOTDIR, EISDIR (file onto directory),
 * ENOTEMPTY, EINVAL ("." or "..", or a directory into itself or its own subtree), EMLINK,
 * ENOSPC, ENAMETOOLONG, EIO.
 */
ext2_err_t ext2_rename(ext2_vol_t *vol, uint32_t odir, const char *oname, size_t olen,
                       uint32_t ndir, const char *nname, size_t nlen);

/*
 * Returns in *ent the next live entry of directory dir at or after byte offset *cursor, and
 * advances *cursor past it. Start with *cursor = 0; the cursor stays valid across changes to the
 * directory (an entry added or removed meanwhile may or may not be seen; no other entry is
 * skipped or repeated). Returns EXT2_ENOENT at the end; ENOTDIR, EIO otherwise.
 */
ext2_err_t ext2_readdir(ext2_vol_t *vol, uint32_t dir, uint64_t *cursor, ext2_dirent_t *ent);

/*
 * Copies the target of symbolic link ino into buf (at most size bytes, no NUL added); *len
 * gets the full target length. Errors: EINVAL (not a symbolic link), EIO.
 */
ext2_err_t ext2_readlink(ext2_vol_t *vol, uint32_t ino, char *buf, size_t size, size_t *len);

#endif
