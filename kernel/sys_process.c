/* The process system calls: create a process with a quota carved from the caller's,
 * read its status, watch for its end, kill it, give it a cap. What init (and any process holding
 * the caps) uses to build other processes; each decodes fully before it acts. */
#include "ipc/ipc.h"
#include "kernel/syscall.h"

process_t *sys_process(uint64_t slot, unsigned rights, kerr_t *err)
{
    process_t *p = sys_object(slot, XR_OBJ_PROCESS, rights, err);
    if (p && p->status != XR_PROC_RUNNING) {
        *err = XR_EDEAD;
        return NULL;
    }
    return p;
}

/* The default limits of a child's kernel-pool and page-table-pool frames, within its
 * total (docs/processes.md): room for the process and a few threads and objects, and for
 * the tables of a few regions, growing slowly with the total. */
static uint64_t default_pool_limit(uint64_t total, uint64_t base, uint64_t min, unsigned shift)
{
    uint64_t n = base + (total >> shift);
    n = n > min ? n : min;
    return n < total ? n : total;
}

/* (total, dst, kernel, pt): a[2] and a[3] are the limits on kernel-pool and page-table-pool
 * frames inside the total (0: the default); user frames are bounded by the total alone. */
static kerr_t process_quota_decode(const uint64_t a[6], mm_quota_t *q)
{
    uint64_t total = a[0], kernel = a[2], pt = a[3];
    if (total < PROCESS_CHARGE + PROCESS_PT_MIN || total > XR_QUOTA_MAX)
        return total > XR_QUOTA_MAX ? XR_ENOMEM : XR_EINVAL;
    kernel = kernel ? kernel : default_pool_limit(total, 24, PROCESS_CHARGE, 4);
    pt = pt ? pt : default_pool_limit(total, 16, PROCESS_PT_MIN, 5);
    if (kernel < PROCESS_CHARGE || pt < PROCESS_PT_MIN || kernel > total || pt > total)
        return XR_EINVAL;
    *q = (mm_quota_t){.limit = total, .pool_limit = {[MM_POOL_KERNEL] = kernel, [MM_POOL_PT] = pt}};
    return XR_OK;
}

SYSCALL(process_create)
{
    mm_quota_t q;
    kerr_t err = sys_slot_free(a[1]);
    if (!err)
        err = process_quota_decode(a, &q);
    if (err)
        return err;
    process_t *self = process_current();
    process_t *p = process_create(self, &q, "child");
    if (!p)
        return XR_ENOMEM;
    return cap_insert(&self->caps, (xr_cap_t)a[1], XR_OBJ_PROCESS, XR_RIGHTS_ALL, 0, p);
}

SYSCALL(process_status)
{
    kerr_t err;
    process_t *p = sys_object(a[0], XR_OBJ_PROCESS, XR_RIGHT_READ, &err);
    if (p)
        *value = p->status | (uint64_t)p->code << 8;
    return err;
}

/* (proc, ntfn, bits): READ on proc as for its status, WRITE on ntfn as for a signal. A
 * process that has ended is accepted (the watch fires at once). */
SYSCALL(process_watch)
{
    kerr_t err;
    process_t *p = sys_object(a[0], XR_OBJ_PROCESS, XR_RIGHT_READ, &err);
    if (!p)
        return err;
    notification_t *n = sys_object(a[1], XR_OBJ_NOTIFICATION, XR_RIGHT_WRITE, &err);
    if (!n)
        return err;
    if (!a[2])
        return XR_EINVAL;
    return process_watch(p, n, a[2]);
}

SYSCALL(process_kill)
{
    kerr_t err;
    process_t *p = sys_process(a[0], XR_RIGHT_WRITE, &err);
    if (p)
        process_terminate(p, XR_PROC_KILLED, 0xff);
    return err;
}

SYSCALL(process_give_cap)
{
    kerr_t err;
    process_t *p = sys_process(a[0], XR_RIGHT_WRITE | XR_RIGHT_GRANT, &err);
    if (!p)
        return err;
    if (a[1] >= XR_SLOTS || a[2] >= XR_SLOTS || a[2] == XR_SLOT_NULL)
        return XR_ERANGE;
    if (a[3] > XR_RIGHTS_ALL)
        return XR_EINVAL;
    return cap_copy(&process_current()->caps, (xr_cap_t)a[1], &p->caps, (xr_cap_t)a[2],
                    (uint32_t)a[3], 0);
}
