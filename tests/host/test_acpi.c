/* Host tests of lib/acpi.c: tables built in a buffer that stands for physical memory (an
 * address is an offset into it), found and decoded; then corrupt checksums, lengths and
 * entries refused, and 20,000 random corruptions survived under ASan and UBSan. */
#include <stdlib.h>
#include <string.h>

#include "lib/acpi.h"
#include "tests/host/check.h"

#define MEM_SIZE 4096
#define RSDP_AT  0x40 /* 36 bytes */
#define XSDT_AT  0x100
#define RSDT_AT  0x180
#define MADT_AT  0x200
#define FADT_AT  0x400
#define DSDT_AT  0x600

static uint8_t mem[MEM_SIZE];

static const void *map(void *ctx, uint64_t phys, uint64_t len)
{
    (void)ctx;
    return phys < MEM_SIZE && len <= MEM_SIZE - phys ? mem + phys : NULL;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static void fix_sum(uint8_t *p, size_t n, size_t at)
{
    uint8_t s = 0;
    p[at] = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    p[at] = (uint8_t)-s;
}

static void header(uint32_t at, const char *sig, uint32_t len)
{
    memcpy(mem + at, sig, 4);
    put32(mem + at + 4, len);
    mem[at + 8] = 2;
}

static void seal(uint32_t at)
{
    uint32_t len = mem[at + 4] | mem[at + 5] << 8 | mem[at + 6] << 16;
    fix_sum(mem + at, len < MEM_SIZE - at ? len : MEM_SIZE - at, 9); /* corrupt lengths too */
}

/* A machine with two cores (one disabled entry between), an I/O APIC, the PIT override. */
static uint32_t build_madt(void)
{
    uint8_t *e = mem + MADT_AT + 44;
    const uint8_t entries[] = {
        0, 8,  0, 0, 1, 0, 0,    0,                  /* core 0, enabled */
        0, 8,  1, 5, 0, 0, 0,    0,                  /* disabled: not a core to start */
        0, 8,  2, 1, 2, 0, 0,    0,                  /* online-capable */
        1, 12, 7, 0, 0, 0, 0xc0, 0xfe, 0,   0, 0, 0, /* I/O APIC 7 at fec00000, GSI 0 */
        2, 10, 0, 0, 2, 0, 0,    0,    0,   0,       /* ISA IRQ 0 -> GSI 2 */
        2, 10, 0, 9, 9, 0, 0,    0,    0xd, 0,       /* IRQ 9: level, active low */
    };
    memcpy(e, entries, sizeof(entries));
    uint32_t len = 44 + sizeof(entries);
    header(MADT_AT, "APIC", len);
    put32(mem + MADT_AT + 36, 0xfee00000);
    put32(mem + MADT_AT + 40, 1);
    seal(MADT_AT);
    return len;
}

static void build_fadt(void)
{
    header(FADT_AT, "FACP", 244);
    put32(mem + FADT_AT + 40, DSDT_AT);
    mem[FADT_AT + 46] = 9;
    put32(mem + FADT_AT + 64, 0xb004);
    put32(mem + FADT_AT + 112, 1u << 10);
    mem[FADT_AT + 116] = 1; /* I/O */
    put64(mem + FADT_AT + 120, 0xcf9);
    mem[FADT_AT + 128] = 6;
    seal(FADT_AT);
    const uint8_t aml[] = {0x10, 0x08, '_', 'S',  '5', '_', 0x12, 0x06,
                           0x04, 0x0a, 5,   0x0a, 5,   0,   0};
    header(DSDT_AT, "DSDT", 36 + sizeof(aml));
    memcpy(mem + DSDT_AT + 36, aml, sizeof(aml));
    seal(DSDT_AT);
}

/* RSDP 2.0 naming both an XSDT and an RSDT, each listing the MADT and the FADT. */
static void build(void)
{
    memset(mem, 0, sizeof(mem));
    memcpy(mem + RSDP_AT, "RSD PTR ", 8);
    mem[RSDP_AT + 15] = 2;
    put32(mem + RSDP_AT + 16, RSDT_AT);
    put32(mem + RSDP_AT + 20, 36);
    put64(mem + RSDP_AT + 24, XSDT_AT);
    fix_sum(mem + RSDP_AT, 20, 8);
    fix_sum(mem + RSDP_AT, 36, 32);
    header(XSDT_AT, "XSDT", 36 + 16);
    put64(mem + XSDT_AT + 36, MADT_AT);
    put64(mem + XSDT_AT + 44, FADT_AT);
    seal(XSDT_AT);
    header(RSDT_AT, "RSDT", 36 + 8);
    put32(mem + RSDT_AT + 36, MADT_AT);
    put32(mem + RSDT_AT + 40, FADT_AT);
    seal(RSDT_AT);
    build_madt();
    build_fadt();
}

static void test_found_and_decoded(void)
{
    acpi_table_t t;
    acpi_madt_t m;
    acpi_fadt_t f;
    uint16_t flags, s5 = 0;
    build();
    CHECK(acpi_find(mem + RSDP_AT, 36, "APIC", map, NULL, &t) == XR_OK);
    CHECK(t.data == mem + MADT_AT);
    CHECK(acpi_parse_madt(&t, &m) == XR_OK);
    CHECK(m.lapic_addr == 0xfee00000 && m.pcat_compat);
    CHECK(m.ncpus == 2 && m.cpus[0].apic_id == 0 && m.cpus[1].apic_id == 1);
    CHECK(m.nioapics == 1 && m.ioapics[0].id == 7 && m.ioapics[0].addr == 0xfec00000);
    CHECK(acpi_isa_gsi(&m, 0, &flags) == 2 && flags == 0);
    CHECK(acpi_isa_gsi(&m, 9, &flags) == 9 && flags == 0xd);
    CHECK(acpi_isa_gsi(&m, 4, &flags) == 4 && flags == 0);
    CHECK(acpi_find(mem + RSDP_AT, 36, "FACP", map, NULL, &t) == XR_OK);
    CHECK(acpi_parse_fadt(&t, &f) == XR_OK);
    CHECK(f.pm1a_cnt == 0xb004 && f.has_reset && f.reset_space == 1 && f.reset_addr == 0xcf9);
    CHECK(f.reset_value == 6 && f.dsdt == DSDT_AT && f.sci_irq == 9);
    CHECK(acpi_find(mem + RSDP_AT, 36, "DSDT", map, NULL, &t) == XR_ENOENT); /* not listed */
    t = (acpi_table_t){mem + DSDT_AT, 36 + 15};
    CHECK(acpi_s5_sleep_type(&t, &s5) == XR_OK && s5 == 5);
    CHECK(acpi_find(mem + RSDP_AT, 20, "APIC", map, NULL, &t) == XR_OK); /* 1.0: the RSDT */
    CHECK(acpi_find(NULL, 0, "APIC", map, NULL, &t) == XR_ENOENT);
}

static void test_refused(void)
{
    acpi_table_t t;
    acpi_madt_t m;
    build();
    mem[RSDP_AT + 8]++; /* RSDP checksum */
    CHECK(acpi_find(mem + RSDP_AT, 36, "APIC", map, NULL, &t) == XR_ECORRUPT);
    build();
    mem[XSDT_AT + 20]++; /* a bad XSDT: the RSDT is used instead */
    CHECK(acpi_find(mem + RSDP_AT, 36, "APIC", map, NULL, &t) == XR_OK);
    mem[RSDT_AT + 20]++; /* and both bad */
    CHECK(acpi_find(mem + RSDP_AT, 36, "APIC", map, NULL, &t) == XR_ECORRUPT);
    build();
    mem[MADT_AT + 50]++; /* MADT checksum: skipped, so not found */
    CHECK(acpi_find(mem + RSDP_AT, 36, "APIC", map, NULL, &t) == XR_ENOENT);
    build();
    put32(mem + XSDT_AT + 4, 1u << 30); /* a root table longer than memory */
    seal(XSDT_AT);
    put32(mem + RSDT_AT + 4, 20); /* and one shorter than its header */
    CHECK(acpi_find(mem + RSDP_AT, 36, "APIC", map, NULL, &t) == XR_ECORRUPT);
    build();
    uint32_t len = build_madt();
    mem[MADT_AT + 44 + 1] = 200; /* an entry running past the table */
    t = (acpi_table_t){mem + MADT_AT, len};
    CHECK(acpi_parse_madt(&t, &m) == XR_ECORRUPT);
    mem[MADT_AT + 44 + 1] = 0; /* a zero-length entry would loop forever */
    CHECK(acpi_parse_madt(&t, &m) == XR_ECORRUPT);
    t.len = 40;
    CHECK(acpi_parse_madt(&t, &m) == XR_ECORRUPT);
}

/* Random bytes anywhere in the tables, random lengths: never a read outside the mapped
 * ranges (ASan), and every decoded count inside its array. */
static void test_random_corruption(void)
{
    srand(7);
    for (int i = 0; i < 20000; i++) {
        build();
        for (int k = 1 + rand() % 8; k > 0; k--)
            mem[rand() % 0x800] = (uint8_t)rand();
        if (rand() % 4 == 0) {
            seal(MADT_AT);
            seal(XSDT_AT);
        }
        acpi_table_t t;
        acpi_madt_t m;
        acpi_fadt_t f;
        uint16_t s5;
        if (acpi_find(mem + RSDP_AT, 36, "APIC", map, NULL, &t) == XR_OK &&
            acpi_parse_madt(&t, &m) == XR_OK)
            CHECK(m.ncpus <= ACPI_MAX_CPUS && m.nioapics <= ACPI_MAX_IOAPICS &&
                  m.noverrides <= ACPI_MAX_OVERRIDES);
        if (acpi_find(mem + RSDP_AT, 36, "FACP", map, NULL, &t) == XR_OK)
            acpi_parse_fadt(&t, &f);
        t = (acpi_table_t){mem + DSDT_AT, 36 + 15};
        acpi_s5_sleep_type(&t, &s5);
    }
    CHECK(1);
}

int main(void)
{
    CHECK_GROUP("acpi/found_and_decoded", test_found_and_decoded());
    CHECK_GROUP("acpi/refused", test_refused());
    CHECK_GROUP("acpi/random_corruption", test_random_corruption());
    return check_done();
}
