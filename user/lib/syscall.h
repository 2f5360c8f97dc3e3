/* User-space system-call stubs: raw `syscall` wrappers and one typed wrapper per XR_SYS_* call.
 *
 * ABI (include/xr/syscall.h): number in RAX, arguments in RDI, RSI, RDX, R10, R8, R9; the error
 * code (XR_OK or XR_E*) comes back in RAX, the result value in RDX. The kernel preserves every
 * other register except RCX and R11, so the stubs trust that and declare only those clobbered.
 * Every typed wrapper returns the XR_* error code as a long unless it says otherwise, and none
 * blocks unless its comment says so. */
#ifndef XR_USER_SYSCALL_H
#define XR_USER_SYSCALL_H

/* One header per topic; include this one for all of them. */
#include "sys_cap.h"    /* copy, move, delete, revoke, identify */
#include "sys_info.h"   /* null, debug_write, info */
#include "sys_ipc.h"    /* xr_msg_t; send, recv, call, reply, reply_recv; endpoints */
#include "sys_notify.h" /* notifications, interrupt lines, I/O ports */
#include "sys_proc.h"   /* processes, memory, threads; exit, yield, sleep */
#include "sys_raw.h"    /* xr_syscall0..6 and their _r forms */

#endif
