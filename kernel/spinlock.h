/* Spinlocks: test-and-test-and-set with pause in the spin (emulators need it to
 * let the other vCPUs run), and irqsave variants for locks also taken in traps; and the
 * kernel's serialisation rule. docs/locking.md lists every lock and the order. */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include "arch/arch.h"
#include "kernel/klock.h"
#include "kernel/log.h"
#include "lib/types.h"

typedef struct spinlock {
    volatile int locked;
} spinlock_t;

static inline void spin_lock(spinlock_t *l)
{
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
            arch_cpu_relax();
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* Is l held? One core: held means held by the caller (SMP will record the owner). For
 * assertions: kassert(spin_holding(&l)) where a function needs its caller to hold l. */
static inline bool spin_holding(const spinlock_t *l)
{
    return __atomic_load_n(&l->locked, __ATOMIC_RELAXED);
}

/* The kernel's one serialisation of everything that has no lock of its own (kernel
 * objects and the reap list, capability tables, run queues, IPC state): every system
 * call, trap and interrupt handler runs with interrupts off and, with several CPUs, under
 * the kernel lock (kernel/klock.h). Functions that rely on it assert it in debug builds. */
#define kassert_serialised() kassert(!arch_irq_enabled() && kernel_lock_held())

/* Disable interrupts, then lock; returns the old flags for spin_unlock_irqrestore. */
static inline uint64_t spin_lock_irqsave(spinlock_t *l)
{
    uint64_t flags = arch_irq_save();
    spin_lock(l);
    return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, uint64_t flags)
{
    spin_unlock(l);
    arch_irq_restore(flags);
}

#endif
