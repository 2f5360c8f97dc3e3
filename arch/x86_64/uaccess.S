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

/* kerr_t arch_copy_user(void *dst, const void *src, size_t n): copy between kernel and
 * user memory (the C caller has checked that the user range lies in the user half). With
 * SMAP, user pages are reachable only between stac and clac. A fault resumes at the fixup. */
    .globl arch_copy_user
    .type arch_copy_user, @function
arch_copy_user:
    mov %rdx, %rcx
    cmpb $0, smap_enabled(%rip)
    je 1f
    stac
1:  rep movsb
    cmpb $0, smap_enabled(%rip)
    je 2f
    clac
2:  xor %eax, %eax
    ret
3:  cmpb $0, smap_enabled(%rip)
    je 4f
    clac
4:  mov $XR_EFAULT, %eax
    ret
    extable 1b, 3b
    .size arch_copy_user, . - arch_copy_user
