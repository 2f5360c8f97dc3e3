/* Starting the other cores: as many as the ACPI MADT lists (one when it is missing or
 * corrupt), at most smp= and ARCH_MAX_CPUS; the kernel lock goes into force first, each
 * core gets its run queue and idle thread, and arrives in kernel_ap_main. */
#include "arch/arch.h"
#include "kernel/kernel.h"
#include "kernel/klock.h"
#include "kernel/log.h"
#include "lib/acpi.h"
#include "mm/mm.h"
#include "sched/sched.h"

static acpi_madt_t madt;
static bool have_madt;

static const void *acpi_map(void *ctx, uint64_t phys, uint64_t len)
{
    (void)ctx;
    return arch_direct_mapped(phys, len) ? arch_phys_to_virt(phys) : NULL;
}

unsigned smp_plan(void)
{
    acpi_table_t t;
    size_t len = kboot.rsdp_version == 2 ? 36 : 20;
    kerr_t err = acpi_find(kboot.rsdp, len, "APIC", acpi_map, NULL, &t);
    if (!err)
        err = acpi_parse_madt(&t, &madt);
    have_madt = !err && madt.ncpus > 0;
    if (!have_madt) {
        kprintf("smp: %s; one core\n", err == XR_ENOENT ? "no MADT" : "the MADT is corrupt");
        return 1;
    }
    arch_irq_config(madt.nioapics ? madt.ioapics[0].addr : 0, 0, 0);
    for (unsigned i = 0; i < madt.noverrides; i++)
        arch_irq_config(0, madt.overrides[i].gsi, madt.overrides[i].flags);
    unsigned want = kconfig.smp ? (unsigned)kconfig.smp : ARCH_MAX_CPUS;
    unsigned n = madt.ncpus < want ? madt.ncpus : want;
    n = n < ARCH_MAX_CPUS ? n : ARCH_MAX_CPUS;
    kprintf("smp: MADT lists %u cores, %u I/O APIC(s), %u overrides; using %u\n", madt.ncpus,
            madt.nioapics, madt.noverrides, n);
    return n;
}

void smp_start(unsigned n)
{
    if (n > 1) {
        uint32_t ids[ACPI_MAX_CPUS];
        for (unsigned i = 0; i < madt.ncpus; i++)
            ids[i] = madt.cpus[i].apic_id;
        for (unsigned c = 1; c < n; c++)
            sched_init_cpu(c);
        smp_active = true;
        kernel_lock(); /* the boot CPU holds it from here until it first leaves the kernel */
        n = arch_smp_start(ids, madt.ncpus, n, &mm_kernel_pt_ops);
        if (n == 1)
            smp_active = false;
    }
    sched_workers = kconfig.workers & ~1ul & ((1ul << n) - 1); /* the boot core manages */
    kprintf("cpu: %u online", n);
    if (sched_workers)
        kprintf(", workers %lx (no tick while running one thread)", sched_workers);
    kprintf("\n");
}

_Noreturn void kernel_ap_main(unsigned cpu)
{
    (void)cpu; /* its scheduler state was set up by sched_init_cpu before it started */
    kernel_lock();
    sched_start();
}

uint8_t smp_isa_gsi(unsigned irq)
{
    return have_madt ? (uint8_t)acpi_isa_gsi(&madt, irq, NULL) : (uint8_t)irq;
}
