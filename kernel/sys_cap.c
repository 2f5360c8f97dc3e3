/* The capability system calls: copy, move, delete, revoke and identify caps in the
 * caller's own table. Delete and revoke only queue what the removed caps released; the
 * objects go (kobj_reap) once the cap layer has returned. */
#include "kernel/syscall.h"

static cap_table_t *own_caps(void)
{
    return &process_current()->caps;
}

SYSCALL(cap_copy)
{
    if (a[0] >= XR_SLOTS || a[1] >= XR_SLOTS || a[1] == XR_SLOT_NULL || a[2] > XR_RIGHTS_ALL)
        return a[2] > XR_RIGHTS_ALL ? XR_EINVAL : XR_ERANGE;
    return cap_copy(own_caps(), (xr_cap_t)a[0], own_caps(), (xr_cap_t)a[1], (uint32_t)a[2], a[3]);
}

SYSCALL(cap_move)
{
    if (a[0] >= XR_SLOTS || a[1] >= XR_SLOTS || a[1] == XR_SLOT_NULL)
        return XR_ERANGE;
    return cap_move(own_caps(), (xr_cap_t)a[0], own_caps(), (xr_cap_t)a[1]);
}

SYSCALL(cap_delete)
{
    kerr_t err = a[0] >= XR_SLOTS ? XR_ERANGE : cap_delete(own_caps(), (xr_cap_t)a[0]);
    kobj_reap();
    return err;
}

SYSCALL(cap_revoke)
{
    kerr_t err = a[0] >= XR_SLOTS ? XR_ERANGE : cap_revoke(own_caps(), (xr_cap_t)a[0]);
    kobj_reap();
    return err;
}

SYSCALL(cap_identify)
{
    kerr_t err;
    cap_slot_t *s = sys_cap(process_current(), a[0], XR_OBJ_NONE, 0, &err);
    if (s)
        *value = s->type | (uint64_t)s->rights << 8;
    return err;
}
