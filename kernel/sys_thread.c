/* The thread system calls: create a thread in a process, set its registers, priority,
 * affinity, IPC buffer and fault endpoint, start it, read its state, end the caller. */
#include "ipc/ipc.h"
#include "kernel/syscall.h"
#include "sched/sched.h"

SYSCALL(thread_create)
{
    kerr_t err;
    process_t *p = sys_process(a[0], XR_RIGHT_WRITE, &err);
    if (!p)
        return err;
    if ((err = sys_slot_free(a[1])))
        return err;
    thread_t *t = thread_create(p);
    if (!t)
        return XR_ENOMEM;
    return cap_insert(&process_current()->caps, (xr_cap_t)a[1], XR_OBJ_THREAD, XR_RIGHTS_ALL, 0, t);
}

static thread_t *thread_cap(uint64_t slot, unsigned rights, kerr_t *err)
{
    thread_t *t = sys_object(slot, XR_OBJ_THREAD, rights, err);
    if (t && t->state == TS_DEAD) {
        *err = XR_EDEAD;
        return NULL;
    }
    return t;
}

SYSCALL(thread_set_regs)
{
    kerr_t err;
    thread_t *t = thread_cap(a[0], XR_RIGHT_WRITE, &err);
    if (!t)
        return err;
    if (t->state != TS_STOPPED)
        return XR_EBUSY;
    if (a[1] >= MM_USER_END || a[2] > MM_USER_END)
        return XR_EINVAL;
    arch_thread_set_user(&t->arch, a[1], a[2], a[3]);
    return XR_OK;
}

SYSCALL(thread_set_prio)
{
    kerr_t err;
    thread_t *t = thread_cap(a[0], XR_RIGHT_WRITE, &err);
    if (!t)
        return err;
    if (a[1] > thread_current()->prio)
        return a[1] > 255 ? XR_EINVAL : XR_EPERM; /* never above the caller's own */
    bool queued = t->state == TS_RUNNABLE && t != thread_current();
    if (queued)
        sched_dequeue(t);
    t->prio = (uint8_t)a[1];
    if (queued)
        sched_enqueue(t);
    return XR_OK;
}

SYSCALL(thread_set_affinity)
{
    kerr_t err;
    thread_t *t = thread_cap(a[0], XR_RIGHT_WRITE, &err);
    if (!t)
        return err;
    if (a[1] == XR_CPU_ANY) { /* placed now if it runs, else when it starts */
        t->place_any = t->state == TS_STOPPED;
        return t->place_any ? XR_OK : sched_set_cpu(t, sched_place());
    }
    if (a[1] >= arch_cpus_online())
        return XR_EINVAL;
    t->place_any = false;
    return sched_set_cpu(t, (unsigned)a[1]);
}

SYSCALL(thread_start)
{
    kerr_t err;
    thread_t *t = thread_cap(a[0], XR_RIGHT_WRITE, &err);
    return t ? thread_start(t) : err;
}

SYSCALL(thread_status)
{
    kerr_t err;
    thread_t *t = sys_object(a[0], XR_OBJ_THREAD, XR_RIGHT_READ, &err);
    if (!t)
        return err;
    static const unsigned map[] = {XR_THREAD_STOPPED, XR_THREAD_RUNNABLE, XR_THREAD_BLOCKED,
                                   XR_THREAD_DEAD};
    *value = map[t->state];
    return XR_OK;
}

SYSCALL(thread_exit)
{
    process_t *p = process_current();
    thread_kill(thread_current());
    for (thread_t *t = p->threads; t; t = t->p_next)
        if (t->state == TS_RUNNABLE || t->state == TS_BLOCKED)
            return XR_OK; /* a stopped thread does not keep the process going */
    process_terminate(p, XR_PROC_EXITED, 0);
    return XR_OK;
}

/* (thread, va): va must be a writable page the thread's process owns, or 0 for none. */
SYSCALL(thread_set_ipcbuf)
{
    kerr_t err;
    thread_t *t = thread_cap(a[0], XR_RIGHT_WRITE, &err);
    if (!t)
        return err;
    if (a[1] && (a[1] % PAGE_SIZE || !ipc_buffer_at(t->proc, a[1])))
        return XR_EFAULT;
    t->ipcbuf_va = a[1];
    t->ipcbuf_kva = NULL; /* found again at the next message */
    return XR_OK;
}

/* (thread, ep): its faults become calls on ep, with ep's badge (0: none; faults kill). */
SYSCALL(thread_set_fault)
{
    kerr_t err;
    thread_t *t = thread_cap(a[0], XR_RIGHT_WRITE, &err);
    if (!t)
        return err;
    cap_slot_t *s = NULL;
    if (a[1] && !(s = sys_cap(process_current(), a[1], XR_OBJ_ENDPOINT, XR_RIGHT_WRITE, &err)))
        return err;
    endpoint_t *old = t->fault_ep;
    t->fault_ep = s ? s->object : NULL;
    t->fault_badge = s ? s->badge : 0;
    if (t->fault_ep)
        kobj_ref(&t->fault_ep->obj);
    if (old)
        kobj_unref(&old->obj); /* may destroy it, waking t if t waits there with a fault */
    return XR_OK;
}
