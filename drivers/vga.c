/* EGA/VGA text mode (80x25 at physical 0xb8000 on a BIOS PC): write, wrap, scroll, '\b'. */
#include "drivers/vga.h"
#include "arch/arch.h"

#define VGA_ATTR 0x0700 /* light grey on black */

static volatile uint16_t *vga;
static unsigned cols, rows, row, col;

void vga_init(uint64_t phys, unsigned ncols, unsigned nrows)
{
    vga = arch_phys_to_virt(phys);
    cols = ncols;
    rows = nrows;
    for (unsigned i = 0; i < cols * rows; i++)
        vga[i] = VGA_ATTR | ' ';
    row = col = 0;
}

static void vga_scroll(void)
{
    for (unsigned i = 0; i < cols * (rows - 1); i++)
        vga[i] = vga[i + cols];
    for (unsigned i = 0; i < cols; i++)
        vga[cols * (rows - 1) + i] = VGA_ATTR | ' ';
    row = rows - 1;
}

void vga_putc(char c)
{
    if (!vga)
        return;
    if (c == '\n') {
        col = 0;
        row++;
    } else if (c == '\r') {
        col = 0;
    } else if (c == '\b') { /* back one cell, as fbcon does: the console's line editing */
        col = col ? col - 1 : 0;
    } else {
        vga[row * cols + col] = VGA_ATTR | (uint8_t)c;
        if (++col == cols) {
            col = 0;
            row++;
        }
    }
    if (row == rows)
        vga_scroll();
}
