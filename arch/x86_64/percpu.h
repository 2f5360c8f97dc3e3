/* Per-CPU data of the x86_64 layer, reached through the GS base in kernel mode. It lives
 * in .entry.data because the entry code reads it before the kernel's page tables are
 * back (page-table isolation). */
#ifndef ARCH_X86_64_PERCPU_H
#define ARCH_X86_64_PERCPU_H

#include "arch/arch.h"
#include "arch/x86_64/asm.h"
#include "lib/types.h"

#define ENTRY_STACK_SIZE 4096

struct cpu_local {
    uint64_t self;
    uint64_t kstack;
    uint64_t user_rsp;
    uint64_t scratch;
    uint64_t kpti;
    uint64_t cr3_noflush;
    uint64_t user_cr3_bits;
    uint64_t entry_iret;
    uint64_t id;
    uint64_t hot[ARCH_CPU_HOT_WORDS]; /* the generic kernel's per-CPU hot data (sched_hot_t):
                                         arch_cpu_hot(); its first word in one load */
    uint64_t exit_cr3; /* kpti: the user view the exit to user loads (arch_switch_root) */
    uint64_t fpu_live; /* 1 + arch_fpu_kind: FPU registers = the running thread's state,
                          CR0.TS clear; 0: registers initial, TS set (fpu.c) */
};

_Static_assert(__builtin_offsetof(struct cpu_local, kstack) == CPU_KSTACK, "asm.h");
_Static_assert(__builtin_offsetof(struct cpu_local, user_rsp) == CPU_USER_RSP, "asm.h");
_Static_assert(__builtin_offsetof(struct cpu_local, scratch) == CPU_SCRATCH, "asm.h");
_Static_assert(__builtin_offsetof(struct cpu_local, kpti) == CPU_KPTI, "asm.h");
_Static_assert(__builtin_offsetof(struct cpu_local, cr3_noflush) == CPU_CR3_NOFLUSH, "asm.h");
_Static_assert(__builtin_offsetof(struct cpu_local, user_cr3_bits) == CPU_USER_CR3_BITS, "asm.h");
_Static_assert(__builtin_offsetof(struct cpu_local, entry_iret) == CPU_ENTRY_IRET, "asm.h");
_Static_assert(__builtin_offsetof(struct cpu_local, id) == CPU_ID, "asm.h");
_Static_assert(__builtin_offsetof(struct cpu_local, hot) == CPU_HOT, "asm.h");
_Static_assert(__builtin_offsetof(struct cpu_local, exit_cr3) == CPU_EXIT_CR3, "asm.h");
_Static_assert(__builtin_offsetof(struct cpu_local, fpu_live) == CPU_FPU_LIVE, "asm.h");

/* This CPU's block (valid in kernel mode, after percpu_init). */
static inline struct cpu_local *this_cpu(void)
{
    struct cpu_local *c;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(c));
    return c;
}

/* Set up CPU id's block and make it this CPU's (GS base, syscall MSRs). */
void percpu_init(unsigned id);
/* CPU id's block (any CPU's). */
struct cpu_local *percpu_of(unsigned id);

#endif
