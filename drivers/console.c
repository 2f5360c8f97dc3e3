/* The kernel console: every byte goes to serial (+0xE9) and the VGA text screen.
 * Lock: console_lock, a spinlock, held for one whole write so lines do not interleave. */
#include "drivers/console.h"
#include "drivers/serial.h"
#include "drivers/vga.h"
#include "kernel/spinlock.h"

static spinlock_t console_lock;

void console_init(void)
{
    serial_init();
    vga_init();
}

void console_disable_vga(void)
{
    vga_disable();
}

void console_write(const char *s, size_t len)
{
    uint64_t flags = spin_lock_irqsave(&console_lock);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
        vga_putc(s[i]);
    }
    spin_unlock_irqrestore(&console_lock, flags);
}
