/* The kernel console: COM1 serial, the 0xE9 debug port and one screen (the EGA text
 * buffer or a linear framebuffer, as the boot loader left it), written together.
 * Lock: console_lock serialises writers (taken by kprintf). */
#ifndef DRIVERS_CONSOLE_H
#define DRIVERS_CONSOLE_H

#include "arch/arch.h"
#include "lib/types.h"

typedef enum console_screen_kind {
    CONSOLE_SCREEN_NONE, /* serial only (UEFI without a framebuffer, or one we cannot draw) */
    CONSOLE_SCREEN_TEXT, /* EGA text: width x height cells of 16 bits */
    CONSOLE_SCREEN_FB,   /* a linear framebuffer of direct-colour pixels */
} console_screen_kind_t;

/* A screen as the boot loader describes it (kmain fills it from the multiboot2 tags). */
typedef struct console_screen {
    console_screen_kind_t kind;
    uint64_t phys;          /* the text buffer or the framebuffer */
    uint32_t width, height; /* cells (TEXT) or pixels (FB) */
    uint32_t pitch;         /* FB: bytes from one pixel row to the next */
    uint8_t bpp;            /* FB: 16, 24 or 32 bits per pixel */
    struct {
        uint8_t pos, size; /* FB: the channel's lowest bit and its width */
    } red, green, blue;
} console_screen_t;

/* Program COM1 for 115200 8N1. Call once, first thing. Until console_set_screen, output
 * goes to serial and the first 4 KiB of it are kept for the screen. */
void console_init(void);
/* Draw on screen s from now on, starting with the kept early output; a kind of NONE, or a
 * framebuffer layout the console cannot draw (then false), keeps the console on serial. */
bool console_set_screen(const console_screen_t *s);
/* Map a framebuffer screen into the kernel's own tables with ops: call right after they
 * are built (mm_init). XR_OK when there is nothing to map. */
kerr_t console_map_screen(const pt_ops_t *ops);
/* The screen in use (kind NONE when none) and its text grid in columns and rows. */
void console_screen_info(console_screen_t *s, unsigned *cols, unsigned *rows);
/* Write len bytes to every console sink; '\n' becomes CR LF on serial. */
void console_write(const char *s, size_t len);

#endif
