/* User-space system-call stubs: raw `syscall` wrappers and one typed wrapper per XR_SYS_* call.
 *
 * ABI (include/xr/syscall.h): number in RAX, arguments in RDI, RSI, RDX, R10, R8, R9; the error
 * code (XR_OK or XR_E*) comes back in RAX, the result value in RDX. The kernel preserves every
 * other register except RCX and R11, so the stubs trust that and declare only those clobbered.
 * Every typed wrapper returns the XR_* error code as a long unless it says otherwise, and none
 * blocks unless its comment says so. */
#ifndef XR_USER_SYSCALL_H
#define XR_USER_SYSCALL_H

#include <stddef.h>
#include <stdint.h>

#include "xr/cap.h"
#include "xr/error.h"
#include "xr/syscall.h"

/* The raw stubs. The _r forms also store the RDX result in *value (which must not be NULL); the
 * plain forms are the same call with the value dropped (the compiler removes the store). "memory"
 * is clobbered because the kernel may read or write any buffer the arguments point at. */

static inline long xr_syscall0_r(long nr, uint64_t *value)
{
    uint64_t rdx;
    __asm__ volatile("syscall" : "+a"(nr), "=d"(rdx) : : "rcx", "r11", "memory");
    *value = rdx;
    return nr;
}

static inline long xr_syscall1_r(long nr, uint64_t a0, uint64_t *value)
{
    uint64_t rdx;
    __asm__ volatile("syscall" : "+a"(nr), "=d"(rdx) : "D"(a0) : "rcx", "r11", "memory");
    *value = rdx;
    return nr;
}

static inline long xr_syscall2_r(long nr, uint64_t a0, uint64_t a1, uint64_t *value)
{
    uint64_t rdx;
    __asm__ volatile("syscall" : "+a"(nr), "=d"(rdx) : "D"(a0), "S"(a1) : "rcx", "r11", "memory");
    *value = rdx;
    return nr;
}

static inline long xr_syscall3_r(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t *value)
{
    __asm__ volatile("syscall" : "+a"(nr), "+d"(a2) : "D"(a0), "S"(a1) : "rcx", "r11", "memory");
    *value = a2;
    return nr;
}

static inline long xr_syscall4_r(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                                 uint64_t *value)
{
    register uint64_t r10 __asm__("r10") = a3;
    __asm__ volatile("syscall"
                     : "+a"(nr), "+d"(a2)
                     : "D"(a0), "S"(a1), "r"(r10)
                     : "rcx", "r11", "memory");
    *value = a2;
    return nr;
}

static inline long xr_syscall5_r(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                                 uint64_t a4, uint64_t *value)
{
    register uint64_t r10 __asm__("r10") = a3;
    register uint64_t r8 __asm__("r8") = a4;
    __asm__ volatile("syscall"
                     : "+a"(nr), "+d"(a2)
                     : "D"(a0), "S"(a1), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    *value = a2;
    return nr;
}

static inline long xr_syscall6_r(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                                 uint64_t a4, uint64_t a5, uint64_t *value)
{
    register uint64_t r10 __asm__("r10") = a3;
    register uint64_t r8 __asm__("r8") = a4;
    register uint64_t r9 __asm__("r9") = a5;
    __asm__ volatile("syscall"
                     : "+a"(nr), "+d"(a2)
                     : "D"(a0), "S"(a1), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    *value = a2;
    return nr;
}

static inline long xr_syscall0(long nr)
{
    uint64_t v;
    return xr_syscall0_r(nr, &v);
}

static inline long xr_syscall1(long nr, uint64_t a0)
{
    uint64_t v;
    return xr_syscall1_r(nr, a0, &v);
}

static inline long xr_syscall2(long nr, uint64_t a0, uint64_t a1)
{
    uint64_t v;
    return xr_syscall2_r(nr, a0, a1, &v);
}

static inline long xr_syscall3(long nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    uint64_t v;
    return xr_syscall3_r(nr, a0, a1, a2, &v);
}

static inline long xr_syscall4(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    uint64_t v;
    return xr_syscall4_r(nr, a0, a1, a2, a3, &v);
}

static inline long xr_syscall5(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                               uint64_t a4)
{
    uint64_t v;
    return xr_syscall5_r(nr, a0, a1, a2, a3, a4, &v);
}

static inline long xr_syscall6(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                               uint64_t a4, uint64_t a5)
{
    uint64_t v;
    return xr_syscall6_r(nr, a0, a1, a2, a3, a4, a5, &v);
}

/* ---- Typed wrappers, in XR_SYS_* order. ---- */

/* The cheapest kernel round trip (for benchmarks); always XR_OK. */
static inline long xr_null(void)
{
    return xr_syscall0(XR_SYS_NULL);
}

/* Prints n bytes of s on the kernel console; n <= 1024 (longer is XR_ERANGE or XR_EINVAL). */
static inline long xr_debug_write(const char *s, size_t n)
{
    return xr_syscall2(XR_SYS_DEBUG_WRITE, (uintptr_t)s, n);
}

/* Ends the calling process with code (readable through XR_SYS_PROCESS_STATUS). Does not return;
 * out of line (syscall.c) so that crt0.S can call it. */
__attribute__((noreturn)) void xr_exit(int code);

/* Gives the CPU to the next runnable thread of the same priority. */
static inline long xr_yield(void)
{
    return xr_syscall0(XR_SYS_YIELD);
}

/* Blocks at least us microseconds. */
static inline long xr_sleep_us(uint64_t us)
{
    return xr_syscall1(XR_SYS_SLEEP, us);
}

/* The kernel's value for what (XR_INFO_*), or UINT64_MAX if the kernel refuses what. */
static inline uint64_t xr_info(unsigned what)
{
    uint64_t value;
    return xr_syscall1_r(XR_SYS_INFO, what, &value) == XR_OK ? value : UINT64_MAX;
}

/* Puts into empty slot dst a copy of src with rights src & rights_mask; badge 0 keeps src's. */
static inline long xr_cap_copy(xr_cap_t src, xr_cap_t dst, uint32_t rights_mask, uint64_t badge)
{
    return xr_syscall4(XR_SYS_CAP_COPY, src, dst, rights_mask, badge);
}

/* Moves the cap in src to the empty slot dst. */
static inline long xr_cap_move(xr_cap_t src, xr_cap_t dst)
{
    return xr_syscall2(XR_SYS_CAP_MOVE, src, dst);
}

/* Empties slot. */
static inline long xr_cap_delete(xr_cap_t slot)
{
    return xr_syscall1(XR_SYS_CAP_DELETE, slot);
}

/* Deletes every cap derived from slot (slot itself stays). */
static inline long xr_cap_revoke(xr_cap_t slot)
{
    return xr_syscall1(XR_SYS_CAP_REVOKE, slot);
}

/* Stores the object type (XR_OBJ_*) and rights (XR_RIGHT_*) of slot; either pointer may be NULL.
 * On failure neither is written. */
static inline long xr_cap_identify(xr_cap_t slot, unsigned *type, unsigned *rights)
{
    uint64_t v;
    long err = xr_syscall1_r(XR_SYS_CAP_IDENTIFY, slot, &v);
    if (err == XR_OK && type != NULL)
        *type = v & 0xff;
    if (err == XR_OK && rights != NULL)
        *rights = (unsigned)(v >> 8);
    return err;
}

/* Creates an empty process with a quota of quota_frames frames (charged to the caller) and puts
 * its cap in the empty slot dst. */
static inline long xr_process_create(uint64_t quota_frames, xr_cap_t dst)
{
    return xr_syscall4(XR_SYS_PROCESS_CREATE, quota_frames, dst, 0, 0);
}

/* As xr_process_create, choosing how much of the budget is for kernel objects and stacks
 * (kernel_frames) and page tables (pt_frames); the rest is for user frames. */
static inline long xr_process_create_split(uint64_t quota_frames, xr_cap_t dst,
                                           uint64_t kernel_frames, uint64_t pt_frames)
{
    return xr_syscall4(XR_SYS_PROCESS_CREATE, quota_frames, dst, kernel_frames, pt_frames);
}

/* Stores proc's raw status in *status (see xr_status_state and xr_status_code). */
static inline long xr_process_status(xr_cap_t proc, uint64_t *status)
{
    return xr_syscall1_r(XR_SYS_PROCESS_STATUS, proc, status);
}

/* The XR_PROC_* state in a status from xr_process_status. */
static inline unsigned xr_status_state(uint64_t status)
{
    return status & 0xff;
}

/* The exit code (or fault vector) in a status from xr_process_status. Bits 8..39 hold it, so a
 * negative code reads back right whether the kernel stored it sign- or zero-extended. */
static inline int xr_status_code(uint64_t status)
{
    return (int)(uint32_t)(status >> 8);
}

/* Ends every thread of proc; its status becomes XR_PROC_KILLED with code 0xff. */
static inline long xr_process_kill(xr_cap_t proc)
{
    return xr_syscall1(XR_SYS_PROCESS_KILL, proc);
}

/* Copies the caller's cap src, with rights & rights_mask, into proc's empty slot dst. */
static inline long xr_process_give_cap(xr_cap_t proc, xr_cap_t src, xr_cap_t dst,
                                       uint32_t rights_mask)
{
    return xr_syscall4(XR_SYS_PROCESS_GIVE_CAP, proc, src, dst, rights_mask);
}

/* Maps a new zeroed page at va (page-aligned) in proc, charged to proc; flags XR_MAP_*. */
static inline long xr_map_anon(xr_cap_t proc, uint64_t va, unsigned flags)
{
    return xr_syscall3(XR_SYS_MAP_ANON, proc, va, flags);
}

/* Maps the page at offset in memory object mem at va in proc; flags XR_MAP_*. */
static inline long xr_map_memory(xr_cap_t proc, xr_cap_t mem, uint64_t offset, uint64_t va,
                                 unsigned flags)
{
    return xr_syscall5(XR_SYS_MAP_MEMORY, proc, mem, offset, va, flags);
}

/* Removes the page mapped at va in proc. */
static inline long xr_unmap(xr_cap_t proc, uint64_t va)
{
    return xr_syscall2(XR_SYS_UNMAP, proc, va);
}

/* Changes the flags (XR_MAP_*) of the page mapped at va in proc. */
static inline long xr_protect(xr_cap_t proc, uint64_t va, unsigned flags)
{
    return xr_syscall3(XR_SYS_PROTECT, proc, va, flags);
}

/* Copies len bytes from the caller's buf to va in proc, whose pages must be mapped. */
static inline long xr_mem_write(xr_cap_t proc, uint64_t va, const void *buf, size_t len)
{
    return xr_syscall4(XR_SYS_MEM_WRITE, proc, va, (uintptr_t)buf, len);
}

/* Creates a stopped thread in proc and puts its cap in the empty slot dst. */
static inline long xr_thread_create(xr_cap_t proc, xr_cap_t dst)
{
    return xr_syscall2(XR_SYS_THREAD_CREATE, proc, dst);
}

/* Sets where a stopped thread starts: rip, rsp, and rdi = arg. */
static inline long xr_thread_set_regs(xr_cap_t thread, uint64_t rip, uint64_t rsp, uint64_t arg)
{
    return xr_syscall4(XR_SYS_THREAD_SET_REGS, thread, rip, rsp, arg);
}

/* Sets thread's priority, 0..255, higher runs first. */
static inline long xr_thread_set_prio(xr_cap_t thread, unsigned prio)
{
    return xr_syscall2(XR_SYS_THREAD_SET_PRIO, thread, prio);
}

/* Pins thread to cpu. */
static inline long xr_thread_set_affinity(xr_cap_t thread, unsigned cpu)
{
    return xr_syscall2(XR_SYS_THREAD_SET_AFFINITY, thread, cpu);
}

/* Makes a stopped thread runnable. */
static inline long xr_thread_start(xr_cap_t thread)
{
    return xr_syscall1(XR_SYS_THREAD_START, thread);
}

/* Stores thread's state (XR_THREAD_*) in *state. */
static inline long xr_thread_status(xr_cap_t thread, uint64_t *state)
{
    return xr_syscall1_r(XR_SYS_THREAD_STATUS, thread, state);
}

/* Reads width (1, 2 or 4) bytes from I/O port port, allowed by the ioport cap, into *value. */
static inline long xr_ioport_in(xr_cap_t ioport, unsigned port, unsigned width, uint32_t *value)
{
    uint64_t v;
    long err = xr_syscall3_r(XR_SYS_IOPORT_IN, ioport, port, width, &v);
    if (err == XR_OK)
        *value = (uint32_t)v;
    return err;
}

/* Writes the low width (1, 2 or 4) bytes of value to I/O port port, allowed by the ioport cap. */
static inline long xr_ioport_out(xr_cap_t ioport, unsigned port, unsigned width, uint32_t value)
{
    return xr_syscall4(XR_SYS_IOPORT_OUT, ioport, port, width, value);
}

/* ---- IPC (include/xr/ipc.h, docs/ipc.md) ---- */

/* A message as the registers carry it: the tag, words 0..3, and (on receipt) the badge.
 * Words 4.. are in the thread's IPC buffer (xr_ipc_buffer_t). */
typedef struct xr_msg {
    uint64_t tag;
    uint64_t w[XR_MSG_REGS];
    uint64_t badge;
} xr_msg_t;

/* One IPC system call: ep in RDI, m's tag and words in RSI, RDX, R10, R8, R9; on return
 * the same registers (and RDI, the badge) are copied back into m. Returns the error. */
static inline long xr_ipc(long nr, uint64_t ep, xr_msg_t *m)
{
    register uint64_t r10 __asm__("r10") = m->w[1];
    register uint64_t r8 __asm__("r8") = m->w[2];
    register uint64_t r9 __asm__("r9") = m->w[3];
    uint64_t rax = (uint64_t)nr, rdi = ep, rsi = m->tag, rdx = m->w[0];
    __asm__ volatile("syscall"
                     : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
                     :
                     : "rcx", "r11", "memory");
    m->badge = rdi;
    m->tag = rsi;
    m->w[0] = rdx;
    m->w[1] = r10;
    m->w[2] = r8;
    m->w[3] = r9;
    return (long)rax;
}

static inline long xr_send(xr_cap_t ep, xr_msg_t *m)
{
    return xr_ipc(XR_SYS_SEND, ep, m);
}
static inline long xr_nbsend(xr_cap_t ep, xr_msg_t *m)
{
    return xr_ipc(XR_SYS_NBSEND, ep, m);
}
static inline long xr_recv(xr_cap_t ep, xr_msg_t *m)
{
    return xr_ipc(XR_SYS_RECV, ep, m);
}
static inline long xr_poll(xr_cap_t ep, xr_msg_t *m)
{
    return xr_ipc(XR_SYS_POLL, ep, m);
}
static inline long xr_call(xr_cap_t ep, xr_msg_t *m)
{
    return xr_ipc(XR_SYS_CALL, ep, m);
}
static inline long xr_reply(xr_msg_t *m)
{
    return xr_ipc(XR_SYS_REPLY, 0, m);
}
static inline long xr_reply_recv(xr_cap_t ep, xr_msg_t *m)
{
    return xr_ipc(XR_SYS_REPLY_RECV, ep, m);
}

static inline long xr_endpoint_create(xr_cap_t dst)
{
    return xr_syscall1(XR_SYS_ENDPOINT_CREATE, dst);
}

static inline long xr_notify_create(xr_cap_t dst)
{
    return xr_syscall1(XR_SYS_NOTIFY_CREATE, dst);
}
static inline long xr_signal(xr_cap_t ntfn)
{
    return xr_syscall1(XR_SYS_SIGNAL, ntfn);
}

/* Wait for (or, poll: take without waiting) the bits of a notification. */
static inline long xr_wait(xr_cap_t ntfn, uint64_t *bits)
{
    xr_msg_t m = {0};
    long err = xr_ipc(XR_SYS_WAIT, ntfn, &m);
    *bits = m.w[0];
    return err;
}

static inline long xr_notify_poll(xr_cap_t ntfn, uint64_t *bits)
{
    xr_msg_t m = {0};
    long err = xr_ipc(XR_SYS_NOTIFY_POLL, ntfn, &m);
    *bits = m.w[0];
    return err;
}

static inline long xr_notify_bind(xr_cap_t ntfn, xr_cap_t thread)
{
    return xr_syscall2(XR_SYS_NOTIFY_BIND, ntfn, thread);
}

static inline long xr_thread_set_ipcbuf(xr_cap_t thread, uint64_t va)
{
    return xr_syscall2(XR_SYS_THREAD_SET_IPCBUF, thread, va);
}

static inline long xr_thread_set_fault(xr_cap_t thread, xr_cap_t ep)
{
    return xr_syscall2(XR_SYS_THREAD_SET_FAULT, thread, ep);
}

/* Ends the calling thread (the last one ends the process with code 0). */
static inline void xr_thread_exit(void)
{
    xr_syscall0(XR_SYS_THREAD_EXIT);
}

/* Creates a memory object of pages (1..1024) zeroed frames, charged to the caller's quota, and
 * puts its cap (read, write, grant) in the empty slot dst. Map it with xr_map_memory; the
 * frames are freed, and every mapping of them removed, when the last cap to it is gone. */
static inline long xr_memory_create(uint64_t pages, xr_cap_t dst)
{
    return xr_syscall2(XR_SYS_MEMORY_CREATE, pages, dst);
}

/* Each interrupt on the line of the irq cap signals ntfn (0: unbind and mask the line). */
static inline long xr_irq_bind(xr_cap_t irq, xr_cap_t ntfn)
{
    return xr_syscall2(XR_SYS_IRQ_BIND, irq, ntfn);
}

#endif
