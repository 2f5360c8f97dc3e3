/* COM2 for the GDB stub: 115200 8N1, polled I/O, receive-data interrupt on (OUT2 gates the
 * UART's IRQ onto the ISA bus on a PC). No lock: only the stub uses it, interrupts off. */
#include "drivers/com2.h"
#include "arch/arch.h"

#define COM2          0x2f8
#define LSR           5
#define LSR_DATA      0x01
#define LSR_THR_EMPTY 0x20
#define SPIN_LIMIT    1000000

static bool present;

bool com2_init(void)
{
    arch_io_out(COM2 + 1, 1, 0x00); /* interrupts off while programming */
    arch_io_out(COM2 + 3, 1, 0x80); /* DLAB on */
    arch_io_out(COM2 + 0, 1, 0x01); /* divisor 1 = 115200 baud */
    arch_io_out(COM2 + 1, 1, 0x00);
    arch_io_out(COM2 + 3, 1, 0x03); /* 8N1, DLAB off */
    arch_io_out(COM2 + 2, 1, 0x07); /* FIFO on, cleared, interrupt at every byte */
    arch_io_out(COM2 + 4, 1, 0x0b); /* DTR, RTS, OUT2 */
    present = (uint8_t)arch_io_in(COM2 + LSR, 1) != 0xff;
    if (present)
        arch_io_out(COM2 + 1, 1, 0x01); /* received-data interrupt */
    return present;
}

int com2_try_getc(void)
{
    if (!present || !((uint8_t)arch_io_in(COM2 + LSR, 1) & LSR_DATA))
        return -1;
    return (uint8_t)arch_io_in(COM2, 1);
}

uint8_t com2_getc(void)
{
    int c;
    while ((c = com2_try_getc()) < 0)
        arch_cpu_relax();
    return (uint8_t)c;
}

void com2_write(const char *s, size_t n)
{
    for (size_t i = 0; present && i < n; i++) {
        for (int k = 0; k < SPIN_LIMIT && !((uint8_t)arch_io_in(COM2 + LSR, 1) & LSR_THR_EMPTY);
             k++)
            arch_cpu_relax();
        arch_io_out(COM2, 1, (uint8_t)s[i]);
    }
}
