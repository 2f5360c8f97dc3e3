/* Slab caches: fixed-size kernel objects carved from pages owned by one cache each. */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include "lib/types.h"

#define SLAB_PAGE_SIZE 4096
/* A slab is 2^order pages, order 0..SLAB_MAX_ORDER, chosen by slab_cache_init(). */
#define SLAB_MAX_ORDER 3
/* Largest object a cache takes; bigger buffers should come from the frame allocator. */
#define SLAB_MAX_OBJSIZE 8192
/* Objects are at least 8-byte aligned; at most page aligned. */
#define SLAB_MIN_ALIGN 8
#define SLAB_MAX_ALIGN SLAB_PAGE_SIZE

/* slab_cache_init() flags. SLAB_DEBUG: red zones around objects, poison in free objects. */
#define SLAB_DEBUG 0x1u

/* Debug-mode byte patterns: free objects hold SLAB_POISON, red zones SLAB_REDZONE. */
#define SLAB_POISON  0x6b
#define SLAB_REDZONE 0xbb

struct slab;
struct slab_cache;

/*
 * Page source. alloc returns 2^order contiguous pages (SLAB_PAGE_SIZE each) aligned to their
 * own size (SLAB_PAGE_SIZE << order), mapped and writable, or NULL; free takes them back.
 * Both are called with the cache's lock held, from slab_alloc(), slab_free() and
 * slab_cache_destroy(): they must not call into the same cache.
 */
typedef void *(*slab_page_alloc_t)(void *ctx, unsigned order);
typedef void (*slab_page_free_t)(void *ctx, void *page, unsigned order);

/*
 * Report hook: called once per detected misuse or corruption, with the cache's lock held,
 * obj the offending pointer (may be NULL) and what a short constant description. The kernel
 * panics or counts; it must not call into the same cache. Without a hook, misuse is only
 * counted in c->errors.
 */
typedef void (*slab_report_t)(const struct slab_cache *c, const void *obj, const char *what);

/* One cache per object type. Fields are private to slab.c; read them via the functions below. */
typedef struct slab_cache {
    const char *name;
    size_t objsize;    /* bytes the caller asked for */
    size_t align;      /* object alignment */
    size_t stride;     /* distance between object slots */
    size_t obj_offset; /* object start inside its slot (after the debug link and red zone) */
    size_t first;      /* offset of the first slot from the slab start (after the header) */
    unsigned order;    /* slab = 2^order pages */
    unsigned per_slab; /* slots per slab */
    unsigned flags;
    slab_page_alloc_t page_alloc;
    slab_page_free_t page_free;
    void *ctx;
    slab_report_t report;
    struct slab *partial, *full, *empty; /* empty holds at most one spare slab */
    uint64_t in_use;                     /* objects allocated */
    uint64_t slabs;                      /* slabs held */
    uint64_t errors;                     /* misuses and corruptions detected */
} slab_cache_t;

/*
 * Set up cache c for objects of objsize bytes (1..SLAB_MAX_OBJSIZE) aligned to align (a power
 * of two up to SLAB_MAX_ALIGN; 0 means SLAB_MIN_ALIGN), taking slabs from pa/pf with ctx.
 * flags: 0 or SLAB_DEBUG. name must outlive the cache. Takes no pages yet. Returns XR_OK, or
 * XR_EINVAL for a bad size, alignment, flag or missing page source. The caller provides one
 * lock per cache and holds it around every slab_* call on that cache.
 */
kerr_t slab_cache_init(slab_cache_t *c, const char *name, size_t objsize, size_t align,
                       unsigned flags, slab_page_alloc_t pa, slab_page_free_t pf, void *ctx);

/* Install (or with NULL remove) the misuse report hook of c. */
void slab_cache_set_report(slab_cache_t *c, slab_report_t hook);

/*
 * Allocate one object, O(1). Returns NULL when the page source fails. The contents are
 * undefined (SLAB_POISON in debug mode). In debug mode a free object whose poison or red
 * zones were overwritten is reported, repaired and handed out all the same.
 */
void *slab_alloc(slab_cache_t *c);

/*
 * Free obj, an object from slab_alloc(c), O(1). NULL is a no-op returning XR_OK. Returns
 * XR_EINVAL if obj is not an object of c (another cache's, misaligned, in a slab header) and
 * XR_EDOUBLE if it is already free: both are reported and change nothing else. In debug mode
 * damaged red zones (an overrun) are reported and repaired, and the object is still freed
 * (XR_OK). obj must point into readable kernel memory: the slab header found by masking obj
 * is read to tell whether it belongs to c.
 */
kerr_t slab_free(slab_cache_t *c, void *obj);

/*
 * Give every slab back to the page source. Returns XR_EBUSY, changing nothing, while objects
 * are allocated; after XR_OK the cache must be initialised again before use.
 */
kerr_t slab_cache_destroy(slab_cache_t *c);

/* Objects currently allocated from c. */
uint64_t slab_cache_objects(const slab_cache_t *c);

/* Slabs c holds, and the pages they take. */
uint64_t slab_cache_slabs(const slab_cache_t *c);
uint64_t slab_cache_pages(const slab_cache_t *c);

/* Misuses and corruptions detected so far. */
uint64_t slab_cache_errors(const slab_cache_t *c);

/*
 * Full consistency walk for tests and debug builds, O(pages held): lists, headers, free lists,
 * in-use bitmaps and counters agree; in debug mode also every red zone and every free
 * object's poison is intact. Reports nothing; returns false at the first inconsistency.
 */
bool slab_check(const slab_cache_t *c);

#endif
