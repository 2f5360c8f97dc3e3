/* The kernel monitor: read-only reports of the stopped system (threads, processes, caps,
 * endpoints, run queues, interrupt counts), run from GDB's "monitor" command. It only reads
 * kernel structures, with interrupts off, and takes no lock, so it is safe at any stop. */
#include "ipc/ipc.h"
#include "kernel/kdebug.h"
#include "lib/format.h"
#include "sched/sched.h"

#define SEEN_MAX 128 /* distinct endpoints one "eps" report lists */

struct out {
    monitor_out_t fn;
    void *ctx;
};

static void put(char c, void *arg)
{
    struct out *o = arg;
    o->fn(&c, 1, o->ctx);
}

static void say(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    format_v(put, o, fmt, ap);
    va_end(ap);
}

static bool word_is(const char *s, const char *w)
{
    while (*w && *s == *w)
        s++, w++;
    return !*w && (*s == '\0' || *s == ' ');
}

static const char *arg_of(const char *cmd)
{
    while (*cmd && *cmd != ' ')
        cmd++;
    while (*cmd == ' ')
        cmd++;
    return cmd;
}

/* ---- threads ---- */

static void thread_line(thread_t *t, void *ctx)
{
    struct out *o = ctx;
    say(o, "%-12lx %-15s %-9s prio %3u", gdb_thread_id(t), t->proc->name, kdebug_state_name(t),
        t->prio);
    if (t->state == TS_BLOCKED && t->wait == WAIT_SLEEP)
        say(o, " until tick %lu", t->wake_tick);
    else if (t->state == TS_BLOCKED && t->blocked_on)
        say(o, " on %s %p", t->wait == WAIT_NOTIFY ? "notification" : "endpoint", t->blocked_on);
    else if (t->state == TS_BLOCKED && t->wait == WAIT_REPLY && t->reply_from)
        say(o, " reply from %s", t->reply_from->proc ? t->reply_from->proc->name : "?");
    say(o, "\n");
}

static void cmd_threads(struct out *o)
{
    say(o, "%-12s %-15s %-9s\n", "thread", "process", "state");
    kdebug_for_each_thread(thread_line, o);
    thread_t *cur = thread_current();
    if (!cur || !cur->proc)
        say(o, "%-12x %-15s %-9s\n", GDB_TID_CPU, "(kernel)", kdebug_cpu_context_name());
}

/* ---- processes ---- */

static void proc_line(process_t *p, void *ctx)
{
    static const char *const pools[MM_POOLS] = {"kernel", "pt", "user"};
    struct out *o = ctx;
    say(o, "%-15s %s code %u threads %u caps %u", p->name,
        p->status == XR_PROC_RUNNING  ? "running"
        : p->status == XR_PROC_EXITED ? "exited"
                                      : "killed",
        p->code, p->live_threads, p->caps.used);
    say(o, " quota %lu/%lu", p->quota.used, p->quota.limit);
    for (unsigned i = 0; i < MM_POOLS && i < ARRAY_SIZE(pools); i++)
        say(o, " %s %lu", pools[i], p->quota.pool_used[i]);
    if (p->as)
        say(o, " as: %lu frames %lu tables", p->as->frames, p->as->tables);
    say(o, "\n");
}

/* ---- caps ---- */

static const char *type_name(unsigned type)
{
    static const char *const names[XR_OBJ_COUNT] = {
        "none",      "quota",  "endpoint", "notification", "thread", "process",
        "addrspace", "memory", "ioport",   "irq",          "reply"};
    return type < XR_OBJ_COUNT ? names[type] : "?";
}

struct caps_req {
    struct out *o;
    const char *name;
    bool found;
};

static void caps_of(process_t *p, void *ctx)
{
    struct caps_req *r = ctx;
    if (*r->name && !word_is(r->name, p->name))
        return;
    r->found = true;
    say(r->o, "%s: %u of %u slots used\n", p->name, p->caps.used, p->caps.nslots);
    for (uint32_t i = 0; p->slots && i < p->caps.nslots; i++) {
        const cap_slot_t *s = &p->caps.slots[i];
        if (s->type == XR_OBJ_NONE)
            continue;
        say(r->o, "  %3u %-12s rights %02x badge %lx %p%s\n", i, type_name(s->type), s->rights,
            s->badge, s->object, s->parent ? " (derived)" : "");
    }
}

/* ---- endpoints: every endpoint some cap names, once ---- */

struct eps_req {
    struct out *o;
    const void *seen[SEEN_MAX];
    unsigned nseen;
};

static void ep_report(struct eps_req *r, const endpoint_t *ep)
{
    static const char *const states[] = {"idle", "senders", "receivers"};
    for (unsigned i = 0; i < r->nseen; i++)
        if (r->seen[i] == ep)
            return;
    if (r->nseen == SEEN_MAX)
        return;
    r->seen[r->nseen++] = ep;
    say(r->o, "endpoint %p refs %u %s:", (const void *)ep, ep->obj.refs,
        ep->state < ARRAY_SIZE(states) ? states[ep->state] : "?");
    for (const thread_t *t = ep->q.head; t; t = t->q_next)
        say(r->o, " %s/%lx", t->proc ? t->proc->name : "?", gdb_thread_id(t));
    say(r->o, "\n");
}

static void eps_of(process_t *p, void *ctx)
{
    struct eps_req *r = ctx;
    for (uint32_t i = 0; p->slots && i < p->caps.nslots; i++)
        if (p->caps.slots[i].type == XR_OBJ_ENDPOINT)
            ep_report(r, p->caps.slots[i].object);
}

/* ---- run queue and interrupts ---- */

static void runnable_line(thread_t *t, void *ctx)
{
    if (t->state == TS_RUNNABLE)
        say(ctx, "  prio %3u %s/%lx%s\n", t->prio, t->proc->name, gdb_thread_id(t),
            t == thread_current() ? " (running)" : "");
}

static void cmd_runq(struct out *o)
{
    say(o, "cpu0: tick %lu, %u queued, best priority %d, need_switch %d\n", sched_ticks(),
        sched_runnable(), sched_best_prio(), sched_here()->need_switch);
    kdebug_for_each_thread(runnable_line, o);
}

static void cmd_irqs(struct out *o)
{
    const arch_trap_stats_t *s = arch_trap_stats();
    for (unsigned i = 0; i < ARCH_IRQ_LINES; i++)
        if (irq_lines[i].count || irq_lines[i].ntfn)
            say(o, "line %2u: %lu interrupts, %s\n", i, irq_lines[i].count,
                irq_lines[i].ntfn ? "bound" : "unbound");
    say(o, "timer ticks %lu; kernel breakpoints %lu, fault fixups %lu\n", sched_ticks(),
        s->breakpoints, s->fixups);
}

static const char help[] =
    "monitor commands (read-only):\n"
    "  threads       every thread: id, process, state, what it waits on\n"
    "  procs         processes: status, threads, caps, quota by pool, address space\n"
    "  caps [NAME]   capability tables (of process NAME, or all)\n"
    "  eps           endpoints named by some cap, with their queues\n"
    "  runq          the run queue: runnable threads by priority\n"
    "  irqs          interrupt lines' counts, timer ticks, trap counters\n";

void monitor_command(const char *cmd, monitor_out_t fn, void *ctx)
{
    struct out o = {fn, ctx};
    while (*cmd == ' ')
        cmd++;
    if (!initproc_process() && !word_is(cmd, "help") && !word_is(cmd, "irqs") && *cmd)
        say(&o, "(no processes yet: init has not started)\n");
    if (word_is(cmd, "threads")) {
        cmd_threads(&o);
    } else if (word_is(cmd, "procs")) {
        kdebug_for_each_process(proc_line, &o);
    } else if (word_is(cmd, "caps")) {
        struct caps_req r = {&o, arg_of(cmd), false};
        kdebug_for_each_process(caps_of, &r);
        if (!r.found)
            say(&o, "no process named \"%s\"\n", r.name);
    } else if (word_is(cmd, "eps")) {
        static struct eps_req r; /* big: kept off the stack */
        r.o = &o;
        r.nseen = 0;
        kdebug_for_each_process(eps_of, &r);
        say(&o, "%u endpoint(s)\n", r.nseen);
    } else if (word_is(cmd, "runq")) {
        cmd_runq(&o);
    } else if (word_is(cmd, "irqs")) {
        cmd_irqs(&o);
    } else {
        say(&o, "%s", help);
    }
}
