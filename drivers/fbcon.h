/* The framebuffer text console (drivers-private): text cells drawn with the 8x16 font on a
 * linear framebuffer of 16, 24 or 32 bits per pixel. Lock: the caller's (console_lock). */
#ifndef DRIVERS_FBCON_H
#define DRIVERS_FBCON_H

#include "drivers/console.h"

/* Take the framebuffer s (kind CONSOLE_SCREEN_FB) as the screen and clear it. False (and
 * nothing changes) for a layout it cannot draw. Drawing starts at once when the boot page
 * tables reach the framebuffer (below 4 GiB), else at fbcon_map. */
bool fbcon_init(const console_screen_t *s);
/* Map the framebuffer uncached and not executable into the kernel's tables with ops (once,
 * right after they are built); then redraw. XR_ENOMEM when tables cannot be had. */
kerr_t fbcon_map(const pt_ops_t *ops);
/* Put one byte on the text grid ('\n', '\r' and '\b' move; others show their glyph). */
void fbcon_putc(char c);
/* Draw the cells changed since the last flush. */
void fbcon_flush(void);
/* Text columns and rows of the grid (0 before fbcon_init). */
void fbcon_geometry(unsigned *cols, unsigned *rows);

#endif
