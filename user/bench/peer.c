/* ipcbench's second thread: the peer of a two-thread case (the yield partner, the signaller, the
 * server thread, the channel's receiver), started and joined by the main thread (ipcbench.h). */
#include "ipcbench.h"

#define BENCH_STACK_TOP 0x0000000050000000ul

/* What the peer thread runs: peer_entry calls it, then ends the thread (a thread's first
 * function has no caller to return to). */
static void (*peer_fn)(uint64_t arg);

static void peer_entry(uint64_t arg)
{
    peer_fn(arg);
    for (;;)
        xr_syscall0(XR_SYS_THREAD_EXIT);
}

long bench_map_page(uint64_t va)
{
    long err = xr_map_anon(XR_SLOT_SELF, va, XR_MAP_WRITE);
    return err == XR_EEXIST ? XR_OK : err;
}

long bench_thread_start(xr_cap_t slot, uint64_t entry, uint64_t stack, uint64_t ipcbuf,
                        uint64_t arg, unsigned prio)
{
    long err = bench_map_page(ipcbuf);
    for (uint64_t va = stack; err == XR_OK && va < stack + BENCH_STACK_SIZE; va += 4096)
        err = bench_map_page(va);
    if (err == XR_OK)
        err = xr_thread_create(XR_SLOT_SELF, slot);
    if (err != XR_OK)
        return err;
    err = xr_thread_set_ipcbuf(slot, ipcbuf);
    if (err == XR_OK)
        err = xr_thread_set_regs(slot, entry, stack + BENCH_STACK_SIZE - 8, arg);
    if (err == XR_OK)
        err = xr_thread_set_prio(slot, prio);
    if (err == XR_OK)
        err = xr_thread_start(slot);
    if (err != XR_OK)
        xr_cap_delete(slot);
    return err;
}

/* Its stack is below BENCH_STACK_TOP. */
long bench_peer_start(void (*fn)(uint64_t), uint64_t arg, unsigned prio)
{
    peer_fn = fn;
    return bench_thread_start(BENCH_SLOT_PEER, (uint64_t)peer_entry,
                              BENCH_STACK_TOP - BENCH_STACK_SIZE, BENCH_PEER_IPCBUF_VA, arg, prio);
}

long bench_thread_join(xr_cap_t thread)
{
    uint64_t state = 0;

    for (unsigned i = 0; i < BENCH_MAX_MISSES; i++) {
        if (xr_thread_status(thread, &state) != XR_OK || state == XR_THREAD_DEAD)
            break;
        xr_sleep_us(1000);
    }
    xr_cap_delete(thread);
    return state == XR_THREAD_DEAD ? XR_OK : XR_EBUSY;
}

long bench_peer_join(void)
{
    return bench_thread_join(BENCH_SLOT_PEER);
}
