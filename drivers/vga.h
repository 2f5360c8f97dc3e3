/* EGA/VGA text screen (drivers-private). */
#ifndef DRIVERS_VGA_H
#define DRIVERS_VGA_H

#include "lib/types.h"

/* Use the cols x rows text buffer at phys (reached through the direct map) and clear it. */
void vga_init(uint64_t phys, unsigned cols, unsigned rows);
void vga_putc(char c);
/* Moves the hardware cursor to where the next character goes (after a write). */
void vga_flush(void);

#endif
