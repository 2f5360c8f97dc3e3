/* Reference counting of kernel objects and the dispatch of their destruction. */
#include "kernel/object.h"
#include "ipc/ipc.h"
#include "kernel/log.h"
#include "kernel/process.h"
#include "kernel/string.h"

static uint64_t alive[XR_OBJ_COUNT];

void process_destroy(process_t *p);
void thread_destroy(thread_t *t);

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
    if (mm_quota_charge(&owner->quota, 1))
        return NULL;
    kobj_t *o = mm_cache_alloc(cache);
    if (!o) {
        mm_quota_uncharge(&owner->quota, 1);
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
    mm_quota_uncharge(&owner->quota, 1);
    kobj_unref(&owner->obj);
}

void kobj_ref(kobj_t *o)
{
    o->refs++;
}

void kobj_unref(kobj_t *o)
{
    kassert(o->refs > 0);
    if (--o->refs || o->is_static)
        return;
    switch (o->type) {
    case XR_OBJ_PROCESS:
        process_destroy((process_t *)o);
        break;
    case XR_OBJ_THREAD:
        thread_destroy((thread_t *)o);
        break;
    case XR_OBJ_ENDPOINT:
        endpoint_destroy((endpoint_t *)o);
        break;
    case XR_OBJ_NOTIFICATION:
        notification_destroy((notification_t *)o);
        break;
    case XR_OBJ_MEMORY:
        memobj_destroy((memobj_t *)o);
        break;
    default:
        panic("kobj: no destructor for type %u", o->type);
    }
}
