/* Per-CPU run queues with a priority bitmap, one sleep list ordered by wake-up tick (the
 * boot CPU's tick wakes sleepers), an idle thread per CPU, the switch between threads,
 * and moving threads between CPUs. Locks: the kernel lock (kernel/klock.h) covers every
 * queue; a thread queued on another CPU makes that CPU reschedule through an IPI. */
#include "sched/sched.h"
#include "kernel/klock.h"
#include "kernel/log.h"
#include "kernel/process.h"
#include "mm/mm.h"

struct runqueue {
    uint64_t bitmap[SCHED_PRIORITIES / 64]; /* bit p set: queue p is not empty */
    thread_queue_t queue[SCHED_PRIORITIES];
    thread_t *dead; /* to reap once no longer running */
    thread_t *idle;
    thread_t boot; /* stands for the boot context until the CPU's first switch */
    thread_t idle_thread;
    unsigned nrunnable;
};

static struct runqueue rqs[ARCH_MAX_CPUS];
sched_hot_t *sched_hot_table[ARCH_MAX_CPUS]; /* each CPU's, inside its per-CPU block */
static uint64_t cpu_ticks[ARCH_MAX_CPUS];    /* timer interrupts each CPU took */
static sched_acct_t cpu_acct[ARCH_MAX_CPUS]; /* what they went to; each CPU writes its own */
static bool ticking[ARCH_MAX_CPUS];          /* the CPU's periodic tick runs */
uint64_t sched_workers;                      /* bit n: CPU n is a worker (workers=) */
static thread_t *sleepers;                   /* every CPU's, sorted by wake_tick */
static uint64_t ticks;
static unsigned next_cpu;   /* placement of threads started anywhere: round robin */
static unsigned dead_count; /* threads on every CPU's dead list: one test after a switch */

static struct runqueue *rq(void)
{
    return &rqs[arch_cpu_id()];
}

uint64_t sched_ticks(void)
{
    return ticks;
}

unsigned sched_runnable(void)
{
    return rq()->nrunnable;
}

static bool on_queue(const thread_t *t)
{
    return t->q_prev || rqs[t->cpu].queue[t->prio].head == t;
}

/* The highest non-empty priority, or -1. */
static int highest(const struct runqueue *q)
{
    for (int w = SCHED_PRIORITIES / 64 - 1; w >= 0; w--)
        if (q->bitmap[w])
            return w * 64 + 63 - __builtin_clzl(q->bitmap[w]);
    return -1;
}

/* Queue t at the tail of priority prio on q, whose CPU's hot state is h. The callers pass the
 * queue, the state and the priority they already hold: these run on every yield and switch. */
static inline void runq_push(struct runqueue *q, sched_hot_t *h, thread_t *t, unsigned prio)
{
    tq_push(&q->queue[prio], t);
    q->bitmap[prio / 64] |= 1ul << (prio % 64);
    q->nrunnable++;
    if ((int)prio > h->best)
        h->best = (int)prio;
}

/* Take t, queued at priority prio on q, off it (h: q's CPU's hot state). */
static inline void runq_pull(struct runqueue *q, sched_hot_t *h, thread_t *t, unsigned prio)
{
    tq_remove(&q->queue[prio], t);
    if (tq_empty(&q->queue[prio])) {
        q->bitmap[prio / 64] &= ~(1ul << (prio % 64));
        if ((int)prio == h->best)
            h->best = highest(q);
    }
    q->nrunnable--;
}

void sched_enqueue(thread_t *t)
{
    unsigned cpu = t->cpu, prio = t->prio;
    struct runqueue *q = &rqs[cpu];
    sched_hot_t *h = sched_hot_of(cpu);
    kassert(t != q->idle && !on_queue(t));
    runq_push(q, h, t, prio);
    thread_t *cur = h->current;
    bool now = cur && (prio > cur->prio || cur == q->idle);
    if (now)
        h->need_switch = true;
    /* a worker running its one thread without a tick: a second thread needs the tick back
     * (for time slices), so it is interrupted either way */
    if (unlikely(smp_active) && cpu != arch_cpu_id() && (now || !ticking[cpu]))
        arch_ipi_send(cpu, ARCH_IPI_RESCHED);
}

static void runq_remove(thread_t *t)
{
    runq_pull(&rqs[t->cpu], sched_hot_of(t->cpu), t, t->prio);
}

static void sleep_remove(thread_t *t)
{
    thread_t **pp = &sleepers;
    while (*pp && *pp != t)
        pp = &(*pp)->q_next;
    if (*pp)
        *pp = t->q_next;
    t->q_next = NULL;
}

void sched_dequeue(thread_t *t)
{
    if (t->state == TS_RUNNABLE && on_queue(t))
        runq_remove(t);
    else if (t->state == TS_BLOCKED && t->wait == WAIT_SLEEP)
        sleep_remove(t);
}

void sched_block(unsigned wait)
{
    sched_block_waking(wait, NULL);
}

void sched_wake(thread_t *t)
{
    t->state = TS_RUNNABLE;
    t->wait = WAIT_NONE;
    t->blocked_on = NULL;
    sched_enqueue(t);
}

static void reap_dead(struct runqueue *q)
{
    thread_t **pp = &q->dead;
    thread_t *cur = thread_current();
    while (*pp) {
        thread_t *t = *pp;
        if (t == cur) {
            pp = &t->q_next;
            continue;
        }
        *pp = t->q_next;
        t->q_next = NULL;
        dead_count--;
        thread_reap(t);
    }
}

int sched_cpu_running(const thread_t *t)
{
    for (unsigned c = 0; c < arch_cpus_online(); c++)
        if (sched_hot_of(c)->current == t)
            return (int)c;
    return -1;
}

/* A worker core (workers=) running one thread and nothing else queued needs no tick: time
 * and sleepers are the boot core's, and anything that changes its queue interrupts it
 * (sched_enqueue). Any other state ticks. */
static void worker_tick(struct runqueue *q, thread_t *next, unsigned me)
{
    bool quiet = (sched_workers >> me & 1) && me != 0 && next != q->idle && q->nrunnable == 0;
    if (quiet && ticking[me])
        arch_tick_stop();
    else if (!quiet && !ticking[me])
        arch_tick_start();
    ticking[me] = !quiet;
}

uint64_t sched_cpu_ticks(unsigned cpu)
{
    return cpu < ARCH_MAX_CPUS ? cpu_ticks[cpu] : 0;
}

sched_acct_t sched_cpu_acct(unsigned cpu)
{
    return cpu < ARCH_MAX_CPUS ? cpu_acct[cpu] : (sched_acct_t){0};
}

/* The thread to run next on CPU me (q, h: its queue and hot state), prev running: the head of
 * the highest non-empty queue, or the idle thread, taken off its queue. A runnable prev goes to
 * the tail of its queue first (round robin), except when nothing of its priority or above is
 * queued: then it is what that would pick, and it runs on without touching the queues (a yield
 * with nothing else to run costs a few tests). The yield path: every instruction here counts in
 * yield_same_prio and thread_switch_yield (docs/bench). */
static thread_t *pick_next(struct runqueue *q, sched_hot_t *h, thread_t *prev, unsigned me)
{
    bool requeue = prev->state == TS_RUNNABLE && prev != q->idle && prev != &q->boot;
    if (requeue && prev->cpu == me) {
        unsigned prio = prev->prio;
        if ((int)prio > h->best)
            return prev;
        runq_push(q, h, prev, prio); /* (sched_enqueue's wake-up tests cannot apply to it) */
    } else if (requeue) {
        sched_enqueue(prev); /* moved: to its new CPU's queue */
    }
    int p = h->best;
    kassert(p < 0 || q->queue[p].head); /* cheap here; sched_tick compares with highest(q) */
    if (p < 0)
        return q->idle;
    thread_t *next = q->queue[p].head;
    runq_pull(q, h, next, (unsigned)p);
    return next;
}

/* Run next instead of prev (the current thread) on CPU me, whose hot state is h (me: the
 * lab 8 region's, unused in its starting tree). */
static inline void switch_to(sched_hot_t *h, thread_t *prev, thread_t *next,
                             __attribute__((unused)) unsigned me)
{
    /* BEGIN TODO(lab8): count the switch on this core */
    cpu_acct[me].switches++;
    /* END TODO(lab8) */
    h->current = next;
    if (next->proc)
        mm_as_switch(next->proc->as);
    arch_switch(&prev->arch, &next->arch);
}

void sched_schedule(void)
{
    unsigned me = arch_cpu_id();
    struct runqueue *q = &rqs[me];
    sched_hot_t *h = sched_here();
    thread_t *prev = h->current;
    thread_t *next = pick_next(q, h, prev, me);
    if (unlikely(prev->state == TS_DEAD) && prev != &q->boot && !prev->reaped) {
        prev->q_next = q->dead;
        q->dead = prev;
        dead_count++;
    }
    h->need_switch = false;
    next->slice = SCHED_SLICE_TICKS;
    if (unlikely(sched_workers))
        worker_tick(q, next, me);
    if (next != prev)
        switch_to(h, prev, next, me);
    if (unlikely(dead_count))
        reap_dead(rq()); /* (this thread may have come back on another CPU) */
}

void sched_wake_run(thread_t *t)
{
    unsigned me = arch_cpu_id();
    sched_hot_t *h = sched_here();
    thread_t *prev = h->current;
    if (t->cpu != me || (int)t->prio <= h->best || prev->state != TS_BLOCKED ||
        unlikely(sched_workers || dead_count)) {
        sched_wake(t);
        sched_schedule();
        return;
    }
    t->state = TS_RUNNABLE; /* what sched_schedule would pick: never queued */
    t->wait = WAIT_NONE;
    t->blocked_on = NULL;
    h->need_switch = false;
    t->slice = SCHED_SLICE_TICKS;
    switch_to(h, prev, t, me);
    if (unlikely(dead_count))
        reap_dead(rq());
}

void sched_yield(void)
{
    sched_schedule();
}

void sched_sleep_until(uint64_t tick)
{
    thread_t *t = thread_current();
    if (tick <= ticks)
        return;
    t->state = TS_BLOCKED;
    t->wait = WAIT_SLEEP;
    t->wake_tick = tick;
    thread_t **pp = &sleepers;
    while (*pp && (*pp)->wake_tick <= tick)
        pp = &(*pp)->q_next;
    t->q_next = *pp;
    *pp = t;
    sched_schedule();
}

void sched_tick(void)
{
    struct runqueue *q = rq();
    sched_hot_t *h = sched_here();
    cpu_ticks[arch_cpu_id()]++;
    /* BEGIN TODO(lab8): charge the tick to this core's idle or busy time */
    if (h->current == q->idle)
        cpu_acct[arch_cpu_id()].idle_ticks++;
    else
        cpu_acct[arch_cpu_id()].busy_ticks++;
    /* END TODO(lab8) */
    arch_fpu_tick(&h->current->arch);
    if (arch_cpu_id() == 0) { /* time and sleepers are the boot CPU's job */
        ticks++;
        while (sleepers && sleepers->wake_tick <= ticks) {
            thread_t *t = sleepers;
            sleepers = t->q_next;
            t->q_next = NULL;
            sched_wake(t);
        }
    }
    kassert(h->best == highest(q)); /* once a tick, not on every switch (pick_next) */
    thread_t *cur = h->current;
    if (cur == q->idle) {
        h->need_switch = q->nrunnable > 0;
        return;
    }
    /* BEGIN TODO(lab5): end the current thread's time slice (round robin inside a priority) */
    if (cur->slice && --cur->slice == 0) {
        int p = highest(q);
        h->need_switch = p >= cur->prio; /* another thread of the same or higher priority */
        cur->slice = SCHED_SLICE_TICKS;
    }
    /* END TODO(lab5) */
}

void kernel_ipi_resched(void)
{
    struct runqueue *q = rq();
    sched_hot_t *h = sched_here();
    if (!ticking[arch_cpu_id()] && q->nrunnable) {
        arch_tick_start(); /* a worker with a second thread: slices again */
        ticking[arch_cpu_id()] = true;
    }
    if (h->best > (h->current == q->idle ? -1 : (int)h->current->prio) ||
        h->current->cpu != arch_cpu_id() || h->current->state != TS_RUNNABLE)
        h->need_switch = true;
}

unsigned sched_place(void)
{
    unsigned n = arch_cpus_online();
    unsigned best = next_cpu % n;
    for (unsigned i = 0; i < n; i++) { /* the least loaded, from the round-robin start */
        unsigned c = (next_cpu + i) % n;
        if (rqs[c].nrunnable < rqs[best].nrunnable)
            best = c;
    }
    next_cpu = best + 1;
    return best;
}

kerr_t sched_set_cpu(thread_t *t, unsigned cpu)
{
    if (cpu >= arch_cpus_online())
        return XR_EINVAL;
    bool queued = t->state == TS_RUNNABLE && on_queue(t);
    if (queued)
        runq_remove(t);
    t->cpu = cpu;
    if (queued) {
        sched_enqueue(t);
        return XR_OK;
    }
    int running = sched_cpu_running(t);
    if (running >= 0 && (unsigned)running != cpu) { /* it moves at its next switch */
        sched_hot_of(running)->need_switch = true;
        if ((unsigned)running != arch_cpu_id())
            arch_ipi_send((unsigned)running, ARCH_IPI_RESCHED);
    }
    return XR_OK;
}

/* The idle loop: run what is queued, else give up the kernel lock and halt until an
 * interrupt (every spin and idle halts: emulators run the CPUs in turn). */
static void idle_loop(void *arg)
{
    (void)arg;
    for (;;) {
        if (rq()->nrunnable) {
            sched_schedule();
        } else {
            kernel_unlock();
            arch_wait_for_interrupt();
            kernel_lock();
        }
    }
}

void sched_bind_cpu(unsigned cpu)
{
    sched_hot_table[cpu] = arch_cpu_hot_of(cpu);
    sched_hot_of(cpu)->best = -1;
}

void sched_init_cpu(unsigned cpu)
{
    sched_bind_cpu(cpu);
    struct runqueue *q = &rqs[cpu];
    uint64_t stack = mm_kstack_alloc();
    if (!stack)
        panic("sched: no stack for the idle thread of CPU %u", cpu);
    q->idle = &q->idle_thread;
    q->idle->state = TS_RUNNABLE;
    q->idle->cpu = cpu;
    arch_thread_init_kernel(&q->idle->arch, stack, idle_loop, NULL);
    q->boot.state = TS_DEAD;
    q->boot.reaped = true;
    q->boot.cpu = cpu;
    sched_hot_of(cpu)->current = &q->boot;
    ticking[cpu] = true;
}

void sched_init(void)
{
    sched_init_cpu(0);
}

void sched_start(void)
{
    sched_schedule();
    panic("sched: the boot context was resumed");
}

void kernel_timer_tick(void)
{
    sched_tick();
}
