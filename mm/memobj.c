/* Memory objects for shared memory: contiguous user-pool frames reached through a cap,
 * mapped into any number of address spaces, freed with all their mappings when the last
 * reference (cap) goes. Locks: none; the kernel runs with interrupts off on one core.
 *
 * Lifetime rule: a mapping lives while the cap it was made through lives. The object
 * records each mapping (process, va, the cap slot used). A record holds no reference on
 * its process (that would let a process holding the only cap to an object mapped in it
 * keep itself alive): a process that ends drops the records naming it first
 * (memobj_forget_process), so no record ever names a freed process. Deleting or revoking a cap
 * removes the mappings made through it (and through the caps derived from it, which revoke
 * deletes), in every address space; when the last cap goes, memobj_destroy removes whatever is
 * left, so no address space can reach a freed frame. */
#include "mm/memobj.h"
#include "kernel/log.h"
#include "kernel/process.h"

static kcache_t memobj_cache;
static memobj_t *dynamic_objs; /* every live memobj_create object, for memobj_unmapped */

static uint64_t frames_of(const memobj_t *m)
{
    return 1ul << m->order;
}

static bool holds_frame(const memobj_t *m, uint64_t pa)
{
    return pa >= m->phys && pa < m->phys + m->pages * PAGE_SIZE;
}

memobj_t *memobj_create(process_t *owner, uint64_t pages)
{
    unsigned order = 0;
    while ((1ul << order) < pages)
        order++;
    if (mm_quota_charge(&owner->quota, MM_POOL_USER, 1ul << order))
        return NULL;
    memobj_t *m = kobj_alloc(&memobj_cache, XR_OBJ_MEMORY, owner);
    uint64_t phys = m ? mm_frame_alloc(MM_POOL_USER, order) : 0;
    if (!phys) {
        if (m)
            kobj_free(&memobj_cache, &m->obj);
        mm_quota_uncharge(&owner->quota, MM_POOL_USER, 1ul << order);
        return NULL;
    }
    m->phys = phys;
    m->pages = pages;
    m->order = order;
    m->next = dynamic_objs;
    dynamic_objs = m;
    return m;
}

/* Does r's address space still map one of m's frames at r's address? (A process that is
 * ending keeps its address space until after its caps are deleted.) */
static bool record_mapped(const memobj_t *m, const memobj_map_t *r)
{
    uint64_t pa;
    unsigned flags;
    process_t *p = r->proc;
    if (!p || !p->as)
        return false;
    return !mm_as_query(p->as, r->va, &pa, &flags) && !(flags & PTF_OWNED) && holds_frame(m, pa);
}

static void record_drop(memobj_map_t *r)
{
    r->proc->memobj_maps--;
    r->proc = NULL;
}

/* A free record; when none is, drop the records of pages that no longer map the object
 * (so a full table means 64 live mappings). */
static memobj_map_t *record_free(memobj_t *m)
{
    for (unsigned i = 0; i < MEMOBJ_MAPS; i++)
        if (!m->maps[i].proc)
            return &m->maps[i];
    memobj_map_t *free = NULL;
    for (unsigned i = 0; i < MEMOBJ_MAPS; i++) {
        if (!record_mapped(m, &m->maps[i])) {
            record_drop(&m->maps[i]);
            free = &m->maps[i];
        }
    }
    return free;
}

kerr_t memobj_map(memobj_t *m, const void *via, process_t *p, uint64_t offset, uint64_t va,
                  unsigned flags)
{
    if (m->obj.is_static)
        return mm_as_map(p->as, va, m->phys + offset, flags);
    memobj_map_t *r = record_free(m);
    if (!r)
        return XR_ENOMEM;
    kerr_t err = mm_as_map(p->as, va, m->phys + offset, flags);
    if (err)
        return err;
    r->proc = p;
    r->va = va;
    r->via = via;
    p->memobj_maps++;
    return XR_OK;
}

/* Called from inside the cap layer (cap_object_ops.slot_gone): it unmaps, and leaves the
 * record until record_free reclaims it (its page no longer maps the object), the process
 * ends, or the object is destroyed. */
void memobj_slot_gone(memobj_t *m, const void *s)
{
    if (m->obj.is_static)
        return;
    for (unsigned i = 0; i < MEMOBJ_MAPS; i++) {
        memobj_map_t *r = &m->maps[i];
        if (!r->proc || r->via != s)
            continue;
        if (record_mapped(m, r))
            mm_as_unmap(r->proc->as, r->va); /* flushes the TLB (now or at the next switch) */
        r->via = NULL;
    }
}

void memobj_slot_moved(memobj_t *m, const void *from, const void *to)
{
    if (m->obj.is_static)
        return;
    for (unsigned i = 0; i < MEMOBJ_MAPS; i++)
        if (m->maps[i].proc && m->maps[i].via == from)
            m->maps[i].via = to;
}

void memobj_unmapped(process_t *p, uint64_t va, uint64_t pa)
{
    for (memobj_t *m = dynamic_objs; m; m = m->next) {
        if (!holds_frame(m, pa))
            continue;
        for (unsigned i = 0; i < MEMOBJ_MAPS; i++)
            if (m->maps[i].proc == p && m->maps[i].va == va) {
                record_drop(&m->maps[i]);
                return;
            }
        return;
    }
}

void memobj_forget_process(process_t *p)
{
    for (memobj_t *m = dynamic_objs; m && p->memobj_maps; m = m->next)
        for (unsigned i = 0; i < MEMOBJ_MAPS; i++)
            if (m->maps[i].proc == p)
                record_drop(&m->maps[i]);
}

static void memobj_destroy(kobj_t *o)
{
    memobj_t *m = (memobj_t *)o;
    /* Shoot down first: the frames must be unreachable before they are freed. */
    for (unsigned i = 0; i < MEMOBJ_MAPS; i++) {
        memobj_map_t *r = &m->maps[i];
        if (!r->proc)
            continue;
        if (record_mapped(m, r))
            mm_as_unmap(r->proc->as, r->va); /* flushes the TLB (now or at the next switch) */
        record_drop(r);
    }
    for (memobj_t **pp = &dynamic_objs; *pp; pp = &(*pp)->next)
        if (*pp == m) {
            *pp = m->next;
            break;
        }
    mm_frame_free(MM_POOL_USER, m->phys, m->order);
    mm_quota_uncharge(&m->obj.owner->quota, MM_POOL_USER, frames_of(m));
    kobj_free(&memobj_cache, &m->obj);
}

static const kobj_ops_t memobj_ops = {memobj_destroy};

void memobj_init(void)
{
    if (mm_cache_create(&memobj_cache, "ipc.memobj", sizeof(memobj_t)))
        panic("memobj: cannot create the object cache");
    kobj_type_register(XR_OBJ_MEMORY, &memobj_ops);
}
