/* The scheduler: per-CPU run queues of 256 priorities with a bitmap for O(1) choice,
 * round-robin time slices inside a priority, timed sleep, an idle thread per CPU that
 * halts, and threads' CPUs (placement, affinity, moves). Locks: every call below runs
 * with interrupts off and, with more than one CPU online, under the kernel lock
 * (kernel/klock.h). */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include "kernel/process.h"
#include "kernel/thread.h"

/* The per-CPU scheduler state every kernel exit reads, kept apart from the run queues
 * (sched/sched.c owns it) so the checks are a few instructions; each CPU reaches its own
 * through arch_cpu_hot() (x86_64: a pointer in the GS block). */
typedef struct sched_hot {
    thread_t *current; /* the thread running on this CPU */
    bool need_switch;  /* a better thread is runnable, or a time slice ended */
    int best;          /* the highest priority with a queued runnable thread, or -1 */
} sched_hot_t;
_Static_assert(sizeof(sched_hot_t) <= MM_HOT_LOADED,
               "it lives in the per-CPU block, below mm's word");
_Static_assert(__builtin_offsetof(sched_hot_t, current) == 0, "thread_current reads word 0");

_Static_assert(sizeof(int) == 4 && sizeof(bool) == 1, "sched_best_prio and sched_switch_fast's "
                                                      "one-instruction accesses");

/* CPU cpu's scheduler state (any CPU's). */
extern sched_hot_t *sched_hot_table[ARCH_MAX_CPUS];
static inline sched_hot_t *sched_hot_of(unsigned cpu)
{
    return sched_hot_table[cpu];
}
_Static_assert(__builtin_offsetof(sched_hot_t, need_switch) == 8,
               "arch/x86_64/asm.h SCHED_HOT_NEED_SWITCH: the syscall exit reads it");

/* This CPU's scheduler state. */
static inline sched_hot_t *sched_here(void)
{
    return arch_cpu_hot();
}

/* The thread running on this CPU. */
static inline thread_t *thread_current(void)
{
    return arch_cpu_hot_first();
}

#define SCHED_PRIORITIES  256
#define SCHED_SLICE_TICKS 5   /* time slice, in timer ticks */
#define SCHED_HZ          100 /* timer ticks per second */

/* Set up CPU cpu's scheduler state (before anything asks for the current thread there;
 * the boot CPU right after arch_init). */
void sched_bind_cpu(unsigned cpu);
/* Set up CPU cpu's run queue and idle thread (sched_init: the boot CPU's). */
void sched_init_cpu(unsigned cpu);
void sched_init(void);
/* A CPU for a thread started anywhere (XR_CPU_ANY): the least loaded, round robin. */
unsigned sched_place(void);
/* Move t to CPU cpu: a queued thread moves now, a running one at its next switch, a
 * blocked or stopped one when it next runs. XR_EINVAL for a CPU that is not online. */
kerr_t sched_set_cpu(thread_t *t, unsigned cpu);
/* The CPU t is running on right now, or -1. */
int sched_cpu_running(const thread_t *t);
/* Worker cores (bit n: CPU n, never 0): running one thread, they take no periodic tick. */
extern uint64_t sched_workers;
/* Timer interrupts CPU cpu has taken since boot. */
uint64_t sched_cpu_ticks(unsigned cpu);
/* Per-core accounting: what a CPU's ticks went to (idle_ticks + busy_ticks = its ticks) and
 * the thread switches it made. Each CPU updates only its own entry, under the kernel lock. */
typedef struct sched_acct {
    uint64_t idle_ticks; /* ticks taken while the CPU ran its idle thread */
    uint64_t busy_ticks; /* ticks taken while it ran any other thread */
    uint64_t switches;   /* times sched_schedule put another thread on it */
} sched_acct_t;
sched_acct_t sched_cpu_acct(unsigned cpu);
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
/* sched_wake(t) and sched_schedule(), the current thread blocked: when t is what the
 * scheduler would pick (this CPU's, above every queued priority), a direct switch to it
 * that never queues it (the IPC slowpath's call, as seL4's does). */
void sched_wake_run(thread_t *t);
/* sched_block(wait) with wake (if not NULL) made runnable once the current thread is
 * blocked, through sched_wake_run (the IPC slowpath's reply_recv). Inline: a call less on
 * that path. */
static inline void sched_block_waking(unsigned wait, thread_t *wake)
{
    thread_t *t = thread_current();
    t->state = TS_BLOCKED;
    t->wait = (uint8_t)wait;
    if (wake)
        sched_wake_run(wake);
    else
        sched_schedule();
}
/* The highest priority with a runnable thread queued, or -1. */
static inline int sched_best_prio(void)
{
    return arch_cpu_hot_read32(__builtin_offsetof(sched_hot_t, best));
}
/* The IPC fastpath's switch: next becomes current (address space, FPU, entry stack)
 * without a stack switch; the caller returns to user through next's frame. Inline: it
 * is on the fastpath. */
static inline void sched_switch_fast(thread_t *next)
{
    thread_t *prev = thread_current();
    arch_cpu_hot_set_first(next); /* current */
    arch_cpu_hot_clear8(__builtin_offsetof(sched_hot_t, need_switch));
    next->slice = SCHED_SLICE_TICKS;
    mm_as_switch_fast(next->proc->as);
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
    sched_hot_t *h = sched_here();
    return h->need_switch || h->current->state != TS_RUNNABLE;
}
/* Switch from the boot context to the first thread (on each CPU); never returns. */
_Noreturn void sched_start(void);
uint64_t sched_ticks(void);
/* Threads on this CPU's run queues, the idle thread excluded (for the tests). */
unsigned sched_runnable(void);

#endif
