/* Trap entry: one stub per vector pushes a uniform frame (error code, vector, all
 * general registers) and calls trap_dispatch(frame); the return path pops it and irets. */
#include "arch/x86_64/asm.h"

    .altmacro

/* vectors 8, 10-14, 17, 21, 29 and 30 get an error code from the CPU; the others a 0 */
    .macro trap_stub v
    .balign 16
trap_stub_\v:
    .if !((\v == 8) || ((\v >= 10) && (\v <= 14)) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30))
    pushq $0
    .endif
    pushq $\v
    jmp trap_common
    .endm

    /* the entry pages: with page-table isolation these are all user mode can see */
    .section .entry.text, "ax"
    .balign 16
    .globl trap_stubs_start
trap_stubs_start:
    .set v, 0
    .rept 256
    trap_stub %v
    .set v, v + 1
    .endr

    .macro stub_addr v
    .quad trap_stub_\v
    .endm

    .section .rodata
    .balign 8
    .globl trap_stub_table
trap_stub_table:
    .set v, 0
    .rept 256
    stub_addr %v
    .set v, v + 1
    .endr

    .section .entry.text, "ax"
trap_common:
    /* coming from user mode (CS RPL 3 at 24(%rsp))? then switch to the kernel GS */
    testb $3, 24(%rsp)
    jz 1f
    swapgs
1:  pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    mov %rsp, %rdi
    /* make the backtrace stop at the interrupted frame: rbp chain continues from it */
    call trap_dispatch
    .globl trap_return
trap_return:
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    testb $3, 24(%rsp)
    jz 2f
    swapgs
2:  add $16, %rsp
    iretq
