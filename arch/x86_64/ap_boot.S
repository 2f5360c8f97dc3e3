/* The first instructions of an application processor: a start-up IPI makes it run, in
 * real mode, the page this blob is copied to (AP_BOOT_PAGE); it enters protected mode,
 * then long mode on the page tables the boot CPU prepared (an identity map of the low
 * 2 MiB plus the kernel half), and jumps to ap_main in the kernel with its stack. The blob
 * is position independent: every address is AP_BOOT_ADDR plus an offset into it. */
#include "arch/x86_64/asm.h"

#define AP_BOOT_ADDR (AP_BOOT_PAGE * 4096)
#define OFF(x) (AP_BOOT_ADDR + ((x) - ap_boot_start))

    .section .rodata
    .balign 16
    .globl ap_boot_start, ap_boot_end, ap_boot_cr3, ap_boot_efer, ap_boot_stack, ap_boot_entry
    .globl ap_boot_cpu
    .code16
ap_boot_start:
    cli
    cld
    mov %cs, %ax
    mov %ax, %ds
    lgdtl ap_boot_gdtr - ap_boot_start
    mov %cr0, %eax
    or $1, %eax                         /* PE */
    mov %eax, %cr0
    ljmpl $0x08, $OFF(ap_boot_32)

    .code32
ap_boot_32:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %cr4, %eax
    or $(1 << 5), %eax                  /* PAE */
    mov %eax, %cr4
    mov OFF(ap_boot_cr3), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx               /* EFER: long mode, and NX as the boot CPU has it */
    rdmsr
    or OFF(ap_boot_efer), %eax
    wrmsr
    mov %cr0, %eax
    or $0x80010001, %eax                /* PG, WP, PE */
    mov %eax, %cr0
    ljmp $0x18, $OFF(ap_boot_64)

    .code64
ap_boot_64:
    mov OFF(ap_boot_stack), %rsp
    mov OFF(ap_boot_cpu), %edi
    mov OFF(ap_boot_entry), %rax
    xor %ebp, %ebp
    jmp *%rax

    .balign 8
ap_boot_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff            /* 32-bit code */
    .quad 0x00cf92000000ffff            /* data */
    .quad 0x00209a0000000000            /* 64-bit code */
ap_boot_gdtr:
    .word 4 * 8 - 1
    .long OFF(ap_boot_gdt)
    .balign 8
ap_boot_cr3:    .long 0                 /* below 4 GiB: loaded in 32-bit mode */
ap_boot_efer:   .long 0
ap_boot_stack:  .quad 0
ap_boot_entry:  .quad 0
ap_boot_cpu:    .long 0
ap_boot_end:
