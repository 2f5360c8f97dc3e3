/* EGA/VGA text mode (80x25 at physical 0xb8000 on a BIOS PC): write, wrap, scroll, '\b', and
 * the hardware cursor. */
#include "drivers/vga.h"
#include "arch/arch.h"

#define VGA_ATTR  0x0700 /* light grey on black */
#define CRTC_ADDR 0x3d4  /* the colour CRT controller's index and data ports */
#define CRTC_DATA 0x3d5

static void crtc_set(uint8_t reg, uint8_t value)
{
    arch_io_out(CRTC_ADDR, 1, reg);
    arch_io_out(CRTC_DATA, 1, value);
}

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
    crtc_set(0x0a, 14); /* an underline cursor, scan lines 14..15, shown (bit 5 clear) */
    crtc_set(0x0b, 15);
    vga_flush();
}

void vga_flush(void)
{
    unsigned at = row * cols + col;
    if (!vga)
        return;
    crtc_set(0x0e, (uint8_t)(at >> 8)); /* the hardware cursor where the next cell goes */
    crtc_set(0x0f, (uint8_t)at);
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
