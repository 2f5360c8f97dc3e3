/* The I/O APIC: routes device interrupt lines (global system interrupts, GSIs) to
 * vectors on the boot CPU. It sits at its usual address (0xfec00000); the ACPI MADT,
 * which could move it or remap ISA lines, is not read yet, so ISA IRQ 0 (the PIT) is
 * taken to arrive on GSI 2, as on QEMU's and Bochs's machines. */
#include "arch/arch.h"
#include "arch/x86_64/apic.h"
#include "kernel/log.h"

#define IOAPIC_PHYS 0xfec00000ul
#define IOREGSEL    0x00
#define IOWIN       0x10
#define IOAPIC_VER  0x01
#define IOREDTBL(n) (0x10 + 2 * (n))
#define RED_MASKED  (1u << 16)

static volatile uint32_t *ioapic;
static unsigned ioapic_lines;

static uint32_t ioapic_read(uint32_t reg)
{
    ioapic[IOREGSEL / 4] = reg;
    return ioapic[IOWIN / 4];
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
    ioapic[IOREGSEL / 4] = reg;
    ioapic[IOWIN / 4] = v;
}

/* Map the I/O APIC and mask every line. Called once, after the local APIC. */
void ioapic_init(const pt_ops_t *ops)
{
    uint64_t va = (uint64_t)arch_phys_to_virt(IOAPIC_PHYS);
    kerr_t err = arch_pt_map(arch_kernel_root(), va, IOAPIC_PHYS, PTF_WRITE | PTF_NOCACHE, ops);
    if (err && err != XR_EEXIST)
        panic("ioapic: cannot map %lx (error %d)", IOAPIC_PHYS, err);
    ioapic = (volatile uint32_t *)va;
    ioapic_lines = ((ioapic_read(IOAPIC_VER) >> 16) & 0xff) + 1;
    if (ioapic_lines > ARCH_IRQ_LINES)
        ioapic_lines = ARCH_IRQ_LINES;
    for (unsigned i = 0; i < ioapic_lines; i++) {
        ioapic_write(IOREDTBL(i), RED_MASKED | (ARCH_IRQ_VECTOR_BASE + i));
        ioapic_write(IOREDTBL(i) + 1, 0);
    }
    log_info("ioapic: %u lines at %lx, vectors %u..%u\n", ioapic_lines, IOAPIC_PHYS,
             ARCH_IRQ_VECTOR_BASE, ARCH_IRQ_VECTOR_BASE + ioapic_lines - 1);
}

unsigned arch_irq_lines(void)
{
    return ioapic_lines;
}

void arch_irq_route(unsigned gsi, bool enable)
{
    if (gsi >= ioapic_lines)
        return;
    /* edge-triggered, active high (ISA), fixed delivery to the boot CPU */
    ioapic_write(IOREDTBL(gsi) + 1, apic_id() << 24);
    ioapic_write(IOREDTBL(gsi), (enable ? 0 : RED_MASKED) | (ARCH_IRQ_VECTOR_BASE + gsi));
}
