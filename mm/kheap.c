/* Kernel object caches: slab caches whose pages come from the kernel pool through the
 * direct map. Every cache owns its pages, so no two object types (and so no two
 * subsystems) share a page of heap. Locks: each kcache_t's own spinlock, taken around
 * each slab call; the kernel pool's lock nests inside it. */
#include "config.h"
#include "kernel/log.h"
#include "kernel/spinlock.h"
#include "mm/mm.h"

#define MAX_CACHES 32

static kcache_t *caches[MAX_CACHES];
static unsigned ncaches;

static void *kheap_page_alloc(void *ctx, unsigned order)
{
    (void)ctx;
    uint64_t phys = mm_frame_alloc(MM_POOL_KERNEL, order); /* buddy blocks are order-aligned */
    return phys ? arch_phys_to_virt(phys) : NULL;
}

static void kheap_page_free(void *ctx, void *page, unsigned order)
{
    (void)ctx;
    mm_frame_free(MM_POOL_KERNEL, arch_virt_to_phys(page), order);
}

/* Misuse of a cache (double free, overrun, write after free) is a kernel bug. The
 * self-tests set kheap_report_count to count reports instead of panicking. */
uint64_t kheap_reports;
bool kheap_report_count;

static void kheap_report(const slab_cache_t *c, const void *obj, const char *what)
{
    kheap_reports++;
    if (kheap_report_count) {
        log_debug("kheap: %s: %s at %p (counted)\n", c->name, what, obj);
        return;
    }
    panic("kheap: cache %s: %s at %p", c->name, what, obj);
}

kerr_t mm_cache_create(kcache_t *c, const char *name, size_t size)
{
    if (ncaches == MAX_CACHES)
        return XR_ENOMEM;
    kerr_t err = slab_cache_init(&c->slab, name, size, 8, CONFIG_DEBUG ? SLAB_DEBUG : 0,
                                 kheap_page_alloc, kheap_page_free, NULL);
    if (err)
        return err;
    slab_cache_set_report(&c->slab, kheap_report);
    caches[ncaches++] = c;
    return XR_OK;
}

void *mm_cache_alloc(kcache_t *c)
{
    uint64_t flags = spin_lock_irqsave(&c->lock);
    void *obj = slab_alloc(&c->slab);
    spin_unlock_irqrestore(&c->lock, flags);
    return obj;
}

kerr_t mm_cache_free(kcache_t *c, void *obj)
{
    uint64_t flags = spin_lock_irqsave(&c->lock);
    kerr_t err = slab_free(&c->slab, obj);
    spin_unlock_irqrestore(&c->lock, flags);
    return err;
}

unsigned mm_cache_count(void)
{
    return ncaches;
}
kcache_t *mm_cache_get(unsigned i)
{
    return i < ncaches ? caches[i] : NULL;
}

uint64_t mm_cache_pages(void)
{
    uint64_t pages = 0;
    for (unsigned i = 0; i < ncaches; i++)
        pages += slab_cache_pages(&caches[i]->slab);
    return pages;
}
