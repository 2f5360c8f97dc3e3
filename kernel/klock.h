/* The kernel lock: with more than one CPU online, a CPU holds it whenever it runs kernel
 * code, except in its idle thread's halt and in the lock-free TLB interrupt; so the
 * kernel's objects, caps, run queues and IPC state stay serialised as on one core
 * (docs/locking.md). One CPU: never taken. */
#ifndef KERNEL_KLOCK_H
#define KERNEL_KLOCK_H

#include "lib/types.h"

/* More than one CPU is (or is being) started: the lock is in force. */
extern bool smp_active;

/* Take the lock (spinning with pause; while spinning, answer TLB shootdown requests,
 * which the CPU holding the lock may be waiting for). No-op with one CPU. */
void kernel_lock(void);
/* Release it if this CPU holds it. */
void kernel_unlock(void);
/* Does this CPU hold it? (Always true with one CPU.) */
bool kernel_lock_held(void);
/* For the entry and exit code: kernel_lock on a system call, kernel_unlock before any
 * return to user mode. */
void kernel_entry_lock(void);
void kernel_exit_unlock(void);

#endif
