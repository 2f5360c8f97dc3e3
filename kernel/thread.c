/* Thread objects: creation (stack, FPU page, charged to the process), start, kill and
 * reaping. The thread object lives while caps or its process refer to it. */
#include "ipc/ipc.h"
#include "kernel/log.h"
#include "kernel/process.h"
#include "kernel/string.h"
#include "sched/sched.h"

static kcache_t thread_cache;

thread_t *thread_create(process_t *p)
{
    if (mm_quota_charge(&p->quota, MM_POOL_KERNEL, THREAD_CHARGE))
        return NULL;
    thread_t *t = mm_cache_alloc(&thread_cache);
    uint64_t stack = mm_kstack_alloc();
    uint64_t fpu = mm_frame_alloc(MM_POOL_KERNEL, 0);
    if (!t || !stack || !fpu) {
        if (t)
            mm_cache_free(&thread_cache, t);
        mm_kstack_free(stack);
        if (fpu)
            mm_frame_free(MM_POOL_KERNEL, fpu, 0);
        mm_quota_uncharge(&p->quota, MM_POOL_KERNEL, THREAD_CHARGE);
        return NULL;
    }
    memset(t, 0, sizeof(*t));
    t->obj.type = XR_OBJ_THREAD;
    t->obj.refs = 1; /* the process's */
    t->proc = p;
    kobj_ref(&p->obj); /* a thread keeps its process object (and quota) alive */
    t->state = TS_STOPPED;
    t->prio = THREAD_DEFAULT_PRIO; /* never above its creator's: see below */
    thread_t *creator = thread_current();
    t->cpu = creator ? creator->cpu : 0; /* its creator's CPU until told otherwise */
    if (creator && creator->proc && creator->prio < t->prio)
        t->prio = creator->prio;
    arch_thread_init_user(&t->arch, stack, arch_phys_to_virt(fpu));
    t->p_next = p->threads;
    p->threads = t;
    process_thread_new(p);
    kobj_count_new(XR_OBJ_THREAD);
    return t;
}

kerr_t thread_start(thread_t *t)
{
    if (t->state != TS_STOPPED)
        return XR_EBUSY;
    if (t->place_any)
        t->cpu = sched_place();
    t->place_any = false;
    t->state = TS_RUNNABLE;
    sched_enqueue(t);
    return XR_OK;
}

void thread_kill(thread_t *t)
{
    if (t->state == TS_DEAD)
        return;
    process_t *p = t->proc;
    sched_dequeue(t);
    ipc_cancel(t);
    int cpu = sched_cpu_running(t); /* its stack is in use there: reaped after the switch */
    bool running = cpu >= 0;
    t->state = TS_DEAD;
    if (running) {
        sched_hot_of((unsigned)cpu)->need_switch = true; /* the exit path must not return to it */
        if ((unsigned)cpu != arch_cpu_id())
            arch_ipi_send((unsigned)cpu, ARCH_IPI_RESCHED);
    }
    if (p)
        process_thread_gone(p); /* before the reap: it may drop the last reference on p */
    if (!running)
        thread_reap(t); /* the running one is reaped after the switch away from it */
}

void thread_kill_deferred(kobj_t *o)
{
    thread_kill((thread_t *)o);
}

/* Unlink t from its process and drop the process's reference. */
static void thread_detach(thread_t *t)
{
    process_t *p = t->proc;
    if (!p)
        return;
    for (thread_t **pp = &p->threads; *pp; pp = &(*pp)->p_next) {
        if (*pp == t) {
            *pp = t->p_next;
            break;
        }
    }
    t->proc = NULL;
    mm_quota_uncharge(&p->quota, MM_POOL_KERNEL, THREAD_CHARGE);
    kobj_unref(&p->obj);
    kobj_unref(&t->obj);
}

void thread_reap(thread_t *t)
{
    if (t->reaped)
        return;
    t->reaped = true;
    if (t->fault_ep)
        kobj_unref(&t->fault_ep->obj);
    t->fault_ep = NULL;
    mm_kstack_free(t->arch.kstack_top);
    mm_frame_free(MM_POOL_KERNEL, arch_virt_to_phys(t->arch.fpu), 0);
    thread_detach(t);
}

static void thread_destroy(kobj_t *o)
{
    thread_t *t = (thread_t *)o;
    kassert(t->state == TS_DEAD && t->reaped); /* its process held a reference until then */
    kobj_count_gone(XR_OBJ_THREAD);
    mm_cache_free(&thread_cache, t);
}

static const kobj_ops_t thread_ops = {thread_destroy};

void thread_init(void)
{
    if (mm_cache_create(&thread_cache, "kernel.thread", sizeof(thread_t)))
        panic("thread: cannot create the object cache");
    kobj_type_register(XR_OBJ_THREAD, &thread_ops);
}
