/* The trap frame pushed by trap_entry.S, and the trap interface inside arch/x86_64. */
#ifndef ARCH_X86_64_TRAP_H
#define ARCH_X86_64_TRAP_H

#include "arch/arch.h"
#include "lib/types.h"

/* rdi, rsi, rdx, r10, r8, r9 lie in system-call argument order, so a handler's argument
 * array is the frame itself (trap_frame_args). */
struct trap_frame {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, rcx;
    union {
        struct {
            uint64_t rdi, rsi, rdx, r10, r8, r9;
        };
        uint64_t args[6];
    };
    uint64_t rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap_entry.S pushes 22 words");
_Static_assert(sizeof(struct trap_frame) == ARCH_FRAME_SIZE &&
                   __builtin_offsetof(struct trap_frame, rdi) == ARCH_FRAME_MSG &&
                   __builtin_offsetof(struct trap_frame, rax) == ARCH_FRAME_RESULT,
               "arch/arch.h's message-register offsets");
_Static_assert(__builtin_offsetof(struct trap_frame, r9) ==
                   __builtin_offsetof(struct trap_frame, rdi) + 40,
               "the six argument registers are contiguous");

/* Called by trap_entry.S with interrupts off. */
void trap_dispatch(struct trap_frame *f);

/* Print the full report of a trap: name, error code, RIP, RSP, CR2, registers, backtrace. */
void trap_report(const struct trap_frame *f, const char *why);

/* Install the IDT on this CPU. */
void idt_init(void);
void gdt_init(unsigned id);

#endif
