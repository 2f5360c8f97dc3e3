/* Channels: one-directional shared-memory message queues between processes (application
 * IPC, docs/ipc-layers.md). A channel is one memory object mapped in both processes:
 *
 *   page 0            chan_shared_t: the consumer's tail, wake-up flags, each writer on its line
 *   pages 1..R        the ring: nslots (a power of two, >= 64) slots of 64 bytes
 *   the rest          the buffer pool: large payloads passed by reference (zero copy)
 *
 * plus two notifications: the receiver waits on rx_ntfn when the ring is empty, producers
 * wait on tx_ntfn when it is full. A sender that finds the receiver awake makes no system
 * call; chan_write + chan_flush publishes a batch with at most one wake-up.
 *
 * A slot is one cache line: a header word, stamp << 8 | tag, then 7 payload words. The
 * stamp is the slot's position + 1 (positions count messages from 0), so the consumer
 * knows from the slot alone that it holds the message it expects: it never reads a shared
 * head. The tag is the inline length (0..56) or CHAN_TAG_REF. Producers learn free space
 * from the consumer's shared tail, read once a lap (SPSC) or per message (MPSC).
 *
 * Two kinds: single producer (CHAN_SPSC: the producer's position is private) and
 * multi-producer (CHAN_MPSC: producers take positions with a CAS on the shared head).
 * Always one consumer.
 *
 * The hot paths (chan_write, chan_write_begin/end, chan_flush, chan_send, chan_recv_peek,
 * chan_recv_begin, chan_recv_end, chan_recv, and the batch cursors chan_write_batch and
 * chan_read_batch with theirs) are inline below and copy by 8-byte words; everything
 * that waits, checks a peer's index or handles a reference is out of line in chan.c.
 *
 * Trust: both sides learn the geometry (nslots, pool_pages, kind) out of band and keep it,
 * with their own indices, in their private chan_t (one chan_t per thread: a producer thread
 * of an MPSC channel attaches its own). Nothing read from shared memory is used
 * as an index or length before it is checked against that private geometry; a peer that
 * writes garbage can only make calls here return XR_ECORRUPT (or see no message), never
 * make them read or write outside the ring and the pool. Payload bytes (in a slot read in
 * place, or in the pool) stay writable by the sender while the receiver looks at them:
 * copy before validating. */
#ifndef XR_USER_CHAN_H
#define XR_USER_CHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syscall.h"

#define CHAN_SLOT_SIZE    64
#define CHAN_SLOT_WORDS   7  /* payload words in a slot */
#define CHAN_INLINE_MAX   56 /* payload bytes carried in a slot */
#define CHAN_MIN_SLOTS    64 /* one page of ring */
#define CHAN_MAX_SLOTS    (1u << 16)
#define CHAN_PAGE         4096u
#define CHAN_PEER_POLL_US 10000 /* with a peer cap set, how often a blocked side checks it */
#define CHAN_SYNC_EVERY   32u   /* the consumer's Dekker fence: every this many messages */

/* chan_attach flags */
#define CHAN_SPSC     0u
#define CHAN_MPSC     1u /* several producer threads (any processes) */
#define CHAN_NONBLOCK 2u /* full ring (send) or empty ring (recv): XR_EAGAIN instead of waiting */

/* Message kinds (chan_msg_t.kind) */
#define CHAN_KIND_INLINE 1u
#define CHAN_KIND_REF    2u /* data: uint64_t position, uint64_t length in the pool */

/* Slot header: hdr = stamp << CHAN_STAMP_SHIFT | tag, stamp = position + 1. */
#define CHAN_STAMP_SHIFT 8
#define CHAN_TAG_REF     0x80u /* tags 0..CHAN_INLINE_MAX are inline lengths */

typedef struct chan_slot {
    uint64_t hdr;                /* written last (RELEASE): it publishes the payload */
    uint64_t w[CHAN_SLOT_WORDS]; /* payload */
} chan_slot_t;
_Static_assert(sizeof(chan_slot_t) == CHAN_SLOT_SIZE, "a slot is one cache line");
_Static_assert(CHAN_MIN_SLOTS % CHAN_SYNC_EVERY == 0, "the ring wraps where the consumer syncs");

/* The shared page. Every field may hold anything a hostile peer wrote. */
typedef struct chan_shared {
    uint64_t head; /* MPSC producers: positions taken (unused by SPSC) */
    uint8_t pad0[56];
    uint64_t tail;        /* consumer: positions consumed */
    uint32_t rx_sleeping; /* consumer: 1 while it waits (or is about to) on rx_ntfn */
    uint8_t pad1[52];
    uint32_t tx_waiters; /* producers waiting for space on tx_ntfn */
    uint8_t pad2[60];
    uint64_t pool_tail; /* consumer: pool bytes released (a position, like tail) */
    uint32_t closed;    /* either side: chan_close was called */
} chan_shared_t;

/* Received message. Inline: ptr[0..len) (data, or the slot itself with chan_recv_begin).
 * Reference: ptr[0..len) in the pool (checked against the pool's bounds), at position ref,
 * to be given back with chan_buf_release(ch, m); ref is set for references only. */
typedef struct chan_msg {
    uint32_t kind, len;
    uint64_t ref;
    const uint8_t *ptr;
    uint8_t data[CHAN_INLINE_MAX];
} chan_msg_t;

/* One side's private view. Only its own fields are ever written by this side. */
typedef struct chan {
    chan_shared_t *sh;
    chan_slot_t *ring;
    uint8_t *pool;
    uint64_t pool_size; /* bytes */
    uint32_t nslots, mask, shift;
    unsigned flags;
    xr_cap_t rx_ntfn, tx_ntfn;
    xr_cap_t peer;        /* 0, or a cap (R) to the peer process: a blocked side checks it */
    uint64_t head;        /* producer: next position to write, as of tx_base (MPSC: messages
                             written); chan_send_pos is the exact one */
    uint64_t limit;       /* producer: head may not reach it (SPSC: tail_seen + nslots, or the
                             ring's end if nearer; MPSC: always head, which sends every write
                             to the out-of-line path) */
    chan_slot_t *tx_slot; /* producer (SPSC): the slot it writes next (kept, not recomputed) */
    chan_slot_t *tx_base; /* producer: tx_slot when head was last brought up to date */
    chan_slot_t *tx_stop; /* producer: the inline paths stop there (limit's slot; MPSC: tx_slot) */
    uint64_t tx_want;     /* producer (SPSC): its header, less the tag: (pos + 1) << 8 */
    uint64_t published;   /* producer: chan_send_pos at the last chan_flush */
    uint64_t tail_seen;   /* producer (SPSC): the last tail read */
    uint64_t tail;        /* consumer: next position to read, as of the last sync */
    uint32_t rx_left;     /* consumer: messages to the next sync; chan_recv_pos is the exact tail */
    chan_slot_t *rx_slot; /* consumer: the slot at chan_recv_pos (kept, not recomputed) */
    uint64_t rx_want;     /* consumer: an empty message's header there, (pos + 1) << 8 */
    uint64_t pool_head;   /* producer: pool bytes handed out (a position) */
    uint64_t pool_floor; /* producer: positions below are free (skipped while the pool was empty) */
    uint64_t wakeups;    /* signals this side sent (each one a system call) */
    uint64_t sleeps;     /* waits this side made */
} chan_t;

/* Pages a channel of nslots slots and pool_pages pool pages takes (the memory object's
 * size). */
uint64_t chan_pages(uint32_t nslots, uint32_t pool_pages);
/* Map the pages of memory object mem at va (writable) in proc. */
long chan_map(xr_cap_t proc, xr_cap_t mem, uint64_t va, uint64_t pages);
/* Attach this side to the channel mapped at va. Both sides pass the same geometry; the
 * memory object starts zeroed, which is the empty state (no formatting step; memory used
 * again must be zeroed again, the shared page and the ring). XR_EINVAL for
 * a bad geometry (nslots not a power of two in [64, 65536], unknown flags). */
long chan_attach(chan_t *ch, void *va, uint32_t nslots, uint32_t pool_pages, unsigned flags,
                 xr_cap_t rx_ntfn, xr_cap_t tx_ntfn);

/* Out-of-line halves of the inline functions below (not for direct use). */
long chan_put_slow(chan_t *ch, const void *data, size_t len, uint64_t tag);
long chan_room_slow(chan_t *ch);
void chan_wake_rx(chan_t *ch);
long chan_recv_begin_slow(chan_t *ch, chan_msg_t *m);
void chan_recv_sync(chan_t *ch);

/* Producer: the position of the next message to write (messages written so far). */
static inline uint64_t chan_send_pos(const chan_t *ch)
{
    return ch->head + (uint64_t)(ch->tx_slot - ch->tx_base);
}

/* Consumer: the position of the next message to read (messages taken so far). */
static inline uint64_t chan_recv_pos(const chan_t *ch)
{
    return ch->tail + CHAN_SYNC_EVERY - ch->rx_left;
}

/* Copy len bytes from src into slot payload words, by 8-byte words (under -icount a
 * `rep movsb` counts one instruction per byte). A length known at compile time (the common
 * chan_write(ch, buf, sizeof(buf))) is one fixed-size copy the compiler does with 16-byte
 * moves: 8 instructions for the 56 bytes of a full slot instead of 14. */
static inline void chan_copy_in(uint64_t *dst, const void *src, size_t len)
{
    if (__builtin_constant_p(len) && len <= CHAN_INLINE_MAX) {
        __builtin_memcpy(dst, src, len);
        return;
    }
    const uint8_t *p = src;
    size_t n = len / 8;
#pragma GCC unroll 7
    for (size_t i = 0; i < n; i++) {
        uint64_t v;
        __builtin_memcpy(&v, p + 8 * i, 8);
        dst[i] = v;
    }
    if (len % 8) {
        uint64_t v = 0;
        for (size_t i = 0; i < len % 8; i++)
            v |= (uint64_t)p[8 * n + i] << (8 * i);
        dst[n] = v;
    }
}

/* Producer. chan_write writes one inline message (len <= CHAN_INLINE_MAX): a consumer that
 * is awake sees it at once, a sleeping one is not woken; chan_flush wakes the receiver if it
 * sleeps (one signal at most, one fence per flush). chan_send is both: the 64-byte message
 * of the benchmarks. Full ring: waits (XR_EAGAIN with CHAN_NONBLOCK); XR_EDEAD when the
 * channel is closed or the peer died; XR_ECORRUPT when the consumer's shared tail is
 * impossible; XR_ERANGE for len > CHAN_INLINE_MAX. */
static inline long chan_write(chan_t *ch, const void *data, size_t len)
{
    chan_slot_t *s = ch->tx_slot;
    if (__builtin_expect(len > CHAN_INLINE_MAX || s == ch->tx_stop, 0))
        return chan_put_slow(ch, data, len, len);
    chan_copy_in(s->w, data, len);
    /* RELEASE: the payload above is visible before the stamp that announces it. */
    __atomic_store_n(&s->hdr, ch->tx_want | len, __ATOMIC_RELEASE);
    ch->tx_slot = s + 1; /* the ring's end is a limit: chan_put_slow wraps it */
    ch->tx_want += 1ul << CHAN_STAMP_SHIFT;
    return XR_OK;
}

/* chan_flush when something was written since the last one. */
static inline void chan_flush_fence(chan_t *ch)
{
    chan_shared_t *sh = ch->sh;
    /* SEQ_CST fence: our stamps come before the load of rx_sleeping (the Dekker pair of
     * the consumer's wait, chan.c). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__builtin_expect(__atomic_load_n(&sh->rx_sleeping, __ATOMIC_RELAXED) != 0, 0))
        chan_wake_rx(ch);
}

static inline long chan_flush(chan_t *ch)
{
    uint64_t head = chan_send_pos(ch);
    if (head != ch->published) {
        ch->published = head;
        chan_flush_fence(ch);
    }
    return XR_OK;
}

/* (It leaves published alone: a chan_flush after it runs one fence more than it needs.) */
static inline long chan_send(chan_t *ch, const void *data, size_t len)
{
    long err = chan_write(ch, data, len);
    if (err)
        return err;
    chan_flush_fence(ch);
    return XR_OK;
}

/* Producer (SPSC), in place: *w gets the payload words of the next slot, which the caller
 * fills and publishes with chan_write_end(ch, len); no other call on ch in between. Waits
 * for space (errors as chan_write); XR_EINVAL on an MPSC channel. */
static inline long chan_write_begin(chan_t *ch, uint64_t **w)
{
    if (__builtin_expect(ch->tx_slot == ch->tx_stop, 0)) {
        long err = chan_room_slow(ch);
        if (err)
            return err;
    }
    *w = ch->tx_slot->w;
    return XR_OK;
}

/* Publish the slot chan_write_begin gave, holding len bytes (XR_ERANGE, and nothing
 * published, for len > CHAN_INLINE_MAX). Like chan_write, it wakes nobody: chan_flush. */
static inline long chan_write_end(chan_t *ch, size_t len)
{
    chan_slot_t *s = ch->tx_slot;
    if (__builtin_expect(len > CHAN_INLINE_MAX, 0))
        return XR_ERANGE;
    /* RELEASE: the caller's payload stores are visible before the stamp. */
    __atomic_store_n(&s->hdr, ch->tx_want | len, __ATOMIC_RELEASE);
    ch->tx_slot = s + 1;
    ch->tx_want += 1ul << CHAN_STAMP_SHIFT;
    return XR_OK;
}

/* Producer (SPSC), a batch: chan_write's state in the caller's registers. Between
 * chan_write_batch and chan_write_batch_end, the slot, its header and the batch's end live in
 * a chan_wbatch_t on the caller's stack instead of being loaded from and stored to ch per
 * message (the compiler cannot keep ch's fields in registers across the stores into the
 * ring, which might alias them). Every field is private: a peer can change none of them. */
typedef struct chan_wbatch {
    chan_slot_t *slot; /* the next slot to fill */
    chan_slot_t *end;  /* the batch's end: free slots only, never past the ring's end */
    uint64_t want;     /* the next slot's header, less the tag */
} chan_wbatch_t;

/* Room for up to n messages: *b covers min(n, the free slots before the ring's end as far
 * as the producer knows), at least one when n > 0 (it waits for space like chan_write:
 * XR_EAGAIN with CHAN_NONBLOCK, XR_EDEAD, XR_ECORRUPT; XR_EINVAL on an MPSC channel). The
 * messages are put with chan_wbatch_put (or chan_wbatch_slot and chan_wbatch_publish), each
 * visible to an awake consumer at once; chan_write_batch_end gives the position back to ch,
 * and no other producer call on ch may come in between. Nobody is woken: chan_flush. */
static inline long chan_write_batch(chan_t *ch, chan_wbatch_t *b, size_t n)
{
    if (__builtin_expect(ch->tx_slot == ch->tx_stop, 0)) {
        long err = chan_room_slow(ch);
        if (err)
            return err;
    }
    size_t room = (size_t)(ch->tx_stop - ch->tx_slot);
    b->slot = ch->tx_slot;
    b->end = ch->tx_slot + (n < room ? n : room);
    b->want = ch->tx_want;
    return XR_OK;
}

/* The payload words of the batch's next slot, to fill in place and publish with
 * chan_wbatch_publish; NULL when the batch is full. */
static inline uint64_t *chan_wbatch_slot(const chan_wbatch_t *b)
{
    return __builtin_expect(b->slot >= b->end, 0) ? NULL : b->slot->w;
}

/* Stamp the batch's next slot as holding len bytes; the callers below checked both. */
static inline void chan_wbatch_stamp(chan_wbatch_t *b, size_t len)
{
    /* RELEASE: the payload is visible before the stamp (want's low byte is 0: + is |). */
    __atomic_store_n(&b->slot->hdr, b->want + len, __ATOMIC_RELEASE);
    b->slot++;
    b->want += 1ul << CHAN_STAMP_SHIFT;
}

/* Publish the batch's next slot, holding len bytes. XR_EAGAIN when the batch is full,
 * XR_ERANGE for len > CHAN_INLINE_MAX (nothing published either way). */
static inline long chan_wbatch_publish(chan_wbatch_t *b, size_t len)
{
    if (__builtin_expect(b->slot >= b->end, 0))
        return XR_EAGAIN;
    if (__builtin_expect(len > CHAN_INLINE_MAX, 0))
        return XR_ERANGE;
    chan_wbatch_stamp(b, len);
    return XR_OK;
}

/* chan_write into the batch: the len bytes at data in its next slot, published. Errors as
 * chan_wbatch_publish. */
static inline long chan_wbatch_put(chan_wbatch_t *b, const void *data, size_t len)
{
    if (__builtin_expect(b->slot >= b->end, 0))
        return XR_EAGAIN;
    if (__builtin_expect(len > CHAN_INLINE_MAX, 0))
        return XR_ERANGE;
    chan_copy_in(b->slot->w, data, len);
    chan_wbatch_stamp(b, len);
    return XR_OK;
}

/* The batch is done: ch's position moves to the cursor's, past the slots it published.
 * XR_EINVAL (and ch unchanged) for a cursor ch could not have given: not a slot's address,
 * behind ch's position or past the free slots it knows of (only memory safety is checked:
 * a cursor moved ahead within them skips positions, and the consumer stalls there). */
static inline long chan_write_batch_end(chan_t *ch, const chan_wbatch_t *b)
{
    uintptr_t d = (uintptr_t)b->slot - (uintptr_t)ch->tx_slot;
    if (d % CHAN_SLOT_SIZE || d / CHAN_SLOT_SIZE > (uintptr_t)(ch->tx_stop - ch->tx_slot))
        return XR_EINVAL;
    ch->tx_slot += d / CHAN_SLOT_SIZE;
    ch->tx_want += d / CHAN_SLOT_SIZE << CHAN_STAMP_SHIFT;
    return XR_OK;
}

/* Zero copy: a pool buffer of len bytes (*pos names it in chan_send_ref). The buffer is
 * the sender's until the receiver calls chan_buf_release; buffers are released in order.
 * XR_EAGAIN (non-blocking) or a wait when the pool is full. SPSC channels only. */
long chan_buf_alloc(chan_t *ch, size_t len, void **buf, uint64_t *pos);
long chan_send_ref(chan_t *ch, uint64_t pos, size_t len);

/* Consumer, in place, the common case of chan_recv_begin with the result in registers: the
 * payload words of the inline message at our position (its length, checked, in *len), or
 * NULL when there is none or it is anything else (chan_recv_begin then waits, decodes a
 * reference or reports XR_ECORRUPT). Nothing is consumed; chan_recv_end follows a hit. */
static inline const uint64_t *chan_recv_peek(chan_t *ch, size_t *len)
{
    chan_slot_t *s = ch->rx_slot;
    /* ACQUIRE: pairs with the producer's RELEASE of hdr; the payload is visible. The
     * difference is the tag only when the stamp is the one expected at our tail. */
    uint64_t tag = __atomic_load_n(&s->hdr, __ATOMIC_ACQUIRE) - ch->rx_want;
    if (__builtin_expect(tag > CHAN_INLINE_MAX, 0))
        return NULL;
    *len = tag;
    return s->w;
}

/* Consumer, in place: the next message in *m without consuming it: an inline one's ptr
 * points into the slot (its bytes stay writable by the sender: copy before checking them),
 * a reference's into the pool. chan_recv_end then gives the slot back (after it, an inline
 * ptr is no longer valid). Empty ring: waits (XR_EAGAIN with CHAN_NONBLOCK); XR_EDEAD when
 * it is empty and the channel closed or the peer died; XR_ECORRUPT when the shared state is
 * impossible (nothing is consumed). */
static inline long chan_recv_begin(chan_t *ch, chan_msg_t *m)
{
    size_t len;
    const uint64_t *w = chan_recv_peek(ch, &len);
    if (__builtin_expect(!w, 0))
        return chan_recv_begin_slow(ch, m);
    m->kind = CHAN_KIND_INLINE;
    m->len = (uint32_t)len;
    m->ptr = (const uint8_t *)w;
    return XR_OK;
}

/* Consumer: the message chan_recv_begin returned is done. Slots go back to producers
 * CHAN_SYNC_EVERY at a time, and whenever the consumer finds the ring empty: then it
 * publishes its tail (the shared one is not written per message), runs the Dekker fence and
 * signals producers waiting for space, so a blocked producer wakes with room for a batch
 * (docs/ipc-layers.md). */
static inline void chan_recv_end(chan_t *ch)
{
    ch->rx_want += 1ul << CHAN_STAMP_SHIFT;
    ch->rx_slot++; /* past the ring's end only at a multiple of CHAN_SYNC_EVERY: wrapped there */
    if (__builtin_expect(--ch->rx_left == 0, 0))
        chan_recv_sync(ch);
}

/* Consumer: the next message in *m, an inline one copied into m->data (ptr = data), and
 * consumed. Errors as chan_recv_begin. */
static inline long chan_recv(chan_t *ch, chan_msg_t *m)
{
    long err = chan_recv_begin(ch, m);
    if (err)
        return err;
    if (m->kind == CHAN_KIND_INLINE) {
        const uint64_t *w = (const uint64_t *)m->ptr;
#pragma GCC unroll 7
        for (unsigned i = 0; i < CHAN_SLOT_WORDS; i++) {
            uint64_t v = w[i];
            __builtin_memcpy(m->data + 8 * i, &v, 8);
        }
        m->ptr = m->data;
    }
    chan_recv_end(ch);
    return XR_OK;
}

/* Consumer, a batch: the in-place reads of chan_recv_peek and chan_recv_end with the slot,
 * its expected header and the next sync point in the caller's registers (chan_rbatch_t on its
 * stack, private: nothing in it comes from shared memory). A batch runs to the next sync
 * point at most (CHAN_SYNC_EVERY messages); chan_read_batch_end gives the position back to
 * ch, publishing the tail there, and no other consumer call on ch may come in between. */
typedef struct chan_rbatch {
    chan_slot_t *slot; /* the next slot to read */
    chan_slot_t *end;  /* the next sync point: never past the ring's end */
    uint64_t want;     /* an empty slot's header there, (pos + 1) << 8 */
} chan_rbatch_t;

/* A batch at ch's position, to its next sync point (SPSC and MPSC channels alike). */
static inline void chan_read_batch(const chan_t *ch, chan_rbatch_t *b)
{
    b->slot = ch->rx_slot;
    b->end = ch->rx_slot + ch->rx_left; /* rx_left > 0 between calls */
    b->want = ch->rx_want;
}

/* The payload words of the batch's next message if it is an inline one of exactly len bytes
 * (len <= CHAN_INLINE_MAX); NULL for anything else: the batch's end, an empty ring, another
 * length, a reference, garbage (after chan_read_batch_end, chan_recv_begin tells which). One
 * load and one comparison check stamp, kind and length together. Nothing is consumed. */
static inline const uint64_t *chan_rbatch_peek(const chan_rbatch_t *b, size_t len)
{
    chan_slot_t *s = b->slot;
    if (__builtin_expect(s >= b->end || len > CHAN_INLINE_MAX, 0))
        return NULL;
    /* ACQUIRE: pairs with the producer's RELEASE of hdr; the payload is visible. */
    if (__builtin_expect(__atomic_load_n(&s->hdr, __ATOMIC_ACQUIRE) != b->want + len, 0))
        return NULL;
    return s->w;
}

/* The message chan_rbatch_peek returned is done (its words are no longer to be read). Only
 * after a peek that returned one. */
static inline void chan_rbatch_next(chan_rbatch_t *b)
{
    b->slot++;
    b->want += 1ul << CHAN_STAMP_SHIFT;
}

/* The batch is done: ch's position moves past the messages it took, and at the sync point
 * the slots go back to the producer (chan_recv_end's sync). XR_EINVAL (and ch unchanged) for
 * a cursor ch could not have given: not a slot's address, behind ch's position or past the
 * sync point. */
static inline long chan_read_batch_end(chan_t *ch, const chan_rbatch_t *b)
{
    uintptr_t d = (uintptr_t)b->slot - (uintptr_t)ch->rx_slot;
    if (d % CHAN_SLOT_SIZE || d / CHAN_SLOT_SIZE > ch->rx_left)
        return XR_EINVAL;
    ch->rx_slot += d / CHAN_SLOT_SIZE;
    ch->rx_want += d / CHAN_SLOT_SIZE << CHAN_STAMP_SHIFT;
    ch->rx_left -= (uint32_t)(d / CHAN_SLOT_SIZE);
    if (ch->rx_left == 0)
        chan_recv_sync(ch);
    return XR_OK;
}

/* Give back pool space up to and including the buffer of a CHAN_KIND_REF message. */
void chan_buf_release(chan_t *ch, const chan_msg_t *m);
/* Mark the channel closed and wake both sides: their waits end with XR_EDEAD. */
void chan_close(chan_t *ch);

#endif
