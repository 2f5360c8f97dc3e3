/* COM1 (16550 UART at 0x3f8) at 115200 8N1, polled, plus the 0xE9 debug port. */
#include "drivers/serial.h"
#include "arch/arch.h"

#define COM1          0x3f8
#define LSR_THR_EMPTY 0x20
#define SPIN_LIMIT    100000 /* give up on a missing or stuck UART instead of hanging */

static bool serial_present;

void serial_init(void)
{
    arch_io_out(COM1 + 1, 1, 0x00); /* no interrupts */
    arch_io_out(COM1 + 3, 1, 0x80); /* DLAB on */
    arch_io_out(COM1 + 0, 1, 0x01); /* divisor 1 = 115200 baud */
    arch_io_out(COM1 + 1, 1, 0x00);
    arch_io_out(COM1 + 3, 1, 0x03); /* 8N1, DLAB off */
    arch_io_out(COM1 + 2, 1, 0xc7); /* FIFO on, cleared */
    arch_io_out(COM1 + 4, 1, 0x03); /* DTR, RTS */
    serial_present = (uint8_t)arch_io_in(COM1 + 5, 1) != 0xff;
}

void serial_putc(char c)
{
    arch_io_out(0xe9, 1, (uint8_t)c);
    if (!serial_present)
        return;
    for (int i = 0; i < SPIN_LIMIT && !((uint8_t)arch_io_in(COM1 + 5, 1) & LSR_THR_EMPTY); i++)
        arch_cpu_relax();
    arch_io_out(COM1, 1, (uint8_t)c);
}
