/* Kernel stacks: KSTACK_PAGES mapped pages above one unmapped guard page, in their own
 * area of the kernel half, so an overflow faults (and the double-fault handler, on its
 * IST stack, reports it) instead of corrupting a neighbour. Lock: kstack_lock. */
#include "arch/x86_64/asm.h"
#include "kernel/log.h"
#include "kernel/spinlock.h"
#include "mm/mm.h"

#define KSTACK_AREA  0xffffff0000000000ul /* PML4 slot 510 */
#define KSTACK_SLOT  ((KSTACK_PAGES + 1) * PAGE_SIZE)
#define KSTACK_SLOTS 1024

static spinlock_t kstack_lock;
static uint64_t used[KSTACK_SLOTS / 64];

static int slot_take(void)
{
    for (int i = 0; i < KSTACK_SLOTS; i++) {
        if (!(used[i / 64] & (1ul << (i % 64)))) {
            used[i / 64] |= 1ul << (i % 64);
            return i;
        }
    }
    return -1;
}

static void unmap_stack(uint64_t base, unsigned pages)
{
    for (unsigned p = 0; p < pages; p++) {
        uint64_t pa, va = base + (p + 1) * PAGE_SIZE;
        if (arch_pt_unmap(arch_kernel_root(), va, &pa, NULL, NULL) == XR_OK) {
            arch_tlb_flush_page(va);
            mm_frame_free(MM_POOL_KERNEL, pa, 0);
        }
    }
}

uint64_t mm_kstack_alloc(void)
{
    uint64_t flags = spin_lock_irqsave(&kstack_lock);
    int slot = slot_take();
    spin_unlock_irqrestore(&kstack_lock, flags);
    if (slot < 0)
        return 0;
    uint64_t base = KSTACK_AREA + (uint64_t)slot * KSTACK_SLOT; /* the guard page */
    for (unsigned p = 0; p < KSTACK_PAGES; p++) {
        uint64_t pa = mm_frame_alloc(MM_POOL_KERNEL, 0);
        if (!pa || arch_pt_map(arch_kernel_root(), base + (p + 1) * PAGE_SIZE, pa,
                               PTF_WRITE | PTF_GLOBAL, &mm_kernel_pt_ops) != XR_OK) {
            if (pa)
                mm_frame_free(MM_POOL_KERNEL, pa, 0);
            unmap_stack(base, p);
            flags = spin_lock_irqsave(&kstack_lock);
            used[slot / 64] &= ~(1ul << (slot % 64));
            spin_unlock_irqrestore(&kstack_lock, flags);
            return 0;
        }
    }
    return base + KSTACK_SLOT;
}

void mm_kstack_free(uint64_t top)
{
    if (!top)
        return;
    uint64_t base = top - KSTACK_SLOT;
    uint64_t slot = (base - KSTACK_AREA) / KSTACK_SLOT;
    kassert(slot < KSTACK_SLOTS && base == KSTACK_AREA + slot * KSTACK_SLOT);
    unmap_stack(base, KSTACK_PAGES);
    uint64_t flags = spin_lock_irqsave(&kstack_lock);
    used[slot / 64] &= ~(1ul << (slot % 64));
    spin_unlock_irqrestore(&kstack_lock, flags);
}
