/* Process objects: creation with a quota carved from the parent's, the rules that end a
 * process (threads killed, caps deleted, address space destroyed, children ended), and
 * destruction (quota refunded). The cap layer's object callbacks live here too. */
#include "kernel/process.h"
#include "ipc/ipc.h"
#include "kernel/log.h"
#include "kernel/string.h"
#include "mm/memobj.h"
#include "sched/sched.h"

static kcache_t process_cache;

static void process_end(process_t *p, unsigned status, unsigned code);

/* p has ended: tell each watcher and let go of its notification (whose destruction, if
 * this was the last reference, is queued: the caller may be tearing down). */
static void watchers_signal(process_t *p)
{
    for (unsigned i = 0; i < XR_PROC_WATCHES; i++) {
        notification_t *n = p->watch[i].ntfn;
        if (!n)
            continue;
        p->watch[i].ntfn = NULL;
        notification_signal(n, p->watch[i].bits);
        kobj_unref_deferred(&n->obj);
    }
}

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
    p->as = mm_as_create(&p->quota);
    if (!p->as) {
        mm_frame_free(MM_POOL_KERNEL, slots, PROCESS_SLOT_ORDER);
        return XR_ENOMEM;
    }
    return XR_OK;
}

process_t *process_create(process_t *parent, const mm_quota_t *q, const char *name)
{
    if (q->pool_limit[MM_POOL_KERNEL] < PROCESS_CHARGE ||
        q->pool_limit[MM_POOL_PT] < PROCESS_PT_MIN || q->limit < PROCESS_CHARGE + PROCESS_PT_MIN)
        return NULL;
    if (parent && mm_quota_carve(&parent->quota, q))
        return NULL;
    process_t *p = mm_cache_alloc(&process_cache);
    if (!p)
        goto fail;
    memset(p, 0, sizeof(*p));
    p->obj.type = XR_OBJ_PROCESS;
    p->quota.limit = q->limit;
    for (unsigned i = 0; i < MM_POOLS; i++)
        p->quota.pool_limit[i] = q->pool_limit[i];
    p->status = XR_PROC_RUNNING;
    for (size_t i = 0; name[i] && i < sizeof(p->name) - 1; i++)
        p->name[i] = name[i];
    mm_quota_charge(&p->quota, MM_POOL_KERNEL, PROCESS_CHARGE);
    if (process_alloc_parts(p)) {
        mm_cache_free(&process_cache, p);
        goto fail;
    }
    if (parent) {
        kobj_ref(&parent->obj);
        p->parent = parent;
        p->sibling = parent->children;
        parent->children = p;
    }
    kobj_count_new(XR_OBJ_PROCESS);
    return p;
fail:
    if (parent)
        mm_quota_return(&parent->quota, q);
    return NULL;
}

/* Deferred work (kobj_defer): end a process that nothing can use any more. */
static void end_unused(kobj_t *o)
{
    process_t *p = (process_t *)o;
    process_end(p, XR_PROC_KILLED, 0xff);
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
    memobj_forget_process(p); /* before the address space goes: its records name p */
    cap_table_clear(&p->caps);
    mm_as_destroy(p->as);
    p->as = NULL;
    mm_frame_free(MM_POOL_KERNEL, arch_virt_to_phys(p->slots), PROCESS_SLOT_ORDER);
    p->slots = NULL;
    mm_quota_uncharge(&p->quota, MM_POOL_KERNEL, PROCESS_CHARGE);
    /* Children end with their parent: queued, not recursed into, so a deep tree of
     * processes costs no stack (kobj_reap ends them one by one). */
    for (process_t *c = p->children; c; c = c->sibling)
        if (c->status == XR_PROC_RUNNING)
            kobj_defer(&c->obj, end_unused);
    initproc_terminated(p);
    watchers_signal(p);
}

kerr_t process_watch(process_t *p, notification_t *n, uint64_t bits)
{
    if (p->status != XR_PROC_RUNNING) {
        notification_signal(n, bits);
        return XR_OK;
    }
    unsigned free = XR_PROC_WATCHES;
    for (unsigned i = 0; i < XR_PROC_WATCHES; i++) {
        if (p->watch[i].ntfn == n) {
            p->watch[i].bits = bits;
            return XR_OK;
        }
        if (!p->watch[i].ntfn && free == XR_PROC_WATCHES)
            free = i;
    }
    if (free == XR_PROC_WATCHES)
        return XR_EBUSY;
    kobj_ref(&n->obj); /* a watching notification lives until p ends */
    p->watch[free].ntfn = n;
    p->watch[free].bits = bits;
    return XR_OK;
}

void process_terminate(process_t *p, unsigned status, unsigned code)
{
    kobj_ref(&p->obj); /* stay alive while tearing down, whatever the caps do */
    process_end(p, status, code);
    kobj_unref(&p->obj);
}

/* p may have become unused: no thread of its own that could run (or be started by
 * whoever holds its cap), and no cap to it in a process that has one. Then it ends,
 * deferred: the caller may be inside the cap layer. */
static void end_if_unused(process_t *p)
{
    if (p->status == XR_PROC_RUNNING && p->holders == 0 && p->live_threads == 0)
        kobj_defer(&p->obj, end_unused);
}

/* The process named by cap s, when s is a cap to a process other than holder's. */
static process_t *held_process(const cap_slot_t *s, const process_t *holder)
{
    return s->type == XR_OBJ_PROCESS && s->object != holder ? s->object : NULL;
}

static void holder_add(process_t *q)
{
    q->holders++;
}

static void holder_drop(process_t *q)
{
    kassert(q->holders > 0);
    if (--q->holders == 0)
        end_if_unused(q);
}

/* p's caps to other processes count as holders only while p has a live thread: on
 * either change, go over its table once (XR_SLOTS slots, a bounded walk). */
static void holders_update(process_t *p, bool live)
{
    for (unsigned i = 0; p->slots && i < XR_SLOTS; i++) {
        process_t *q = held_process(&p->slots[i], p);
        if (q && live)
            holder_add(q);
        else if (q)
            holder_drop(q);
    }
}

void process_thread_new(process_t *p)
{
    if (p->live_threads++ == 0)
        holders_update(p, true);
}

void process_thread_gone(process_t *p)
{
    kassert(p->live_threads > 0);
    if (--p->live_threads == 0) {
        holders_update(p, false);
        end_if_unused(p);
    }
}

/* The last reference is gone: threads, caps, owned objects and children are all gone,
 * so everything charged to p's quota has been freed; its limits return to the parent. */
static void process_destroy(kobj_t *o)
{
    process_t *p = (process_t *)o;
    process_end(p, XR_PROC_KILLED, 0xff);
    kassert(p->quota.used == 0 && !p->children);
    process_t *parent = p->parent;
    if (parent) {
        process_t **pp = &parent->children;
        while (*pp != p)
            pp = &(*pp)->sibling;
        *pp = p->sibling;
        mm_quota_return(&parent->quota, &p->quota);
    }
    kobj_count_gone(XR_OBJ_PROCESS);
    mm_cache_free(&process_cache, p);
    if (parent)
        kobj_unref(&parent->obj); /* queued if it was the last: no recursion */
}

/* The process whose table holds slot s. */
static process_t *slot_holder(const cap_slot_t *s)
{
    return (process_t *)((char *)s->table - __builtin_offsetof(process_t, caps));
}

static void cap_obj_ref(const cap_slot_t *s)
{
    kassert_serialised();
    process_t *holder = slot_holder(s), *q = held_process(s, holder);
    if (q && holder->live_threads)
        holder_add(q);
    kobj_ref(s->object);
}

/* Dropping a cap, from inside the cap layer: nothing is destroyed or ended here (that
 * would re-enter the cap layer); it is queued, and the system call that deleted the cap
 * runs the queue (kobj_reap) when the cap layer is done. A stopped thread that no cap
 * names any more can never be started, so it ends; a process nothing uses ends. */
static void cap_obj_unref(const cap_slot_t *s)
{
    kassert_serialised();
    process_t *holder = slot_holder(s), *q = held_process(s, holder);
    if (q && holder->live_threads)
        holder_drop(q);
    if (s->type == XR_OBJ_THREAD) {
        thread_t *t = s->object;
        if (t->obj.refs == 2 && t->state == TS_STOPPED)
            kobj_defer(&t->obj, thread_kill_deferred);
    }
    kobj_unref_deferred(s->object);
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
    process_t *old = slot_holder(from), *new = slot_holder(to);
    if (to->type == XR_OBJ_PROCESS && old != new) { /* the cap changes holder */
        if (held_process(to, new) && new->live_threads)
            holder_add(to->object);
        if (held_process(from, old) && old->live_threads)
            holder_drop(to->object);
    }
}

static const cap_object_ops_t cap_ops = {cap_obj_ref, cap_obj_unref, cap_slot_gone, cap_slot_moved};
static const kobj_ops_t process_ops = {process_destroy};

void process_init(void)
{
    if (mm_cache_create(&process_cache, "kernel.process", sizeof(process_t)))
        panic("process: cannot create the object cache");
    kobj_type_register(XR_OBJ_PROCESS, &process_ops);
    thread_init();
    cap_set_object_ops(&cap_ops);
}
