/* FPU/SSE/AVX state: a page per user thread, saved with XSAVEOPT (XSAVE, or FXSAVE where
 * those are absent). A thread that has used the FPU within its last ARCH_FPU_EAGER_TICKS
 * timer ticks of running is eager: while it runs, its state is in the registers and CR0.TS
 * is clear (the CPU is "live"); it is saved when the thread is switched out. A lazy thread
 * switched in after an eager one runs live too, on its own state (one load, where going
 * clean would cost a wipe now and a trap or a load later). Every other switch to a lazy
 * thread makes the CPU clean: CR0.TS set and the registers in their initial state, holding
 * nobody's data, so the thread's first FPU or SSE instruction traps (#NM,
 * arch_fpu_first_use), which loads its state and makes it eager. A switch between two lazy
 * threads on a clean CPU does no FPU work at all; no thread ever runs with another's values
 * in the registers, not even speculatively behind TS (LazyFP: docs/ipc.md §4). Kernel
 * threads run lazily; the kernel never touches the FPU (built with -mno-sse), and an #NM in
 * kernel mode is a kernel bug. */
#include "arch/arch.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/x86.h"
#include "kernel/log.h"
#include "kernel/string.h"

#define XCR0_X87 1u
#define XCR0_SSE 2u
#define XCR0_AVX 4u

uint8_t arch_fpu_kind = ARCH_FPU_FXSAVE;
uint64_t arch_fpu_xcr0;
#define xcr0 arch_fpu_xcr0
static uint32_t area_size;
/* The registers' initial state: FCW 0x37f, MXCSR 0x1f80 (which XRSTOR loads from the
 * legacy area even for a component it initialises), everything else 0; XSTATE_BV 0. */
static uint8_t init_area[PAGE_SIZE] __attribute__((aligned(64)));
uint64_t arch_fpu_traps; /* #NM traps taken (first uses after a lazy period) */

#define CR0_TS (1ul << 3)

/* XSAVE's instructions (XSAVEOPT or XSAVE), not FXSAVE's. */
static bool use_xsave(void)
{
    return arch_fpu_kind != ARCH_FPU_FXSAVE;
}

static void xsetbv(uint32_t reg, uint64_t v)
{
    __asm__ volatile("xsetbv" ::"c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static void fpu_save(void *area)
{
    uint32_t lo = ~0u, hi = ~0u; /* every component XCR0 enables */
    if (arch_fpu_kind == ARCH_FPU_XSAVEOPT)
        __asm__ volatile("xsaveopt64 (%0)" ::"r"(area), "a"(lo), "d"(hi) : "memory");
    else if (arch_fpu_kind == ARCH_FPU_XSAVE)
        __asm__ volatile("xsave64 (%0)" ::"r"(area), "a"(lo), "d"(hi) : "memory");
    else
        __asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory");
}

static void fpu_restore(const void *area)
{
    uint32_t lo = ~0u, hi = ~0u;
    if (use_xsave())
        __asm__ volatile("xrstor64 (%0)" ::"r"(area), "a"(lo), "d"(hi) : "memory");
    else
        __asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory");
}

/* Make this CPU clean: registers initial, CR0.TS set. */
static void fpu_lazy_start(void)
{
    fpu_restore(init_area);
    write_cr0(read_cr0() | CR0_TS);
    this_cpu()->fpu_live = 0;
}

/* Make this CPU live with t's state. */
static void fpu_load(arch_thread_t *t)
{
    __asm__ volatile("clts");
    fpu_restore(t->fpu);
    this_cpu()->fpu_live = 1u + arch_fpu_kind; /* arch_fpu_switch's inline case tests 1 */
}

/* The kind want asks for (FPU_* of lib/cmdline.h, FPU_AUTO: none in particular), if the CPU
 * has it; else best, the best it has. */
static uint8_t chosen_kind(unsigned want, uint8_t best)
{
    static const uint8_t kind_of[] = {[FPU_XSAVEOPT] = ARCH_FPU_XSAVEOPT,
                                      [FPU_XSAVE] = ARCH_FPU_XSAVE,
                                      [FPU_FXSAVE] = ARCH_FPU_FXSAVE};
    if (want == FPU_AUTO || want >= ARRAY_SIZE(kind_of))
        return best;
    if (kind_of[want] < best) { /* the enum runs from the best to the plainest */
        log_warn("fpu: fpu= asks for what this CPU lacks; using the best it has\n");
        return best;
    }
    return kind_of[want];
}

void arch_fpu_init(unsigned want)
{
    uint32_t r[4];
    write_cr0((read_cr0() & ~(1ul << 2)) | (1ul << 1) | (1ul << 5)); /* EM off, MP, NE */
    uint8_t best = ARCH_FPU_FXSAVE;
    if (arch_cpu_info()->xsave) {
        cpuid(0xd, 1, r);
        best = (r[0] & 1) ? ARCH_FPU_XSAVEOPT : ARCH_FPU_XSAVE;
    }
    arch_fpu_kind = chosen_kind(want, best);
    area_size = 512;
    if (use_xsave()) {
        write_cr4(read_cr4() | CR4_OSXSAVE);
        cpuid(0xd, 0, r);
        xcr0 = r[0] & (XCR0_X87 | XCR0_SSE | XCR0_AVX);
        xsetbv(0, xcr0);
        cpuid(0xd, 0, r);
        area_size = r[1]; /* for the components now enabled */
        /* (XSAVEOPT writes only the components changed since this area's last XRSTOR) */
    }
    if (area_size > PAGE_SIZE)
        panic("fpu: state area of %u bytes does not fit a page", area_size);
    arch_fpu_area_init(init_area);
    memset(init_area + 512, 0, 8); /* XSTATE_BV: every component in its initial state */
    fpu_lazy_start();
    static const char *const kinds[] = {"xsaveopt", "xsave", "fxsave"};
    log_info("fpu: %s, state %u bytes, xcr0=%lx\n", kinds[arch_fpu_kind], area_size, xcr0);
}

void fpu_init_ap(void)
{
    write_cr0((read_cr0() & ~(1ul << 2)) | (1ul << 1) | (1ul << 5));
    if (use_xsave()) {
        write_cr4(read_cr4() | CR4_OSXSAVE);
        xsetbv(0, xcr0);
    }
    fpu_lazy_start();
}

void arch_fpu_area_init(void *area)
{
    memset(area, 0, PAGE_SIZE);
    uint8_t *a = area;
    uint16_t fcw = 0x37f;
    uint32_t mxcsr = 0x1f80;
    memcpy(a + 0, &fcw, 2);
    memcpy(a + 24, &mxcsr, 4);
    if (use_xsave()) {
        uint64_t xstate_bv = XCR0_X87 | XCR0_SSE; /* x87 and SSE from the area, AVX at init */
        memcpy(a + 512, &xstate_bv, 8);
    }
}

/* arch_fpu_switch's two cases off its inline path (arch.h): a clean CPU going live for an
 * eager thread, or a live one going clean (arch_fpu_stays_live false). */
void arch_fpu_switch_slow(arch_thread_t *from, arch_thread_t *to)
{
    if (!this_cpu()->fpu_live) {
        fpu_load(to);
        return;
    }
    fpu_save(from->fpu); /* live: from is a user thread, its state in the registers */
    fpu_lazy_start();    /* to lazy and from no longer eager, or a kernel thread: wipe, set TS */
}

bool arch_fpu_first_use(arch_thread_t *t)
{
    if (!t->fpu || this_cpu()->fpu_live)
        return false; /* TS is clear on a live CPU: this #NM is not ours to fix */
    fpu_load(t);
    t->fpu_eager = ARCH_FPU_EAGER_TICKS;
    __atomic_fetch_add(&arch_fpu_traps, 1, __ATOMIC_RELAXED);
    return true;
}
