/* User address spaces: a pair of root tables (the kernel view, and the user view for
 * page-table isolation), page tables made on demand and charged to a quota, freed when
 * they empty, and a PCID each. Locks: none yet; an address space is changed only by its
 * owner (one core). The kernel half (PML4 slots 256..511) is shared with the kernel's
 * root and never changes after boot. */
#include "kernel/kernel.h"
#include "kernel/log.h"
#include "kernel/string.h"
#include "mm/memobj.h"
#include "mm/mm.h"

#define PCID_COUNT    2048 /* PCIDs 1..2047; the user view of pcid p runs as p | 2048 */
#define PCID_USER_BIT 0x800u

static kcache_t as_cache;
static uint64_t pcid_used[PCID_COUNT / 64];
static uint64_t as_alive;

static bool pool_limited(mm_pool_t pool)
{
    return pool != MM_POOL_USER;
}

kerr_t mm_quota_charge(mm_quota_t *q, mm_pool_t pool, uint64_t frames)
{
    if (frames > q->limit - q->used)
        return XR_ENOMEM;
    if (pool_limited(pool) && frames > q->pool_limit[pool] - q->pool_used[pool])
        return XR_ENOMEM;
    q->used += frames;
    q->pool_used[pool] += frames;
    return XR_OK;
}

void mm_quota_uncharge(mm_quota_t *q, mm_pool_t pool, uint64_t frames)
{
    kassert(q->used >= frames && q->pool_used[pool] >= frames);
    q->used -= frames;
    q->pool_used[pool] -= frames;
}

kerr_t mm_quota_carve(mm_quota_t *q, const mm_quota_t *child)
{
    if (child->limit > q->limit - q->used)
        return XR_ENOMEM;
    for (unsigned i = 0; i < MM_POOLS; i++)
        if (pool_limited(i) && child->pool_limit[i] > q->pool_limit[i] - q->pool_used[i])
            return XR_ENOMEM;
    q->used += child->limit;
    for (unsigned i = 0; i < MM_POOLS; i++)
        if (pool_limited(i))
            q->pool_used[i] += child->pool_limit[i];
    return XR_OK;
}

void mm_quota_return(mm_quota_t *q, const mm_quota_t *child)
{
    kassert(q->used >= child->limit);
    q->used -= child->limit;
    for (unsigned i = 0; i < MM_POOLS; i++) {
        if (pool_limited(i)) {
            kassert(q->pool_used[i] >= child->pool_limit[i]);
            q->pool_used[i] -= child->pool_limit[i];
        }
    }
}

static unsigned pcid_take(void)
{
    for (unsigned i = 1; i < PCID_COUNT; i++) {
        if (!(pcid_used[i / 64] & (1ul << (i % 64)))) {
            pcid_used[i / 64] |= 1ul << (i % 64);
            return i;
        }
    }
    return 0; /* all taken: share PCID 0 and flush on every switch */
}

static void pcid_release(unsigned pcid)
{
    if (pcid)
        pcid_used[pcid / 64] &= ~(1ul << (pcid % 64));
}

/* Page-table frames of an address space: from the page-table pool, charged to its quota. */
static uint64_t as_table_alloc(void *ctx)
{
    mm_as_t *as = ctx;
    if (mm_quota_charge(as->quota, MM_POOL_PT, 1))
        return 0;
    uint64_t t = mm_frame_alloc(MM_POOL_PT, 0);
    if (!t) {
        mm_quota_uncharge(as->quota, MM_POOL_PT, 1);
        return 0;
    }
    as->tables++;
    return t;
}

static void as_table_free(void *ctx, uint64_t table)
{
    mm_as_t *as = ctx;
    mm_frame_free(MM_POOL_PT, table, 0);
    mm_quota_uncharge(as->quota, MM_POOL_PT, 1);
    as->tables--;
}

static pt_ops_t as_ops(mm_as_t *as)
{
    return (pt_ops_t){as_table_alloc, as_table_free, as};
}

void mm_objects_init(void)
{
    if (mm_cache_create(&as_cache, "mm.as", sizeof(mm_as_t)))
        panic("mm: cannot create the address-space cache");
    memobj_init();
}

mm_as_t *mm_as_create(mm_quota_t *quota)
{
    mm_as_t *as = mm_cache_alloc(&as_cache);
    if (!as)
        return NULL;
    memset(as, 0, sizeof(*as));
    as->quota = quota;
    if (mm_quota_charge(as->quota, MM_POOL_PT, 2))
        goto fail;
    as->root = mm_frame_alloc(MM_POOL_PT, 1); /* the pair: kernel view, user view */
    if (!as->root) {
        mm_quota_uncharge(as->quota, MM_POOL_PT, 2);
        goto fail;
    }
    as->user_root = as->root + PAGE_SIZE;
    as->tables = 2;
    arch_pt_init_user_roots(as->root, as->user_root);
    as->pcid = pcid_take();
    as->tlb_stale = true; /* the PCID may hold a previous owner's entries */
    as_alive++;
    return as;
fail:
    mm_cache_free(&as_cache, as);
    return NULL;
}

/* Keep the user view's user-half slot of va equal to the kernel view's. */
static void as_mirror_slot(mm_as_t *as, uint64_t va)
{
    arch_pt_sync_user_view(as->root, as->user_root, va);
}

static kerr_t as_check(uint64_t va, unsigned flags)
{
    if (va >= MM_USER_END || va % PAGE_SIZE)
        return XR_EINVAL;
    if ((flags & PTF_WRITE) && (flags & PTF_EXEC))
        return XR_EINVAL; /* W^X */
    if (flags & ~(PTF_WRITE | PTF_EXEC | PTF_OWNED))
        return XR_EINVAL;
    return XR_OK;
}

extern const char _boot_start[], _kernel_end[];

/* User mappings may reach user-pool frames, boot modules (reserved memory inside the
 * kernel pool's range) and memory outside every pool (devices); never a frame the kernel
 * or page-table pool hands out, nor the kernel image. */
static bool as_frame_allowed(uint64_t pa)
{
    mm_pool_t pool = mm_pool_of(pa);
    if ((pool == MM_POOL_KERNEL || pool == MM_POOL_PT) && !mm_frame_reserved(pa))
        return false;
    return pa < (uint64_t)_boot_start || pa >= arch_virt_to_phys(_kernel_end);
}

static kerr_t as_map_frame(mm_as_t *as, uint64_t va, uint64_t pa, unsigned flags)
{
    pt_ops_t ops = as_ops(as);
    kerr_t err = arch_pt_map(as->root, va, pa, flags | PTF_USER, &ops);
    as_mirror_slot(as, va);
    return err;
}

kerr_t mm_as_map(mm_as_t *as, uint64_t va, uint64_t pa, unsigned flags)
{
    kerr_t err = as_check(va, flags);
    if (err || (flags & PTF_OWNED) || pa % PAGE_SIZE || !as_frame_allowed(pa))
        return err ? err : XR_EINVAL;
    return as_map_frame(as, va, pa, flags);
}

kerr_t mm_as_map_new(mm_as_t *as, uint64_t va, unsigned flags)
{
    kerr_t err = as_check(va, flags);
    if (err)
        return err;
    if (mm_quota_charge(as->quota, MM_POOL_USER, 1))
        return XR_ENOMEM;
    uint64_t pa = mm_frame_alloc(MM_POOL_USER, 0);
    if (!pa) {
        mm_quota_uncharge(as->quota, MM_POOL_USER, 1);
        return XR_ENOMEM;
    }
    err = as_map_frame(as, va, pa, flags | PTF_OWNED);
    if (err) {
        mm_frame_free(MM_POOL_USER, pa, 0);
        mm_quota_uncharge(as->quota, MM_POOL_USER, 1);
        return err;
    }
    as->frames++;
    return XR_OK;
}

/* After a change to a mapping of as: drop the old translation. */
static void as_flush(mm_as_t *as, uint64_t va)
{
    as->map_gen++;
    if (as == mm_as_current())
        arch_tlb_flush_page(va);
    as->tlb_stale = true; /* the other view (and other PCIDs' copies) flush at the next switch */
    as->cr3 = 0;          /* so the fastpath's switch takes mm_as_switch, which flushes */
    mm_tlb_shootdown(as, false); /* and other CPUs that have it loaded, before we return */
}

static void as_release_frame(mm_as_t *as, uint64_t pa, unsigned flags)
{
    if (!(flags & PTF_OWNED))
        return;
    mm_frame_free(MM_POOL_USER, pa, 0);
    mm_quota_uncharge(as->quota, MM_POOL_USER, 1);
    as->frames--;
}

kerr_t mm_as_unmap(mm_as_t *as, uint64_t va)
{
    if (va >= MM_USER_END || va % PAGE_SIZE)
        return XR_EINVAL;
    uint64_t pa;
    unsigned flags;
    pt_ops_t ops = as_ops(as);
    kerr_t err = arch_pt_unmap(as->root, va, &pa, &flags, &ops);
    if (err)
        return err;
    as_mirror_slot(as, va);
    as_flush(as, va);
    as_release_frame(as, pa, flags);
    return XR_OK;
}

kerr_t mm_as_protect(mm_as_t *as, uint64_t va, unsigned flags)
{
    kerr_t err = as_check(va, flags);
    if (err || (flags & PTF_OWNED))
        return err ? err : XR_EINVAL;
    err = arch_pt_protect(as->root, va, flags | PTF_USER);
    if (!err)
        as_flush(as, va);
    return err;
}

kerr_t mm_as_query(mm_as_t *as, uint64_t va, uint64_t *pa, unsigned *flags)
{
    if (va >= MM_USER_END)
        return XR_EINVAL;
    return arch_pt_query(as->root, va, pa, flags);
}

static void release_visit(void *ctx, uint64_t phys, int level, unsigned flags)
{
    if (level < 0)
        as_release_frame(ctx, phys, flags);
}

void mm_as_destroy(mm_as_t *as)
{
    mm_tlb_shootdown(as, true); /* no other CPU keeps its tables loaded */
    if (as == mm_as_current())
        mm_as_switch(NULL);
    arch_pt_walk(as->root, 0, PT_USER_SLOTS - 1, release_visit, as);
    pt_ops_t ops = as_ops(as);
    arch_pt_free_tables(as->root, 0, PT_USER_SLOTS - 1, &ops);
    mm_frame_free(MM_POOL_PT, as->root, 1);
    mm_quota_uncharge(as->quota, MM_POOL_PT, 2);
    pcid_release(as->pcid);
    as_alive--;
    mm_cache_free(&as_cache, as);
}

void mm_as_switch(mm_as_t *as)
{
    if (as && as == mm_as_current() && !as->tlb_stale)
        return; /* already loaded, nothing to flush: threads of one process */
    arch_cpu_hot_write64(MM_HOT_LOADED, as);
    if (!as) {
        arch_switch_root(arch_kernel_root(), 0, false);
        return;
    }
    if (likely(as->cr3)) { /* nothing to flush: the precomputed value */
        arch_load_root(as->cr3);
        return;
    }
    arch_switch_root(as->root, as->pcid, as->tlb_stale || as->pcid == 0);
    as->tlb_stale = false;
    as->cr3 = arch_root_value(as->root, as->pcid);
}

uint64_t mm_as_count(void)
{
    return as_alive;
}
