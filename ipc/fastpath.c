/* The IPC fastpath, in the spirit of seL4's: call and reply_recv in the common case (no
 * caps, at most 4 words: the entry code has checked the tag, trap_entry.S; or up to 64
 * with both IPC buffers cached, fast_long; the partner already waiting, nothing better to
 * run) go straight from one thread to the other without the scheduler; syscall_entry then
 * returns to the partner through sysret (docs/ipc.md section 4 walks the path). Every
 * unusual case leaves early for the slowpath (endpoint.c), which gives the same results.
 * fastpath=0 on the command line turns it off.
 *
 * This file is built twice: as itself for the entry points without page-table isolation,
 * and as ipc/fastpath_kpti.c (ARCH_FASTPATH_KPTI 1, every exported name with _kpti) for
 * their _kpti twins, so that the switch of page tables (arch_switch_root_fast) knows at
 * compile time which it is, as the entry code does. */
#ifndef ARCH_FASTPATH_KPTI
#define ARCH_FASTPATH_KPTI 0
#endif
#if ARCH_FASTPATH_KPTI
#define FAST(name) name##_kpti
#else
#define FAST(name) name
#endif
#include "ipc/ipc.h"
#include "kernel/process.h"
#include "sched/sched.h"

#if !ARCH_FASTPATH_KPTI
bool ipc_fastpath_enabled;
uint64_t ipc_fastpath_hits;
#endif

/* The endpoint in slot with rights (the system-call layer's one look-up), or NULL. */
static inline endpoint_t *fast_endpoint(thread_t *cur, uint64_t slot, unsigned rights,
                                        uint64_t *badge)
{
    kerr_t err;
    const cap_slot_t *s = sys_cap(cur->proc, slot, XR_OBJ_ENDPOINT, rights, &err);
    if (unlikely(!s))
        return NULL;
    if (!s->object)
        __builtin_unreachable(); /* a typed cap always has its object: no test for it */
    *badge = s->badge;
    return s->object;
}

/* The badge into the partner's saved state. The rest of the message is not stored: the
 * entry code's way out (fast_leave, trap_entry.S) loads the result (XR_OK), the tag and
 * words 0..3 from the sender's frame, a[], straight into the partner's registers, words
 * at or past the tag's length cleared, as the slowpath's ipc_set_msg does. */
static inline __attribute__((always_inline)) void fast_deliver(thread_t *to, uint64_t badge,
                                                               const uint64_t a[6])
{
    (void)a;
    ipc_set_reg(to, ARCH_REG_BADGE, badge);
}

/* BEGIN TODO(lab4): the fastpath's call and reply_recv (the slowpath is ipc/endpoint.c) */
/* The current thread stops here, blocked, its frame holding everything (parked). */
static inline __attribute__((always_inline)) void fast_block(thread_t *cur, unsigned wait)
{
    cur->state = TS_BLOCKED;
    cur->wait = (uint8_t)wait;
    arch_thread_park(&cur->arch);
}

static inline __attribute__((always_inline)) arch_thread_t *fast_switch(thread_t *next)
{
    next->state = TS_RUNNABLE;
    next->wait = WAIT_NONE;
    next->blocked_on = NULL;
    sched_switch_fast(next);
    ipc_fastpath_hits++;
    return &next->arch;
}

static arch_thread_t *fastpath_call(const uint64_t a[6])
{
    thread_t *cur = thread_current();
    uint64_t badge;
    endpoint_t *ep = fast_endpoint(cur, a[0], XR_RIGHT_WRITE, &badge);
    if (unlikely(!ep || ep->state != EP_RECEIVERS))
        return NULL;
    thread_t *r = ep->q.head;
    if (unlikely(r->prio <= sched_best_prio() || r->cpu != cur->cpu || r->reply_to))
        return NULL; /* the scheduler must choose, or r still owes a reply */
    /* point of no return */
    ep_pop(ep);
    fast_deliver(r, badge, a);
    r->reply_to = cur;
    cur->reply_from = r;
    fast_block(cur, WAIT_REPLY);
    return fast_switch(r);
}

static arch_thread_t *fastpath_reply_recv(const uint64_t a[6])
{
    thread_t *cur = thread_current(), *caller = cur->reply_to;
    uint64_t badge;
    if (unlikely(!caller))
        return NULL;
    if (unlikely(caller->ipc_fault || caller->prio <= sched_best_prio() || caller->cpu != cur->cpu))
        return NULL; /* a same-priority thread queued first runs first, as on the slowpath */
    endpoint_t *ep = fast_endpoint(cur, a[0], XR_RIGHT_READ, &badge);
    if (unlikely(!ep || ep->state == EP_SENDERS || (cur->bound && cur->bound->bits)))
        return NULL; /* a sender waits, or a signal: the receive would not block */
    /* point of no return */
    cur->reply_to = NULL;
    caller->reply_from = NULL;
    fast_deliver(caller, 0, a);
    ep_push(ep, EP_RECEIVERS, cur);
    fast_block(cur, WAIT_RECV);
    return fast_switch(caller);
}
/* STUB TODO(lab4)
static arch_thread_t *fastpath_call(const uint64_t a[6])
{
    (void)a;
    return NULL;
}

static arch_thread_t *fastpath_reply_recv(const uint64_t a[6])
{
    (void)a;
    return NULL;
}
   END TODO(lab4) */

/* The frame the entry code returns to user through: t's, or NULL (the slowpath). */
static inline __attribute__((always_inline)) void *fast_frame(arch_thread_t *t)
{
    return t ? (void *)(t->kstack_top - ARCH_FRAME_SIZE) : NULL;
}

/* The entry code jumps here straight from its dispatch table (trap_entry.S). */
void *FAST(ipc_fastpath_call)(const uint64_t a[6])
{
    return fast_frame(fastpath_call(a));
}

void *FAST(ipc_fastpath_reply_recv)(const uint64_t a[6])
{
    return fast_frame(fastpath_reply_recv(a));
}

/* Long messages (5 to XR_MSG_MAX words, no caps: the entry code's test): the fastpath above
 * runs as for short ones when both IPC buffers' kernel addresses are cached
 * (ipc_buffer_cached: no page walk); the partner is known before it runs, and once it
 * has switched, words 4.. go from buffer to buffer. */
static void *fast_long(void *(*fast)(const uint64_t a[6]), const uint64_t a[6], thread_t *to)
{
    xr_ipc_buffer_t *sb = ipc_buffer_cached(thread_current()), *rb;
    if (!to || !sb || !(rb = ipc_buffer_cached(to)))
        return NULL;
    void *frame = fast(a);
    if (frame)
        arch_copy_words(&rb->msg[XR_MSG_REGS], &sb->msg[XR_MSG_REGS],
                        XR_TAG_LEN(a[1]) - XR_MSG_REGS);
    return frame;
}

void *FAST(ipc_fastpath_call_long)(const uint64_t a[6])
{
    uint64_t badge;
    endpoint_t *ep = fast_endpoint(thread_current(), a[0], XR_RIGHT_WRITE, &badge);
    return fast_long(FAST(ipc_fastpath_call), a,
                     ep && ep->state == EP_RECEIVERS ? ep->q.head : NULL);
}

void *FAST(ipc_fastpath_reply_recv_long)(const uint64_t a[6])
{
    return fast_long(FAST(ipc_fastpath_reply_recv), a, thread_current()->reply_to);
}
