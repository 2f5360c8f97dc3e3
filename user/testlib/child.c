/* Runs of the child program (user/child): spawning it with what its mode needs, and ending it
 * (utest.h). */
#include "utest.h"

#include "chan.h"
#include "user/child/child_modes.h"

long ut_child_spawn(uint64_t mode, uint64_t quota, unsigned prio)
{
    size_t size;
    const void *image = ut_module("child", &size);
    if (!image)
        return XR_ENOENT;
    return xr_spawn_elf(image, size, quota, mode, (int)prio, UT_SLOT_PROC, UT_SLOT_THREAD);
}

long ut_child_start(uint64_t mode, unsigned prio, const ut_child_caps_t *caps)
{
    static const xr_cap_t ntfn_slot[4] = {XR_CHILD_SLOT_CHAN_RX, XR_CHILD_SLOT_CHAN_TX,
                                          XR_CHILD_SLOT_CHAN2_RX, XR_CHILD_SLOT_CHAN2_TX};
    const unsigned rw = XR_RIGHT_READ | XR_RIGHT_WRITE;
    static const ut_child_caps_t none;
    caps = caps ? caps : &none;
    long err = ut_child_spawn(mode, CHILD_QUOTA, prio);
    err = err ? err : xr_map_anon(UT_SLOT_PROC, CHILD_IPCBUF, XR_MAP_WRITE);
    err = err ? err : xr_thread_set_ipcbuf(UT_SLOT_THREAD, CHILD_IPCBUF);
    if (!err && caps->mem)
        err = chan_map(UT_SLOT_PROC, caps->mem, CHILD_CHAN_VA, caps->pages);
    if (!err && caps->mem2)
        err = chan_map(UT_SLOT_PROC, caps->mem2, CHILD_CHAN_VA2, caps->pages);
    for (unsigned i = 0; !err && i < 4; i++)
        if (caps->ntfn[i])
            err = xr_process_give_cap(UT_SLOT_PROC, caps->ntfn[i], ntfn_slot[i], rw);
    if (!err && caps->ep)
        err = xr_process_give_cap(UT_SLOT_PROC, caps->ep, XR_CHILD_SLOT_EP, rw);
    return err;
}

uint64_t ut_child_end(unsigned ms)
{
    uint64_t st = 0;
    for (unsigned waited = 0; waited <= ms; waited += 10) {
        xr_process_status(UT_SLOT_PROC, &st);
        if (xr_status_state(st) != XR_PROC_RUNNING)
            break;
        xr_sleep_us(10000);
    }
    if (xr_status_state(st) == XR_PROC_RUNNING) {
        xr_process_kill(UT_SLOT_PROC);
        st = 0;
    }
    xr_cap_delete(UT_SLOT_THREAD);
    xr_cap_delete(UT_SLOT_PROC);
    return st;
}

uint64_t ut_child(uint64_t mode, uint64_t quota, unsigned ms)
{
    if (ut_child_spawn(mode, quota, 100))
        return 0;
    return ut_child_end(ms);
}
