/* x86_64 private helpers: port I/O, control registers, MSRs, CPUID. Only arch/ includes it. */
#ifndef ARCH_X86_64_X86_H
#define ARCH_X86_64_X86_H

#include "arch/x86_64/asm.h"
#include "lib/types.h"

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

#define DEFINE_CR(n)                                                                               \
    static inline uint64_t read_cr##n(void)                                                        \
    {                                                                                              \
        uint64_t v;                                                                                \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                                          \
        return v;                                                                                  \
    }                                                                                              \
    static inline void write_cr##n(uint64_t v)                                                     \
    {                                                                                              \
        __asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory");                                   \
    }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

#define CR0_WP         (1ul << 16)
#define CR4_PGE        (1ul << 7)
#define CR4_OSFXSR     (1ul << 9)
#define CR4_OSXMMEXCPT (1ul << 10)
#define CR4_UMIP       (1ul << 11)
#define CR4_FSGSBASE   (1ul << 16)
#define CR4_PCIDE      (1ul << 17)
#define CR4_OSXSAVE    (1ul << 18)
#define CR4_SMEP       (1ul << 20)
#define CR4_SMAP       (1ul << 21)
#define EFER_SCE       (1ul << 0)
#define EFER_NXE       (1ul << 11)

/* ---- per-CPU start-up (cpu.c, fpu.c, thread.c), also run by each application processor ---- */
void cpu_enable_protections(void);
/* The FPU on an application processor: the boot CPU's XSAVE set-up (CR4, XCR0). */
void fpu_init_ap(void);
/* The entry path's per-CPU fields (page-table isolation, CR3 bits) of CPU cpu, and its
 * LSTAR (syscall_entry_for); on CPU cpu itself. */
void cpu_local_setup(unsigned cpu);
/* The syscall entry point for LSTAR: taking the kernel lock or not (smp), switching page
 * tables or not (kpti=1 or 0). */
uint64_t syscall_entry_for(bool smp);

/* ---- written in assembly ---- */
void syscall_entry(void);     /* trap_entry.S: MSR_LSTAR with one CPU */
void syscall_entry_smp(void); /* ... with several (takes the kernel lock) */
void syscall_entry_kpti(void), syscall_entry_smp_kpti(void);    /* the same with kpti=1 */
void thread_user_start(void), thread_kernel_start(void);        /* switch.S: first runs */
void thread_syscall_resume(void);                               /* switch.S */
void arch_context_switch(uint64_t *save_ksp, uint64_t new_ksp); /* switch.S */
kerr_t arch_copy_user(void *dst, const void *src, size_t n);    /* uaccess.S: with fixups */
kerr_t probe_read64(const void *addr, uint64_t *out);           /* uaccess.S: with fixups */

#endif
