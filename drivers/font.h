/* The framebuffer console's bitmap font: 256 glyphs of 8x16 pixels, one byte per row,
 * most significant bit leftmost. Generated at build time by scripts/gen-font. */
#ifndef DRIVERS_FONT_H
#define DRIVERS_FONT_H

#include "lib/types.h"

#define FONT_WIDTH  8
#define FONT_HEIGHT 16

/* Glyph of the byte c read as Latin-1; controls and 0x7f..0x9f show a replacement box. */
extern const uint8_t font_8x16[256][FONT_HEIGHT];

#endif
