/* Physical frames: three buddy-allocated pools carved from the boot memory map, laid
 * out as [kernel][page tables][guard gap][user] so that no user frame is within
 * CONFIG_PT_GUARD_GAP_MB of a page-table frame. Locks: one spinlock per pool, taken
 * alone (never two at once). */
#include "config.h"
#include "kernel/log.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "mm/buddy.h"
#include "mm/mm.h"

#define LOW_MEMORY_END (1ul << 20) /* BIOS data, the EBDA and ROMs live below 1 MiB */
#define MAX_RESERVED   48
#define POOL_ALIGN     LARGE_PAGE_SIZE

struct range {
    uint64_t start, end;
};

struct pool {
    spinlock_t lock;
    buddy_zone_t zone;
    uint64_t base, end;
};

static struct pool pools[MM_POOLS];
static struct range reserved[MAX_RESERVED];
static unsigned nreserved;
bool mm_bad_free_tolerate;

extern const char _boot_start[], _kernel_end[];

static const char *const pool_names[MM_POOLS] = {"kernel", "page-table", "user"};

static void reserve(uint64_t start, uint64_t end)
{
    if (nreserved == MAX_RESERVED)
        panic("mm: too many reserved ranges");
    reserved[nreserved++] = (struct range){ALIGN_DOWN(start, PAGE_SIZE), ALIGN_UP(end, PAGE_SIZE)};
}

/* Call fn on each piece of [a, b) not covered by reserved[i..]. */
static void for_unreserved(uint64_t a, uint64_t b, unsigned i,
                           void (*fn)(uint64_t, uint64_t, void *), void *ctx)
{
    for (; i < nreserved; i++) {
        struct range r = reserved[i];
        if (r.end <= a || r.start >= b)
            continue;
        if (r.start > a)
            for_unreserved(a, r.start, i + 1, fn, ctx);
        if (r.end < b)
            for_unreserved(r.end, b, i + 1, fn, ctx);
        return;
    }
    if (a < b)
        fn(a, b, ctx);
}

/* Call fn on every usable, unreserved piece of physical memory inside [lo, hi). */
static void for_free_memory(const mm_boot_memory_t *boot, uint64_t lo, uint64_t hi,
                            void (*fn)(uint64_t, uint64_t, void *), void *ctx)
{
    for (unsigned i = 0; i < boot->ram_count; i++) {
        const mm_range_t *r = &boot->ram[i];
        uint64_t a = ALIGN_UP(r->start, PAGE_SIZE), b = ALIGN_DOWN(r->end, PAGE_SIZE);
        a = a < lo ? lo : a;
        b = b > hi ? hi : b;
        if (a < b)
            for_unreserved(a, b, 0, fn, ctx);
    }
}

struct bump {
    uint64_t need, found;
};

static void bump_fit(uint64_t a, uint64_t b, void *ctx)
{
    struct bump *bp = ctx;
    if (!bp->found && b - a >= bp->need)
        bp->found = a;
}

/* Take size bytes of free memory inside [lo, hi) for good (the buddy metadata). */
static void *boot_alloc(const mm_boot_memory_t *boot, uint64_t lo, uint64_t hi, uint64_t size)
{
    struct bump bp = {ALIGN_UP(size, PAGE_SIZE), 0};
    for_free_memory(boot, lo, hi, bump_fit, &bp);
    if (!bp.found)
        panic("mm: no room for %lu bytes of allocator metadata", size);
    reserve(bp.found, bp.found + bp.need);
    void *p = arch_phys_to_virt(bp.found);
    memset(p, 0, bp.need);
    return p;
}

static void pool_add(uint64_t a, uint64_t b, void *ctx)
{
    struct pool *p = ctx;
    buddy_add_free(&p->zone, a / PAGE_SIZE, (b - a) / PAGE_SIZE);
}

static void reserve_boot_data(const mm_boot_memory_t *boot)
{
    reserve(0, LOW_MEMORY_END);
    reserve((uint64_t)_boot_start, arch_virt_to_phys(_kernel_end));
    for (unsigned i = 0; i < boot->keep_count; i++)
        reserve(boot->keep[i].start, boot->keep[i].end);
}

/* Split [lo, hi) into the three pools: the kernel pool takes 1/8 of it, the page-table
 * pool 1/16 (at least 4 MiB), then the guard gap, and the user pool the rest. */
static void pools_layout(uint64_t lo, uint64_t hi)
{
    uint64_t span = hi - lo, gap = (uint64_t)CONFIG_PT_GUARD_GAP_MB << 20;
    uint64_t pt_size = ALIGN_UP(span / 16 > (4ul << 20) ? span / 16 : (4ul << 20), POOL_ALIGN);
    uint64_t k_end = ALIGN_UP(lo + span / 8, POOL_ALIGN);
    pools[MM_POOL_KERNEL].base = lo;
    pools[MM_POOL_KERNEL].end = k_end;
    pools[MM_POOL_PT].base = k_end;
    pools[MM_POOL_PT].end = k_end + pt_size;
    pools[MM_POOL_USER].base = k_end + pt_size + gap;
    pools[MM_POOL_USER].end = hi;
    if (pools[MM_POOL_USER].base >= hi)
        panic("mm: %lu MiB of memory is too little for the pools", span >> 20);
}

static uint64_t pt_alloc(void *ctx)
{
    (void)ctx;
    return mm_frame_alloc(MM_POOL_PT, 0);
}

static void pt_free(void *ctx, uint64_t table)
{
    (void)ctx;
    mm_frame_free(MM_POOL_PT, table, 0);
}

const pt_ops_t mm_kernel_pt_ops = {pt_alloc, pt_free, NULL};

void mm_init(const mm_boot_memory_t *boot, bool isolate)
{
    uint64_t lo = UINT64_MAX, hi = 0;
    for (unsigned i = 0; i < boot->ram_count; i++) {
        const mm_range_t *r = &boot->ram[i];
        if (r->end <= LOW_MEMORY_END)
            continue;
        lo = r->start < lo ? r->start : lo;
        hi = r->end > hi ? r->end : hi;
    }
    if (hi == 0)
        panic("mm: the memory map has no usable memory above 1 MiB");
    lo = lo < LOW_MEMORY_END ? LOW_MEMORY_END : lo;
    hi = ALIGN_DOWN(hi, PAGE_SIZE);
    reserve_boot_data(boot);
    pools_layout(lo, hi);
    for (int i = 0; i < MM_POOLS; i++) {
        struct pool *p = &pools[i];
        uint64_t npages = (p->end - p->base) / PAGE_SIZE;
        buddy_page_t *meta = boot_alloc(boot, pools[MM_POOL_KERNEL].base, pools[MM_POOL_KERNEL].end,
                                        buddy_meta_size(npages));
        buddy_init(&p->zone, p->base / PAGE_SIZE, npages, meta);
    }
    for (int i = 0; i < MM_POOLS; i++)
        for_free_memory(boot, pools[i].base, pools[i].end, pool_add, &pools[i]);

    uint64_t total = 0, free = 0;
    for (int i = 0; i < MM_POOLS; i++) {
        total += buddy_total_frames(&pools[i].zone);
        free += buddy_free_frames(&pools[i].zone);
        log_info("mm: pool %-10s %08lx-%08lx %6lu frames\n", pool_names[i], pools[i].base,
                 pools[i].end, buddy_total_frames(&pools[i].zone));
    }
    kprintf("mm: frames total=%lu free=%lu\n", total, free);
    arch_paging_init(hi, &mm_kernel_pt_ops, isolate);
}

uint64_t mm_frame_alloc(mm_pool_t pool, unsigned order)
{
    struct pool *p = &pools[pool];
    uint64_t flags = spin_lock_irqsave(&p->lock);
    uint64_t pfn = buddy_alloc(&p->zone, order);
    spin_unlock_irqrestore(&p->lock, flags);
    if (pfn == BUDDY_NONE)
        return 0;
    memset(arch_phys_to_virt(pfn * PAGE_SIZE), 0, PAGE_SIZE << order);
    return pfn * PAGE_SIZE;
}

kerr_t mm_frame_free(mm_pool_t pool, uint64_t phys, unsigned order)
{
    struct pool *p = &pools[pool];
    uint64_t flags = spin_lock_irqsave(&p->lock);
    kerr_t err = phys % PAGE_SIZE ? XR_EDOUBLE : buddy_free(&p->zone, phys / PAGE_SIZE, order);
    spin_unlock_irqrestore(&p->lock, flags);
    if (err) {
        if (CONFIG_DEBUG && !mm_bad_free_tolerate)
            panic("mm: bad free of %lx (order %u) in the %s pool", phys, order, pool_names[pool]);
        log_warn("mm: bad free of %lx (order %u) in the %s pool ignored\n", phys, order,
                 pool_names[pool]);
    }
    return err;
}

void mm_pool_stats(mm_pool_t pool, mm_pool_stats_t *out)
{
    struct pool *p = &pools[pool];
    uint64_t flags = spin_lock_irqsave(&p->lock);
    out->base = p->base;
    out->end = p->end;
    out->total = buddy_total_frames(&p->zone);
    out->free = buddy_free_frames(&p->zone);
    out->bad_frees = p->zone.errors;
    spin_unlock_irqrestore(&p->lock, flags);
}

uint64_t mm_frames_free(void)
{
    uint64_t free = 0;
    for (int i = 0; i < MM_POOLS; i++) {
        mm_pool_stats_t s;
        mm_pool_stats(i, &s);
        free += s.free;
    }
    return free;
}

bool mm_frame_reserved(uint64_t phys)
{
    for (unsigned i = 0; i < nreserved; i++)
        if (phys >= reserved[i].start && phys < reserved[i].end)
            return true;
    return false;
}

mm_pool_t mm_pool_of(uint64_t phys)
{
    for (int i = 0; i < MM_POOLS; i++)
        if (phys >= pools[i].base && phys < pools[i].end)
            return i;
    return MM_POOLS;
}
