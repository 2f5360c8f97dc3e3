/* Reference counting of kernel objects and the dispatch of their destruction. */
#include "kernel/object.h"
#include "kernel/log.h"
#include "kernel/process.h"

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
    default:
        panic("kobj: no destructor for type %u", o->type);
    }
}
