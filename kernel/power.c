/* Power-off and reset the ACPI way. power_init reads the FADT (PM1a/PM1b control blocks,
 * the reset register) and the \_S5 sleep type from the DSDT with lib/acpi; kernel_power_off
 * (arch_exit_emulator's last step) and power_reboot use them. No lock: written once at boot,
 * read when the machine stops. */
#include "kernel/power.h"
#include "arch/arch.h"
#include "kernel/kernel.h"
#include "kernel/ktest.h"
#include "kernel/log.h"
#include "lib/acpi.h"

#define PM1_SLP_EN    (1u << 13)
#define PM1_SLP_SHIFT 10
#define KBC_STATUS    0x64 /* i8042: status (read), command (write) */
#define KBC_PULSE_RST 0xfe
#define PCI_CONFIG    0xcf8

static acpi_fadt_t fadt;
static bool have_fadt, have_s5;
static uint16_t s5_type;

static const void *acpi_map(void *ctx, uint64_t phys, uint64_t len)
{
    (void)ctx;
    return arch_direct_mapped(phys, len) ? arch_phys_to_virt(phys) : NULL;
}

/* The DSDT by the FADT's address, checked by its length; lib/acpi looks for \_S5 in it. */
static bool find_s5(void)
{
    const uint8_t *hdr = acpi_map(NULL, fadt.dsdt, 8);
    if (!fadt.dsdt || !hdr)
        return false;
    uint32_t len =
        (uint32_t)hdr[4] | (uint32_t)hdr[5] << 8 | (uint32_t)hdr[6] << 16 | (uint32_t)hdr[7] << 24;
    acpi_table_t dsdt = {acpi_map(NULL, fadt.dsdt, len), len};
    return dsdt.data && acpi_s5_sleep_type(&dsdt, &s5_type) == XR_OK;
}

void power_init(void)
{
    acpi_table_t t;
    size_t len = kboot.rsdp_version == 2 ? 36 : 20;
    kerr_t err = kboot.rsdp ? acpi_find(kboot.rsdp, len, "FACP", acpi_map, NULL, &t) : XR_ENOENT;
    if (!err)
        err = acpi_parse_fadt(&t, &fadt);
    have_fadt = !err;
    if (!have_fadt) {
        kprintf("power: no usable FADT (error %d); emulator ports only\n", err);
        return;
    }
    have_s5 = fadt.pm1a_cnt && find_s5();
    kprintf("power: off via PM1a %x", fadt.pm1a_cnt);
    if (have_s5)
        kprintf(" S5=%u", s5_type);
    else
        kprintf(" (no \\_S5 found)");
    if (fadt.has_reset)
        kprintf(", reset via %s %lx <- %x\n",
                fadt.reset_space == 1   ? "port"
                : fadt.reset_space == 0 ? "memory"
                                        : "PCI config",
                fadt.reset_addr, fadt.reset_value);
    else
        kprintf(", reset via the keyboard controller\n");
}

bool kernel_power_off(void)
{
    if (!have_fadt || !have_s5)
        return false;
    uint32_t v = (uint32_t)s5_type << PM1_SLP_SHIFT | PM1_SLP_EN;
    arch_io_out((uint16_t)fadt.pm1a_cnt, 2, v);
    if (fadt.pm1b_cnt)
        arch_io_out((uint16_t)fadt.pm1b_cnt, 2, v);
    for (int i = 0; i < 1000000; i++)
        arch_cpu_relax(); /* give the chipset time before the caller gives up */
    return true;
}

/* The FADT's reset register: an I/O port, a byte of memory, or PCI configuration space of
 * bus 0 (device in bits 32-47 of the address, function in 16-31, register in 0-15). */
static void reset_register(void)
{
    if (!have_fadt || !fadt.has_reset)
        return;
    uint64_t a = fadt.reset_addr;
    if (fadt.reset_space == 1) {
        arch_io_out((uint16_t)a, 1, fadt.reset_value);
    } else if (fadt.reset_space == 0 && arch_direct_mapped(a, 1)) {
        *(volatile uint8_t *)arch_phys_to_virt(a) = fadt.reset_value;
    } else if (fadt.reset_space == 2) {
        uint32_t dev = (uint32_t)(a >> 32) & 0x1f, fn = (uint32_t)(a >> 16) & 0x7;
        uint32_t reg = (uint32_t)a & 0xff;
        arch_io_out(PCI_CONFIG, 4, 1u << 31 | dev << 11 | fn << 8 | (reg & 0xfc));
        arch_io_out((uint16_t)(PCI_CONFIG + 4 + (reg & 3)), 1, fadt.reset_value);
    }
}

void power_reboot(void)
{
    arch_irq_disable();
    reset_register();
    for (int i = 0; i < 1000000; i++)
        arch_cpu_relax();
    arch_io_out(KBC_STATUS, 1, KBC_PULSE_RST); /* the i8042's reset line, where there is one */
    for (int i = 0; i < 1000000; i++)
        arch_cpu_relax();
    arch_reset_hard();
}

/* QEMU and Bochs both describe PM1a and \_S5 in their ACPI tables (so does every PC). */
KTEST(power, fadt_and_s5_found)
{
    KT_ASSERT(kboot.rsdp != NULL);
    KT_ASSERT(have_fadt);
    KT_ASSERT(fadt.pm1a_cnt != 0);
    KT_ASSERT(have_s5);
}
