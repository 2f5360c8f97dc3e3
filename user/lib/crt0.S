/* Program entry: _start realigns the stack, runs main(arg) and exits with its return value. */

    .section .text.entry, "ax", @progbits
    .globl _start
    .type _start, @function
/* Entered by the kernel (or xr_spawn_elf's thread) with RDI = the creator's argument, which
 * passes straight through to main. RSP may have any alignment; the ABI wants it 16-byte aligned
 * before a call. */
_start:
    .cfi_startproc
    .cfi_undefined rip          /* no caller: debuggers stop unwinding here */
    xorl %ebp, %ebp             /* end of the frame-pointer chain, for backtraces */
    andq $-16, %rsp
    call main
    movl %eax, %edi
    call xr_exit
    ud2                         /* xr_exit does not return */
    .cfi_endproc
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
