/* Notifications: a word of bits that signals OR into and a wait takes (and clears),
 * with waiters queued FIFO, and an optional bound thread whose endpoint receive also
 * returns on a signal (how a server takes calls and interrupts in one loop). */
#include "ipc/ipc.h"
#include "kernel/log.h"
#include "kernel/process.h"
#include "sched/sched.h"

static kcache_t ntfn_cache;

notification_t *notification_create(process_t *owner)
{
    return kobj_alloc(&ntfn_cache, XR_OBJ_NOTIFICATION, owner);
}

/* Hand bits to a thread blocked in wait (as the value register) and wake it. */
static void wake_waiter(thread_t *t, uint64_t bits)
{
    ipc_set_reg(t, ARCH_REG_RESULT, XR_OK);
    ipc_set_reg(t, ARCH_REG_W0, bits);
    sched_wake(t);
}

/* The bound thread waits in an endpoint receive: take it off that queue and give it the
 * notification message instead. */
static bool wake_bound(notification_t *n)
{
    thread_t *t = n->bound;
    if (!t || t->state != TS_BLOCKED || t->wait != WAIT_RECV)
        return false;
    ipc_cancel_recv(t);
    ipc_set_reg(t, ARCH_REG_RESULT, XR_OK);
    ipc_set_reg(t, ARCH_REG_BADGE, n->bits);
    ipc_set_reg(t, ARCH_REG_TAG, XR_TAG(XR_LABEL_NOTIFY, 0, 0));
    for (unsigned i = 0; i < XR_MSG_REGS; i++)
        ipc_set_reg(t, ARCH_REG_W0 + i, 0);
    n->bits = 0;
    sched_wake(t);
    return true;
}

void notification_signal(notification_t *n, uint64_t bits)
{
    if (!tq_empty(&n->q)) {
        wake_waiter(tq_pop(&n->q), n->bits | bits);
        n->bits = 0;
        return;
    }
    n->bits |= bits;
    wake_bound(n);
}

sysret_t notification_wait(notification_t *n, bool block)
{
    thread_t *cur = thread_current();
    if (n->bits || !block) {
        uint64_t bits = n->bits;
        n->bits = 0;
        ipc_set_reg(cur, ARCH_REG_RESULT, bits || block ? XR_OK : XR_EAGAIN);
        ipc_set_reg(cur, ARCH_REG_W0, bits);
        return SYSRET_REGS_SET;
    }
    tq_push(&n->q, cur);
    cur->blocked_on = n;
    sched_block(WAIT_NOTIFY);
    return SYSRET_REGS_SET;
}

kerr_t notification_bind(notification_t *n, thread_t *t)
{
    if (n->bound || t->bound)
        return XR_EBUSY;
    n->bound = t;
    t->bound = n;
    return XR_OK;
}

static void notification_destroy(kobj_t *o)
{
    notification_t *n = (notification_t *)o;
    while (!tq_empty(&n->q)) {
        thread_t *t = tq_pop(&n->q);
        t->blocked_on = NULL;
        ipc_set_reg(t, ARCH_REG_RESULT, XR_EDEAD);
        sched_wake(t);
    }
    if (n->bound)
        n->bound->bound = NULL;
    kobj_free(&ntfn_cache, &n->obj);
}

static const kobj_ops_t notification_ops = {notification_destroy};

void notification_init(void)
{
    if (mm_cache_create(&ntfn_cache, "ipc.notification", sizeof(notification_t)))
        panic("notification: cannot create the object cache");
    kobj_type_register(XR_OBJ_NOTIFICATION, &notification_ops);
}
