/* Threads for newlib programs: the thread area, where each thread's aligned block holds its
 * struct _reent (errno and the other per-thread state newlib keeps) and its stack, so that
 * __getreent finds the calling thread's reent from its stack pointer alone (the kernel has no
 * thread-local storage yet). Lock: area_lock guards the slot table (a leaf). */
#include <errno.h>
#include <reent.h>
#include <stdbool.h>
#include <string.h>

#include "sys.h"
#include "syscall.h"
#include "xr_libc.h"

#define PAGE      4096ul
#define AREA_BASE 0x0000700000000000ul /* far above the heap, far below the main stack */
#define SLOT_SIZE 0x40000ul            /* 256 KiB per thread, aligned to its size */
#define STACK_PAGES                                                                                \
    16 /* 64 KiB of stack at the slot's top; the pages between                                     \
          it and the block stay unmapped, a guard */

/* The bottom of a slot. */
struct tcb {
    struct _reent reent;
    void (*fn)(void *);
    void *arg;
};
_Static_assert(sizeof(struct tcb) <= PAGE, "the thread block fits its page");

enum { SLOT_FREE, SLOT_USED };
static struct {
    uint8_t state;
    bool mapped; /* its block and stack pages are mapped (kept for reuse) */
    xr_cap_t cap;
} slots[XR_LIBC_THREADS];
static struct __lock area_lock;

static uintptr_t slot_base(int i)
{
    return AREA_BASE + (uintptr_t)i * SLOT_SIZE;
}

static inline uintptr_t stack_pointer(void)
{
    uintptr_t sp;
    __asm__("mov %%rsp, %0" : "=r"(sp));
    return sp;
}

/* The calling thread's reent: its block's, inside the area; the main one (_impure_ptr) for the
 * main thread and any thread on another stack. Called by newlib on every errno or stdio access;
 * reads no memory but the stack pointer. */
struct _reent *__getreent(void)
{
    uintptr_t sp = stack_pointer();
    if (sp - AREA_BASE < XR_LIBC_THREADS * SLOT_SIZE)
        return &((struct tcb *)(sp & ~(SLOT_SIZE - 1)))->reent;
    return _impure_ptr;
}

uintptr_t xr_libc_thread_self(void)
{
    uintptr_t sp = stack_pointer();
    if (sp - AREA_BASE < XR_LIBC_THREADS * SLOT_SIZE)
        return sp & ~(SLOT_SIZE - 1);
    return 1;
}

/* Takes a free slot; -1 when none is. */
static int slot_take(void)
{
    int found = -1;
    __retarget_lock_acquire(&area_lock);
    for (int i = 0; i < XR_LIBC_THREADS && found < 0; i++)
        if (slots[i].state == SLOT_FREE) {
            slots[i].state = SLOT_USED;
            found = i;
        }
    __retarget_lock_release(&area_lock);
    return found;
}

static void slot_put(int i)
{
    __retarget_lock_acquire(&area_lock);
    slots[i].state = SLOT_FREE;
    __retarget_lock_release(&area_lock);
}

/* Maps slot i's block page and stack pages, unless an earlier thread left them mapped. */
static long slot_map(int i)
{
    uintptr_t base = slot_base(i), top = base + SLOT_SIZE;
    if (slots[i].mapped)
        return XR_OK;
    long err = xr_map_anon(XR_SLOT_SELF, base, XR_MAP_WRITE);
    for (unsigned p = 1; p <= STACK_PAGES && (err == XR_OK || err == XR_EEXIST); p++)
        err = xr_map_anon(XR_SLOT_SELF, top - p * PAGE, XR_MAP_WRITE);
    if (err != XR_OK && err != XR_EEXIST)
        return err;
    slots[i].mapped = true;
    return XR_OK;
}

/* Where every xr_libc thread starts (RDI = its block): runs fn, gives back what newlib allocated
 * for the thread's reent, ends the thread. */
static _Noreturn void thread_entry(uint64_t block)
{
    struct tcb *t = (struct tcb *)block;
    t->fn(t->arg);
    _reclaim_reent(&t->reent);
    for (;;)
        xr_thread_exit();
}

/* Creates and starts the thread of slot i in the empty cap slot `slot`. */
static long thread_make(int i, xr_cap_t slot, void (*fn)(void *), void *arg)
{
    long err = slot_map(i);
    if (err != XR_OK)
        return err;
    struct tcb *t = (struct tcb *)slot_base(i);
    memset(t, 0, sizeof(*t));
    _REENT_INIT_PTR(&t->reent);
    t->fn = fn;
    t->arg = arg;
    err = xr_thread_create(XR_SLOT_SELF, slot);
    if (err != XR_OK)
        return err;
    /* top - 8: as if called, so the entry sees a 16-byte aligned frame (crt0.S's reasoning). */
    err = xr_thread_set_regs(slot, (uintptr_t)thread_entry, slot_base(i) + SLOT_SIZE - 8,
                             (uintptr_t)t);
    if (err == XR_OK)
        err = xr_thread_start(slot);
    if (err != XR_OK)
        xr_cap_delete(slot);
    return err;
}

int xr_libc_thread_start(xr_cap_t slot, void (*fn)(void *), void *arg, int *id)
{
    if (fn == NULL || id == NULL)
        return sys_fail(EINVAL);
    int i = slot_take();
    if (i < 0)
        return sys_fail(EAGAIN);
    long err = thread_make(i, slot, fn, arg);
    if (err != XR_OK) {
        slot_put(i);
        return sys_fail(sys_errno(err));
    }
    slots[i].cap = slot;
    *id = i;
    return 0;
}

int xr_libc_thread_join(int id)
{
    if (id < 0 || id >= XR_LIBC_THREADS || slots[id].state != SLOT_USED)
        return sys_fail(EINVAL);
    uint64_t state = 0;
    while (xr_thread_status(slots[id].cap, &state) == XR_OK && state != XR_THREAD_DEAD)
        xr_sleep_us(1000);
    xr_cap_delete(slots[id].cap);
    slot_put(id);
    return 0;
}
