/* Host tests of lib/ext2 against mke2fs, e2fsck and debugfs, plus corrupt images and mutation. */
#define _GNU_SOURCE
#include "check.h"
#include "lib/ext2/ext2_priv.h"
#include "tests/fuzz/ext2_exercise.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROOT EXT2_ROOT_INO

static char tmpdir[64];
static ext2_vol_t vol;
static ext2x_mem_t img;
static uint8_t big[6u << 20], back[6u << 20];

/* --- helpers --- */

/* Runs a shell command built from fmt; returns its exit status. */
static int run(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

static void put_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len) {
        perror(path);
        exit(2);
    }
    fclose(f);
}

/* Loads path into img (the old image is freed). */
static void load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    free(img.data);
    img.size = (size_t)ftell(f);
    img.data = malloc(img.size);
    rewind(f);
    if (fread(img.data, 1, img.size, f) != img.size)
        exit(2);
    fclose(f);
}

static void save(const char *path)
{
    put_file(path, img.data, img.size);
}

/* Builds an ext2 image with mke2fs (from folder src if not NULL) and loads it. */
static void mkfs(const char *path, unsigned bsize, unsigned kib, const char *src)
{
    char dopt[300] = "";
    if (src)
        snprintf(dopt, sizeof(dopt), "-d %s", src);
    int rc = run("/usr/sbin/mke2fs -q -F -t ext2 -b %u %s %s %uk >%s/mkfs.log 2>&1", bsize, dopt,
                 path, kib, tmpdir);
    if (rc) {
        run("cat %s/mkfs.log", tmpdir);
        exit(2);
    }
    load(path);
}

static ext2_err_t mount_img(unsigned flags)
{
    ext2_dev_t dev = ext2x_dev(&img);
    return ext2_mount(&vol, &dev, flags);
}

/* e2fsck -fn on the image saved at path; 0 when clean (the log is printed otherwise). */
static int fsck(const char *path)
{
    save(path);
    int rc = run("/usr/sbin/e2fsck -fn %s >%s/fsck.log 2>&1", path, tmpdir);
    if (rc)
        run("cat %s/fsck.log", tmpdir);
    return rc;
}

/* True if debugfs's "cat fspath" of image path gives exactly data. */
static bool debugfs_same(const char *path, const char *fspath, const void *data, size_t len)
{
    char out[128];
    snprintf(out, sizeof(out), "%s/cat.out", tmpdir);
    if (run("/usr/sbin/debugfs -R 'cat \"%s\"' %s >%s 2>/dev/null", fspath, path, out))
        return false;
    FILE *f = fopen(out, "rb");
    if (!f)
        return false;
    size_t n = fread(back, 1, sizeof(back), f);
    fclose(f);
    return n == len && memcmp(back, data, len) == 0;
}

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

static void fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rnd();
}

static uint32_t walk(const char *path)
{
    uint32_t ino = 0;
    return ext2_walk(&vol, ROOT, path, strlen(path), true, &ino) ? 0 : ino;
}

static ext2_err_t walk_err(const char *path)
{
    uint32_t ino;
    return ext2_walk(&vol, ROOT, path, strlen(path), true, &ino);
}

/* Creates path (parent must exist) with data; returns its inode or 0. */
static uint32_t mkfile(const char *path, const void *data, size_t len)
{
    uint32_t dir, ino;
    const char *n;
    size_t nl, done;
    if (ext2_walk_parent(&vol, ROOT, path, strlen(path), &dir, &n, &nl) ||
        ext2_create(&vol, dir, n, nl, 0644, 1000, 1000, &ino) ||
        ext2_write(&vol, ino, 0, data, len, &done) || done != len)
        return 0;
    return ino;
}

/* Creates name in directory dir holding the string data; returns its inode or 0. */
static uint32_t mkfile2(uint32_t dir, const char *name, const char *data)
{
    uint32_t ino;
    size_t done;
    if (ext2_create(&vol, dir, name, strlen(name), 0644, 0, 0, &ino) ||
        ext2_write(&vol, ino, 0, data, strlen(data), &done))
        return 0;
    return ino;
}

static uint32_t mkdirp(const char *path)
{
    uint32_t dir, ino;
    const char *n;
    size_t nl;
    if (ext2_walk_parent(&vol, ROOT, path, strlen(path), &dir, &n, &nl) ||
        ext2_mkdir(&vol, dir, n, nl, 0755, 0, 0, &ino))
        return 0;
    return ino;
}

/* True if file path holds exactly data (through the library). */
static bool same(const char *path, const void *data, size_t len)
{
    uint32_t ino = walk(path);
    ext2_stat_t st;
    size_t done;
    if (!ino || ext2_stat(&vol, ino, &st) || st.size != len)
        return false;
    if (ext2_read(&vol, ino, 0, back, sizeof(back), &done) || done != len)
        return false;
    return memcmp(back, data, len) == 0;
}

static uint32_t free_blocks(void)
{
    ext2_statfs_t st;
    ext2_statfs(&vol, &st);
    return st.free_blocks;
}

/* Number of live entries of directory dir (dots included). */
static unsigned count_entries(uint32_t dir)
{
    uint64_t cursor = 0;
    ext2_dirent_t ent;
    unsigned n = 0;
    while (ext2_readdir(&vol, dir, &cursor, &ent) == EXT2_OK)
        n++;
    return n;
}

#define NAME(s) s, strlen(s)

#include "test_ext2_corrupt.h"
#include "test_ext2_ops.h"

int main(void)
{
    strcpy(tmpdir, "/tmp/xr-ext2.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    CHECK_GROUP("ext2 host files read back, 1 KiB blocks", test_host_to_ext2(1024));
    CHECK_GROUP("ext2 host files read back, 4 KiB blocks", test_host_to_ext2(4096));
    CHECK_GROUP("ext2 operations and e2fsck, 1 KiB blocks", test_ops(1024));
    CHECK_GROUP("ext2 operations and e2fsck, 4 KiB blocks", test_ops(4096));
    CHECK_GROUP("ext2 error cases", test_errors());
    CHECK_GROUP("ext2 1000 files in one directory", test_many(1024));
    CHECK_GROUP("ext2 fill the disk", test_enospc());
    CHECK_GROUP("ext2 corrupt superblocks refused", test_bad_super());
    CHECK_GROUP("ext2 corrupt inodes and directories reported", test_bad_meta());
    CHECK_GROUP("ext2 mutation fuzz", test_mutation(3000));
    run("rm -rf %s", tmpdir);
    free(img.data);
    return check_done();
}
