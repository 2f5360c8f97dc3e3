/* System calls on processes, threads and memory: what init (and any process holding the
 * caps) uses to build and run other processes. Each decodes fully before it acts. */
#include "ipc/ipc.h"
#include "kernel/log.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "sched/sched.h"

#define MEM_WRITE_MAX (1ul << 20)

static unsigned map_flags(uint64_t f)
{
    return (f & XR_MAP_WRITE ? PTF_WRITE : 0) | (f & XR_MAP_EXEC ? PTF_EXEC : 0);
}

static kerr_t check_map_flags(uint64_t f)
{
    if (f & ~(uint64_t)(XR_MAP_WRITE | XR_MAP_EXEC))
        return XR_EINVAL;
    return (f & XR_MAP_WRITE) && (f & XR_MAP_EXEC) ? XR_EINVAL : XR_OK;
}

/* The running process named by a cap with rights, or NULL with *err set. */
static process_t *live_process(uint64_t slot, unsigned rights, kerr_t *err)
{
    process_t *p = sys_lookup(slot, XR_OBJ_PROCESS, rights, err);
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

kerr_t sys_process_create(const uint64_t a[6], uint64_t *value)
{
    (void)value;
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

kerr_t sys_process_status(const uint64_t a[6], uint64_t *value)
{
    kerr_t err;
    process_t *p = sys_lookup(a[0], XR_OBJ_PROCESS, XR_RIGHT_READ, &err);
    if (p)
        *value = p->status | (uint64_t)p->code << 8;
    return err;
}

kerr_t sys_process_kill(const uint64_t a[6], uint64_t *value)
{
    kerr_t err;
    (void)value;
    process_t *p = live_process(a[0], XR_RIGHT_WRITE, &err);
    if (p)
        process_terminate(p, XR_PROC_KILLED, 0xff);
    return err;
}

kerr_t sys_process_give_cap(const uint64_t a[6], uint64_t *value)
{
    kerr_t err;
    (void)value;
    process_t *p = live_process(a[0], XR_RIGHT_WRITE | XR_RIGHT_GRANT, &err);
    if (!p)
        return err;
    if (a[1] >= XR_SLOTS || a[2] >= XR_SLOTS || a[2] == XR_SLOT_NULL)
        return XR_ERANGE;
    if (a[3] > XR_RIGHTS_ALL)
        return XR_EINVAL;
    return cap_copy(&process_current()->caps, (xr_cap_t)a[1], &p->caps, (xr_cap_t)a[2],
                    (uint32_t)a[3], 0);
}

kerr_t sys_map_anon(const uint64_t a[6], uint64_t *value)
{
    kerr_t err;
    (void)value;
    process_t *p = live_process(a[0], XR_RIGHT_WRITE, &err);
    if (!p)
        return err;
    if ((err = check_map_flags(a[2])))
        return err;
    return mm_as_map_new(p->as, a[1], map_flags(a[2]));
}

kerr_t sys_map_memory(const uint64_t a[6], uint64_t *value)
{
    kerr_t err;
    (void)value;
    process_t *p = live_process(a[0], XR_RIGHT_WRITE, &err);
    if (!p)
        return err;
    if ((err = check_map_flags(a[4])))
        return err;
    unsigned need = XR_RIGHT_READ | (a[4] & XR_MAP_WRITE ? XR_RIGHT_WRITE : 0) |
                    (a[4] & XR_MAP_EXEC ? XR_RIGHT_EXEC : 0);
    cap_slot_t *s;
    if (a[1] >= XR_SLOTS)
        return XR_ERANGE;
    err = cap_lookup(&process_current()->caps, (xr_cap_t)a[1], XR_OBJ_MEMORY, need, &s);
    if (err)
        return err;
    memobj_t *m = s->object;
    if (a[2] % PAGE_SIZE || a[2] / PAGE_SIZE >= m->pages)
        return XR_ERANGE;
    return memobj_map(m, s, p, a[2], a[3], map_flags(a[4]));
}

kerr_t sys_unmap(const uint64_t a[6], uint64_t *value)
{
    kerr_t err;
    (void)value;
    process_t *p = live_process(a[0], XR_RIGHT_WRITE, &err);
    if (!p)
        return err;
    uint64_t pa;
    unsigned flags;
    if (a[1] >= MM_USER_END || a[1] % PAGE_SIZE)
        return XR_EINVAL;
    if ((err = mm_as_query(p->as, a[1], &pa, &flags)))
        return err;
    if ((err = mm_as_unmap(p->as, a[1])))
        return err;
    if (!(flags & PTF_OWNED))
        memobj_unmapped(p, a[1], pa); /* a shared page: its object forgets the mapping */
    return XR_OK;
}

kerr_t sys_protect(const uint64_t a[6], uint64_t *value)
{
    kerr_t err;
    (void)value;
    process_t *p = live_process(a[0], XR_RIGHT_WRITE, &err);
    if (!p)
        return err;
    if ((err = check_map_flags(a[2])))
        return err;
    unsigned flags;
    if ((err = mm_as_query(p->as, a[1], NULL, &flags)))
        return err;
    if (!(flags & PTF_OWNED))
        return XR_EPERM; /* a memory object's page keeps the rights its cap allowed */
    return mm_as_protect(p->as, a[1], map_flags(a[2]));
}

/* Copy len bytes from the caller at buf into p at va: only into pages p owns (anonymous
 * memory), never into mapped memory objects. Checks every page before copying any. */
kerr_t sys_mem_write(const uint64_t a[6], uint64_t *value)
{
    kerr_t err;
    (void)value;
    process_t *p = live_process(a[0], XR_RIGHT_WRITE, &err);
    if (!p)
        return err;
    uint64_t va = a[1], buf = a[2], len = a[3];
    if (len > MEM_WRITE_MAX || va + len < va || va + len > MM_USER_END)
        return XR_ERANGE;
    for (uint64_t page = va & ~(PAGE_SIZE - 1); page < va + len; page += PAGE_SIZE) {
        unsigned flags;
        if (mm_as_query(p->as, page, NULL, &flags) || !(flags & PTF_OWNED))
            return XR_EFAULT;
    }
    while (len) {
        uint64_t pa, chunk = PAGE_SIZE - (va % PAGE_SIZE);
        chunk = chunk < len ? chunk : len;
        mm_as_query(p->as, va & ~(PAGE_SIZE - 1), &pa, NULL);
        err = arch_copy_from_user((uint8_t *)arch_phys_to_virt(pa) + va % PAGE_SIZE, buf, chunk);
        if (err)
            return err;
        va += chunk, buf += chunk, len -= chunk;
    }
    return XR_OK;
}

kerr_t sys_thread_create(const uint64_t a[6], uint64_t *value)
{
    kerr_t err;
    (void)value;
    process_t *p = live_process(a[0], XR_RIGHT_WRITE, &err);
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
    thread_t *t = sys_lookup(slot, XR_OBJ_THREAD, rights, err);
    if (t && t->state == TS_DEAD) {
        *err = XR_EDEAD;
        return NULL;
    }
    return t;
}

kerr_t sys_thread_set_regs(const uint64_t a[6], uint64_t *value)
{
    kerr_t err;
    (void)value;
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

kerr_t sys_thread_set_prio(const uint64_t a[6], uint64_t *value)
{
    kerr_t err;
    (void)value;
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

kerr_t sys_thread_set_affinity(const uint64_t a[6], uint64_t *value)
{
    kerr_t err;
    (void)value;
    thread_t *t = thread_cap(a[0], XR_RIGHT_WRITE, &err);
    if (!t)
        return err;
    return a[1] == 0 ? XR_OK : XR_EINVAL; /* one core for now */
}

kerr_t sys_thread_start(const uint64_t a[6], uint64_t *value)
{
    kerr_t err;
    (void)value;
    thread_t *t = thread_cap(a[0], XR_RIGHT_WRITE, &err);
    return t ? thread_start(t) : err;
}

kerr_t sys_thread_status(const uint64_t a[6], uint64_t *value)
{
    kerr_t err;
    thread_t *t = sys_lookup(a[0], XR_OBJ_THREAD, XR_RIGHT_READ, &err);
    if (!t)
        return err;
    static const unsigned map[] = {XR_THREAD_STOPPED, XR_THREAD_RUNNABLE, XR_THREAD_BLOCKED,
                                   XR_THREAD_DEAD};
    *value = map[t->state];
    return XR_OK;
}
