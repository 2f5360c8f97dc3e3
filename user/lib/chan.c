/* Channels: lock-free rings in shared memory with notification wake-ups; the out-of-line
 * halves of chan.h's inline hot paths (chan.h has the layout and the trust rules,
 * docs/ipc-layers.md the memory-ordering argument).
 *
 * Orderings used, and why each suffices (on x86 every RELEASE store and ACQUIRE load is a
 * plain move; only the SEQ_CST fences and read-modify-writes cost anything):
 *  - Publishing a message (the slot's hdr store) is a RELEASE: the payload writes become
 *    visible no later than the stamp that announces them.
 *  - Reading hdr is an ACQUIRE: once the consumer sees the stamp, it sees the payload.
 *  - Freeing space (tail, pool_tail) is a RELEASE by the consumer, read with ACQUIRE by
 *    producers: the consumer's reads of a slot or buffer happen before a producer may
 *    overwrite it.
 *  - Sleeping uses the store/fence/load pattern on both sides (Dekker): the waiter stores
 *    its flag, runs a SEQ_CST fence, then re-checks the ring; the waker stores, runs a
 *    SEQ_CST fence, then loads the flag. With both fences at least one side sees the
 *    other's store, so either the waiter finds the message (or space) or the waker finds
 *    the flag and signals. A signal that comes before the wait stays in the notification's
 *    bits, so the wait then returns at once: no wake-up is lost. The producer's fence is
 *    once per chan_flush; the consumer's once per CHAN_SYNC_EVERY messages and before it
 *    sleeps, so a producer waiting for space wakes when the consumer has taken at most
 *    CHAN_SYNC_EVERY more messages or found the ring empty. */
#include "chan.h"

#include "xr.h"

#define MPSC_RETRIES (1u << 20) /* attempts before a producer calls the shared state corrupt */

uint64_t chan_pages(uint32_t nslots, uint32_t pool_pages)
{
    return 1 + (uint64_t)nslots * CHAN_SLOT_SIZE / CHAN_PAGE + pool_pages;
}

long chan_map(xr_cap_t proc, xr_cap_t mem, uint64_t va, uint64_t pages)
{
    for (uint64_t i = 0; i < pages; i++) {
        long err = xr_map_memory(proc, mem, i * CHAN_PAGE, va + i * CHAN_PAGE, XR_MAP_WRITE);
        if (err)
            return err;
    }
    return XR_OK;
}

long chan_attach(chan_t *ch, void *va, uint32_t nslots, uint32_t pool_pages, unsigned flags,
                 xr_cap_t rx_ntfn, xr_cap_t tx_ntfn)
{
    if (nslots < CHAN_MIN_SLOTS || nslots > CHAN_MAX_SLOTS || (nslots & (nslots - 1)) ||
        (flags & ~(CHAN_MPSC | CHAN_NONBLOCK)) || pool_pages > 1024)
        return XR_EINVAL;
    memset(ch, 0, sizeof(*ch));
    ch->sh = va;
    ch->ring = (chan_slot_t *)((uint8_t *)va + CHAN_PAGE);
    ch->pool = (uint8_t *)(ch->ring + nslots);
    ch->pool_size = (uint64_t)pool_pages * CHAN_PAGE;
    ch->nslots = nslots;
    ch->mask = nslots - 1;
    while ((1u << ch->shift) < nslots)
        ch->shift++;
    ch->flags = flags;
    ch->rx_ntfn = rx_ntfn;
    ch->tx_ntfn = tx_ntfn;
    ch->limit = flags & CHAN_MPSC ? 0 : nslots;
    ch->tx_slot = ch->tx_base = ch->ring;
    ch->tx_stop = flags & CHAN_MPSC ? ch->ring : ch->ring + nslots;
    ch->tx_want = 1ul << CHAN_STAMP_SHIFT;
    ch->rx_left = CHAN_SYNC_EVERY;
    ch->rx_slot = ch->ring;
    ch->rx_want = 1ul << CHAN_STAMP_SHIFT;
    return XR_OK;
}

/* ---- waiting ---- */

static bool closed(const chan_t *ch)
{
    return __atomic_load_n(&ch->sh->closed, __ATOMIC_ACQUIRE);
}

/* Block on ntfn until signalled (XR_OK: look again). With a peer cap, wait one slice and
 * give XR_EDEAD once the peer has ended (a dead peer never signals); the caller looks at
 * the ring again after every slice, so space or messages the peer left before it died
 * (without a signal) are still found. */
static long block(chan_t *ch, xr_cap_t ntfn)
{
    uint64_t bits, st;
    ch->sleeps++;
    if (!ch->peer)
        return xr_wait(ntfn, &bits);
    if (xr_notify_poll(ntfn, &bits) == XR_OK)
        return XR_OK;
    if (xr_process_status(ch->peer, &st) || xr_status_state(st) != XR_PROC_RUNNING)
        return XR_EDEAD;
    xr_sleep_us(CHAN_PEER_POLL_US);
    return XR_OK;
}

/* Signal ntfn, counting the system call. */
static void wake(chan_t *ch, xr_cap_t ntfn)
{
    ch->wakeups++;
    xr_signal(ntfn);
}

/* Producer, after chan_flush's fence found rx_sleeping set: only the producer that swaps
 * the flag from 1 signals, so a batch (and racing producers) cost one wake-up. */
void chan_wake_rx(chan_t *ch)
{
    if (__atomic_exchange_n(&ch->sh->rx_sleeping, 0, __ATOMIC_RELAXED))
        wake(ch, ch->rx_ntfn);
}

/* Consumer: the slots before our tail go back to producers. RELEASE: our reads of them
 * complete before a producer may reuse them. */
static void publish_tail(chan_t *ch)
{
    __atomic_store_n(&ch->sh->tail, chan_recv_pos(ch), __ATOMIC_RELEASE);
}

/* Consumer, every CHAN_SYNC_EVERY messages (chan_recv_end, rx_left 0) and after releasing
 * a pool buffer: free the slots taken and wake waiting producers. The fence orders the
 * space-freeing stores before the load of tx_waiters (the Dekker pair of wait_space). */
void chan_recv_sync(chan_t *ch)
{
    if (ch->rx_left == 0) { /* at a multiple of CHAN_SYNC_EVERY, so of nslots at the end */
        ch->tail += CHAN_SYNC_EVERY;
        ch->rx_left = CHAN_SYNC_EVERY;
        if (ch->rx_slot == ch->ring + ch->nslots)
            ch->rx_slot = ch->ring;
    }
    publish_tail(ch);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&ch->sh->tx_waiters, __ATOMIC_RELAXED))
        wake(ch, ch->tx_ntfn);
}

/* ---- producer ---- */

/* SPSC: refresh tail_seen (and limit) from the shared tail. XR_ECORRUPT if it claims more
 * free space than the ring has (tail ahead of head, or more than nslots behind). */
static long spsc_load_tail(chan_t *ch)
{
    /* ACQUIRE: the consumer's reads of the slots it frees come before our rewrite. */
    uint64_t t = __atomic_load_n(&ch->sh->tail, __ATOMIC_ACQUIRE);
    if (ch->head - t > ch->nslots)
        return XR_ECORRUPT;
    ch->tail_seen = t;
    uint64_t end = (ch->head | ch->mask) + 1; /* tx_slot wraps there (chan_room_slow) */
    ch->limit = t + ch->nslots < end ? t + ch->nslots : end;
    return XR_OK;
}

/* MPSC: positions in use, from the shared tail (read first: it only grows, so the head read
 * after it is never behind it) and head. More than nslots: the tail moved in between, or
 * garbage; the caller looks again. */
static uint64_t mpsc_used(chan_t *ch, uint64_t *pos)
{
    uint64_t t = __atomic_load_n(&ch->sh->tail, __ATOMIC_ACQUIRE);
    *pos = __atomic_load_n(&ch->sh->head, __ATOMIC_RELAXED);
    return *pos - t;
}

/* Is there room for the producer (a slot, or need bytes of pool)? */
static bool has_space(chan_t *ch, uint64_t need)
{
    uint64_t pos;
    if (need) {
        uint64_t released = __atomic_load_n(&ch->sh->pool_tail, __ATOMIC_ACQUIRE);
        /* released + size < head + need: look again (a corrupt value too: the caller checks) */
        return released > ch->pool_head || ch->pool_head + need - released <= ch->pool_size;
    }
    if (ch->flags & CHAN_MPSC)
        return mpsc_used(ch, &pos) != ch->nslots;
    /* a corrupt tail counts as "look again": the caller's next load reports it */
    return spsc_load_tail(ch) || ch->head - ch->tail_seen < ch->nslots;
}

/* The ring (need 0) or the pool (need bytes) is full: wake the consumer if it sleeps, so it
 * can make progress, then wait for space. XR_OK means "look again". */
static long wait_space(chan_t *ch, uint64_t need)
{
    long err = chan_flush(ch);
    if (err)
        return err;
    if (ch->flags & CHAN_NONBLOCK)
        return closed(ch) ? XR_EDEAD : XR_EAGAIN;
    /* SEQ_CST read-modify-write: a full fence between announcing ourselves and the
     * re-check below (the Dekker pair of chan_recv_sync and wait_msg). */
    __atomic_fetch_add(&ch->sh->tx_waiters, 1, __ATOMIC_SEQ_CST);
    if (closed(ch))
        err = XR_EDEAD;
    else if (!has_space(ch, need))
        err = block(ch, ch->tx_ntfn);
    __atomic_fetch_sub(&ch->sh->tx_waiters, 1, __ATOMIC_RELAXED);
    return err;
}

/* SPSC: the inline paths' slot and header, from head (past the ring's end: wrapped). */
static void tx_resync(chan_t *ch)
{
    ch->tx_slot = ch->tx_base = &ch->ring[ch->head & ch->mask];
    ch->tx_stop = ch->tx_slot + (ch->limit - ch->head); /* limit is at most the ring's end */
    ch->tx_want = (ch->head + 1) << CHAN_STAMP_SHIFT;
}

/* SPSC: head brought up to date with what the inline paths wrote (the slow paths use it). */
static void tx_fold(chan_t *ch)
{
    ch->head = chan_send_pos(ch);
    ch->tx_base = ch->tx_slot;
}

/* Fill the slot of position pos and publish it. */
static void put_slot(chan_t *ch, uint64_t pos, const void *data, size_t len, uint64_t tag)
{
    chan_slot_t *s = &ch->ring[pos & ch->mask];
    chan_copy_in(s->w, data, len);
    __atomic_store_n(&s->hdr, (pos + 1) << CHAN_STAMP_SHIFT | tag, __ATOMIC_RELEASE);
}

/* MPSC: take a position with a CAS on the shared head (checked against the shared tail) and
 * fill its slot. */
static long mpsc_put(chan_t *ch, const void *data, size_t len, uint64_t tag)
{
    for (unsigned tries = 0; tries < MPSC_RETRIES; tries++) {
        uint64_t pos, used = mpsc_used(ch, &pos);
        if (used < ch->nslots) {
            /* RELAXED is enough: the CAS only decides which producer owns pos (its slot was
             * freed: the tail read before it was past pos - nslots); the slot's contents are
             * ordered by the hdr store that publishes them. */
            if (__atomic_compare_exchange_n(&ch->sh->head, &pos, pos + 1, false, __ATOMIC_RELAXED,
                                            __ATOMIC_RELAXED)) {
                put_slot(ch, pos, data, len, tag);
                ch->head++; /* for chan_flush; limit follows, keeping the inline path out */
                ch->limit++;
                return XR_OK;
            }
        } else if (used == ch->nslots) {
            long err = wait_space(ch, 0);
            if (err)
                return err;
        }
        /* otherwise another producer or the consumer moved in between: look again */
    }
    return XR_ECORRUPT;
}

/* Everything chan_write's inline path does not: long messages, references, a full ring
 * (as far as tail_seen tells), MPSC. */
long chan_put_slow(chan_t *ch, const void *data, size_t len, uint64_t tag)
{
    if (len > CHAN_INLINE_MAX)
        return XR_ERANGE;
    if (ch->flags & CHAN_MPSC)
        return mpsc_put(ch, data, len, tag);
    long err = chan_room_slow(ch);
    if (err)
        return err;
    chan_slot_t *s = ch->tx_slot; /* chan_room_slow set it */
    chan_copy_in(s->w, data, len);
    __atomic_store_n(&s->hdr, ch->tx_want | tag, __ATOMIC_RELEASE);
    ch->tx_slot = s + 1; /* at most the ring's end, a limit */
    ch->tx_want += 1ul << CHAN_STAMP_SHIFT;
    return XR_OK;
}

/* SPSC: wait until the slot at head is free (as far as the shared tail says). */
long chan_room_slow(chan_t *ch)
{
    if (ch->flags & CHAN_MPSC)
        return XR_EINVAL;
    tx_fold(ch);
    while (ch->head == ch->limit) {
        long err = spsc_load_tail(ch);
        if (!err && ch->head == ch->limit)
            err = wait_space(ch, 0);
        if (err)
            return err;
    }
    tx_resync(ch);
    return XR_OK;
}

long chan_buf_alloc(chan_t *ch, size_t len, void **buf, uint64_t *pos)
{
    if ((ch->flags & CHAN_MPSC) || len == 0 || len > ch->pool_size)
        return XR_EINVAL;
    for (;;) {
        /* ACQUIRE: the consumer is done with the bytes it released. */
        uint64_t released = __atomic_load_n(&ch->sh->pool_tail, __ATOMIC_ACQUIRE);
        if (released > ch->pool_head) /* positions only grow, and never past what we gave */
            return XR_ECORRUPT;
        if (released < ch->pool_floor) /* bytes we skipped while nothing was outstanding */
            released = ch->pool_floor;
        uint64_t p = ch->pool_head, off = p % ch->pool_size;
        if (off + len > ch->pool_size) { /* buffers are contiguous: skip the pool's end */
            p += ch->pool_size - off;
            off = 0;
            if (released == ch->pool_head) /* nothing outstanding: the skipped bytes are free */
                released = ch->pool_floor = p;
        }
        if (p + len - released <= ch->pool_size) {
            ch->pool_head = p + len;
            *pos = p;
            *buf = ch->pool + off;
            return XR_OK;
        }
        long err = wait_space(ch, p + len - ch->pool_head);
        if (err)
            return err;
    }
}

long chan_send_ref(chan_t *ch, uint64_t pos, size_t len)
{
    uint64_t ref[2] = {pos, len};
    long err = chan_put_slow(ch, ref, sizeof(ref), CHAN_TAG_REF);
    return err ? err : chan_flush(ch);
}

/* ---- consumer ---- */

/* The slot at our tail: a message (XR_OK, *m filled), XR_EAGAIN (empty: the stamp of the
 * position nslots before ours, or 0 for a slot never written) or XR_ECORRUPT (anything else, or a
 * reference outside the pool). Reads hdr once and a reference's two words once, and only
 * the private geometry bounds what is accepted. */
static long try_begin(chan_t *ch, chan_msg_t *m)
{
    chan_slot_t *s = ch->rx_slot;
    uint64_t hdr = __atomic_load_n(&s->hdr, __ATOMIC_ACQUIRE), tag = hdr - ch->rx_want;
    if (tag <= CHAN_INLINE_MAX) {
        m->kind = CHAN_KIND_INLINE;
        m->len = (uint32_t)tag;
        m->ptr = (const uint8_t *)s->w;
        return XR_OK;
    }
    if (tag == CHAN_TAG_REF) {
        uint64_t ref = __atomic_load_n(&s->w[0], __ATOMIC_RELAXED);
        uint64_t len = __atomic_load_n(&s->w[1], __ATOMIC_RELAXED);
        if (!ch->pool_size)
            return XR_ECORRUPT;
        uint64_t off = ref % ch->pool_size;
        if (len == 0 || len > ch->pool_size - off)
            return XR_ECORRUPT;
        m->kind = CHAN_KIND_REF;
        m->len = (uint32_t)len;
        m->ref = ref;
        m->ptr = ch->pool + off;
        return XR_OK;
    }
    /* the stamp of the slot's last lap (it wraps in the first), both cut to 56 bits */
    uint64_t stamp = hdr >> CHAN_STAMP_SHIFT;
    uint64_t last = ((chan_recv_pos(ch) + 1 - ch->nslots) << CHAN_STAMP_SHIFT) >> CHAN_STAMP_SHIFT;
    return stamp == last || stamp == 0 ? XR_EAGAIN : XR_ECORRUPT;
}

/* The ring was empty: sleep until a producer signals (or the channel closes). Its fence is
 * also chan_recv_sync's: producers waiting for the space we freed since the last one are
 * signalled before we sleep. */
static long wait_msg(chan_t *ch, chan_msg_t *m)
{
    long err = XR_OK;
    __atomic_store_n(&ch->sh->rx_sleeping, 1, __ATOMIC_RELAXED);
    /* SEQ_CST fence: the flag is visible before we look at the ring again (the Dekker
     * pair of chan_flush), and our freeing stores before the load of tx_waiters. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&ch->sh->tx_waiters, __ATOMIC_RELAXED))
        wake(ch, ch->tx_ntfn);
    if (try_begin(ch, m) == XR_EAGAIN)
        err = closed(ch) ? XR_EDEAD : block(ch, ch->rx_ntfn);
    __atomic_store_n(&ch->sh->rx_sleeping, 0, __ATOMIC_RELAXED);
    return err;
}

long chan_recv_begin_slow(chan_t *ch, chan_msg_t *m)
{
    for (bool yielded = false;; yielded = true) {
        long err = try_begin(ch, m);
        if (err != XR_EAGAIN)
            return err;
        publish_tail(ch); /* empty: every slot is free (wait_msg's fence follows) */
        if (closed(ch))
            return XR_EDEAD;
        if (ch->flags & CHAN_NONBLOCK)
            return XR_EAGAIN;
        if (!yielded) { /* a producer ready to run on this core may fill it: no sleep, no signal */
            chan_recv_sync(ch);
            xr_yield();
            continue;
        }
        if ((err = wait_msg(ch, m))) { /* a message published just before the end still counts */
            long last = try_begin(ch, m);
            return last == XR_EAGAIN ? err : last;
        }
    }
}

void chan_buf_release(chan_t *ch, const chan_msg_t *m)
{
    if (m->kind != CHAN_KIND_REF)
        return;
    /* RELEASE: our reads of the buffer complete before the producer reuses it. */
    __atomic_store_n(&ch->sh->pool_tail, m->ref + m->len, __ATOMIC_RELEASE);
    chan_recv_sync(ch);
}

void chan_close(chan_t *ch)
{
    __atomic_store_n(&ch->sh->closed, 1, __ATOMIC_RELEASE);
    wake(ch, ch->rx_ntfn);
    wake(ch, ch->tx_ntfn);
}
