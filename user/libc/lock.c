/* newlib's retargetable locks (sys/lock.h) for threads: a spin-then-yield lock owned by a thread
 * identity (xr_libc_thread_self), recursive where newlib asks for it, and newlib's static locks.
 *
 * Waiting: spin briefly (useful once x-realism runs threads on several CPUs; on one CPU the
 * holder cannot progress during the spin), then yield to threads of the same priority, and every
 * 16th round sleep one tick so that a holder of lower priority runs too (YIELD alone never lets
 * it: priorities are strict). Memory order: acquire on taking the owner word, release on giving it
 * back, so the protected data is published with the lock. */
#include <stdlib.h>
#include <sys/lock.h>

#include "sys.h"
#include "syscall.h"
#include "xr_libc.h"

/* The static locks newlib's own files name (libc/misc/lock.c lists them). */
struct __lock __lock___sinit_recursive_mutex;
struct __lock __lock___sfp_recursive_mutex;
struct __lock __lock___atexit_recursive_mutex;
struct __lock __lock___at_quick_exit_mutex;
struct __lock __lock___malloc_recursive_mutex;
struct __lock __lock___env_recursive_mutex;
struct __lock __lock___tz_mutex;
struct __lock __lock___dd_hash_mutex;
struct __lock __lock___arc4random_mutex;

/* Shared by every lock whose allocation failed: coarser, still correct (it is recursive). */
static struct __lock fallback_lock;

#define SPINS 64

static void lock_wait(unsigned round)
{
    if (round < SPINS)
        __builtin_ia32_pause();
    else if (round % 16)
        xr_yield();
    else
        xr_sleep_us(0);
}

static int lock_try(struct __lock *l, uintptr_t self)
{
    uintptr_t free_owner = 0;
    return __atomic_compare_exchange_n(&l->owner, &free_owner, self, 0, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

/* Allocates a lock for *lock (the shared fallback when memory is short). */
static void lock_new(_LOCK_T *lock)
{
    struct __lock *l = calloc(1, sizeof(*l));
    if (l != NULL)
        l->allocated = 1;
    *lock = l != NULL ? l : &fallback_lock;
}

/* Frees a lock made by lock_new; static locks and the fallback are kept. */
static void lock_free(_LOCK_T lock)
{
    if (lock != NULL && lock->allocated)
        free(lock);
}

void __retarget_lock_init(_LOCK_T *lock)
{
    lock_new(lock);
}

void __retarget_lock_init_recursive(_LOCK_T *lock)
{
    lock_new(lock);
}

void __retarget_lock_close(_LOCK_T lock)
{
    lock_free(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock)
{
    lock_free(lock);
}

/* Takes lock, waiting as long as it takes; the caller must not hold it (newlib's non-recursive
 * locks are never taken twice by one thread; if one were, it is counted like a recursive one
 * rather than deadlocking). */
void __retarget_lock_acquire(_LOCK_T lock)
{
    __retarget_lock_acquire_recursive(lock);
}

/* Takes lock, or deepens it when the calling thread holds it already. May block (yield, sleep). */
void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
    uintptr_t self = xr_libc_thread_self();
    if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == self) {
        lock->depth++;
        return;
    }
    for (unsigned round = 0; !lock_try(lock, self); round++)
        lock_wait(round);
    lock->depth = 1;
}

/* Returns 1 when lock was taken (or deepened), 0 when another thread holds it; never blocks. */
int __retarget_lock_try_acquire(_LOCK_T lock)
{
    return __retarget_lock_try_acquire_recursive(lock);
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
    uintptr_t self = xr_libc_thread_self();
    if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == self) {
        lock->depth++;
        return 1;
    }
    if (!lock_try(lock, self))
        return 0;
    lock->depth = 1;
    return 1;
}

/* Undoes one acquire by the holder; the last one frees the lock. */
void __retarget_lock_release(_LOCK_T lock)
{
    __retarget_lock_release_recursive(lock);
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
    if (--lock->depth == 0)
        __atomic_store_n(&lock->owner, 0, __ATOMIC_RELEASE);
}
