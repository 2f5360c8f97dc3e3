/* Kernel-wide state set up at boot: the configuration and the boot information. */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include "lib/cmdline.h"
#include "kernel/multiboot2.h"

/* The command-line configuration; written once in kmain before anything reads it. */
extern config_t kconfig;
/* The parsed multiboot2 information; pointers in it reach through the direct map. */
extern mb2_info_t kboot;

#endif
