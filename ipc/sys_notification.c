/* The notification system calls: create, signal, wait (blocking or not) and bind to a
 * receiving thread; decode, then the operations of ipc/notification.c. */
#include "ipc/ipc.h"
#include "kernel/syscall.h"

static void *make_notification(process_t *owner)
{
    return notification_create(owner);
}

SYSCALL(notify_create)
{
    return sys_create(a[0], XR_OBJ_NOTIFICATION, make_notification);
}

SYSCALL(signal)
{
    kerr_t err;
    cap_slot_t *s = sys_cap(process_current(), a[0], XR_OBJ_NOTIFICATION, XR_RIGHT_WRITE, &err);
    if (s)
        notification_signal(s->object, s->badge ? s->badge : 1);
    return err;
}

static sysret_t do_wait(uint64_t slot, bool block)
{
    kerr_t err;
    notification_t *n = sys_object(slot, XR_OBJ_NOTIFICATION, XR_RIGHT_READ, &err);
    return n ? notification_wait(n, block) : ipc_result(err);
}

SYSCALL(wait)
{
    return do_wait(a[0], true);
}
SYSCALL(notify_poll)
{
    return do_wait(a[0], false);
}

SYSCALL(notify_bind)
{
    kerr_t err;
    notification_t *n = sys_object(a[0], XR_OBJ_NOTIFICATION, XR_RIGHT_READ, &err);
    if (!n)
        return err;
    thread_t *t = sys_object(a[1], XR_OBJ_THREAD, XR_RIGHT_WRITE, &err);
    if (!t)
        return err;
    if (t->state == TS_DEAD)
        return XR_EDEAD;
    return notification_bind(n, t);
}
