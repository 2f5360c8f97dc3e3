/* ipcbench's second thread: the peer of a two-thread case (the yield partner, the signaller, the
 * server thread, the channel's receiver), started and joined by the main thread (ipcbench.h). */
#include "ipcbench.h"

#define BENCH_STACK_TOP  0x0000000050000000ul
#define BENCH_STACK_SIZE (4 * 4096ul)

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

/* Its stack is below BENCH_STACK_TOP. */
long bench_peer_start(void (*fn)(uint64_t), uint64_t arg, unsigned prio)
{
    long err = bench_map_page(BENCH_PEER_IPCBUF_VA);
    for (uint64_t va = BENCH_STACK_TOP - BENCH_STACK_SIZE; err == XR_OK && va < BENCH_STACK_TOP;
         va += 4096)
        err = bench_map_page(va);
    if (err != XR_OK)
        return err;
    peer_fn = fn;
    err = xr_thread_create(XR_SLOT_SELF, BENCH_SLOT_PEER);
    if (err != XR_OK)
        return err;
    err = xr_thread_set_ipcbuf(BENCH_SLOT_PEER, BENCH_PEER_IPCBUF_VA);
    if (err == XR_OK)
        err = xr_thread_set_regs(BENCH_SLOT_PEER, (uint64_t)peer_entry, BENCH_STACK_TOP - 8, arg);
    if (err == XR_OK)
        err = xr_thread_set_prio(BENCH_SLOT_PEER, prio);
    if (err == XR_OK)
        err = xr_thread_start(BENCH_SLOT_PEER);
    if (err != XR_OK)
        xr_cap_delete(BENCH_SLOT_PEER);
    return err;
}

long bench_peer_join(void)
{
    uint64_t state = 0;

    for (unsigned i = 0; i < BENCH_MAX_MISSES; i++) {
        if (xr_thread_status(BENCH_SLOT_PEER, &state) != XR_OK || state == XR_THREAD_DEAD)
            break;
        xr_sleep_us(1000);
    }
    xr_cap_delete(BENCH_SLOT_PEER);
    return state == XR_THREAD_DEAD ? XR_OK : XR_EBUSY;
}
