/* ipcbench's cases of kernel entry, the scheduler and notifications (null_syscall,
 * yield_same_prio, thread_switch_yield, notify_wake), and the overhead loops: the timestamps of
 * the cases, around nothing. */
#include "ipcbench.h"

/* For cases that take both timestamps in one thread. */
long overhead_local(uint64_t *raw, unsigned count, uint64_t arg)
{
    (void)arg;
    for (unsigned i = 0; i < count; i++) {
        uint64_t t0 = bench_ts_begin();
        uint64_t t1 = bench_ts_end();
        raw[i] = t1 - t0;
    }
    return XR_OK;
}

/* State of a two-thread case; volatile because the peer changes it across a system call. */
static struct {
    volatile uint64_t t0;    /* taken by the thread that yielded (or signalled) last, just before */
    volatile unsigned owner; /* which thread took t0: 0 the main thread, 1 the peer */
    volatile unsigned next;  /* samples stored */
    volatile long err;
    uint64_t *raw;
    unsigned count;
} sw;

/* For cases whose first timestamp is taken by one thread and the second by another. */
long overhead_shared(uint64_t *raw, unsigned count, uint64_t arg)
{
    (void)arg;
    for (unsigned i = 0; i < count; i++) {
        sw.owner = 0;
        sw.t0 = bench_ts_begin();
        uint64_t t1 = bench_ts_end();
        raw[i] = t1 - sw.t0;
    }
    return XR_OK;
}

/* null_syscall: one xr_null(), the cheapest kernel entry and exit. */
long case_null_syscall(uint64_t *raw, unsigned count, uint64_t arg)
{
    (void)arg;
    for (unsigned i = 0; i < count; i++) {
        uint64_t t0 = bench_ts_begin();
        xr_null(); /* always XR_OK */
        uint64_t t1 = bench_ts_end();
        raw[i] = t1 - t0;
    }
    return XR_OK;
}

/* yield_same_prio: xr_yield() with no other thread of this priority ready, so the scheduler
 * runs and picks the caller again. */
long case_yield_same_prio(uint64_t *raw, unsigned count, uint64_t arg)
{
    (void)arg;
    long err = XR_OK;

    for (unsigned i = 0; i < count && err == XR_OK; i++) {
        uint64_t t0 = bench_ts_begin();
        err = xr_yield();
        uint64_t t1 = bench_ts_end();
        raw[i] = t1 - t0;
    }
    return err;
}

/* Yields to the peer until sw.count samples are stored; a sample is one switch: from just
 * before one thread's yield to just after the other thread's yield returns. */
static void switch_loop(unsigned me)
{
    unsigned misses = 0;

    while (sw.next < sw.count && sw.err == XR_OK) {
        sw.owner = me;
        sw.t0 = bench_ts_begin();
        long err = xr_yield();
        uint64_t t1 = bench_ts_end();
        if (err != XR_OK) {
            sw.err = err;
        } else if (sw.owner == me) { /* the peer did not run */
            if (++misses > BENCH_MAX_MISSES)
                sw.err = XR_EDEAD;
        } else if (sw.next < sw.count) {
            misses = 0;
            sw.raw[sw.next++] = t1 - sw.t0;
        }
    }
}

static void switch_peer(uint64_t me)
{
    switch_loop((unsigned)me);
}

/* thread_switch_yield: two threads of this process at the same priority yield to each other;
 * one sample per switch. */
long case_thread_switch_yield(uint64_t *raw, unsigned count, uint64_t arg)
{
    (void)arg;
    sw.raw = raw;
    sw.count = count;
    sw.next = 0;
    sw.err = XR_OK;
    long err = bench_peer_start(switch_peer, 1, BENCH_PRIO);
    if (err != XR_OK)
        return err;
    switch_loop(0);
    err = bench_peer_join();
    return sw.err != XR_OK ? sw.err : err;
}

/* notify_wake's signaller, below this thread's priority: takes t0, stores it, signals (which
 * wakes the main thread, of higher priority, at once), until the main thread has its samples.
 * A failed signal deletes the notification, which wakes the main thread with that news. */
static void signal_loop(uint64_t arg)
{
    (void)arg;
    while (sw.next < sw.count && sw.err == XR_OK) {
        sw.t0 = bench_ts_begin();
        long err = xr_signal(BENCH_SLOT_NTFN);
        if (err != XR_OK) {
            sw.err = err;
            xr_cap_delete(BENCH_SLOT_NTFN);
        }
    }
}

/* notify_wake: signal-to-wake latency. This thread waits on a notification; a second thread of
 * lower priority (a thread may not be given a priority above its creator's) signals it; a
 * sample is from before the signal to after this thread's wait returns. */
long case_notify_wake(uint64_t *raw, unsigned count, uint64_t arg)
{
    (void)arg;
    sw.raw = raw;
    sw.count = count;
    sw.next = 0;
    sw.err = XR_OK;
    long err = xr_notify_create(BENCH_SLOT_NTFN);
    if (err != XR_OK)
        return err;
    err = bench_peer_start(signal_loop, 0, BENCH_PRIO - 1);
    while (err == XR_OK && sw.next < count) {
        uint64_t bits = 0;
        err = xr_wait(BENCH_SLOT_NTFN, &bits);
        uint64_t t1 = bench_ts_end();
        if (err == XR_OK && bits != 1)
            err = XR_ECORRUPT;
        if (err == XR_OK)
            sw.raw[sw.next++] = t1 - sw.t0;
    }
    if (err != XR_OK)
        sw.err = err; /* stops the signaller */
    long end = bench_peer_join();
    xr_cap_delete(BENCH_SLOT_NTFN);
    return sw.err != XR_OK ? sw.err : end;
}
