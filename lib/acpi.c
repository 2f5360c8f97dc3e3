/* ACPI table decoding: RSDP -> RSDT/XSDT -> tables by signature, the MADT and the FADT,
 * and \_S5 from the DSDT. Every multi-byte field is read byte by byte (tables are not
 * aligned) and every length is checked against what was mapped. */
#include "lib/acpi.h"

#define SDT_HEADER 36 /* signature, length, revision, checksum, OEM fields */
#define MAX_TABLE  (16u << 20)

static uint32_t rd16(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd32(const uint8_t *p)
{
    return rd16(p) | rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static bool sum_zero(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    return s == 0;
}

static bool sig_is(const uint8_t *p, const char *sig, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (uint8_t)sig[i])
            return false;
    return true;
}

/* Map the table at phys: its header first for the length, then the whole of it, checked. */
static kerr_t map_table(uint64_t phys, acpi_map_t map, void *ctx, acpi_table_t *out)
{
    const uint8_t *h = phys ? map(ctx, phys, SDT_HEADER) : NULL;
    if (!h)
        return XR_ECORRUPT;
    uint32_t len = rd32(h + 4);
    if (len < SDT_HEADER || len > MAX_TABLE)
        return XR_ECORRUPT;
    const uint8_t *t = map(ctx, phys, len);
    if (!t || !sum_zero(t, len))
        return XR_ECORRUPT;
    out->data = t;
    out->len = len;
    return XR_OK;
}

/* The root table (XSDT when the RSDP is 2.0+ and names one, else RSDT) and its entry size. */
static kerr_t root_table(const uint8_t *r, size_t rlen, acpi_map_t map, void *ctx,
                         acpi_table_t *root, unsigned *entry)
{
    if (rlen < 20 || !sig_is(r, "RSD PTR ", 8) || !sum_zero(r, 20))
        return XR_ECORRUPT;
    if (r[15] >= 2 && rlen >= 36) {
        uint32_t len = rd32(r + 20);
        uint64_t xsdt = rd64(r + 24);
        if (len >= 36 && len <= rlen && sum_zero(r, len) && xsdt) {
            *entry = 8;
            kerr_t err = map_table(xsdt, map, ctx, root);
            if (!err && sig_is(root->data, "XSDT", 4))
                return XR_OK;
        }
    }
    *entry = 4;
    kerr_t err = map_table(rd32(r + 16), map, ctx, root);
    if (err)
        return err;
    return sig_is(root->data, "RSDT", 4) ? XR_OK : XR_ECORRUPT;
}

kerr_t acpi_find(const void *rsdp, size_t rsdp_len, const char sig[4], acpi_map_t map, void *ctx,
                 acpi_table_t *out)
{
    acpi_table_t root;
    unsigned entry;
    if (!rsdp)
        return XR_ENOENT;
    kerr_t err = root_table(rsdp, rsdp_len, map, ctx, &root, &entry);
    if (err)
        return err;
    for (uint32_t off = SDT_HEADER; off + entry <= root.len; off += entry) {
        uint64_t phys = entry == 8 ? rd64(root.data + off) : rd32(root.data + off);
        acpi_table_t t;
        if (map_table(phys, map, ctx, &t) == XR_OK && sig_is(t.data, sig, 4)) {
            *out = t;
            return XR_OK;
        }
    }
    return XR_ENOENT;
}

static void madt_cpu(acpi_madt_t *m, uint32_t acpi_id, uint32_t apic_id, uint32_t flags)
{
    if (!(flags & 3)) /* neither enabled nor online-capable */
        return;
    if (m->ncpus == ACPI_MAX_CPUS) {
        m->skipped++;
        return;
    }
    m->cpus[m->ncpus].acpi_id = acpi_id;
    m->cpus[m->ncpus].apic_id = apic_id;
    m->ncpus++;
}

/* One MADT entry of type at e (len bytes, at least 2, all inside the table). */
static void madt_entry(acpi_madt_t *m, const uint8_t *e, uint8_t len)
{
    uint8_t type = e[0];
    if (type == 0 && len >= 8) {
        madt_cpu(m, e[2], e[3], rd32(e + 4));
    } else if (type == 9 && len >= 16) {
        madt_cpu(m, rd32(e + 12), rd32(e + 4), rd32(e + 8));
    } else if (type == 1 && len >= 12 && m->nioapics < ACPI_MAX_IOAPICS) {
        m->ioapics[m->nioapics].id = e[2];
        m->ioapics[m->nioapics].addr = rd32(e + 4);
        m->ioapics[m->nioapics].gsi_base = rd32(e + 8);
        m->nioapics++;
    } else if (type == 2 && len >= 10 && e[3] < 16 && m->noverrides < ACPI_MAX_OVERRIDES) {
        m->overrides[m->noverrides].irq = e[3];
        m->overrides[m->noverrides].gsi = rd32(e + 4);
        m->overrides[m->noverrides].flags = (uint16_t)rd16(e + 8);
        m->noverrides++;
    } else if (type == 5 && len >= 12 && rd64(e + 4) >> 32 == 0) {
        m->lapic_addr = rd32(e + 4);
    } else {
        m->skipped++;
    }
}

kerr_t acpi_parse_madt(const acpi_table_t *t, acpi_madt_t *out)
{
    *out = (acpi_madt_t){0};
    if (t->len < 44 || !sig_is(t->data, "APIC", 4))
        return XR_ECORRUPT;
    out->lapic_addr = rd32(t->data + 36);
    out->pcat_compat = rd32(t->data + 40) & 1;
    for (uint32_t off = 44; off < t->len;) {
        const uint8_t *e = t->data + off;
        if (t->len - off < 2 || e[1] < 2 || e[1] > t->len - off)
            return XR_ECORRUPT;
        madt_entry(out, e, e[1]);
        off += e[1];
    }
    return XR_OK;
}

uint32_t acpi_isa_gsi(const acpi_madt_t *m, unsigned irq, uint16_t *flags)
{
    for (unsigned i = 0; i < m->noverrides; i++) {
        if (m->overrides[i].irq == irq) {
            if (flags)
                *flags = m->overrides[i].flags;
            return m->overrides[i].gsi;
        }
    }
    if (flags)
        *flags = 0;
    return irq;
}

kerr_t acpi_parse_fadt(const acpi_table_t *t, acpi_fadt_t *out)
{
    const uint8_t *f = t->data;
    *out = (acpi_fadt_t){0};
    if (t->len < 72 || !sig_is(f, "FACP", 4))
        return XR_ECORRUPT;
    out->dsdt = rd32(f + 40);
    out->sci_irq = (uint16_t)rd16(f + 46);
    out->pm1a_cnt = rd32(f + 64);
    out->pm1b_cnt = rd32(f + 68);
    if (t->len >= 129 && (rd32(f + 112) & (1u << 10))) {
        out->has_reset = true;
        out->reset_space = f[116];
        out->reset_addr = rd64(f + 120);
        out->reset_value = f[128];
    }
    if (t->len >= 148 && rd64(f + 140))
        out->dsdt = rd64(f + 140);
    return XR_OK;
}

/* The value of an AML data object at p (ZeroOp, OneOp, OnesOp, BytePrefix n), or -1. */
static int aml_small_int(const uint8_t *p, const uint8_t *end)
{
    if (p >= end)
        return -1;
    if (*p == 0x00 || *p == 0x01)
        return *p;
    if (*p == 0x0a && p + 1 < end)
        return p[1];
    return -1;
}

kerr_t acpi_s5_sleep_type(const acpi_table_t *dsdt, uint16_t *slp_typ)
{
    const uint8_t *d = dsdt->data, *end = d + dsdt->len;
    if (dsdt->len < SDT_HEADER || !sig_is(d, "DSDT", 4))
        return XR_ECORRUPT;
    for (const uint8_t *p = d + SDT_HEADER; p + 5 < end; p++) {
        /* NameOp "_S5_" PackageOp PkgLength NumElements SLP_TYPa ... */
        if (!sig_is(p, "_S5_", 4) || (p[-1] != 0x08 && !(p[-1] == '\\' && p[-2] == 0x08)) ||
            p[4] != 0x12)
            continue;
        const uint8_t *q = p + 5;
        q += 1 + (*q >> 6); /* PkgLength: its lead byte says how many bytes follow */
        q += 1;             /* NumElements */
        int v = aml_small_int(q, end);
        if (v < 0)
            return XR_ECORRUPT;
        *slp_typ = (uint16_t)v;
        return XR_OK;
    }
    return XR_ENOENT;
}
