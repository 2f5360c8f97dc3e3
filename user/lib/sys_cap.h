/* The system calls on capabilities: copy, move, delete, revoke, identify (docs/capabilities.md).
 * Each returns the XR_* error code unless its comment says otherwise, and none blocks unless it
 * says so. */
#ifndef XR_USER_SYS_CAP_H
#define XR_USER_SYS_CAP_H

#include "sys_raw.h"

/* Puts into empty slot dst a copy of src with rights src & rights_mask; badge 0 keeps src's. */
static inline long xr_cap_copy(xr_cap_t src, xr_cap_t dst, uint32_t rights_mask, uint64_t badge)
{
    return xr_syscall4(XR_SYS_CAP_COPY, src, dst, rights_mask, badge);
}

/* Moves the cap in src to the empty slot dst. */
static inline long xr_cap_move(xr_cap_t src, xr_cap_t dst)
{
    return xr_syscall2(XR_SYS_CAP_MOVE, src, dst);
}

/* Empties slot. */
static inline long xr_cap_delete(xr_cap_t slot)
{
    return xr_syscall1(XR_SYS_CAP_DELETE, slot);
}

/* Deletes every cap derived from slot (slot itself stays). */
static inline long xr_cap_revoke(xr_cap_t slot)
{
    return xr_syscall1(XR_SYS_CAP_REVOKE, slot);
}

/* Stores the object type (XR_OBJ_*) and rights (XR_RIGHT_*) of slot; either pointer may be NULL.
 * On failure neither is written. */
static inline long xr_cap_identify(xr_cap_t slot, unsigned *type, unsigned *rights)
{
    uint64_t v;
    long err = xr_syscall1_r(XR_SYS_CAP_IDENTIFY, slot, &v);
    if (err == XR_OK && type != NULL)
        *type = v & 0xff;
    if (err == XR_OK && rights != NULL)
        *rights = (unsigned)(v >> 8);
    return err;
}

#endif
