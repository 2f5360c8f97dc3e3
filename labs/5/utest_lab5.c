/* Lab 5's graded tests (docs/labs/lab5.md): round-robin time slices inside a priority. Spinning
 * threads of the test program (priority 100) share the CPU while the test (200) sleeps. */
#include "utest.h"

#define SPINNERS 3
#define T        UT_SLOT_THREADS

static volatile bool stop;
static volatile uint64_t count[SPINNERS];
static volatile uint64_t owner, handoffs; /* who ran last; how often the CPU changed hands */

/* Spins, counting, until told to stop; notes each time it finds another spinner ran last. */
static void spin(uint64_t me)
{
    while (!stop) {
        count[me]++;
        if (owner != me + 1) {
            owner = me + 1;
            handoffs++;
        }
    }
}

/* Runs n spinners for ms milliseconds, stops and joins them; returns an XR_* code. */
static long run_spinners(unsigned n, unsigned ms)
{
    stop = false;
    owner = handoffs = 0;
    for (unsigned i = 0; i < SPINNERS; i++)
        count[i] = 0;
    long err = XR_OK;
    for (unsigned i = 0; i < n && !err; i++)
        err = ut_thread(spin, i, 100, T + i);
    xr_sleep_us(ms * 1000ul);
    stop = true;
    for (unsigned i = 0; i < n; i++)
        if (!ut_thread_join(T + i, 2000))
            err = err ? err : XR_EBUSY;
    return err;
}

/* Two spinners of one priority both make progress: the first cannot keep the CPU. */
UTEST(lab5, equal_priorities_share)
{
    UT_EQ(run_spinners(2, 300), XR_OK);
    UT_ASSERT(count[0] > 0);
    UT_ASSERT(count[1] > 0);
}

/* Three spinners over 600 ms (60 ticks): each gets at least a sixth of the work. */
UTEST(lab5, round_robin_is_fair)
{
    UT_EQ(run_spinners(3, 600), XR_OK);
    uint64_t total = count[0] + count[1] + count[2];
    for (unsigned i = 0; i < 3; i++)
        UT_ASSERT(count[i] * 6 >= total);
}

/* A slice is SCHED_SLICE_TICKS (5) ticks, not one: over 50 ticks two spinners change hands
 * about 10 times (one tick per slice would be about 50; no slices, once). */
UTEST(lab5, slices_last_five_ticks)
{
    UT_EQ(run_spinners(2, 500), XR_OK);
    UT_ASSERT(handoffs >= 5);
    UT_ASSERT(handoffs <= 25);
}
