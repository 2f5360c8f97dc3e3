/* Channels: one-directional shared-memory message queues between processes (application
 * IPC, docs/ipc-layers.md). A channel is one memory object mapped in both processes:
 *
 *   page 0            chan_shared_t: indices and wake-up flags, each writer on its own line
 *   pages 1..R        the ring: nslots (a power of two, >= 64) slots of 64 bytes
 *   the rest          the buffer pool: large payloads passed by reference (zero copy)
 *
 * plus two notifications: the receiver waits on rx_ntfn when the ring is empty, producers
 * wait on tx_ntfn when it is full. A sender that finds the receiver awake makes no system
 * call; chan_write + chan_flush publishes a batch with at most one wake-up.
 *
 * Two kinds: single producer (CHAN_SPSC: head/tail indices) and multi-producer
 * (CHAN_MPSC: producers take positions with a CAS on the shared head, and each slot has a
 * sequence word saying whether it is free or published in the current lap). Always one
 * consumer.
 *
 * Trust: both sides learn the geometry (nslots, pool_pages, kind) out of band and keep it,
 * with their own indices, in their private chan_t (one chan_t per thread: a producer thread
 * of an MPSC channel attaches its own). Nothing read from shared memory is used
 * as an index or length before it is checked against that private geometry; a peer that
 * writes garbage can only make calls here return XR_ECORRUPT (or see no message), never
 * make them read or write outside the ring and the pool. Payload bytes in the pool stay
 * writable by the sender while the receiver looks at them: copy before validating. */
#ifndef XR_USER_CHAN_H
#define XR_USER_CHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syscall.h"

#define CHAN_SLOT_SIZE    64
#define CHAN_INLINE_MAX   56 /* payload bytes carried in a slot */
#define CHAN_MIN_SLOTS    64 /* one page of ring */
#define CHAN_MAX_SLOTS    (1u << 16)
#define CHAN_PAGE         4096u
#define CHAN_PEER_POLL_US 10000 /* with a peer cap set, how often a blocked side checks it */

/* chan_attach flags */
#define CHAN_SPSC     0u
#define CHAN_MPSC     1u /* several producer threads (any processes) */
#define CHAN_NONBLOCK 2u /* full ring (send) or empty ring (recv): XR_EAGAIN instead of waiting */

/* Slot kinds */
#define CHAN_KIND_INLINE 1u
#define CHAN_KIND_REF    2u /* data: uint64_t position, uint64_t length in the pool */

typedef struct chan_slot {
    uint32_t seq;  /* CHAN_MPSC: 2*lap free, 2*lap+1 published (lap = position / nslots) */
    uint16_t kind; /* CHAN_KIND_* */
    uint16_t len;  /* inline bytes */
    uint8_t data[CHAN_INLINE_MAX];
} chan_slot_t;
_Static_assert(sizeof(chan_slot_t) == CHAN_SLOT_SIZE, "a slot is one cache line");

/* The shared page. Every field may hold anything a hostile peer wrote. */
typedef struct chan_shared {
    uint64_t head; /* producers: positions published (SPSC) or taken (MPSC) */
    uint8_t pad0[56];
    uint64_t tail;        /* consumer: positions consumed */
    uint32_t rx_sleeping; /* consumer: 1 while it waits (or is about to) on rx_ntfn */
    uint8_t pad1[52];
    uint32_t tx_waiters; /* producers waiting for space on tx_ntfn */
    uint8_t pad2[60];
    uint64_t pool_tail; /* consumer: pool bytes released (a position, like tail) */
    uint32_t closed;    /* either side: chan_close was called */
} chan_shared_t;

/* Received message. Inline: data[0..len). Reference: ptr[0..len) in the pool (checked
 * against the pool's bounds), to be given back with chan_buf_release(ch, ref). */
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
    xr_cap_t peer;       /* 0, or a cap (R) to the peer process: a blocked side checks it */
    uint64_t head;       /* producer (SPSC): next position to write */
    uint64_t published;  /* producer (SPSC): positions made visible */
    uint64_t tail_seen;  /* producer: the last tail read (free space without a load) */
    uint64_t tail;       /* consumer: next position to read */
    uint64_t head_seen;  /* consumer (SPSC): the last head read (messages without a load) */
    uint64_t pool_head;  /* producer: pool bytes handed out (a position) */
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
 * memory object starts zeroed, which is the empty state (no formatting step). XR_EINVAL for
 * a bad geometry (nslots not a power of two in [64, 65536], unknown flags). */
long chan_attach(chan_t *ch, void *va, uint32_t nslots, uint32_t pool_pages, unsigned flags,
                 xr_cap_t rx_ntfn, xr_cap_t tx_ntfn);

/* Producer. chan_write stages one inline message (len <= CHAN_INLINE_MAX) without making it
 * visible; chan_flush publishes every staged message and wakes the receiver if it sleeps
 * (one signal at most). chan_send is both: the 64-byte message of the benchmarks.
 * Full ring: waits (XR_EAGAIN with CHAN_NONBLOCK); XR_EDEAD when the channel is closed or
 * the peer died; XR_ECORRUPT when the consumer's shared index is impossible. */
long chan_write(chan_t *ch, const void *data, size_t len);
long chan_flush(chan_t *ch);
long chan_send(chan_t *ch, const void *data, size_t len);
/* Zero copy: a pool buffer of len bytes (*pos names it in chan_send_ref). The buffer is
 * the sender's until the receiver calls chan_buf_release; buffers are released in order.
 * XR_EAGAIN (non-blocking) or a wait when the pool is full. SPSC channels only. */
long chan_buf_alloc(chan_t *ch, size_t len, void **buf, uint64_t *pos);
long chan_send_ref(chan_t *ch, uint64_t pos, size_t len);

/* Consumer: the next message in *m. Empty ring: waits (XR_EAGAIN with CHAN_NONBLOCK);
 * XR_EDEAD when it is empty and the channel closed or the peer died; XR_ECORRUPT when
 * the shared state is impossible (the message is not consumed). */
long chan_recv(chan_t *ch, chan_msg_t *m);
/* Give back pool space up to and including the buffer of a CHAN_KIND_REF message. */
void chan_buf_release(chan_t *ch, const chan_msg_t *m);
/* Mark the channel closed and wake both sides: their waits end with XR_EDEAD. */
void chan_close(chan_t *ch);

#endif
