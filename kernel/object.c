/* Reference counting of kernel objects, the table of per-type operations, and the reap
 * list through which every object is destroyed. Locks: none yet; the kernel runs with
 * interrupts off on one core (the SMP work makes the reap list per core).
 *
 * Why a reap list: destroying one object drops references on others (a process its caps,
 * a memory object its owner, ...), and a user can chain such objects as deep as its quota
 * allows. Destroying them by recursion would let the user choose the kernel's stack
 * depth. Instead the last kobj_unref puts the object on a list, and the outermost caller
 * drains the list in a loop: whatever a destructor releases joins the same list, so the
 * stack depth of any teardown is a constant, whatever the user built. */
#include "kernel/object.h"
#include "kernel/log.h"
#include "kernel/process.h"
#include "kernel/string.h"

static uint64_t alive[XR_OBJ_COUNT];
static const kobj_ops_t *type_ops[XR_OBJ_COUNT];
static kobj_t *reap_head;   /* objects whose last reference went, to destroy */
static bool reaping;        /* kobj_reap is draining the list (further calls return) */
static uint64_t reap_depth; /* the longest list seen, for the tests */

void kobj_type_register(unsigned type, const kobj_ops_t *ops)
{
    kassert(type < XR_OBJ_COUNT && !type_ops[type]);
    type_ops[type] = ops;
}

void kobj_count_new(unsigned type)
{
    alive[type]++;
}
void kobj_count_gone(unsigned type)
{
    alive[type]--;
}

uint64_t kobj_alive(unsigned type)
{
    if (type != XR_OBJ_NONE)
        return type < XR_OBJ_COUNT ? alive[type] : 0;
    uint64_t n = 0;
    for (unsigned i = 1; i < XR_OBJ_COUNT; i++)
        n += alive[i];
    return n;
}

void *kobj_alloc(struct kcache *cache, unsigned type, process_t *owner)
{
    if (mm_quota_charge(&owner->quota, MM_POOL_KERNEL, 1))
        return NULL;
    kobj_t *o = mm_cache_alloc(cache);
    if (!o) {
        mm_quota_uncharge(&owner->quota, MM_POOL_KERNEL, 1);
        return NULL;
    }
    memset(o, 0, cache->slab.objsize);
    o->type = (uint8_t)type;
    o->owner = owner;
    kobj_ref(&owner->obj);
    kobj_count_new(type);
    return o;
}

void kobj_free(struct kcache *cache, kobj_t *o)
{
    process_t *owner = o->owner;
    kobj_count_gone(o->type);
    mm_cache_free(cache, o);
    mm_quota_uncharge(&owner->quota, MM_POOL_KERNEL, 1);
    kobj_unref(&owner->obj);
}

void kobj_ref(kobj_t *o)
{
    o->refs++;
}

void kobj_unref_deferred(kobj_t *o)
{
    kassert(o->refs > 0);
    if (--o->refs || o->is_static)
        return;
    o->reap_next = reap_head;
    reap_head = o;
}

void kobj_unref(kobj_t *o)
{
    kobj_unref_deferred(o);
    kobj_reap();
}

void kobj_defer(kobj_t *o, void (*work)(kobj_t *o))
{
    if (o->deferred)
        return; /* queued already */
    kobj_ref(o);
    o->deferred = work;
    o->reap_next = reap_head;
    reap_head = o;
}

void kobj_reap(void)
{
    if (reaping)
        return; /* an outer kobj_reap is draining: it will reach what was just queued */
    reaping = true;
    for (uint64_t n = 0; reap_head; n++) {
        kobj_t *o = reap_head;
        reap_head = o->reap_next;
        o->reap_next = NULL;
        if (n + 1 > reap_depth)
            reap_depth = n + 1;
        if (o->deferred) {
            void (*work)(kobj_t *) = o->deferred;
            o->deferred = NULL;
            work(o);
            kobj_unref_deferred(o); /* kobj_defer's reference */
            continue;
        }
        const kobj_ops_t *ops = type_ops[o->type];
        if (!ops || !ops->destroy)
            panic("kobj: no destructor for type %u", o->type);
        ops->destroy(o);
    }
    reaping = false;
}

uint64_t kobj_reap_longest(void)
{
    return reap_depth;
}
