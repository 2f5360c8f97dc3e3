/* Lab 8's graded tests (docs/labs/lab8.md): per-core accounting, at -smp 2. The test program
 * moves itself to the core it measures (xr_thread_set_affinity) and reads that core's counters
 * with XR_INFO_CPU_*, which answer for the caller's core. */
#include "utest.h"

#define T0 UT_SLOT_THREADS

typedef struct acct {
    uint64_t ticks, idle, busy, switches;
} acct_t;

/* The caller's core's counters, read between two equal tick counts (no tick in the middle). */
static acct_t acct_now(void)
{
    acct_t a;
    uint64_t again;
    do {
        a.ticks = xr_info(XR_INFO_CPU_TICKS);
        a.idle = xr_info(XR_INFO_CPU_IDLE_TICKS);
        a.busy = xr_info(XR_INFO_CPU_BUSY_TICKS);
        a.switches = xr_info(XR_INFO_CPU_SWITCHES);
        again = xr_info(XR_INFO_CPU_TICKS);
    } while (again != a.ticks);
    return a;
}

/* Moves the calling thread to cpu and waits (at most 2 s) until it runs there. */
static bool go_to(unsigned cpu)
{
    if (xr_thread_set_affinity(XR_SLOT_SELF_THREAD, cpu) != XR_OK)
        return false;
    for (unsigned i = 0; i < 2000 && xr_info(XR_INFO_CPU) != cpu; i++)
        xr_sleep_us(1000);
    return xr_info(XR_INFO_CPU) == cpu;
}

static void anywhere(void)
{
    xr_thread_set_affinity(XR_SLOT_SELF_THREAD, XR_CPU_ANY);
}

/* On every core, from boot on, each tick was charged to idle or busy time, once. */
UTEST(lab8, ticks_add_up)
{
    unsigned n = (unsigned)xr_info(XR_INFO_CPUS);
    UT_ASSERT(n >= 2); /* the lab runs at --smp 2 */
    for (unsigned c = 0; c < n; c++) {
        UT_ASSERT(go_to(c));
        acct_t a = acct_now();
        UT_ASSERT(a.ticks > 0);
        UT_EQ(a.idle + a.busy, a.ticks);
    }
    anywhere();
}

/* A core whose only thread sleeps 300 ms (30 ticks) charges them to idle time. */
UTEST(lab8, idle_core_counts_idle)
{
    UT_ASSERT(go_to(1));
    acct_t a = acct_now();
    xr_sleep_us(300000);
    acct_t b = acct_now();
    anywhere();
    uint64_t dt = b.ticks - a.ticks;
    UT_ASSERT(dt >= 15);
    UT_ASSERT((b.idle - a.idle) * 10 >= dt * 8);
    UT_ASSERT(b.idle - a.idle + b.busy - a.busy == dt);
}

/* A core that spins for 30 of its ticks charges them to busy time. */
UTEST(lab8, busy_core_counts_busy)
{
    UT_ASSERT(go_to(1));
    acct_t a = acct_now();
    while (xr_info(XR_INFO_CPU_TICKS) < a.ticks + 30)
        ;
    acct_t b = acct_now();
    anywhere();
    UT_ASSERT(b.busy - a.busy >= 29);
    UT_ASSERT(b.idle - a.idle <= 1);
}

static volatile uint64_t arrived, yields_done;

/* Waits until it runs on core 1 and its partner too, then yields n times: each yield hands the
 * core to the partner, a switch. */
static void yielder(uint64_t n)
{
    while (xr_info(XR_INFO_CPU) != 1)
        xr_yield();
    __atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
    while (arrived < 2)
        xr_yield();
    for (uint64_t i = 0; i < n; i++)
        xr_yield();
    __atomic_add_fetch(&yields_done, n, __ATOMIC_SEQ_CST);
}

/* Two threads of one priority that yield 500 times each on core 1 make at least 1000
 * switches there. */
UTEST(lab8, switches_are_counted)
{
    arrived = yields_done = 0;
    UT_ASSERT(go_to(1));
    acct_t before = acct_now();
    UT_ASSERT(go_to(0));
    for (unsigned i = 0; i < 2; i++) {
        UT_EQ(ut_thread(yielder, 500, 100, T0 + i), XR_OK);
        UT_EQ(xr_thread_set_affinity(T0 + i, 1), XR_OK);
    }
    UT_ASSERT(ut_thread_join(T0, 5000));
    UT_ASSERT(ut_thread_join(T0 + 1, 5000));
    UT_ASSERT(go_to(1));
    acct_t after = acct_now();
    anywhere();
    UT_EQ(yields_done, 1000);
    UT_ASSERT(after.switches - before.switches >= 1000);
}
