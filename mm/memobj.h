/* Memory objects: physically contiguous frames reached through a cap, mapped into any
 * number of address spaces (shared memory, boot modules), freed with all their mappings
 * when the last cap goes. docs/ipc-layers.md explains how channels use them. */
#ifndef MM_MEMOBJ_H
#define MM_MEMOBJ_H

#include "kernel/object.h"
#include "mm/mm.h"

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

struct process;
/* A memory object of pages (1..MEMOBJ_MAX_PAGES) zeroed, contiguous user-pool frames:
 * 2^ceil(log2(pages)) frames plus one for the object are charged to owner's quota. NULL
 * when out of quota or memory. The caller inserts a cap (refs start at 0). */
memobj_t *memobj_create(struct process *owner, uint64_t pages);
/* Map page offset / 4096 of m at va in p with PTF_* flags (rights already checked). A
 * dynamic object records the mapping and holds a reference on p; XR_ENOMEM when its
 * MEMOBJ_MAPS records are all in use; otherwise as mm_as_map. */
kerr_t memobj_map(memobj_t *m, const void *via, struct process *p, uint64_t offset, uint64_t va,
                  unsigned flags);
/* The memory cap in slot s goes: remove every mapping made through it (revoke and delete
 * shoot mappings down), or (moved) follow it to its new slot. */
void memobj_slot_gone(memobj_t *m, const void *s);
void memobj_slot_moved(memobj_t *m, const void *from, const void *to);
/* XR_SYS_UNMAP removed the page pa (not owned) at va from p: drop its record, if a
 * dynamic object holds pa. */
void memobj_unmapped(struct process *p, uint64_t va, uint64_t pa);
/* p is ending: drop the mapping records that name it (its address space goes next). */
void memobj_forget_process(struct process *p);

/* Set up the memory-object type; once at boot (mm_init_objects). */
void memobj_init(void);

#endif
