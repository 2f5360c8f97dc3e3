/* The cache model: Skylake's L1 instruction and data caches and the unified L2, keyed on
 * physical addresses, 64-byte lines, LRU, L3 assumed to hit. */
#ifndef COSTMODEL_CACHE_H
#define COSTMODEL_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "assoc.h"

typedef struct caches {
    assoc_t l1i, l1d, l2;
} caches_t;

/* Where an access found its line. */
typedef enum cache_level { CACHE_L1, CACHE_L2, CACHE_BEYOND } cache_level_t;

/* Builds the empty caches. Returns false when out of memory. */
bool cache_init(caches_t *c);

/* Frees what cache_init allocated. */
void cache_free(caches_t *c);

/* Accesses the line of paddr through L1I (fetch) or L1D, then L2, filling both on the way. */
cache_level_t cache_access(caches_t *c, uint64_t paddr, bool fetch);

#endif
