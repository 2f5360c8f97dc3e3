/* Process objects: creation with a quota carved from the parent's, termination (threads
 * killed, caps deleted, address space destroyed, quota refunded), destruction. */
#include "kernel/process.h"
#include "ipc/ipc.h"
#include "kernel/log.h"
#include "kernel/string.h"
#include "sched/sched.h"

static kcache_t process_cache;

void initproc_terminated(process_t *p);

process_t *process_current(void)
{
    thread_t *t = thread_current();
    return t ? t->proc : NULL;
}

static kerr_t process_alloc_parts(process_t *p)
{
    uint64_t slots = mm_frame_alloc(MM_POOL_KERNEL, PROCESS_SLOT_ORDER);
    if (!slots)
        return XR_ENOMEM;
    p->slots = arch_phys_to_virt(slots);
    cap_table_init(&p->caps, p->slots, XR_SLOTS);
    p->as = mm_as_create(&p->quota, 0);
    if (!p->as) {
        mm_frame_free(MM_POOL_KERNEL, slots, PROCESS_SLOT_ORDER);
        return XR_ENOMEM;
    }
    return XR_OK;
}

process_t *process_create(process_t *parent, uint64_t quota, const char *name)
{
    if (!process_cache.slab.name &&
        mm_cache_create(&process_cache, "kernel.process", sizeof(process_t)))
        return NULL;
    if (quota < PROCESS_CHARGE + 2 || (parent && mm_quota_charge(&parent->quota, quota)))
        return NULL;
    process_t *p = mm_cache_alloc(&process_cache);
    if (!p)
        goto fail;
    memset(p, 0, sizeof(*p));
    p->obj.type = XR_OBJ_PROCESS;
    p->quota.limit = quota;
    p->parent = parent;
    p->status = XR_PROC_RUNNING;
    for (size_t i = 0; name[i] && i < sizeof(p->name) - 1; i++)
        p->name[i] = name[i];
    mm_quota_charge(&p->quota, PROCESS_CHARGE);
    if (process_alloc_parts(p)) {
        mm_cache_free(&process_cache, p);
        goto fail;
    }
    if (parent)
        kobj_ref(&parent->obj);
    kobj_count_new(XR_OBJ_PROCESS);
    return p;
fail:
    if (parent)
        mm_quota_uncharge(&parent->quota, quota);
    return NULL;
}

static void process_end(process_t *p, unsigned status, unsigned code)
{
    if (p->status != XR_PROC_RUNNING)
        return;
    p->status = status;
    p->code = code;
    for (thread_t *t = p->threads, *next; t; t = next) {
        next = t->p_next;
        thread_kill(t);
    }
    cap_table_clear(&p->caps);
    mm_as_destroy(p->as);
    p->as = NULL;
    mm_frame_free(MM_POOL_KERNEL, arch_virt_to_phys(p->slots), PROCESS_SLOT_ORDER);
    p->slots = NULL;
    mm_quota_uncharge(&p->quota, PROCESS_CHARGE);
    process_t *parent = p->parent;
    p->parent = NULL;
    initproc_terminated(p);
    if (parent) {
        mm_quota_uncharge(&parent->quota, p->quota.limit);
        kobj_unref(&parent->obj);
    }
}

void process_terminate(process_t *p, unsigned status, unsigned code)
{
    kobj_ref(&p->obj); /* stay alive while tearing down, whatever the caps do */
    process_end(p, status, code);
    kobj_unref(&p->obj);
}

/* The last reference is gone: caps and threads (each thread holds one) are all gone, so
 * the process has no thread left; end it if it had not ended, and free the object. A
 * process that still runs is kept alive by its threads even when no cap names it. */
void process_destroy(process_t *p)
{
    process_end(p, XR_PROC_KILLED, 0xff);
    kobj_count_gone(XR_OBJ_PROCESS);
    mm_cache_free(&process_cache, p);
}

static void cap_obj_ref(void *obj, uint8_t type)
{
    (void)type;
    kobj_ref(obj);
}

/* Dropping a cap: a stopped thread that no cap names any more can never be started, so
 * it ends (its process holds the last reference and lets go when it is reaped). */
static void cap_obj_unref(void *obj, uint8_t type)
{
    thread_t *t = obj;
    bool last_cap = type == XR_OBJ_THREAD && t->obj.refs == 2 && t->state == TS_STOPPED;
    kobj_unref(obj);
    if (last_cap)
        thread_kill(t);
}

static void cap_slot_gone(const cap_slot_t *s)
{
    if (s->type == XR_OBJ_MEMORY)
        memobj_slot_gone(s->object, s);
}

static void cap_slot_moved(const cap_slot_t *from, const cap_slot_t *to)
{
    if (to->type == XR_OBJ_MEMORY)
        memobj_slot_moved(to->object, from, to);
}

static const cap_object_ops_t cap_ops = {cap_obj_ref, cap_obj_unref, cap_slot_gone, cap_slot_moved};

/* Called once at boot, before any process exists. */
void process_init(void)
{
    cap_set_object_ops(&cap_ops);
}

static const char *const fault_names[32] = {
    [0] = "divide error",         [1] = "debug",
    [3] = "breakpoint",           [4] = "overflow",
    [5] = "bound range",          [6] = "invalid opcode",
    [7] = "device not available", [12] = "stack fault",
    [13] = "general protection",  [14] = "page fault",
    [16] = "x87 error",           [17] = "alignment check",
    [19] = "SIMD error",
};

/* A CPU exception in user mode with no handler: report it and end the process. The
 * faulting thread never runs again (the caller switches away). */
void kernel_user_fault(unsigned vector, uint64_t error, uint64_t addr, uint64_t rip)
{
    process_t *p = process_current();
    if (ipc_send_fault(vector, error, addr, rip))
        return; /* the handler has replied "resume" by the time this returns */
    const char *name = vector < 32 && fault_names[vector] ? fault_names[vector] : "exception";
    log_warn("fault: process %s killed: %s (vector %u, error %lx) at rip %lx", p->name, name,
             vector, error, rip);
    if (vector == 14)
        log_warn(", address %lx", addr);
    log_warn("\n");
    process_terminate(p, XR_PROC_KILLED, vector);
}
