/* Threads of a fuzz process: each gets 64 KiB of the thread area, its IPC buffer in the
 * first page and a 16 KiB stack at the top, and its cap in a protected slot. */
#include "fuzz.h"

#define STACK_PAGES 4

struct start {
    void (*fn)(fz_ctx_t *);
    fz_ctx_t *ctx;
};

static struct start starts[FZ_MAX_THREADS];

uint64_t fz_thread_ipcbuf(unsigned index)
{
    return FZ_THREAD_AREA + (uint64_t)index * FZ_THREAD_SIZE;
}

static void entry(uint64_t p)
{
    struct start *s = (struct start *)p;
    s->fn(s->ctx);
    xr_thread_exit();
}

static long map_area(unsigned index, uint64_t *top)
{
    uint64_t base = fz_thread_ipcbuf(index);
    *top = base + FZ_THREAD_SIZE;
    long err = xr_map_anon(FZ_SLOT_SELF, base, XR_MAP_WRITE);
    for (unsigned i = 1; i <= STACK_PAGES && (!err || err == XR_EEXIST); i++)
        err = xr_map_anon(FZ_SLOT_SELF, *top - i * 4096ul, XR_MAP_WRITE);
    return err == XR_EEXIST ? XR_OK : err;
}

/* Starts fn(ctx) in thread index (1..FZ_MAX_THREADS-1) of the calling process at prio; ctx
 * gets the thread's cap slot and IPC buffer. Returns an XR_* code. */
long fz_thread_start(unsigned index, void (*fn)(fz_ctx_t *), fz_ctx_t *ctx, unsigned prio)
{
    uint64_t top;
    xr_cap_t slot = FZ_SLOT_THREADS + index;
    long err = map_area(index, &top);
    if (err)
        return err;
    ctx->thread = slot;
    ctx->index = index;
    ctx->ipcbuf = fz_thread_ipcbuf(index);
    starts[index] = (struct start){fn, ctx};
    err = xr_thread_create(FZ_SLOT_SELF, slot);
    if (err)
        return err;
    err = xr_thread_set_ipcbuf(slot, ctx->ipcbuf);
    err = err ? err : xr_thread_set_regs(slot, (uint64_t)entry, top - 8, (uint64_t)&starts[index]);
    err = err ? err : xr_thread_set_prio(slot, prio);
    err = err ? err : xr_thread_start(slot);
    if (err)
        xr_cap_delete(slot);
    return err;
}

/* The first thread (its cap in FZ_SLOT_MAIN) gets thread area 0 as its IPC buffer. */
long fz_thread_main(fz_ctx_t *ctx)
{
    uint64_t top;
    long err = map_area(0, &top);
    ctx->thread = FZ_SLOT_MAIN;
    ctx->index = 0;
    ctx->ipcbuf = fz_thread_ipcbuf(0);
    return err ? err : xr_thread_set_ipcbuf(FZ_SLOT_MAIN, ctx->ipcbuf);
}
