/* System-call plumbing shared by the files that hold the handlers (one file per kind of
 * object: kernel/sys_cap.c, sys_process.c, sys_thread.c, sys_ioport.c, mm/sys_memory.c,
 * ipc/sys_endpoint.c, sys_notification.c, irq.c; the small calls in kernel/syscall.c):
 * the handler signature, the one cap look-up, and the handlers themselves. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include "kernel/process.h"
#include "xr/syscall.h"

/* What a handler returns: the XR_* code for RAX (RDX then takes *value), or
 * SYSRET_REGS_SET when it has written the caller's result registers itself (the IPC
 * calls, whose results are a message). Not a kerr_t: the sentinel is no error code. */
typedef uint64_t sysret_t;
#define SYSRET_REGS_SET (~(sysret_t)0)

/* A handler checks everything before it changes anything (decode, then invoke). a[] are
 * the six argument registers (RDI, RSI, RDX, R10, R8, R9); *value starts at 0. */
typedef sysret_t (*sys_handler_t)(const uint64_t a[6], uint64_t *value);
/* Define handler sys_NAME; a handler may ignore either parameter. */
#define SYSCALL(name)                                                                              \
    sysret_t sys_##name(__attribute__((unused)) const uint64_t a[6],                               \
                        __attribute__((unused)) uint64_t *value)

/* The one cap look-up of the system-call layer (the IPC fastpath uses it too): the cap in
 * slot of p's table, if it names an object of type (XR_OBJ_NONE: any) with every right in
 * rights; NULL with *err set (XR_ERANGE, XR_EBADCAP, XR_EPERM) otherwise. */
static inline cap_slot_t *sys_cap(process_t *p, uint64_t slot, unsigned type, unsigned rights,
                                  kerr_t *err)
{
    if (unlikely(slot >= XR_SLOTS)) {
        *err = XR_ERANGE;
        return NULL;
    }
    cap_slot_t *s = &p->slots[slot];
    *err = cap_check(s, type, rights);
    return likely(*err == XR_OK) ? s : NULL;
}

/* The object of a cap in the caller's table (sys_cap), or NULL with *err set. */
static inline void *sys_object(uint64_t slot, unsigned type, unsigned rights, kerr_t *err)
{
    cap_slot_t *s = sys_cap(process_current(), slot, type, rights, err);
    return s ? s->object : NULL;
}

/* XR_OK if slot is a valid, empty slot of the caller's table (never slot 0), else
 * XR_ERANGE or XR_EBUSY. */
kerr_t sys_slot_free(uint64_t slot);
/* A new object of type, made by make(caller) (charged to the caller; NULL: XR_ENOMEM), in
 * the caller's free slot with all rights; nothing is left behind on failure. */
kerr_t sys_create(uint64_t slot, unsigned type, void *(*make)(process_t *owner));
/* The running process named by a cap with rights, or NULL with *err set (XR_EDEAD when
 * it has ended). */
process_t *sys_process(uint64_t slot, unsigned rights, kerr_t *err);

/* Check at boot that every system call number has a handler (panics otherwise). */
void syscall_table_check(void);
/* A refused request, reported at log=debug; the entry code calls it for every error. */
void syscall_refused(uint64_t nr, uint64_t err);

/* kernel/syscall.c: the small calls */
SYSCALL(null);
SYSCALL(debug_write);
SYSCALL(exit);
SYSCALL(yield);
SYSCALL(sleep);
SYSCALL(info);
SYSCALL(nosys);
/* kernel/sys_cap.c */
SYSCALL(cap_copy);
SYSCALL(cap_move);
SYSCALL(cap_delete);
SYSCALL(cap_revoke);
SYSCALL(cap_identify);
/* kernel/sys_process.c */
SYSCALL(process_create);
SYSCALL(process_status);
SYSCALL(process_kill);
SYSCALL(process_give_cap);
SYSCALL(process_watch);
/* kernel/sys_thread.c */
SYSCALL(thread_create);
SYSCALL(thread_set_regs);
SYSCALL(thread_set_prio);
SYSCALL(thread_set_affinity);
SYSCALL(thread_start);
SYSCALL(thread_status);
SYSCALL(thread_exit);
SYSCALL(thread_set_ipcbuf);
SYSCALL(thread_set_fault);
/* kernel/sys_ioport.c */
SYSCALL(ioport_in);
SYSCALL(ioport_out);
/* mm/sys_memory.c */
SYSCALL(map_anon);
SYSCALL(map_memory);
SYSCALL(unmap);
/* BEGIN TODO(lab1): declare the handler of XR_SYS_PROTECT */
SYSCALL(protect);
/* END TODO(lab1) */
SYSCALL(mem_write);
SYSCALL(memory_create);
/* ipc/sys_endpoint.c: these write the result registers themselves (SYSRET_REGS_SET) */
SYSCALL(send);
SYSCALL(nbsend);
SYSCALL(recv);
SYSCALL(poll);
SYSCALL(call);
SYSCALL(reply);
SYSCALL(reply_recv);
SYSCALL(endpoint_create);
/* ipc/sys_notification.c */
SYSCALL(notify_create);
SYSCALL(signal);
SYSCALL(wait);
SYSCALL(notify_poll);
SYSCALL(notify_bind);
/* ipc/irq.c */
SYSCALL(irq_bind);

#endif
