/* System-call plumbing shared by the kernel/sys_*.c files: the handler signature, cap
 * look-ups in the caller's table, and the handlers themselves. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include "kernel/process.h"
#include "xr/syscall.h"

/* A handler checks everything before it changes anything (decode, then invoke); it
 * returns XR_OK or an error, and may set *value. */
typedef kerr_t (*sys_handler_t)(const uint64_t a[6], uint64_t *value);

/* The object of a cap in the caller's table, of type and with at least rights; NULL
 * with *err set (XR_ERANGE, XR_EBADCAP, XR_EPERM) otherwise. */
void *sys_lookup(uint64_t slot, unsigned type, unsigned rights, kerr_t *err);
/* XR_OK if slot is a valid, empty slot of the caller's table. */
kerr_t sys_slot_free(uint64_t slot);

/* Check at boot that every system call number has a handler (panics otherwise). */
void syscall_table_check(void);
/* A refused request, reported at log=debug; the entry code calls it for every error. */
void syscall_refused(uint64_t nr, uint64_t err);

kerr_t sys_process_create(const uint64_t a[6], uint64_t *value);
kerr_t sys_process_status(const uint64_t a[6], uint64_t *value);
kerr_t sys_process_kill(const uint64_t a[6], uint64_t *value);
kerr_t sys_process_give_cap(const uint64_t a[6], uint64_t *value);
kerr_t sys_map_anon(const uint64_t a[6], uint64_t *value);
kerr_t sys_map_memory(const uint64_t a[6], uint64_t *value);
kerr_t sys_unmap(const uint64_t a[6], uint64_t *value);
kerr_t sys_protect(const uint64_t a[6], uint64_t *value);
kerr_t sys_mem_write(const uint64_t a[6], uint64_t *value);
kerr_t sys_thread_create(const uint64_t a[6], uint64_t *value);
kerr_t sys_thread_set_regs(const uint64_t a[6], uint64_t *value);
kerr_t sys_thread_set_prio(const uint64_t a[6], uint64_t *value);
kerr_t sys_thread_set_affinity(const uint64_t a[6], uint64_t *value);
kerr_t sys_thread_start(const uint64_t a[6], uint64_t *value);
kerr_t sys_thread_status(const uint64_t a[6], uint64_t *value);
/* ipc/sys_ipc.c: these set the result registers themselves (SYSCALL_RESULTS_SET). */
kerr_t sys_send(const uint64_t a[6], uint64_t *value);
kerr_t sys_nbsend(const uint64_t a[6], uint64_t *value);
kerr_t sys_recv(const uint64_t a[6], uint64_t *value);
kerr_t sys_poll(const uint64_t a[6], uint64_t *value);
kerr_t sys_call(const uint64_t a[6], uint64_t *value);
kerr_t sys_reply(const uint64_t a[6], uint64_t *value);
kerr_t sys_reply_recv(const uint64_t a[6], uint64_t *value);
kerr_t sys_endpoint_create(const uint64_t a[6], uint64_t *value);
kerr_t sys_notify_create(const uint64_t a[6], uint64_t *value);
kerr_t sys_signal(const uint64_t a[6], uint64_t *value);
kerr_t sys_wait(const uint64_t a[6], uint64_t *value);
kerr_t sys_notify_poll(const uint64_t a[6], uint64_t *value);
kerr_t sys_notify_bind(const uint64_t a[6], uint64_t *value);
kerr_t sys_thread_set_ipcbuf(const uint64_t a[6], uint64_t *value);
kerr_t sys_thread_set_fault(const uint64_t a[6], uint64_t *value);
kerr_t sys_irq_bind(const uint64_t a[6], uint64_t *value);
/* ipc/memobj.c */
kerr_t sys_memory_create(const uint64_t a[6], uint64_t *value);

#endif
