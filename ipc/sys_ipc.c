/* The IPC system calls: decode (caps, rights, lengths), then the endpoint and
 * notification operations, which write the result registers themselves. */
#include "ipc/ipc.h"
#include "kernel/syscall.h"
#include "sched/sched.h"

static uint64_t regs_err(kerr_t err)
{
    thread_t *cur = thread_current();
    ipc_set_reg(cur, ARCH_REG_RESULT, err);
    return SYSCALL_RESULTS_SET;
}

/* The endpoint in slot with rights, and the cap's badge and grant right. */
static endpoint_t *ep_cap(uint64_t slot, unsigned rights, uint64_t *badge, bool *grant, kerr_t *err)
{
    cap_slot_t *s;
    if (slot >= XR_SLOTS) {
        *err = XR_ERANGE;
        return NULL;
    }
    *err = cap_lookup(&process_current()->caps, (xr_cap_t)slot, XR_OBJ_ENDPOINT, rights, &s);
    if (*err)
        return NULL;
    *badge = s->badge;
    *grant = s->rights & XR_RIGHT_GRANT;
    return s->object;
}

static uint64_t do_send(const uint64_t a[6], bool call, bool block)
{
    kerr_t err;
    uint64_t badge;
    bool grant;
    endpoint_t *ep = ep_cap(a[0], XR_RIGHT_WRITE, &badge, &grant, &err);
    if (!ep)
        return regs_err(err);
    uint64_t r = ipc_send(ep, badge, grant, a[1], &a[2], call, block);
    return r == SYSCALL_RESULTS_SET ? r : regs_err((kerr_t)r);
}

static uint64_t do_recv(uint64_t slot, bool block)
{
    kerr_t err;
    uint64_t badge;
    bool grant;
    endpoint_t *ep = ep_cap(slot, XR_RIGHT_READ, &badge, &grant, &err);
    if (!ep)
        return regs_err(err);
    uint64_t r = ipc_recv(ep, block);
    return r == SYSCALL_RESULTS_SET ? r : regs_err((kerr_t)r);
}

kerr_t sys_send(const uint64_t a[6], uint64_t *v)
{
    (void)v;
    return do_send(a, false, true);
}
kerr_t sys_nbsend(const uint64_t a[6], uint64_t *v)
{
    (void)v;
    return do_send(a, false, false);
}
kerr_t sys_call(const uint64_t a[6], uint64_t *v)
{
    (void)v;
    return do_send(a, true, true);
}
kerr_t sys_recv(const uint64_t a[6], uint64_t *v)
{
    (void)v;
    return do_recv(a[0], true);
}
kerr_t sys_poll(const uint64_t a[6], uint64_t *v)
{
    (void)v;
    return do_recv(a[0], false);
}

/* reply: tag and words arrive in RSI, RDX, R10, R8, R9 (RDI is unused). */
kerr_t sys_reply(const uint64_t a[6], uint64_t *v)
{
    (void)v;
    return regs_err((kerr_t)ipc_reply(a[1], &a[2]));
}

kerr_t sys_reply_recv(const uint64_t a[6], uint64_t *v)
{
    (void)v;
    kerr_t err;
    uint64_t badge;
    bool grant;
    endpoint_t *ep = ep_cap(a[0], XR_RIGHT_READ, &badge, &grant, &err);
    if (!ep)
        return regs_err(err);
    uint64_t r = ipc_reply(a[1], &a[2]);
    if (r != XR_OK && r != XR_ENOENT)
        return regs_err((kerr_t)r);
    if (thread_current()->state == TS_DEAD)
        return (kerr_t)SYSCALL_RESULTS_SET; /* its reply ended its own process */
    r = ipc_recv(ep, true);
    return r == SYSCALL_RESULTS_SET ? r : regs_err((kerr_t)r);
}

static kerr_t create_obj(uint64_t slot, unsigned type)
{
    kerr_t err = sys_slot_free(slot);
    if (err)
        return err;
    process_t *p = process_current();
    void *o = type == XR_OBJ_ENDPOINT ? (void *)endpoint_create(p) : (void *)notification_create(p);
    if (!o)
        return XR_ENOMEM;
    return cap_insert(&p->caps, (xr_cap_t)slot, type, XR_RIGHTS_ALL, 0, o);
}

kerr_t sys_endpoint_create(const uint64_t a[6], uint64_t *v)
{
    (void)v;
    return create_obj(a[0], XR_OBJ_ENDPOINT);
}

kerr_t sys_notify_create(const uint64_t a[6], uint64_t *v)
{
    (void)v;
    return create_obj(a[0], XR_OBJ_NOTIFICATION);
}

static notification_t *ntfn_cap(uint64_t slot, unsigned rights, uint64_t *badge, kerr_t *err)
{
    cap_slot_t *s;
    if (slot >= XR_SLOTS) {
        *err = XR_ERANGE;
        return NULL;
    }
    *err = cap_lookup(&process_current()->caps, (xr_cap_t)slot, XR_OBJ_NOTIFICATION, rights, &s);
    if (*err)
        return NULL;
    *badge = s->badge;
    return s->object;
}

kerr_t sys_signal(const uint64_t a[6], uint64_t *v)
{
    (void)v;
    kerr_t err;
    uint64_t badge;
    notification_t *n = ntfn_cap(a[0], XR_RIGHT_WRITE, &badge, &err);
    return n ? (kerr_t)notification_signal(n, badge ? badge : 1) : err;
}

static uint64_t do_wait(uint64_t slot, bool block)
{
    kerr_t err;
    uint64_t badge;
    notification_t *n = ntfn_cap(slot, XR_RIGHT_READ, &badge, &err);
    return n ? notification_wait(n, block) : regs_err(err);
}

kerr_t sys_wait(const uint64_t a[6], uint64_t *v)
{
    (void)v;
    return do_wait(a[0], true);
}
kerr_t sys_notify_poll(const uint64_t a[6], uint64_t *v)
{
    (void)v;
    return do_wait(a[0], false);
}

kerr_t sys_notify_bind(const uint64_t a[6], uint64_t *v)
{
    (void)v;
    kerr_t err;
    uint64_t badge;
    notification_t *n = ntfn_cap(a[0], XR_RIGHT_READ, &badge, &err);
    if (!n)
        return err;
    thread_t *t = sys_lookup(a[1], XR_OBJ_THREAD, XR_RIGHT_WRITE, &err);
    if (!t)
        return err;
    if (t->state == TS_DEAD)
        return XR_EDEAD;
    return notification_bind(n, t);
}

kerr_t sys_thread_set_ipcbuf(const uint64_t a[6], uint64_t *v)
{
    (void)v;
    kerr_t err;
    thread_t *t = sys_lookup(a[0], XR_OBJ_THREAD, XR_RIGHT_WRITE, &err);
    if (!t)
        return err;
    if (t->state == TS_DEAD)
        return XR_EDEAD;
    uint64_t old = t->ipcbuf_va;
    t->ipcbuf_va = a[1];
    if (a[1] && (a[1] % PAGE_SIZE || !ipc_buffer(t))) {
        t->ipcbuf_va = old;
        return XR_EFAULT; /* not a writable page the thread's process owns */
    }
    return XR_OK;
}

kerr_t sys_thread_set_fault(const uint64_t a[6], uint64_t *v)
{
    (void)v;
    kerr_t err;
    thread_t *t = sys_lookup(a[0], XR_OBJ_THREAD, XR_RIGHT_WRITE, &err);
    if (!t)
        return err;
    if (t->state == TS_DEAD)
        return XR_EDEAD;
    endpoint_t *ep = NULL;
    uint64_t badge = 0;
    bool grant;
    if (a[1] && !(ep = ep_cap(a[1], XR_RIGHT_WRITE, &badge, &grant, &err)))
        return err;
    if (ep)
        kobj_ref(&ep->obj);
    if (t->fault_ep)
        kobj_unref(&t->fault_ep->obj);
    t->fault_ep = ep;
    t->fault_badge = badge;
    return XR_OK;
}

kerr_t sys_irq_bind(const uint64_t a[6], uint64_t *v)
{
    (void)v;
    kerr_t err;
    irq_line_t *irq = sys_lookup(a[0], XR_OBJ_IRQ, XR_RIGHT_WRITE, &err);
    if (!irq)
        return err;
    notification_t *n = NULL;
    uint64_t badge = 0;
    if (a[1] && !(n = ntfn_cap(a[1], XR_RIGHT_WRITE, &badge, &err)))
        return err;
    return irq_bind(irq, n, badge);
}
