/* The kernel console: every byte goes to serial (+0xE9) and to the one screen in use,
 * the EGA text buffer or the framebuffer console. Output written before the screen is
 * chosen is kept (the first EARLY_MAX bytes) and drawn when it is.
 * Lock: console_lock, a spinlock, held for one whole write so lines do not interleave. */
#include "drivers/console.h"
#include "drivers/fbcon.h"
#include "drivers/serial.h"
#include "drivers/vga.h"
#include "kernel/spinlock.h"

#define EARLY_MAX     4096
#define TEXT_MAX_COLS 256 /* sanity bounds for an EGA text geometry from the boot loader */
#define TEXT_MAX_ROWS 128

static spinlock_t console_lock;
static console_screen_t screen;
static bool screen_chosen;
static char early[EARLY_MAX];
static size_t early_len;

void console_init(void)
{
    serial_init();
}

static void screen_putc(char c)
{
    if (screen.kind == CONSOLE_SCREEN_TEXT)
        vga_putc(c);
    else if (screen.kind == CONSOLE_SCREEN_FB)
        fbcon_putc(c);
}

static bool screen_start(const console_screen_t *s)
{
    switch (s->kind) {
    case CONSOLE_SCREEN_TEXT:
        if (s->width == 0 || s->width > TEXT_MAX_COLS || s->height == 0 ||
            s->height > TEXT_MAX_ROWS)
            return false;
        vga_init(s->phys, s->width, s->height);
        return true;
    case CONSOLE_SCREEN_FB:
        return fbcon_init(s);
    default:
        return false;
    }
}

bool console_set_screen(const console_screen_t *s)
{
    uint64_t flags = spin_lock_irqsave(&console_lock);
    bool ok = !screen_chosen && screen_start(s);
    screen = ok ? *s : (console_screen_t){.kind = CONSOLE_SCREEN_NONE};
    screen_chosen = true;
    for (size_t i = 0; ok && i < early_len; i++)
        screen_putc(early[i]);
    if (screen.kind == CONSOLE_SCREEN_FB)
        fbcon_flush();
    spin_unlock_irqrestore(&console_lock, flags);
    return ok || s->kind == CONSOLE_SCREEN_NONE;
}

kerr_t console_map_screen(const pt_ops_t *ops)
{
    if (screen.kind != CONSOLE_SCREEN_FB)
        return XR_OK;
    uint64_t flags = spin_lock_irqsave(&console_lock);
    kerr_t err = fbcon_map(ops);
    spin_unlock_irqrestore(&console_lock, flags);
    return err;
}

void console_screen_info(console_screen_t *s, unsigned *cols, unsigned *rows)
{
    *s = screen;
    *cols = *rows = 0;
    if (screen.kind == CONSOLE_SCREEN_TEXT) {
        *cols = screen.width;
        *rows = screen.height;
    } else if (screen.kind == CONSOLE_SCREEN_FB) {
        fbcon_geometry(cols, rows);
    }
}

void console_write(const char *s, size_t len)
{
    uint64_t flags = spin_lock_irqsave(&console_lock);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
        if (!screen_chosen && early_len < EARLY_MAX)
            early[early_len++] = s[i];
        screen_putc(s[i]);
    }
    if (screen.kind == CONSOLE_SCREEN_FB)
        fbcon_flush();
    else if (screen.kind == CONSOLE_SCREEN_TEXT)
        vga_flush();
    spin_unlock_irqrestore(&console_lock, flags);
}
