/* sbrk: the heap grows page by page from the end of the program image with anonymous mappings
 * on the process's own cap (XR_SLOT_SELF). Lock: heap_lock (a leaf: nothing is called under it
 * but the mapping system calls). */
#include <errno.h>
#include <stddef.h>
#include <unistd.h>

#include "sys.h"
#include "syscall.h"

#define PAGE     4096ul
#define HEAP_MAX (1ul << 30) /* at most 1 GiB of heap */

extern char _end[]; /* user.ld: the first page past the image */

static struct __lock heap_lock;
static uintptr_t brk_now; /* the break: the heap is [_end, brk_now) */
static uintptr_t mapped;  /* pages [_end, mapped) are mapped */

/* Maps the pages [mapped, end) (end page-aligned); on failure unmaps the new ones again. */
static long heap_map(uintptr_t end)
{
    for (uintptr_t va = mapped; va < end; va += PAGE) {
        long err = xr_map_anon(XR_SLOT_SELF, va, XR_MAP_WRITE);
        if (err != XR_OK && err != XR_EEXIST) { /* EEXIST: a pager got there first */
            while (va > mapped) {
                va -= PAGE;
                xr_unmap(XR_SLOT_SELF, va);
            }
            return err;
        }
    }
    mapped = end;
    return XR_OK;
}

/* Unmaps the pages [end, mapped), giving the frames back to the quota. */
static void heap_unmap(uintptr_t end)
{
    for (uintptr_t va = end; va < mapped; va += PAGE)
        xr_unmap(XR_SLOT_SELF, va);
    mapped = end;
}

/* Moves the break by incr bytes; returns the old break, or (void *)-1 with errno ENOMEM (beyond
 * HEAP_MAX, below the image's end, or a mapping failed: out of quota, or no XR_SLOT_SELF cap).
 * Thread-safe; newlib's malloc calls it under its own lock. */
void *sbrk(ptrdiff_t incr)
{
    __retarget_lock_acquire(&heap_lock);
    if (brk_now == 0)
        brk_now = mapped = (uintptr_t)_end;
    uintptr_t old = brk_now, base = (uintptr_t)_end;
    uintptr_t want = old + (uintptr_t)incr;
    long err = XR_OK;
    if ((incr > 0 && (want < old || want - base > HEAP_MAX)) || (incr < 0 && want < base))
        err = XR_ENOMEM;
    uintptr_t end = (want + PAGE - 1) & ~(PAGE - 1);
    if (err == XR_OK && end > mapped)
        err = heap_map(end);
    else if (err == XR_OK && end < mapped)
        heap_unmap(end);
    if (err == XR_OK)
        brk_now = want;
    __retarget_lock_release(&heap_lock);
    if (err != XR_OK) {
        errno = ENOMEM;
        return (void *)-1;
    }
    return (void *)old;
}
