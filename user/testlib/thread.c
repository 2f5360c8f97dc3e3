/* Threads inside the test program: ut_thread, ut_ipcbuf, ut_thread_join (utest.h). */
#include "utest.h"

#define THREAD_STACKS      0x0000000060000000ul /* 64 KiB per slot, 16 KiB mapped at its top */
#define THREAD_STACK_PAGES 4

struct thread_start {
    void (*fn)(uint64_t);
    uint64_t arg;
};

static struct thread_start starts[XR_SLOTS];

static void thread_entry(uint64_t p)
{
    struct thread_start *s = (struct thread_start *)p;
    s->fn(s->arg);
    xr_syscall0(XR_SYS_THREAD_EXIT);
}

uint64_t ut_ipcbuf(xr_cap_t slot)
{
    return THREAD_STACKS + (uint64_t)slot * 0x10000;
}

/* The stack at the top of the thread's 64 KiB area, its IPC buffer at the bottom. */
static long thread_stack(xr_cap_t slot, uint64_t *top)
{
    uint64_t base = ut_ipcbuf(slot);
    *top = base + 0x10000;
    long e = xr_map_anon(XR_SLOT_SELF, base, XR_MAP_WRITE);
    if (e && e != XR_EEXIST)
        return e;
    for (int i = 1; i <= THREAD_STACK_PAGES; i++) {
        long err = xr_map_anon(XR_SLOT_SELF, *top - (uint64_t)i * 4096, XR_MAP_WRITE);
        if (err && err != XR_EEXIST)
            return err;
    }
    return XR_OK;
}

long ut_thread(void (*fn)(uint64_t), uint64_t arg, unsigned prio, xr_cap_t slot)
{
    uint64_t top;
    long err = thread_stack(slot, &top);
    if (err)
        return err;
    starts[slot] = (struct thread_start){fn, arg};
    err = xr_thread_create(XR_SLOT_SELF, slot);
    if (err)
        return err;
    err = xr_thread_set_ipcbuf(slot, ut_ipcbuf(slot));
    err = err ? err
              : xr_thread_set_regs(slot, (uint64_t)thread_entry, top - 8, (uint64_t)&starts[slot]);
    err = err ? err : xr_thread_set_prio(slot, prio);
    err = err ? err : xr_thread_start(slot);
    if (err)
        xr_cap_delete(slot);
    return err;
}

bool ut_thread_join(xr_cap_t slot, unsigned ms)
{
    uint64_t state = 0;
    for (unsigned waited = 0; waited <= ms; waited += 10) {
        if (xr_thread_status(slot, &state) || state == XR_THREAD_DEAD)
            break;
        xr_sleep_us(10000);
    }
    xr_cap_delete(slot);
    return state == XR_THREAD_DEAD;
}
