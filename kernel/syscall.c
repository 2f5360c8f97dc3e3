/* System-call dispatch and the small calls: debug output, exit, yield, sleep, info. The
 * entry code (arch/x86_64/trap_entry.S) is the one dispatcher: it indexes syscall_table
 * with the number (XR_SYS_COUNT for any number past the end) and calls the handler; the
 * handlers of each kind of object are in their own files (kernel/syscall.h lists them). */
#include "kernel/syscall.h"
#include "drivers/console.h"
#include "drivers/rtc.h"
#include "ipc/ipc.h"
#include "kernel/log.h"
#include "sched/sched.h"

#define DEBUG_WRITE_MAX 1024

kerr_t sys_slot_free(uint64_t slot)
{
    kerr_t err;
    if (slot == XR_SLOT_NULL)
        return XR_ERANGE;
    sys_cap(process_current(), slot, XR_OBJ_NONE, 0, &err);
    return err == XR_EBADCAP ? XR_OK : err == XR_ERANGE ? XR_ERANGE : XR_EBUSY;
}

kerr_t sys_create(uint64_t slot, unsigned type, void *(*make)(process_t *owner))
{
    kerr_t err = sys_slot_free(slot);
    if (err)
        return err;
    process_t *p = process_current();
    void *o = make(p);
    if (!o)
        return XR_ENOMEM;
    return cap_insert(&p->caps, (xr_cap_t)slot, type, XR_RIGHTS_ALL, 0, o); /* cannot fail */
}

SYSCALL(null)
{
    return XR_OK;
}

SYSCALL(nosys)
{
    return XR_ENOSYS;
}

SYSCALL(debug_write)
{
    char buf[DEBUG_WRITE_MAX];
    if (a[1] > DEBUG_WRITE_MAX)
        return XR_ERANGE;
    kerr_t err = arch_copy_from_user(buf, a[0], a[1]);
    if (!err)
        console_write(buf, a[1]);
    return err;
}

SYSCALL(exit)
{
    process_terminate(process_current(), XR_PROC_EXITED, (unsigned)(a[0] & 0xffffff));
    return XR_OK; /* never seen: the thread is dead and is switched away from */
}

SYSCALL(yield)
{
    sched_yield();
    return XR_OK;
}

SYSCALL(sleep)
{
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

SYSCALL(info)
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
    case XR_INFO_CPUS:
        *value = arch_cpus_online();
        break;
    case XR_INFO_SHOOTDOWNS:
        *value = mm_tlb_shootdowns;
        break;
    case XR_INFO_CPU_TICKS:
        *value = sched_cpu_ticks(arch_cpu_id());
        break;
    case XR_INFO_WORKERS:
        *value = sched_workers;
        break;
    case XR_INFO_CPU_IDLE_TICKS:
        *value = sched_cpu_acct(arch_cpu_id()).idle_ticks;
        break;
    case XR_INFO_CPU_BUSY_TICKS:
        *value = sched_cpu_acct(arch_cpu_id()).busy_ticks;
        break;
    case XR_INFO_CPU_SWITCHES:
        *value = sched_cpu_acct(arch_cpu_id()).switches;
        break;
    case XR_INFO_TIMESTAMP_HZ:
        *value = arch_timestamp_hz();
        break;
    case XR_INFO_BOOT_UNIX:
        *value = rtc_boot_unix;
        break;
    case XR_INFO_BOOT_TIMESTAMP:
        *value = rtc_boot_timestamp;
        break;
    case XR_INFO_FPU_TRAPS:
        *value = arch_fpu_traps;
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

/* Indexed by system-call number; the entry code calls it directly (every entry is set:
 * syscall_table_check). */
const sys_handler_t syscall_table[XR_SYS_COUNT + 1] = {
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
    /* BEGIN TODO(lab1): enter the handler of XR_SYS_PROTECT in the table */
    [XR_SYS_PROTECT] = sys_protect,
    /* STUB TODO(lab1)
    [XR_SYS_PROTECT] = sys_nosys,
       END TODO(lab1) */
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
    [XR_SYS_PROCESS_WATCH] = sys_process_watch,
    [XR_SYS_COUNT] = sys_nosys, /* every number past the end */
};

void syscall_refused(uint64_t nr, uint64_t err)
{
    log_debug("syscall %lu from %s: error %lu\n", nr, process_current()->name, err);
}

void syscall_table_check(void)
{
    for (unsigned i = 0; i <= XR_SYS_COUNT; i++)
        if (!syscall_table[i])
            panic("syscall: no handler for number %u", i);
}

void kernel_before_user_return(void)
{
    while (unlikely(sched_should_switch()))
        sched_schedule();
}
