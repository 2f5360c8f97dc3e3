/* The memory system calls: map anonymous pages and pages of memory objects into a
 * process, unmap, change rights, copy bytes in; and make memory objects. Each decodes
 * fully before it acts. */
#include "kernel/syscall.h"
#include "mm/memobj.h"

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

/* The running process in slot a[0] (write right) whose mapping flags a[fl] are valid, or
 * NULL with *err set: what map_anon, map_memory and protect decode first. */
static process_t *map_target(const uint64_t a[6], unsigned fl, kerr_t *err)
{
    process_t *p = sys_process(a[0], XR_RIGHT_WRITE, err);
    if (p && (*err = check_map_flags(a[fl])))
        return NULL;
    return p;
}

SYSCALL(map_anon)
{
    kerr_t err;
    process_t *p = map_target(a, 2, &err);
    return p ? mm_as_map_new(p->as, a[1], map_flags(a[2])) : err;
}

SYSCALL(map_memory)
{
    kerr_t err;
    process_t *p = map_target(a, 4, &err);
    if (!p)
        return err;
    unsigned need = XR_RIGHT_READ | (a[4] & XR_MAP_WRITE ? XR_RIGHT_WRITE : 0) |
                    (a[4] & XR_MAP_EXEC ? XR_RIGHT_EXEC : 0);
    cap_slot_t *s = sys_cap(process_current(), a[1], XR_OBJ_MEMORY, need, &err);
    if (!s)
        return err;
    memobj_t *m = s->object;
    if (a[2] % PAGE_SIZE || a[2] / PAGE_SIZE >= m->pages)
        return XR_ERANGE;
    return memobj_map(m, s, p, a[2], a[3], map_flags(a[4]));
}

SYSCALL(unmap)
{
    kerr_t err;
    process_t *p = sys_process(a[0], XR_RIGHT_WRITE, &err);
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

/* BEGIN TODO(lab1): XR_SYS_PROTECT(proc, va, flags): decode, then invoke mm_as_protect */
SYSCALL(protect)
{
    kerr_t err;
    process_t *p = map_target(a, 2, &err);
    if (!p)
        return err;
    unsigned flags;
    if ((err = mm_as_query(p->as, a[1], NULL, &flags)))
        return err;
    if (!(flags & PTF_OWNED))
        return XR_EPERM; /* a memory object's page keeps the rights its cap allowed */
    return mm_as_protect(p->as, a[1], map_flags(a[2]));
}
/* END TODO(lab1) */

/* Copy len bytes from the caller at buf into p at va: only into pages p owns (anonymous
 * memory), never into mapped memory objects. Checks every page before copying any. */
SYSCALL(mem_write)
{
    kerr_t err;
    process_t *p = sys_process(a[0], XR_RIGHT_WRITE, &err);
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

/* (pages, dst): decode (slot, size), then create and insert; nothing changes on failure. */
SYSCALL(memory_create)
{
    kerr_t err = sys_slot_free(a[1]);
    if (err)
        return err;
    if (a[0] == 0 || a[0] > MEMOBJ_MAX_PAGES)
        return a[0] ? XR_ERANGE : XR_EINVAL;
    process_t *self = process_current();
    memobj_t *m = memobj_create(self, a[0]);
    if (!m)
        return XR_ENOMEM;
    err = cap_insert(&self->caps, (xr_cap_t)a[1], XR_OBJ_MEMORY,
                     XR_RIGHT_READ | XR_RIGHT_WRITE | XR_RIGHT_GRANT, 0, m);
    if (err) {
        kobj_ref(&m->obj); /* no cap took it: free it through the usual path */
        kobj_unref(&m->obj);
    }
    return err;
}
