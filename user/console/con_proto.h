/* The console server's protocol: read a line (or raw bytes), terminal modes, the interrupt key. */
#ifndef XR_USER_CONSOLE_PROTO_H
#define XR_USER_CONSOLE_PROTO_H

/*
 * A request is a register call on a cap to the console's endpoint: label = CON_OP_*, at most 4
 * words, no caps. The reply's label is an XR_* code. Output does not pass through the server:
 * programs print with DEBUG_WRITE (the kernel's serial and VGA console), and so does the server's
 * echo, so the two never interleave inside a line.
 *
 *   op        request             reply (OK)
 *   READ      w0 most bytes        w0 n (0: end of input, Ctrl-D), w1..w3 up to 24 bytes;
 *                                  XR_EAGAIN when nothing is ready yet (the caller retries)
 *   GETMODE   -                    w0 CON_M_* flags
 *   SETMODE   w0 CON_M_* flags     -
 *   INTR      -                    w0 1 if Ctrl-C was pressed since the last INTR, else 0
 */

#define CON_OP_READ    1
#define CON_OP_GETMODE 2
#define CON_OP_SETMODE 3
#define CON_OP_INTR    4

#define CON_READ_MAX 24 /* bytes in one READ reply */

#define CON_M_CANON 1u /* line editing: a READ sees a line once Enter is pressed */
#define CON_M_ECHO  2u /* typed characters are echoed */
#define CON_M_ISIG  4u /* Ctrl-C interrupts (else it is read as a byte) */

/* The slots init starts the console server with. */
#define CON_SLOT_SELF    1
#define CON_SLOT_THREAD  2
#define CON_SLOT_IOPORTS 3
#define CON_SLOT_IRQ     4 /* the first irq= of /etc/services: COM1's interrupt line, 4 */
#define CON_SLOT_EP      5 /* the endpoint clients call (R); given last */
#define CON_SLOT_IRQ2    6 /* the second irq=: the PS/2 keyboard's line, 1 */

#endif
