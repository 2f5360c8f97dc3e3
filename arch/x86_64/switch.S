/* Kernel context switch and the first instructions of a new thread. */
#include "arch/x86_64/asm.h"

/* void arch_context_switch(uint64_t *save_ksp, uint64_t new_ksp): save the callee-saved
 * registers on this stack, park its pointer in *save_ksp, continue on new_ksp. */
    .text
    .globl arch_context_switch
    .type arch_context_switch, @function
arch_context_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size arch_context_switch, . - arch_context_switch

/* A new user thread's first return address: its trap frame is right above. */
    .globl thread_user_start
thread_user_start:
    jmp trap_return

/* A thread parked in a system call (arch_thread_park): its frame is right above. */
    .globl thread_syscall_resume
thread_syscall_resume:
    jmp syscall_return_any

/* A new kernel thread: r12 = function, r13 = argument; the function must not return. */
    .globl thread_kernel_start
thread_kernel_start:
    mov %r13, %rdi
    xor %ebp, %ebp
    call *%r12
    ud2

/* arch_call_saving_all (arch/arch.h): call RAX(RDI) keeping every register but RAX, so a
 * cold call inside an inline fast path costs its caller no saved registers and no frame. */
    .globl arch_call_saving_all_stub
    .type arch_call_saving_all_stub, @function
arch_call_saving_all_stub:
    pushq %rbp
    mov %rsp, %rbp
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    and $-16, %rsp              /* the ABI's alignment at the call */
    call *%rax
    lea -64(%rbp), %rsp
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbp
    ret
    .size arch_call_saving_all_stub, . - arch_call_saving_all_stub
