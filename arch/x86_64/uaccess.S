/* The few kernel instructions allowed to fault, each listed in the exception-fixup
 * table (__ex_table): a fault there resumes at the fixup, which returns XR_EFAULT. */
#include "arch/x86_64/asm.h"
#include "xr/error.h"

    .macro extable insn, fixup
    .pushsection __ex_table, "a"
    .balign 8
    .quad \insn, \fixup
    .popsection
    .endm

/* kerr_t arch_probe_read8(const volatile void *addr, uint8_t *out) */
    .text
    .globl arch_probe_read8
    .type arch_probe_read8, @function
arch_probe_read8:
1:  movb (%rdi), %al
    movb %al, (%rsi)
    xor %eax, %eax
    ret
2:  mov $XR_EFAULT, %eax
    ret
    extable 1b, 2b
    .size arch_probe_read8, . - arch_probe_read8

/* kerr_t probe_read64(const void *addr, uint64_t *out): for the backtrace, which must not
 * fault on a corrupt frame pointer. */
    .globl probe_read64
    .type probe_read64, @function
probe_read64:
1:  movq (%rdi), %rax
    movq %rax, (%rsi)
    xor %eax, %eax
    ret
2:  mov $XR_EFAULT, %eax
    ret
    extable 1b, 2b
    .size probe_read64, . - probe_read64
