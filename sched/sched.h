/* The scheduler: per-CPU run queues of 256 priorities with a bitmap for O(1) choice,
 * round-robin time slices inside a priority, timed sleep, and an idle thread per CPU
 * that halts. Locks: none yet; the kernel runs with interrupts off on one core, so every
 * call below happens with interrupts disabled. */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include "kernel/process.h"
#include "kernel/thread.h"

/* The per-CPU scheduler state every kernel exit reads, kept apart from the run queues
 * (sched/sched.c owns it) so the checks are a few instructions. One core: sched_hot0. */
typedef struct sched_hot {
    thread_t *current; /* the thread running on this CPU */
    bool need_switch;  /* a better thread is runnable, or a time slice ended */
    int best;          /* the highest priority with a queued runnable thread, or -1 */
} sched_hot_t;
extern sched_hot_t sched_hot0;
_Static_assert(__builtin_offsetof(sched_hot_t, need_switch) == 8,
               "arch/x86_64/asm.h SCHED_HOT_NEED_SWITCH: the syscall exit reads it");

/* The thread running on this CPU. */
static inline thread_t *thread_current(void)
{
    return sched_hot0.current;
}

#define SCHED_PRIORITIES  256
#define SCHED_SLICE_TICKS 5   /* time slice, in timer ticks */
#define SCHED_HZ          100 /* timer ticks per second */

/* Set up this CPU's run queue and idle thread. */
void sched_init(void);
/* Put a runnable thread at the tail of its priority's queue. */
void sched_enqueue(thread_t *t);
/* Take a thread off whatever queue (run queue or sleep list) it is on. */
void sched_dequeue(thread_t *t);
/* Run the highest-priority runnable thread (the current one too, if it is still
 * runnable and nothing better waits); returns when the caller runs again. */
void sched_schedule(void);
/* Block the current thread (state TS_BLOCKED, wait = why) and run another; returns when
 * someone sched_wake()s it. */
void sched_block(unsigned wait);
/* Make a blocked thread runnable again (at the tail of its priority's queue). */
void sched_wake(thread_t *t);
/* The highest priority with a runnable thread queued, or -1. */
static inline int sched_best_prio(void)
{
    return sched_hot0.best;
}
/* The IPC fastpath's switch: next becomes current (address space, FPU, entry stack)
 * without a stack switch; the caller returns to user through next's frame. Inline: it
 * is on the fastpath. */
static inline void sched_switch_fast(thread_t *next)
{
    thread_t *prev = sched_hot0.current;
    sched_hot0.current = next;
    sched_hot0.need_switch = false;
    next->slice = SCHED_SLICE_TICKS;
    mm_as_t *as = next->proc->as;
    if (as != mm_current_as || as->tlb_stale)
        mm_as_switch(as);
    arch_switch_fast(&prev->arch, &next->arch);
}
/* Give the CPU to the next thread of the same or higher priority. */
void sched_yield(void);
/* Block the current thread until the tick count reaches tick. */
void sched_sleep_until(uint64_t tick);
/* Timer interrupt: count a tick, wake sleepers, end time slices. */
void sched_tick(void);
/* True when the running thread should give way before returning to user mode. */
static inline bool sched_should_switch(void)
{
    return sched_hot0.need_switch || sched_hot0.current->state != TS_RUNNABLE;
}
/* Switch from the boot context to the first thread; never returns. */
_Noreturn void sched_start(void);
uint64_t sched_ticks(void);
/* Threads on this CPU's run queues, the idle thread excluded (for the tests). */
unsigned sched_runnable(void);

#endif
