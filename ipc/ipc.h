/* Basic IPC: synchronous endpoints (send, receive, call, reply), notifications, and the
 * fault messages built on them. docs/ipc.md has the thread state machine. Locks: none;
 * the kernel runs with interrupts off on one core. */
#ifndef IPC_IPC_H
#define IPC_IPC_H

#include "kernel/object.h"
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "xr/ipc.h"

typedef enum { EP_IDLE, EP_SENDERS, EP_RECEIVERS } ep_state_t;

typedef struct endpoint {
    kobj_t obj;
    ep_state_t state; /* what the queue holds */
    thread_queue_t q; /* blocked senders or receivers, first come first served */
} endpoint_t;

typedef struct notification {
    kobj_t obj;
    uint64_t bits;
    thread_queue_t q; /* threads blocked in wait */
    thread_t *bound;  /* its recv also returns on a signal */
} notification_t;

struct process;
/* New objects, charged one frame each to owner's quota; NULL when out of memory or quota. */
endpoint_t *endpoint_create(struct process *owner);
notification_t *notification_create(struct process *owner);
/* Set up the IPC object types (endpoints, notifications, memory objects, interrupt
 * lines); once at boot. Each type's destroy (the last reference is gone) wakes every
 * waiter with XR_EDEAD and frees the object. */
void ipc_init(void);
void endpoint_init(void);
void notification_init(void);

/* The current thread sends on ep: its tag and words 0..3 are the arguments, the rest is
 * in its IPC buffer. call: then wait for the reply. block: wait for a receiver (else
 * XR_EAGAIN). Returns XR_OK or an error, or SYSRET_REGS_SET when it blocked and the
 * result registers will have been set when it runs again. */
sysret_t ipc_send(endpoint_t *ep, uint64_t badge, bool grant, uint64_t tag, const uint64_t w[4],
                  bool call, bool block);
/* The current thread receives on ep (block: wait for a sender, else XR_EAGAIN).
 * Results go to its message registers; returns as ipc_send. */
sysret_t ipc_recv(endpoint_t *ep, bool block);
/* The current thread answers its caller. XR_ENOENT when there is none to answer (no
 * call received, already answered, or the caller was cancelled or died). */
sysret_t ipc_reply(uint64_t tag, const uint64_t w[4]);
/* ipc_reply, then ipc_recv(ep, true), unless the reply fails with other than XR_ENOENT
 * (returned then) or ends the current thread's process. The caller runs straight after when
 * the receive blocks and nothing better is runnable (the slowpath's reply_recv). */
sysret_t ipc_reply_recv(endpoint_t *ep, uint64_t tag, const uint64_t w[4]);
/* A fault of the current thread goes to its fault endpoint as a call; the handler's reply
 * resumes or kills. Returns false when the thread has no fault endpoint. */
bool ipc_send_fault(unsigned vector, uint64_t error, uint64_t addr, uint64_t rip);

void notification_signal(notification_t *n, uint64_t bits);
sysret_t notification_wait(notification_t *n, bool block);
kerr_t notification_bind(notification_t *n, thread_t *t);

/* Take t off whatever IPC object it waits on and break its reply links; its partner (if
 * it holds t's reply, or waits for t's) is woken with XR_EDEAD. For thread_kill. */
void ipc_cancel(thread_t *t);
/* Take t, queued on ep, off the queue; ep is idle when none is left. */
static inline void ep_remove(endpoint_t *ep, thread_t *t)
{
    tq_remove(&ep->q, t);
    if (tq_empty(&ep->q))
        ep->state = EP_IDLE;
}

/* Take the first thread of an endpoint's queue (there is one; as the head, it has no
 * predecessor): the one-waiter case first. */
static inline thread_t *ep_pop(endpoint_t *ep)
{
    thread_t *t = ep->q.head, *n = t->q_next;
    ep->q.head = n;
    t->q_next = NULL;
    if (likely(!n)) {
        ep->q.tail = NULL;
        ep->state = EP_IDLE;
    } else {
        n->q_prev = NULL;
    }
    return t;
}

/* Queue t on ep, which then holds threads of that state. */
static inline void ep_push(endpoint_t *ep, ep_state_t state, thread_t *t)
{
    ep->state = state;
    tq_push(&ep->q, t);
    t->blocked_on = ep;
}
/* Take a thread blocked in an endpoint receive off its queue (it stays blocked). */
void ipc_cancel_recv(thread_t *t);
/* The IPC buffer of t, if it has a valid one: a writable page its process owns. */
xr_ipc_buffer_t *ipc_buffer(thread_t *t);
/* ipc_buffer's cached answer, if it is still valid (no mapping of t's space has changed
 * since it was found), else NULL: no page walk. */
static inline xr_ipc_buffer_t *ipc_buffer_cached(const thread_t *t)
{
    mm_as_t *as = t->proc ? t->proc->as : NULL;
    return likely(as && t->ipcbuf_gen == as->map_gen) ? t->ipcbuf_kva : NULL;
}
/* The page at va of p, if it would be a valid IPC buffer (NULL otherwise). */
xr_ipc_buffer_t *ipc_buffer_at(struct process *p, uint64_t va);

/* Message registers of a thread's saved state. */
static inline uint64_t ipc_reg(thread_t *t, unsigned r)
{
    return arch_ipc_reg(&t->arch, r);
}
static inline void ipc_set_reg(thread_t *t, unsigned r, uint64_t v)
{
    arch_ipc_set_reg(&t->arch, r, v);
}

/* A message into t's saved registers, written at once: the result XR_OK, the badge, the
 * tag, words 0..3 (those at or past the tag's length cleared, as every delivery does). The
 * frame's address is computed once (badge, tag and the words are consecutive: arch.h);
 * the fastpath and the slowpath's deliver both use it. */
static inline __attribute__((always_inline)) void ipc_set_msg(thread_t *t, uint64_t badge,
                                                              uint64_t tag, const uint64_t w[4])
{
    uint64_t *result = arch_ipc_slot(&t->arch, ARCH_REG_RESULT);
    uint64_t *m = arch_ipc_slot(&t->arch, ARCH_REG_BADGE);
    *result = XR_OK;
    m[0] = badge;
    m[1] = tag;
    m[2] = w[0];
    m[3] = w[1];
    m[4] = w[2];
    m[5] = w[3];
    for (unsigned i = XR_TAG_LEN(tag); unlikely(i < XR_MSG_REGS); i++)
        m[2 + i] = 0;
}

/* An IPC system call's error, written to the current thread's result register as its
 * message results are (so the handler returns SYSRET_REGS_SET). */
sysret_t ipc_result(kerr_t err);
/* The result of an IPC operation: its error written as ipc_result does, or
 * SYSRET_REGS_SET passed on when the operation wrote the registers itself. */
static inline sysret_t ipc_result_of(sysret_t r)
{
    return r == SYSRET_REGS_SET ? r : ipc_result((kerr_t)r);
}

extern uint64_t ipc_fastpath_hits;

/* An interrupt line (ipc/irq.c): a static object per line. */
typedef struct irq_line {
    kobj_t obj;
    unsigned line;
    notification_t *ntfn; /* signalled on every interrupt, or NULL (the line is masked) */
    uint64_t badge;
    uint64_t count; /* interrupts seen */
} irq_line_t;
extern irq_line_t irq_lines[ARCH_IRQ_LINES];
void irq_init(void);
/* Bind the line to n, signalling badge (0: bit 0); n NULL unbinds and masks it.
 * XR_EBUSY if bound already, XR_ENOENT for a line the machine lacks. */
kerr_t irq_bind(irq_line_t *irq, notification_t *n, uint64_t badge);

#endif
