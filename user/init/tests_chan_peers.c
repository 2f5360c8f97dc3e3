/* User tests of channels against hostile and dying peers (garbage indices, stamps and
 * lengths, in-place reads, batch cursors, a scribbling child, a peer's death), RPC over both
 * transports, and the chan/ tests' leak check, which must stay the last of them. The shared
 * set-up is tests_chan.c's (tests_chan.h). */
#include "rpc.h"
#include "tests_chan.h"

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
    UT_EQ(chan_map(XR_SLOT_SELF, MEM, VIEW(1), chan_test_pages), XR_OK);
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
    memset((void *)VIEW(0), 0, chan_test_pages * 4096);
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
    UT_EQ(chan_map(XR_SLOT_SELF, MEM, VIEW(1), chan_test_pages), XR_OK);
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
    UT_EQ((uint64_t)m.ptr + m.len, VIEW(1) + chan_test_pages * 4096);
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
    UT_EQ(chan_map(XR_SLOT_SELF, MEM, VIEW(1), chan_test_pages), XR_OK);
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
    UT_EQ(chan_map(XR_SLOT_SELF, MEM, VIEW(1), chan_test_pages), XR_OK);
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
    memset((void *)VIEW(0), 0, chan_test_pages * 4096);
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
    /* at init's level: yields alternate */
    UT_EQ(chan_child_start(CHILD_ARG(CHILD_CHAN_HOSTILE, 200000), 0, 200), XR_OK);
    unsigned ok = 0, corrupt = 0;
    for (unsigned i = 0; i < 20000; i++) {
        long err = chan_recv(&rx, &m);
        if (err == XR_OK) {
            ok++;
            UT_ASSERT(m.len <= (m.kind == CHAN_KIND_REF ? POOL * 4096 : CHAN_INLINE_MAX));
            if (m.kind == CHAN_KIND_REF) {
                UT_ASSERT((uint64_t)m.ptr >= VIEW(0) + chan_test_pages * 4096 - POOL * 4096);
                UT_ASSERT((uint64_t)m.ptr + m.len <= VIEW(0) + chan_test_pages * 4096);
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
    UT_EQ(chan_child_start(CHILD_ARG(CHILD_CHAN_PRODUCE, 100) | CHILD_ARG_CRASH, 0, 100), XR_OK);
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
    UT_EQ(chan_child_start(CHILD_ARG(CHILD_CHAN_CONSUME, 10) | CHILD_ARG_CRASH, 0, 100), XR_OK);
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
    UT_EQ(xr_memory_create(chan_test_pages, MEM2), XR_OK);
    UT_EQ(chan_map(XR_SLOT_SELF, MEM2, VIEW(1), chan_test_pages), XR_OK);
    UT_EQ(xr_notify_create(RXN2), XR_OK);
    UT_EQ(xr_notify_create(TXN2), XR_OK);
    UT_EQ(xr_endpoint_create(EPR), XR_OK);
    UT_EQ(chan_child_start(CHILD_RPC, EPR, 100), XR_OK);
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
    UT_EQ(xr_info(XR_INFO_OBJECTS), chan_objects_before);
    UT_EQ(ut_frames_accounted(), chan_frames_before);
}
