/* COM1 serial port and the 0xE9 debug port (Bochs, QEMU -debugcon). */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include "lib/types.h"

void serial_init(void);
/* Send one byte to COM1 and port 0xE9; waits for the UART, but never forever. */
void serial_putc(char c);

#endif
