/* Kernel objects reached through capabilities: a common header with the type and a
 * reference count (one per capability that names the object, plus internal holders). */
#ifndef KERNEL_OBJECT_H
#define KERNEL_OBJECT_H

#include "lib/types.h"
#include "xr/cap.h"

typedef struct kobj {
    uint8_t type;   /* enum xr_obj_type */
    bool is_static; /* boot-time objects (modules, I/O ports): never freed */
    uint32_t refs;
    struct process *owner;  /* whose quota pays for it (held referenced), or NULL */
    struct kobj *reap_next; /* on the reap list: its last reference is gone, or work is due */
    void (*deferred)(struct kobj *o); /* the work due (kobj_defer), or NULL */
} kobj_t;

/* What a subsystem tells the object layer about its type. destroy: the last reference
 * is gone; free the object and drop the references it holds (with kobj_unref: the
 * objects they free join the reap list, so destroy never recurses). Called from
 * kobj_reap only, interrupts off; it may not block. */
typedef struct kobj_ops {
    void (*destroy)(struct kobj *o);
} kobj_ops_t;
/* Once per type, from the subsystem's init, before any object of the type exists. */
void kobj_type_register(unsigned type, const kobj_ops_t *ops);

/* Take a reference. */
void kobj_ref(kobj_t *o);
/* Drop a reference: the last one puts the object on the reap list, and unless a reap
 * is already running further up the stack, drains the list (kobj_reap) before it
 * returns. So when the outermost kobj_unref returns, every object that became
 * unreachable through it is gone, and the stack depth did not depend on how many. */
void kobj_unref(kobj_t *o);
/* Drop a reference without draining: for code that must not see objects destroyed
 * under it (the cap layer's callbacks). Its caller calls kobj_reap when it is done. */
void kobj_unref_deferred(kobj_t *o);
/* Destroy every object on the reap list, iteratively. Returns at once when called
 * from inside a destructor (the outer call finishes the work). */
void kobj_reap(void);
/* Queue work on o (ending a process, killing a thread) for the next kobj_reap: for
 * code that may not do it now (inside the cap layer, or deep in a teardown). Takes a
 * reference until the work has run; does nothing if work on o is queued already. */
void kobj_defer(kobj_t *o, void (*work)(kobj_t *o));
/* The most objects one kobj_reap has handled, for the tests. */
uint64_t kobj_reap_longest(void);
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

/* A range of I/O ports. */
typedef struct ioport {
    kobj_t obj;
    uint16_t first, last;
} ioport_t;

#endif
