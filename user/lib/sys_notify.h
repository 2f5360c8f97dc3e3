/* The system calls of notifications and devices: create, signal, wait, poll, bind to a
 * thread; interrupt lines bound to a notification; I/O ports. Each returns the XR_* error
 * code; only xr_wait blocks (until a signal). */
#ifndef XR_USER_SYS_NOTIFY_H
#define XR_USER_SYS_NOTIFY_H

#include "sys_ipc.h"
#include "sys_raw.h"

static inline long xr_notify_create(xr_cap_t dst)
{
    return xr_syscall1(XR_SYS_NOTIFY_CREATE, dst);
}

static inline long xr_signal(xr_cap_t ntfn)
{
    return xr_syscall1(XR_SYS_SIGNAL, ntfn);
}

/* Wait for (or, poll: take without waiting) the bits of a notification. */
static inline long xr_wait(xr_cap_t ntfn, uint64_t *bits)
{
    xr_msg_t m = {0};
    long err = xr_ipc(XR_SYS_WAIT, ntfn, &m);
    *bits = m.w[0];
    return err;
}

static inline long xr_notify_poll(xr_cap_t ntfn, uint64_t *bits)
{
    xr_msg_t m = {0};
    long err = xr_ipc(XR_SYS_NOTIFY_POLL, ntfn, &m);
    *bits = m.w[0];
    return err;
}

static inline long xr_notify_bind(xr_cap_t ntfn, xr_cap_t thread)
{
    return xr_syscall2(XR_SYS_NOTIFY_BIND, ntfn, thread);
}

/* Each interrupt on the line of the irq cap signals ntfn (0: unbind and mask the line). */
static inline long xr_irq_bind(xr_cap_t irq, xr_cap_t ntfn)
{
    return xr_syscall2(XR_SYS_IRQ_BIND, irq, ntfn);
}

/* Reads width (1, 2 or 4) bytes from I/O port port, allowed by the ioport cap, into *value. */
static inline long xr_ioport_in(xr_cap_t ioport, unsigned port, unsigned width, uint32_t *value)
{
    uint64_t v;
    long err = xr_syscall3_r(XR_SYS_IOPORT_IN, ioport, port, width, &v);
    if (err == XR_OK)
        *value = (uint32_t)v;
    return err;
}

/* Writes the low width (1, 2 or 4) bytes of value to I/O port port, allowed by the ioport cap. */
static inline long xr_ioport_out(xr_cap_t ioport, unsigned port, unsigned width, uint32_t value)
{
    return xr_syscall4(XR_SYS_IOPORT_OUT, ioport, port, width, value);
}

#endif
