/* The trap frame pushed by trap_entry.S, and the trap interface inside arch/x86_64. */
#ifndef ARCH_X86_64_TRAP_H
#define ARCH_X86_64_TRAP_H

#include "kernel/types.h"

struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap_entry.S pushes 22 words");

/* Called by trap_entry.S with interrupts off. */
void trap_dispatch(struct trap_frame *f);

/* Print the full report of a trap: name, error code, RIP, RSP, CR2, registers, backtrace. */
void trap_report(const struct trap_frame *f, const char *why);

/* Install the IDT on this CPU. */
void idt_init(void);
void gdt_init(void);

#endif
