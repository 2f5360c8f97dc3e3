/* Threads: the unit the scheduler runs. A thread belongs to one process, has its own
 * guarded kernel stack, saved registers and FPU state page, a priority and an affinity. */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include "arch/arch.h"
#include "kernel/object.h"

struct process;
struct endpoint;
struct notification;

/* Why a blocked thread waits. */
enum thread_wait {
    WAIT_NONE,
    WAIT_SLEEP,  /* on the sleep list until wake_tick */
    WAIT_SEND,   /* queued on blocked_on (an endpoint) with a message */
    WAIT_RECV,   /* queued on blocked_on (an endpoint) for a message */
    WAIT_REPLY,  /* called; reply_from holds its reply */
    WAIT_NOTIFY, /* queued on blocked_on (a notification) */
};

typedef enum thread_state {
    TS_STOPPED,  /* created, not started */
    TS_RUNNABLE, /* on a run queue, or running */
    TS_BLOCKED,  /* waiting (sleep, later IPC) */
    TS_DEAD      /* killed or exited; waiting to be reaped */
} thread_state_t;

typedef struct thread {
    kobj_t obj;
    arch_thread_t arch;
    struct process *proc; /* NULL for a CPU's idle thread */
    thread_state_t state;
    uint8_t prio;                   /* 0..255, higher runs first */
    unsigned cpu;                   /* the CPU whose queue holds it (its affinity) */
    bool place_any;                 /* stopped, to be placed on the least loaded CPU at start */
    unsigned slice;                 /* timer ticks left in its time slice */
    uint64_t wake_tick;             /* when sleeping */
    bool reaped;                    /* stack and FPU page returned */
    struct thread *q_next, *q_prev; /* run queue, sleep list or dead list */
    struct thread *p_next;          /* the process's thread list */

    /* IPC (ipc/): see docs/ipc.md for the states */
    uint8_t wait;              /* enum thread_wait while TS_BLOCKED */
    bool ipc_call;             /* a queued sender wants a reply */
    bool ipc_grant;            /* a queued sender's cap has the grant right */
    bool ipc_fault;            /* a queued sender is a fault message (fault_msg) */
    void *blocked_on;          /* endpoint or notification it is queued on */
    uint64_t ipc_badge;        /* the badge of a queued sender's cap */
    struct thread *reply_to;   /* a server: the caller its next reply goes to */
    struct thread *reply_from; /* a caller: the server holding its reply */
    uint64_t ipcbuf_va;        /* its IPC buffer (0: none) */
    void *ipcbuf_kva;          /* ... through the direct map, valid while ipcbuf_gen is */
    uint64_t ipcbuf_gen;       /* its address space's map_gen when ipcbuf_kva was found */
    struct endpoint *fault_ep; /* where its faults go (NULL: the process is killed) */
    uint64_t fault_badge;
    uint64_t fault_msg[5];      /* vector, error, address, rip, access */
    struct notification *bound; /* a recv also returns when this is signalled */
} thread_t;

/* A FIFO of threads linked through q_next/q_prev: a run queue, an endpoint's senders or
 * receivers, a notification's waiters. A thread is on at most one queue at a time. */
typedef struct thread_queue {
    thread_t *head, *tail;
} thread_queue_t;

static inline bool tq_empty(const thread_queue_t *q)
{
    return !q->head;
}

/* Put t (on no queue) at the tail. */
static inline void tq_push(thread_queue_t *q, thread_t *t)
{
    t->q_next = NULL;
    t->q_prev = q->tail;
    if (q->tail)
        q->tail->q_next = t;
    else
        q->head = t;
    q->tail = t;
}

/* Take t, which is on q, off it. */
static inline void tq_remove(thread_queue_t *q, thread_t *t)
{
    if (t->q_prev)
        t->q_prev->q_next = t->q_next;
    else
        q->head = t->q_next;
    if (t->q_next)
        t->q_next->q_prev = t->q_prev;
    else
        q->tail = t->q_prev;
    t->q_next = t->q_prev = NULL;
}

/* Take the first thread off a non-empty q. */
static inline thread_t *tq_pop(thread_queue_t *q)
{
    thread_t *t = q->head;
    tq_remove(q, t);
    return t;
}

/* A stopped thread in p, charged to p's quota (THREAD_CHARGE frames); NULL when out. */
thread_t *thread_create(struct process *p);
#define THREAD_CHARGE       (KSTACK_PAGES + 2)
#define THREAD_DEFAULT_PRIO 100
/* Make a stopped thread runnable. XR_EBUSY if it is not stopped. */
kerr_t thread_start(thread_t *t);
/* Stop t for good: off every queue, marked dead, reaped at the next switch. */
void thread_kill(thread_t *t);
/* Return a dead thread's stack and FPU page (never the running thread's). */
void thread_reap(thread_t *t);
/* thread_kill as deferred work (kobj_defer), for the cap layer's callbacks. */
void thread_kill_deferred(kobj_t *o);
/* Set up the thread object type; once at boot (process_init calls it). */
void thread_init(void);
#endif
