/* VGA text screen. */
#ifndef DRIVERS_VGA_H
#define DRIVERS_VGA_H

void vga_init(void);
void vga_disable(void);
void vga_putc(char c);

#endif
