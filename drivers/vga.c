/* VGA text mode (80x25 at physical 0xb8000): write, wrap, scroll. */
#include "drivers/vga.h"
#include "arch/arch.h"

#define VGA_PHYS 0xb8000
#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x0700 /* light grey on black */

static volatile uint16_t *vga;
static unsigned row, col;

void vga_init(void)
{
    vga = arch_phys_to_virt(VGA_PHYS);
    for (unsigned i = 0; i < VGA_COLS * VGA_ROWS; i++)
        vga[i] = VGA_ATTR | ' ';
    row = col = 0;
}

void vga_disable(void)
{
    vga = NULL;
}

static void vga_scroll(void)
{
    for (unsigned i = 0; i < VGA_COLS * (VGA_ROWS - 1); i++)
        vga[i] = vga[i + VGA_COLS];
    for (unsigned i = 0; i < VGA_COLS; i++)
        vga[VGA_COLS * (VGA_ROWS - 1) + i] = VGA_ATTR | ' ';
    row = VGA_ROWS - 1;
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
    } else {
        vga[row * VGA_COLS + col] = VGA_ATTR | (uint8_t)c;
        if (++col == VGA_COLS) {
            col = 0;
            row++;
        }
    }
    if (row == VGA_ROWS)
        vga_scroll();
}
