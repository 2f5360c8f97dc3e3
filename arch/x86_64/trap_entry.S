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

/* Frame offsets (struct trap_frame): 15 registers, then these. */
#define F_ARGS (8 * 8) /* rdi, rsi, rdx, r10, r8, r9: the argument array */
#define F_RDX (10 * 8)
#define F_RAX (14 * 8)
#define F_VECTOR (15 * 8)
#define F_ERROR (16 * 8)
#define F_RIP (17 * 8)
#define F_CS (18 * 8)
#define F_RFLAGS (19 * 8)
#define F_RSP (20 * 8)
#define F_SS (21 * 8)

/* Switch CR3 from the user view to the kernel view when isolation is on. Needs the
 * kernel GS; clobbers only the flags (rax is parked in the per-CPU scratch word). */
    .macro cr3_to_kernel
    cmpq $0, %gs:CPU_KPTI
    je 91f
    mov %rax, %gs:CPU_SCRATCH
    mov %cr3, %rax
    and $~0x1800, %rax
    or %gs:CPU_CR3_NOFLUSH, %rax
    mov %rax, %cr3
    mov %gs:CPU_SCRATCH, %rax
91:
    .endm

    .macro cr3_to_user
    cmpq $0, %gs:CPU_KPTI
    je 92f
    mov %rax, %gs:CPU_SCRATCH
    mov %gs:CPU_EXIT_CR3, %rax  /* the current space's user view (arch_switch_root) */
    mov %rax, %cr3
    mov %gs:CPU_SCRATCH, %rax
92:
    .endm

    /* the order of struct trap_frame (arch/x86_64/trap.h), from its top down; for a
     * syscall (syscall=1), RCX and R11 hold the user RIP and RFLAGS, already in the frame,
     * and the ABI destroys them, so their slots are skipped (each keeps the value this
     * thread's last frame left there) */
    /* the end of a return to user through sysret, RSP at the frame's vector slot; mode 0:
     * CR3 as CPU_KPTI says (RAX kept); the fastpath's, RAX = XR_OK: 1 without a CR3
     * switch, 2 with one (kpti=1: RAX its scratch, then cleared) */
    .macro sysret_tail mode=0
    mov F_RIP - F_VECTOR(%rsp), %rcx
    mov F_RFLAGS - F_VECTOR(%rsp), %r11
    mov F_RSP - F_VECTOR(%rsp), %rsp
    .if \mode == 0
    cr3_to_user
    .else
    .if \mode == 2
    mov %gs:CPU_EXIT_CR3, %rax
    mov %rax, %cr3
    .endif
    xor %eax, %eax
    .endif
    swapgs
    sysretq
    .endm

    .macro push_regs syscall=0
    pushq %rax
    pushq %r9
    pushq %r8
    pushq %r10
    pushq %rdx
    pushq %rsi
    pushq %rdi
    .if \syscall
    sub $16, %rsp
    .else
    pushq %rcx
    pushq %r11
    .endif
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    .endm

    /* restore the 15 registers of the frame at %rsp; %rsp ends at the vector slot; for a
     * syscall (syscall=1) R11 and RCX are skipped: the exit loads RFLAGS and RIP there */
    /* the callee-saved six, the bottom of a frame */
    .macro pop_callee_saved
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    .endm

    .macro pop_regs_inline syscall=0
    pop_callee_saved
    .if \syscall
    add $16, %rsp
    .else
    popq %r11
    popq %rcx
    .endif
    popq %rdi
    popq %rsi
    popq %rdx
    popq %r10
    popq %r8
    popq %r9
    popq %rax
    .endm

    .section .entry.text, "ax"
trap_common:
    testb $3, 24(%rsp)          /* CS, above vector, error code and RIP */
    jz 2f
    /* from user mode: kernel GS, kernel page tables, then move the 7-word frame from the
     * entry (or IST) stack to the current thread's kernel stack */
    swapgs
    cr3_to_kernel
    mov %rsi, %gs:CPU_SCRATCH
    mov %rsp, %rsi
    mov %gs:CPU_KSTACK, %rsp
    pushq 48(%rsi)
    pushq 40(%rsi)
    pushq 32(%rsi)
    pushq 24(%rsi)
    pushq 16(%rsi)
    pushq 8(%rsi)
    pushq 0(%rsi)
    mov %gs:CPU_SCRATCH, %rsi
2:  push_regs
    cld
    mov %rsp, %rdi
    call trap_dispatch
    /* fall through */

/* Return through iretq from the frame at %rsp (any kernel entry). */
    .globl trap_return
trap_return:
    testb $3, F_CS(%rsp)
    jz 3f
    cmpb $0, smp_active(%rip)
    je 9f
    call kernel_exit_unlock
9:
    /* to user mode: copy rip, cs, rflags, rsp, ss to the entry stack (mapped in the user
     * view), restore the registers, move there, switch CR3 and GS, and iret */
    mov %gs:CPU_ENTRY_IRET, %rax
    mov F_RIP(%rsp), %rcx
    mov %rcx, 0(%rax)
    mov F_CS(%rsp), %rcx
    mov %rcx, 8(%rax)
    mov F_RFLAGS(%rsp), %rcx
    mov %rcx, 16(%rax)
    mov F_RSP(%rsp), %rcx
    mov %rcx, 24(%rax)
    mov F_SS(%rsp), %rcx
    mov %rcx, 32(%rax)
    pop_regs_inline
    mov %gs:CPU_ENTRY_IRET, %rsp
    cr3_to_user
    swapgs
    iretq
3:  pop_regs_inline
    add $16, %rsp
    iretq

/* syscall: RCX = user RIP, R11 = user RFLAGS, RSP = user stack; interrupts are masked by
 * FMASK. Build the same frame a trap makes, on the thread's kernel stack. Four entry points
 * from one macro: syscall_entry for one CPU, syscall_entry_smp (the kernel lock taken on
 * entry, released on return: kernel/klock.h) once several CPUs run; each CPU's LSTAR
 * names the one in force (arch_smp_start switches them), so one CPU pays nothing. Each
 * also has a _kpti twin (kpti=1: the CR3 switches without a test of CPU_KPTI, the entry's
 * with RSP as its scratch register, free until the kernel stack is loaded; NMI, #MC and
 * #DF have their own stacks); LSTAR names the one for this CPU's kpti (syscall_entry_for,
 * gdt.c). */
    .macro syscall_entry_body smp, kpti
    swapgs
    mov %rsp, %gs:CPU_USER_RSP
    .if \kpti
    mov %cr3, %rsp
    and $~0x1800, %rsp
    or %gs:CPU_CR3_NOFLUSH, %rsp
    mov %rsp, %cr3
    .endif
    mov %gs:CPU_KSTACK, %rsp
    pushq $SEL_UDATA
    pushq %gs:CPU_USER_RSP
    pushq %r11
    pushq $SEL_UCODE
    pushq %rcx
    pushq $0
    pushq $VECTOR_SYSCALL
    push_regs 1
    /* no cld: FMASK clears DF (gdt.c) */
    .if \smp
    /* it clobbers the caller-saved registers: the number and the tag come from the frame */
    call kernel_entry_lock
    mov F_RAX(%rsp), %rax
    mov F_ARGS + 8(%rsp), %rsi
    .endif
    /* The one dispatcher: one indexed jump; call and reply_recv go to their fastpath
     * labels below, every other number to its handler in syscall_table, a number past
     * the end to the last entry (ENOSYS). */
    cmp $ASM_SYS_COUNT, %rax
    jae 1f
    jmp *syscall_jump\smp\()\kpti(, %rax, 8)
1:  mov $ASM_SYS_COUNT, %eax
syscall_slow\smp\()\kpti:
    lea F_ARGS(%rsp), %rdi
    lea F_ERROR(%rsp), %rsi     /* the value out: the error-code slot, pushed as 0 */
    call *syscall_table(, %rax, 8)
    cmp $-1, %rax               /* SYSRET_REGS_SET: the handler set the registers */
    je 2f
    test %rax, %rax
    jnz 5f                      /* refused: logged (log=debug) on the way out */
6:  mov %rax, F_RAX(%rsp)
    mov F_ERROR(%rsp), %rax
    mov %rax, F_RDX(%rsp)
2:  cmpb $0, %gs:CPU_HOT + SCHED_HOT_NEED_SWITCH
    je 8f
    call kernel_before_user_return
8:
    .if \smp
    jmp syscall_return_smp
    .else
    jmp syscall_return
    .endif
5:  mov %rax, %rbx              /* rbx is free: the user's value is in the frame */
    mov F_RAX(%rsp), %rdi       /* the number */
    mov %rax, %rsi              /* the error */
    call syscall_refused
    mov %rbx, %rax
    jmp 6b

    /* call and reply_recv, when the fastpath is on (arch_syscall_fastpath points the
     * table here): try the IPC fastpath (ipc/fastpath.c) if the tag in RSI is
     * register-sized (no caps, length <= ASM_MSG_REGS: the one test of the fastpath's
     * tag; the C side relies on it); it returns the frame of the thread to return to user
     * as (at the top of its kernel stack), or NULL for the slowpath */
syscall_call\smp\()\kpti:
    fast_gate syscall_slow\smp\()\kpti, 1f
    fast_call ipc_fastpath_call, \kpti
    fast_leave \smp, \kpti
1:  fast_call ipc_fastpath_call_long, \kpti
    jmp 3f
syscall_reply_recv\smp\()\kpti:
    fast_gate syscall_slow\smp\()\kpti, 1f
    fast_call ipc_fastpath_reply_recv, \kpti
3:  fast_leave \smp, \kpti
1:  fast_call ipc_fastpath_reply_recv_long, \kpti
    jmp 3b
4:  mov F_RAX(%rsp), %rax       /* declined: the handler, with the number back */
    jmp syscall_slow\smp\()\kpti

    /* the jump table: syscall_slow for every number; arch_syscall_fastpath (thread.c)
     * points the CALL and REPLY_RECV entries at the labels above */
    .globl syscall_jump\smp\()\kpti, syscall_slow\smp\()\kpti
    .globl syscall_call\smp\()\kpti, syscall_reply_recv\smp\()\kpti
    .pushsection .data
    .balign 8
syscall_jump\smp\()\kpti:
    .rept ASM_SYS_COUNT
    .quad syscall_slow\smp\()\kpti
    .endr
    .popsection
    .endm

    /* the fastpath's C function name, or its _kpti build's (ipc/fastpath_kpti.c) */
    .macro fast_call name, kpti
    .if \kpti
    call \name\()_kpti
    .else
    call \name
    .endif
    .endm

    /* after the fastpath: to user through the frame in RAX (the partner's), or to 4f when
     * it declined. The C side wrote only the badge there: RAX = XR_OK, and the tag and
     * words 0..3 go from the sender's arguments (its frame, still at RSP) straight into
     * the registers, words at or past the tag's length cleared (docs/ipc.md section 4) */
    .macro fast_leave smp, kpti
    test %rax, %rax
    jz 4f
    mov F_ARGS + 8(%rsp), %rsi
    mov F_ARGS + 16(%rsp), %rdx
    mov F_ARGS + 24(%rsp), %r10
    mov F_ARGS + 32(%rsp), %r8
    mov F_ARGS + 40(%rsp), %r9
    cmp $ASM_MSG_REGS, %sil     /* the tag's low byte: its length */
    jb 75f
71: mov %rax, %rsp
    .if \smp
    /* kernel_exit_unlock clobbers them: the message into the frame first */
    mov %rsi, F_ARGS + 8(%rsp)
    mov %rdx, F_ARGS + 16(%rsp)
    mov %r10, F_ARGS + 24(%rsp)
    mov %r8, F_ARGS + 32(%rsp)
    mov %r9, F_ARGS + 40(%rsp)
    movq $0, F_RAX(%rsp)
    jmp syscall_return_smp
    .else
    pop_callee_saved
    add $16, %rsp               /* the RCX and R11 slots */
    popq %rdi                   /* the badge */
    add $48, %rsp               /* the tag, the words and RAX: in registers already */
    sysret_tail 1 + \kpti       /* RAX = XR_OK */
    .endif
75: cmp $1, %sil                /* fewer than 4 words */
    jae 72f
    xor %edx, %edx
72: cmp $2, %sil
    jae 73f
    xor %r10d, %r10d
73: cmp $3, %sil
    jae 74f
    xor %r8d, %r8d
74: xor %r9d, %r9d
    jmp 71b
    .endm

    /* the fastpath's gate: a tag in RSI without caps and at most ASM_MSG_MAX words, else
     * to \slow with the number in RAX; more than ASM_MSG_REGS words to \long; passes the
     * argument array in RDI */
    .macro fast_gate slow, long
    lea F_ARGS(%rsp), %rdi
    cmp $ASM_MSG_REGS, %si      /* the tag's caps (bits 8-15) 0 and its length <= 4 */
    jbe 2f
    cmp $ASM_MSG_MAX, %si
    jbe \long
    jmp \slow
2:
    .endm

    .globl syscall_entry, syscall_entry_smp, syscall_entry_kpti, syscall_entry_smp_kpti
syscall_entry:
    syscall_entry_body 0, 0
syscall_entry_smp:
    syscall_entry_body 1, 0
syscall_entry_kpti:
    syscall_entry_body 0, 1
syscall_entry_smp_kpti:
    syscall_entry_body 1, 1

/* Return from a syscall frame with sysret. Only syscall frames come here (CS is the user
 * code selector by construction), and their RIP is always canonical, so the sysret hole
 * (a non-canonical RCX faults in kernel mode) cannot open: it is the address after a
 * syscall instruction, below MM_USER_END + 2 since the last user page is never mapped, or
 * one thread_set_regs checked against MM_USER_END (the debugger changes trap frames only,
 * which leave through iretq). The check is where RIP is set, not on every exit.
 * syscall_return_smp releases the kernel lock first; a thread resumed in a system call
 * (thread_syscall_resume, switch.S) comes through syscall_return_any, which asks. */
    .globl syscall_return, syscall_return_smp, syscall_return_any
syscall_return_any:
    cmpb $0, smp_active(%rip)
    je syscall_return
syscall_return_smp:
    call kernel_exit_unlock
    .globl syscall_return
syscall_return:
    pop_regs_inline 1
    sysret_tail
