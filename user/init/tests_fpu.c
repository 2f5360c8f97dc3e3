/* User tests of the FPU/SSE state between threads (docs/ipc.md §4): each thread sees only
 * its own registers, whether the kernel switched them eagerly or lazily (CR0.TS, #NM); a
 * thread's first FPU instruction finds the initial state, never another thread's values;
 * a thread that stops using the FPU goes lazy again and gets its own state back by trap.
 * init is built without SSE (-mgeneral-regs-only), so the compiler keeps nothing in the XMM
 * registers: the asm below uses them without listing them as clobbered (GCC refuses that
 * for a target without SSE). */
#include "utest.h"

#define XMM_REGS     16
#define MXCSR_INIT   0x1f80u
#define MXCSR_ROUNDZ 0x7f80u /* rounding toward zero: a control value to tell threads apart */

/* xmm0..xmm15 = v, 2v, 3v, ... (low words) and MXCSR = mxcsr. */
static void xmm_load(uint64_t v, uint32_t mxcsr)
{
    uint64_t acc;
#define X(n) "movq %0, %%xmm" #n "\n\tadd %1, %0\n\t"
    __asm__ volatile("mov %1, %0\n\t" X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
                         X(12) X(13) X(14) X(15) "ldmxcsr %2"
                     : "=&r"(acc)
                     : "r"(v), "m"(mxcsr));
#undef X
}

/* How many of xmm0..xmm15 and MXCSR differ from what xmm_load(v, mxcsr) left. */
static unsigned xmm_mismatches(uint64_t v, uint32_t mxcsr)
{
    uint64_t w[XMM_REGS];
    uint32_t got;
#define X(n) "movq %%xmm" #n ", " #n "*8(%1)\n\t"
    __asm__ volatile(X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14)
                         X(15) "stmxcsr %0"
                     : "=m"(got)
                     : "r"(w)
                     : "memory");
#undef X
    unsigned bad = got != mxcsr;
    for (unsigned i = 0; i < XMM_REGS; i++)
        bad += w[i] != v * (i + 1);
    return bad;
}

static volatile uint64_t fpu_bad[2], fpu_rounds[2]; /* one counter per thread: no races */

/* Load a pattern into every XMM register and MXCSR and check it survives many switches to
 * the other thread, which loads its own. */
static void fpu_worker(uint64_t me)
{
    uint32_t mxcsr = me ? MXCSR_ROUNDZ : MXCSR_INIT;
    for (uint64_t i = 0; i < 200; i++) {
        uint64_t v = (me + 1) * 0x1000000 + i;
        xmm_load(v, mxcsr);
        xr_yield();
        fpu_bad[me] += xmm_mismatches(v, mxcsr);
        fpu_rounds[me]++;
    }
}

UTEST(user, fpu_state_isolated)
{
    uint64_t traps = xr_info(XR_INFO_FPU_TRAPS);
    fpu_bad[0] = fpu_bad[1] = fpu_rounds[0] = fpu_rounds[1] = 0;
    UT_EQ(ut_thread(fpu_worker, 0, 120, UT_SLOT_THREADS), XR_OK);
    UT_EQ(ut_thread(fpu_worker, 1, 120, UT_SLOT_THREADS + 1), XR_OK);
    UT_ASSERT(ut_thread_join(UT_SLOT_THREADS, 5000));
    UT_ASSERT(ut_thread_join(UT_SLOT_THREADS + 1, 5000));
    UT_EQ(fpu_rounds[0] + fpu_rounds[1], 400);
    UT_EQ(fpu_bad[0] + fpu_bad[1], 0);
    /* init uses no FPU: the workers started lazily, and their first FPU use trapped */
    UT_ASSERT(xr_info(XR_INFO_FPU_TRAPS) > traps);
}

static volatile uint64_t secret_loaded, fresh_done, fresh_bad, secret_bad;

/* Loads a secret, lets a fresh thread look, checks its own is intact. */
static void fpu_secret_holder(uint64_t v)
{
    xmm_load(v, MXCSR_ROUNDZ);
    secret_loaded = 1;
    while (!fresh_done)
        xr_yield();
    secret_bad = xmm_mismatches(v, MXCSR_ROUNDZ);
}

/* A thread's first FPU instruction: the initial state (zeros, MXCSR 0x1f80). */
static void fpu_fresh(uint64_t unused)
{
    (void)unused;
    while (!secret_loaded)
        xr_yield();
    fresh_bad = xmm_mismatches(0, MXCSR_INIT);
    fresh_done = 1;
}

UTEST(user, fpu_first_use_sees_initial_state)
{
    secret_loaded = fresh_done = 0;
    fresh_bad = secret_bad = ~0ul;
    UT_EQ(ut_thread(fpu_secret_holder, 0x5ec2e7, 120, UT_SLOT_THREADS), XR_OK);
    UT_EQ(ut_thread(fpu_fresh, 0, 120, UT_SLOT_THREADS + 1), XR_OK);
    UT_ASSERT(ut_thread_join(UT_SLOT_THREADS, 5000));
    UT_ASSERT(ut_thread_join(UT_SLOT_THREADS + 1, 5000));
    UT_EQ(fresh_bad, 0);
    UT_EQ(secret_bad, 0);
}

static volatile uint64_t lazy_bad, lazy_traps;

/* Use the FPU, then run without it for longer than ARCH_FPU_EAGER_TICKS ticks (the kernel
 * then stops loading its state at each switch in), sleep (the CPU's registers are wiped),
 * and look: the trap loads this thread's own state. */
static void fpu_goes_lazy(uint64_t v)
{
    xmm_load(v, MXCSR_ROUNDZ);
    uint64_t t0 = xr_info(XR_INFO_TICKS);
    while (xr_info(XR_INFO_TICKS) - t0 < 10)
        ; /* running, no FPU: each tick takes one from its eagerness */
    xr_sleep_us(20000);
    uint64_t traps = xr_info(XR_INFO_FPU_TRAPS);
    lazy_bad = xmm_mismatches(v, MXCSR_ROUNDZ); /* its first FPU instruction since */
    lazy_traps = xr_info(XR_INFO_FPU_TRAPS) - traps;
}

UTEST(user, fpu_lazy_reload_is_own_state)
{
    lazy_bad = ~0ul;
    UT_EQ(ut_thread(fpu_goes_lazy, 0xfeed0001, 120, UT_SLOT_THREADS), XR_OK);
    UT_ASSERT(ut_thread_join(UT_SLOT_THREADS, 5000));
    UT_EQ(lazy_bad, 0);
    UT_ASSERT(lazy_traps >= 1); /* (other CPUs trap too: the count is global) */
}
