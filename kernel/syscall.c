/* System-call dispatch and the small calls: debug output, exit, yield, sleep, info,
 * capability operations and port I/O. The process and memory calls are in sys_process.c. */
#include "kernel/syscall.h"
#include "drivers/console.h"
#include "ipc/ipc.h"
#include "kernel/log.h"
#include "sched/sched.h"

#define DEBUG_WRITE_MAX 1024

void *sys_lookup(uint64_t slot, unsigned type, unsigned rights, kerr_t *err)
{
    cap_slot_t *s;
    if (slot >= XR_SLOTS) {
        *err = XR_ERANGE;
        return NULL;
    }
    *err = cap_lookup(&process_current()->caps, (xr_cap_t)slot, type, rights, &s);
    return *err ? NULL : s->object;
}

kerr_t sys_slot_free(uint64_t slot)
{
    cap_slot_t *s;
    if (slot >= XR_SLOTS || slot == XR_SLOT_NULL)
        return XR_ERANGE;
    kerr_t err = cap_lookup(&process_current()->caps, (xr_cap_t)slot, XR_OBJ_NONE, 0, &s);
    return err == XR_EBADCAP ? XR_OK : XR_EBUSY;
}

static kerr_t sys_null(const uint64_t a[6], uint64_t *value)
{
    (void)a, (void)value;
    return XR_OK;
}

static kerr_t sys_debug_write(const uint64_t a[6], uint64_t *value)
{
    char buf[DEBUG_WRITE_MAX];
    (void)value;
    if (a[1] > DEBUG_WRITE_MAX)
        return XR_ERANGE;
    kerr_t err = arch_copy_from_user(buf, a[0], a[1]);
    if (!err)
        console_write(buf, a[1]);
    return err;
}

static kerr_t sys_exit(const uint64_t a[6], uint64_t *value)
{
    (void)value;
    process_terminate(process_current(), XR_PROC_EXITED, (unsigned)(a[0] & 0xffffff));
    return XR_OK; /* never seen: the thread is dead and is switched away from */
}

static kerr_t sys_thread_exit(const uint64_t a[6], uint64_t *value)
{
    (void)a, (void)value;
    process_t *p = process_current();
    thread_kill(thread_current());
    for (thread_t *t = p->threads; t; t = t->p_next)
        if (t->state == TS_RUNNABLE || t->state == TS_BLOCKED)
            return XR_OK; /* a stopped thread does not keep the process going */
    process_terminate(p, XR_PROC_EXITED, 0);
    return XR_OK;
}

static kerr_t sys_yield(const uint64_t a[6], uint64_t *value)
{
    (void)a, (void)value;
    sched_yield();
    return XR_OK;
}

static kerr_t sys_sleep(const uint64_t a[6], uint64_t *value)
{
    (void)value;
    uint64_t tick_us = 1000000 / SCHED_HZ;
    if (a[0] > 3600ul * 1000000) /* an hour at most */
        return XR_ERANGE;
    /* +1: the current tick is partly over, and the sleep must last at least a[0] */
    sched_sleep_until(sched_ticks() + (a[0] + tick_us - 1) / tick_us + 1);
    return XR_OK;
}

_Static_assert(XR_INFO_QUOTA_KERNEL_USED + MM_POOL_PT == XR_INFO_QUOTA_PT_USED &&
                   XR_INFO_QUOTA_KERNEL_USED + MM_POOL_USER == XR_INFO_QUOTA_USER_USED &&
                   XR_INFO_QUOTA_KERNEL_LIMIT + MM_POOL_PT == XR_INFO_QUOTA_PT_LIMIT &&
                   MM_POOL_KERNEL == 0,
               "XR_INFO_QUOTA_* follow the pools' order");

static kerr_t sys_info(const uint64_t a[6], uint64_t *value)
{
    process_t *p = process_current();
    switch (a[0]) {
    case XR_INFO_FRAMES_FREE:
        *value = mm_frames_free();
        break;
    case XR_INFO_QUOTA_USED:
        *value = p->quota.used;
        break;
    case XR_INFO_QUOTA_LIMIT:
        *value = p->quota.limit;
        break;
    case XR_INFO_QUOTA_KERNEL_USED:
    case XR_INFO_QUOTA_PT_USED:
    case XR_INFO_QUOTA_USER_USED:
        *value = p->quota.pool_used[a[0] - XR_INFO_QUOTA_KERNEL_USED];
        break;
    case XR_INFO_QUOTA_KERNEL_LIMIT:
    case XR_INFO_QUOTA_PT_LIMIT:
        *value = p->quota.pool_limit[a[0] - XR_INFO_QUOTA_KERNEL_LIMIT];
        break;
    case XR_INFO_REAP_LONGEST:
        *value = kobj_reap_longest();
        break;
    case XR_INFO_TICKS:
        *value = sched_ticks();
        break;
    case XR_INFO_TICK_US:
        *value = 1000000 / SCHED_HZ;
        break;
    case XR_INFO_CPU:
        *value = thread_current()->cpu;
        break;
    case XR_INFO_OBJECTS:
        *value = kobj_alive(XR_OBJ_NONE);
        break;
    case XR_INFO_PROCESSES:
        *value = kobj_alive(XR_OBJ_PROCESS);
        break;
    case XR_INFO_THREADS:
        *value = kobj_alive(XR_OBJ_THREAD);
        break;
    case XR_INFO_FASTPATH:
        *value = ipc_fastpath_enabled;
        break;
    case XR_INFO_FASTPATH_HITS:
        *value = ipc_fastpath_hits;
        break;
    case XR_INFO_KERNEL_CACHED:
        *value = mm_cache_pages();
        break;
    default:
        return XR_EINVAL;
    }
    return XR_OK;
}

static cap_table_t *own_caps(void)
{
    return &process_current()->caps;
}

static kerr_t sys_cap_copy(const uint64_t a[6], uint64_t *value)
{
    (void)value;
    if (a[0] >= XR_SLOTS || a[1] >= XR_SLOTS || a[1] == XR_SLOT_NULL || a[2] > XR_RIGHTS_ALL)
        return a[2] > XR_RIGHTS_ALL ? XR_EINVAL : XR_ERANGE;
    return cap_copy(own_caps(), (xr_cap_t)a[0], own_caps(), (xr_cap_t)a[1], (uint32_t)a[2], a[3]);
}

static kerr_t sys_cap_move(const uint64_t a[6], uint64_t *value)
{
    (void)value;
    if (a[0] >= XR_SLOTS || a[1] >= XR_SLOTS || a[1] == XR_SLOT_NULL)
        return XR_ERANGE;
    return cap_move(own_caps(), (xr_cap_t)a[0], own_caps(), (xr_cap_t)a[1]);
}

/* Delete and revoke: the cap layer only queues what the removed caps released; the
 * objects go (kobj_reap) once it has returned. */
static kerr_t sys_cap_delete(const uint64_t a[6], uint64_t *value)
{
    (void)value;
    kerr_t err = a[0] >= XR_SLOTS ? XR_ERANGE : cap_delete(own_caps(), (xr_cap_t)a[0]);
    kobj_reap();
    return err;
}

static kerr_t sys_cap_revoke(const uint64_t a[6], uint64_t *value)
{
    (void)value;
    kerr_t err = a[0] >= XR_SLOTS ? XR_ERANGE : cap_revoke(own_caps(), (xr_cap_t)a[0]);
    kobj_reap();
    return err;
}

static kerr_t sys_cap_identify(const uint64_t a[6], uint64_t *value)
{
    cap_slot_t *s;
    if (a[0] >= XR_SLOTS)
        return XR_ERANGE;
    kerr_t err = cap_lookup(own_caps(), (xr_cap_t)a[0], XR_OBJ_NONE, 0, &s);
    if (!err)
        *value = s->type | (uint64_t)s->rights << 8;
    return err;
}

static kerr_t ioport_check(const uint64_t a[6], ioport_t **io, unsigned rights)
{
    kerr_t err;
    *io = sys_lookup(a[0], XR_OBJ_IOPORT, rights, &err);
    if (err)
        return err;
    if (a[2] != 1 && a[2] != 2 && a[2] != 4)
        return XR_EINVAL;
    if (a[1] < (*io)->first || a[1] + a[2] - 1 > (*io)->last)
        return XR_EPERM;
    return XR_OK;
}

static kerr_t sys_ioport_in(const uint64_t a[6], uint64_t *value)
{
    ioport_t *io;
    kerr_t err = ioport_check(a, &io, XR_RIGHT_READ);
    if (!err)
        *value = arch_io_in((uint16_t)a[1], (unsigned)a[2]);
    return err;
}

static kerr_t sys_ioport_out(const uint64_t a[6], uint64_t *value)
{
    ioport_t *io;
    (void)value;
    kerr_t err = ioport_check(a, &io, XR_RIGHT_WRITE);
    if (!err)
        arch_io_out((uint16_t)a[1], (unsigned)a[2], (uint32_t)a[3]);
    return err;
}

/* Indexed by system-call number; the entry code calls it directly (every entry is set:
 * syscall_table_check). */
const sys_handler_t syscall_table[XR_SYS_COUNT] = {
    [XR_SYS_NULL] = sys_null,
    [XR_SYS_DEBUG_WRITE] = sys_debug_write,
    [XR_SYS_EXIT] = sys_exit,
    [XR_SYS_YIELD] = sys_yield,
    [XR_SYS_SLEEP] = sys_sleep,
    [XR_SYS_INFO] = sys_info,
    [XR_SYS_CAP_COPY] = sys_cap_copy,
    [XR_SYS_CAP_MOVE] = sys_cap_move,
    [XR_SYS_CAP_DELETE] = sys_cap_delete,
    [XR_SYS_CAP_REVOKE] = sys_cap_revoke,
    [XR_SYS_CAP_IDENTIFY] = sys_cap_identify,
    [XR_SYS_PROCESS_CREATE] = sys_process_create,
    [XR_SYS_PROCESS_STATUS] = sys_process_status,
    [XR_SYS_PROCESS_KILL] = sys_process_kill,
    [XR_SYS_PROCESS_GIVE_CAP] = sys_process_give_cap,
    [XR_SYS_MAP_ANON] = sys_map_anon,
    [XR_SYS_MAP_MEMORY] = sys_map_memory,
    [XR_SYS_UNMAP] = sys_unmap,
    [XR_SYS_PROTECT] = sys_protect,
    [XR_SYS_MEM_WRITE] = sys_mem_write,
    [XR_SYS_THREAD_CREATE] = sys_thread_create,
    [XR_SYS_THREAD_SET_REGS] = sys_thread_set_regs,
    [XR_SYS_THREAD_SET_PRIO] = sys_thread_set_prio,
    [XR_SYS_THREAD_SET_AFFINITY] = sys_thread_set_affinity,
    [XR_SYS_THREAD_START] = sys_thread_start,
    [XR_SYS_THREAD_STATUS] = sys_thread_status,
    [XR_SYS_IOPORT_IN] = sys_ioport_in,
    [XR_SYS_IOPORT_OUT] = sys_ioport_out,
    [XR_SYS_THREAD_EXIT] = sys_thread_exit,
    [XR_SYS_SEND] = sys_send,
    [XR_SYS_NBSEND] = sys_nbsend,
    [XR_SYS_RECV] = sys_recv,
    [XR_SYS_POLL] = sys_poll,
    [XR_SYS_CALL] = sys_call,
    [XR_SYS_REPLY] = sys_reply,
    [XR_SYS_REPLY_RECV] = sys_reply_recv,
    [XR_SYS_ENDPOINT_CREATE] = sys_endpoint_create,
    [XR_SYS_NOTIFY_CREATE] = sys_notify_create,
    [XR_SYS_SIGNAL] = sys_signal,
    [XR_SYS_WAIT] = sys_wait,
    [XR_SYS_NOTIFY_POLL] = sys_notify_poll,
    [XR_SYS_NOTIFY_BIND] = sys_notify_bind,
    [XR_SYS_THREAD_SET_IPCBUF] = sys_thread_set_ipcbuf,
    [XR_SYS_THREAD_SET_FAULT] = sys_thread_set_fault,
    [XR_SYS_MEMORY_CREATE] = sys_memory_create,
    [XR_SYS_IRQ_BIND] = sys_irq_bind,
};

void syscall_refused(uint64_t nr, uint64_t err)
{
    log_debug("syscall %lu from %s: error %lu\n", nr, process_current()->name, err);
}

uint64_t syscall_handler(uint64_t nr, const uint64_t args[6], uint64_t *value)
{
    if (unlikely(nr >= XR_SYS_COUNT))
        return XR_ENOSYS;
    uint64_t err = (uint64_t)(int64_t)syscall_table[nr](args, value); /* -1: SYSCALL_RESULTS_SET */
    if (unlikely(err && err != SYSCALL_RESULTS_SET))
        syscall_refused(nr, err);
    return err;
}

void syscall_table_check(void)
{
    for (unsigned i = 0; i < XR_SYS_COUNT; i++)
        if (!syscall_table[i])
            panic("syscall: no handler for number %u", i);
}

void kernel_before_user_return(void)
{
    while (unlikely(sched_should_switch()))
        sched_schedule();
}
