/* Endpoints: rendezvous of senders and receivers with FIFO queues, message transfer
 * (registers, IPC buffer, caps), one-shot replies, cancellation, fault messages. */
#include "ipc/ipc.h"
#include "kernel/log.h"
#include "kernel/process.h"
#include "kernel/string.h"
#include "sched/sched.h"
#include "xr/syscall.h"

static kcache_t ep_cache;

endpoint_t *endpoint_create(process_t *owner)
{
    endpoint_t *ep = kobj_alloc(&ep_cache, XR_OBJ_ENDPOINT, owner);
    if (ep)
        ep->state = EP_IDLE; /* and an empty queue: kobj_alloc zeroes */
    return ep;
}

/* ---- queues (the helpers are inline in ipc/ipc.h, for the fastpath) ---- */

static void ep_block(endpoint_t *ep, ep_state_t state, unsigned wait)
{
    ep_push(ep, state, thread_current());
    sched_block(wait);
}

sysret_t ipc_result(kerr_t err)
{
    ipc_set_reg(thread_current(), ARCH_REG_RESULT, (uint64_t)err);
    return SYSRET_REGS_SET;
}

/* ---- message transfer ---- */

xr_ipc_buffer_t *ipc_buffer_at(process_t *p, uint64_t va)
{
    uint64_t pa;
    unsigned flags;
    if (!va || !p || !p->as)
        return NULL;
    if (mm_as_query(p->as, va, &pa, &flags) ||
        (flags & (PTF_OWNED | PTF_WRITE)) != (PTF_OWNED | PTF_WRITE))
        return NULL;
    return arch_phys_to_virt(pa);
}

/* The look-up walks the page tables once; the result is kept until the address space's
 * mappings change (map_gen), so long messages cost no page walk (docs/ipc.md). */
xr_ipc_buffer_t *ipc_buffer(thread_t *t)
{
    xr_ipc_buffer_t *b = ipc_buffer_cached(t);
    if (likely(b))
        return b;
    mm_as_t *as = t->proc ? t->proc->as : NULL;
    b = ipc_buffer_at(t->proc, t->ipcbuf_va);
    t->ipcbuf_kva = b;
    t->ipcbuf_gen = as ? as->map_gen : 0;
    return b;
}

/* Copy the caps named in the sender's buffer into the slots the receiver named. */
static unsigned transfer_caps(thread_t *from, xr_ipc_buffer_t *sb, thread_t *to,
                              xr_ipc_buffer_t *rb, unsigned ncaps)
{
    unsigned done = 0;
    if (!sb || !rb)
        return 0;
    for (unsigned i = 0; i < ncaps && i < XR_MSG_MAX_CAPS; i++) {
        if (rb->recv_slots[i] == XR_SLOT_NULL) /* slot 0 stays empty */
            break;
        if (cap_copy(&from->proc->caps, sb->send_caps[i], &to->proc->caps, rb->recv_slots[i],
                     XR_RIGHTS_ALL, 0) != XR_OK)
            break;
        done++;
    }
    return done;
}

/* Deliver a message to receiver r: tag and words 0..3 as given, words 4.. from the
 * sender's IPC buffer (from may be NULL: a kernel-made message), caps when grant. */
static void deliver(thread_t *from, thread_t *r, uint64_t badge, bool grant, uint64_t tag,
                    const uint64_t w[4])
{
    unsigned len = XR_TAG_LEN(tag), ncaps = from && grant ? XR_TAG_CAPS(tag) : 0;
    if (len > XR_MSG_MAX)
        len = XR_MSG_MAX;
    xr_ipc_buffer_t *sb = NULL, *rb = NULL;
    if (len > XR_MSG_REGS || ncaps) {
        sb = from ? ipc_buffer(from) : NULL;
        rb = ipc_buffer(r);
    }
    if (len > XR_MSG_REGS) {
        if (sb && rb)
            arch_copy_words(&rb->msg[XR_MSG_REGS], &sb->msg[XR_MSG_REGS], len - XR_MSG_REGS);
        else
            len = XR_MSG_REGS; /* a side without a buffer: the message is cut to the registers */
    }
    if (ncaps)
        ncaps = transfer_caps(from, sb, r, rb, ncaps);
    ipc_set_msg(r, badge, XR_TAG(XR_TAG_LABEL(tag), ncaps, len), w);
}

/* The message a queued sender left: its registers, or its fault message. */
static void sender_message(thread_t *s, uint64_t *tag, uint64_t w[4])
{
    if (s->ipc_fault) {
        *tag = XR_TAG(XR_LABEL_FAULT, 0, 5);
        for (unsigned i = 0; i < 4; i++)
            w[i] = s->fault_msg[i];
        return;
    }
    *tag = ipc_reg(s, ARCH_REG_TAG);
    for (unsigned i = 0; i < 4; i++)
        w[i] = ipc_reg(s, ARCH_REG_W0 + i);
}

/* A fault message has a fifth word (the access bits) in the receiver's buffer; without
 * a buffer the receiver gets the four register words. */
static void deliver_fault_extra(thread_t *s, thread_t *r)
{
    xr_ipc_buffer_t *rb = ipc_buffer(r);
    if (rb) {
        rb->msg[4] = s->fault_msg[4];
        ipc_set_reg(r, ARCH_REG_TAG, XR_TAG(XR_LABEL_FAULT, 0, 5));
    } else {
        ipc_set_reg(r, ARCH_REG_TAG, XR_TAG(XR_LABEL_FAULT, 0, 4));
    }
}

static void wake_with(thread_t *t, kerr_t err);

/* A caller whose reply is dropped (its server received again, or died): a call fails with
 * err; a faulting thread just runs its faulting instruction again, which faults anew
 * (and reaches whatever handler it then has), so its registers are never touched. */
static void drop_caller(thread_t *caller, kerr_t err)
{
    caller->reply_from = NULL;
    if (caller->state != TS_BLOCKED)
        return;
    if (caller->ipc_fault) {
        caller->ipc_fault = false;
        sched_wake(caller);
    } else {
        wake_with(caller, err);
    }
}

/* server now owes caller a reply; a reply it still owed an earlier caller is dropped. */
static void link_reply(thread_t *server, thread_t *caller)
{
    if (unlikely(server->reply_to != NULL))
        drop_caller(server->reply_to, XR_ECANCELED);
    server->reply_to = caller;
    caller->reply_from = server;
    caller->state = TS_BLOCKED;
    caller->wait = WAIT_REPLY;
}

/* ---- send, receive, reply ---- */

sysret_t ipc_send(endpoint_t *ep, uint64_t badge, bool grant, uint64_t tag, const uint64_t w[4],
                  bool call, bool block)
{
    thread_t *cur = thread_current();
    if (XR_TAG_LEN(tag) > XR_MSG_MAX || XR_TAG_CAPS(tag) > XR_MSG_MAX_CAPS)
        return XR_ERANGE;
    if (XR_TAG_CAPS(tag) && !grant)
        return XR_EPERM;
    if ((XR_TAG_LEN(tag) > XR_MSG_REGS || XR_TAG_CAPS(tag)) && !ipc_buffer(cur))
        return XR_EFAULT;
    if (ep->state != EP_RECEIVERS) {
        if (!block)
            return XR_EAGAIN;
        cur->ipc_badge = badge;
        cur->ipc_grant = grant;
        cur->ipc_call = call;
        cur->ipc_fault = false;
        ep_block(ep, EP_SENDERS, WAIT_SEND);
        return SYSRET_REGS_SET;
    }
    thread_t *r = ep_pop(ep);
    deliver(cur, r, badge, grant, tag, w);
    if (call) {
        link_reply(r, cur);
        sched_wake_run(r); /* cur is blocked: run the receiver or whoever is better */
        return SYSRET_REGS_SET;
    }
    sched_wake(r);
    return XR_OK;
}

/* ipc_recv, the caller of a reply just delivered (wake, if not NULL) made runnable: at once
 * when the receive will not block; else once the current thread is queued and blocked, by a
 * direct switch to it when the scheduler would pick it anyway (sched_block_waking, no
 * run-queue push and pull: the slowpath's reply_recv, as its call does). */
static sysret_t recv_waking(endpoint_t *ep, bool block, thread_t *wake)
{
    thread_t *cur = thread_current();
    bool bits = cur->bound && cur->bound->bits;
    if (block && !bits && ep->state != EP_SENDERS) {
        ep_push(ep, EP_RECEIVERS, cur);
        sched_block_waking(WAIT_RECV, wake);
        return SYSRET_REGS_SET;
    }
    if (wake)
        sched_wake(wake);
    if (bits) {
        uint64_t b = cur->bound->bits;
        cur->bound->bits = 0;
        uint64_t none[4] = {0};
        deliver(NULL, cur, b, false, XR_TAG(XR_LABEL_NOTIFY, 0, 0), none);
        return SYSRET_REGS_SET;
    }
    if (ep->state != EP_SENDERS)
        return XR_EAGAIN; /* (not block) */
    thread_t *s = ep_pop(ep);
    uint64_t tag, w[4];
    sender_message(s, &tag, w);
    deliver(s->ipc_fault ? NULL : s, cur, s->ipc_badge, s->ipc_grant, tag, w);
    if (s->ipc_fault)
        deliver_fault_extra(s, cur);
    if (s->ipc_call) {
        s->blocked_on = NULL;
        link_reply(cur, s);
    } else {
        ipc_set_reg(s, ARCH_REG_RESULT, XR_OK);
        sched_wake(s);
    }
    return SYSRET_REGS_SET;
}

sysret_t ipc_recv(endpoint_t *ep, bool block)
{
    return recv_waking(ep, block, NULL);
}

/* The reply to a fault: resume (label XR_FAULT_RESUME) or end the process. */
static void reply_fault(thread_t *t, uint64_t tag)
{
    t->ipc_fault = false;
    if (XR_TAG_LABEL(tag) == XR_FAULT_RESUME) {
        sched_wake(t);
        return;
    }
    process_terminate(t->proc, XR_PROC_KILLED, (unsigned)t->fault_msg[0]);
}

/* Replies carry words, never caps (a reply has no cap whose grant right could allow it).
 * The caller is not woken here: *wake is the one to wake (NULL when none, or a fault reply,
 * done at once). */
static sysret_t reply_deliver(uint64_t tag, const uint64_t w[4], thread_t **wake)
{
    thread_t *cur = thread_current(), *caller = cur->reply_to;
    *wake = NULL;
    if (!caller)
        return XR_ENOENT;
    if (XR_TAG_LEN(tag) > XR_MSG_MAX || XR_TAG_CAPS(tag) > XR_MSG_MAX_CAPS)
        return XR_ERANGE;
    if (XR_TAG_CAPS(tag))
        return XR_EPERM;
    if (XR_TAG_LEN(tag) > XR_MSG_REGS && !ipc_buffer(cur))
        return XR_EFAULT;
    cur->reply_to = NULL;
    caller->reply_from = NULL;
    if (caller->ipc_fault) {
        reply_fault(caller, tag);
        return XR_OK;
    }
    deliver(cur, caller, 0, false, tag, w);
    *wake = caller;
    return XR_OK;
}

sysret_t ipc_reply(uint64_t tag, const uint64_t w[4])
{
    thread_t *caller;
    sysret_t r = reply_deliver(tag, w, &caller);
    if (caller)
        sched_wake(caller);
    return r;
}

sysret_t ipc_reply_recv(endpoint_t *ep, uint64_t tag, const uint64_t w[4])
{
    thread_t *caller;
    sysret_t r = reply_deliver(tag, w, &caller);
    if (r != XR_OK && r != XR_ENOENT)
        return r;
    if (thread_current()->state == TS_DEAD)
        return SYSRET_REGS_SET; /* its reply ended its own process (a fault reply: no caller) */
    return recv_waking(ep, true, caller);
}

bool ipc_send_fault(unsigned vector, uint64_t error, uint64_t addr, uint64_t rip)
{
    thread_t *cur = thread_current();
    endpoint_t *ep = cur->fault_ep;
    if (!ep)
        return false;
    uint64_t access = vector == 14 ? (error & 0x1f) : 0;
    uint64_t m[5] = {vector, error, addr, rip, access};
    memcpy(cur->fault_msg, m, sizeof(m));
    cur->ipc_fault = true;
    cur->ipc_call = true;
    cur->ipc_badge = cur->fault_badge;
    cur->ipc_grant = false;
    if (ep->state != EP_RECEIVERS) {
        ep_block(ep, EP_SENDERS, WAIT_SEND);
        return true;
    }
    thread_t *r = ep_pop(ep);
    deliver(NULL, r, cur->fault_badge, false, XR_TAG(XR_LABEL_FAULT, 0, 5), m);
    deliver_fault_extra(cur, r);
    link_reply(r, cur);
    sched_wake_run(r);
    return true;
}

/* ---- cancellation ---- */

void ipc_cancel_recv(thread_t *t)
{
    ep_remove(t->blocked_on, t);
    t->blocked_on = NULL;
}

static void wake_with(thread_t *t, kerr_t err)
{
    ipc_set_reg(t, ARCH_REG_RESULT, err);
    t->ipc_fault = false;
    sched_wake(t);
}

/* Take t off the endpoint or notification queue it waits on, if any. Every waiter's
 * blocked_on names its queue while it is queued there and is NULL otherwise (a thread
 * waiting for a reply, or already taken off by a destroyed object, is on no queue). */
static void unqueue(thread_t *t)
{
    if (t->state != TS_BLOCKED || !t->blocked_on)
        return;
    if (t->wait == WAIT_SEND || t->wait == WAIT_RECV)
        ep_remove(t->blocked_on, t);
    else if (t->wait == WAIT_NOTIFY)
        tq_remove(&((notification_t *)t->blocked_on)->q, t);
    t->blocked_on = NULL;
}

void ipc_cancel(thread_t *t)
{
    unqueue(t);
    if (t->reply_from) { /* t waited for a reply: the server's reply will find no one */
        t->reply_from->reply_to = NULL;
        t->reply_from = NULL;
    }
    if (t->reply_to) { /* t owed a reply: its caller learns the server died */
        thread_t *caller = t->reply_to;
        t->reply_to = NULL;
        drop_caller(caller, XR_EDEAD);
    }
    if (t->bound) {
        t->bound->bound = NULL;
        t->bound = NULL;
    }
}

/* The last cap to ep is gone: every thread queued on it wakes with XR_EDEAD, and a
 * thread queued with a fault message (its handler endpoint is gone) runs its faulting
 * instruction again, which faults anew and reaches whatever handler it has by then, or
 * ends its process (as a caller whose fault reply is dropped does: drop_caller). */
static void endpoint_destroy(kobj_t *o)
{
    endpoint_t *ep = (endpoint_t *)o;
    while (!tq_empty(&ep->q)) {
        thread_t *t = ep_pop(ep);
        t->blocked_on = NULL;
        if (t->ipc_fault) {
            t->ipc_fault = false;
            sched_wake(t);
        } else {
            wake_with(t, XR_EDEAD);
        }
    }
    kobj_free(&ep_cache, &ep->obj);
}

static const kobj_ops_t endpoint_ops = {endpoint_destroy};

void endpoint_init(void)
{
    if (mm_cache_create(&ep_cache, "ipc.endpoint", sizeof(endpoint_t)))
        panic("endpoint: cannot create the object cache");
    kobj_type_register(XR_OBJ_ENDPOINT, &endpoint_ops);
}
