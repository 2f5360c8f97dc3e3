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
    ep_state_t state;      /* what the queue holds */
    thread_t *head, *tail; /* FIFO of blocked senders or receivers */
} endpoint_t;

typedef struct notification {
    kobj_t obj;
    uint64_t bits;
    thread_t *head, *tail; /* threads blocked in wait */
    thread_t *bound;       /* its recv also returns on a signal */
} notification_t;

struct process;
/* New objects, charged one frame each to owner's quota; NULL when out of memory or quota. */
endpoint_t *endpoint_create(struct process *owner);
notification_t *notification_create(struct process *owner);
/* The last reference is gone: wake every waiter with XR_EDEAD, free. */
void endpoint_destroy(endpoint_t *ep);
void notification_destroy(notification_t *n);

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
/* The endpoint queue, for the fastpath: take the first thread, or add t at the tail. */
thread_t *ep_pop(endpoint_t *ep);
void ep_push(endpoint_t *ep, ep_state_t state, thread_t *t);
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

extern uint64_t ipc_fastpath_hits;

#endif
