/* fsbench: guest-instruction costs of common fs operations (fstest=bench; docs/fs.md §8). */
#include "fstest.h"

#define FS     (&ft_fs[0])
#define WARMUP 10
#define RUNS   101

static inline uint64_t tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

static uint64_t samples[RUNS];
static uint8_t data[65536];
static uint64_t overhead;
static long bench_h; /* the handle a case works on */

static void sort(uint64_t *a, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && a[j - 1] > a[j]; j--) {
            uint64_t t = a[j];
            a[j] = a[j - 1];
            a[j - 1] = t;
        }
}

/* Runs fn WARMUP + RUNS times, times the last RUNS; prints one JSON object. */
static void measure(const char *name, void (*fn)(void), bool last)
{
    for (unsigned i = 0; i < WARMUP; i++)
        fn();
    uint64_t sum = 0;
    for (unsigned i = 0; i < RUNS; i++) {
        uint64_t t0 = tsc();
        fn();
        uint64_t t = tsc() - t0;
        samples[i] = t > overhead ? t - overhead : 0;
        sum += samples[i];
    }
    sort(samples, RUNS);
    printf("  {\"case\": \"%s\", \"runs\": %u, \"min\": %lu, \"median\": %lu, \"mean\": %lu, "
           "\"max\": %lu}%s\n",
           name, RUNS, samples[0], samples[RUNS / 2], sum / RUNS, samples[RUNS - 1],
           last ? "" : ",");
}

static void nothing(void) {}

static void open_close(void)
{
    xr_fs_close(FS, xr_fs_open(FS, "/etc/motd", FS_O_READ, 0));
}

static void stat_path(void)
{
    fs_stat_t st;
    xr_fs_stat(FS, "/etc/motd", &st);
}

static void read_4k(void)
{
    xr_fs_pread(FS, bench_h, data, 4096, 0);
}

static void write_4k(void)
{
    xr_fs_pwrite(FS, bench_h, data, 4096, 0);
}

static void read_64k(void)
{
    xr_fs_pread(FS, bench_h, data, 65536, 0);
}

static void create_unlink(void)
{
    xr_fs_close(FS, xr_fs_open(FS, "/bench/new", FS_O_WRITE | FS_O_CREATE | FS_O_EXCL, 0644));
    xr_fs_unlink(FS, "/bench/new");
}

static void readdir_32(void)
{
    long h = xr_fs_open(FS, "/bench/dir", FS_O_READ | FS_O_DIRECTORY, 0);
    const fs_dirent_t *d;
    size_t bytes;
    while (xr_fs_readdir(FS, h, &d, &bytes) > 0)
        ;
    xr_fs_close(FS, h);
}

static long setup(void)
{
    char path[32];
    long err = xr_fs_mkdir(FS, "/bench", 0755);
    err = err ? err : xr_fs_mkdir(FS, "/bench/dir", 0755);
    for (unsigned i = 0; !err && i < 30; i++) { /* 30 names plus "." and "..": 32 entries */
        snprintf(path, sizeof(path), "/bench/dir/entry-%02u", i);
        err = ft_put(FS, path, "x", 1);
    }
    return err ? err : ft_put(FS, "/bench/file", data, sizeof(data));
}

int fsbench(void)
{
    for (unsigned i = 0; i < RUNS; i++) { /* the cost of the timing itself */
        uint64_t t0 = tsc();
        samples[i] = tsc() - t0;
    }
    sort(samples, RUNS);
    overhead = samples[0];
    long err = setup();
    bench_h = xr_fs_open(FS, "/bench/file", FS_O_READ | FS_O_WRITE, 0);
    if (err || bench_h < 0) {
        printf("fsbench: set-up failed (%s)\n", xr_fs_strerror(err ? err : bench_h));
        return 1;
    }
    printf("BEGIN FSBENCH JSON\n{\"unit\": \"tsc\", \"timing_overhead\": %lu, \"cases\": [\n",
           overhead);
    measure("null", nothing, false);
    measure("open_close", open_close, false);
    measure("stat", stat_path, false);
    measure("read_4k_cached", read_4k, false);
    measure("write_4k_cached", write_4k, false);
    measure("read_64k_cached", read_64k, false);
    measure("create_unlink", create_unlink, false);
    measure("readdir_32", readdir_32, true);
    printf("]}\nEND FSBENCH JSON\n");
    printf("1 passed, 0 failed\n");
    return 0;
}
