/* Entry of a newlib program: _start realigns the stack and hands the spawner's RDI (a start
 * block with argv and envp, or a plain argument) to __xr_libc_start, which runs main. */

    .section .text.entry, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    .cfi_startproc
    .cfi_undefined rip          /* no caller: debuggers stop unwinding here */
    xorl %ebp, %ebp             /* end of the frame-pointer chain, for backtraces */
    andq $-16, %rsp
    call __xr_libc_start        /* RDI passes straight through; does not return */
    ud2
    .cfi_endproc
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
