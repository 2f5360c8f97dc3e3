/* Boot path: multiboot2 header, 32-bit entry from GRUB, checks for long mode,
 * early page tables, the switch to long mode and the jump to the higher half.
 * docs/boot.md walks through it step by step. */
#include "arch/x86_64/asm.h"

#define MB2_MAGIC       0xe85250d6
#define MB2_ARCH_I386   0
#define MB2_BOOT_MAGIC  0x36d76289

#define PTE_P   0x001
#define PTE_W   0x002
#define PTE_PS  0x080

/* ---- multiboot2 header: must lie in the first 32 KiB, 8-byte aligned ---- */
    .section .multiboot2, "a"
    .balign 8
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

    /* information request: cmdline, modules, memory map, framebuffer, ACPI (old and new) */
    .balign 8
mb2_req:
    .short 1, 0
    .long mb2_req_end - mb2_req
    .long 1, 3, 6, 8, 14, 15
mb2_req_end:

    /* console flags: we can drive the EGA text screen, so GRUB may leave text mode */
    .balign 8
    .short 4, 0
    .long 12
    .long 2

    /* a linear framebuffer is welcome too (UEFI has no text mode), any size and depth;
     * optional (flags 1), so a loader that cannot set one still boots us */
    .balign 8
    .short 5, 1
    .long 20
    .long 0, 0, 0

    /* modules page-aligned */
    .balign 8
    .short 6, 0
    .long 8

    .balign 8
    .short 0, 0
    .long 8
mb2_header_end:

/* ---- 32-bit entry, identity mapped, paging off ---- */
    .section .boot.text, "ax"
    .code32
    .globl boot_entry32
boot_entry32:
    cli
    cld
    mov $boot_stack32_top, %esp
    mov %eax, boot_mb2_magic
    mov %ebx, boot_mb2_info

    cmp $MB2_BOOT_MAGIC, %eax
    jne .Lno_multiboot

    /* CPUID present? (EFLAGS.ID can be toggled) */
    pushfl
    pop %eax
    mov %eax, %ecx
    xor $0x200000, %eax
    push %eax
    popfl
    pushfl
    pop %eax
    push %ecx
    popfl
    cmp %eax, %ecx
    je .Lno_long_mode

    /* extended leaf 0x80000001 with LM (bit 29 of EDX)? */
    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb .Lno_long_mode
    mov $0x80000001, %eax
    cpuid
    test $(1 << 29), %edx
    jz .Lno_long_mode
    mov %edx, boot_ext_edx

    call build_early_tables

    /* PAE on, CR3 = early PML4 */
    mov %cr4, %eax
    or $(1 << 5), %eax
    mov %eax, %cr4
    mov $early_pml4, %eax
    mov %eax, %cr3

    /* EFER: LME, plus NXE when the CPU has NX (EDX bit 20) */
    mov $0xc0000080, %ecx
    rdmsr
    or $(1 << 8), %eax
    testl $(1 << 20), boot_ext_edx
    jz 1f
    or $(1 << 11), %eax
1:  wrmsr

    /* paging + protection + write-protect in supervisor mode */
    mov %cr0, %eax
    or $0x80010001, %eax
    mov %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $0x08, $boot_entry64

.Lno_multiboot:
    mov $msg_no_mb2, %esi
    jmp boot_fail32
.Lno_long_mode:
    mov $msg_no_lm, %esi
    jmp boot_fail32

/* Identity-map the first 4 GiB with 2 MiB pages, alias it at the direct map
 * (PML4 slot 256) and map the first 2 GiB again at KERNEL_BASE (slot 511). */
build_early_tables:
    mov $early_tables_start, %edi
    mov $((early_tables_end - early_tables_start) / 4), %ecx
    xor %eax, %eax
    rep stosl

    mov $early_pdpt_low, %eax
    or $(PTE_P | PTE_W), %eax
    mov %eax, early_pml4
    mov %eax, early_pml4 + 256 * 8
    mov $early_pdpt_high, %eax
    or $(PTE_P | PTE_W), %eax
    mov %eax, early_pml4 + 511 * 8

    /* four page directories: 2048 entries of 2 MiB */
    mov $early_pd, %edi
    xor %ecx, %ecx
2:  mov %ecx, %eax
    shl $21, %eax
    or $(PTE_P | PTE_W | PTE_PS), %eax
    mov %eax, (%edi, %ecx, 8)
    mov %ecx, %eax
    shr $11, %eax                       /* bits 32+ of the address */
    mov %eax, 4(%edi, %ecx, 8)
    inc %ecx
    cmp $2048, %ecx
    jb 2b

    xor %ecx, %ecx
3:  mov %ecx, %eax
    shl $12, %eax
    add $early_pd, %eax
    or $(PTE_P | PTE_W), %eax
    mov %eax, early_pdpt_low(, %ecx, 8)
    inc %ecx
    cmp $4, %ecx
    jb 3b

    mov $early_pd, %eax
    or $(PTE_P | PTE_W), %eax
    mov %eax, early_pdpt_high + 510 * 8
    add $4096, %eax
    mov %eax, early_pdpt_high + 511 * 8
    ret

/* Print the NUL-terminated string at %esi on the VGA text screen (white on red)
 * and on COM1, then halt forever. Used only when the machine cannot run us. */
boot_fail32:
    mov $0xb8000, %edi
    mov %esi, %ebx
1:  movzbl (%ebx), %eax
    test %al, %al
    jz 3f
    mov $0x4f, %ah
    mov %ax, (%edi)
    add $2, %edi
    mov %eax, %ecx
    mov $0x3fd, %dx
2:  inb %dx, %al
    test $0x20, %al
    jz 2b
    mov $0x3f8, %dx
    mov %ecx, %eax
    outb %al, %dx
    inc %ebx
    jmp 1b
3:  cli
    hlt
    jmp 3b

/* ---- 64-bit, still at the low address: jump to the higher half ---- */
    .code64
boot_entry64:
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    movabs $kernel_entry64, %rax
    jmp *%rax

    .section .boot.data, "aw"
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00209a0000000000            /* 0x08: 64-bit code */
    .quad 0x0000920000000000            /* 0x10: data */
boot_gdt_end:
    .balign 8
boot_gdt_ptr:
    .short boot_gdt_end - boot_gdt - 1
    .long boot_gdt
    .globl boot_mb2_magic, boot_mb2_info
boot_mb2_magic: .long 0
boot_mb2_info:  .long 0
boot_ext_edx:   .long 0
msg_no_lm:
    .asciz "x-realism: this CPU has no 64-bit long mode (x86_64); it cannot boot here."
msg_no_mb2:
    .asciz "x-realism: not started by a multiboot2 loader (bad magic in EAX); use GRUB2."

    .section .boot.bss, "aw", @nobits
    .balign 4096
early_tables_start:
    .globl early_pml4
early_pml4:      .skip 4096
early_pdpt_low:  .skip 4096
early_pdpt_high: .skip 4096
early_pd:        .skip 4 * 4096
early_tables_end:
    .skip 1024
boot_stack32_top:

/* ---- higher half ---- */
    .section .text.entry, "ax"
    .code64
    .globl kernel_entry64
kernel_entry64:
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp

    movabs $_bss_start, %rdi
    movabs $_bss_end, %rcx
    sub %rdi, %rcx
    xor %eax, %eax
    rep stosb

    mov boot_mb2_info, %edi
    call kmain
1:  cli
    hlt
    jmp 1b

    .section .bss
    .balign 4096
    .globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    .skip 4 * 4096
boot_stack_top:
