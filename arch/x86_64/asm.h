/* Constants shared by the assembly files and C: segment selectors and MSRs. */
#ifndef ARCH_X86_64_ASM_H
#define ARCH_X86_64_ASM_H

#define KERNEL_BASE     0xffffffff80000000
#define DIRECT_MAP_BASE 0xffff800000000000

/* GDT layout; the user selectors follow the order sysret requires. */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x1b /* 0x18 | RPL 3 */
#define SEL_UCODE 0x23 /* 0x20 | RPL 3 */
#define SEL_TSS   0x28

#define MSR_EFER           0xc0000080
#define MSR_STAR           0xc0000081
#define MSR_LSTAR          0xc0000082
#define MSR_FMASK          0xc0000084
#define MSR_FS_BASE        0xc0000100
#define MSR_GS_BASE        0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

#endif
