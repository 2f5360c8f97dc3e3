/* User tests of threads and scheduling: start and end, priority order, preemption by
 * the timer, yield, sleep (the FPU state between threads: tests_fpu.c). */
#include "utest.h"

#define INIT_PRIO 200

static volatile uint64_t flag, order[4], order_n, counter[2], stop;

static void set_flag(uint64_t v)
{
    flag = v;
}

UTEST(user, thread_runs_and_ends)
{
    flag = 0;
    UT_EQ(ut_thread(set_flag, 77, 150, UT_SLOT_THREADS), XR_OK);
    UT_ASSERT(ut_thread_join(UT_SLOT_THREADS, 1000));
    UT_EQ(flag, 77);
}

static void record(uint64_t id)
{
    order[order_n++] = id;
}

/* Three threads made while init (priority 200) runs; they run when init sleeps, highest first. */
UTEST(user, priority_order)
{
    order_n = 0;
    UT_EQ(ut_thread(record, 1, 110, UT_SLOT_THREADS), XR_OK);
    UT_EQ(ut_thread(record, 3, 190, UT_SLOT_THREADS + 1), XR_OK);
    UT_EQ(ut_thread(record, 2, 150, UT_SLOT_THREADS + 2), XR_OK);
    UT_EQ(order_n, 0); /* none ran: init has the highest priority and has not blocked */
    for (int i = 0; i < 3; i++)
        UT_ASSERT(ut_thread_join(UT_SLOT_THREADS + i, 1000));
    UT_EQ(order_n, 3);
    UT_EQ(order[0], 3);
    UT_EQ(order[1], 2);
    UT_EQ(order[2], 1);
}

static void spin(uint64_t i)
{
    while (!stop)
        counter[i]++;
}

/* Two threads that never yield, at one priority: the timer must share the CPU. */
UTEST(user, timer_preemption)
{
    counter[0] = counter[1] = stop = 0;
    UT_EQ(ut_thread(spin, 0, 100, UT_SLOT_THREADS), XR_OK);
    UT_EQ(ut_thread(spin, 1, 100, UT_SLOT_THREADS + 1), XR_OK);
    xr_sleep_us(300000); /* 30 ticks: several 5-tick slices each */
    uint64_t a = counter[0], b = counter[1];
    stop = 1;
    UT_ASSERT(ut_thread_join(UT_SLOT_THREADS, 1000));
    UT_ASSERT(ut_thread_join(UT_SLOT_THREADS + 1, 1000));
    UT_ASSERT(a > 1000 && b > 1000);
}

static volatile uint64_t turn, pings[2];

static void ping(uint64_t me)
{
    for (int i = 0; i < 50; i++) {
        while (turn != me)
            xr_yield();
        pings[me]++;
        turn = 1 - me;
        xr_yield();
    }
}

UTEST(user, yield_alternates)
{
    turn = 0;
    pings[0] = pings[1] = 0;
    UT_EQ(ut_thread(ping, 0, 120, UT_SLOT_THREADS), XR_OK);
    UT_EQ(ut_thread(ping, 1, 120, UT_SLOT_THREADS + 1), XR_OK);
    UT_ASSERT(ut_thread_join(UT_SLOT_THREADS, 3000));
    UT_ASSERT(ut_thread_join(UT_SLOT_THREADS + 1, 3000));
    UT_EQ(pings[0], 50);
    UT_EQ(pings[1], 50);
}

UTEST(user, sleep_waits)
{
    uint64_t tick_us = xr_info(XR_INFO_TICK_US);
    uint64_t t0 = xr_info(XR_INFO_TICKS);
    UT_EQ(xr_sleep_us(50000), XR_OK);
    uint64_t slept = xr_info(XR_INFO_TICKS) - t0;
    UT_ASSERT(slept * tick_us >= 50000);
    UT_ASSERT(slept * tick_us < 500000);
    UT_EQ(xr_sleep_us(3600ul * 1000000 + 1), XR_ERANGE);
}

UTEST(user, priority_limits)
{
    UT_EQ(xr_thread_set_prio(XR_SLOT_SELF_THREAD, INIT_PRIO + 1), XR_EPERM);
    UT_EQ(xr_thread_set_prio(XR_SLOT_SELF_THREAD, 300), XR_EINVAL);
    UT_EQ(xr_thread_set_affinity(XR_SLOT_SELF_THREAD, 7), XR_EINVAL);
    UT_EQ(xr_thread_start(XR_SLOT_SELF_THREAD), XR_EBUSY); /* already running */
}
