/* The console: output through the kernel's console (DEBUG_WRITE), input from the console server
 * (user/console) by polling READ calls, and the terminal modes behind tcgetattr/tcsetattr. */
#include <errno.h>
#include <string.h>
#include <termios.h>

#include "fd.h"
#include "sys.h"
#include "syscall.h"
#include "user/console/con_proto.h"
#include "xr_libc.h"

#define CHUNK 1024 /* the most one DEBUG_WRITE takes */

static bool have_console(void)
{
    unsigned type = 0;
    return xr_cap_identify(PROC_SLOT_CONSOLE, &type, NULL) == XR_OK && type == XR_OBJ_ENDPOINT;
}

/* One call to the console server; the XR_* code of the IPC or of the reply. */
static long con_call(unsigned op, uint64_t w[4])
{
    xr_msg_t m = {.tag = XR_TAG(op, 0, 4), .w = {w[0], w[1], w[2], w[3]}};
    long err = xr_call(PROC_SLOT_CONSOLE, &m);
    if (err)
        return err;
    memcpy(w, m.w, sizeof(m.w));
    return (long)XR_TAG_LABEL(m.tag);
}

ssize_t console_read(void *buf, size_t n)
{
    if (!have_console() || n == 0)
        return 0; /* no console server: stdin is empty */
    for (;;) {
        uint64_t w[4] = {n < CON_READ_MAX ? n : CON_READ_MAX, 0, 0, 0};
        long err = con_call(CON_OP_READ, w);
        if (err == XR_EAGAIN) {
            xr_sleep_us(1000); /* the next tick */
            continue;
        }
        if (err == XR_ECANCELED)
            return sys_fail(EINTR); /* Ctrl-C: the read is interrupted */
        if (err)
            return sys_fail(EIO);
        size_t got = w[0] <= CON_READ_MAX && w[0] <= n ? (size_t)w[0] : 0; /* checked copy */
        memcpy(buf, &w[1], got);
        return (ssize_t)got;
    }
}

ssize_t console_write(const void *buf, size_t n)
{
    for (size_t done = 0; done < n;) {
        size_t part = n - done < CHUNK ? n - done : CHUNK;
        long err = xr_debug_write((const char *)buf + done, part);
        if (err != XR_OK)
            return done ? (ssize_t)done : sys_fail(sys_errno(err));
        done += part;
    }
    return (ssize_t)n;
}

int xr_console_intr(void)
{
    uint64_t w[4] = {0};
    return have_console() && con_call(CON_OP_INTR, w) == XR_OK && w[0] != 0;
}

static int console_fd(int fd)
{
    ofd_t *o = fd_get(fd);
    if (o == NULL)
        return -1;
    if (o->kind != OFD_CONSOLE)
        return sys_fail(ENOTTY);
    return 0;
}

int tcgetattr(int fd, struct termios *t)
{
    uint64_t w[4] = {0};
    if (console_fd(fd))
        return -1;
    if (have_console() && con_call(CON_OP_GETMODE, w) != XR_OK)
        return sys_fail(EIO);
    *t = (struct termios){.c_iflag = ICRNL, .c_oflag = OPOST, .c_cflag = CS8};
    t->c_lflag = (w[0] & CON_M_CANON ? ICANON : 0) | (w[0] & CON_M_ECHO ? ECHO : 0) |
                 (w[0] & CON_M_ISIG ? ISIG : 0);
    t->c_cc[VINTR] = 3;
    t->c_cc[VEOF] = 4;
    t->c_cc[VERASE] = 127;
    t->c_cc[VMIN] = 1;
    return 0;
}

int tcsetattr(int fd, int when, const struct termios *t)
{
    if (console_fd(fd))
        return -1;
    if (when < TCSANOW || when > TCSAFLUSH)
        return sys_fail(EINVAL);
    uint64_t w[4] = {(t->c_lflag & ICANON ? CON_M_CANON : 0) |
                         (t->c_lflag & ECHO ? CON_M_ECHO : 0) |
                         (t->c_lflag & ISIG ? CON_M_ISIG : 0),
                     0, 0, 0};
    if (have_console() && con_call(CON_OP_SETMODE, w) != XR_OK)
        return sys_fail(EIO);
    return 0;
}
