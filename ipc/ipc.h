/* Basic IPC: synchronous endpoints (send, receive, call, reply), notifications, and the
 * fault messages built on them. docs/ipc.md has the thread state machine. Locks: none;
 * the kernel runs with interrupts off on one core. */
#ifndef IPC_IPC_H
#define IPC_IPC_H

#include "kernel/object.h"
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
void memobj_init(void);

/* The current thread sends on ep: its tag and words 0..3 are the arguments, the rest is
 * in its IPC buffer. call: then wait for the reply. block: wait for a receiver (else
 * XR_EAGAIN). Returns XR_OK or an error, or SYSCALL_RESULTS_SET when it blocked and the
 * result registers will have been set when it runs again. */
uint64_t ipc_send(endpoint_t *ep, uint64_t badge, bool grant, uint64_t tag, const uint64_t w[4],
                  bool call, bool block);
/* The current thread receives on ep (block: wait for a sender, else XR_EAGAIN).
 * Results go to its message registers; returns as ipc_send. */
uint64_t ipc_recv(endpoint_t *ep, bool block);
/* The current thread answers its caller. XR_ENOENT when there is none to answer (no
 * call received, already answered, or the caller was cancelled or died). */
uint64_t ipc_reply(uint64_t tag, const uint64_t w[4]);
/* A fault of the current thread goes to its fault endpoint as a call; the handler's reply
 * resumes or kills. Returns false when the thread has no fault endpoint. */
bool ipc_send_fault(unsigned vector, uint64_t error, uint64_t addr, uint64_t rip);

uint64_t notification_signal(notification_t *n, uint64_t bits);
uint64_t notification_wait(notification_t *n, bool block);
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

/* Take the first thread of an endpoint's queue (there is one). */
static inline thread_t *ep_pop(endpoint_t *ep)
{
    thread_t *t = ep->q.head;
    ep_remove(ep, t);
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
/* The IPC buffer of t, if it has a valid one. */
xr_ipc_buffer_t *ipc_buffer(thread_t *t);

/* Message registers of a thread's saved state. */
static inline uint64_t ipc_reg(thread_t *t, unsigned r)
{
    return arch_ipc_reg(&t->arch, r);
}
static inline void ipc_set_reg(thread_t *t, unsigned r, uint64_t v)
{
    arch_ipc_set_reg(&t->arch, r, v);
}

/* ---- memory objects (ipc/memobj.c) ---- */
/* A memory object of pages (1..MEMOBJ_MAX_PAGES) zeroed, contiguous user-pool frames:
 * 2^ceil(log2(pages)) frames plus one for the object are charged to owner's quota. NULL
 * when out of quota or memory. The caller inserts a cap (refs start at 0). */
memobj_t *memobj_create(struct process *owner, uint64_t pages);
/* Map page offset / 4096 of m at va in p with PTF_* flags (rights already checked). A
 * dynamic object records the mapping and holds a reference on p; XR_ENOMEM when its
 * MEMOBJ_MAPS records are all in use; otherwise as mm_as_map. */
kerr_t memobj_map(memobj_t *m, const void *via, struct process *p, uint64_t offset, uint64_t va,
                  unsigned flags);
/* The memory cap in slot s goes: remove every mapping made through it (revoke and delete
 * shoot mappings down), or (moved) follow it to its new slot. */
void memobj_slot_gone(memobj_t *m, const void *s);
void memobj_slot_moved(memobj_t *m, const void *from, const void *to);
/* XR_SYS_UNMAP removed the page pa (not owned) at va from p: drop its record, if a
 * dynamic object holds pa. */
void memobj_unmapped(struct process *p, uint64_t va, uint64_t pa);
/* p is ending: drop the mapping records that name it (its address space goes next). */
void memobj_forget_process(struct process *p);

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
