/* The TLB model of tlb.h. Shapes from the Intel optimization manual's Skylake TLB table:
 * ITLB 4 KiB 128 entries 8-way, 2 MiB 8 entries fully associative; DTLB 4 KiB 64 entries 4-way,
 * 2 MiB 32 entries 4-way; STLB 1536 entries 12-way for 4 KiB and 2 MiB pages. */
#include "tlb.h"

#define VA_BITS 48

bool tlb_init(tlb_t *t, const tlb_config_t *cfg)
{
    t->cfg = *cfg;
    return assoc_init(&t->itlb4k, "itlb4k", 16, 8) && assoc_init(&t->itlb2m, "itlb2m", 1, 8) &&
           assoc_init(&t->dtlb4k, "dtlb4k", 16, 4) && assoc_init(&t->dtlb2m, "dtlb2m", 8, 4) &&
           assoc_init(&t->stlb, "stlb", 128, 12);
}

void tlb_free(tlb_t *t)
{
    assoc_free(&t->itlb4k);
    assoc_free(&t->itlb2m);
    assoc_free(&t->dtlb4k);
    assoc_free(&t->dtlb2m);
    assoc_free(&t->stlb);
}

static bool is_large(const tlb_config_t *c, uint64_t va)
{
    return (va >= c->dmap_small_end && va >= c->dmap_base && va < c->dmap_end) ||
           (va >= c->kimage_base && va < c->kimage_end);
}

/* A non-zero key naming the page and the frame it maps: bit 63 valid, bit 62 large, 36 bits of
 * virtual page number, 26 of physical (4 KiB frames up to 256 GiB). */
static uint64_t key_of(uint64_t va, uint64_t pa, bool large)
{
    unsigned shift = large ? 21 : 12;
    uint64_t vpn = (va & ((1ull << VA_BITS) - 1)) >> shift, ppn = pa >> shift;
    return 1ull << 63 | (uint64_t)large << 62 | (vpn & ((1ull << 36) - 1)) << 26 |
           (ppn & ((1ull << 26) - 1));
}

tlb_result_t tlb_access(tlb_t *t, uint64_t va, uint64_t pa, bool fetch)
{
    bool large = is_large(&t->cfg, va);
    bool global = t->cfg.global_kernel && (va >> 63);
    uint64_t key = key_of(va, pa, large), index = va >> (large ? 21 : 12);
    assoc_t *l1 = fetch ? (large ? &t->itlb2m : &t->itlb4k) : (large ? &t->dtlb2m : &t->dtlb4k);
    tlb_result_t r = {0};

    if (assoc_access(l1, key, index, global))
        return r;
    r.l1_miss = true;
    r.cost = skylake_mem.stlb_hit;
    if (!assoc_access(&t->stlb, key, index, global)) {
        r.walk = true;
        r.cost += skylake_mem.page_walk;
    }
    return r;
}

void tlb_cr3_write(tlb_t *t)
{
    if (t->cfg.pcid)
        return;
    assoc_flush(&t->itlb4k, false);
    assoc_flush(&t->itlb2m, false);
    assoc_flush(&t->dtlb4k, false);
    assoc_flush(&t->dtlb2m, false);
    assoc_flush(&t->stlb, false);
}
