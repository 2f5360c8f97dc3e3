/* pager: the server that gives the processes init starts demand-zero memory. Their
 * threads' faults arrive here as calls on the endpoint in slot XR_PAGER_SLOT_EP, badged with the
 * client's number; the pager maps a zeroed page when the address lies in the client's
 * heap or stack area and lets the thread retry, and ends the client otherwise. init gives
 * the pager a cap to client n's process in slot XR_PAGER_SLOT_CLIENT(n) (include/xr/slots.h).
 *
 * Started with a working-set bound (pager_proto.h), it keeps at most that many of a client's
 * pages mapped: every page lives in a backing memory object, and the oldest mapped page is
 * unmapped (evicted) to make room; a later fault on it maps it back, contents intact. */
#include <stdbool.h>

#include "user/pager/pager_proto.h"
#include "xr.h"

#define HEAP_BASE       0x10000000ul
#define HEAP_END        0x20000000ul
#define STACK_AREA      (8ul << 20) /* the stack may grow to 8 MiB */
#define SLOT_BACKING(n) (XR_PAGER_SLOT_CLIENT(XR_PAGER_MAX_CLIENTS) + (n)) /* n < WS_CLIENTS */

_Static_assert(SLOT_BACKING(PAGER_WS_CLIENTS) <= XR_SLOTS, "the backing objects' slots fit");

/* One client's working set. Page k of its backing object holds the page at va[k] (0: not
 * handed out yet); ring[] lists the offsets now mapped, oldest first from head. */
typedef struct ws {
    uint64_t va[PAGER_WS_BACKING];
    unsigned used; /* offsets handed out: 0..used-1 */
    unsigned ring[PAGER_WS_MAX];
    unsigned head, count;
    bool backed; /* the backing object exists */
    uint64_t faults, evictions, max_mapped;
} ws_t;

/* What one working-set fault did, for the trace. */
typedef struct ws_event {
    unsigned offset;  /* the backing page now mapped */
    bool fresh;       /* first touch (a zeroed page), not a page brought back */
    uint64_t evicted; /* the page unmapped to make room, or 0 */
} ws_event_t;

static uint64_t served, refused;
static unsigned ws_limit; /* 0: plain demand-zero */
static bool trace;
static ws_t ws[PAGER_WS_CLIENTS];

static bool in_area(uint64_t addr)
{
    if (addr >= HEAP_BASE && addr < HEAP_END)
        return true;
    return addr < XR_USER_STACK_TOP && addr >= XR_USER_STACK_TOP - STACK_AREA;
}

/* BEGIN TODO(lab2): map page (a fault of client's) under the working-set bound */
/* Finds page's offset in w's backing object (or hands out the next one), evicts the oldest
 * mapped page when ws_limit are mapped, maps the page and records it; returns the reply label
 * (XR_FAULT_KILL when the backing object is full or a call fails). */
static uint64_t ws_fault(uint64_t client, uint64_t page, ws_event_t *ev)
{
    ws_t *w = &ws[client];
    xr_cap_t proc = XR_PAGER_SLOT_CLIENT(client);
    unsigned k = 0;
    while (k < w->used && w->va[k] != page)
        k++;
    for (unsigned i = 0; i < w->count && k < w->used; i++)
        if (w->ring[(w->head + i) % PAGER_WS_MAX] == k)
            return XR_FAULT_RESUME; /* mapped already: another thread's fault got here first */
    if (k == w->used) {
        if (w->used == PAGER_WS_BACKING)
            return XR_FAULT_KILL; /* out of backing store */
        w->va[w->used++] = page;
        ev->fresh = true;
    }
    if (w->count == ws_limit) { /* FIFO: the page mapped longest ago goes */
        uint64_t old = w->va[w->ring[w->head]];
        if (xr_unmap(proc, old) != XR_OK)
            return XR_FAULT_KILL;
        w->head = (w->head + 1) % PAGER_WS_MAX;
        w->count--;
        w->evictions++;
        ev->evicted = old;
    }
    if (xr_map_memory(proc, SLOT_BACKING(client), (uint64_t)k * 4096, page, XR_MAP_WRITE))
        return XR_FAULT_KILL;
    w->ring[(w->head + w->count) % PAGER_WS_MAX] = k;
    w->count++;
    if (w->count > w->max_mapped)
        w->max_mapped = w->count;
    ev->offset = k;
    return XR_FAULT_RESUME;
}
/* STUB TODO(lab2)
static uint64_t ws_fault(uint64_t client, uint64_t page, ws_event_t *ev)
{
    (void)client, (void)page, (void)ev;
    return XR_FAULT_KILL;
}
   END TODO(lab2) */

/* A fault of a client under the working-set bound: its backing object first, then ws_fault. */
static uint64_t ws_handle(uint64_t client, uint64_t addr, unsigned access)
{
    ws_t *w = &ws[client];
    ws_event_t ev = {0};
    if (!w->backed) {
        if (xr_memory_create(PAGER_WS_BACKING, SLOT_BACKING(client)) != XR_OK)
            return XR_FAULT_KILL;
        w->backed = true;
    }
    w->faults++;
    uint64_t label = ws_fault(client, addr & ~0xffful, &ev);
    if (trace)
        printf("pager: trace c%lu %c %lx -> %s off %u evict %lx mapped %u\n", client,
               access & XR_FAULT_WRITE ? 'w' : 'r', addr,
               label != XR_FAULT_RESUME ? "kill"
               : ev.fresh               ? "new"
                                        : "back",
               ev.offset, ev.evicted, w->count);
    return label;
}

/* Map the page of a fault; returns the reply label (resume or kill). */
static uint64_t handle_fault(uint64_t client, const xr_msg_t *m)
{
    uint64_t vector = m->w[0], addr = m->w[2];
    if (XR_TAG_LABEL(m->tag) != XR_LABEL_FAULT || vector != 14 || client >= XR_PAGER_MAX_CLIENTS ||
        !in_area(addr) || (m->w[1] & XR_FAULT_FETCH))
        return XR_FAULT_KILL;
    if (ws_limit && client < PAGER_WS_CLIENTS)
        return ws_handle(client, addr, (unsigned)m->w[1]);
    long err = xr_map_anon(XR_PAGER_SLOT_CLIENT(client), addr & ~0xffful, XR_MAP_WRITE);
    return err == XR_OK || err == XR_EEXIST ? XR_FAULT_RESUME : XR_FAULT_KILL;
}

/* The reply to a message: a fault's verdict, or the caller's counters. */
static void answer(uint64_t client, xr_msg_t *m)
{
    if (XR_TAG_LABEL(m->tag) == PAGER_LABEL_STATS) {
        const ws_t *w = client < PAGER_WS_CLIENTS ? &ws[client] : &(ws_t){0};
        m->tag = XR_TAG(XR_OK, 0, 4);
        m->w[0] = w->faults, m->w[1] = w->evictions, m->w[2] = w->count, m->w[3] = w->max_mapped;
        return;
    }
    uint64_t label = handle_fault(client, m);
    if (label == XR_FAULT_RESUME)
        served++;
    else
        refused++;
    m->tag = XR_TAG(label, 0, 0);
}

int main(uint64_t arg)
{
    ws_limit = arg & 0xffff;
    ws_limit = ws_limit > PAGER_WS_MAX ? PAGER_WS_MAX : ws_limit;
    trace = arg >> 16 & 1;
    printf("pager: serving faults on slot %d", XR_PAGER_SLOT_EP);
    if (ws_limit)
        printf(", at most %u pages mapped per client%s", ws_limit, trace ? ", tracing" : "");
    printf("\n");
    xr_msg_t m = {0};
    long err = xr_recv(XR_PAGER_SLOT_EP, &m);
    for (;;) {
        if (err)
            m.tag = XR_TAG(XR_FAULT_KILL, 0, 0);
        else
            answer(m.badge, &m);
        err = xr_reply_recv(XR_PAGER_SLOT_EP, &m);
    }
}
