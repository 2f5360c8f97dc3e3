/* Shared by the ext2 fuzz harness and host test: a memory block device and a bounded workout. */
#ifndef TESTS_FUZZ_EXT2_EXERCISE_H
#define TESTS_FUZZ_EXT2_EXERCISE_H

#include "lib/ext2/ext2.h"

#include <stdint.h>
#include <string.h>

/* An image held in memory. */
typedef struct ext2x_mem {
    uint8_t *data;
    size_t size;
} ext2x_mem_t;

static int ext2x_read(void *ctx, uint32_t blk, uint32_t bsize, void *buf)
{
    ext2x_mem_t *m = ctx;
    uint64_t off = (uint64_t)blk * bsize;
    if (off > m->size || m->size - off < bsize)
        return -1;
    memcpy(buf, m->data + off, bsize);
    return 0;
}

static int ext2x_write(void *ctx, uint32_t blk, uint32_t bsize, const void *buf)
{
    ext2x_mem_t *m = ctx;
    uint64_t off = (uint64_t)blk * bsize;
    if (off > m->size || m->size - off < bsize)
        return -1;
    memcpy(m->data + off, buf, bsize);
    return 0;
}

static uint32_t ext2x_now(void *ctx)
{
    (void)ctx;
    return 1700000000u;
}

/* A device over m. */
static inline ext2_dev_t ext2x_dev(ext2x_mem_t *m)
{
    ext2_dev_t dev = {m, ext2x_read, ext2x_write, ext2x_now, m->size};
    return dev;
}

#define EXT2X_MAX_DIRS 64

/*
 * Walks every directory reachable from the root (breadth first, at most EXT2X_MAX_DIRS, each
 * listed to its end or 512 entries), stats every entry, reads files (64 KiB at most) and link
 * targets. Returns the number of entries seen. Results are ignored: this only must not crash.
 */
static inline unsigned ext2x_walk_all(ext2_vol_t *vol, uint8_t *buf, size_t bufsize)
{
    uint32_t dirs[EXT2X_MAX_DIRS];
    unsigned ndirs = 1, seen = 0;
    dirs[0] = EXT2_ROOT_INO;
    for (unsigned d = 0; d < ndirs; d++) {
        uint64_t cursor = 0;
        ext2_dirent_t ent;
        for (int n = 0; n < 512 && ext2_readdir(vol, dirs[d], &cursor, &ent) == EXT2_OK; n++) {
            ext2_stat_t st;
            uint32_t ino;
            size_t done;
            seen++;
            if (ext2_lookup(vol, dirs[d], ent.name, ent.name_len, &ino) != EXT2_OK)
                continue;
            if (ext2_stat(vol, ino, &st) != EXT2_OK)
                continue;
            if ((st.mode & EXT2_S_IFMT) == EXT2_S_IFREG)
                ext2_read(vol, ino, 0, buf, bufsize, &done);
            else if ((st.mode & EXT2_S_IFMT) == EXT2_S_IFLNK)
                ext2_readlink(vol, ino, (char *)buf, bufsize, &done);
            else if ((st.mode & EXT2_S_IFMT) == EXT2_S_IFDIR && ndirs < EXT2X_MAX_DIRS &&
                     strcmp(ent.name, ".") && strcmp(ent.name, ".."))
                dirs[ndirs++] = ino;
        }
    }
    return seen;
}

/* A few changes of every kind on a mounted volume; results ignored. */
static inline void ext2x_mutate(ext2_vol_t *vol, uint8_t *buf, size_t bufsize)
{
    uint32_t f = 0, d = 0, ino;
    const char *n;
    size_t nl, done;
    memset(buf, 0x5A, bufsize);
    ext2_create(vol, EXT2_ROOT_INO, "fz", 2, 0644, 0, 0, &f);
    if (f)
        ext2_write(vol, f, 1000, buf, bufsize, &done);
    ext2_mkdir(vol, EXT2_ROOT_INO, "fzd", 3, 0755, 0, 0, &d);
    ext2_rename(vol, EXT2_ROOT_INO, "fz", 2, d ? d : EXT2_ROOT_INO, "g", 1);
    ext2_symlink(vol, EXT2_ROOT_INO, "fl", 2, "fzd/g", 5, 0, 0, NULL);
    if (ext2_walk(vol, EXT2_ROOT_INO, "fl", 2, true, &ino) == EXT2_OK)
        ext2_truncate(vol, ino, 10);
    /* Change whatever the image already holds. */
    uint64_t cursor = 0;
    ext2_dirent_t ent;
    for (int k = 0; k < 6 && ext2_readdir(vol, EXT2_ROOT_INO, &cursor, &ent) == EXT2_OK; k++) {
        if (ext2_lookup(vol, EXT2_ROOT_INO, ent.name, ent.name_len, &ino) != EXT2_OK)
            continue;
        switch (k % 3) {
        case 0:
            ext2_truncate(vol, ino, 3);
            ext2_write(vol, ino, 5000, buf, 100, &done);
            break;
        case 1:
            ext2_rename(vol, EXT2_ROOT_INO, ent.name, ent.name_len, d ? d : 2, "m", 1);
            break;
        default:
            ext2_unlink(vol, EXT2_ROOT_INO, ent.name, ent.name_len);
            ext2_rmdir(vol, EXT2_ROOT_INO, ent.name, ent.name_len);
        }
    }
    if (ext2_walk_parent(vol, EXT2_ROOT_INO, "/fzd/m/x", 8, &ino, &n, &nl) == EXT2_OK)
        ext2_create(vol, ino, n, nl, 0600, 1, 1, NULL);
    ext2_rmdir(vol, EXT2_ROOT_INO, "fzd", 3);
}

#endif
