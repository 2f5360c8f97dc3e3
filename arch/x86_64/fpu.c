/* FPU/SSE/AVX state: saved eagerly at every switch between threads with XSAVEOPT (XSAVE,
 * or FXSAVE where those are absent) into a page per thread, and the incoming thread's
 * loaded at once: never lazily (docs/ipc.md §4, the LazyFP argument). The kernel itself
 * never touches the FPU (it is built with -mno-sse), so kernel entries need not save
 * anything. */
#include "arch/arch.h"
#include "arch/x86_64/x86.h"
#include "kernel/log.h"
#include "kernel/string.h"

#define XCR0_X87 1u
#define XCR0_SSE 2u
#define XCR0_AVX 4u

uint8_t arch_fpu_kind = ARCH_FPU_FXSAVE;
uint64_t arch_fpu_xcr0;
static bool use_xsave;
#define xcr0 arch_fpu_xcr0
static uint32_t area_size;

static void xsetbv(uint32_t reg, uint64_t v)
{
    __asm__ volatile("xsetbv" ::"c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
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
    use_xsave = arch_fpu_kind != ARCH_FPU_FXSAVE;
    area_size = 512;
    if (use_xsave) {
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
    __asm__ volatile("fninit");
    static const char *const kinds[] = {"xsaveopt", "xsave", "fxsave"};
    log_info("fpu: %s, state %u bytes, xcr0=%lx\n", kinds[arch_fpu_kind], area_size, xcr0);
}

void fpu_init_ap(void)
{
    write_cr0((read_cr0() & ~(1ul << 2)) | (1ul << 1) | (1ul << 5));
    if (use_xsave) {
        write_cr4(read_cr4() | CR4_OSXSAVE);
        xsetbv(0, xcr0);
    }
    __asm__ volatile("fninit");
}

void arch_fpu_area_init(void *area)
{
    memset(area, 0, PAGE_SIZE);
    uint8_t *a = area;
    uint16_t fcw = 0x37f;
    uint32_t mxcsr = 0x1f80;
    memcpy(a + 0, &fcw, 2);
    memcpy(a + 24, &mxcsr, 4);
    if (use_xsave) {
        uint64_t xstate_bv = XCR0_X87 | XCR0_SSE; /* x87 and SSE from the area, AVX at init */
        memcpy(a + 512, &xstate_bv, 8);
    }
}

void arch_fpu_save(void *area)
{
    if (use_xsave)
        __asm__ volatile("xsave64 (%0)" ::"r"(area), "a"((uint32_t)xcr0),
                         "d"((uint32_t)(xcr0 >> 32))
                         : "memory");
    else
        __asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory");
}

void arch_fpu_restore(const void *area)
{
    if (use_xsave)
        __asm__ volatile("xrstor64 (%0)" ::"r"(area), "a"((uint32_t)xcr0),
                         "d"((uint32_t)(xcr0 >> 32))
                         : "memory");
    else
        __asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory");
}
