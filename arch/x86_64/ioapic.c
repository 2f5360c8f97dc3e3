/* The I/O APIC: routes device interrupt lines (global system interrupts, GSIs) to
 * vectors on the boot CPU. Its address and the polarity of lines firmware remaps come from
 * the ACPI MADT (kernel/smp.c, arch_irq_config); without one, the usual address and ISA
 * defaults. Lines are delivered edge-triggered (no acknowledgement is needed): a line the
 * MADT marks level-triggered is reported at boot, as no driver here expects one. */
#include "arch/arch.h"
#include "arch/x86_64/apic.h"
#include "kernel/log.h"

#define IOAPIC_PHYS 0xfec00000ul
#define IOREGSEL    0x00
#define IOWIN       0x10
#define IOAPIC_VER  0x01
#define IOREDTBL(n) (0x10 + 2 * (n))
#define RED_MASKED  (1u << 16)

#define RED_ACTIVE_LOW (1u << 13)

static volatile uint32_t *ioapic;
static unsigned ioapic_lines;
static uint64_t ioapic_phys = IOAPIC_PHYS;
static uint32_t active_low; /* bit n: GSI n is active low */

void arch_irq_config(uint64_t phys, unsigned gsi, uint16_t flags)
{
    if (phys)
        ioapic_phys = phys;
    if (gsi < 32 && (flags & 3) == 3)
        active_low |= 1u << gsi;
    if (gsi < 32 && (flags >> 2 & 3) == 3)
        log_info("ioapic: GSI %u is level-triggered; delivered as edges\n", gsi);
}

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
    uint64_t va = (uint64_t)arch_phys_to_virt(ioapic_phys);
    kerr_t err = arch_pt_map(arch_kernel_root(), va, ioapic_phys, PTF_WRITE | PTF_NOCACHE, ops);
    if (err && err != XR_EEXIST)
        panic("ioapic: cannot map %lx (error %d)", ioapic_phys, err);
    ioapic = (volatile uint32_t *)va;
    ioapic_lines = ((ioapic_read(IOAPIC_VER) >> 16) & 0xff) + 1;
    if (ioapic_lines > ARCH_IRQ_LINES)
        ioapic_lines = ARCH_IRQ_LINES;
    for (unsigned i = 0; i < ioapic_lines; i++) {
        ioapic_write(IOREDTBL(i), RED_MASKED | (ARCH_IRQ_VECTOR_BASE + i));
        ioapic_write(IOREDTBL(i) + 1, 0);
    }
    log_info("ioapic: %u lines at %lx, vectors %u..%u\n", ioapic_lines, ioapic_phys,
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
    /* edge-triggered, the polarity firmware gave (ISA: active high), fixed delivery to the
     * boot CPU (this is called with the kernel lock, on any CPU: 0 is the boot CPU's id) */
    uint32_t low = gsi < 32 && (active_low & (1u << gsi)) ? RED_ACTIVE_LOW : 0;
    ioapic_write(IOREDTBL(gsi) + 1, boot_apic_id() << 24);
    ioapic_write(IOREDTBL(gsi), (enable ? 0 : RED_MASKED) | low | (ARCH_IRQ_VECTOR_BASE + gsi));
}
