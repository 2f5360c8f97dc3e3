/* Binary buddy allocator over one zone of physical frames; the caller serialises all calls. */
#ifndef MM_BUDDY_H
#define MM_BUDDY_H

#include "lib/types.h"

/* Block orders run 0..BUDDY_MAX_ORDER: 4 KiB .. 4 MiB with 4 KiB frames. */
#define BUDDY_MAX_ORDER 10
/* buddy_alloc()'s answer when no block of the asked order can be found. */
#define BUDDY_NONE UINT64_MAX
/* A zone holds at most this many frames, so that 32-bit record indices suffice. */
#define BUDDY_MAX_FRAMES ((uint64_t)UINT32_MAX - 1)

/*
 * Per-frame record, kept in a caller-supplied array apart from the frames themselves.
 * Only the head record of a block carries its order and state; the other records of the
 * block say "tail". Private to buddy.c apart from its size.
 */
typedef struct buddy_page {
    uint32_t next, prev; /* free-list links: indices into the record array */
    uint8_t order;       /* order of the block this record heads */
    uint8_t state;       /* reserved, tail, free head or allocated head */
    uint16_t spare;
} buddy_page_t;

_Static_assert(sizeof(buddy_page_t) == 12, "buddy_page_t should stay small");

/* One zone: frames base_pfn .. base_pfn + npages - 1. Read the counters, do not write them. */
typedef struct buddy_zone {
    buddy_page_t *meta;
    uint64_t base_pfn, npages;
    uint64_t total;  /* frames handed to the allocator by buddy_add_free() */
    uint64_t free;   /* of those, frames currently free */
    uint64_t errors; /* rejected frees */
    uint32_t free_head[BUDDY_MAX_ORDER + 1];
    uint32_t free_count[BUDDY_MAX_ORDER + 1];
} buddy_zone_t;

/* Bytes of record array buddy_init() needs for a zone of npages frames. */
size_t buddy_meta_size(uint64_t npages);

/*
 * Set up zone z over npages frames from base_pfn, using meta (buddy_meta_size(npages) bytes,
 * no alignment beyond 4 bytes) for its records. Every frame starts reserved: nothing can be
 * allocated until buddy_add_free(). Returns XR_EINVAL if npages is 0 or above
 * BUDDY_MAX_FRAMES or the pfn range wraps. Never touches the frames.
 */
kerr_t buddy_init(buddy_zone_t *z, uint64_t base_pfn, uint64_t npages, buddy_page_t *meta);

/*
 * Hand the usable frames pfn .. pfn + n - 1 to the allocator: they become free, count toward
 * total and free, and merge with free neighbours. Returns XR_EINVAL, changing nothing, if the
 * range leaves the zone or any frame in it was already handed over. O(n).
 */
kerr_t buddy_add_free(buddy_zone_t *z, uint64_t pfn, uint64_t n);

/*
 * Allocate a naturally aligned block of 2^order frames. Returns its first pfn, or BUDDY_NONE
 * if order > BUDDY_MAX_ORDER or no free block is large enough. O(BUDDY_MAX_ORDER).
 */
uint64_t buddy_alloc(buddy_zone_t *z, unsigned order);

/*
 * Free the block of 2^order frames at pfn, merging it with free buddies. Returns XR_OK, or
 * XR_EDOUBLE if pfn is not the head of a block currently allocated with exactly this order
 * (already free, a tail frame, outside the zone, never handed over, misaligned): such a
 * free changes nothing but z->errors, which it increments. O(BUDDY_MAX_ORDER).
 */
kerr_t buddy_free(buddy_zone_t *z, uint64_t pfn, unsigned order);

/* True if pfn lies inside a currently allocated block. O(BUDDY_MAX_ORDER). */
bool buddy_is_allocated(const buddy_zone_t *z, uint64_t pfn);

/* Frames currently free. */
uint64_t buddy_free_frames(const buddy_zone_t *z);

/* Frames ever handed to the allocator (free or allocated). */
uint64_t buddy_total_frames(const buddy_zone_t *z);

/* Number of free blocks of exactly this order; 0 for an order above BUDDY_MAX_ORDER. */
unsigned buddy_free_blocks(const buddy_zone_t *z, unsigned order);

/*
 * Full consistency walk, O(npages), for tests and debug builds: free lists well linked and
 * counted, every record in exactly one block, counters agree, and no free block has a free
 * buddy of the same order left unmerged. Returns false at the first inconsistency.
 */
bool buddy_check(const buddy_zone_t *z);

#endif
