/* The kernel console: COM1 serial, the 0xE9 debug port and the VGA text screen,
 * written together. Lock: console_lock serialises writers (taken by kprintf). */
#ifndef DRIVERS_CONSOLE_H
#define DRIVERS_CONSOLE_H

#include "lib/types.h"

/* Program COM1 for 115200 8N1 and clear the VGA screen. Call once, first thing. */
void console_init(void);
/* Stop drawing on the VGA text screen (when GRUB left a graphics framebuffer). */
void console_disable_vga(void);
/* Write len bytes to every console sink; '\n' becomes CR LF on serial. */
void console_write(const char *s, size_t len);

#endif
