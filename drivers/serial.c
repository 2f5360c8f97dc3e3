/* COM1 (16550 UART at 0x3f8) at 115200 8N1, polled, plus the 0xE9 debug port. */
#include "drivers/serial.h"
#include "arch/x86_64/x86.h"

#define COM1          0x3f8
#define LSR_THR_EMPTY 0x20
#define SPIN_LIMIT    100000 /* give up on a missing or stuck UART instead of hanging */

static bool serial_present;

void serial_init(void)
{
    outb(COM1 + 1, 0x00); /* no interrupts */
    outb(COM1 + 3, 0x80); /* DLAB on */
    outb(COM1 + 0, 0x01); /* divisor 1 = 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1, DLAB off */
    outb(COM1 + 2, 0xc7); /* FIFO on, cleared */
    outb(COM1 + 4, 0x03); /* DTR, RTS */
    serial_present = inb(COM1 + 5) != 0xff;
}

void serial_putc(char c)
{
    outb(0xe9, (uint8_t)c);
    if (!serial_present)
        return;
    for (int i = 0; i < SPIN_LIMIT && !(inb(COM1 + 5) & LSR_THR_EMPTY); i++)
        __asm__ volatile("pause");
    outb(COM1, (uint8_t)c);
}
