/* User tests of shared memory and application IPC: memory objects (rights, sharing,
 * lifetime), channels between processes and threads (order, edges, wake-ups, batching,
 * several producers, zero copy); hostile peers, a peer's death, RPC and the final leak check
 * are in tests_chan_peers.c, which runs right after this file. */
#include "tests_chan.h"
#include "rpc.h"

uint64_t chan_test_pages;
volatile uint64_t chan_frames_before, chan_objects_before;

/* The helpers of tests_chan.h. */

long chan_make(unsigned view)
{
    chan_test_pages = chan_pages(SLOTS, POOL);
    unview(1);
    chan_unmake(view);
    long err = xr_memory_create(chan_test_pages, MEM);
    err = err ? err : chan_map(XR_SLOT_SELF, MEM, VIEW(view), chan_test_pages);
    err = err ? err : xr_notify_create(RXN);
    return err ? err : xr_notify_create(TXN);
}

void unview(unsigned view)
{
    for (uint64_t i = 0; i < chan_test_pages; i++)
        xr_unmap(XR_SLOT_SELF, VIEW(view) + i * 4096);
}

void chan_unmake(unsigned view)
{
    unview(view);
    xr_cap_delete(MEM);
    xr_cap_delete(RXN);
    xr_cap_delete(TXN);
}

long chan_child_start(uint64_t mode, xr_cap_t ep, unsigned prio)
{
    ut_child_caps_t caps = {.ep = ep, .mem = MEM, .pages = chan_test_pages};
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
    chan_frames_before = ut_frames_accounted();
    chan_objects_before = xr_info(XR_INFO_OBJECTS);
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
    UT_EQ(chan_child_start(CHILD_SHM, 0, 100), XR_OK);
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
    UT_EQ(chan_child_start(CHILD_SPIN, 0, 50), XR_OK);
    UT_EQ(xr_process_give_cap(UT_SLOT_PROC, MEM, 20, XR_RIGHT_READ), XR_OK);
    UT_EQ(xr_cap_revoke(MEM), XR_OK); /* the child's copy is gone; the object stays */
    UT_EQ(*(volatile uint64_t *)VIEW(0), 0);
    UT_EQ(xr_cap_delete(MEM), XR_OK); /* the last cap */
    UT_EQ(xr_unmap(XR_SLOT_SELF, VIEW(0)), XR_ENOENT);
    UT_EQ(xr_unmap(UT_SLOT_PROC, CHILD_CHAN_VA), XR_ENOENT);
    UT_EQ(xr_unmap(UT_SLOT_PROC, CHILD_CHAN_VA + (chan_test_pages - 1) * 4096), XR_ENOENT);
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
    UT_EQ(chan_child_start(CHILD_ARG(CHILD_CHAN_PRODUCE, MILLION), 0, 100), XR_OK);
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
    UT_EQ(chan_child_start(CHILD_ARG(CHILD_CHAN_CONSUME, 5000), 0, 100), XR_OK);
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
    UT_EQ(chan_map(XR_SLOT_SELF, MEM, VIEW(1), chan_test_pages), XR_OK);
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
    UT_EQ(chan_map(XR_SLOT_SELF, MEM, VIEW(1), chan_test_pages), XR_OK);
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
