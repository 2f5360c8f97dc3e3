/* Reference counting of kernel objects, the table of per-type operations, and the reap
 * list through which every object is destroyed. Locks: none of its own; it relies on the
 * kernel's serialisation (kassert_serialised; the SMP work makes the reap list per core).
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
#include "kernel/spinlock.h"
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
    kassert(o->refs > 0); /* an object on the list to be destroyed gets no more work */
    if (o->deferred)
        return; /* queued already */
    kobj_ref(o);
    o->deferred = work;
    o->reap_next = reap_head;
    reap_head = o;
}

void kobj_reap(void)
{
    kassert_serialised();
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

/* ---- self-test ---- */
#include "kernel/ktest.h"

#define CHAIN_OBJS 20000 /* 20,000 x 32 bytes: 160 frames */

typedef struct chain_obj {
    kobj_t obj;
    struct chain_obj *next; /* holds a reference on it */
} chain_obj_t;

static uint64_t chain_destroyed, chain_sp_min, chain_sp_max;

static void chain_destroy(kobj_t *o)
{
    uint64_t sp = (uint64_t)__builtin_frame_address(0);
    chain_sp_min = sp < chain_sp_min ? sp : chain_sp_min;
    chain_sp_max = sp > chain_sp_max ? sp : chain_sp_max;
    chain_destroyed++;
    chain_obj_t *c = (chain_obj_t *)o;
    if (c->next)
        kobj_unref(&c->next->obj);
}

/* A chain of 20,000 objects, each holding the only reference to the next, dropped at its
 * head: every one is destroyed, each at the same stack depth. A test type stands in for
 * real objects (20,000 processes would not fit the test machine's memory). */
KTEST(kernel, teardown_depth_constant)
{
    static const kobj_ops_t chain_ops = {chain_destroy};
    const unsigned type = XR_OBJ_UNTYPED_QUOTA; /* no kernel object of this type exists */
    KT_ASSERT(!type_ops[type]);
    size_t bytes = CHAIN_OBJS * sizeof(chain_obj_t);
    unsigned order = 0;
    while ((PAGE_SIZE << order) < bytes)
        order++;
    uint64_t pa = mm_frame_alloc(MM_POOL_KERNEL, order);
    KT_ASSERT(pa);
    chain_obj_t *objs = arch_phys_to_virt(pa);
    for (unsigned i = 0; i < CHAIN_OBJS; i++)
        objs[i] = (chain_obj_t){.obj = {.type = (uint8_t)type, .refs = 1},
                                .next = i + 1 < CHAIN_OBJS ? &objs[i + 1] : NULL};
    type_ops[type] = &chain_ops;
    chain_destroyed = chain_sp_max = 0;
    chain_sp_min = UINT64_MAX;
    kobj_unref(&objs[0].obj);
    type_ops[type] = NULL;
    mm_frame_free(MM_POOL_KERNEL, pa, order);
    KT_EQ(chain_destroyed, CHAIN_OBJS);
    KT_EQ(chain_sp_max - chain_sp_min, 0);
    KT_ASSERT(kobj_reap_longest() >= CHAIN_OBJS);
}
