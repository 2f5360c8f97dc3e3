/* Constants shared by the assembly files and C: segment selectors and MSRs. */
#ifndef ARCH_X86_64_ASM_H
#define ARCH_X86_64_ASM_H

#define KERNEL_BASE     0xffffffff80000000
#define DIRECT_MAP_BASE 0xffff800000000000

/* GDT layout; the user selectors follow the order sysret requires. */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x1b /* 0x18 | RPL 3 */
#define SEL_UCODE 0x23 /* 0x20 | RPL 3 */
#define SEL_TSS   0x28

#define MSR_EFER           0xc0000080
#define MSR_STAR           0xc0000081
#define MSR_LSTAR          0xc0000082
#define MSR_FMASK          0xc0000084
#define MSR_FS_BASE        0xc0000100
#define MSR_GS_BASE        0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

/* Offsets into struct cpu_local (arch/x86_64/percpu.h), reached through %gs in the
 * entry code; percpu.h checks them with _Static_assert. */
#define CPU_SELF          0
#define CPU_KSTACK        8  /* top of the current thread's kernel stack */
#define CPU_USER_RSP      16 /* the user stack pointer during a syscall */
#define CPU_SCRATCH       24
#define CPU_KPTI          32  /* nonzero: switch CR3 on every kernel entry and exit */
#define CPU_CR3_NOFLUSH   40  /* bit 63 when PCIDs are on, else 0 */
#define CPU_USER_CR3_BITS 48  /* OR'd into CR3 for the user view: 0x1000, | 0x800 with PCIDs */
#define CPU_ENTRY_IRET    56  /* where the return path builds the final iret frame */
#define CPU_ID            64  /* this CPU's number, 0 = the boot CPU */
#define CPU_HOT           72  /* the generic kernel's per-CPU hot data (sched_hot_t), 32 bytes */
#define CPU_EXIT_CR3      104 /* kpti: the CR3 value the exit to user loads (the user view) */
#define CPU_FPU_LIVE      112 /* nonzero: the FPU registers hold the running thread's (fpu.c) */

/* The page an application processor starts at (a start-up IPI's vector: 0x8000). */
#define AP_BOOT_PAGE 8

/* System-call numbers the entry code decodes (checked against include/xr/syscall.h by
 * _Static_assert in thread.c). */
#define ASM_SYS_CALL       33
#define ASM_SYS_REPLY_RECV 35
#define ASM_SYS_COUNT      47
#define ASM_TAG_CAPS_MASK  0xff00 /* XR_TAG_CAPS's bits of a message tag */
#define ASM_MSG_REGS       4      /* XR_MSG_REGS; XR_TAG_LEN is the tag's low byte */
#define ASM_MSG_MAX        64     /* XR_MSG_MAX */

/* Offset of need_switch in the scheduler's per-CPU sched_hot_t (kernel/thread.h checks it). */
#define SCHED_HOT_NEED_SWITCH 8

#define TRAP_FRAME_SIZE        (22 * 8)
#define ARCH_THREAD_KSTACK_TOP 8     /* offset of kstack_top in arch_thread_t (thread.c checks) */
#define VECTOR_SYSCALL         0x100 /* the vector field of a frame made by the syscall entry */

#endif
