/* Threads as GDB sees them: every thread of every process reachable from init, plus the
 * CPU's own context; ids, look-up and a one-line description. Read-only; called with the
 * system stopped in the debugger (interrupts off). */
#include "kernel/kdebug.h"
#include "lib/format.h"
#include "sched/sched.h"

void kdebug_for_each_process(void (*fn)(process_t *p, void *ctx), void *ctx)
{
    process_t *root = initproc_process(), *p = root;
    while (p) {
        fn(p, ctx);
        if (p->children) {
            p = p->children;
            continue;
        }
        while (p != root && !p->sibling)
            p = p->parent;
        p = p == root ? NULL : p->sibling;
    }
}

struct thread_walk {
    void (*fn)(thread_t *t, void *ctx);
    void *ctx;
};

static void each_thread_of(process_t *p, void *ctx)
{
    struct thread_walk *w = ctx;
    for (thread_t *t = p->threads; t; t = t->p_next)
        if (t->state != TS_DEAD)
            w->fn(t, w->ctx);
}

void kdebug_for_each_thread(void (*fn)(thread_t *t, void *ctx), void *ctx)
{
    struct thread_walk w = {fn, ctx};
    kdebug_for_each_process(each_thread_of, &w);
}

const char *kdebug_state_name(const thread_t *t)
{
    static const char *const waits[] = {"blocked", "sleeping", "send", "recv", "reply", "notify"};
    switch (t->state) {
    case TS_STOPPED:
        return "stopped";
    case TS_RUNNABLE:
        return t == thread_current() ? "running" : "runnable";
    case TS_BLOCKED:
        return t->wait < ARRAY_SIZE(waits) ? waits[t->wait] : "blocked";
    default:
        return "dead";
    }
}

/* The stopped context belongs to no process: boot (before the scheduler) or idle. */
static bool cpu_context_stopped(void)
{
    return !thread_current() || !thread_current()->proc;
}

const char *kdebug_cpu_context_name(void)
{
    thread_t *cur = thread_current();
    return !cur || cur->state == TS_DEAD ? "boot" : "idle"; /* the boot stand-in is dead */
}

uint64_t gdb_thread_id(const thread_t *t)
{
    if (!t || !t->proc)
        return GDB_TID_CPU;
    return arch_virt_to_phys(t);
}

struct find {
    uint64_t tid;
    thread_t *found;
};

static void find_visit(thread_t *t, void *ctx)
{
    struct find *f = ctx;
    if (gdb_thread_id(t) == f->tid)
        f->found = t;
}

thread_t *gdb_thread_find(uint64_t tid, bool *known)
{
    struct find f = {tid, NULL};
    if (tid == GDB_TID_CPU) {
        *known = cpu_context_stopped();
        return NULL;
    }
    kdebug_for_each_thread(find_visit, &f);
    *known = f.found != NULL;
    return f.found;
}

struct list {
    uint64_t *ids;
    size_t n, max;
};

static void list_visit(thread_t *t, void *ctx)
{
    struct list *l = ctx;
    if (l->n < l->max)
        l->ids[l->n++] = gdb_thread_id(t);
}

size_t gdb_thread_list(uint64_t *ids, size_t max)
{
    struct list l = {ids, 0, max};
    if (max && cpu_context_stopped())
        ids[l.n++] = GDB_TID_CPU;
    kdebug_for_each_thread(list_visit, &l);
    return l.n;
}

size_t gdb_thread_describe(uint64_t tid, char *buf, size_t cap)
{
    bool known;
    thread_t *t = gdb_thread_find(tid, &known);
    int n;
    if (!known)
        n = format_snprintf(buf, cap, "gone");
    else if (!t)
        n = format_snprintf(buf, cap, "kernel %s", kdebug_cpu_context_name());
    else if (t->state == TS_BLOCKED && t->blocked_on)
        n = format_snprintf(buf, cap, "%s %s prio %u on %p", t->proc->name, kdebug_state_name(t),
                            t->prio, t->blocked_on);
    else
        n = format_snprintf(buf, cap, "%s %s prio %u", t->proc->name, kdebug_state_name(t),
                            t->prio);
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}
