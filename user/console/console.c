/* The console server: owns COM1's input and the PS/2 keyboard's (kbd.c) (interrupt lines 4 and 1
 * through one notification, and polling on every request as a fallback), keeps the line discipline
 * (cooked lines with backspace, left and right arrows, a history on up and down, Ctrl-C, Ctrl-D; or
 * raw bytes) and answers READ, GETMODE, SETMODE and INTR (con_proto.h). Echo goes out through the
 * kernel console. */
#include <stdbool.h>

#include "con_proto.h"
#include "kbd.h"
#include "xr.h"

#define COM1      0x3f8
#define SLOT_NTFN 10
#define LINE_MAX  200
#define READY     2048 /* the input ready for READ: a ring of bytes and end-of-input marks */
#define EOF_MARK  0x100
#define HISTORY   16

static unsigned mode = CON_M_CANON | CON_M_ECHO | CON_M_ISIG;
static char line[LINE_MAX];
static unsigned len, cur;
static uint16_t ready[READY];
static unsigned rhead, rtail;
static bool intr_pending, intr_read;
static char history[HISTORY][LINE_MAX];
static unsigned hist_count, hist_pos;
static unsigned esc; /* 0, 1 after ESC, 2 after ESC [ */

static void echo(const char *s, unsigned n)
{
    if ((mode & CON_M_ECHO) && n)
        xr_debug_write(s, n);
}

static void push(uint16_t c)
{
    if (rhead - rtail < READY)
        ready[rhead++ % READY] = c;
}

/* Redraws the line from the cursor to its end, then moves the cursor back to cur. */
static void redraw_tail(unsigned erase)
{
    char buf[LINE_MAX + 16];
    unsigned n = 0;
    for (unsigned i = cur; i < len; i++)
        buf[n++] = line[i];
    for (unsigned i = 0; i < erase; i++)
        buf[n++] = ' ';
    for (unsigned i = cur; i < len + erase; i++)
        buf[n++] = '\b';
    echo(buf, n);
}

static void replace_line(const char *s)
{
    while (cur < len)
        echo(&line[cur++], 1);
    unsigned old = len;
    for (unsigned i = 0; i < old; i++)
        echo("\b \b", 3);
    len = cur = 0;
    for (; s[len] && len < LINE_MAX - 1; len++)
        line[len] = s[len];
    cur = len;
    echo(line, len);
}

static void finish_line(bool newline)
{
    if (len && (hist_count == 0 || strncmp(history[(hist_count - 1) % HISTORY], line, len) ||
                history[(hist_count - 1) % HISTORY][len])) {
        memcpy(history[hist_count % HISTORY], line, len);
        history[hist_count % HISTORY][len] = 0;
        hist_count++;
    }
    hist_pos = hist_count;
    for (unsigned i = 0; i < len; i++)
        push((uint8_t)line[i]);
    if (newline) {
        push('\n');
        echo("\n", 1);
    }
    len = cur = 0;
}

static void arrow(char c)
{
    if (c == 'D' && cur > 0) {
        cur--;
        echo("\b", 1);
    } else if (c == 'C' && cur < len) {
        echo(&line[cur++], 1);
    } else if (c == 'A' && hist_pos > 0 && hist_count - hist_pos < HISTORY - 1) {
        replace_line(history[--hist_pos % HISTORY]);
    } else if (c == 'B' && hist_pos < hist_count) {
        hist_pos++;
        replace_line(hist_pos == hist_count ? "" : history[hist_pos % HISTORY]);
    }
}

/* One byte typed, in cooked mode. */
static void cooked(char c)
{
    if (esc == 1) {
        esc = c == '[' ? 2 : 0;
        return;
    }
    if (esc == 2) {
        esc = 0;
        arrow(c);
        return;
    }
    if (c == 27) {
        esc = 1;
    } else if (c == '\r' || c == '\n') {
        finish_line(true);
    } else if (c == 4) { /* Ctrl-D: the line as it is, or the end of input on an empty one */
        if (len == 0)
            push(EOF_MARK);
        else
            finish_line(false);
    } else if (c == 0x7f || c == '\b') {
        if (cur > 0) {
            memmove(&line[cur - 1], &line[cur], len - cur);
            len--;
            cur--;
            echo("\b", 1);
            redraw_tail(1);
        }
    } else if ((uint8_t)c >= ' ' && len < LINE_MAX - 1) {
        memmove(&line[cur + 1], &line[cur], len - cur);
        line[cur] = c;
        len++;
        echo(&line[cur++], 1);
        redraw_tail(0);
    }
}

static void input(char c)
{
    if (c == 3 && (mode & CON_M_ISIG)) { /* Ctrl-C: drop the line, tell the shell and the reader */
        len = cur = 0;
        esc = 0;
        echo("^C\n", 3);
        intr_pending = intr_read = true;
        return;
    }
    if (mode & CON_M_CANON) {
        cooked(c);
    } else {
        push((uint8_t)c);
        echo(&c, 1);
    }
}

/* Takes every byte the UART and the keyboard hold. */
static void drain(void)
{
    uint32_t lsr, c;
    kbd_drain(input);
    for (int i = 0; i < 256; i++) {
        if (xr_ioport_in(CON_SLOT_IOPORTS, COM1 + 5, 1, &lsr) || !(lsr & 1))
            return;
        if (xr_ioport_in(CON_SLOT_IOPORTS, COM1, 1, &c))
            return;
        input((char)c);
    }
}

static long op_read(xr_msg_t *m)
{
    drain();
    if (intr_read) {
        intr_read = false;
        return XR_ECANCELED;
    }
    uint64_t want = m->w[0] < CON_READ_MAX ? m->w[0] : CON_READ_MAX;
    char out[CON_READ_MAX] = {0};
    unsigned n = 0;
    if (rhead != rtail && ready[rtail % READY] == EOF_MARK) {
        rtail++;
        memset(m->w, 0, sizeof(m->w));
        return XR_OK; /* n = 0: the end of input */
    }
    while (n < want && rhead != rtail && ready[rtail % READY] != EOF_MARK) {
        out[n] = (char)ready[rtail++ % READY];
        if (out[n++] == '\n' && (mode & CON_M_CANON))
            break; /* one line per read */
    }
    if (n == 0)
        return XR_EAGAIN;
    m->w[0] = n;
    memcpy(&m->w[1], out, sizeof(out));
    return XR_OK;
}

static long dispatch(xr_msg_t *m)
{
    switch (XR_TAG_LABEL(m->tag)) {
    case CON_OP_READ:
        return op_read(m);
    case CON_OP_GETMODE:
        m->w[0] = mode;
        return XR_OK;
    case CON_OP_SETMODE:
        mode = (unsigned)m->w[0] & (CON_M_CANON | CON_M_ECHO | CON_M_ISIG);
        return XR_OK;
    case CON_OP_INTR:
        m->w[0] = intr_pending;
        intr_pending = intr_read = false; /* the shell took it: no READ sees it any more */
        return XR_OK;
    default:
        return XR_ENOSYS;
    }
}

int main(uint64_t arg)
{
    (void)arg;
    while (xr_cap_identify(CON_SLOT_EP, NULL, NULL) != XR_OK)
        xr_sleep_us(1000); /* init gives the endpoint last */
    long err = xr_notify_create(SLOT_NTFN);
    err = err ? err : xr_notify_bind(SLOT_NTFN, CON_SLOT_THREAD);
    err = err ? err : xr_irq_bind(CON_SLOT_IRQ, SLOT_NTFN);
    long kerr = err ? err : xr_irq_bind(CON_SLOT_IRQ2, SLOT_NTFN); /* the keyboard, if given */
    if (kerr && kerr != XR_EBADCAP)
        printf("console: no keyboard interrupt (%s); polling\n", xr_strerror(kerr));
    /* Interrupt on received data; OUT2 routes the UART's interrupt to the PIC/IO APIC pin;
     * FIFO on with a one-byte trigger (the kernel set 14), nothing cleared. */
    err = err ? err : xr_ioport_out(CON_SLOT_IOPORTS, COM1 + 2, 1, 0x01);
    err = err ? err : xr_ioport_out(CON_SLOT_IOPORTS, COM1 + 4, 1, 0x0b);
    err = err ? err : xr_ioport_out(CON_SLOT_IOPORTS, COM1 + 1, 1, 0x01);
    if (err)
        printf("console: no interrupt (%s); polling\n", xr_strerror(err));
    drain();
    xr_msg_t m = {0};
    for (;;) {
        if (xr_recv(CON_SLOT_EP, &m) != XR_OK)
            continue;
        if (XR_TAG_LABEL(m.tag) == XR_LABEL_NOTIFY) {
            drain();
            continue;
        }
        for (unsigned i = XR_TAG_LEN(m.tag); i < XR_MSG_REGS; i++)
            m.w[i] = 0;
        long status = dispatch(&m);
        m.tag = XR_TAG(status, 0, 4);
        xr_reply(&m);
    }
}
