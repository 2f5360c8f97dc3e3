/* Self-tests of the x86_64 layer: breakpoints resume, kernel faults recover through
 * the fixup table and name the faulting function, protections are on. */
#include "arch/arch.h"
#include "arch/x86_64/x86.h"
#include "kernel/ksyms.h"
#include "kernel/ktest.h"
#include "kernel/string.h"

KTEST(arch, int3_reported_and_resumed)
{
    uint64_t before = arch_trap_stats()->breakpoints;
    arch_breakpoint();
    KT_EQ(arch_trap_stats()->breakpoints, before + 1);
}

/* A read from an unmapped kernel address page-faults; the fixup table turns that into
 * XR_EFAULT, and the recorded RIP names the function that faulted. */
KTEST(arch, pagefault_fixup)
{
    const volatile uint8_t *unmapped = (const volatile uint8_t *)0xffffc00000000000ul;
    uint64_t before = arch_trap_stats()->fixups;
    uint8_t v = 0x5a;
    KT_EQ(arch_probe_read8(unmapped, &v), XR_EFAULT);
    KT_EQ(v, 0x5a);
    KT_EQ(arch_trap_stats()->fixups, before + 1);
    KT_EQ(arch_trap_stats()->last_fixup_cr2, (uint64_t)unmapped);
    uint64_t off;
    const char *fn = ksyms_lookup(arch_trap_stats()->last_fixup_rip, &off);
    kprintf("  #PF at %s+0x%lx, address %lx, recovered by fixup\n", fn ? fn : "?", off,
            arch_trap_stats()->last_fixup_cr2);
    KT_ASSERT(fn && strcmp(fn, "arch_probe_read8") == 0);
}

KTEST(arch, gp_fixup_noncanonical)
{
    uint8_t v;
    uint64_t before = arch_trap_stats()->fixups;
    KT_EQ(arch_probe_read8((const volatile void *)0x8000000000000000ul, &v), XR_EFAULT);
    KT_EQ(arch_trap_stats()->fixups, before + 1);
}

KTEST(arch, probe_mapped)
{
    static const uint8_t value = 0xa7;
    uint8_t v = 0;
    KT_EQ(arch_probe_read8(&value, &v), XR_OK);
    KT_EQ(v, 0xa7);
}

KTEST(arch, protections_enabled)
{
    const arch_cpu_info_t *c = arch_cpu_info();
    uint64_t cr4 = read_cr4();
    KT_ASSERT(read_cr0() & CR0_WP);
    KT_ASSERT(!c->smep || (cr4 & CR4_SMEP));
    KT_ASSERT(!c->smap || (cr4 & CR4_SMAP));
    KT_ASSERT(!c->umip || (cr4 & CR4_UMIP));
    KT_ASSERT(!c->nx || (rdmsr(MSR_EFER) & EFER_NXE));
}

KTEST(arch, backtrace_symbols)
{
    /* the caller chain of a test reaches the runner */
    uint64_t off;
    const char *caller = ksyms_lookup((uint64_t)__builtin_return_address(0), &off);
    KT_ASSERT(caller && strcmp(caller, "ktest_run_all") == 0);
}
