/* User tests of shared memory and application IPC: memory objects (rights, sharing,
 * lifetime), channels between processes and threads (order, edges, wake-ups, batching,
 * several producers, zero copy, hostile peers, a peer's death) and RPC over both transports. */
#include "chan.h"
#include "rpc.h"
#include "user/child/child_modes.h"
#include "utest.h"

/* The child's channel geometry (child_modes.h), which init's ends use too. */
#define SLOTS CHILD_CHAN_SLOTS
#define POOL  CHILD_CHAN_POOL
#define MIX   CHILD_CHAN_MIX

/* init's views: 16 MiB apart, so every view has unmapped pages on both sides. */
#define VIEW(i) (0x70000000ul + (uint64_t)(i)*0x1000000ul)

#define MEM     120 /* slots of this file: 120..139 */
#define MEM2    121
#define RXN     122 /* channel A: receiver's notification */
#define TXN     123 /* channel A: producers' notification */
#define RXN2    124
#define TXN2    125
#define EPR     126
#define SCRATCH 127
#define T0      UT_SLOT_THREADS

static uint64_t pages; /* of one channel */
static volatile uint64_t frames_before, objects_before;

static void chan_unmake(unsigned view);
static void unview(unsigned view);

/* A channel's memory object in MEM mapped at VIEW(view) in init, and its notifications
 * (after cleaning up whatever a failed test left). */
static long chan_make(unsigned view)
{
    pages = chan_pages(SLOTS, POOL);
    unview(1);
    chan_unmake(view);
    long err = xr_memory_create(pages, MEM);
    err = err ? err : chan_map(XR_SLOT_SELF, MEM, VIEW(view), pages);
    err = err ? err : xr_notify_create(RXN);
    return err ? err : xr_notify_create(TXN);
}

/* Unmap a view page by page (XR_ENOENT for pages already gone is fine). */
static void unview(unsigned view)
{
    for (uint64_t i = 0; i < pages; i++)
        xr_unmap(XR_SLOT_SELF, VIEW(view) + i * 4096);
}

static void chan_unmake(unsigned view)
{
    unview(view);
    xr_cap_delete(MEM);
    xr_cap_delete(RXN);
    xr_cap_delete(TXN);
}

/* The child in mode with the channel of MEM (and MEM2, if there is one), the notifications
 * this file's tests made (RXN..TXN2, those that exist) and ep (if not 0): ut_child_start. */
static long child_start(uint64_t mode, xr_cap_t ep, unsigned prio)
{
    ut_child_caps_t caps = {.ep = ep, .mem = MEM, .pages = pages};
    if (xr_cap_identify(MEM2, NULL, NULL) == XR_OK)
        caps.mem2 = MEM2;
    for (xr_cap_t s = RXN; s <= TXN2; s++)
        if (xr_cap_identify(s, NULL, NULL) == XR_OK)
            caps.ntfn[s - RXN] = s;
    return ut_child_start(mode, prio, &caps);
}

/* ---- memory objects ---- */

UTEST(chan, memory_create_rights)
{
    frames_before = ut_frames_accounted();
    objects_before = xr_info(XR_INFO_OBJECTS);
    uint64_t used = xr_info(XR_INFO_QUOTA_USED);
    UT_EQ(xr_memory_create(0, MEM), XR_EINVAL);
    UT_EQ(xr_memory_create(1025, MEM), XR_ERANGE);
    UT_EQ(xr_memory_create(3, 0), XR_ERANGE);
    UT_EQ(xr_memory_create(3, MEM), XR_OK);
    UT_EQ(xr_memory_create(3, MEM), XR_EBUSY);
    UT_EQ(xr_info(XR_INFO_QUOTA_USED), used + 4 + 1); /* 2^2 frames and the object */
    unsigned type, rights;
    UT_EQ(xr_cap_identify(MEM, &type, &rights), XR_OK);
    UT_EQ(type, XR_OBJ_MEMORY);
    UT_EQ(rights, XR_RIGHT_READ | XR_RIGHT_WRITE | XR_RIGHT_GRANT);
    UT_EQ(xr_map_memory(XR_SLOT_SELF, MEM, 0, VIEW(0), XR_MAP_WRITE | XR_MAP_EXEC), XR_EINVAL);
    UT_EQ(xr_map_memory(XR_SLOT_SELF, MEM, 0, VIEW(0), XR_MAP_EXEC), XR_EPERM); /* no EXEC */
    UT_EQ(xr_map_memory(XR_SLOT_SELF, MEM, 3 * 4096, VIEW(0), 0), XR_ERANGE);   /* past the end */
    UT_EQ(xr_cap_copy(MEM, SCRATCH, XR_RIGHT_READ, 0), XR_OK);
    UT_EQ(xr_map_memory(XR_SLOT_SELF, SCRATCH, 0, VIEW(0), XR_MAP_WRITE), XR_EPERM);
    UT_EQ(xr_map_memory(XR_SLOT_SELF, SCRATCH, 0, VIEW(0), 0), XR_OK); /* read-only is fine */
    UT_EQ(xr_protect(XR_SLOT_SELF, VIEW(0), XR_MAP_WRITE), XR_EPERM);  /* and stays so */
    UT_EQ(*(volatile uint64_t *)VIEW(0), 0);                           /* zeroed */
    UT_EQ(xr_unmap(XR_SLOT_SELF, VIEW(0)), XR_OK);
    /* 64 mappings are recorded; the 65th is refused until one goes */
    for (uint64_t i = 0; i < 64; i++)
        UT_EQ(xr_map_memory(XR_SLOT_SELF, MEM, 4096, VIEW(0) + i * 4096, XR_MAP_WRITE), XR_OK);
    UT_EQ(xr_map_memory(XR_SLOT_SELF, MEM, 4096, VIEW(1), XR_MAP_WRITE), XR_ENOMEM);
    UT_EQ(xr_unmap(XR_SLOT_SELF, VIEW(0)), XR_OK);
    UT_EQ(xr_map_memory(XR_SLOT_SELF, MEM, 4096, VIEW(1), XR_MAP_WRITE), XR_OK);
    UT_EQ(xr_cap_delete(SCRATCH), XR_OK);
    UT_EQ(xr_cap_delete(MEM), XR_OK); /* the last cap: every mapping goes with the object */
    UT_EQ(xr_unmap(XR_SLOT_SELF, VIEW(1)), XR_ENOENT);
    UT_EQ(xr_unmap(XR_SLOT_SELF, VIEW(0) + 4096), XR_ENOENT);
    UT_EQ(xr_info(XR_INFO_QUOTA_USED), used);
}

/* A word written by one process is read by the other through its own mapping. */
UTEST(chan, memory_shared_across_processes)
{
    UT_EQ(chan_make(0), XR_OK);
    volatile uint64_t *w = (volatile uint64_t *)VIEW(0);
    w[0] = 0x1234;
    UT_EQ(child_start(CHILD_SHM, 0, 100), XR_OK);
    uint64_t st = ut_child_end(1000);
    UT_EQ(xr_status_state(st), XR_PROC_EXITED);
    UT_EQ(w[1], 0x1235);
    chan_unmake(0);
}

/* The last cap goes (by revoke, then delete) while both processes still map the object:
 * both mappings disappear and every frame comes back. */
UTEST(chan, memory_freed_when_last_cap_goes)
{
    uint64_t free0 = ut_frames_accounted();
    UT_EQ(chan_make(0), XR_OK);
    UT_EQ(child_start(CHILD_SPIN, 0, 50), XR_OK);
    UT_EQ(xr_process_give_cap(UT_SLOT_PROC, MEM, 20, XR_RIGHT_READ), XR_OK);
    UT_EQ(xr_cap_revoke(MEM), XR_OK); /* the child's copy is gone; the object stays */
    UT_EQ(*(volatile uint64_t *)VIEW(0), 0);
    UT_EQ(xr_cap_delete(MEM), XR_OK); /* the last cap */
    UT_EQ(xr_unmap(XR_SLOT_SELF, VIEW(0)), XR_ENOENT);
    UT_EQ(xr_unmap(UT_SLOT_PROC, CHILD_CHAN_VA), XR_ENOENT);
    UT_EQ(xr_unmap(UT_SLOT_PROC, CHILD_CHAN_VA + (pages - 1) * 4096), XR_ENOENT);
    ut_child_end(0);
    chan_unmake(0);
    UT_EQ(ut_frames_accounted(), free0);
}

/* Deleting or revoking a cap removes the mappings made through it and through the caps
 * derived from it (revoke deletes those), in every address space; mappings made through
 * other caps stay; a moved cap keeps its mappings. */
UTEST(chan, revoke_unmaps_derived_mappings)
{
    const unsigned rw = XR_RIGHT_READ | XR_RIGHT_WRITE;
    UT_EQ(xr_memory_create(2, MEM), XR_OK);
    UT_EQ(xr_cap_copy(MEM, MEM2, rw, 0), XR_OK);
    UT_EQ(xr_cap_copy(MEM2, SCRATCH, XR_RIGHT_READ, 0), XR_OK);
    UT_EQ(xr_map_memory(XR_SLOT_SELF, MEM, 0, VIEW(0), XR_MAP_WRITE), XR_OK);
    UT_EQ(xr_map_memory(XR_SLOT_SELF, MEM2, 0, VIEW(1), XR_MAP_WRITE), XR_OK);
    UT_EQ(xr_map_memory(XR_SLOT_SELF, SCRATCH, 4096, VIEW(2), 0), XR_OK);
    *(volatile uint64_t *)VIEW(1) = 7;
    UT_EQ(*(volatile uint64_t *)VIEW(0), 7); /* one frame, two views */
    UT_EQ(xr_cap_revoke(MEM), XR_OK);        /* deletes MEM2 and SCRATCH */
    UT_EQ(xr_unmap(XR_SLOT_SELF, VIEW(1)), XR_ENOENT);
    UT_EQ(xr_unmap(XR_SLOT_SELF, VIEW(2)), XR_ENOENT);
    UT_EQ(*(volatile uint64_t *)VIEW(0), 7); /* made through MEM: still mapped */
    UT_EQ(xr_cap_copy(MEM, MEM2, rw, 0), XR_OK);
    UT_EQ(xr_map_memory(XR_SLOT_SELF, MEM2, 0, VIEW(1), XR_MAP_WRITE), XR_OK);
    UT_EQ(xr_cap_move(MEM2, SCRATCH), XR_OK);
    UT_EQ(*(volatile uint64_t *)VIEW(1), 7); /* moving the cap moves nothing else */
    UT_EQ(xr_cap_delete(SCRATCH), XR_OK);
    UT_EQ(xr_unmap(XR_SLOT_SELF, VIEW(1)), XR_ENOENT);
    UT_EQ(xr_cap_delete(MEM), XR_OK);
    UT_EQ(xr_unmap(XR_SLOT_SELF, VIEW(0)), XR_ENOENT);
}

/* ---- channels between processes ---- */

#define MILLION 1000000

static volatile uint64_t ticks_million;

/* With several cores, the child moves to the last one: producer and consumer on two cores
 * (docs/smp.md); with one, nothing changes. */
static long other_core(void)
{
    return xr_thread_set_affinity(UT_SLOT_THREAD, (unsigned)xr_info(XR_INFO_CPUS) - 1);
}

UTEST(chan, spsc_1000000_in_order)
{
    chan_t ch;
    chan_msg_t m;
    UT_EQ(chan_make(0), XR_OK);
    UT_EQ(chan_attach(&ch, (void *)VIEW(0), SLOTS, POOL, CHAN_SPSC, RXN, TXN), XR_OK);
    uint64_t t0 = xr_info(XR_INFO_TICKS);
    UT_EQ(child_start(CHILD_ARG(CHILD_CHAN_PRODUCE, MILLION), 0, 100), XR_OK);
    UT_EQ(other_core(), XR_OK);
    for (uint64_t i = 0; i < MILLION; i++) {
        uint64_t msg[2];
        UT_EQ(chan_recv(&ch, &m), XR_OK);
        memcpy(msg, m.data, sizeof(msg));
        if (m.len != 16 || msg[0] != i || msg[1] != (i ^ MIX))
            UT_EQ(msg[0], i);
    }
    UT_EQ(chan_recv(&ch, &m), XR_EDEAD); /* closed: nothing more, nothing twice */
    ticks_million = xr_info(XR_INFO_TICKS) - t0;
    uint64_t st = ut_child_end(1000);
    UT_EQ(xr_status_state(st), XR_PROC_EXITED);
    UT_EQ(xr_status_code(st), 0);
    printf("chan: 1000000 messages between two processes in %lu ticks, %lu wake-ups\n",
           ticks_million, ch.sleeps);
    chan_unmake(0);
}

/* init sends, the child checks 5000 messages (the ring fills and empties many times). */
UTEST(chan, spsc_child_receives)
{
    chan_t ch;
    UT_EQ(chan_make(0), XR_OK);
    UT_EQ(chan_attach(&ch, (void *)VIEW(0), SLOTS, POOL, CHAN_SPSC, RXN, TXN), XR_OK);
    UT_EQ(child_start(CHILD_ARG(CHILD_CHAN_CONSUME, 5000), 0, 100), XR_OK);
    UT_EQ(other_core(), XR_OK);
    for (uint64_t i = 0; i < 5000; i++) {
        uint64_t msg[2] = {i, i ^ MIX};
        UT_EQ(chan_send(&ch, msg, sizeof(msg)), XR_OK);
    }
    uint64_t st = ut_child_end(5000);
    UT_EQ(xr_status_state(st), XR_PROC_EXITED);
    UT_EQ(xr_status_code(st), 0);
    chan_unmake(0);
}

/* Non-blocking edges, producer and consumer both in init on two views. */
UTEST(chan, full_and_empty_edges)
{
    chan_t tx, rx;
    chan_msg_t m;
    uint8_t big[64] = {0};
    UT_EQ(chan_make(0), XR_OK);
    UT_EQ(chan_map(XR_SLOT_SELF, MEM, VIEW(1), pages), XR_OK);
    UT_EQ(chan_attach(&tx, (void *)VIEW(0), SLOTS, POOL, CHAN_NONBLOCK, RXN, TXN), XR_OK);
    UT_EQ(chan_attach(&rx, (void *)VIEW(1), SLOTS, POOL, CHAN_NONBLOCK, RXN, TXN), XR_OK);
    UT_EQ(chan_attach(&rx, (void *)VIEW(1), 100, POOL, 0, RXN, TXN), XR_EINVAL);
    UT_EQ(chan_attach(&rx, (void *)VIEW(1), SLOTS, POOL, CHAN_NONBLOCK, RXN, TXN), XR_OK);
    UT_EQ(chan_recv(&rx, &m), XR_EAGAIN);
    UT_EQ(chan_send(&tx, big, CHAN_INLINE_MAX + 1), XR_ERANGE);
    UT_EQ(chan_send(&tx, big, 0), XR_OK); /* an empty message is a message */
    UT_EQ(chan_recv(&rx, &m), XR_OK);
    UT_EQ(m.len, 0);
    UT_EQ(chan_recv(&rx, &m), XR_EAGAIN); /* empty: its slot goes back */
    for (uint32_t i = 0; i < SLOTS; i++)
        UT_EQ(chan_send(&tx, &i, sizeof(i)), XR_OK);
    UT_EQ(chan_send(&tx, big, 4), XR_EAGAIN);
    UT_EQ(chan_recv(&rx, &m), XR_OK);
    UT_EQ(*(uint32_t *)m.data, 0);
    UT_EQ(chan_send(&tx, big, 4), XR_EAGAIN); /* slots go back CHAN_SYNC_EVERY at a time */
    uint32_t next = 1;
    for (; chan_recv_pos(&rx) % CHAN_SYNC_EVERY; next++) {
        UT_EQ(chan_recv(&rx, &m), XR_OK);
        UT_EQ(*(uint32_t *)m.data, next);
    }
    for (uint32_t i = SLOTS; i < SLOTS + next; i++) /* as many freed slots, messages */
        UT_EQ(chan_send(&tx, &i, sizeof(i)), XR_OK);
    UT_EQ(chan_send(&tx, big, 4), XR_EAGAIN);
    for (uint32_t i = next; i < SLOTS + next; i++) {
        UT_EQ(chan_recv(&rx, &m), XR_OK);
        UT_EQ(*(uint32_t *)m.data, i);
    }
    UT_EQ(chan_send(&tx, big, 4), XR_OK);
    UT_EQ(chan_recv(&rx, &m), XR_OK);
    UT_ASSERT(chan_recv_pos(&rx) % CHAN_SYNC_EVERY != 0);
    UT_EQ(chan_recv(&rx, &m), XR_EAGAIN); /* empty: the slots since the last sync go back */
    for (uint32_t i = 0; i < SLOTS; i++)
        UT_EQ(chan_send(&tx, &i, sizeof(i)), XR_OK);
    UT_EQ(chan_send(&tx, big, 4), XR_EAGAIN);
    for (uint32_t i = 0; i < SLOTS; i++) {
        UT_EQ(chan_recv(&rx, &m), XR_OK);
        UT_EQ(*(uint32_t *)m.data, i);
    }
    UT_EQ(chan_recv(&rx, &m), XR_EAGAIN);
    UT_EQ(tx.wakeups + rx.wakeups, 0); /* nobody slept: no system call at all */
    chan_close(&tx);
    UT_EQ(chan_recv(&rx, &m), XR_EDEAD);
    unview(1);
    chan_unmake(0);
}

/* ---- wake-ups, batching: a consumer thread in init ---- */

static chan_t thr_rx;
static volatile uint64_t thr_got, thr_bad;
static volatile long thr_err;

static void consumer_thread(uint64_t n)
{
    chan_msg_t m;
    for (uint64_t i = 0; i < n; i++) {
        long err = chan_recv(&thr_rx, &m);
        if (err) {
            thr_err = err;
            return;
        }
        if (*(uint64_t *)m.data != i)
            thr_bad++;
        thr_got++;
    }
}

static bool thread_blocked(xr_cap_t t)
{
    uint64_t state = 0;
    return xr_thread_status(t, &state) == XR_OK && state == XR_THREAD_BLOCKED;
}

UTEST(chan, wakeup_after_sleep)
{
    chan_t tx;
    UT_EQ(chan_make(0), XR_OK);
    UT_EQ(chan_attach(&tx, (void *)VIEW(0), SLOTS, POOL, CHAN_SPSC, RXN, TXN), XR_OK);
    UT_EQ(chan_attach(&thr_rx, (void *)VIEW(0), SLOTS, POOL, CHAN_SPSC, RXN, TXN), XR_OK);
    thr_got = thr_bad = 0;
    thr_err = 0;
    UT_EQ(ut_thread(consumer_thread, 3, 150, T0), XR_OK);
    for (uint64_t i = 0; i < 3; i++) {
        xr_sleep_us(20000); /* the consumer empties the ring and sleeps */
        UT_ASSERT(thread_blocked(T0));
        UT_EQ(thr_got, i);
        UT_EQ(chan_send(&tx, &i, sizeof(i)), XR_OK);
        UT_EQ(tx.wakeups, i + 1); /* exactly one signal per sleep */
    }
    UT_ASSERT(ut_thread_join(T0, 1000));
    UT_EQ(thr_got, 3);
    UT_EQ(thr_bad + thr_err, 0);
    chan_unmake(0);
}

/* 100 messages written then flushed cost one wake-up; sends that find the consumer awake
 * (woken, not yet run) cost none. */
UTEST(chan, batch_one_wakeup)
{
    chan_t tx;
    UT_EQ(chan_make(0), XR_OK);
    UT_EQ(chan_attach(&tx, (void *)VIEW(0), SLOTS, POOL, CHAN_SPSC, RXN, TXN), XR_OK);
    UT_EQ(chan_attach(&thr_rx, (void *)VIEW(0), SLOTS, POOL, CHAN_SPSC, RXN, TXN), XR_OK);
    thr_got = thr_bad = 0;
    thr_err = 0;
    UT_EQ(ut_thread(consumer_thread, 200, 150, T0), XR_OK);
    xr_sleep_us(20000);
    UT_ASSERT(thread_blocked(T0));
    for (uint64_t i = 0; i < 100; i++)
        UT_EQ(chan_write(&tx, &i, sizeof(i)), XR_OK);
    UT_EQ(tx.wakeups, 0); /* staged, not visible yet */
    UT_EQ(chan_flush(&tx), XR_OK);
    UT_EQ(tx.wakeups, 1);
    for (uint64_t i = 100; i < 200; i++) /* the consumer is awake (runnable): no syscall */
        UT_EQ(chan_send(&tx, &i, sizeof(i)), XR_OK);
    UT_EQ(tx.wakeups, 1);
    UT_ASSERT(ut_thread_join(T0, 1000));
    UT_EQ(thr_got, 200);
    UT_EQ(thr_bad + thr_err, 0);
    chan_unmake(0);
}

/* chan_close wakes a sleeping consumer with XR_EDEAD. */
UTEST(chan, close_wakes_receiver)
{
    chan_t tx;
    UT_EQ(chan_make(0), XR_OK);
    UT_EQ(chan_attach(&tx, (void *)VIEW(0), SLOTS, POOL, CHAN_SPSC, RXN, TXN), XR_OK);
    UT_EQ(chan_attach(&thr_rx, (void *)VIEW(0), SLOTS, POOL, CHAN_SPSC, RXN, TXN), XR_OK);
    thr_got = 0;
    thr_err = 0;
    UT_EQ(ut_thread(consumer_thread, 10, 150, T0), XR_OK);
    xr_sleep_us(20000);
    UT_ASSERT(thread_blocked(T0));
    chan_close(&tx);
    UT_ASSERT(ut_thread_join(T0, 1000));
    UT_EQ(thr_err, XR_EDEAD);
    UT_EQ(thr_got, 0);
    chan_unmake(0);
}

/* ---- several producers ---- */

#define PRODUCERS    4
#define PER_PRODUCER 10000

static chan_t mp_tx[PRODUCERS];
static volatile long mp_err[PRODUCERS];

static void producer_thread(uint64_t id)
{
    for (uint64_t i = 0; i < PER_PRODUCER; i++) {
        uint64_t msg[2] = {id, i};
        long err = chan_send(&mp_tx[id], msg, sizeof(msg));
        if (err) {
            mp_err[id] = err;
            return;
        }
    }
}

static chan_t mp_rx;
static volatile uint64_t mp_bad, mp_got;

/* At the producers' priority, so that the ring fills and wake-ups batch up. */
static void mpsc_consumer(uint64_t unused)
{
    chan_msg_t m;
    uint64_t next[PRODUCERS] = {0};
    (void)unused;
    for (unsigned n = 0; n < PRODUCERS * PER_PRODUCER; n++) {
        uint64_t msg[2];
        if (chan_recv(&mp_rx, &m)) {
            mp_bad++;
            return;
        }
        memcpy(msg, m.data, sizeof(msg));
        if (msg[0] >= PRODUCERS || msg[1] != next[msg[0]]) /* in order per producer */
            mp_bad++;
        else
            next[msg[0]]++;
        mp_got++;
    }
}

UTEST(chan, mpsc_threads)
{
    chan_msg_t m;
    mp_bad = mp_got = 0;
    UT_EQ(chan_make(0), XR_OK);
    UT_EQ(chan_attach(&mp_rx, (void *)VIEW(0), SLOTS, 0, CHAN_MPSC, RXN, TXN), XR_OK);
    UT_EQ(ut_thread(mpsc_consumer, 0, 100, T0 + PRODUCERS), XR_OK);
    for (unsigned p = 0; p < PRODUCERS; p++) {
        mp_err[p] = 0;
        UT_EQ(chan_attach(&mp_tx[p], (void *)VIEW(0), SLOTS, 0, CHAN_MPSC, RXN, TXN), XR_OK);
        UT_EQ(ut_thread(producer_thread, p, 100, T0 + p), XR_OK);
    }
    for (unsigned p = 0; p <= PRODUCERS; p++)
        UT_ASSERT(ut_thread_join(T0 + p, 20000));
    for (unsigned p = 0; p < PRODUCERS; p++)
        UT_EQ(mp_err[p], 0);
    UT_EQ(mp_bad, 0);
    UT_EQ(mp_got, PRODUCERS * PER_PRODUCER); /* none lost */
    mp_rx.flags |= CHAN_NONBLOCK;
    UT_EQ(chan_recv(&mp_rx, &m), XR_EAGAIN); /* none duplicated */
    chan_unmake(0);
}

/* ---- zero copy ---- */

UTEST(chan, zero_copy_buffers)
{
    chan_t tx, rx;
    chan_msg_t m;
    UT_EQ(chan_make(0), XR_OK);
    UT_EQ(chan_map(XR_SLOT_SELF, MEM, VIEW(1), pages), XR_OK);
    UT_EQ(chan_attach(&tx, (void *)VIEW(0), SLOTS, POOL, CHAN_NONBLOCK, RXN, TXN), XR_OK);
    UT_EQ(chan_attach(&rx, (void *)VIEW(1), SLOTS, POOL, CHAN_NONBLOCK, RXN, TXN), XR_OK);
    UT_EQ(chan_buf_alloc(&tx, POOL * 4096 + 1, NULL, NULL), XR_EINVAL);
    for (unsigned round = 0; round < 40; round++) { /* the pool wraps several times */
        size_t len = 1000 + round * 397;
        void *buf;
        uint64_t pos;
        UT_EQ(chan_buf_alloc(&tx, len, &buf, &pos), XR_OK);
        memset(buf, (int)round, len);
        UT_EQ(chan_send_ref(&tx, pos, len), XR_OK);
        UT_EQ(chan_recv(&rx, &m), XR_OK);
        UT_EQ(m.kind, CHAN_KIND_REF);
        UT_EQ(m.len, len);
        /* the same bytes, not a copy: the receiver's pointer is the sender's buffer seen
         * through the receiver's own mapping */
        UT_EQ((uint64_t)m.ptr - VIEW(1), (uint64_t)buf - VIEW(0));
        UT_EQ(m.ptr[0], (uint8_t)round);
        UT_EQ(m.ptr[len - 1], (uint8_t)round);
        chan_buf_release(&rx, &m);
    }
    /* a full pool: XR_EAGAIN until the receiver releases */
    void *b1, *b2;
    uint64_t p1, p2;
    UT_EQ(chan_buf_alloc(&tx, POOL * 4096, &b1, &p1), XR_OK);
    UT_EQ(chan_buf_alloc(&tx, 8, &b2, &p2), XR_EAGAIN);
    UT_EQ(chan_send_ref(&tx, p1, POOL * 4096), XR_OK);
    UT_EQ(chan_recv(&rx, &m), XR_OK);
    chan_buf_release(&rx, &m);
    UT_EQ(chan_buf_alloc(&tx, 8, &b2, &p2), XR_OK);
    unview(1);
    chan_unmake(0);
}

/* ---- hostile peers ---- */

/* A slot's header as a producer at position pos writes it. */
#define HDR(pos, tag) (((uint64_t)(pos) + 1) << CHAN_STAMP_SHIFT | (tag))

/* Garbage in the shared indices and the slots' stamps: the receiver (and the sender)
 * report XR_ECORRUPT (or see no message) and consume nothing. The receiver's view has
 * unmapped pages all around it, so any access outside the channel would kill init. */
UTEST(chan, hostile_indices)
{
    chan_t tx, rx, mtx, mrx;
    chan_msg_t m;
    uint64_t v = 7;
    UT_EQ(chan_make(0), XR_OK);
    UT_EQ(chan_map(XR_SLOT_SELF, MEM, VIEW(1), pages), XR_OK);
    chan_shared_t *sh = (chan_shared_t *)VIEW(0);
    chan_slot_t *ring = (chan_slot_t *)(VIEW(0) + 4096);
    UT_EQ(chan_attach(&tx, (void *)VIEW(0), SLOTS, POOL, CHAN_NONBLOCK, RXN, TXN), XR_OK);
    UT_EQ(chan_attach(&rx, (void *)VIEW(1), SLOTS, POOL, CHAN_NONBLOCK, RXN, TXN), XR_OK);
    UT_EQ(chan_send(&tx, &v, 8), XR_OK);
    UT_EQ(ring[0].hdr, HDR(0, 8));
    ring[0].hdr = HDR(1000000, 8); /* a stamp far past our position */
    UT_EQ(chan_recv(&rx, &m), XR_ECORRUPT);
    UT_EQ(chan_recv_begin(&rx, &m), XR_ECORRUPT);
    ring[0].hdr = HDR(-2, 8); /* behind it (it wraps) */
    UT_EQ(chan_recv(&rx, &m), XR_ECORRUPT);
    ring[0].hdr = HDR(0 - SLOTS, 8); /* last lap's message: the ring looks empty */
    UT_EQ(chan_recv(&rx, &m), XR_EAGAIN);
    ring[0].hdr = 0; /* never written: empty too */
    UT_EQ(chan_recv(&rx, &m), XR_EAGAIN);
    ring[0].hdr = ~0ul;
    UT_EQ(chan_recv(&rx, &m), XR_ECORRUPT);
    sh->head = 1000000; /* SPSC never reads the shared head */
    ring[0].hdr = HDR(0, 8);
    UT_EQ(chan_recv(&rx, &m), XR_OK); /* repaired: the message was not consumed */
    UT_EQ(*(uint64_t *)m.data, 7);
    UT_EQ(chan_recv_pos(&rx), 1);
    sh->tail = 5000; /* the consumer's index, seen by the producer */
    long err = XR_OK;
    for (unsigned i = 0; i < SLOTS && !err; i++)
        err = chan_send(&tx, &v, 8);
    UT_EQ(err, XR_ECORRUPT);
    sh->tail = ~0ul; /* ahead of the producer's head */
    UT_EQ(chan_send(&tx, &v, 8), XR_ECORRUPT);
    sh->pool_tail = 1ul << 40;
    void *buf;
    uint64_t pos;
    UT_EQ(chan_buf_alloc(&tx, 100, &buf, &pos), XR_ECORRUPT);
    /* MPSC: a stamp that is neither "last lap" nor "this position"; a shared head or tail
     * that no producer could have left */
    memset((void *)VIEW(0), 0, pages * 4096);
    UT_EQ(chan_attach(&mtx, (void *)VIEW(0), SLOTS, 0, CHAN_MPSC | CHAN_NONBLOCK, RXN, TXN), XR_OK);
    UT_EQ(chan_attach(&mrx, (void *)VIEW(1), SLOTS, 0, CHAN_MPSC | CHAN_NONBLOCK, RXN, TXN), XR_OK);
    ring[0].hdr = 12345;
    UT_EQ(chan_recv(&mrx, &m), XR_ECORRUPT);
    ring[0].hdr = 0;
    sh->head = 1000000;
    UT_EQ(chan_send(&mtx, &v, 8), XR_ECORRUPT);
    sh->head = 0;
    sh->tail = 1000000;
    UT_EQ(chan_send(&mtx, &v, 8), XR_ECORRUPT);
    sh->tail = 0;
    UT_EQ(chan_send(&mtx, &v, 8), XR_OK);
    UT_EQ(chan_recv(&mrx, &m), XR_OK);
    UT_EQ(*(uint64_t *)m.data, 7);
    uint64_t *slot;
    UT_EQ(chan_write_begin(&mtx, &slot), XR_EINVAL); /* in place: SPSC only */
    unview(1);
    chan_unmake(0);
}

/* Garbage in a slot's tag (kind and length) and a reference's words. */
UTEST(chan, hostile_lengths)
{
    chan_t tx, rx;
    chan_msg_t m;
    uint64_t v = 9;
    UT_EQ(chan_make(0), XR_OK);
    UT_EQ(chan_map(XR_SLOT_SELF, MEM, VIEW(1), pages), XR_OK);
    UT_EQ(chan_attach(&tx, (void *)VIEW(0), SLOTS, POOL, CHAN_NONBLOCK, RXN, TXN), XR_OK);
    UT_EQ(chan_attach(&rx, (void *)VIEW(1), SLOTS, POOL, CHAN_NONBLOCK, RXN, TXN), XR_OK);
    chan_slot_t *s = (chan_slot_t *)(VIEW(0) + 4096);
    uint64_t *ref = s->w;
    UT_EQ(chan_send(&tx, &v, 8), XR_OK);
    s->hdr = HDR(0, 57); /* an inline length past the slot */
    UT_EQ(chan_recv(&rx, &m), XR_ECORRUPT);
    s->hdr = HDR(0, 0xff);
    UT_EQ(chan_recv(&rx, &m), XR_ECORRUPT);
    s->hdr = HDR(0, CHAN_TAG_REF | 8); /* a tag that is neither */
    UT_EQ(chan_recv(&rx, &m), XR_ECORRUPT);
    s->hdr = HDR(0, CHAN_TAG_REF);
    ref[0] = 0;
    ref[1] = POOL * 4096 + 1; /* longer than the pool */
    UT_EQ(chan_recv(&rx, &m), XR_ECORRUPT);
    ref[0] = POOL * 4096 - 10;
    ref[1] = 11; /* one byte past the pool's end */
    UT_EQ(chan_recv(&rx, &m), XR_ECORRUPT);
    ref[0] = ~0ul - 5;
    ref[1] = ~0ul; /* wrapping */
    UT_EQ(chan_recv(&rx, &m), XR_ECORRUPT);
    ref[1] = 0;
    UT_EQ(chan_recv(&rx, &m), XR_ECORRUPT);
    ref[0] = POOL * 4096 - 10;
    ref[1] = 10; /* exactly the pool's last bytes: fine */
    UT_EQ(chan_recv(&rx, &m), XR_OK);
    UT_EQ((uint64_t)m.ptr + m.len, VIEW(1) + pages * 4096);
    unview(1);
    chan_unmake(0);
}

/* Reading in place: chan_recv_begin consumes nothing and points into the receiver's view of
 * the slot; the length it returns is the one it checked, whatever the sender writes after;
 * chan_recv_end consumes. Writing in place (chan_write_begin/end) and peeking
 * (chan_recv_peek). No system call: nobody sleeps. */
UTEST(chan, in_place_reads)
{
    chan_t tx, rx;
    chan_msg_t m;
    uint64_t w[7] = {1, 2, 3, 4, 5, 6, 7};
    UT_EQ(chan_make(0), XR_OK);
    UT_EQ(chan_map(XR_SLOT_SELF, MEM, VIEW(1), pages), XR_OK);
    UT_EQ(chan_attach(&tx, (void *)VIEW(0), SLOTS, POOL, CHAN_NONBLOCK, RXN, TXN), XR_OK);
    UT_EQ(chan_attach(&rx, (void *)VIEW(1), SLOTS, POOL, CHAN_NONBLOCK, RXN, TXN), XR_OK);
    chan_slot_t *s = (chan_slot_t *)(VIEW(0) + 4096);
    for (unsigned lap = 0; lap < 3; lap++) {
        for (uint32_t i = 0; i < SLOTS; i++) {
            w[0] = lap * SLOTS + i;
            UT_EQ(chan_write(&tx, w, 8 + i % 49), XR_OK);
        }
        UT_EQ(chan_write(&tx, w, 8), XR_EAGAIN); /* full */
        for (uint32_t i = 0; i < SLOTS; i++) {
            UT_EQ(chan_recv_begin(&rx, &m), XR_OK);
            UT_EQ(m.kind, CHAN_KIND_INLINE);
            UT_EQ(m.len, 8 + i % 49);
            UT_EQ((uint64_t)m.ptr, VIEW(1) + 4096 + i * 64ul + 8);
            UT_EQ(*(const uint64_t *)m.ptr, lap * SLOTS + i);
            if (m.len > 48)
                UT_EQ(*(const uint64_t *)(m.ptr + 48), 7);
            if (i == 0) {
                UT_EQ(chan_recv_begin(&rx, &m), XR_OK); /* not consumed: the same again */
                UT_EQ(*(const uint64_t *)m.ptr, lap * SLOTS);
                uint64_t hdr = s[0].hdr;
                s[0].hdr = ~0ul; /* the sender rewrites the header: m keeps what was checked */
                UT_EQ(m.len, 8);
                s[0].hdr = hdr;
            }
            chan_recv_end(&rx);
        }
        UT_EQ(chan_recv_begin(&rx, &m), XR_EAGAIN);
    }
    /* written in place, peeked at in place */
    uint64_t *slot;
    size_t len;
    UT_ASSERT(chan_recv_peek(&rx, &len) == NULL); /* empty */
    UT_EQ(chan_write_begin(&tx, &slot), XR_OK);
    UT_EQ((uint64_t)slot, VIEW(0) + 4096 + 8); /* position 3 * SLOTS: slot 0 */
    slot[0] = 0x1234;
    UT_EQ(chan_write_end(&tx, CHAN_INLINE_MAX + 1), XR_ERANGE); /* nothing published */
    UT_ASSERT(chan_recv_peek(&rx, &len) == NULL);
    UT_EQ(chan_write_end(&tx, 8), XR_OK);
    UT_EQ(chan_flush(&tx), XR_OK);
    const uint64_t *in = chan_recv_peek(&rx, &len);
    UT_ASSERT(in != NULL);
    UT_EQ(len, 8);
    UT_EQ((uint64_t)in, VIEW(1) + 4096 + 8);
    UT_EQ(in[0], 0x1234);
    chan_recv_end(&rx);
    UT_ASSERT(chan_recv_peek(&rx, &len) == NULL);
    /* a reference is not for chan_recv_peek: chan_recv_begin decodes it */
    void *buf;
    uint64_t at;
    UT_EQ(chan_buf_alloc(&tx, 100, &buf, &at), XR_OK);
    UT_EQ(chan_send_ref(&tx, at, 100), XR_OK);
    UT_ASSERT(chan_recv_peek(&rx, &len) == NULL);
    UT_EQ(chan_recv_begin(&rx, &m), XR_OK);
    UT_EQ(m.kind, CHAN_KIND_REF);
    chan_recv_end(&rx);
    chan_buf_release(&rx, &m);
    /* a message that is not a multiple of 8 bytes arrives byte for byte, zero-padded */
    UT_EQ(chan_send(&tx, "abcdefghijk", 11), XR_OK);
    UT_EQ(chan_recv(&rx, &m), XR_OK);
    UT_EQ(m.len, 11);
    UT_EQ(memcmp(m.data, "abcdefghijk", 11), 0);
    UT_EQ(m.data[11], 0);
    UT_ASSERT(m.ptr == m.data);
    UT_EQ(tx.wakeups + rx.wakeups, 0);
    unview(1);
    chan_unmake(0);
}

/* Batches (chan_write_batch, chan_read_batch): a producer batch stops where the ring is full
 * or ends; a consumer batch at the sync point, publishing the tail there; both interleave
 * with the one-message calls. A peek takes only an inline message of exactly the length
 * asked; garbage, a reference or a wrong length is NULL, which chan_recv_begin then explains.
 * Cursors that are not the channel's latest batch, or went past its end, are XR_EINVAL and
 * change nothing. No system call: nobody sleeps. */
UTEST(chan, batches)
{
    chan_t tx, rx, mtx;
    chan_wbatch_t wb, wb2;
    chan_rbatch_t rb, rb2;
    chan_msg_t m;
    uint64_t w[7] = {0, 2, 3, 4, 5, 6, 7}, *slot;
    const uint64_t *in;
    UT_EQ(chan_make(0), XR_OK);
    UT_EQ(chan_map(XR_SLOT_SELF, MEM, VIEW(1), pages), XR_OK);
    UT_EQ(chan_attach(&tx, (void *)VIEW(0), SLOTS, POOL, CHAN_NONBLOCK, RXN, TXN), XR_OK);
    UT_EQ(chan_attach(&rx, (void *)VIEW(1), SLOTS, POOL, CHAN_NONBLOCK, RXN, TXN), XR_OK);
    chan_shared_t *sh = (chan_shared_t *)VIEW(0);
    chan_slot_t *s = (chan_slot_t *)(VIEW(0) + 4096);
    uint64_t sent = 0, got = 0;
    for (unsigned lap = 0; lap < 3; lap++) {
        /* batches of up to 10 fill the ring: the last one is cut where it is full */
        unsigned batches = 0;
        while (chan_write_batch(&tx, &wb, 10) == XR_OK) {
            UT_ASSERT(wb.end - wb.slot >= 1 && wb.end - wb.slot <= 10);
            for (; (w[0] = sent, chan_wbatch_put(&wb, w, 8 + sent % 49)) == XR_OK; sent++)
                ;
            UT_EQ(chan_wbatch_put(&wb, w, 8), XR_EAGAIN); /* the batch is full */
            UT_EQ(chan_write_batch_end(&tx, &wb), XR_OK);
            batches++;
        }
        UT_EQ(sent, (lap + 1) * SLOTS);
        UT_EQ(batches, (SLOTS + 9) / 10);
        UT_EQ(chan_write(&tx, w, 8), XR_EAGAIN); /* full for chan_write too */
        /* batches of the consumer end at every sync point, where the tail is published */
        while (got < sent) {
            chan_read_batch(&rx, &rb);
            unsigned n = 0;
            while ((in = chan_rbatch_peek(&rb, 8 + got % 49)) && in[0] == got) {
                UT_ASSERT(chan_rbatch_peek(&rb, 7 + got % 49) == NULL); /* another length */
                chan_rbatch_next(&rb);
                got++, n++;
            }
            UT_ASSERT(in == NULL);
            UT_EQ(n, CHAN_SYNC_EVERY);
            UT_EQ(chan_read_batch_end(&rx, &rb), XR_OK);
            UT_EQ(sh->tail, got);
            UT_EQ(chan_recv_pos(&rx), got);
        }
        chan_read_batch(&rx, &rb);
        UT_ASSERT(chan_rbatch_peek(&rb, 8 + got % 49) == NULL); /* empty */
        UT_EQ(chan_read_batch_end(&rx, &rb), XR_OK);
    }
    /* a batch ends at the ring's end; the one-message calls go on where a batch ended */
    for (unsigned i = 0; i < SLOTS - 5; i++, sent++)
        UT_EQ(chan_send(&tx, w, 8), XR_OK);
    for (unsigned i = 0; i < SLOTS - 5; i++, got++)
        UT_EQ(chan_recv(&rx, &m), XR_OK);
    UT_EQ(chan_write_batch(&tx, &wb, 10), XR_OK);
    UT_EQ(wb.end - wb.slot, 5);
    UT_ASSERT(wb.slot == &s[SLOTS - 5]);
    UT_ASSERT((slot = chan_wbatch_slot(&wb)) != NULL); /* in place */
    slot[0] = 0x55;
    uint64_t last = s[SLOTS - 5].hdr;                                /* the last lap's */
    UT_EQ(chan_wbatch_publish(&wb, CHAN_INLINE_MAX + 1), XR_ERANGE); /* nothing published */
    UT_EQ(chan_wbatch_put(&wb, w, CHAN_INLINE_MAX + 1), XR_ERANGE);
    UT_EQ(s[SLOTS - 5].hdr, last);
    UT_EQ(chan_wbatch_publish(&wb, 16), XR_OK);
    UT_EQ(chan_write_batch_end(&tx, &wb), XR_OK);
    UT_EQ(chan_send(&tx, w, 24), XR_OK);
    sent += 2;
    chan_read_batch(&rx, &rb);
    UT_ASSERT((in = chan_rbatch_peek(&rb, 16)) != NULL);
    UT_EQ(in[0], 0x55);
    UT_EQ((uint64_t)in, VIEW(1) + 4096 + (SLOTS - 5) * 64ul + 8);
    chan_rbatch_next(&rb);
    UT_EQ(chan_read_batch_end(&rx, &rb), XR_OK);
    UT_EQ(chan_recv(&rx, &m), XR_OK);
    UT_EQ(m.len, 24);
    got += 2;
    /* the producer's next batch ends at the ring's end (3 slots), the one after wraps */
    UT_EQ(chan_write_batch(&tx, &wb, 10), XR_OK);
    UT_EQ(wb.end - wb.slot, 3);
    for (; chan_wbatch_put(&wb, w, 8) == XR_OK; sent++)
        ;
    UT_EQ(chan_write_batch_end(&tx, &wb), XR_OK);
    UT_EQ(chan_write_batch(&tx, &wb, 10), XR_OK);
    UT_ASSERT(wb.slot == &s[0] && wb.end == &s[10]);
    /* bad cursors: past the free slots (224: the consumer published 992), not a slot's
     * address, behind the position */
    wb2 = wb;
    wb2.slot = wb.end + 1;
    UT_EQ(chan_wbatch_put(&wb2, w, 8), XR_EAGAIN); /* nothing written past a batch's end */
    wb2.slot = wb.slot + 225;
    UT_EQ(chan_write_batch_end(&tx, &wb2), XR_EINVAL);
    wb2.slot = (chan_slot_t *)((uint8_t *)wb.slot + 8);
    UT_EQ(chan_write_batch_end(&tx, &wb2), XR_EINVAL);
    wb2.slot = wb.slot - 1;
    UT_EQ(chan_write_batch_end(&tx, &wb2), XR_EINVAL);
    UT_EQ(chan_send_pos(&tx), sent);             /* unchanged */
    UT_EQ(chan_write_batch(&tx, &wb, 0), XR_OK); /* an empty batch */
    UT_EQ(chan_wbatch_put(&wb, w, 8), XR_EAGAIN);
    UT_ASSERT(chan_wbatch_slot(&wb) == NULL);
    UT_EQ(chan_wbatch_publish(&wb, 8), XR_EAGAIN);
    UT_EQ(chan_write_batch_end(&tx, &wb), XR_OK);
    UT_EQ(chan_send_pos(&tx), sent);
    for (unsigned i = 0; i < 4; i++, sent++) {
        w[0] = sent;
        UT_EQ(chan_send(&tx, w, 8), XR_OK);
    }
    chan_read_batch(&rx, &rb);
    UT_ASSERT(rb.end - rb.slot == 3); /* position 1021: 3 to the sync point */
    rb2 = rb;
    for (unsigned i = 0; i < 3; i++) { /* the ring's last 3 */
        UT_ASSERT(chan_rbatch_peek(&rb2, 8) != NULL);
        chan_rbatch_next(&rb2);
    }
    UT_ASSERT(rb2.slot == &((chan_slot_t *)(VIEW(1) + 4096))[SLOTS]);
    UT_ASSERT(rb2.slot == rb2.end);                   /* a sync point: the ring's end */
    UT_ASSERT(chan_rbatch_peek(&rb2, 8) == NULL);     /* never read past it */
    chan_rbatch_next(&rb2);                           /* misused: past the end */
    UT_ASSERT(chan_rbatch_peek(&rb2, 8) == NULL);     /* still nothing read */
    UT_EQ(chan_read_batch_end(&rx, &rb2), XR_EINVAL); /* and refused */
    rb2.slot = (chan_slot_t *)((uint8_t *)rb.slot + 1);
    UT_EQ(chan_read_batch_end(&rx, &rb2), XR_EINVAL);
    UT_EQ(chan_recv_pos(&rx), got);              /* unchanged */
    UT_EQ(chan_read_batch_end(&rx, &rb), XR_OK); /* nothing taken */
    for (unsigned i = 0; i < 3; i++, got++)
        UT_EQ(chan_recv(&rx, &m), XR_OK);
    UT_EQ(sh->tail, got); /* the ring's end was a sync point */
    /* hostile headers in a batch: each stops it (NULL), nothing is consumed, and
     * chan_recv_begin tells what it is */
    chan_read_batch(&rx, &rb);
    UT_ASSERT(rb.slot == (chan_slot_t *)(VIEW(1) + 4096));
    UT_ASSERT((in = chan_rbatch_peek(&rb, 8)) != NULL && in[0] == got);
    uint64_t hdr = s[0].hdr, here = hdr & ~0xfful; /* HDR(got, 0) */
    const uint64_t bad[] = {here + (1000000ul << 8) + 8,
                            here - (2ul << 8) + 8,
                            here - ((uint64_t)SLOTS << 8) + 8,
                            0,
                            ~0ul,
                            here + 57,
                            here + (CHAN_TAG_REF | 8),
                            here + 0xff};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        s[0].hdr = bad[i];
        UT_ASSERT(chan_rbatch_peek(&rb, 8) == NULL);
        UT_ASSERT(chan_rbatch_peek(&rb, 57) == NULL); /* an inline length past the slot */
    }
    s[0].hdr = here | CHAN_TAG_REF; /* a reference is not an inline message */
    s[0].w[0] = 0;
    s[0].w[1] = 100;
    UT_ASSERT(chan_rbatch_peek(&rb, CHAN_TAG_REF) == NULL);
    UT_ASSERT(chan_rbatch_peek(&rb, 8) == NULL);
    UT_EQ(chan_read_batch_end(&rx, &rb), XR_OK);
    UT_EQ(chan_recv_pos(&rx), got);
    s[0].hdr = here | 57;
    UT_EQ(chan_recv_begin(&rx, &m), XR_ECORRUPT);
    s[0].hdr = hdr; /* repaired: the message was not consumed */
    s[0].w[0] = got;
    chan_read_batch(&rx, &rb);
    UT_ASSERT((in = chan_rbatch_peek(&rb, 8)) != NULL && in[0] == got);
    chan_rbatch_next(&rb);
    UT_EQ(chan_read_batch_end(&rx, &rb), XR_OK);
    UT_EQ(chan_recv_pos(&rx), got + 1);
    /* MPSC producers have no batches */
    memset((void *)VIEW(0), 0, pages * 4096);
    UT_EQ(chan_attach(&mtx, (void *)VIEW(0), SLOTS, 0, CHAN_MPSC | CHAN_NONBLOCK, RXN, TXN), XR_OK);
    UT_EQ(chan_write_batch(&mtx, &wb, 10), XR_EINVAL);
    UT_EQ(tx.wakeups + rx.wakeups, 0);
    unview(1);
    chan_unmake(0);
}

/* A child scribbles random words over the channel while init keeps receiving: every call
 * returns a message within bounds, XR_EAGAIN or XR_ECORRUPT, and init survives. */
UTEST(chan, hostile_peer_process)
{
    chan_t rx;
    chan_msg_t m;
    UT_EQ(chan_make(0), XR_OK);
    UT_EQ(chan_attach(&rx, (void *)VIEW(0), SLOTS, POOL, CHAN_NONBLOCK, RXN, TXN), XR_OK);
    UT_EQ(child_start(CHILD_ARG(CHILD_CHAN_HOSTILE, 200000), 0, 200),
          XR_OK); /* init's level: yields alternate */
    unsigned ok = 0, corrupt = 0;
    for (unsigned i = 0; i < 20000; i++) {
        long err = chan_recv(&rx, &m);
        if (err == XR_OK) {
            ok++;
            UT_ASSERT(m.len <= (m.kind == CHAN_KIND_REF ? POOL * 4096 : CHAN_INLINE_MAX));
            if (m.kind == CHAN_KIND_REF) {
                UT_ASSERT((uint64_t)m.ptr >= VIEW(0) + pages * 4096 - POOL * 4096);
                UT_ASSERT((uint64_t)m.ptr + m.len <= VIEW(0) + pages * 4096);
                (void)*(volatile const uint8_t *)(m.ptr + m.len - 1);
                chan_buf_release(&rx, &m);
            }
        } else {
            UT_ASSERT(err == XR_EAGAIN || err == XR_ECORRUPT || err == XR_EDEAD);
            corrupt += err == XR_ECORRUPT;
        }
        if (i % 16 == 15)
            xr_yield();
    }
    uint64_t st = ut_child_end(5000);
    UT_EQ(xr_status_state(st), XR_PROC_EXITED);
    UT_ASSERT(corrupt > 0);
    chan_unmake(0);
}

/* ---- a peer dies ---- */

/* The producer sends 100 messages and faults: the receiver (holding the producer's
 * process cap) gets the 100, then XR_EDEAD instead of waiting forever. */
UTEST(chan, sender_dies)
{
    chan_t rx;
    chan_msg_t m;
    UT_EQ(chan_make(0), XR_OK);
    UT_EQ(chan_attach(&rx, (void *)VIEW(0), SLOTS, POOL, CHAN_SPSC, RXN, TXN), XR_OK);
    UT_EQ(child_start(CHILD_ARG(CHILD_CHAN_PRODUCE, 100) | CHILD_ARG_CRASH, 0, 100), XR_OK);
    rx.peer = UT_SLOT_PROC;
    for (uint64_t i = 0; i < 100; i++) {
        UT_EQ(chan_recv(&rx, &m), XR_OK);
        UT_EQ(*(uint64_t *)m.data, i);
    }
    UT_EQ(chan_recv(&rx, &m), XR_EDEAD);
    uint64_t st = ut_child_end(0);
    UT_EQ(xr_status_state(st), XR_PROC_KILLED);
    chan_unmake(0);
}

/* The consumer takes 10 messages and faults: the blocking sender fills the ring, then
 * gets XR_EDEAD. The memory object outlives the child (init's cap) and is freed after. */
UTEST(chan, receiver_dies)
{
    chan_t tx;
    UT_EQ(chan_make(0), XR_OK);
    UT_EQ(chan_attach(&tx, (void *)VIEW(0), SLOTS, POOL, CHAN_SPSC, RXN, TXN), XR_OK);
    UT_EQ(child_start(CHILD_ARG(CHILD_CHAN_CONSUME, 10) | CHILD_ARG_CRASH, 0, 100), XR_OK);
    tx.peer = UT_SLOT_PROC;
    long err = XR_OK;
    uint64_t sent = 0;
    for (; sent < 10 * SLOTS && !err; sent++) {
        uint64_t msg[2] = {sent, sent ^ MIX};
        err = chan_send(&tx, msg, sizeof(msg));
    }
    UT_EQ(err, XR_EDEAD);
    /* the ring's worth, and up to the 10 the child took: slots go back CHAN_SYNC_EVERY at a
     * time or when the consumer finds the ring empty (one core: it never does, so none) */
    UT_ASSERT(sent - 1 >= SLOTS && sent - 1 <= SLOTS + 10);
    uint64_t st = ut_child_end(0);
    UT_EQ(xr_status_state(st), XR_PROC_KILLED);
    chan_unmake(0);
}

/* ---- RPC ---- */

struct add_req {
    uint64_t a, b;
};
struct add_resp {
    uint64_t sum;
};
RPC_TYPED(rpc_add, 1, struct add_req, struct add_resp)

UTEST(chan, rpc_endpoint)
{
    uint8_t req[400], resp[400];
    size_t n;
    xr_ipc_buffer_t *my_buf = ut_self_ipcbuf(); /* set by ipc/endpoint_create in a full run */
    UT_ASSERT(my_buf);
    UT_EQ(chan_make(0), XR_OK); /* the channels of rpc_channel, mapped before the child runs */
    UT_EQ(xr_memory_create(pages, MEM2), XR_OK);
    UT_EQ(chan_map(XR_SLOT_SELF, MEM2, VIEW(1), pages), XR_OK);
    UT_EQ(xr_notify_create(RXN2), XR_OK);
    UT_EQ(xr_notify_create(TXN2), XR_OK);
    UT_EQ(xr_endpoint_create(EPR), XR_OK);
    UT_EQ(child_start(CHILD_RPC, EPR, 100), XR_OK);
    struct add_req q = {40, 2};
    struct add_resp r = {0};
    UT_EQ(rpc_add_ep(EPR, my_buf, &q, &r), XR_OK);
    UT_EQ(r.sum, 42);
    UT_EQ(rpc_add_ep(EPR, NULL, &q, &r), XR_OK); /* 16 bytes fit the registers */
    for (unsigned i = 0; i < sizeof(req); i++)
        req[i] = (uint8_t)i;
    UT_EQ(rpc_ep_call(EPR, my_buf, 2, req, sizeof(req), resp, sizeof(resp), &n), XR_OK);
    UT_EQ(n, sizeof(req));
    for (unsigned i = 0; i < sizeof(req); i++)
        UT_EQ(resp[i], (uint8_t)(i + 1));
    UT_EQ(rpc_ep_call(EPR, NULL, 2, req, 100, resp, sizeof(resp), &n), XR_ERANGE);
    UT_EQ(rpc_ep_call(EPR, my_buf, 9, req, 8, resp, sizeof(resp), &n), XR_ENOSYS);
    UT_EQ(rpc_ep_call(EPR, my_buf, 1, req, 8, resp, sizeof(resp), &n), XR_EINVAL); /* bad size */
    UT_EQ(rpc_ep_call(EPR, my_buf, RPC_OP_STOP, NULL, 0, resp, sizeof(resp), &n), XR_OK);
}

/* The same server, same handlers, over a channel pair (the child runs on from
 * rpc_endpoint); a 3000-byte request goes through the pool. */
UTEST(chan, rpc_channel)
{
    static uint8_t req[3000], resp[3000];
    chan_t tx, rx;
    size_t n;
    UT_EQ(chan_attach(&tx, (void *)VIEW(0), SLOTS, POOL, CHAN_SPSC, RXN, TXN), XR_OK);
    UT_EQ(chan_attach(&rx, (void *)VIEW(1), SLOTS, POOL, CHAN_SPSC, RXN2, TXN2), XR_OK);
    rx.peer = tx.peer = UT_SLOT_PROC;
    rpc_chan_t c = {.tx = &tx, .rx = &rx};
    struct add_req q = {1000, 337};
    struct add_resp r = {0};
    UT_EQ(rpc_add_chan(&c, &q, &r), XR_OK);
    UT_EQ(r.sum, 1337);
    for (unsigned i = 0; i < sizeof(req); i++)
        req[i] = (uint8_t)(i * 7);
    for (unsigned round = 0; round < 20; round++) {
        UT_EQ(rpc_chan_call(&c, 2, req, sizeof(req), resp, sizeof(resp), &n), XR_OK);
        UT_EQ(n, sizeof(req));
        UT_EQ(resp[round * 100], (uint8_t)(round * 700 + 1));
    }
    UT_EQ(rpc_chan_call(&c, 9, req, 4, resp, sizeof(resp), &n), XR_ENOSYS);
    UT_EQ(rpc_chan_call(&c, 2, req, 40, resp, 10, &n), XR_ERANGE); /* the reply is too long */
    UT_EQ(rpc_chan_call(&c, RPC_OP_STOP, NULL, 0, resp, sizeof(resp), &n), XR_OK);
    uint64_t st = ut_child_end(1000);
    UT_EQ(xr_status_state(st), XR_PROC_EXITED);
    UT_EQ(xr_status_code(st), 0);
}

static void rpc_cleanup(void)
{
    ut_child_end(0);
    unview(1);
    xr_cap_delete(MEM2);
    xr_cap_delete(RXN2);
    xr_cap_delete(TXN2);
    xr_cap_delete(EPR);
    chan_unmake(0);
}

/* Every frame and object of this file's tests is back. */
UTEST(chan, leak_nothing)
{
    rpc_cleanup(); /* whether the RPC tests passed or not */
    UT_EQ(xr_info(XR_INFO_OBJECTS), objects_before);
    UT_EQ(ut_frames_accounted(), frames_before);
}
