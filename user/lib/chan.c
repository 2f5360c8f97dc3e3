/* Channels: lock-free rings in shared memory with notification wake-ups (chan.h has the
 * layout and the trust rules; docs/ipc-layers.md the memory-ordering argument).
 *
 * Orderings used, and why each suffices:
 *  - Publishing a message (SPSC head store, MPSC slot seq store) is a RELEASE: the slot's
 *    payload writes become visible no later than the index/seq that announces them.
 *  - Reading that index/seq is an ACQUIRE: once the consumer sees it, it sees the payload.
 *  - Freeing space (SPSC tail, MPSC seq = next lap, pool_tail) is a RELEASE by the consumer,
 *    read with ACQUIRE by producers: the consumer's reads of a slot or buffer happen before
 *    a producer may overwrite it.
 *  - Sleeping uses the store/fence/load pattern on both sides (Dekker): the waiter stores
 *    its flag, runs a SEQ_CST fence, then re-checks the ring; the waker stores the index,
 *    runs a SEQ_CST fence, then loads the flag. With both fences at least one side sees the
 *    other's store, so either the waiter finds the message or the waker finds the flag and
 *    signals. A signal that comes before the wait stays in the notification's bits, so the
 *    wait then returns at once: no wake-up is lost. Acquire/release alone would not do,
 *    since they do not order a store before a later load. */
#include "chan.h"

#include "xr.h"

#define MPSC_RETRIES (1u << 20) /* CAS attempts before a producer calls the head corrupt */

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
    return XR_OK;
}

/* ---- waiting ---- */

static bool closed(const chan_t *ch)
{
    return __atomic_load_n(&ch->sh->closed, __ATOMIC_ACQUIRE);
}

/* Block on ntfn until signalled. With a peer cap, wait in slices and give XR_EDEAD once
 * the peer has ended (a dead peer never signals). */
static long block(chan_t *ch, xr_cap_t ntfn)
{
    uint64_t bits, st;
    ch->sleeps++;
    if (!ch->peer)
        return xr_wait(ntfn, &bits);
    for (;;) {
        if (xr_notify_poll(ntfn, &bits) == XR_OK)
            return XR_OK;
        if (xr_process_status(ch->peer, &st) || xr_status_state(st) != XR_PROC_RUNNING)
            return XR_EDEAD;
        xr_sleep_us(CHAN_PEER_POLL_US);
    }
}

/* Signal ntfn, counting the system call. */
static void wake(chan_t *ch, xr_cap_t ntfn)
{
    ch->wakeups++;
    xr_signal(ntfn);
}

/* Consumer side, after freeing space: wake waiting producers. The fence orders the
 * space-freeing store before the load of tx_waiters (the Dekker pair of wait_space). */
static void wake_tx(chan_t *ch)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&ch->sh->tx_waiters, __ATOMIC_RELAXED))
        wake(ch, ch->tx_ntfn);
}

/* ---- producer ---- */

/* SPSC: refresh tail_seen from the shared tail. XR_ECORRUPT if it claims more free space
 * than the ring has (tail ahead of head, or more than nslots behind). */
static long spsc_load_tail(chan_t *ch)
{
    /* ACQUIRE: the consumer's reads of the slots it frees come before our rewrite. */
    uint64_t t = __atomic_load_n(&ch->sh->tail, __ATOMIC_ACQUIRE);
    if (ch->head - t > ch->nslots)
        return XR_ECORRUPT;
    ch->tail_seen = t;
    return XR_OK;
}

/* MPSC: is the slot at the shared head still published from the previous lap (full)? */
static bool mpsc_full(chan_t *ch)
{
    uint64_t pos = __atomic_load_n(&ch->sh->head, __ATOMIC_RELAXED);
    uint32_t seq = __atomic_load_n(&ch->ring[pos & ch->mask].seq, __ATOMIC_ACQUIRE);
    return seq == (uint32_t)(pos >> ch->shift) * 2 - 1;
}

/* Is there room for the producer (a slot, or need bytes of pool)? */
static bool has_space(chan_t *ch, uint64_t need)
{
    if (need) {
        uint64_t released = __atomic_load_n(&ch->sh->pool_tail, __ATOMIC_ACQUIRE);
        /* released + size < head + need: look again (a corrupt value too: the caller checks) */
        return released > ch->pool_head || ch->pool_head + need - released <= ch->pool_size;
    }
    if (ch->flags & CHAN_MPSC)
        return !mpsc_full(ch);
    /* a corrupt tail counts as "look again": the caller's next load reports it */
    return spsc_load_tail(ch) || ch->head - ch->tail_seen < ch->nslots;
}

/* The ring (need 0) or the pool (need bytes) is full: publish what is staged, so the
 * consumer can make progress, then wait for space. XR_OK means "look again". */
static long wait_space(chan_t *ch, uint64_t need)
{
    long err = chan_flush(ch);
    if (err)
        return err;
    if (ch->flags & CHAN_NONBLOCK)
        return closed(ch) ? XR_EDEAD : XR_EAGAIN;
    /* SEQ_CST read-modify-write: a full fence between announcing ourselves and the
     * re-check below (the Dekker pair of wake_tx). */
    __atomic_fetch_add(&ch->sh->tx_waiters, 1, __ATOMIC_SEQ_CST);
    if (closed(ch))
        err = XR_EDEAD;
    else if (!has_space(ch, need))
        err = block(ch, ch->tx_ntfn);
    __atomic_fetch_sub(&ch->sh->tx_waiters, 1, __ATOMIC_RELAXED);
    return err;
}

/* SPSC: the slot for the next position, waiting while the ring is full. */
static long spsc_slot(chan_t *ch, chan_slot_t **slot)
{
    while (ch->head - ch->tail_seen >= ch->nslots) {
        long err = spsc_load_tail(ch);
        if (!err && ch->head - ch->tail_seen >= ch->nslots)
            err = wait_space(ch, 0);
        if (err)
            return err;
    }
    *slot = &ch->ring[ch->head & ch->mask];
    return XR_OK;
}

/* MPSC: take a position with a CAS on the shared head; its slot in *slot, the value that
 * publishes it in *seq. */
static long mpsc_slot(chan_t *ch, chan_slot_t **slot, uint32_t *seq)
{
    for (unsigned tries = 0; tries < MPSC_RETRIES; tries++) {
        uint64_t pos = __atomic_load_n(&ch->sh->head, __ATOMIC_RELAXED);
        chan_slot_t *s = &ch->ring[pos & ch->mask];
        uint32_t lap2 = (uint32_t)(pos >> ch->shift) * 2;
        /* ACQUIRE: pairs with the consumer's RELEASE that freed the slot for this lap. */
        uint32_t cur = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
        if (cur == lap2) {
            /* RELAXED is enough: the CAS only decides which producer owns pos; the slot's
             * contents are ordered by the seq store that publishes them. */
            if (__atomic_compare_exchange_n(&ch->sh->head, &pos, pos + 1, false, __ATOMIC_RELAXED,
                                            __ATOMIC_RELAXED)) {
                *slot = s;
                *seq = lap2 + 1;
                return XR_OK;
            }
        } else if (cur == lap2 - 1) { /* last lap's message is still there: full */
            long err = wait_space(ch, 0);
            if (err)
                return err;
        }
        /* otherwise another producer took pos first: look at the new head */
    }
    return XR_ECORRUPT;
}

static long put(chan_t *ch, uint16_t kind, const void *data, size_t len)
{
    chan_slot_t *s;
    uint32_t seq = 0;
    if (len > CHAN_INLINE_MAX)
        return XR_ERANGE;
    long err = ch->flags & CHAN_MPSC ? mpsc_slot(ch, &s, &seq) : spsc_slot(ch, &s);
    if (err)
        return err;
    s->kind = kind;
    s->len = (uint16_t)len;
    memcpy(s->data, data, len);
    if (ch->flags & CHAN_MPSC) /* RELEASE: the payload above is visible before "published" */
        __atomic_store_n(&s->seq, seq, __ATOMIC_RELEASE);
    ch->head++;
    return XR_OK;
}

long chan_write(chan_t *ch, const void *data, size_t len)
{
    return put(ch, CHAN_KIND_INLINE, data, len);
}

long chan_flush(chan_t *ch)
{
    if (ch->head == ch->published)
        return XR_OK;
    if (!(ch->flags & CHAN_MPSC)) /* RELEASE: every staged slot is visible before head */
        __atomic_store_n(&ch->sh->head, ch->head, __ATOMIC_RELEASE);
    ch->published = ch->head;
    /* SEQ_CST fence: our publishing stores come before the load of rx_sleeping (the
     * Dekker pair of wait_msg). Only the producer that swaps the flag from 1 signals. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&ch->sh->rx_sleeping, __ATOMIC_RELAXED) &&
        __atomic_exchange_n(&ch->sh->rx_sleeping, 0, __ATOMIC_RELAXED))
        wake(ch, ch->rx_ntfn);
    return XR_OK;
}

long chan_send(chan_t *ch, const void *data, size_t len)
{
    long err = put(ch, CHAN_KIND_INLINE, data, len);
    return err ? err : chan_flush(ch);
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
    long err = put(ch, CHAN_KIND_REF, ref, sizeof(ref));
    return err ? err : chan_flush(ch);
}

/* ---- consumer ---- */

/* Check a copied slot and fill *m; XR_ECORRUPT for anything a producer could not have
 * written. Only the private geometry bounds what is accepted. */
static long decode(chan_t *ch, const chan_slot_t *s, chan_msg_t *m)
{
    m->kind = s->kind;
    if (s->kind == CHAN_KIND_INLINE) {
        if (s->len > CHAN_INLINE_MAX)
            return XR_ECORRUPT;
        m->len = s->len;
        m->ref = 0;
        m->ptr = m->data;
        memcpy(m->data, s->data, s->len);
        return XR_OK;
    }
    if (s->kind != CHAN_KIND_REF || s->len != 16 || !ch->pool_size)
        return XR_ECORRUPT;
    uint64_t ref[2];
    memcpy(ref, s->data, sizeof(ref));
    uint64_t off = ref[0] % ch->pool_size;
    if (ref[1] == 0 || ref[1] > ch->pool_size - off)
        return XR_ECORRUPT;
    m->len = (uint32_t)ref[1];
    m->ref = ref[0];
    m->ptr = ch->pool + off;
    return XR_OK;
}

/* The slot at our tail if a message is there: XR_OK, XR_EAGAIN (empty), XR_ECORRUPT. */
static long ready(chan_t *ch)
{
    if (ch->flags & CHAN_MPSC) {
        uint32_t lap2 = (uint32_t)(ch->tail >> ch->shift) * 2;
        /* ACQUIRE: pairs with the producer's RELEASE of seq; the payload is visible. */
        uint32_t seq = __atomic_load_n(&ch->ring[ch->tail & ch->mask].seq, __ATOMIC_ACQUIRE);
        return seq == lap2 + 1 ? XR_OK : seq == lap2 ? XR_EAGAIN : XR_ECORRUPT;
    }
    if (ch->tail != ch->head_seen)
        return XR_OK;
    /* ACQUIRE: pairs with the producer's RELEASE of head; the slots below it are visible. */
    uint64_t h = __atomic_load_n(&ch->sh->head, __ATOMIC_ACQUIRE);
    if (h - ch->tail > ch->nslots) /* also a head behind our tail (it wraps) */
        return XR_ECORRUPT;
    ch->head_seen = h;
    return h == ch->tail ? XR_EAGAIN : XR_OK;
}

static long try_recv(chan_t *ch, chan_msg_t *m)
{
    long err = ready(ch);
    if (err)
        return err;
    chan_slot_t *shared = &ch->ring[ch->tail & ch->mask], s;
    memcpy(&s, shared, sizeof(s)); /* the peer may rewrite it: check only our copy */
    if ((err = decode(ch, &s, m)))
        return err;
    ch->tail++;
    /* RELEASE (both): our reads of the slot complete before a producer may reuse it. */
    if (ch->flags & CHAN_MPSC)
        __atomic_store_n(&shared->seq, (uint32_t)((ch->tail - 1) >> ch->shift) * 2 + 2,
                         __ATOMIC_RELEASE);
    __atomic_store_n(&ch->sh->tail, ch->tail, __ATOMIC_RELEASE);
    wake_tx(ch);
    return XR_OK;
}

/* The ring was empty: sleep until a producer signals (or the channel closes). */
static long wait_msg(chan_t *ch)
{
    long err = XR_OK;
    __atomic_store_n(&ch->sh->rx_sleeping, 1, __ATOMIC_RELAXED);
    /* SEQ_CST fence: the flag is visible before we look at the ring again (the Dekker
     * pair of chan_flush). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (ready(ch) == XR_EAGAIN)
        err = closed(ch) ? XR_EDEAD : block(ch, ch->rx_ntfn);
    __atomic_store_n(&ch->sh->rx_sleeping, 0, __ATOMIC_RELAXED);
    return err;
}

long chan_recv(chan_t *ch, chan_msg_t *m)
{
    for (;;) {
        long err = try_recv(ch, m);
        if (err != XR_EAGAIN)
            return err;
        if (closed(ch))
            return XR_EDEAD;
        if (ch->flags & CHAN_NONBLOCK)
            return XR_EAGAIN;
        if ((err = wait_msg(ch))) { /* a message published just before the end still counts */
            long last = try_recv(ch, m);
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
    wake_tx(ch);
}

void chan_close(chan_t *ch)
{
    __atomic_store_n(&ch->sh->closed, 1, __ATOMIC_RELEASE);
    wake(ch, ch->rx_ntfn);
    wake(ch, ch->tx_ntfn);
}
