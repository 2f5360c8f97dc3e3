/* ipcbench's 64-byte channel message to another core (bench=smp, docs/bench/README.md): from
 * this thread (CPU 0) to a receiver on CPU 1. Apart from cases_smp.c because it is built with
 * SSE, as the other channel cases are (user/bench/CMakeLists.txt): its 56-byte copies use
 * 16-byte moves. Instructions of all cores together per message, as cases_smp.c explains. */
#include "chan.h"
#include "ipcbench.h"

#define SMP_SLOT_CHAN_MEM 83 /* (after cases_smp.c's slots) */
#define SMP_SLOT_CHAN_RX  84
#define SMP_SLOT_CHAN_TX  85
#define SMP_CHAN_VA       0x00000000b0000000ul
#define SMP_CHAN_SLOTS    256u /* one lap of the ring is a sample */

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
