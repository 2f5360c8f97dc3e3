/* Agent processes: spawned by the worker with shared endpoints, caps to each other and
 * sometimes to themselves; several threads issue random calls, blocking IPC included, until
 * their budget is spent, the run stops, or someone (the worker, another agent, a fault)
 * ends the process mid-call. */
#include "fuzz.h"

#define AGENT_QUOTA   400
#define AGENT_PRIO    90
#define AGENT_THREADS 4
#define TMP_SLOT      219 /* the worker's scratch slot for a badged copy */

static fz_ctx_t ctxs[AGENT_THREADS];

/* Things only an agent does to itself: fault on purpose (its fault endpoint, if any, gets
 * the message), pull the IPC buffer of a sibling from under it, move its own buffer. */
static void agent_special(fz_ctx_t *c)
{
    switch (fz_below(c, 3)) {
    case 0:
        if (fz_chance(c, 2))
            fz_sys(XR_SYS_THREAD_SET_FAULT, c->thread, FZ_SLOT_EP_FIRST + fz_below(c, FZ_EPS), 0, 0,
                   0, 0);
        *(volatile uint64_t *)(fz_chance(c, 2) ? 0xffffffff80100000ul : 0x800ul) = 1;
        break;
    case 1: {
        uint64_t buf = fz_thread_ipcbuf((unsigned)fz_below(c, AGENT_THREADS));
        fz_sys(XR_SYS_UNMAP, FZ_SLOT_SELF, buf, 0, 0, 0, 0);
        xr_yield();
        fz_sys(XR_SYS_MAP_ANON, FZ_SLOT_SELF, buf, XR_MAP_WRITE, 0, 0, 0);
        break;
    }
    default: {
        uint64_t va = FZ_ARENA + fz_below(c, 512) * 4096;
        fz_sys(XR_SYS_MAP_ANON, FZ_SLOT_SELF, va, XR_MAP_WRITE, 0, 0, 0);
        fz_sys(XR_SYS_THREAD_SET_IPCBUF, c->thread, va, 0, 0, 0, 0);
        break;
    }
    }
}

static void agent_loop(fz_ctx_t *c)
{
    uint64_t budget = 200 + fz_below(c, 3000);
    for (uint64_t i = 0; i < budget && !fz_stats->stop; i++) {
        if (fz_chance(c, 300))
            agent_special(c);
        else
            fz_op(c);
    }
}

int fz_agent(uint64_t arg)
{
    unsigned type = 0;
    /* the worker gives the agent its own cap last, when everything else is in place */
    for (int i = 0; i < 1000 && type != XR_OBJ_PROCESS; i++)
        if (xr_cap_identify(FZ_SLOT_SELF, &type, NULL) != XR_OK)
            xr_yield();
    uint64_t rng = fz_mix(fz_stats->seed ^ fz_mix((arg >> 8) & 0xffffffffffu));
    unsigned n = 1 + (unsigned)(rng % AGENT_THREADS);
    for (unsigned i = 0; i < n; i++)
        ctxs[i] = (fz_ctx_t){.rng = fz_mix(rng + i), .agent = true};
    if (fz_thread_main(&ctxs[0]) != XR_OK)
        return 1;
    for (unsigned i = 1; i < n; i++)
        fz_thread_start(i, agent_loop, &ctxs[i], AGENT_PRIO - (unsigned)(ctxs[i].rng % 3));
    agent_loop(&ctxs[0]);
    return 0;
}

/* The worker's half: what a new agent i receives besides its image. */
static void agent_endow(fz_ctx_t *c, xr_cap_t p, unsigned i)
{
    for (xr_cap_t s = FZ_SLOT_EP_FIRST; s < FZ_SLOT_NTFN_FIRST + FZ_NTFNS; s++) {
        uint32_t mask = fz_chance(c, 4) ? (uint32_t)fz_below(c, 16) : XR_RIGHTS_ALL;
        if (fz_chance(c, 4) && xr_cap_copy(s, TMP_SLOT, mask, fz_rand(c) | 1) == XR_OK) {
            xr_process_give_cap(p, TMP_SLOT, s, XR_RIGHTS_ALL);
            xr_cap_delete(TMP_SLOT);
        } else {
            xr_process_give_cap(p, s, s, mask);
        }
    }
    if (fz_chance(c, 2)) /* a process holding a cap to itself */
        xr_process_give_cap(p, p, 1, XR_RIGHTS_ALL);
    for (unsigned j = 0; j < FZ_MAX_AGENTS; j++) /* and to the others, who may hold it too */
        if (j != i && fz_chance(c, 3))
            xr_process_give_cap(p, FZ_SLOT_AGENTS + j, 2 + j, (uint32_t)fz_below(c, 16));
    xr_cap_copy(p, 64 + (xr_cap_t)fz_below(c, 150), XR_RIGHTS_ALL, 0); /* for the worker's calls */
}

/* Spawns agent i (slots FZ_SLOT_AGENTS + i and FZ_SLOT_AGENT_THR + i, which must be empty). */
void fz_agent_spawn(fz_ctx_t *c, unsigned i, uint64_t generation)
{
    xr_cap_t p = FZ_SLOT_AGENTS + i, t = FZ_SLOT_AGENT_THR + i;
    uint64_t arg = FZ_ARG_MAGIC | FZ_MODE_AGENT | generation << 8;
    if (xr_spawn_elf((const void *)FZ_IMAGE_VA, fz_stats->image_size, AGENT_QUOTA, arg, AGENT_PRIO,
                     p, t) != XR_OK)
        return;
    long err = xr_map_memory(p, FZ_SLOT_STATS, 0, FZ_STATS_VA, XR_MAP_WRITE);
    err = err ? err : xr_process_give_cap(p, t, FZ_SLOT_MAIN, XR_RIGHTS_ALL);
    if (!err)
        agent_endow(c, p, i);
    err = err ? err : xr_process_give_cap(p, p, FZ_SLOT_SELF, XR_RIGHTS_ALL);
    if (err) {
        printf("fuzz: agent %lu not started: %s\n", generation, xr_strerror(err));
        xr_process_kill(p);
        xr_cap_delete(t);
        xr_cap_delete(p);
        return;
    }
    __atomic_fetch_add(&fz_stats->agents_spawned, 1, __ATOMIC_RELAXED);
}
