/* The endpoint system calls: decode (cap, rights), then the endpoint operations of
 * ipc/endpoint.c, which write the caller's result registers themselves. */
#include "ipc/ipc.h"
#include "kernel/syscall.h"
#include "sched/sched.h"

static sysret_t do_send(const uint64_t a[6], bool call, bool block)
{
    kerr_t err;
    cap_slot_t *s = sys_cap(process_current(), a[0], XR_OBJ_ENDPOINT, XR_RIGHT_WRITE, &err);
    if (!s)
        return ipc_result(err);
    return ipc_result_of(
        ipc_send(s->object, s->badge, s->rights & XR_RIGHT_GRANT, a[1], &a[2], call, block));
}

static sysret_t do_recv(uint64_t slot, bool block)
{
    kerr_t err;
    endpoint_t *ep = sys_object(slot, XR_OBJ_ENDPOINT, XR_RIGHT_READ, &err);
    return ep ? ipc_result_of(ipc_recv(ep, block)) : ipc_result(err);
}

SYSCALL(send)
{
    return do_send(a, false, true);
}
SYSCALL(nbsend)
{
    return do_send(a, false, false);
}
SYSCALL(call)
{
    return do_send(a, true, true);
}
SYSCALL(recv)
{
    return do_recv(a[0], true);
}
SYSCALL(poll)
{
    return do_recv(a[0], false);
}

/* reply: tag and words arrive in RSI, RDX, R10, R8, R9 (RDI is unused). */
SYSCALL(reply)
{
    return ipc_result_of(ipc_reply(a[1], &a[2]));
}

SYSCALL(reply_recv)
{
    kerr_t err;
    endpoint_t *ep = sys_object(a[0], XR_OBJ_ENDPOINT, XR_RIGHT_READ, &err);
    if (!ep)
        return ipc_result(err);
    return ipc_result_of(ipc_reply_recv(ep, a[1], &a[2]));
}

static void *make_endpoint(process_t *owner)
{
    return endpoint_create(owner);
}

SYSCALL(endpoint_create)
{
    return sys_create(a[0], XR_OBJ_ENDPOINT, make_endpoint);
}
