/* The screen the boot loader left (EGA text or a framebuffer), handed to the console. */
#ifndef KERNEL_BOOT_SCREEN_H
#define KERNEL_BOOT_SCREEN_H

#include "arch/arch.h"
#include "kernel/multiboot2.h"

/* Give the console the screen mb describes: its framebuffer tag (EGA text, or direct
 * colour); without one, the EGA text buffer at 0xb8000 on a BIOS boot and no screen on a
 * UEFI boot (the legacy VGA areas may not exist there). Once, after mb2_parse. */
void boot_screen_setup(const mb2_info_t *mb);
/* Map a framebuffer into the kernel's tables with ops; right after mm_init. A failure is
 * reported and leaves the console on serial. */
void boot_screen_map(const pt_ops_t *ops);
/* Banner lines: the firmware (BIOS or UEFI, and what GRUB left of it) and the screen. */
void boot_screen_banner(const mb2_info_t *mb);

#endif
