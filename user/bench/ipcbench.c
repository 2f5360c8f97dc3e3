/* ipcbench: kernel round-trip and IPC latency micro-benchmarks, measured the sel4bench way
 * (bench.h; docs/bench/README.md), printed as JSON between BEGIN/END IPCBENCH JSON lines.
 *
 * init starts it under test=bench. Its argument: bit 0 (BENCH_ARG_QUICK) asks for the short
 * run (bench=quick); bits 12..47, when not zero, are the address of a page init maps into this
 * process holding the kernel command line, NUL-terminated, which is parsed here with the
 * kernel's own parser (kernel/cmdline.c) to record the configuration. init then gives this
 * process the "ipcserver" boot module's memory in BENCH_SLOT_SERVER_IMAGE (read-only: the
 * server of the cross-address-space cases, spawned from it), its first thread's cap in
 * XR_SLOT_SELF_THREAD and, last, its own process cap in XR_SLOT_SELF: that cap's arrival says
 * the set-up is done. Exits 0 when every case ran. */
#include "bench.h"
#include "chan.h"
#include "lib/cmdline.h"
#include "server.h"

#define BENCH_ARG_QUICK  1ul
#define BENCH_ARG_PAGE   0x0000fffffffff000ul
#define BENCH_PRIO       100 /* every thread of every case, but notify_wake's signaller */
#define BENCH_STACK_TOP  0x0000000050000000ul
#define BENCH_STACK_SIZE (4 * 4096ul)
#define BENCH_MAX_MISSES 1000 /* yields in a row that did not reach the peer: it is gone */

/* Slots: init's gifts (XR_SLOT_SELF, XR_SLOT_SELF_THREAD, BENCH_SLOT_SERVER_IMAGE), then what
 * the cases make and delete again. */
#define BENCH_SLOT_SERVER_IMAGE  8  /* the "ipcserver" module (memory, read), from init */
#define BENCH_SLOT_PEER          20 /* the second thread of a case */
#define BENCH_SLOT_EP            21 /* the endpoint of an IPC case */
#define BENCH_SLOT_NTFN          22 /* the notification of notify_wake */
#define BENCH_SLOT_SERVER_PROC   23 /* ipcserver's process */
#define BENCH_SLOT_SERVER_THREAD 24 /* and its thread */

#define BENCH_PEER_IPCBUF_VA  (BENCH_IPCBUF_VA + 4096) /* the second thread's IPC buffer */
#define BENCH_SERVER_IMAGE_VA 0x0000000060000000ul     /* the ipcserver module, mapped */
#define BENCH_SERVER_QUOTA    64 /* frames for ipcserver: image, stack, IPC buffer, tables */

/* The main thread's IPC buffer (words 4.. and the caps of the IPC cases' calls). */
static xr_ipc_buffer_t *const ipcbuf = (xr_ipc_buffer_t *)BENCH_IPCBUF_VA;

/* ---- Overhead loops: the timestamps of the cases, around nothing. ---- */

/* For cases that take both timestamps in one thread. */
static long overhead_local(uint64_t *raw, unsigned count)
{
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
static long overhead_shared(uint64_t *raw, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        sw.owner = 0;
        sw.t0 = bench_ts_begin();
        uint64_t t1 = bench_ts_end();
        raw[i] = t1 - sw.t0;
    }
    return XR_OK;
}

/* ---- Kernel entry and the scheduler. ---- */

/* null_syscall: one xr_null(), the cheapest kernel entry and exit. */
static long case_null_syscall(uint64_t *raw, unsigned count)
{
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
static long case_yield_same_prio(uint64_t *raw, unsigned count)
{
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

/* What the peer thread runs: peer_entry calls it, then ends the thread (a thread's first
 * function has no caller to return to). */
static void (*peer_fn)(uint64_t arg);

static void peer_entry(uint64_t arg)
{
    peer_fn(arg);
    for (;;)
        xr_syscall0(XR_SYS_THREAD_EXIT);
}

/* A writable page at va in this process, or XR_OK if an earlier case mapped it. */
static long map_page(uint64_t va)
{
    long err = xr_map_anon(XR_SLOT_SELF, va, XR_MAP_WRITE);
    return err == XR_EEXIST ? XR_OK : err;
}

/* Starts fn(arg) in a new thread of this process at priority prio, at BENCH_SLOT_PEER, with
 * its stack below BENCH_STACK_TOP and its IPC buffer at BENCH_PEER_IPCBUF_VA. */
static long peer_start(void (*fn)(uint64_t), uint64_t arg, unsigned prio)
{
    long err = map_page(BENCH_PEER_IPCBUF_VA);
    for (uint64_t va = BENCH_STACK_TOP - BENCH_STACK_SIZE; err == XR_OK && va < BENCH_STACK_TOP;
         va += 4096)
        err = map_page(va);
    if (err != XR_OK)
        return err;
    peer_fn = fn;
    err = xr_thread_create(XR_SLOT_SELF, BENCH_SLOT_PEER);
    if (err != XR_OK)
        return err;
    err = xr_thread_set_ipcbuf(BENCH_SLOT_PEER, BENCH_PEER_IPCBUF_VA);
    if (err == XR_OK)
        err = xr_thread_set_regs(BENCH_SLOT_PEER, (uint64_t)peer_entry, BENCH_STACK_TOP - 8, arg);
    if (err == XR_OK)
        err = xr_thread_set_prio(BENCH_SLOT_PEER, prio);
    if (err == XR_OK)
        err = xr_thread_start(BENCH_SLOT_PEER);
    if (err != XR_OK)
        xr_cap_delete(BENCH_SLOT_PEER);
    return err;
}

/* Lets the peer run until it has ended, then deletes its cap. Sleeps, rather than yields, so
 * that a peer of lower priority runs too. */
static long peer_join(void)
{
    uint64_t state = 0;

    for (unsigned i = 0; i < BENCH_MAX_MISSES; i++) {
        if (xr_thread_status(BENCH_SLOT_PEER, &state) != XR_OK || state == XR_THREAD_DEAD)
            break;
        xr_sleep_us(1000);
    }
    xr_cap_delete(BENCH_SLOT_PEER);
    return state == XR_THREAD_DEAD ? XR_OK : XR_EBUSY;
}

static void switch_peer(uint64_t me)
{
    switch_loop((unsigned)me);
}

/* thread_switch_yield: two threads of this process at the same priority yield to each other;
 * one sample per switch. */
static long case_thread_switch_yield(uint64_t *raw, unsigned count)
{
    sw.raw = raw;
    sw.count = count;
    sw.next = 0;
    sw.err = XR_OK;
    long err = peer_start(switch_peer, 1, BENCH_PRIO);
    if (err != XR_OK)
        return err;
    switch_loop(0);
    err = peer_join();
    return sw.err != XR_OK ? sw.err : err;
}

/* ---- IPC: this thread calls, a server (server.c) answers, in a thread of this process or in
 * the ipcserver program. Every case starts its own server at BENCH_PRIO, the client's priority,
 * so that the fastpath may take its calls and replies (when they qualify) and the slowpath
 * switches straight to the partner too; and ends it after. ---- */

static volatile long server_err; /* what bench_server returned in the server thread */

static void server_thread(uint64_t arg)
{
    (void)arg;
    server_err = bench_server(BENCH_SLOT_EP, (xr_ipc_buffer_t *)BENCH_PEER_IPCBUF_VA);
}

/* The ipcserver module (the memory cap init gave in BENCH_SLOT_SERVER_IMAGE), mapped here at
 * BENCH_SERVER_IMAGE_VA page by page up to its end: the first offset the kernel refuses with
 * XR_ERANGE. The size is then rounded up to pages; spawning reads only what the ELF headers
 * point at, all of it within the file. */
static long server_image(const void **image, size_t *size)
{
    static uint64_t mapped; /* bytes mapped by earlier calls */
    long err;

    while ((err = xr_map_memory(XR_SLOT_SELF, BENCH_SLOT_SERVER_IMAGE, mapped,
                                BENCH_SERVER_IMAGE_VA + mapped, 0)) == XR_OK)
        mapped += 4096;
    if (err != XR_ERANGE)
        return err; /* XR_EBADCAP: init gave no ipcserver module */
    if (mapped == 0)
        return XR_ENOENT;
    *image = (const void *)BENCH_SERVER_IMAGE_VA;
    *size = mapped;
    return XR_OK;
}

/* Spawns ipcserver to serve BENCH_SLOT_EP. It starts below this thread's priority, so it runs
 * only once it has its IPC buffer and its endpoint and has been raised to BENCH_PRIO. */
static long server_spawn(void)
{
    const void *image;
    size_t size;
    long err = server_image(&image, &size);
    if (err != XR_OK)
        return err;
    err = xr_spawn_elf(image, size, BENCH_SERVER_QUOTA, 0, BENCH_PRIO - 1, BENCH_SLOT_SERVER_PROC,
                       BENCH_SLOT_SERVER_THREAD);
    if (err != XR_OK)
        return err;
    err = xr_map_anon(BENCH_SLOT_SERVER_PROC, BENCH_IPCBUF_VA, XR_MAP_WRITE);
    if (err == XR_OK)
        err = xr_thread_set_ipcbuf(BENCH_SLOT_SERVER_THREAD, BENCH_IPCBUF_VA);
    if (err == XR_OK)
        err = xr_process_give_cap(BENCH_SLOT_SERVER_PROC, BENCH_SLOT_EP, BENCH_SERVER_SLOT_EP,
                                  XR_RIGHT_READ | XR_RIGHT_WRITE);
    if (err == XR_OK)
        err = xr_thread_set_prio(BENCH_SLOT_SERVER_THREAD, BENCH_PRIO);
    if (err != XR_OK) {
        xr_process_kill(BENCH_SLOT_SERVER_PROC);
        xr_cap_delete(BENCH_SLOT_SERVER_THREAD);
        xr_cap_delete(BENCH_SLOT_SERVER_PROC);
    }
    return err;
}

/* Lets ipcserver run until it has ended, then deletes its caps; XR_OK when it exited with 0
 * (its endpoint gone), XR_EDEAD when it ended otherwise, XR_EBUSY (and killed) when it did not. */
static long server_join(void)
{
    uint64_t st = 0;

    for (unsigned i = 0; i < BENCH_MAX_MISSES; i++) {
        if (xr_process_status(BENCH_SLOT_SERVER_PROC, &st) != XR_OK ||
            xr_status_state(st) != XR_PROC_RUNNING)
            break;
        xr_sleep_us(1000);
    }
    long err = xr_status_state(st) == XR_PROC_RUNNING                             ? XR_EBUSY
               : xr_status_state(st) == XR_PROC_EXITED && xr_status_code(st) == 0 ? XR_OK
                                                                                  : XR_EDEAD;
    if (err == XR_EBUSY)
        xr_process_kill(BENCH_SLOT_SERVER_PROC);
    xr_cap_delete(BENCH_SLOT_SERVER_THREAD);
    xr_cap_delete(BENCH_SLOT_SERVER_PROC);
    return err;
}

/* A new endpoint in BENCH_SLOT_EP and its server: a thread of this process, or ipcserver
 * (cross). */
static long server_start(bool cross)
{
    long err = xr_endpoint_create(BENCH_SLOT_EP);
    if (err != XR_OK)
        return err;
    server_err = XR_OK;
    err = cross ? server_spawn() : peer_start(server_thread, 0, BENCH_PRIO);
    if (err != XR_OK)
        xr_cap_delete(BENCH_SLOT_EP);
    return err;
}

/* Ends the server: revoking the endpoint deletes every copy made from it (ipcserver's, and a
 * transferred cap the server did not delete), deleting it then destroys it, which ends the
 * server's receive with XR_EDEAD and so the server. */
static long server_stop(bool cross)
{
    xr_cap_revoke(BENCH_SLOT_EP);
    xr_cap_delete(BENCH_SLOT_EP);
    if (cross)
        return server_join();
    long err = peer_join();
    return err == XR_OK && server_err != XR_EDEAD ? XR_ECORRUPT : err;
}

/* Whether m is the server's answer to a call with tag (server.h): the echo of words 0..3
 * (1, 2, 3, 4, cut to the length), or for a cap one word, the delete's result. */
static bool reply_ok(uint64_t tag, const xr_msg_t *m)
{
    if (XR_TAG_LABEL(tag) == BENCH_LABEL_CAP)
        return m->tag == XR_TAG(BENCH_LABEL_CAP, 0, 1) && m->w[0] == XR_OK;
    for (unsigned i = 0; i < XR_MSG_REGS; i++)
        if (m->w[i] != (i < XR_TAG_LEN(tag) ? i + 1 : 0))
            return false;
    return m->tag == tag;
}

/* Round trips: a sample is one call with tag and its reply, from before the call to after it
 * returns. Words 0..3 are 1..4, words 4.. (in the IPC buffer) 5.., the cap sent (for a tag
 * with one) is the endpoint itself. */
static long rt_loop(uint64_t *raw, unsigned count, uint64_t tag)
{
    for (unsigned i = XR_MSG_REGS; i < XR_TAG_LEN(tag); i++)
        ipcbuf->msg[i] = i + 1;
    ipcbuf->send_caps[0] = BENCH_SLOT_EP;
    for (unsigned i = 0; i < count; i++) {
        xr_msg_t m = {.tag = tag, .w = {1, 2, 3, 4}};
        uint64_t t0 = bench_ts_begin();
        long err = xr_call(BENCH_SLOT_EP, &m);
        uint64_t t1 = bench_ts_end();
        if (err != XR_OK)
            return err;
        if (!reply_ok(tag, &m))
            return XR_ECORRUPT;
        raw[i] = t1 - t0;
    }
    for (unsigned i = XR_MSG_REGS; i < XR_TAG_LEN(tag); i++)
        if (ipcbuf->msg[i] != i + 1)
            return XR_ECORRUPT;
    return XR_OK;
}

enum { ONEWAY_CALL, ONEWAY_REPLY };

/* One-way halves of a 4-word round trip, the server timing its side (BENCH_LABEL_TIMED): for
 * ONEWAY_CALL a sample is from before the call here to after the server's receive returned
 * (w0 of the reply), for ONEWAY_REPLY from before the server's reply_recv (w1) to after the
 * call returned here. */
static long oneway_loop(uint64_t *raw, unsigned count, uint64_t half)
{
    const uint64_t tag = XR_TAG(BENCH_LABEL_TIMED, 0, XR_MSG_REGS);

    for (unsigned i = 0; i < count; i++) {
        xr_msg_t m = {.tag = tag, .w = {1, 2, 3, 4}};
        uint64_t t0 = bench_ts_begin();
        long err = xr_call(BENCH_SLOT_EP, &m);
        uint64_t t1 = bench_ts_end();
        if (err != XR_OK)
            return err;
        if (m.tag != tag)
            return XR_ECORRUPT;
        raw[i] = half == ONEWAY_CALL ? m.w[0] - t0 : t1 - m.w[1];
    }
    return XR_OK;
}

/* Runs loop(raw, count, arg) against a server of its own (see server_start). */
static long ipc_case(bool cross, long (*loop)(uint64_t *, unsigned, uint64_t), uint64_t arg,
                     uint64_t *raw, unsigned count)
{
    long err = server_start(cross);
    if (err != XR_OK)
        return err;
    err = loop(raw, count, arg);
    long end = server_stop(cross);
    return err != XR_OK ? err : end;
}

#define ECHO(len) XR_TAG(BENCH_LABEL_ECHO, 0, len)

/* ipc_rt_same_as: call + reply_recv round trip between two threads of this process, 4 words. */
static long case_ipc_rt_same_as(uint64_t *raw, unsigned count)
{
    return ipc_case(false, rt_loop, ECHO(XR_MSG_REGS), raw, count);
}

/* ipc_call_same_as, ipc_replyrecv_same_as: its two halves. */
static long case_ipc_call_same_as(uint64_t *raw, unsigned count)
{
    return ipc_case(false, oneway_loop, ONEWAY_CALL, raw, count);
}

static long case_ipc_replyrecv_same_as(uint64_t *raw, unsigned count)
{
    return ipc_case(false, oneway_loop, ONEWAY_REPLY, raw, count);
}

/* ipc_rt_cross_as: the round trip between this process and ipcserver, 4 words (registers). */
static long case_ipc_rt_cross_as(uint64_t *raw, unsigned count)
{
    return ipc_case(true, rt_loop, ECHO(XR_MSG_REGS), raw, count);
}

/* ipc_call_cross_as, ipc_replyrecv_cross_as: its two halves. */
static long case_ipc_call_cross_as(uint64_t *raw, unsigned count)
{
    return ipc_case(true, oneway_loop, ONEWAY_CALL, raw, count);
}

static long case_ipc_replyrecv_cross_as(uint64_t *raw, unsigned count)
{
    return ipc_case(true, oneway_loop, ONEWAY_REPLY, raw, count);
}

/* ipc_rt_cross_as_{0w,16w,64w}: the round trip with 0 words, and 16 or 64 words (words 4.. from
 * IPC buffer to IPC buffer, both ways: the slowpath). */
static long case_ipc_rt_cross_as_0w(uint64_t *raw, unsigned count)
{
    return ipc_case(true, rt_loop, ECHO(0), raw, count);
}

static long case_ipc_rt_cross_as_16w(uint64_t *raw, unsigned count)
{
    return ipc_case(true, rt_loop, ECHO(16), raw, count);
}

static long case_ipc_rt_cross_as_64w(uint64_t *raw, unsigned count)
{
    return ipc_case(true, rt_loop, ECHO(XR_MSG_MAX), raw, count);
}

/* ipc_rt_cross_as_cap: the round trip of a call carrying one cap (no words), which the server
 * deletes before it replies with one word: the call takes the slowpath, the reply may take the
 * fastpath. */
static long case_ipc_rt_cross_as_cap(uint64_t *raw, unsigned count)
{
    return ipc_case(true, rt_loop, XR_TAG(BENCH_LABEL_CAP, 1, 0), raw, count);
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
static long case_notify_wake(uint64_t *raw, unsigned count)
{
    sw.raw = raw;
    sw.count = count;
    sw.next = 0;
    sw.err = XR_OK;
    long err = xr_notify_create(BENCH_SLOT_NTFN);
    if (err != XR_OK)
        return err;
    err = peer_start(signal_loop, 0, BENCH_PRIO - 1);
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
    long end = peer_join();
    xr_cap_delete(BENCH_SLOT_NTFN);
    return sw.err != XR_OK ? sw.err : end;
}

/* ---- Shared-memory channels (user/lib/chan.h) and bulk transfers. The channel's two ends are
 * two threads of this process at BENCH_PRIO: the main thread sends, a peer thread receives. On
 * one core they run in turns: the sender fills the ring (or the pool), finds it full, yields;
 * the receiver drains it and goes to sleep on its notification (one xr_wait), and the sender's
 * next flush finds it asleep and signals it (one xr_signal). Every other send finds the
 * receiver's flag clear and makes no system call. The sender is non-blocking (CHAN_NONBLOCK):
 * on XR_EAGAIN it yields. A sample covers one such lap, so each contains the same work, and is
 * divided by the messages (or transfers) in it. ---- */

#define BENCH_SLOT_CHAN_MEM  40 /* the channel's memory objects: slots 40..44 */
#define BENCH_CHAN_OBJ_PAGES 64 /* pages per memory object (MEMOBJ_MAPS page mappings) */
#define BENCH_SLOT_SRC_MEM   45 /* the source of the bulk data: slots 45..48 */
#define BENCH_SLOT_RX_NTFN   27 /* the receiver waits on it */
#define BENCH_SLOT_TX_NTFN   28 /* a blocking sender would wait on it */

#define BENCH_CHAN_VA    0x0000000070000000ul
#define BENCH_SRC_VA     0x0000000080000000ul
#define BENCH_CHAN_SLOTS 256u        /* four pages of ring */
#define BENCH_BULK_MAX   (1ul << 20) /* the largest transfer, and the pool's pages */
#define BENCH_SRC_OBJS   4u          /* memory objects of the source, 16 pages each, */
#define BENCH_SRC_PAGES  16u         /* mapped in turn, 4 times over: 64 mappings each */
#define BENCH_CHAN_BATCH 64u         /* messages per chan_flush in chan_msg_64b_batched */
#define BENCH_IPC_CHUNK  (XR_MSG_MAX * sizeof(uint64_t)) /* bytes per message of ipc_copy_* */

/* The pool of the channel, which is also the destination of memcpy_* and ipc_copy_* (ipcbench's
 * quota of 512 frames holds one 1 MiB buffer, not two). */
#define BENCH_POOL ((uint8_t *)BENCH_CHAN_VA + CHAN_PAGE * (1 + BENCH_CHAN_SLOTS / 64))
/* The source of every bulk transfer: 1 MiB of address space, the same 256 KiB 4 times. */
#define BENCH_SRC ((const uint8_t *)BENCH_SRC_VA)

static chan_t chan_tx, chan_rx; /* the sender's view (main thread), the receiver's (peer) */

/* What the receiver found: the messages it took, and why it stopped (XR_OK: the channel was
 * closed after the last message). */
static volatile struct {
    uint64_t got;
    long err;
} crx;

/* Makes, once, the channel's memory (1 + 4 + 256 pages) mapped at BENCH_CHAN_VA, the source
 * (4 x 16 pages, mapped 4 times over from BENCH_SRC_VA, filled with a pattern), and the two
 * notifications. The kernel records at most MEMOBJ_MAPS (64) page mappings per memory object,
 * so the channel's pages are five objects, mapped one after another (chan.h needs only the
 * virtual range to be one), and the source four. */
static long chan_memory(void)
{
    static bool done;
    static long err;
    uint64_t pages = chan_pages(BENCH_CHAN_SLOTS, BENCH_BULK_MAX / CHAN_PAGE);

    if (done)
        return err;
    done = true;
    for (uint64_t i = 0; err == XR_OK && i < pages; i += BENCH_CHAN_OBJ_PAGES) {
        xr_cap_t mem = BENCH_SLOT_CHAN_MEM + (xr_cap_t)(i / BENCH_CHAN_OBJ_PAGES);
        uint64_t n = pages - i < BENCH_CHAN_OBJ_PAGES ? pages - i : BENCH_CHAN_OBJ_PAGES;
        err = xr_memory_create(n, mem);
        err = err ? err : chan_map(XR_SLOT_SELF, mem, BENCH_CHAN_VA + i * CHAN_PAGE, n);
    }
    for (xr_cap_t i = 0; err == XR_OK && i < BENCH_SRC_OBJS; i++)
        err = xr_memory_create(BENCH_SRC_PAGES, BENCH_SLOT_SRC_MEM + i);
    for (uint64_t i = 0; err == XR_OK && i < BENCH_BULK_MAX / CHAN_PAGE; i++)
        err = xr_map_memory(
            XR_SLOT_SELF, BENCH_SLOT_SRC_MEM + (xr_cap_t)(i / BENCH_SRC_PAGES % BENCH_SRC_OBJS),
            i % BENCH_SRC_PAGES * CHAN_PAGE, BENCH_SRC_VA + i * CHAN_PAGE, XR_MAP_WRITE);
    for (uint64_t i = 0; err == XR_OK && i < BENCH_SRC_OBJS * BENCH_SRC_PAGES * CHAN_PAGE / 8; i++)
        ((uint64_t *)BENCH_SRC_VA)[i] = i * 0x9e3779b97f4a7c15ul + 1;
    err = err ? err : xr_notify_create(BENCH_SLOT_RX_NTFN);
    err = err ? err : xr_notify_create(BENCH_SLOT_TX_NTFN);
    if (err != XR_OK)
        printf("ipcbench: channel memory: %s (quota used %lu frames)\n", xr_strerror(err),
               (uint64_t)xr_info(XR_INFO_QUOTA_USED));
    return err;
}

/* The receiver (the peer thread): takes messages until the channel is closed and empty,
 * checking that the first word of each (and, for a transfer of arg bytes by reference, the
 * last) is its sequence number; arg 0 means inline messages of CHAN_INLINE_MAX bytes. The
 * check is all it reads of a transfer: a consumer's own work on the data is not counted. */
static void chan_receiver(uint64_t arg)
{
    chan_msg_t m;
    uint64_t seq = 0, first, last;
    long err;

    while ((err = chan_recv(&chan_rx, &m)) == XR_OK) {
        if (arg == 0) {
            if (m.kind != CHAN_KIND_INLINE || m.len != CHAN_INLINE_MAX)
                break;
            __builtin_memcpy(&first, m.data, sizeof(first));
            last = seq;
        } else {
            if (m.kind != CHAN_KIND_REF || m.len != arg)
                break;
            __builtin_memcpy(&first, m.ptr, sizeof(first));
            __builtin_memcpy(&last, m.ptr + arg - sizeof(last), sizeof(last));
            chan_buf_release(&chan_rx, &m);
        }
        if (first != seq || last != seq)
            break;
        seq++;
    }
    crx.got = seq;
    crx.err = err == XR_EDEAD ? XR_OK : err == XR_OK ? XR_ECORRUPT : err;
}

/* A fresh channel (the shared page zeroed: the empty state; pool_pages of pool) and its
 * receiver, taking messages of size bytes (0: inline). */
static long chan_start(uint32_t pool_pages, uint64_t size)
{
    uint64_t bits;
    long err = chan_memory();

    if (err != XR_OK)
        return err;
    memset((void *)BENCH_CHAN_VA, 0, CHAN_PAGE);
    xr_notify_poll(BENCH_SLOT_RX_NTFN, &bits); /* the last case's chan_close left bits */
    xr_notify_poll(BENCH_SLOT_TX_NTFN, &bits);
    err = chan_attach(&chan_tx, (void *)BENCH_CHAN_VA, BENCH_CHAN_SLOTS, pool_pages,
                      CHAN_SPSC | CHAN_NONBLOCK, BENCH_SLOT_RX_NTFN, BENCH_SLOT_TX_NTFN);
    err = err ? err
              : chan_attach(&chan_rx, (void *)BENCH_CHAN_VA, BENCH_CHAN_SLOTS, pool_pages,
                            CHAN_SPSC, BENCH_SLOT_RX_NTFN, BENCH_SLOT_TX_NTFN);
    crx.got = 0;
    crx.err = XR_OK;
    return err ? err : peer_start(chan_receiver, size, BENCH_PRIO);
}

/* Publishes what is staged, closes the channel, waits for the receiver to end; XR_OK when it
 * took all sent messages, in order. */
static long chan_stop(uint64_t sent, long err)
{
    if (err == XR_OK)
        err = chan_flush(&chan_tx);
    chan_close(&chan_tx);
    long end = peer_join();
    if (err == XR_OK)
        err = end != XR_OK       ? end
              : crx.err != XR_OK ? crx.err
              : crx.got != sent  ? XR_ECORRUPT
                                 : XR_OK;
    return err;
}

/* The sender found the ring or the pool full (XR_EAGAIN): yields to the receiver. XR_EDEAD if
 * it did not make room after many yields (it is gone). */
static long chan_wait_room(unsigned *misses)
{
    if (++*misses > BENCH_MAX_MISSES || crx.err != XR_OK)
        return XR_EDEAD;
    xr_yield();
    return XR_OK;
}

/* Per-message timing: the window's two timestamps around nothing, divided as the samples are. */
static uint64_t per(uint64_t total, unsigned n)
{
    return (total + n / 2) / n;
}

static long overhead_window(uint64_t *raw, unsigned count, unsigned n)
{
    for (unsigned i = 0; i < count; i++) {
        uint64_t t0 = bench_ts_begin();
        uint64_t t1 = bench_ts_end();
        raw[i] = per(t1 - t0, n);
    }
    return XR_OK;
}

static long overhead_chan_msg(uint64_t *raw, unsigned count)
{
    return overhead_window(raw, count, BENCH_CHAN_SLOTS);
}

/* chan_msg_64b (batch 1: chan_send) and chan_msg_64b_batched (chan_write, and chan_flush
 * every BENCH_CHAN_BATCH): a sample is BENCH_CHAN_SLOTS messages of CHAN_INLINE_MAX bytes (one
 * lap of the ring), timed together, divided by their number. */
static long chan_msg_loop(uint64_t *raw, unsigned count, unsigned batch)
{
    union {
        uint64_t seq;
        uint8_t bytes[CHAN_INLINE_MAX];
    } msg;
    uint64_t seq = 0;
    unsigned misses = 0;
    long err = chan_start(0, 0);

    if (err != XR_OK) /* (a failed peer_start leaves no receiver to stop) */
        return err;
    memset(msg.bytes, 0xa5, sizeof(msg.bytes));
    for (unsigned i = 0; i < count && err == XR_OK; i++) {
        uint64_t t0 = bench_ts_begin();
        for (unsigned k = 0; k < BENCH_CHAN_SLOTS && err == XR_OK; k++) {
            msg.seq = seq;
            for (;;) {
                err = batch == 1 ? chan_send(&chan_tx, msg.bytes, sizeof(msg.bytes))
                                 : chan_write(&chan_tx, msg.bytes, sizeof(msg.bytes));
                if (err != XR_EAGAIN)
                    break;
                if ((err = chan_wait_room(&misses)) != XR_OK)
                    break;
            }
            misses = 0;
            seq++;
            if (err == XR_OK && batch > 1 && seq % batch == 0)
                err = chan_flush(&chan_tx);
        }
        uint64_t t1 = bench_ts_end();
        raw[i] = per(t1 - t0, BENCH_CHAN_SLOTS);
    }
    return chan_stop(err == XR_OK ? seq : 0, err);
}

static long case_chan_msg_64b(uint64_t *raw, unsigned count)
{
    return chan_msg_loop(raw, count, 1);
}

static long case_chan_msg_64b_batched(uint64_t *raw, unsigned count)
{
    return chan_msg_loop(raw, count, BENCH_CHAN_BATCH);
}

/* Buffers of size bytes the pool of a chan_bulk_* case holds: four, but one of 1 MiB (the
 * quota). A sample is that many transfers, one lap of the pool. */
static unsigned bulk_bufs(uint64_t size)
{
    return size >= BENCH_BULK_MAX ? 1 : 4;
}

/* chan_bulk_*: zero-copy transfers of size bytes. The sender takes a pool buffer
 * (chan_buf_alloc), writes the data into it once (a memcpy from BENCH_SRC, then its sequence
 * number over the first and last words) and passes the reference (chan_send_ref); the
 * receiver checks those two words and releases the buffer. */
static long chan_bulk_loop(uint64_t *raw, unsigned count, uint64_t size)
{
    unsigned bufs = bulk_bufs(size), misses = 0;
    uint64_t seq = 0;
    long err = chan_start((uint32_t)(bufs * size / CHAN_PAGE), size);

    if (err != XR_OK)
        return err;
    for (unsigned i = 0; i < count && err == XR_OK; i++) {
        uint64_t t0 = bench_ts_begin();
        for (unsigned k = 0; k < bufs && err == XR_OK; k++) {
            uint64_t *buf, pos;
            while ((err = chan_buf_alloc(&chan_tx, size, (void **)&buf, &pos)) == XR_EAGAIN)
                if ((err = chan_wait_room(&misses)) != XR_OK)
                    break;
            if (err != XR_OK)
                break;
            memcpy(buf, BENCH_SRC, size);
            buf[0] = buf[size / 8 - 1] = seq;
            while ((err = chan_send_ref(&chan_tx, pos, size)) == XR_EAGAIN)
                if ((err = chan_wait_room(&misses)) != XR_OK)
                    break;
            misses = 0;
            seq++;
        }
        uint64_t t1 = bench_ts_end();
        raw[i] = per(t1 - t0, bufs);
    }
    return chan_stop(err == XR_OK ? seq : 0, err);
}

static long overhead_chan_bulk(uint64_t *raw, unsigned count)
{
    return overhead_window(raw, count, bulk_bufs(0));
}

static long case_chan_bulk_4k(uint64_t *raw, unsigned count)
{
    return chan_bulk_loop(raw, count, 4096);
}

static long case_chan_bulk_64k(uint64_t *raw, unsigned count)
{
    return chan_bulk_loop(raw, count, 65536);
}

static long case_chan_bulk_1m(uint64_t *raw, unsigned count)
{
    return chan_bulk_loop(raw, count, BENCH_BULK_MAX);
}

/* ipc_copy_*: the same bytes by synchronous IPC to a server thread of this process: 64-word
 * calls (512 bytes: words 0..3 in registers, 4..63 copied into the IPC buffer from BENCH_SRC),
 * which the server copies out to BENCH_POOL (BENCH_LABEL_SINK) and answers with an empty
 * reply. A sample is one transfer of size bytes: size / 512 calls. */
static long ipc_copy_loop(uint64_t *raw, unsigned count, uint64_t size)
{
    const uint64_t tag = XR_TAG(BENCH_LABEL_SINK, 0, XR_MSG_MAX);

    for (unsigned i = 0; i < count; i++) {
        uint64_t t0 = bench_ts_begin();
        for (uint64_t off = 0; off < size; off += BENCH_IPC_CHUNK) {
            const uint64_t *w = (const uint64_t *)(BENCH_SRC + off);
            xr_msg_t m = {.tag = tag, .w = {w[0], w[1], w[2], w[3]}};
            memcpy(&ipcbuf->msg[XR_MSG_REGS], w + XR_MSG_REGS,
                   BENCH_IPC_CHUNK - XR_MSG_REGS * sizeof(uint64_t));
            long err = xr_call(BENCH_SLOT_EP, &m);
            if (err != XR_OK)
                return err;
            if (m.tag != XR_TAG(BENCH_LABEL_SINK, 0, 0))
                return XR_ECORRUPT;
        }
        uint64_t t1 = bench_ts_end();
        raw[i] = t1 - t0;
    }
    return memcmp(BENCH_POOL, BENCH_SRC, size) ? XR_ECORRUPT : XR_OK;
}

static long ipc_copy_case(uint64_t *raw, unsigned count, uint64_t size)
{
    long err = chan_memory();
    if (err != XR_OK)
        return err;
    bench_sink = BENCH_POOL;
    bench_sink_size = BENCH_BULK_MAX;
    memset(BENCH_POOL, 0, size);
    return ipc_case(false, ipc_copy_loop, size, raw, count);
}

static long case_ipc_copy_4k(uint64_t *raw, unsigned count)
{
    return ipc_copy_case(raw, count, 4096);
}

static long case_ipc_copy_64k(uint64_t *raw, unsigned count)
{
    return ipc_copy_case(raw, count, 65536);
}

static long case_ipc_copy_1m(uint64_t *raw, unsigned count)
{
    return ipc_copy_case(raw, count, BENCH_BULK_MAX);
}

/* memcpy_*: the floor: one memcpy of size bytes from BENCH_SRC to BENCH_POOL. */
static long memcpy_loop(uint64_t *raw, unsigned count, uint64_t size)
{
    long err = chan_memory();
    if (err != XR_OK)
        return err;
    for (unsigned i = 0; i < count; i++) {
        uint64_t t0 = bench_ts_begin();
        memcpy(BENCH_POOL, BENCH_SRC, size);
        uint64_t t1 = bench_ts_end();
        raw[i] = t1 - t0;
    }
    return memcmp(BENCH_POOL, BENCH_SRC, size) ? XR_ECORRUPT : XR_OK;
}

static long case_memcpy_4k(uint64_t *raw, unsigned count)
{
    return memcpy_loop(raw, count, 4096);
}

static long case_memcpy_64k(uint64_t *raw, unsigned count)
{
    return memcpy_loop(raw, count, 65536);
}

static long case_memcpy_1m(uint64_t *raw, unsigned count)
{
    return memcpy_loop(raw, count, BENCH_BULK_MAX);
}

#define BENCH_1M_SAMPLES 100 /* the 1 MiB cases: 100 samples after 10 warm-up */

/* Every case, in output order; two-sided ones use overhead_shared (when the first timestamp
 * travels through memory) or overhead_local (when it travels in a message register, or one
 * thread takes both); the per-message channel cases divide theirs as their samples. */
static const bench_case_t cases[] = {
    {"null_syscall", case_null_syscall, overhead_local, 0},
    {"yield_same_prio", case_yield_same_prio, overhead_local, 0},
    {"thread_switch_yield", case_thread_switch_yield, overhead_shared, 0},
    {"ipc_rt_same_as", case_ipc_rt_same_as, overhead_local, 0},
    {"ipc_call_same_as", case_ipc_call_same_as, overhead_local, 0},
    {"ipc_replyrecv_same_as", case_ipc_replyrecv_same_as, overhead_local, 0},
    {"ipc_rt_cross_as", case_ipc_rt_cross_as, overhead_local, 0},
    {"ipc_call_cross_as", case_ipc_call_cross_as, overhead_local, 0},
    {"ipc_replyrecv_cross_as", case_ipc_replyrecv_cross_as, overhead_local, 0},
    {"ipc_rt_cross_as_0w", case_ipc_rt_cross_as_0w, overhead_local, 0},
    {"ipc_rt_cross_as_16w", case_ipc_rt_cross_as_16w, overhead_local, 0},
    {"ipc_rt_cross_as_64w", case_ipc_rt_cross_as_64w, overhead_local, 0},
    {"ipc_rt_cross_as_cap", case_ipc_rt_cross_as_cap, overhead_local, 0},
    {"notify_wake", case_notify_wake, overhead_shared, 0},
    {"chan_msg_64b", case_chan_msg_64b, overhead_chan_msg, 0},
    {"chan_msg_64b_batched", case_chan_msg_64b_batched, overhead_chan_msg, 0},
    {"chan_bulk_4k", case_chan_bulk_4k, overhead_chan_bulk, 0},
    {"chan_bulk_64k", case_chan_bulk_64k, overhead_chan_bulk, 0},
    {"chan_bulk_1m", case_chan_bulk_1m, overhead_local, BENCH_1M_SAMPLES},
    {"ipc_copy_4k", case_ipc_copy_4k, overhead_local, 0},
    {"ipc_copy_64k", case_ipc_copy_64k, overhead_local, 0},
    {"ipc_copy_1m", case_ipc_copy_1m, overhead_local, BENCH_1M_SAMPLES},
    {"memcpy_4k", case_memcpy_4k, overhead_local, 0},
    {"memcpy_64k", case_memcpy_64k, overhead_local, 0},
    {"memcpy_1m", case_memcpy_1m, overhead_local, BENCH_1M_SAMPLES},
};

/* ---- Start-up and output. ---- */

/* The main thread's priority and its IPC buffer. */
static long setup(void)
{
    long err = xr_thread_set_prio(XR_SLOT_SELF_THREAD, BENCH_PRIO);
    if (err == XR_OK)
        err = map_page(BENCH_IPCBUF_VA);
    if (err == XR_OK)
        err = xr_thread_set_ipcbuf(XR_SLOT_SELF_THREAD, BENCH_IPCBUF_VA);
    return err;
}

/* Waits (at most about a second) for init's process cap, its signal that set-up is done. */
static bool wait_for_init(void)
{
    for (int i = 0; i < 1000; i++) {
        unsigned type = XR_OBJ_NONE;
        if (xr_cap_identify(XR_SLOT_SELF, &type, NULL) == XR_OK && type == XR_OBJ_PROCESS)
            return true;
        xr_sleep_us(1000);
    }
    return false;
}

/* Copies the command line init passed (see the top of this file) into buf. */
static void read_cmdline(uint64_t arg, char *buf, size_t size)
{
    const char *page = (const char *)(arg & BENCH_ARG_PAGE);
    size_t n = 0;

    for (; page && n < size - 1 && page[n]; n++)
        buf[n] = page[n];
    buf[n] = '\0';
}

static void print_json(const char *cmdline, const config_t *cfg, bool quick, unsigned warmup,
                       unsigned samples, const bench_result_t *results, unsigned count)
{
    printf("BEGIN IPCBENCH JSON\n");
    printf("{\"benchmark\": \"ipcbench\", \"format\": 1,\n  \"cmdline\": ");
    bench_json_string(cmdline);
    printf(",\n  \"config\": {\"fastpath\": %d, \"kpti\": %d, \"pcid\": %d, \"smp\": %d, "
           "\"workers\": %lu},\n",
           cfg->fastpath, cfg->kpti, cfg->pcid, cfg->smp, cfg->workers);
    printf("  \"quick\": %s, \"warmup\": %u, \"samples\": %u, \"unit\": \"tsc\",\n",
           quick ? "true" : "false", warmup, samples);
    printf("  \"results\": [\n");
    bench_json_results(results, count);
    printf("  ]}\n");
    printf("END IPCBENCH JSON\n");
}

int main(uint64_t arg)
{
    enum { NCASES = sizeof(cases) / sizeof(cases[0]) };
    static bench_result_t results[NCASES];
    char cmdline[sizeof(((xr_bootinfo_t *)0)->cmdline)];
    config_t cfg;
    bool quick = arg & BENCH_ARG_QUICK;
    unsigned warmup = quick ? BENCH_QUICK_WARMUP : BENCH_WARMUP;
    unsigned samples = quick ? BENCH_QUICK_SAMPLES : BENCH_SAMPLES;
    int failed = 0;

    if (!wait_for_init()) {
        printf("not ok bench/setup no process cap from init\n0 passed, 1 failed\n");
        return 1;
    }
    read_cmdline(arg, cmdline, sizeof(cmdline));
    config_defaults(&cfg);
    cmdline_parse(cmdline, &cfg, NULL);
    printf("ipcbench: %u cases, %u samples after %u warm-up, command line \"%s\"\n", NCASES,
           samples, warmup, cmdline);
    long err = setup();
    for (unsigned i = 0; i < NCASES; i++) {
        if (err == XR_OK)
            failed += bench_run_case(&cases[i], warmup, samples, &results[i]) != XR_OK;
        else
            results[i] = (bench_result_t){.name = cases[i].name, .err = err};
    }
    if (err != XR_OK) {
        printf("not ok bench/setup cannot set the priority or the IPC buffer: %s\n",
               xr_strerror(err));
        failed = NCASES;
    }
    print_json(cmdline, &cfg, quick, warmup, samples, results, NCASES);
    printf("%d passed, %d failed\n", NCASES - failed, failed);
    return failed ? 1 : 0;
}
