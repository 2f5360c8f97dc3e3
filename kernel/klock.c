/* The kernel lock (kernel/klock.h): one word holding the number of the CPU that owns it,
 * taken with compare-and-swap. Lock order: it is taken before every other lock. */
#include "kernel/klock.h"
#include "arch/arch.h"
#include "mm/mm.h"

#define NOBODY (~0u)

bool smp_active;
static volatile unsigned owner = NOBODY;

void kernel_lock(void)
{
    if (!smp_active)
        return;
    unsigned me = arch_cpu_id(), none = NOBODY;
    while (!__atomic_compare_exchange_n(&owner, &none, me, false, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED)) {
        none = NOBODY;
        mm_tlb_poll(); /* the holder may be waiting for this CPU to flush */
        arch_cpu_relax();
    }
}

void kernel_unlock(void)
{
    if (smp_active && owner == arch_cpu_id())
        __atomic_store_n(&owner, NOBODY, __ATOMIC_RELEASE);
}

bool kernel_lock_held(void)
{
    return !smp_active || owner == arch_cpu_id();
}

void kernel_entry_lock(void)
{
    kernel_lock();
}

void kernel_exit_unlock(void)
{
    kernel_unlock();
}
