/* TLB shootdown: the CPU that changes a mapping (holding the kernel lock) posts a request
 * to each other CPU that may cache it, sends it an interrupt, and waits until every one
 * has flushed. The requests are answered without the kernel lock: from the TLB interrupt
 * (user mode, or the halt in idle) or from the spin of a CPU waiting for the lock, so the
 * waiting cannot deadlock. */
#include "kernel/klock.h"
#include "mm/mm.h"

static volatile uint8_t pending[ARCH_MAX_CPUS];
static mm_as_t *volatile drop_as[ARCH_MAX_CPUS]; /* leave this address space, not just flush */
uint64_t mm_tlb_shootdowns;                      /* requests sent, for the tests */

void mm_tlb_shootdown(mm_as_t *as, bool drop)
{
    if (!smp_active)
        return;
    unsigned me = arch_cpu_id(), n = arch_cpus_online();
    bool sent[ARCH_MAX_CPUS] = {false};
    for (unsigned c = 0; c < n; c++) {
        if (c == me || (as && *mm_loaded_of(c) != as))
            continue;
        drop_as[c] = drop ? as : NULL;
        __atomic_store_n(&pending[c], 1, __ATOMIC_RELEASE);
        arch_ipi_send(c, ARCH_IPI_TLB);
        sent[c] = true;
        mm_tlb_shootdowns++;
    }
    for (unsigned c = 0; c < n; c++)
        while (sent[c] && __atomic_load_n(&pending[c], __ATOMIC_ACQUIRE))
            arch_cpu_relax();
}

bool mm_tlb_poll(void)
{
    unsigned me = arch_cpu_id();
    if (!__atomic_load_n(&pending[me], __ATOMIC_ACQUIRE))
        return false;
    mm_as_t *d = drop_as[me];
    bool dropped = d && mm_as_current() == d;
    if (dropped) {
        arch_cpu_hot_write64(MM_HOT_LOADED, NULL);
        arch_switch_root(arch_kernel_root(), 0, true);
    } else {
        arch_tlb_flush_all();
    }
    drop_as[me] = NULL;
    __atomic_store_n(&pending[me], 0, __ATOMIC_RELEASE);
    return dropped;
}

bool kernel_ipi_tlb(void)
{
    return mm_tlb_poll();
}
