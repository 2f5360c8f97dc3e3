/* Kernel objects reached through capabilities: a common header with the type and a
 * reference count (one per capability that names the object, plus internal holders). */
#ifndef KERNEL_OBJECT_H
#define KERNEL_OBJECT_H

#include "kernel/types.h"
#include "xr/cap.h"

typedef struct kobj {
    uint8_t type;   /* enum xr_obj_type */
    bool is_static; /* boot-time objects (modules, I/O ports): never freed */
    uint32_t refs;
    struct process *owner; /* whose quota pays for it (held referenced), or NULL */
} kobj_t;

/* Take and drop a reference; the last drop destroys the object (kobj_destroy). */
void kobj_ref(kobj_t *o);
void kobj_unref(kobj_t *o);
/* Objects alive, by type, for XR_SYS_INFO and leak tests. */
uint64_t kobj_alive(unsigned type);
void kobj_count_new(unsigned type);
void kobj_count_gone(unsigned type);

struct kcache;
struct process;
/* A zeroed object of a cache, with its header set (refs 0), charged one frame to owner's
 * quota and holding a reference on owner; NULL when out of quota or memory. */
void *kobj_alloc(struct kcache *cache, unsigned type, struct process *owner);
/* Undo kobj_alloc: uncharge, drop the owner, free. */
void kobj_free(struct kcache *cache, kobj_t *o);

/* A memory object: physically contiguous frames that can be mapped into address spaces.
 * Boot modules are static (never freed, mappings not recorded); the others come from
 * XR_SYS_MEMORY_CREATE (ipc/memobj.c), which records every mapping so that the object's
 * destruction can remove them all. */
#define MEMOBJ_MAPS      64   /* mappings recorded per object; one more is XR_ENOMEM */
#define MEMOBJ_MAX_PAGES 1024 /* largest XR_SYS_MEMORY_CREATE */

typedef struct memobj_map {
    struct process *proc; /* holds a reference; NULL: a free record */
    uint64_t va;
    const void *via; /* the cap slot the mapping was made through */
} memobj_map_t;

typedef struct memobj {
    kobj_t obj;
    uint64_t phys, pages;
    unsigned order;                 /* dynamic objects hold 2^order frames from the user pool */
    struct memobj *next;            /* the list of dynamic objects (ipc/memobj.c) */
    memobj_map_t maps[MEMOBJ_MAPS]; /* dynamic objects only */
} memobj_t;

/* A range of I/O ports. */
typedef struct ioport {
    kobj_t obj;
    uint16_t first, last;
} ioport_t;

#endif
