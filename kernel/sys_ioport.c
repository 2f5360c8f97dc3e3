/* The I/O-port system calls: in and out on a port inside the range an I/O-port cap
 * names (how user-space drivers reach their devices). */
#include "kernel/syscall.h"

static kerr_t ioport_check(const uint64_t a[6], unsigned rights)
{
    kerr_t err;
    ioport_t *io = sys_object(a[0], XR_OBJ_IOPORT, rights, &err);
    if (!io)
        return err;
    if (a[2] != 1 && a[2] != 2 && a[2] != 4)
        return XR_EINVAL;
    if (a[1] < io->first || a[1] + a[2] - 1 > io->last)
        return XR_EPERM;
    return XR_OK;
}

SYSCALL(ioport_in)
{
    kerr_t err = ioport_check(a, XR_RIGHT_READ);
    if (!err)
        *value = arch_io_in((uint16_t)a[1], (unsigned)a[2]);
    return err;
}

SYSCALL(ioport_out)
{
    kerr_t err = ioport_check(a, XR_RIGHT_WRITE);
    if (!err)
        arch_io_out((uint16_t)a[1], (unsigned)a[2], (uint32_t)a[3]);
    return err;
}
