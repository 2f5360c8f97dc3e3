/* The PS/2 keyboard: reads the i8042's output buffer and turns scan code set 1 (what the
 * controller delivers with translation on, as firmware leaves it) into the bytes a terminal
 * sends: letters with Shift, Caps Lock and Ctrl, Enter as '\r', Backspace as DEL, the arrows as
 * the escape sequences ESC [ A..D that the serial line already uses. */
#include "kbd.h"

#include <stdbool.h>

#include "con_proto.h"
#include "xr.h"

#define KBC_DATA   0x60
#define KBC_STATUS 0x64
#define ST_FULL    0x01 /* a byte waits in the output buffer */
#define ST_AUX     0x20 /* ... from the mouse, not the keyboard */

#define SC_LCTRL  0x1d
#define SC_LSHIFT 0x2a
#define SC_RSHIFT 0x36
#define SC_CAPS   0x3a
#define SC_BREAK  0x80 /* set in a key's release code */
#define SC_EXT    0xe0 /* prefix of the extended keys (arrows, right Ctrl) */

/* Make codes 0x00..0x39: the byte without and with Shift (0: no byte). */
static const char plain[] =
    "\0\0331234567890-=\177\tqwertyuiop[]\r\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
static const char shifted[] =
    "\0\033!@#$%^&*()_+\177\tQWERTYUIOP{}\r\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";
_Static_assert(sizeof(plain) == 0x3a + 1 && sizeof(shifted) == 0x3a + 1, "one byte per make code");

static bool shift_l, shift_r, ctrl, caps, ext;

/* The arrows (0x48 up, 0x50 down, 0x4d right, 0x4b left, also on the keypad): their final byte. */
static char arrow_of(uint8_t code)
{
    return code == 0x48 ? 'A' : code == 0x50 ? 'B' : code == 0x4d ? 'C' : code == 0x4b ? 'D' : 0;
}

/* One scan code: updates the modifiers, or hands the bytes of a key press to input. */
static void scan(uint8_t sc, void (*input)(char))
{
    if (sc == SC_EXT) {
        ext = true;
        return;
    }
    bool up = sc & SC_BREAK, was_ext = ext;
    uint8_t code = sc & (uint8_t)~SC_BREAK;
    ext = false;
    if (code == SC_LSHIFT || code == SC_RSHIFT) {
        if (!was_ext) /* E0 2A is a fake shift some keyboards send around extended keys */
            *(code == SC_LSHIFT ? &shift_l : &shift_r) = !up;
        return;
    }
    if (code == SC_LCTRL) {
        ctrl = !up;
        return;
    }
    if (up)
        return;
    if (code == SC_CAPS) {
        caps = !caps;
        return;
    }
    char a = arrow_of(code);
    if (a) {
        input(27), input('['), input(a);
        return;
    }
    if (code >= sizeof(plain) - 1 || was_ext)
        return; /* other extended keys (keypad Enter, Home, ...) and F-keys: nothing yet */
    bool letter = plain[code] >= 'a' && plain[code] <= 'z';
    bool upper = (shift_l || shift_r) != (letter && caps);
    char c = upper ? shifted[code] : plain[code];
    if (ctrl && letter)
        c = (char)(plain[code] & 0x1f); /* Ctrl-A .. Ctrl-Z: 1 .. 26 */
    if (c)
        input(c);
}

void kbd_drain(void (*input)(char))
{
    uint32_t st, sc;
    for (int i = 0; i < 64; i++) {
        if (xr_ioport_in(CON_SLOT_IOPORTS, KBC_STATUS, 1, &st) || !(st & ST_FULL))
            return;
        if (xr_ioport_in(CON_SLOT_IOPORTS, KBC_DATA, 1, &sc))
            return;
        if (!(st & ST_AUX))
            scan((uint8_t)sc, input);
    }
}
