/* The console server's PS/2 keyboard (kbd.c): scan codes to the bytes a terminal sends. */
#ifndef XR_USER_CONSOLE_KBD_H
#define XR_USER_CONSOLE_KBD_H

/* Reads every byte the keyboard controller holds (through the I/O-port cap, CON_SLOT_IOPORTS) and
 * passes each typed character to input, an arrow key as ESC '[' 'A'..'D'. Mouse bytes are
 * dropped. Does not block. */
void kbd_drain(void (*input)(char));

#endif
