/* ipcbench's cases across cores (bench=smp, docs/bench/README.md): a 64-byte channel message
 * from this thread (CPU 0) to a receiver on CPU 1, and the aggregate throughput of one
 * client/server pair of threads per core on 1, 2 and 4 cores. Under QEMU -icount the cores run
 * in turn on one host thread and the TSC counts the instructions of all of them, so every figure
 * here is instructions executed by all cores together (spins and idle wake-ups included), per
 * message or per call: on real hardware the pairs would overlap in time. */
#include <stdatomic.h>

#include "chan.h"
#include "ipcbench.h"

/* Slots (each case deletes what it made): the pairs' threads, endpoints and notifications, the
 * channel's memory and notifications. */
#define SMP_SLOT_CLIENT     50 /* + pair: 51..57 (pair 0's client is the main thread) */
#define SMP_SLOT_SERVER     58 /* 58..65 */
#define SMP_SLOT_EP         66 /* 66..73 */
#define SMP_SLOT_GO         74 /* 75..81: a client thread waits on its own to start a round */
#define SMP_SLOT_DONE       82 /* the last client of a round signals it */
#define SMP_SLOT_CHAN_MEM   83
#define SMP_SLOT_CHAN_RX    84
#define SMP_SLOT_CHAN_TX    85
#define SMP_MAX_PAIRS       8
#define SMP_THREAD_STACK_VA 0x0000000090000000ul /* 16 KiB of stack per thread, 64 KiB apart */
#define SMP_THREAD_BUF_VA   0x00000000a0000000ul /* an IPC buffer page per thread */
#define SMP_CHAN_VA         0x00000000b0000000ul
#define SMP_CHAN_SLOTS      256u  /* one lap of the ring is a sample */
#define SMP_CALLS_PER_ROUND 1000u /* calls each client makes in one sample of a throughput case */

/* ---- Threads of the throughput cases. ---- */

static void (*thread_fns[2 * SMP_MAX_PAIRS])(uint64_t);

static void thread_entry(uint64_t idx_arg)
{
    unsigned idx = (unsigned)(idx_arg >> 56);
    thread_fns[idx](idx_arg & ((1ul << 56) - 1));
    for (;;)
        xr_syscall0(XR_SYS_THREAD_EXIT);
}

/* Starts fn(arg) in a new thread at slot, priority BENCH_PRIO, pinned to cpu, with stack and
 * IPC buffer number idx; the thread ends when fn returns. */
static long smp_thread_start(xr_cap_t slot, unsigned idx, unsigned cpu, void (*fn)(uint64_t),
                             uint64_t arg)
{
    thread_fns[idx] = fn;
    long err =
        bench_thread_start(slot, (uint64_t)thread_entry, SMP_THREAD_STACK_VA + idx * 0x10000ul,
                           SMP_THREAD_BUF_VA + idx * 4096ul, (uint64_t)idx << 56 | arg, BENCH_PRIO);
    if (err == XR_OK) /* queued behind this thread, it moves at once */
        err = xr_thread_set_affinity(slot, cpu);
    return err;
}

/* ---- Aggregate throughput: pairs of threads, one pair per core. ---- */

static struct {
    atomic_uint left;  /* clients still calling in this round */
    atomic_long err;   /* the first error a client met */
    volatile bool end; /* the clients leave at their next round */
    long server_err[SMP_MAX_PAIRS];
} tput;

static void tput_server(uint64_t pair)
{
    xr_ipc_buffer_t *buf = (xr_ipc_buffer_t *)(SMP_THREAD_BUF_VA + (SMP_MAX_PAIRS + pair) * 4096);
    tput.server_err[pair] = bench_server(SMP_SLOT_EP + (xr_cap_t)pair, buf);
}

/* One round of pair's client: SMP_CALLS_PER_ROUND echo calls of 4 words to its own server,
 * each reply checked (the first error is kept in tput.err). Returns whether this was the last
 * client of the round to finish. */
static bool client_round(unsigned pair)
{
    const uint64_t tag = BENCH_ECHO(XR_MSG_REGS);

    for (unsigned i = 0; i < SMP_CALLS_PER_ROUND; i++) {
        xr_msg_t m = {.tag = tag, .w = {1, 2, 3, i}};
        long err = xr_call(SMP_SLOT_EP + pair, &m);
        if (err == XR_OK && (m.tag != tag || m.w[0] != 1 || m.w[3] != i))
            err = XR_ECORRUPT;
        if (err != XR_OK) {
            long ok = XR_OK;
            atomic_compare_exchange_strong(&tput.err, &ok, err);
            break;
        }
    }
    return atomic_fetch_sub(&tput.left, 1) == 1;
}

/* The client thread of pair 1.. (pair 0's is the main thread): a round at each signal of its GO
 * notification; the last client of a round signals DONE. */
static void tput_client(uint64_t pair)
{
    uint64_t bits;

    while (xr_wait(SMP_SLOT_GO + (xr_cap_t)pair, &bits) == XR_OK && !tput.end)
        if (client_round((unsigned)pair))
            xr_signal(SMP_SLOT_DONE);
}

/* Makes the pairs' endpoints, notifications and threads (pair p on CPU p; pair 0's client is
 * this thread). */
static long tput_start(unsigned pairs)
{
    long err = xr_notify_create(SMP_SLOT_DONE);

    tput.end = false;
    tput.err = XR_OK;
    for (unsigned p = 0; p < pairs && err == XR_OK; p++) {
        err = xr_endpoint_create(SMP_SLOT_EP + p);
        if (p > 0)
            err = err ? err : xr_notify_create(SMP_SLOT_GO + p);
        err =
            err ? err : smp_thread_start(SMP_SLOT_SERVER + p, SMP_MAX_PAIRS + p, p, tput_server, p);
        if (p > 0)
            err = err ? err : smp_thread_start(SMP_SLOT_CLIENT + p, p, p, tput_client, p);
    }
    if (err != XR_OK)
        printf("ipcbench: %u pairs: %s (quota used %lu of %lu frames, kernel %lu of %lu, page "
               "tables %lu of %lu)\n",
               pairs, xr_strerror(err), (uint64_t)xr_info(XR_INFO_QUOTA_USED),
               (uint64_t)xr_info(XR_INFO_QUOTA_LIMIT), (uint64_t)xr_info(XR_INFO_QUOTA_KERNEL_USED),
               (uint64_t)xr_info(XR_INFO_QUOTA_KERNEL_LIMIT),
               (uint64_t)xr_info(XR_INFO_QUOTA_PT_USED), (uint64_t)xr_info(XR_INFO_QUOTA_PT_LIMIT));
    return err;
}

/* Ends the clients (a last signal with end set) and the servers (their endpoints deleted, so
 * their receive fails with XR_EDEAD), and deletes everything tput_start made. */
static long tput_stop(unsigned pairs, long err)
{
    tput.end = true;
    for (unsigned p = 1; p < pairs; p++)
        xr_signal(SMP_SLOT_GO + p);
    for (unsigned p = 0; p < pairs; p++) {
        long end = p > 0 ? bench_thread_join(SMP_SLOT_CLIENT + p) : XR_OK;
        xr_cap_revoke(SMP_SLOT_EP + p);
        xr_cap_delete(SMP_SLOT_EP + p);
        end = end ? end : bench_thread_join(SMP_SLOT_SERVER + p);
        if (end == XR_OK && tput.server_err[p] != XR_EDEAD)
            end = XR_ECORRUPT;
        err = err ? err : end;
        if (p > 0)
            xr_cap_delete(SMP_SLOT_GO + p);
    }
    xr_cap_delete(SMP_SLOT_DONE);
    return err;
}

/* Instructions per call: a window's timestamps divided by the calls of a round of pairs. */
static uint64_t per_call(uint64_t total, unsigned pairs)
{
    unsigned calls = pairs * SMP_CALLS_PER_ROUND;
    return (total + calls / 2) / calls;
}

long overhead_smp_tput(uint64_t *raw, unsigned count, uint64_t pairs)
{
    for (unsigned i = 0; i < count; i++) {
        uint64_t t0 = bench_ts_begin();
        uint64_t t1 = bench_ts_end();
        raw[i] = per_call(t1 - t0, (unsigned)pairs);
    }
    return XR_OK;
}

/* ipc_tput_Ncore: a sample is one round: every client (on its own core, with its server there)
 * makes SMP_CALLS_PER_ROUND calls, from the first GO signal until this thread, pair 0's client,
 * knows all have finished (its own calls were the last, or DONE woke it); it is divided by the
 * calls of the round. */
long case_smp_tput(uint64_t *raw, unsigned count, uint64_t pairs)
{
    uint64_t bits;

    if (pairs > SMP_MAX_PAIRS || pairs > (uint64_t)xr_info(XR_INFO_CPUS))
        return XR_ERANGE; /* not enough cores online */
    long err = xr_thread_set_affinity(XR_SLOT_SELF_THREAD, 0);
    err = err ? err : tput_start((unsigned)pairs);
    for (unsigned i = 0; i < count && err == XR_OK; i++) {
        atomic_store(&tput.left, (unsigned)pairs);
        uint64_t t0 = bench_ts_begin();
        for (unsigned p = 1; p < pairs; p++)
            xr_signal(SMP_SLOT_GO + p);
        if (!client_round(0))
            err = xr_wait(SMP_SLOT_DONE, &bits);
        uint64_t t1 = bench_ts_end();
        err = err ? err : atomic_load(&tput.err);
        raw[i] = per_call(t1 - t0, (unsigned)pairs);
    }
    return tput_stop((unsigned)pairs, err);
}

/* ---- A 64-byte channel message to another core. ---- */

static chan_t smp_tx, smp_rx;
static volatile struct {
    uint64_t got;
    long err;
} smp_crx;

/* The receiver, on CPU 1: takes inline messages until the channel is closed, checking that
 * each carries the next sequence number. */
static void chan_receiver(uint64_t arg)
{
    chan_msg_t m;
    uint64_t seq = 0, first;
    long err;

    (void)arg;
    while ((err = chan_recv(&smp_rx, &m)) == XR_OK) {
        if (m.kind != CHAN_KIND_INLINE || m.len != CHAN_INLINE_MAX)
            break;
        __builtin_memcpy(&first, m.data, sizeof(first));
        if (first != seq)
            break;
        seq++;
    }
    smp_crx.got = seq;
    smp_crx.err = err == XR_EDEAD ? XR_OK : err == XR_OK ? XR_ECORRUPT : err;
}

/* A fresh channel of SMP_CHAN_SLOTS slots (both sides blocking: a full ring makes the sender
 * wait, an empty one the receiver) and its receiver, on CPU 1. */
static long smp_chan_start(void)
{
    uint64_t pages = chan_pages(SMP_CHAN_SLOTS, 0);
    long err = xr_memory_create(pages, SMP_SLOT_CHAN_MEM);

    err = err ? err : chan_map(XR_SLOT_SELF, SMP_SLOT_CHAN_MEM, SMP_CHAN_VA, pages);
    err = err ? err : xr_notify_create(SMP_SLOT_CHAN_RX);
    err = err ? err : xr_notify_create(SMP_SLOT_CHAN_TX);
    err = err ? err
              : chan_attach(&smp_tx, (void *)SMP_CHAN_VA, SMP_CHAN_SLOTS, 0, CHAN_SPSC,
                            SMP_SLOT_CHAN_RX, SMP_SLOT_CHAN_TX);
    err = err ? err
              : chan_attach(&smp_rx, (void *)SMP_CHAN_VA, SMP_CHAN_SLOTS, 0, CHAN_SPSC,
                            SMP_SLOT_CHAN_RX, SMP_SLOT_CHAN_TX);
    smp_crx.got = 0;
    smp_crx.err = XR_OK;
    err = err ? err : bench_peer_start(chan_receiver, 0, BENCH_PRIO);
    return err ? err : xr_thread_set_affinity(BENCH_SLOT_PEER, 1);
}

/* Closes the channel, waits for the receiver, deletes the channel's memory and notifications; XR_OK
 * when the receiver took all sent messages, in order. */
static long smp_chan_stop(uint64_t sent, long err)
{
    err = err ? err : chan_flush(&smp_tx);
    chan_close(&smp_tx);
    long end = bench_peer_join();
    printf("ipcbench: %lu messages to CPU 1: %lu wake-ups by the sender (%lu waits), %lu waits by "
           "the receiver\n",
           sent, smp_tx.wakeups, smp_tx.sleeps, smp_rx.sleeps);
    err = err                   ? err
          : end                 ? end
          : smp_crx.err         ? smp_crx.err
          : smp_crx.got != sent ? XR_ECORRUPT
                                : XR_OK;
    xr_cap_delete(SMP_SLOT_CHAN_MEM); /* the last cap: its mappings go with it */
    xr_cap_delete(SMP_SLOT_CHAN_RX);
    xr_cap_delete(SMP_SLOT_CHAN_TX);
    return err;
}

long overhead_smp_chan(uint64_t *raw, unsigned count, uint64_t arg)
{
    (void)arg;
    for (unsigned i = 0; i < count; i++) {
        uint64_t t0 = bench_ts_begin();
        uint64_t t1 = bench_ts_end();
        raw[i] = (t1 - t0 + SMP_CHAN_SLOTS / 2) / SMP_CHAN_SLOTS;
    }
    return XR_OK;
}

/* chan_msg_64b_cross_core (batch 1: chan_send) and _batch32 (chan_write, chan_flush every
 * 32): a sample is one lap of the ring, SMP_CHAN_SLOTS messages of CHAN_INLINE_MAX bytes from
 * this thread on CPU 0 to the receiver on CPU 1, divided by their number. */
long case_smp_chan(uint64_t *raw, unsigned count, uint64_t batch)
{
    uint8_t msg[CHAN_INLINE_MAX];
    uint64_t seq = 0;

    if (xr_info(XR_INFO_CPUS) < 2)
        return XR_ERANGE;
    long err = xr_thread_set_affinity(XR_SLOT_SELF_THREAD, 0);
    if (err == XR_OK)
        err = smp_chan_start();
    if (err != XR_OK) {
        xr_cap_delete(SMP_SLOT_CHAN_MEM);
        return err;
    }
    memset(msg, 0xa5, sizeof(msg));
    for (unsigned i = 0; i < count && err == XR_OK; i++) {
        uint64_t t0 = bench_ts_begin();
        for (unsigned k = 0; k < SMP_CHAN_SLOTS && err == XR_OK; k++, seq++) {
            __builtin_memcpy(msg, &seq, sizeof(seq));
            err = batch == 1 ? chan_send(&smp_tx, msg, sizeof(msg))
                             : chan_write(&smp_tx, msg, sizeof(msg));
            if (err == XR_OK && batch > 1 && (seq + 1) % batch == 0)
                err = chan_flush(&smp_tx);
        }
        uint64_t t1 = bench_ts_end();
        raw[i] = (t1 - t0 + SMP_CHAN_SLOTS / 2) / SMP_CHAN_SLOTS;
    }
    return smp_chan_stop(err == XR_OK ? seq : 0, err);
}
