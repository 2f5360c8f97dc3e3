/* Multiboot2 boot information parser: walks the tags with byte loads and bounds checks only. */
#include "kernel/multiboot2.h"

#define MB2_HEADER_SIZE     8
#define MB2_TAG_HEADER_SIZE 8
#define MB2_MMAP_MIN_ENTRY  24 /* u64 base, u64 length, u32 type, u32 reserved */

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
