/* libFuzzer harness for lib/acpi.c: the input is physical memory (addresses are offsets into
 * it) with the RSDP at offset 0; every table found is decoded, and the decoders' promises
 * (counts inside their arrays, tables inside memory) are checked. */
#include <stdlib.h>
#include <string.h>

#include "lib/acpi.h"
#include "tests/fuzz/fuzz.h"

struct memory {
    const uint8_t *data;
    size_t size;
};

static const void *map(void *ctx, uint64_t phys, uint64_t len)
{
    const struct memory *m = ctx;
    return phys < m->size && len <= m->size - phys ? m->data + phys : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    struct memory m = {copy, size};
    static const char *const sigs[] = {"APIC", "FACP", "DSDT", "HPET"};
    for (unsigned i = 0; i < 4; i++) {
        acpi_table_t t;
        if (acpi_find(copy, size < 36 ? size : 36, sigs[i], map, &m, &t) != XR_OK)
            continue;
        FUZZ_ASSERT(t.data >= copy && t.len <= size && (size_t)(t.data - copy) <= size - t.len);
        acpi_madt_t madt;
        acpi_fadt_t fadt;
        uint16_t s5;
        if (acpi_parse_madt(&t, &madt) == XR_OK) {
            FUZZ_ASSERT(madt.ncpus <= ACPI_MAX_CPUS && madt.nioapics <= ACPI_MAX_IOAPICS);
            FUZZ_ASSERT(madt.noverrides <= ACPI_MAX_OVERRIDES);
            for (unsigned irq = 0; irq < 16; irq++)
                acpi_isa_gsi(&madt, irq, NULL);
        }
        if (acpi_parse_fadt(&t, &fadt) == XR_OK && fadt.dsdt < size) {
            acpi_table_t d = {copy + fadt.dsdt, (uint32_t)(size - fadt.dsdt)};
            acpi_s5_sleep_type(&d, &s5);
        }
    }
    free(copy);
    return 0;
}
