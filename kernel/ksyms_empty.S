/* The first link pass's empty symbol table; the second pass links the generated one. */
    .section .ksyms, "a"
    .balign 8
    .globl ksyms_nr, ksyms_table
ksyms_nr:
    .quad 0
ksyms_table:
