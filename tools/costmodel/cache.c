/* The cache model of cache.h. Shapes from the Intel optimization manual's Skylake cache table:
 * L1I and L1D 32 KiB 8-way, L2 256 KiB 4-way, 64-byte lines. Not inclusive: a line is filled
 * into L1 and L2 on a miss and each evicts on its own. */
#include "cache.h"

#define LINE_SHIFT 6

bool cache_init(caches_t *c)
{
    return assoc_init(&c->l1i, "l1i", 64, 8) && assoc_init(&c->l1d, "l1d", 64, 8) &&
           assoc_init(&c->l2, "l2", 1024, 4);
}

void cache_free(caches_t *c)
{
    assoc_free(&c->l1i);
    assoc_free(&c->l1d);
    assoc_free(&c->l2);
}

cache_level_t cache_access(caches_t *c, uint64_t paddr, bool fetch)
{
    uint64_t line = paddr >> LINE_SHIFT;

    if (assoc_access(fetch ? &c->l1i : &c->l1d, line + 1, line, false))
        return CACHE_L1;
    return assoc_access(&c->l2, line + 1, line, false) ? CACHE_L2 : CACHE_BEYOND;
}
