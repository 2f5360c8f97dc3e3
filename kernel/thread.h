/* Threads: the unit the scheduler runs. A thread belongs to one process, has its own
 * guarded kernel stack, saved registers and FPU state page, a priority and an affinity. */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include "arch/arch.h"
#include "kernel/object.h"

struct process;

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
    unsigned cpu;                   /* the CPU whose queue holds it */
    unsigned slice;                 /* timer ticks left in its time slice */
    uint64_t wake_tick;             /* when sleeping */
    bool reaped;                    /* stack and FPU page returned */
    struct thread *q_next, *q_prev; /* run queue, sleep list or dead list */
    struct thread *p_next;          /* the process's thread list */
} thread_t;

/* A stopped thread in p, charged to p's quota (THREAD_CHARGE frames); NULL when out. */
thread_t *thread_create(struct process *p);
#define THREAD_CHARGE (KSTACK_PAGES + 2)
/* Make a stopped thread runnable. XR_EBUSY if it is not stopped. */
kerr_t thread_start(thread_t *t);
/* Stop t for good: off every queue, marked dead, reaped at the next switch. */
void thread_kill(thread_t *t);
/* Return a dead thread's stack and FPU page (never the running thread's). */
void thread_reap(thread_t *t);
/* The thread running on this CPU. */
thread_t *thread_current(void);

#endif
