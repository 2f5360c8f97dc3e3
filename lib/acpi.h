/* ACPI tables as the firmware leaves them: from the RSDP to the RSDT or XSDT, a table by its
 * signature, and the two tables the kernel reads: the MADT (processors, I/O APICs, interrupt
 * overrides: how many cores to start and how ISA interrupts are wired) and the FADT (the
 * power-off and reset registers). Pure code: physical memory is read through a callback, and
 * every length, count and checksum is checked before use, so a corrupt table is refused
 * (XR_ECORRUPT), never followed out of bounds. Host-tested and fuzzed. */
#ifndef LIB_ACPI_H
#define LIB_ACPI_H

#include "lib/types.h"

#define ACPI_MAX_CPUS      64
#define ACPI_MAX_IOAPICS   8
#define ACPI_MAX_OVERRIDES 16

/* Give a pointer to len readable bytes at physical address phys, or NULL when that range
 * cannot be read (outside RAM, or wrapping). The kernel reads through its direct map. */
typedef const void *(*acpi_map_t)(void *ctx, uint64_t phys, uint64_t len);

/* A table found: its bytes (the header included) and length. */
typedef struct acpi_table {
    const uint8_t *data;
    uint32_t len;
} acpi_table_t;

/*
 * Find the table with signature sig ("APIC", "FACP", ...) through the RSDP at rsdp (rsdp_len
 * bytes: 20 for ACPI 1.0, at least 36 for 2.0+, whose XSDT is preferred). Every table on the
 * way must have a sane length and a zero checksum. Returns XR_OK, XR_ENOENT when no table has
 * that signature, XR_ECORRUPT when the RSDP or the root table is bad (the one that names sig
 * may be skipped if it is bad: XR_ENOENT).
 */
kerr_t acpi_find(const void *rsdp, size_t rsdp_len, const char sig[4], acpi_map_t map, void *ctx,
                 acpi_table_t *out);

typedef struct acpi_madt {
    uint32_t lapic_addr; /* physical address of every core's local APIC */
    bool pcat_compat;    /* 8259 PICs present (to be masked) */
    unsigned ncpus;      /* usable cores: enabled or online-capable local APICs, in order */
    struct {
        uint32_t acpi_id, apic_id;
    } cpus[ACPI_MAX_CPUS];
    unsigned nioapics;
    struct {
        uint8_t id;
        uint32_t addr, gsi_base;
    } ioapics[ACPI_MAX_IOAPICS];
    unsigned noverrides; /* ISA interrupt source overrides */
    struct {
        uint8_t irq;    /* the ISA interrupt (0..15) */
        uint32_t gsi;   /* the I/O APIC input it arrives on */
        uint16_t flags; /* polarity (bits 0-1) and trigger mode (bits 2-3), ACPI's encoding */
    } overrides[ACPI_MAX_OVERRIDES];
    unsigned skipped; /* entries past the arrays' room, or of unknown types (ignored) */
} acpi_madt_t;

/* Decode a MADT. XR_ECORRUPT for a bad header or an entry that runs past the table;
 * entries beyond the arrays are counted in skipped, not an error. */
kerr_t acpi_parse_madt(const acpi_table_t *t, acpi_madt_t *out);

/* The ISA interrupt irq's I/O APIC input and flags after the MADT's overrides (identity,
 * flags 0, when none names it). */
uint32_t acpi_isa_gsi(const acpi_madt_t *m, unsigned irq, uint16_t *flags);

typedef struct acpi_fadt {
    uint32_t pm1a_cnt, pm1b_cnt; /* PM1 control blocks (I/O ports; 0: absent) */
    uint64_t dsdt;               /* physical address of the DSDT (X_DSDT preferred) */
    bool has_reset;              /* the reset register is present and supported */
    uint8_t reset_space;         /* 0 memory, 1 I/O port, 2 PCI configuration */
    uint64_t reset_addr;
    uint8_t reset_value;
    uint16_t sci_irq;
} acpi_fadt_t;

/* Decode a FADT (revisions 1..6; fields past a short table read as absent). */
kerr_t acpi_parse_fadt(const acpi_table_t *t, acpi_fadt_t *out);

/* The SLP_TYPa value of the \_S5 sleep state (power off) named in the DSDT's AML, found by
 * its name and package encoding (no AML interpreter). XR_ENOENT when there is none. */
kerr_t acpi_s5_sleep_type(const acpi_table_t *dsdt, uint16_t *slp_typ);

#endif
