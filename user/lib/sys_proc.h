/* The system calls on processes, threads and memory: create, status, kill, give caps; map,
 * unmap, protect, write; memory objects; threads and their registers, priority, IPC buffer,
 * fault endpoint; exit, yield, sleep. Each returns the XR_*
 * error code unless its comment says otherwise, and none blocks unless it says so. */
#ifndef XR_USER_SYS_PROC_H
#define XR_USER_SYS_PROC_H

#include "sys_raw.h"

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

/* When proc ends (exit, kill, fault), OR bits into ntfn; at once if it has ended. Needs READ on
 * proc and WRITE on ntfn; XR_EINVAL for bits 0, XR_EBUSY when XR_PROC_WATCHES others watch it. */
static inline long xr_process_watch(xr_cap_t proc, xr_cap_t ntfn, uint64_t bits)
{
    return xr_syscall3(XR_SYS_PROCESS_WATCH, proc, ntfn, bits);
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
    /* BEGIN TODO(lab1): the wrapper of XR_SYS_PROTECT */
    return xr_syscall3(XR_SYS_PROTECT, proc, va, flags);
    /* STUB TODO(lab1)
    (void)proc, (void)va, (void)flags;
    return XR_ENOSYS;
       END TODO(lab1) */
}

/* Copies len bytes from the caller's buf to va in proc, whose pages must be mapped. */
static inline long xr_mem_write(xr_cap_t proc, uint64_t va, const void *buf, size_t len)
{
    return xr_syscall4(XR_SYS_MEM_WRITE, proc, va, (uintptr_t)buf, len);
}

/* Creates a memory object of pages (1..1024) zeroed frames, charged to the caller's quota, and
 * puts its cap (read, write, grant) in the empty slot dst. Map it with xr_map_memory; the
 * frames are freed, and every mapping of them removed, when the last cap to it is gone. */
static inline long xr_memory_create(uint64_t pages, xr_cap_t dst)
{
    return xr_syscall2(XR_SYS_MEMORY_CREATE, pages, dst);
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

#endif
