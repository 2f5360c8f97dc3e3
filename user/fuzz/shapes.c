/* Object graphs of the kinds that found kernel bugs: long chains of processes each holding
 * the only cap to the next, processes holding caps to themselves or to each other, memory
 * mapped into a thread-less process that holds its only cap, faulting threads whose fault
 * endpoint nobody receives on, many stopped threads, many page tables. Built by the worker's
 * controller in the temporary slots below, then kept in a random slot or dropped at once. */
#include "fuzz.h"

#define T0 220 /* 220..223: temporary slots; random calls rarely name them */

const char *const fz_shape_names[8] = {"chain",       "self-cap",     "mutual-caps",
                                       "memobj-loop", "orphan-fault", "stopped-threads",
                                       "page-tables", "agent-ties"};

static long sys2(uint64_t nr, uint64_t a0, uint64_t a1)
{
    return fz_sys(nr, a0, a1, 0, 0, 0, 0);
}

static long give(xr_cap_t proc, xr_cap_t src, xr_cap_t dst)
{
    return fz_sys(XR_SYS_PROCESS_GIVE_CAP, proc, src, dst, XR_RIGHTS_ALL, 0, 0);
}

static void clear_temps(void)
{
    for (xr_cap_t s = T0; s < T0 + 4; s++)
        xr_cap_delete(s);
}

/* The shape's root in T0: dropped now (teardown while the controller watches) or left in a
 * random slot for a later random delete, revoke or kill. */
static void keep_or_drop(fz_ctx_t *c)
{
    if (fz_chance(c, 2) || sys2(XR_SYS_CAP_MOVE, T0, fz_free_slot(c)) != XR_OK)
        sys2(XR_SYS_CAP_DELETE, T0, 0);
    clear_temps();
}

/* p_1 -> p_2 -> ... -> p_n, built from the tail: T0 holds the current head. */
static void shape_chain(fz_ctx_t *c)
{
    unsigned n = fz_chance(c, 8) ? 200 + (unsigned)fz_below(c, 400) : 2 + (unsigned)fz_below(c, 60);
    if (sys2(XR_SYS_PROCESS_CREATE, 7, T0) != XR_OK)
        return;
    for (unsigned i = 1; i < n; i++) {
        if (sys2(XR_SYS_PROCESS_CREATE, fz_chance(c, 8) ? 8 : 7, T0 + 1) != XR_OK)
            break;
        give(T0 + 1, T0, 1 + (xr_cap_t)fz_below(c, 255));
        sys2(XR_SYS_CAP_DELETE, T0, 0);
        sys2(XR_SYS_CAP_MOVE, T0 + 1, T0);
    }
    keep_or_drop(c);
}

static void shape_self_cap(fz_ctx_t *c)
{
    if (sys2(XR_SYS_PROCESS_CREATE, 7 + fz_below(c, 8), T0) != XR_OK)
        return;
    give(T0, T0, 1 + (xr_cap_t)fz_below(c, 255));
    if (fz_chance(c, 2))
        fz_sys(XR_SYS_MAP_ANON, T0, FZ_ARENA, XR_MAP_WRITE, 0, 0, 0);
    keep_or_drop(c);
}

static void shape_mutual(fz_ctx_t *c)
{
    if (sys2(XR_SYS_PROCESS_CREATE, 8, T0) != XR_OK ||
        sys2(XR_SYS_PROCESS_CREATE, 8, T0 + 1) != XR_OK) {
        clear_temps();
        return;
    }
    give(T0, T0 + 1, 1 + (xr_cap_t)fz_below(c, 255));
    give(T0 + 1, T0, 1 + (xr_cap_t)fz_below(c, 255));
    if (fz_chance(c, 2))
        give(T0, T0, 200);
    keep_or_drop(c);
}

/* A memory object mapped (maybe many times) into a thread-less process that holds its only
 * cap: the object's mapping records reference the process, the process's cap the object. */
static void shape_memobj_loop(fz_ctx_t *c)
{
    if (sys2(XR_SYS_PROCESS_CREATE, 16 + fz_below(c, 16), T0) != XR_OK ||
        sys2(XR_SYS_MEMORY_CREATE, 1 + fz_below(c, 4), T0 + 1) != XR_OK) {
        clear_temps();
        return;
    }
    unsigned maps = 1 + (unsigned)fz_below(c, fz_chance(c, 4) ? 70 : 3);
    for (unsigned i = 0; i < maps; i++)
        fz_sys(XR_SYS_MAP_MEMORY, T0, T0 + 1, 0, FZ_ARENA + i * 4096, XR_MAP_WRITE, 0);
    give(T0, T0 + 1, 1 + (xr_cap_t)fz_below(c, 255));
    if (fz_chance(c, 2))
        give(T0, T0, 2);
    sys2(XR_SYS_CAP_DELETE, T0 + 1, 0);
    keep_or_drop(c);
}

/* A thread that faults at once, its fault endpoint a fresh one that is then dropped (or a
 * shared one the agents may answer). */
static void shape_orphan_fault(fz_ctx_t *c)
{
    bool shared = fz_chance(c, 3);
    xr_cap_t ep = shared ? FZ_SLOT_EP_FIRST + (xr_cap_t)fz_below(c, FZ_EPS) : T0 + 2;
    if (sys2(XR_SYS_PROCESS_CREATE, 20, T0) != XR_OK ||
        sys2(XR_SYS_THREAD_CREATE, T0, T0 + 1) != XR_OK ||
        (!shared && sys2(XR_SYS_ENDPOINT_CREATE, T0 + 2, 0) != XR_OK)) {
        clear_temps();
        return;
    }
    sys2(XR_SYS_THREAD_SET_FAULT, T0 + 1, ep);
    fz_sys(XR_SYS_THREAD_SET_REGS, T0 + 1, fz_chance(c, 2) ? 0x1000 : 0xffffffff80100000ul, 0, 0, 0,
           0);
    sys2(XR_SYS_THREAD_START, T0 + 1, 0);
    xr_yield(); /* let it fault */
    if (fz_chance(c, 2))
        give(T0, ep, 3); /* the process holds its own fault endpoint */
    if (fz_chance(c, 2))
        sys2(XR_SYS_CAP_DELETE, T0 + 1, 0);
    keep_or_drop(c);
}

static void shape_stopped_threads(fz_ctx_t *c)
{
    unsigned n = 1 + (unsigned)fz_below(c, 40);
    if (sys2(XR_SYS_PROCESS_CREATE, 8 + 6 * n, T0) != XR_OK)
        return;
    for (unsigned i = 0; i < n; i++) {
        if (sys2(XR_SYS_THREAD_CREATE, T0, T0 + 1) != XR_OK)
            break;
        if (fz_chance(c, 4))
            fz_sys(XR_SYS_THREAD_SET_FAULT, T0 + 1, FZ_SLOT_EP_FIRST + fz_below(c, FZ_EPS), 0, 0, 0,
                   0);
        give(T0, T0 + 1, 1 + i);
        sys2(XR_SYS_CAP_DELETE, T0 + 1, 0);
    }
    keep_or_drop(c);
}

/* One page per 2 MiB (a page table each), now and then one per 1 GiB (a directory each). */
static void shape_page_tables(fz_ctx_t *c)
{
    unsigned n = 1 + (unsigned)fz_below(c, 120);
    uint64_t stride = fz_chance(c, 4) ? 1ul << 30 : 2ul << 20;
    if (sys2(XR_SYS_PROCESS_CREATE, 10 + 3 * n, T0) != XR_OK)
        return;
    for (unsigned i = 0; i < n; i++)
        fz_sys(XR_SYS_MAP_ANON, T0, 0x1000000 + i * stride, fz_below(c, 2), 0, 0, 0);
    keep_or_drop(c);
}

/* A thread-less process and a running agent holding caps to each other. */
static void shape_agent_ties(fz_ctx_t *c)
{
    xr_cap_t agent = FZ_SLOT_AGENTS + (xr_cap_t)fz_below(c, FZ_MAX_AGENTS);
    if (sys2(XR_SYS_PROCESS_CREATE, 8, T0) != XR_OK)
        return;
    give(T0, agent, 1);
    give(agent, T0, 100 + (xr_cap_t)fz_below(c, 100));
    keep_or_drop(c);
}

void fz_shape(fz_ctx_t *c)
{
    static void (*const shapes[8])(fz_ctx_t *) = {
        shape_chain,        shape_self_cap,        shape_mutual,      shape_memobj_loop,
        shape_orphan_fault, shape_stopped_threads, shape_page_tables, shape_agent_ties,
    };
    unsigned i = (unsigned)fz_below(c, 8);
    if (!(fz_stats->shape_mask >> i & 1))
        return;
    clear_temps();
    shapes[i](c);
    __atomic_fetch_add(&fz_stats->shapes[i], 1, __ATOMIC_RELAXED);
}
