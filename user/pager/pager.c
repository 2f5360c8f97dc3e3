/* pager: the server that gives the processes init starts demand-zero memory. Their
 * threads' faults arrive here as calls on the endpoint in slot XR_PAGER_SLOT_EP, badged with the
 * client's number; the pager maps a zeroed page when the address lies in the client's
 * heap or stack area and lets the thread retry, and ends the client otherwise. init gives
 * the pager a cap to client n's process in slot XR_PAGER_SLOT_CLIENT(n) (include/xr/slots.h). */
#include <stdbool.h>

#include "xr.h"

#define HEAP_BASE  0x10000000ul
#define HEAP_END   0x20000000ul
#define STACK_AREA (8ul << 20) /* the stack may grow to 8 MiB */

static uint64_t served, refused;

static bool in_area(uint64_t addr)
{
    if (addr >= HEAP_BASE && addr < HEAP_END)
        return true;
    return addr < XR_USER_STACK_TOP && addr >= XR_USER_STACK_TOP - STACK_AREA;
}

/* Map the page of a fault; returns the reply label (resume or kill). */
static uint64_t handle_fault(uint64_t client, const xr_msg_t *m)
{
    uint64_t vector = m->w[0], addr = m->w[2];
    if (XR_TAG_LABEL(m->tag) != XR_LABEL_FAULT || vector != 14 || client >= XR_PAGER_MAX_CLIENTS ||
        !in_area(addr) || (m->w[1] & XR_FAULT_FETCH))
        return XR_FAULT_KILL;
    long err = xr_map_anon(XR_PAGER_SLOT_CLIENT(client), addr & ~0xffful, XR_MAP_WRITE);
    return err == XR_OK || err == XR_EEXIST ? XR_FAULT_RESUME : XR_FAULT_KILL;
}

int main(uint64_t arg)
{
    (void)arg;
    printf("pager: serving faults on slot %d\n", XR_PAGER_SLOT_EP);
    xr_msg_t m = {0};
    long err = xr_recv(XR_PAGER_SLOT_EP, &m);
    for (;;) {
        uint64_t label = err ? XR_FAULT_KILL : handle_fault(m.badge, &m);
        if (label == XR_FAULT_RESUME)
            served++;
        else
            refused++;
        m.tag = XR_TAG(label, 0, 0);
        err = xr_reply_recv(XR_PAGER_SLOT_EP, &m);
    }
}
