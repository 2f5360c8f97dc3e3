/* fstest's shared harness: one "ok fs/NAME" or "not ok fs/NAME reason" line per test. */
#ifndef USER_FSTEST_FSTEST_H
#define USER_FSTEST_FSTEST_H

#include <stdbool.h>

#include "user/fsclient/fs_client.h"
#include "xr.h"

#define FT_SLOT_SELF    1
#define FT_SLOT_EP      10 /* attachment i: endpoint cap in 10 + i, buffer in 20 + i (i < 4) */
#define FT_SLOT_BUF     20
#define FT_ARG_READBACK 1 /* only check what an earlier boot wrote to /disk */
#define FT_ARG_DISK     2 /* a persistent disk is mounted at /disk */
#define FT_ARG_BENCH    4 /* run the benchmark instead of the tests */
#define FT_ARG_LAB      8 /* run only the labs' graded tests (fstest=lab; scripts/grade) */

/* Attachment i (0..3), attached by main before the tests run. */
extern xr_fs_t ft_fs[4];

/* Records a failure of the running test (the first reason is kept). */
void ft_fail(const char *file, int line, const char *what, long a, long b);
/* Runs one test and prints its "ok fs/NAME" or "not ok fs/NAME reason" line. */
void ft_run(const char *name, void (*fn)(void));
/* Prints "N passed, N failed"; returns the number failed. */
int ft_summary(void);

#define FT_ASSERT(c)                                                                               \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            ft_fail(__FILE__, __LINE__, #c, 0, 0);                                                 \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define FT_EQ(a, b)                                                                                \
    do {                                                                                           \
        long a_ = (long)(a), b_ = (long)(b);                                                       \
        if (a_ != b_) {                                                                            \
            ft_fail(__FILE__, __LINE__, #a " == " #b, a_, b_);                                     \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* Starts fn(arg) in a new thread (n = 0..7 picks its stack and slot); ft_join waits for it. */
long ft_thread(unsigned n, void (*fn)(uint64_t), uint64_t arg);
bool ft_join(unsigned n, unsigned ms);

/* Writes len bytes of data to a new (or truncated) file; returns 0 or a negative error. */
long ft_put(xr_fs_t *fs, const char *path, const void *data, size_t len);
/* Reads up to cap bytes of a file into buf; returns the length or a negative error. */
long ft_get(xr_fs_t *fs, const char *path, void *buf, size_t cap);
/* The deterministic byte i of pattern seed. */
static inline uint8_t ft_pattern(uint64_t seed, uint64_t i)
{
    uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ull ^ seed * 0xbf58476d1ce4e5b9ull;
    return (uint8_t)(x >> 29 ^ x >> 7);
}

/* The labs' graded tests (labs/N/fstest_*.c, linked in only when XR_LABS is on; docs/labs/). */
void ft_lab_tests(void) __attribute__((weak));

/* The groups of tests, and the benchmark (returns the exit code). */
void tests_basic(void);
void tests_dirs(void);
void tests_stress(void);
void tests_hostile(void);
void tests_disk(bool readback);
int fsbench(void);

#endif
