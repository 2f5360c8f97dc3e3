/* Multiboot2 boot information parser: walks the tags with byte loads and bounds checks only. */
#include "kernel/multiboot2.h"

#define MB2_HEADER_SIZE     8
#define MB2_TAG_HEADER_SIZE 8
#define MB2_MMAP_MIN_ENTRY  24 /* u64 base, u64 length, u32 type, u32 reserved */
#define MB2_FB_RGB_LEN      30 /* the framebuffer tag's body with its six colour bytes */
#define EFI_DESC_MIN        40 /* u32 type, pad, u64 phys, virt, pages, attribute */
#define EFI_PAGE_SHIFT      12

/* A tag's payload after its {type, size} header: len readable bytes at p. */
struct body {
    const uint8_t *p;
    size_t len;
};

struct parser {
    mb2_info_t *out;
    unsigned problems;
    bool mmap_full_warned;
    bool modules_full_warned;
};

/* Little-endian loads byte by byte: the info may sit at any alignment. */
static uint32_t load32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t load64(const uint8_t *p)
{
    return (uint64_t)load32(p) | (uint64_t)load32(p + 4) << 32;
}

static void warn(struct parser *ps, const char *msg)
{
    mb2_info_t *out = ps->out;

    ps->problems++;
    if (out->warning_count < MB2_MAX_WARNINGS)
        out->warnings[out->warning_count++] = msg;
}

/* The string at b if a NUL ends it inside b, else "" and a warning. */
static const char *body_string(struct parser *ps, struct body b, const char *msg)
{
    for (size_t i = 0; i < b.len; i++) {
        if (b.p[i] == '\0')
            return (const char *)b.p;
    }
    warn(ps, msg);
    return "";
}

static void parse_module(struct parser *ps, struct body b)
{
    mb2_info_t *out = ps->out;

    if (b.len < 8) {
        warn(ps, "module tag too short");
        return;
    }
    uint32_t start = load32(b.p), end = load32(b.p + 4);
    if (end < start) {
        warn(ps, "module ends before it starts");
        return;
    }
    if (out->module_count == MB2_MAX_MODULES) {
        if (!ps->modules_full_warned)
            warn(ps, "too many modules, extra ones ignored");
        ps->modules_full_warned = true;
        return;
    }
    struct body name = {b.p + 8, b.len - 8};
    out->modules[out->module_count++] = (mb2_module_t){
        .start = start,
        .end = end,
        .name = body_string(ps, name, "module name not NUL-terminated"),
    };
}

static void add_region(struct parser *ps, const uint8_t *e)
{
    mb2_info_t *out = ps->out;

    if (out->mmap_count == MB2_MAX_MMAP) {
        if (!ps->mmap_full_warned)
            warn(ps, "too many memory map entries, extra ones ignored");
        ps->mmap_full_warned = true;
        return;
    }
    out->mmap[out->mmap_count++] = (mb2_region_t){
        .base = load64(e),
        .length = load64(e + 8),
        .type = load32(e + 16),
    };
}

static void parse_mmap(struct parser *ps, struct body b)
{
    if (b.len < 8) {
        warn(ps, "memory map tag too short");
        return;
    }
    uint32_t entry_size = load32(b.p);
    if (entry_size < MB2_MMAP_MIN_ENTRY || entry_size % 8 != 0) {
        warn(ps, "memory map entry size invalid, map ignored");
        return;
    }
    size_t entries_len = b.len - 8;
    size_t count = entries_len / entry_size;
    for (size_t i = 0; i < count; i++)
        add_region(ps, b.p + 8 + i * entry_size);
    if (entries_len % entry_size != 0)
        warn(ps, "memory map ends with a partial entry, ignored");
}

static void parse_framebuffer(struct parser *ps, struct body b)
{
    mb2_info_t *out = ps->out;

    if (b.len < 22) {
        warn(ps, "framebuffer tag too short");
        return;
    }
    out->has_fb = true;
    out->fb_addr = load64(b.p);
    out->fb_pitch = load32(b.p + 8);
    out->fb_width = load32(b.p + 12);
    out->fb_height = load32(b.p + 16);
    out->fb_bpp = b.p[20];
    out->fb_type = b.p[21];
    if (out->fb_type != MB2_FB_RGB)
        return;
    if (b.len < MB2_FB_RGB_LEN) {
        warn(ps, "framebuffer tag too short for its colour layout");
        out->has_fb = false;
        return;
    }
    /* byte 22 is reserved (GRUB writes a 16-bit zero); the colour bytes start at 24 */
    out->fb_red.pos = b.p[24];
    out->fb_red.size = b.p[25];
    out->fb_green.pos = b.p[26];
    out->fb_green.size = b.p[27];
    out->fb_blue.pos = b.p[28];
    out->fb_blue.size = b.p[29];
}

static void parse_efi_systab(struct parser *ps, struct body b, size_t width)
{
    mb2_info_t *out = ps->out;

    out->efi = true;
    if (b.len < width) {
        warn(ps, "EFI system table tag too short");
        return;
    }
    out->efi_systab = width == 8 ? load64(b.p) : load32(b.p);
}

static void parse_efi_mmap(struct parser *ps, struct body b)
{
    mb2_info_t *out = ps->out;

    out->efi = true;
    if (b.len < 8) {
        warn(ps, "EFI memory map tag too short");
        return;
    }
    uint32_t desc_size = load32(b.p);
    if (desc_size < EFI_DESC_MIN || desc_size % 8 != 0) {
        warn(ps, "EFI memory descriptor size invalid, EFI map ignored");
        return;
    }
    size_t len = b.len - 8;
    if (len % desc_size != 0)
        warn(ps, "EFI memory map ends with a partial descriptor, ignored");
    out->efi_mmap = len >= desc_size ? b.p + 8 : NULL;
    out->efi_mmap_count = (uint32_t)(len / desc_size);
    out->efi_mmap_desc_size = desc_size;
}

/* The Multiboot2 memory type of an EFI memory type. Boot-services memory is free once
 * the loader has exited them (as GRUB does unless the kernel asks otherwise). */
static uint32_t efi_region_type(uint32_t efi_type, bool bs_active)
{
    switch (efi_type) {
    case 1: /* loader code */
    case 2: /* loader data: GRUB's, holding this info and the modules (kept by kmain) */
    case 7: /* conventional */
        return MB2_MEMORY_USABLE;
    case 3: /* boot-services code */
    case 4: /* boot-services data */
        return bs_active ? MB2_MEMORY_RESERVED : MB2_MEMORY_USABLE;
    case 9:
        return MB2_MEMORY_ACPI;
    case 10:
        return MB2_MEMORY_NVS;
    case 8:
        return MB2_MEMORY_BAD;
    default: /* reserved, runtime services, MMIO, PAL code, persistent, unknown */
        return MB2_MEMORY_RESERVED;
    }
}

/* Build mmap[] from the EFI descriptors when the loader gave no Multiboot2 map; runs of
 * adjacent descriptors of one type become one region (EFI maps are long). */
static void derive_mmap_from_efi(struct parser *ps)
{
    mb2_info_t *out = ps->out;

    out->mmap_from_efi = true;
    for (uint32_t i = 0; i < out->efi_mmap_count; i++) {
        const uint8_t *d = out->efi_mmap + (size_t)i * out->efi_mmap_desc_size;
        uint64_t base = load64(d + 8), pages = load64(d + 24);
        uint32_t type = efi_region_type(load32(d), out->efi_bs_active);
        if (pages > (UINT64_MAX >> EFI_PAGE_SHIFT) ||
            base > UINT64_MAX - (pages << EFI_PAGE_SHIFT)) {
            warn(ps, "EFI memory descriptor wraps around, ignored");
            continue;
        }
        uint64_t length = pages << EFI_PAGE_SHIFT;
        mb2_region_t *last = out->mmap_count ? &out->mmap[out->mmap_count - 1] : NULL;
        if (last && last->type == type && last->base + last->length == base) {
            last->length += length;
            continue;
        }
        uint8_t entry[20];
        for (int k = 0; k < 8; k++) {
            entry[k] = (uint8_t)(base >> 8 * k);
            entry[8 + k] = (uint8_t)(length >> 8 * k);
        }
        for (int k = 0; k < 4; k++)
            entry[16 + k] = (uint8_t)(type >> 8 * k);
        add_region(ps, entry);
    }
}

/* The new RSDP (version 2) wins over the old one whatever the tag order. */
static void parse_rsdp(struct parser *ps, struct body b, unsigned version)
{
    size_t need = version == 2 ? MB2_RSDP_V2_SIZE : MB2_RSDP_V1_SIZE;
    mb2_info_t *out = ps->out;

    if (b.len < need) {
        warn(ps, "ACPI RSDP tag too short");
        return;
    }
    if (version >= out->rsdp_version) {
        out->rsdp = b.p;
        out->rsdp_version = version;
    }
}

static void parse_tag(struct parser *ps, uint32_t type, struct body b)
{
    switch (type) {
    case MB2_TAG_CMDLINE:
        ps->out->cmdline = body_string(ps, b, "command line not NUL-terminated");
        break;
    case MB2_TAG_LOADER:
        ps->out->loader = body_string(ps, b, "boot loader name not NUL-terminated");
        break;
    case MB2_TAG_MODULE:
        parse_module(ps, b);
        break;
    case MB2_TAG_MMAP:
        parse_mmap(ps, b);
        break;
    case MB2_TAG_FRAMEBUFFER:
        parse_framebuffer(ps, b);
        break;
    case MB2_TAG_ACPI_OLD:
        parse_rsdp(ps, b, 1);
        break;
    case MB2_TAG_ACPI_NEW:
        parse_rsdp(ps, b, 2);
        break;
    case MB2_TAG_EFI32:
        parse_efi_systab(ps, b, 4);
        break;
    case MB2_TAG_EFI64:
        parse_efi_systab(ps, b, 8);
        break;
    case MB2_TAG_EFI_MMAP:
        parse_efi_mmap(ps, b);
        break;
    case MB2_TAG_EFI_BS:
        ps->out->efi = ps->out->efi_bs_active = true;
        break;
    case MB2_TAG_EFI32_IH:
    case MB2_TAG_EFI64_IH:
        ps->out->efi = true;
        break;
    default:
        break;
    }
}

/* Walks the tags in [base + 8, base + limit) until the end tag or the first broken tag. */
static void parse_tags(struct parser *ps, const uint8_t *base, size_t limit)
{
    size_t off = MB2_HEADER_SIZE;

    /* off never exceeds limit + 7, so off + 8 cannot wrap. */
    while (off + MB2_TAG_HEADER_SIZE <= limit) {
        uint32_t type = load32(base + off);
        uint32_t size = load32(base + off + 4);
        if (size < MB2_TAG_HEADER_SIZE || size > limit - off) {
            warn(ps, "tag size too small or past the end, rest ignored");
            return;
        }
        if (type == MB2_TAG_END) {
            if (size != MB2_TAG_HEADER_SIZE)
                warn(ps, "end tag size is not 8");
            return;
        }
        struct body b = {base + off + MB2_TAG_HEADER_SIZE, size - MB2_TAG_HEADER_SIZE};
        parse_tag(ps, type, b);
        off += ALIGN_UP((size_t)size, 8);
    }
    warn(ps, "end tag missing");
}

unsigned mb2_parse(const void *info, size_t avail, mb2_info_t *out)
{
    struct parser ps = {.out = out};
    const uint8_t *base = info;

    *out = (mb2_info_t){.cmdline = "", .loader = ""};
    if (info == NULL || avail < MB2_HEADER_SIZE) {
        warn(&ps, "boot information missing or shorter than its header");
        return ps.problems;
    }
    if ((uintptr_t)info % 8 != 0)
        warn(&ps, "boot information not 8-byte aligned");
    out->total_size = load32(base);
    size_t limit = out->total_size;
    if (limit < MB2_HEADER_SIZE || limit > avail) {
        warn(&ps, "total size smaller than the header or larger than available");
        if (limit < MB2_HEADER_SIZE)
            return ps.problems;
        limit = avail;
    }
    parse_tags(&ps, base, limit);
    if (out->mmap_count == 0 && out->efi_mmap)
        derive_mmap_from_efi(&ps);
    return ps.problems;
}

uint64_t mb2_usable_bytes(const mb2_info_t *mb)
{
    uint64_t sum = 0;

    for (unsigned i = 0; i < mb->mmap_count; i++) {
        const mb2_region_t *r = &mb->mmap[i];
        if (r->type != MB2_MEMORY_USABLE)
            continue;
        sum = r->length > UINT64_MAX - sum ? UINT64_MAX : sum + r->length;
    }
    return sum;
}
