/* COM2 (16550 UART at 0x2f8, IRQ 3): the GDB stub's line, polled, with a receive interrupt
 * so that a Ctrl-C from GDB can break in while the system runs. */
#ifndef DRIVERS_COM2_H
#define DRIVERS_COM2_H

#include "lib/types.h"

#define COM2_IRQ 3 /* ISA IRQ 3, GSI 3 on the PC's I/O APIC (no MADT override read yet) */

/* Program COM2 for 115200 8N1 with FIFOs and the receive interrupt; false when no UART
 * answers. Call once, before any other com2_ function. */
bool com2_init(void);
/* The next received byte, or -1 when none is waiting. Never blocks. */
int com2_try_getc(void);
/* Wait (spinning) for a received byte. */
uint8_t com2_getc(void);
/* Send bytes, waiting for the transmitter (but never forever on a stuck UART). */
void com2_write(const char *s, size_t n);

#endif
