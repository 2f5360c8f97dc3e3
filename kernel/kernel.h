/* Kernel-wide state set up at boot: the configuration and the boot information. */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include "kernel/multiboot2.h"
#include "lib/cmdline.h"

/* The command-line configuration; written once in kmain before anything reads it. */
extern config_t kconfig;
/* The parsed multiboot2 information; pointers in it reach through the direct map. */
extern mb2_info_t kboot;

/* The C entry point, from the 64-bit boot code (arch/x86_64/boot.S), with the physical
 * address of the multiboot2 information. */
void kmain(uint32_t mb_phys);
/* kernel/smp.c: how many cores to use (the MADT, smp=), then start them. */
unsigned smp_plan(void);
void smp_start(unsigned n);
/* The interrupt line of ISA IRQ irq after the MADT's overrides (identity without one). */
uint8_t smp_isa_gsi(unsigned irq);

#endif
