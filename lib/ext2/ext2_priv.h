/* Private to lib/ext2: on-disk structures (revision 1, little-endian) and the internal calls. */
#ifndef LIB_EXT2_PRIV_H
#define LIB_EXT2_PRIV_H

#include "lib/ext2/ext2.h"
#include "lib/ext2/ext2_libc.h"

/*
 * Scratch buffers of ext2_vol_t and who uses them (a caller must not hold data in a buffer
 * across a call into a user of the same buffer):
 *   blk_meta   super.c (descriptors, superblock write)   blk_bitmap  alloc.c
 *   blk_inode  inode.c                                    blk_ind[d]  bmap.c (depth d)
 *   blk_dir    dir.c                                      blk_data    file.c, readlink
 *   path/link  namei.c
 */

#define EXT2_MAGIC          0xEF53
#define EXT2_SB_OFFSET      1024
#define EXT2_NDIR           12 /* direct pointers in i_block */
#define EXT2_IND            12 /* i_block slot of the single indirect block */
#define EXT2_DIND           13
#define EXT2_TIND           14
#define EXT2_N_BLOCKS       15
#define EXT2_GOOD_OLD_ISIZE 128
#define EXT2_FAST_LINK_MAX  60     /* bytes of target that fit in i_block */
#define EXT2_INDEX_FL       0x1000 /* hashed directory index present */
#define EXT2_XATTR_MAGIC    0xEA020000u

#define EXT2_FEATURE_INCOMPAT_FILETYPE      0x0002
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE   0x0002
#define EXT2_INCOMPAT_SUPPORTED             EXT2_FEATURE_INCOMPAT_FILETYPE
#define EXT2_RO_COMPAT_SUPPORTED                                                                   \
    (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

/* The superblock fields this library reads or writes (byte 1024 of the device). */
typedef struct ext2_super {
    uint32_t inodes_count, blocks_count, r_blocks_count;
    uint32_t free_blocks_count, free_inodes_count;
    uint32_t first_data_block, log_block_size, log_frag_size;
    uint32_t blocks_per_group, frags_per_group, inodes_per_group;
    uint32_t mtime, wtime;
    uint16_t mnt_count, max_mnt_count, magic, state, errors, minor_rev_level;
    uint32_t lastcheck, checkinterval, creator_os, rev_level;
    uint16_t def_resuid, def_resgid;
    uint32_t first_ino;
    uint16_t inode_size, block_group_nr;
    uint32_t feature_compat, feature_incompat, feature_ro_compat;
    uint8_t rest[1024 - 104];
} ext2_super_t;
_Static_assert(sizeof(ext2_super_t) == 1024, "superblock size");
_Static_assert(__builtin_offsetof(ext2_super_t, magic) == 56, "s_magic offset");
_Static_assert(__builtin_offsetof(ext2_super_t, first_ino) == 84, "s_first_ino offset");
_Static_assert(__builtin_offsetof(ext2_super_t, feature_ro_compat) == 100, "s_feature offset");

/* One group descriptor (32 bytes; the 64-bit layout is refused). */
typedef struct ext2_gd {
    uint32_t block_bitmap, inode_bitmap, inode_table;
    uint16_t free_blocks_count, free_inodes_count, used_dirs_count, flags;
    uint32_t reserved[3];
} ext2_gd_t;
_Static_assert(sizeof(ext2_gd_t) == 32, "group descriptor size");

/* The first 128 bytes of an inode (all of it that this library interprets). */
typedef struct ext2_inode {
    uint16_t mode, uid;
    uint32_t size, atime, ctime, mtime, dtime;
    uint16_t gid, links_count;
    uint32_t blocks; /* 512-byte units, indirect and xattr blocks included */
    uint32_t flags, osd1;
    uint32_t block[EXT2_N_BLOCKS];
    uint32_t generation, file_acl, size_high, faddr;
    uint16_t blocks_high, file_acl_high, uid_high, gid_high, checksum_lo, reserved;
} ext2_inode_t;
_Static_assert(sizeof(ext2_inode_t) == 128, "inode size");
_Static_assert(__builtin_offsetof(ext2_inode_t, block) == 40, "i_block offset");
_Static_assert(__builtin_offsetof(ext2_inode_t, file_acl) == 104, "i_file_acl offset");

/* A directory entry header; the name follows. */
typedef struct ext2_dirent_disk {
    uint32_t inode;
    uint16_t rec_len;
    uint8_t name_len, file_type;
} ext2_dirent_disk_t;
_Static_assert(sizeof(ext2_dirent_disk_t) == 8, "dirent header size");

/* Directory entry file_type values. */
enum {
    EXT2_FT_UNKNOWN,
    EXT2_FT_REG,
    EXT2_FT_DIR,
    EXT2_FT_CHR,
    EXT2_FT_BLK,
    EXT2_FT_FIFO,
    EXT2_FT_SOCK,
    EXT2_FT_LNK
};

/* Record length a name of n bytes needs. */
static inline uint32_t ext2_rec_len(uint32_t n)
{
    return (8 + n + 3) & ~3u;
}

static inline ext2_super_t *ext2_sb(ext2_vol_t *vol)
{
    return (ext2_super_t *)vol->sb;
}
static inline uint16_t ext2_ifmt(const ext2_inode_t *in)
{
    return in->mode & EXT2_S_IFMT;
}
static inline bool ext2_is_dir(const ext2_inode_t *in)
{
    return ext2_ifmt(in) == EXT2_S_IFDIR;
}
static inline bool ext2_is_reg(const ext2_inode_t *in)
{
    return ext2_ifmt(in) == EXT2_S_IFREG;
}
static inline bool ext2_is_lnk(const ext2_inode_t *in)
{
    return ext2_ifmt(in) == EXT2_S_IFLNK;
}

/* Current time from the device callback (0 without one). */
static inline uint32_t ext2_now(ext2_vol_t *vol)
{
    return vol->dev.now ? vol->dev.now(vol->dev.ctx) : 0;
}

/* --- super.c --- */
/* True when blk may hold metadata or data: first_data_block <= blk < blocks_count. */
bool ext2_block_valid(const ext2_vol_t *vol, uint32_t blk);
/* Reads/writes block blk (any block < blocks_count) into/from buf. EIO on device error. */
ext2_err_t ext2_block_read(ext2_vol_t *vol, uint32_t blk, void *buf);
ext2_err_t ext2_block_write(ext2_vol_t *vol, uint32_t blk, const void *buf);
/* Copies group g's descriptor out of / back into the table (g < ngroups). Uses blk_meta. */
ext2_err_t ext2_gd_get(ext2_vol_t *vol, uint32_t g, ext2_gd_t *gd);
ext2_err_t ext2_gd_put(ext2_vol_t *vol, uint32_t g, const ext2_gd_t *gd);
/* Writes vol->sb back to the primary superblock. Uses blk_meta. */
ext2_err_t ext2_sb_put(ext2_vol_t *vol);

/* --- alloc.c: bitmaps, with descriptor and superblock free counts kept in step --- */
/* Allocates a block, preferring group goal; ENOSPC, EIO. */
ext2_err_t ext2_block_alloc(ext2_vol_t *vol, uint32_t goal, uint32_t *blk);
/* Frees an allocated block; EIO if out of range or already free. */
ext2_err_t ext2_block_free(ext2_vol_t *vol, uint32_t blk);
/* Allocates an inode number (>= first_ino), preferring group goal; ENOSPC, EIO. */
ext2_err_t ext2_inode_alloc(ext2_vol_t *vol, uint32_t goal, bool dir, uint32_t *ino);
/* Frees inode number ino in the bitmap; EIO if out of range or already free. */
ext2_err_t ext2_inode_free(ext2_vol_t *vol, uint32_t ino, bool dir);

/* --- inode.c --- */
/* Reads inode ino (1..inodes_count, else EINVAL) into in; EIO on device error. */
ext2_err_t ext2_inode_read(ext2_vol_t *vol, uint32_t ino, ext2_inode_t *in);
/* As ext2_inode_read, but EIO unless the inode is in use (mode and link count nonzero). */
ext2_err_t ext2_inode_get(ext2_vol_t *vol, uint32_t ino, ext2_inode_t *in);
/* Writes in back as inode ino (its bytes past 128 are kept). */
ext2_err_t ext2_inode_write(ext2_vol_t *vol, uint32_t ino, const ext2_inode_t *in);
/* Writes a fresh inode ino: in, with the extra bytes of a large inode slot initialised. */
ext2_err_t ext2_inode_write_new(ext2_vol_t *vol, uint32_t ino, const ext2_inode_t *in);
/* File size of in (64-bit for regular files). */
uint64_t ext2_inode_size(const ext2_inode_t *in);
void ext2_inode_set_size(ext2_inode_t *in, uint64_t size);
/* True for a symbolic link whose target lives in i_block. */
bool ext2_inode_fast_link(const ext2_vol_t *vol, const ext2_inode_t *in);
/* Frees everything inode ino owns (blocks, xattr block) and the inode itself; in is updated
 * and written with links 0 and dtime set. */
ext2_err_t ext2_inode_release(ext2_vol_t *vol, uint32_t ino, ext2_inode_t *in);

/* --- bmap.c --- */
/* Largest logical block + 1 reachable through i_block (triple indirect included). */
uint64_t ext2_bmap_limit(const ext2_vol_t *vol);
/* Largest logical block + 1 that ext2_bmap_alloc will map (double indirect). */
uint64_t ext2_bmap_write_limit(const ext2_vol_t *vol);
/* Physical block of logical block lblk of in, 0 for a hole. EIO for a bad pointer, EFBIG past
 * the triple-indirect limit. Uses blk_ind[0]. */
ext2_err_t ext2_bmap_get(ext2_vol_t *vol, const ext2_inode_t *in, uint64_t lblk, uint32_t *pblk);
/* Maps lblk, allocating it and any missing indirect block (counted in in->blocks; the caller
 * writes in back). *fresh tells whether the data block is new (contents undefined). goal is a
 * group to allocate in. EFBIG past the double-indirect limit, ENOSPC, EIO. */
ext2_err_t ext2_bmap_alloc(ext2_vol_t *vol, ext2_inode_t *in, uint32_t goal, uint64_t lblk,
                           uint32_t *pblk, bool *fresh);
/* Frees every block of in at logical blocks >= from, and indirect blocks left empty. Updates
 * in->block and in->blocks (the caller writes in back). EIO on a bad pointer. */
ext2_err_t ext2_bmap_truncate(ext2_vol_t *vol, ext2_inode_t *in, uint64_t from);

/* --- dir.c --- */
/* Finds name in directory in; *ino gets its inode, *off its record's byte offset (may be NULL).
 * ENOENT, EIO. */
ext2_err_t ext2_dir_find(ext2_vol_t *vol, const ext2_inode_t *in, const char *name, size_t len,
                         uint32_t *ino, uint64_t *off);
/* Adds entry name -> ino (of mode type) to directory dino (in updated and written). ENOSPC,
 * EFBIG, EIO. */
ext2_err_t ext2_dir_add(ext2_vol_t *vol, uint32_t dino, ext2_inode_t *in, const char *name,
                        size_t len, uint32_t ino, uint16_t type);
/* Removes the entry name (must exist) from directory dino; updates times. ENOENT, EIO. */
ext2_err_t ext2_dir_remove(ext2_vol_t *vol, uint32_t dino, ext2_inode_t *in, const char *name,
                           size_t len);
/* Points existing entry name of directory dino at ino (mode type). ENOENT, EIO. */
ext2_err_t ext2_dir_set(ext2_vol_t *vol, uint32_t dino, ext2_inode_t *in, const char *name,
                        size_t len, uint32_t ino, uint16_t type);
/* EXT2_OK if directory in holds only "." and "..", ENOTEMPTY if not, EIO. */
ext2_err_t ext2_dir_empty(ext2_vol_t *vol, const ext2_inode_t *in);
/* Builds the first block of a new directory (self, parent) in blk_dir and writes it to blk. */
ext2_err_t ext2_dir_init(ext2_vol_t *vol, uint32_t blk, uint32_t self, uint32_t parent);
/* Checks that in is a directory whose size is a whole number of blocks (ENOTDIR, EIO). */
ext2_err_t ext2_dir_check(ext2_vol_t *vol, const ext2_inode_t *in);

#endif
