/* Per-CPU run queues with a priority bitmap, a sleep list ordered by wake-up tick, the
 * idle thread, and the switch between threads. Runs with interrupts off. */
#include "sched/sched.h"
#include "kernel/log.h"
#include "kernel/process.h"
#include "mm/mm.h"

struct runqueue {
    uint64_t bitmap[SCHED_PRIORITIES / 64]; /* bit p set: queue p is not empty */
    thread_queue_t queue[SCHED_PRIORITIES];
    thread_t *sleepers; /* sorted by wake_tick */
    thread_t *dead;     /* to reap once no longer running */
    thread_t *idle;
    thread_t boot; /* stands for the boot context until sched_start */
    thread_t idle_thread;
    unsigned nrunnable;
};

sched_hot_t sched_hot0;

static struct runqueue rq0;
static uint64_t ticks;

static struct runqueue *rq(void)
{
    return &rq0;
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
    return t->q_prev || rq()->queue[t->prio].head == t;
}

void sched_enqueue(thread_t *t)
{
    struct runqueue *q = rq();
    kassert(t != q->idle && !on_queue(t));
    tq_push(&q->queue[t->prio], t);
    q->bitmap[t->prio / 64] |= 1ul << (t->prio % 64);
    q->nrunnable++;
    if (t->prio > sched_hot0.best)
        sched_hot0.best = t->prio;
    if (sched_hot0.current && t->prio > sched_hot0.current->prio)
        sched_hot0.need_switch = true;
}

static int highest(const struct runqueue *q);

static void runq_remove(thread_t *t)
{
    struct runqueue *q = rq();
    tq_remove(&q->queue[t->prio], t);
    if (tq_empty(&q->queue[t->prio])) {
        q->bitmap[t->prio / 64] &= ~(1ul << (t->prio % 64));
        if (t->prio == sched_hot0.best)
            sched_hot0.best = highest(q);
    }
    q->nrunnable--;
}

static void sleep_remove(thread_t *t)
{
    thread_t **pp = &rq()->sleepers;
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
    thread_t *t = sched_hot0.current;
    t->state = TS_BLOCKED;
    t->wait = (uint8_t)wait;
    sched_schedule();
}

void sched_wake(thread_t *t)
{
    t->state = TS_RUNNABLE;
    t->wait = WAIT_NONE;
    t->blocked_on = NULL;
    sched_enqueue(t);
}

/* The highest non-empty priority, or -1. */
static int highest(const struct runqueue *q)
{
    for (int w = SCHED_PRIORITIES / 64 - 1; w >= 0; w--)
        if (q->bitmap[w])
            return w * 64 + 63 - __builtin_clzl(q->bitmap[w]);
    return -1;
}

static void reap_dead(struct runqueue *q)
{
    thread_t **pp = &q->dead;
    while (*pp) {
        thread_t *t = *pp;
        if (t == sched_hot0.current) {
            pp = &t->q_next;
            continue;
        }
        *pp = t->q_next;
        t->q_next = NULL;
        thread_reap(t);
    }
}

void sched_schedule(void)
{
    struct runqueue *q = rq();
    thread_t *prev = sched_hot0.current;
    if (prev != q->idle && prev->state == TS_RUNNABLE && prev != &q->boot)
        sched_enqueue(prev); /* round robin: to the tail of its queue */
    int p = highest(q);
    thread_t *next = q->idle;
    if (p >= 0) {
        next = q->queue[p].head;
        runq_remove(next);
    }
    if (prev->state == TS_DEAD && prev != &q->boot && !prev->reaped) {
        prev->q_next = q->dead;
        q->dead = prev;
    }
    sched_hot0.need_switch = false;
    next->slice = SCHED_SLICE_TICKS;
    if (next != prev) {
        sched_hot0.current = next;
        if (next->proc)
            mm_as_switch(next->proc->as);
        arch_switch(&prev->arch, &next->arch);
    }
    reap_dead(q);
}

void sched_yield(void)
{
    sched_schedule();
}

void sched_sleep_until(uint64_t tick)
{
    struct runqueue *q = rq();
    thread_t *t = sched_hot0.current;
    if (tick <= ticks)
        return;
    t->state = TS_BLOCKED;
    t->wait = WAIT_SLEEP;
    t->wake_tick = tick;
    thread_t **pp = &q->sleepers;
    while (*pp && (*pp)->wake_tick <= tick)
        pp = &(*pp)->q_next;
    t->q_next = *pp;
    *pp = t;
    sched_schedule();
}

void sched_tick(void)
{
    struct runqueue *q = rq();
    ticks++;
    while (q->sleepers && q->sleepers->wake_tick <= ticks) {
        thread_t *t = q->sleepers;
        q->sleepers = t->q_next;
        t->q_next = NULL;
        sched_wake(t);
    }
    thread_t *cur = sched_hot0.current;
    if (cur == q->idle) {
        sched_hot0.need_switch = q->nrunnable > 0;
    } else if (cur->slice && --cur->slice == 0) {
        int p = highest(q);
        sched_hot0.need_switch = p >= cur->prio; /* another thread of the same or higher priority */
        cur->slice = SCHED_SLICE_TICKS;
    }
}

static void idle_loop(void *arg)
{
    (void)arg;
    for (;;) {
        if (rq()->nrunnable)
            sched_schedule();
        else
            arch_wait_for_interrupt();
    }
}

void sched_init(void)
{
    struct runqueue *q = rq();
    uint64_t stack = mm_kstack_alloc();
    if (!stack)
        panic("sched: no stack for the idle thread");
    q->idle = &q->idle_thread;
    q->idle->state = TS_RUNNABLE;
    arch_thread_init_kernel(&q->idle->arch, stack, idle_loop, NULL);
    sched_hot0.best = -1;
    q->boot.state = TS_DEAD;
    q->boot.reaped = true;
    sched_hot0.current = &q->boot;
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
