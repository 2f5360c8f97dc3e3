/* Kernel stacks: KSTACK_PAGES mapped pages above one unmapped guard page, in their own
 * area of the kernel half, so an overflow faults (and the double-fault handler, on its
 * IST stack, reports it) instead of corrupting a neighbour. Lock: kstack_lock, around the
 * slot bitmap only (the frames and tables are allocated after it is dropped). */
#include "kernel/klock.h"
#include "kernel/log.h"
#include "kernel/spinlock.h"
#include "mm/mm.h"

#define KSTACK_AREA 0xffffff0000000000ul /* PML4 slot 510 */
#define KSTACK_SLOT ((KSTACK_PAGES + 1) * PAGE_SIZE)
/* Enough slots that the kernel-pool budgets run out first: init's budget is capped at
 * (slots - 16) threads (kernel/initproc.c), so no process can take the last slot. */
#define KSTACK_SLOTS 32768

static spinlock_t kstack_lock;
static uint64_t used[KSTACK_SLOTS / 64];
static unsigned first_free_word; /* no free slot in the words below it */

unsigned mm_kstack_slots(void)
{
    return KSTACK_SLOTS;
}

static int slot_take(void)
{
    kassert(spin_holding(&kstack_lock));
    for (unsigned w = first_free_word; w < KSTACK_SLOTS / 64; w++) {
        if (used[w] != ~0ul) {
            int bit = __builtin_ctzl(~used[w]);
            used[w] |= 1ul << bit;
            first_free_word = w;
            return (int)(w * 64 + (unsigned)bit);
        }
    }
    return -1;
}

static void slot_release(uint64_t slot)
{
    kassert(spin_holding(&kstack_lock));
    used[slot / 64] &= ~(1ul << (slot % 64));
    if (slot / 64 < first_free_word)
        first_free_word = (unsigned)(slot / 64);
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
        if (!pa ||
            arch_pt_map(arch_kernel_root(), base + (p + 1) * PAGE_SIZE, pa,
                        PTF_WRITE | (smp_active ? 0 : PTF_GLOBAL), &mm_kernel_pt_ops) != XR_OK) {
            if (pa)
                mm_frame_free(MM_POOL_KERNEL, pa, 0);
            unmap_stack(base, p);
            flags = spin_lock_irqsave(&kstack_lock);
            slot_release((uint64_t)slot);
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
    mm_tlb_shootdown(NULL, false); /* not global with several CPUs: a CR3 reload drops it */
    uint64_t flags = spin_lock_irqsave(&kstack_lock);
    slot_release(slot);
    spin_unlock_irqrestore(&kstack_lock, flags);
}
