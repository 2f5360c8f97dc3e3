/* The user-test runner and the assertions' failure record: walks the .utests section that
 * UTEST fills, in link order, and prints one line per test and the summary. */
#include "utest.h"

#define UT_MAX_TESTS 512

extern const utest_t __utests_start[], __utests_end[];

static char ut_reason[160];
static bool ut_failed_now;

void ut_fail(const char *file, int line, const char *what, long a, long b)
{
    if (ut_failed_now)
        return;
    ut_failed_now = true;
    if (a || b)
        snprintf(ut_reason, sizeof(ut_reason), "%s:%d: %s (%ld != %ld)", file, line, what, a, b);
    else
        snprintf(ut_reason, sizeof(ut_reason), "%s:%d: %s", file, line, what);
}

/* Runs one test and prints its line; returns true if it passed. */
static bool run_one(const utest_t *t)
{
    ut_failed_now = false;
    t->fn();
    if (ut_failed_now)
        printf("not ok %s %s\n", t->name, ut_reason);
    else
        printf("ok %s\n", t->name);
    return !ut_failed_now;
}

/* The tests in run order. The linker keeps each file's descriptors together, files in link
 * order, but the compiler may emit one file's in any order: so a test's key is (the position of
 * its file's first descriptor, its line), and an insertion sort puts them in that order. */
static unsigned sort_tests(const utest_t **order)
{
    static unsigned rank[UT_MAX_TESTS];
    unsigned n = (unsigned)(__utests_end - __utests_start);

    for (unsigned i = 0; i < n; i++) {
        const utest_t *t = &__utests_start[i];
        rank[i] = i;
        for (unsigned k = 0; k < i; k++)
            if (strcmp(__utests_start[k].file, t->file) == 0) {
                rank[i] = rank[k];
                break;
            }
        unsigned j = i;
        for (; j > 0; j--) {
            const utest_t *p = order[j - 1];
            unsigned prank = rank[p - __utests_start];
            if (prank < rank[i] || (prank == rank[i] && p->line < t->line))
                break;
            order[j] = p;
        }
        order[j] = t;
    }
    return n;
}

int ut_run_all(const char *prefix)
{
    static const utest_t *order[UT_MAX_TESTS];
    size_t plen = strlen(prefix);
    int passed = 0, failed = 0;

    if (__utests_end - __utests_start > UT_MAX_TESTS) {
        printf("not ok utest/registry more than %d tests: raise UT_MAX_TESTS\n", UT_MAX_TESTS);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    unsigned n = sort_tests(order);
    for (unsigned i = 0; i < n; i++) {
        if (strncmp(order[i]->name, prefix, plen) != 0)
            continue;
        if (run_one(order[i]))
            passed++;
        else
            failed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed;
}

uint64_t ut_frames_accounted(void)
{
    return xr_info(XR_INFO_FRAMES_FREE) + xr_info(XR_INFO_QUOTA_USED) +
           xr_info(XR_INFO_KERNEL_CACHED);
}

ut_snapshot_t ut_snapshot(void)
{
    return (ut_snapshot_t){ut_frames_accounted(), xr_info(XR_INFO_OBJECTS),
                           xr_info(XR_INFO_QUOTA_USED)};
}

xr_ipc_buffer_t *ut_self_ipcbuf(void)
{
    long err = xr_map_anon(XR_SLOT_SELF, UT_SELF_IPCBUF, XR_MAP_WRITE);
    if (err == XR_EEXIST)
        err = XR_OK;
    err = err ? err : xr_thread_set_ipcbuf(XR_SLOT_SELF_THREAD, UT_SELF_IPCBUF);
    return err ? NULL : (xr_ipc_buffer_t *)UT_SELF_IPCBUF;
}
