/* ipcbench's cases of shared-memory channels (user/lib/chan.h) and bulk transfers. The channel's
 * two ends are two threads of this process at BENCH_PRIO: the main thread sends, a peer thread
 * receives. On one core they run in turns: the sender fills the ring (or the pool), finds it full,
 * yields; the receiver drains it, finds it empty and yields once before it would sleep
 * (chan_recv_begin), and the sender refills it: the receiver never sleeps, no send finds its
 * flag set, and a lap makes two system calls, the yields. The sender is non-blocking
 * (CHAN_NONBLOCK): on XR_EAGAIN it yields. A sample covers one such lap, so each contains the same
 * work, and is divided by the messages (or transfers) in it. The bulk cases compare them with the
 * same bytes by IPC (ipc_copy_*) and by memcpy (memcpy_*). */
#include "chan.h"
#include "ipcbench.h"

#define BENCH_SLOT_CHAN_MEM  40 /* the channel's memory objects: slots 40..44 */
#define BENCH_CHAN_OBJ_PAGES 64 /* pages per memory object (MEMOBJ_MAPS page mappings) */
#define BENCH_SLOT_SRC_MEM   45 /* the source of the bulk data: slots 45..48 */
#define BENCH_SLOT_RX_NTFN   27 /* the receiver waits on it */
#define BENCH_SLOT_TX_NTFN   28 /* a blocking sender would wait on it */

#define BENCH_CHAN_VA    0x0000000070000000ul
#define BENCH_SRC_VA     0x0000000080000000ul
#define BENCH_CHAN_SLOTS 256u /* four pages of ring */
#define BENCH_SRC_OBJS   4u   /* memory objects of the source, 16 pages each, */
#define BENCH_SRC_PAGES  16u  /* mapped in turn, 4 times over: 64 mappings each */
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
 * last) is its sequence number; arg 0 means inline messages of CHAN_INLINE_MAX bytes, read in
 * place in their slot, a batch up to each sync point (chan_read_batch, chan_rbatch_peek and
 * _next, chan_read_batch_end; chan_recv_begin when it has to wait). The check is all it reads
 * of a message: a consumer's own work on the data is not counted. */
static void chan_receiver(uint64_t arg)
{
    chan_msg_t m;
    uint64_t seq = 0, first, last;
    long err;

    if (arg == 0) {
        for (;;) {
            chan_rbatch_t b;
            chan_read_batch(&chan_rx, &b);
            const uint64_t *w = chan_rbatch_peek(&b, CHAN_INLINE_MAX);
            if (!w) { /* empty (wait), or not an inline message of 56 bytes */
                if ((err = chan_recv_begin(&chan_rx, &m)) != XR_OK || m.kind != CHAN_KIND_INLINE ||
                    m.len != CHAN_INLINE_MAX)
                    break;
                __builtin_memcpy(&first, m.ptr, sizeof(first));
                chan_recv_end(&chan_rx);
                if (first != seq)
                    break;
                seq++;
                continue;
            }
            do { /* up to the sync point: a batch */
                first = w[0];
                if (first != seq)
                    break;
                seq++;
                chan_rbatch_next(&b);
            } while ((w = chan_rbatch_peek(&b, CHAN_INLINE_MAX)));
            /* (w is not NULL when a sequence number was wrong) */
            if ((err = chan_read_batch_end(&chan_rx, &b)) != XR_OK || w)
                break;
        }
    } else {
        while ((err = chan_recv_begin(&chan_rx, &m)) == XR_OK) {
            if (m.kind != CHAN_KIND_REF || m.len != arg)
                break;
            chan_recv_end(&chan_rx);
            __builtin_memcpy(&first, m.ptr, sizeof(first));
            __builtin_memcpy(&last, m.ptr + arg - sizeof(last), sizeof(last));
            chan_buf_release(&chan_rx, &m);
            if (first != seq || last != seq)
                break;
            seq++;
        }
    }
    crx.got = seq;
    crx.err = err == XR_EDEAD ? XR_OK : err == XR_OK ? XR_ECORRUPT : err;
}

/* A fresh channel (the shared page and the ring zeroed: the empty state, since the slots'
 * stamps count from it; pool_pages of pool) and its
 * receiver, taking messages of size bytes (0: inline). */
static long chan_start(uint32_t pool_pages, uint64_t size)
{
    uint64_t bits;
    long err = chan_memory();

    if (err != XR_OK)
        return err;
    memset((void *)BENCH_CHAN_VA, 0, CHAN_PAGE + BENCH_CHAN_SLOTS * CHAN_SLOT_SIZE);
    xr_notify_poll(BENCH_SLOT_RX_NTFN, &bits); /* the last case's chan_close left bits */
    xr_notify_poll(BENCH_SLOT_TX_NTFN, &bits);
    err = chan_attach(&chan_tx, (void *)BENCH_CHAN_VA, BENCH_CHAN_SLOTS, pool_pages,
                      CHAN_SPSC | CHAN_NONBLOCK, BENCH_SLOT_RX_NTFN, BENCH_SLOT_TX_NTFN);
    err = err ? err
              : chan_attach(&chan_rx, (void *)BENCH_CHAN_VA, BENCH_CHAN_SLOTS, pool_pages,
                            CHAN_SPSC, BENCH_SLOT_RX_NTFN, BENCH_SLOT_TX_NTFN);
    crx.got = 0;
    crx.err = XR_OK;
    return err ? err : bench_peer_start(chan_receiver, size, BENCH_PRIO);
}

/* Publishes what is staged, closes the channel, waits for the receiver to end; XR_OK when it
 * took all sent messages, in order. */
static long chan_stop(uint64_t sent, long err)
{
    if (err == XR_OK)
        err = chan_flush(&chan_tx);
    chan_close(&chan_tx);
    long end = bench_peer_join();
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

long overhead_chan_msg(uint64_t *raw, unsigned count, uint64_t arg)
{
    (void)arg;
    return overhead_window(raw, count, BENCH_CHAN_SLOTS);
}

/* Sends one message with sequence number seq (chan_send, or chan_write when batch > 1; built
 * in the slot with chan_write_begin/end when inplace), yielding while the ring is full. */
static inline __attribute__((always_inline)) long
chan_msg_one(void *msg, uint64_t seq, unsigned batch, bool inplace, unsigned *misses)
{
    for (;;) {
        long err;
        if (inplace) {
            uint64_t *w;
            if ((err = chan_write_begin(&chan_tx, &w)) == XR_OK) {
                w[0] = seq;
                for (unsigned i = 1; i < CHAN_SLOT_WORDS; i++)
                    w[i] = 0xa5a5a5a5a5a5a5a5ul;
                chan_write_end(&chan_tx, CHAN_INLINE_MAX);
                if (batch == 1)
                    err = chan_flush(&chan_tx);
            }
        } else {
            __builtin_memcpy(msg, &seq, sizeof(seq));
            err = batch == 1 ? chan_send(&chan_tx, msg, CHAN_INLINE_MAX)
                             : chan_write(&chan_tx, msg, CHAN_INLINE_MAX);
        }
        if (__builtin_expect(err == XR_OK, 1))
            return XR_OK;
        if (err != XR_EAGAIN || (err = chan_wait_room(misses)) != XR_OK)
            return err;
    }
}

/* A lap of batches of batch messages, each batch ended by chan_flush, through the batch API
 * (chan_write_batch: the producer's state in registers; a batch is cut short where the ring is
 * full or ends, and goes on in the next). Called with a constant inplace so that each
 * variant's loop has no per-message test of it. */
static inline __attribute__((always_inline)) long
chan_msg_batches(void *msg, uint64_t *seq, unsigned batch, bool inplace, unsigned *misses)
{
    uint64_t s = *seq;
    long err = XR_OK;
    for (unsigned k = 0; k < BENCH_CHAN_SLOTS && err == XR_OK; k += batch) {
        for (unsigned left = batch; left > 0 && err == XR_OK;) {
            chan_wbatch_t b;
            if ((err = chan_write_batch(&chan_tx, &b, left)) != XR_OK) {
                if (err == XR_EAGAIN)
                    err = chan_wait_room(misses);
                continue;
            }
            uint64_t s0 = s;
            if (inplace) {
                uint64_t *w;
                while ((w = chan_wbatch_slot(&b))) {
                    w[0] = s++;
                    for (unsigned i = 1; i < CHAN_SLOT_WORDS; i++)
                        w[i] = 0xa5a5a5a5a5a5a5a5ul;
                    chan_wbatch_publish(&b, CHAN_INLINE_MAX);
                }
            } else {
                for (;; s++) {
                    __builtin_memcpy(msg, &s, sizeof(s));
                    if (chan_wbatch_put(&b, msg, CHAN_INLINE_MAX) != XR_OK)
                        break;
                }
            }
            left -= (unsigned)(s - s0);
            err = chan_write_batch_end(&chan_tx, &b);
        }
        if (err == XR_OK)
            err = chan_flush(&chan_tx);
    }
    *seq = s;
    return err;
}

/* chan_msg_64b (batch 1: chan_send) and chan_msg_64b_batched (chan_write, and chan_flush
 * every BENCH_CHAN_BATCH): a sample is BENCH_CHAN_SLOTS messages of CHAN_INLINE_MAX bytes (one
 * lap of the ring), timed together, divided by their number. The first word of each is its
 * sequence number, the others 0xa5 bytes: copied from a message buffer, or with
 * BENCH_CHAN_INPLACE (the _inplace cases) written straight into the slot. */
long case_chan_msg(uint64_t *raw, unsigned count, uint64_t arg)
{
    _Static_assert(BENCH_CHAN_SLOTS % BENCH_CHAN_BATCH == 0, "whole batches per sample");
    unsigned batch = (unsigned)(arg & ~BENCH_CHAN_INPLACE);
    bool inplace = arg & BENCH_CHAN_INPLACE;
    uint8_t msg[CHAN_INLINE_MAX];
    uint64_t seq = 0;
    long err = chan_start(0, 0);

    if (err != XR_OK) /* (a failed peer_start leaves no receiver to stop) */
        return err;
    memset(msg, 0xa5, sizeof(msg));
    for (unsigned i = 0; i < count && err == XR_OK; i++) {
        unsigned misses = 0; /* yields in this sample */
        uint64_t t0 = bench_ts_begin();
        if (batch == 1 && !inplace) {
            for (unsigned k = 0; k < BENCH_CHAN_SLOTS && err == XR_OK; k++)
                err = chan_msg_one(msg, seq++, 1, false, &misses);
        } else if (batch == 1) {
            for (unsigned k = 0; k < BENCH_CHAN_SLOTS && err == XR_OK; k++)
                err = chan_msg_one(msg, seq++, 1, true, &misses);
        } else if (!inplace) {
            err = chan_msg_batches(msg, &seq, batch, false, &misses);
        } else {
            err = chan_msg_batches(msg, &seq, batch, true, &misses);
        }
        uint64_t t1 = bench_ts_end();
        raw[i] = per(t1 - t0, BENCH_CHAN_SLOTS);
    }
    return chan_stop(err == XR_OK ? seq : 0, err);
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
long case_chan_bulk(uint64_t *raw, unsigned count, uint64_t size)
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

long overhead_chan_bulk(uint64_t *raw, unsigned count, uint64_t arg)
{
    (void)arg;
    return overhead_window(raw, count, bulk_bufs(0));
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
            memcpy(&BENCH_IPCBUF->msg[XR_MSG_REGS], w + XR_MSG_REGS,
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

long case_ipc_copy(uint64_t *raw, unsigned count, uint64_t size)
{
    long err = chan_memory();
    if (err != XR_OK)
        return err;
    bench_sink = BENCH_POOL;
    bench_sink_size = BENCH_BULK_MAX;
    memset(BENCH_POOL, 0, size);
    return bench_ipc_run(false, ipc_copy_loop, size, raw, count);
}

/* memcpy_*: the floor: one memcpy of size bytes from BENCH_SRC to BENCH_POOL. */
long case_memcpy(uint64_t *raw, unsigned count, uint64_t size)
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
