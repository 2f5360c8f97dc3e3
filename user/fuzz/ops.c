/* Structured random operations: calls with mostly plausible arguments (real slots, arena
 * addresses, small tags) so that they get past the checks and change state: objects made,
 * caps copied, moved, revoked, memory mapped and unmapped, messages carrying caps. */
#include "fuzz.h"

static xr_cap_t ep_slot(fz_ctx_t *c)
{
    if (fz_chance(c, 4))
        return fz_slot(c);
    return FZ_SLOT_EP_FIRST + (xr_cap_t)fz_below(c, FZ_EPS);
}

static xr_cap_t ntfn_slot(fz_ctx_t *c)
{
    if (fz_chance(c, 4))
        return fz_slot(c);
    return FZ_SLOT_NTFN_FIRST + (xr_cap_t)fz_below(c, FZ_NTFNS);
}

/* The IPC buffer's cap lists and a few words. An agent whose buffer was unmapped faults
 * here, which is one more way for it to end. */
void fz_ipc_fill(fz_ctx_t *c)
{
    xr_ipc_buffer_t *b = (xr_ipc_buffer_t *)c->ipcbuf;
    for (int i = 0; i < XR_MSG_MAX_CAPS; i++) {
        b->send_caps[i] = fz_chance(c, 8) ? (uint32_t)fz_arg(c) : fz_slot(c);
        b->recv_slots[i] = fz_chance(c, 6) ? 0 : fz_free_slot(c);
    }
    b->msg[4 + fz_below(c, 60)] = fz_rand(c);
}

/* A tag that usually passes the checks: up to 3 caps, up to 8 words. */
static uint64_t plain_tag(fz_ctx_t *c)
{
    if (fz_chance(c, 4))
        return fz_tag(c);
    return XR_TAG(fz_below(c, 16), fz_chance(c, 2) ? fz_below(c, 4) : 0, fz_below(c, 9));
}

static void op_create(fz_ctx_t *c)
{
    static const uint64_t pages[] = {1, 1, 2, 3, 4, 8, 0, 1024, 1025, 513};
    static const uint64_t quotas[] = {7, 7, 8, 12, 20, 40, 6, 0, 1ul << 40};
    xr_cap_t dst = fz_free_slot(c);
    switch (fz_below(c, 6)) {
    case 0:
    case 1:
        fz_sys(XR_SYS_ENDPOINT_CREATE, dst, 0, 0, 0, 0, 0);
        break;
    case 2:
        fz_sys(XR_SYS_NOTIFY_CREATE, dst, 0, 0, 0, 0, 0);
        break;
    case 3:
        fz_sys(XR_SYS_MEMORY_CREATE, pages[fz_below(c, 10)], dst, 0, 0, 0, 0);
        break;
    case 4:
        fz_sys(XR_SYS_PROCESS_CREATE, quotas[fz_below(c, 9)], dst, 0, 0, 0, 0);
        break;
    default:
        fz_sys(XR_SYS_THREAD_CREATE, fz_slot(c), dst, 0, 0, 0, 0);
        break;
    }
}

static void op_cap(fz_ctx_t *c)
{
    xr_cap_t a = fz_slot(c);
    switch (fz_below(c, 7)) {
    case 0:
    case 1: {
        uint64_t badge = fz_chance(c, 3) ? fz_rand(c) : fz_chance(c, 8) ? ~0ul : 0;
        uint64_t mask = fz_chance(c, 16) ? fz_arg(c) : fz_below(c, 16);
        fz_sys(XR_SYS_CAP_COPY, a, fz_free_slot(c), mask, badge, 0, 0);
        break;
    }
    case 2:
        fz_sys(XR_SYS_CAP_MOVE, a, fz_free_slot(c), 0, 0, 0, 0);
        break;
    case 3:
    case 4:
        fz_sys(XR_SYS_CAP_DELETE, a, 0, 0, 0, 0, 0);
        break;
    case 5:
        fz_sys(XR_SYS_CAP_REVOKE, a, 0, 0, 0, 0, 0);
        break;
    default:
        fz_sys(XR_SYS_CAP_IDENTIFY, a, 0, 0, 0, 0, 0);
        break;
    }
}

static uint64_t map_flags(fz_ctx_t *c)
{
    return fz_chance(c, 10) ? fz_arg(c) : fz_below(c, 3);
}

static void op_map(fz_ctx_t *c)
{
    xr_cap_t proc = fz_slot(c);
    uint64_t va = fz_va(c);
    switch (fz_below(c, 6)) {
    case 0:
        fz_sys(XR_SYS_MAP_ANON, proc, va, map_flags(c), 0, 0, 0);
        break;
    case 1: {
        uint64_t off = fz_chance(c, 8) ? fz_arg(c) : fz_below(c, 4) * 4096;
        fz_sys(XR_SYS_MAP_MEMORY, proc, fz_slot(c), off, va, map_flags(c), 0);
        break;
    }
    case 2:
    case 3:
        fz_sys(XR_SYS_UNMAP, proc, va, 0, 0, 0, 0);
        break;
    case 4:
        fz_sys(XR_SYS_PROTECT, proc, va, map_flags(c), 0, 0, 0);
        break;
    default: {
        uint64_t len = fz_chance(c, 8) ? fz_arg(c) & 0x3fffff : fz_below(c, 4097);
        uint64_t buf = (uint64_t)fz_trap_bytes + fz_below(c, 4096);
        if (len > sizeof(fz_trap_bytes) - (buf - (uint64_t)fz_trap_bytes) && !fz_chance(c, 4))
            len = 16;
        fz_sys(XR_SYS_MEM_WRITE, proc, va, buf, len, 0, 0);
        break;
    }
    }
}

static void op_give(fz_ctx_t *c)
{
    uint64_t mask = fz_chance(c, 16) ? fz_arg(c) : fz_below(c, 16);
    xr_cap_t dst = fz_chance(c, 8) ? fz_slot(c) : 1 + (xr_cap_t)fz_below(c, 250);
    fz_sys(XR_SYS_PROCESS_GIVE_CAP, fz_slot(c), fz_slot(c), dst, mask, 0, 0);
}

static void op_send(fz_ctx_t *c)
{
    static const uint64_t agent_nrs[] = {XR_SYS_NBSEND, XR_SYS_SEND, XR_SYS_CALL, XR_SYS_CALL};
    fz_ipc_fill(c);
    xr_msg_t m = {.tag = plain_tag(c), .w = {fz_rand(c), 1, 2, 3}};
    uint64_t nr = c->agent ? agent_nrs[fz_below(c, 4)] : XR_SYS_NBSEND;
    if (fz_ipc(nr, ep_slot(c), &m) == XR_OK && nr != XR_SYS_NBSEND)
        __atomic_fetch_add(&fz_stats->ipc_delivered, 1, __ATOMIC_RELAXED);
}

/* After a message arrived: count its caps; answer a fault (resume, kill, or leave it waiting)
 * or a call (a plain reply, sometimes a refused one). */
static void after_recv(fz_ctx_t *c, xr_msg_t *m)
{
    __atomic_fetch_add(&fz_stats->ipc_delivered, 1, __ATOMIC_RELAXED);
    if (XR_TAG_CAPS(m->tag))
        __atomic_fetch_add(&fz_stats->caps_received, XR_TAG_CAPS(m->tag), __ATOMIC_RELAXED);
    if (XR_TAG_LABEL(m->tag) == XR_LABEL_FAULT) {
        __atomic_fetch_add(&fz_stats->faults_sent, 1, __ATOMIC_RELAXED);
        if (fz_chance(c, 3))
            return;
        m->tag = XR_TAG(fz_chance(c, 4) ? XR_FAULT_RESUME : XR_FAULT_KILL, 0, 0);
    } else {
        if (fz_chance(c, 4))
            return;
        m->tag = plain_tag(c);
    }
    fz_ipc(XR_SYS_REPLY, 0, m);
}

static void op_recv(fz_ctx_t *c)
{
    static const uint64_t agent_nrs[] = {XR_SYS_POLL, XR_SYS_RECV, XR_SYS_RECV, XR_SYS_REPLY_RECV};
    fz_ipc_fill(c);
    xr_msg_t m = {.tag = plain_tag(c)};
    uint64_t nr = c->agent ? agent_nrs[fz_below(c, 4)] : XR_SYS_POLL;
    if (fz_ipc(nr, ep_slot(c), &m) == XR_OK)
        after_recv(c, &m);
}

static void op_notify(fz_ctx_t *c)
{
    xr_msg_t m = {0};
    switch (fz_below(c, 5)) {
    case 0:
    case 1:
        fz_sys(XR_SYS_SIGNAL, ntfn_slot(c), 0, 0, 0, 0, 0);
        break;
    case 2:
        fz_ipc(c->agent && fz_chance(c, 2) ? XR_SYS_WAIT : XR_SYS_NOTIFY_POLL, ntfn_slot(c), &m);
        break;
    case 3:
        fz_sys(XR_SYS_NOTIFY_BIND, ntfn_slot(c), fz_slot(c), 0, 0, 0, 0);
        break;
    default:
        fz_sys(XR_SYS_IRQ_BIND, fz_slot(c), ntfn_slot(c), 0, 0, 0, 0);
        break;
    }
}

/* Where a started thread goes: nowhere mapped, the arena (zeros or int3), or the edges. */
static uint64_t start_rip(fz_ctx_t *c)
{
    static const uint64_t rips[] = {0,
                                    0x1000,
                                    FZ_ARENA,
                                    0x7fffffffeffful,
                                    0x7ffffffff000ul,
                                    0x800000000000ul,
                                    0xffffffff80100000ul};
    return fz_chance(c, 2) ? fz_va(c) : rips[fz_below(c, 7)];
}

static void op_thread(fz_ctx_t *c)
{
    xr_cap_t t = fz_slot(c);
    switch (fz_below(c, 8)) {
    case 0:
        fz_sys(XR_SYS_THREAD_SET_REGS, t, start_rip(c), fz_va(c), fz_arg(c), 0, 0);
        break;
    case 1:
        fz_sys(XR_SYS_THREAD_START, t, 0, 0, 0, 0, 0);
        break;
    case 2:
        fz_sys(XR_SYS_THREAD_SET_PRIO, t, fz_chance(c, 4) ? fz_arg(c) : fz_below(c, 91), 0, 0, 0,
               0);
        break;
    case 3:
        fz_sys(XR_SYS_THREAD_SET_FAULT, t, fz_chance(c, 4) ? 0 : ep_slot(c), 0, 0, 0, 0);
        break;
    case 4:
        fz_sys(XR_SYS_THREAD_SET_IPCBUF, t, fz_chance(c, 4) ? 0 : fz_va(c), 0, 0, 0, 0);
        break;
    case 5:
        fz_sys(XR_SYS_THREAD_SET_AFFINITY, t, fz_below(c, 3), 0, 0, 0, 0);
        break;
    case 6:
        fz_sys(XR_SYS_PROCESS_STATUS, t, 0, 0, 0, 0, 0);
        break;
    default:
        fz_sys(XR_SYS_THREAD_STATUS, t, 0, 0, 0, 0, 0);
        break;
    }
}

/* Processes: kill (an agent mid-call, an empty process, one in a chain), watch, status. */
static void op_process(fz_ctx_t *c)
{
    xr_cap_t p = fz_slot(c);
    if (fz_chance(c, 3))
        fz_sys(XR_SYS_PROCESS_KILL, p, 0, 0, 0, 0, 0);
    else if (fz_chance(c, 2))
        fz_sys(XR_SYS_PROCESS_WATCH, p, ntfn_slot(c), fz_chance(c, 4) ? 0 : fz_arg(c), 0, 0, 0);
    else
        fz_sys(XR_SYS_PROCESS_STATUS, p, 0, 0, 0, 0, 0);
}

/* Operation kinds and their weights (out of 100), in fuzz.ops= bit order. */
static void (*const kinds[])(fz_ctx_t *) = {fz_raw_call, op_create, op_cap,  op_map,
                                            op_give,     op_send,   op_recv, op_notify,
                                            op_thread,   op_process};
static const uint8_t weights[] = {20, 12, 18, 12, 5, 10, 10, 5, 6, 2};

void fz_op(fz_ctx_t *c)
{
    uint64_t r = fz_below(c, 100);
    unsigned i = 0;
    while (r >= weights[i]) {
        r -= weights[i];
        i++;
    }
    if (fz_stats->op_mask >> i & 1)
        kinds[i](c);
    else
        fz_sys(XR_SYS_NULL, 0, 0, 0, 0, 0, 0);
}
