/* Host tests of the Multiboot2 boot information parser (kernel/multiboot2.c), incl. a fuzz loop. */
#include <stdlib.h>
#include <string.h>

#include "kernel/multiboot2.h"
#include "tests/host/check.h"

#define IMAGE_CAP 16384

/* A boot information image under construction, in 8-aligned storage. */
typedef struct image {
    _Alignas(8) uint8_t buf[IMAGE_CAP];
    size_t len;
} image_t;

static image_t img;
static mb2_info_t mb;

static void put32(size_t off, uint32_t v)
{
    memcpy(img.buf + off, &v, 4);
}

static void append(const void *data, size_t n)
{
    if (img.len + n > IMAGE_CAP) {
        printf("test image overflow\n");
        exit(2);
    }
    memcpy(img.buf + img.len, data, n);
    img.len += n;
}

static void append32(uint32_t v)
{
    append(&v, 4);
}

static void append64(uint64_t v)
{
    append(&v, 8);
}

static void image_begin(void)
{
    memset(&img, 0, sizeof(img));
    img.len = 8;
}

/* Sets total_size to the current length. */
static void image_finish(void)
{
    put32(0, (uint32_t)img.len);
}

/* Opens a tag; returns its offset for tag_close. */
static size_t tag_open(uint32_t type)
{
    size_t at = img.len;

    append32(type);
    append32(0);
    return at;
}

/* Writes the tag's size and pads the image to the next 8-byte boundary. */
static void tag_close(size_t at)
{
    put32(at + 4, (uint32_t)(img.len - at));
    while (img.len % 8 != 0)
        img.buf[img.len++] = 0;
}

static void add_string_tag(uint32_t type, const char *s)
{
    size_t at = tag_open(type);

    append(s, strlen(s) + 1);
    tag_close(at);
}

static void add_module(uint32_t start, uint32_t end, const char *name)
{
    size_t at = tag_open(MB2_TAG_MODULE);

    append32(start);
    append32(end);
    append(name, strlen(name) + 1);
    tag_close(at);
}

/* A memory map of n regions; entries are entry_size bytes (at least 24). */
static void add_mmap(uint32_t entry_size, const mb2_region_t *r, unsigned n)
{
    size_t at = tag_open(MB2_TAG_MMAP);

    append32(entry_size);
    append32(0);
    for (unsigned i = 0; i < n; i++) {
        size_t entry = img.len;
        append64(r[i].base);
        append64(r[i].length);
        append32(r[i].type);
        append32(0);
        while (img.len - entry < entry_size)
            img.buf[img.len++] = 0xee;
    }
    tag_close(at);
}

/* A 1024x768 direct-colour framebuffer of bpp bits; colour_len of its six colour bytes
 * (red at 16, green at 8, blue at 0, 8 bits each) are written. */
static void add_framebuffer_rgb(uint8_t bpp, size_t colour_len)
{
    size_t at = tag_open(MB2_TAG_FRAMEBUFFER);
    uint8_t tail[4] = {bpp, MB2_FB_RGB, 0, 0};
    uint8_t colour[6] = {16, 8, 8, 8, 0, 8};

    append64(0xfd000000);
    append32(1024 * bpp / 8);
    append32(1024);
    append32(768);
    append(tail, sizeof(tail));
    append(colour, colour_len);
    tag_close(at);
}

static void add_framebuffer(void)
{
    add_framebuffer_rgb(32, 6);
}

/* An RSDP copy of len bytes filled with marker; returns the offset of the copy. */
static size_t add_rsdp(uint32_t type, size_t len, uint8_t marker)
{
    size_t at = tag_open(type);
    uint8_t bytes[64];

    memset(bytes, marker, sizeof(bytes));
    memcpy(bytes, "RSD PTR ", 8);
    append(bytes, len);
    tag_close(at);
    return at + 8;
}

/* A raw tag whose size field says size, followed by body_len zero bytes. */
static void add_raw_tag(uint32_t type, uint32_t size, size_t body_len)
{
    size_t at = tag_open(type);

    for (size_t i = 0; i < body_len; i++)
        img.buf[img.len++] = 0;
    put32(at + 4, size);
    while (img.len % 8 != 0)
        img.buf[img.len++] = 0;
}

/* One EFI memory descriptor as tag 17 holds it: type, pad, physical and virtual start,
 * pages, attribute; desc_size bytes (the firmware's size, here 48). */
typedef struct efi_desc {
    uint32_t type;
    uint64_t phys, pages;
} efi_desc_t;

static void add_efi_mmap(uint32_t desc_size, const efi_desc_t *d, unsigned n)
{
    size_t at = tag_open(MB2_TAG_EFI_MMAP);

    append32(desc_size);
    append32(1); /* descriptor version */
    for (unsigned i = 0; i < n; i++) {
        size_t entry = img.len;
        append32(d[i].type);
        append32(0);
        append64(d[i].phys);
        append64(0);
        append64(d[i].pages);
        append64(0xf);
        while (img.len - entry < desc_size)
            img.buf[img.len++] = 0xee;
    }
    tag_close(at);
}

static void add_u64_tag(uint32_t type, uint64_t v)
{
    size_t at = tag_open(type);

    append64(v);
    tag_close(at);
}

static void add_end(void)
{
    append32(MB2_TAG_END);
    append32(8);
}

static const mb2_region_t sample_map[] = {
    {0x0, 0x9fc00, 1},        {0x9fc00, 0x400, 2},          {0x100000, 0x7ee0000, 1},
    {0xfffc0000, 0x40000, 2}, {0x100000000, 0x40000000, 1},
};

/* A small UEFI machine: low RAM, a hole, GRUB's data, boot services, runtime, ACPI. */
static const efi_desc_t sample_efi[] = {
    {7, 0x0, 0xa0},          /* conventional */
    {7, 0x100000, 0x700},    /* conventional ... */
    {2, 0x800000, 0x100},    /* ... loader data, adjacent: merged (both usable) */
    {4, 0x900000, 0x200},    /* boot-services data: usable once they are exited */
    {6, 0xb00000, 0x10},     /* runtime-services data: reserved */
    {9, 0xb10000, 0x10},     /* ACPI reclaim */
    {10, 0xb20000, 0x10},    /* ACPI NVS */
    {11, 0xffc00000, 0x400}, /* MMIO: reserved */
    {8, 0x1000000, 0x1},     /* unusable */
};

/* A UEFI boot as GRUB leaves it with boot services exited: no Multiboot2 memory map. */
static void build_efi(bool bs_active)
{
    image_begin();
    add_string_tag(MB2_TAG_LOADER, "GRUB 2.06");
    add_u64_tag(MB2_TAG_EFI64, 0xbf5e018);
    add_u64_tag(MB2_TAG_EFI64_IH, 0xbe4f718);
    if (bs_active)
        add_raw_tag(MB2_TAG_EFI_BS, 8, 0);
    add_efi_mmap(48, sample_efi, ARRAY_SIZE(sample_efi));
    add_framebuffer_rgb(32, 6);
    add_rsdp(MB2_TAG_ACPI_NEW, MB2_RSDP_V2_SIZE, 0x22);
    add_end();
    image_finish();
}

/* Offsets of interesting places in the image build_full() makes. */
static struct {
    size_t rsdp_new;
    size_t module_tag;
    size_t end_tag;
} full;

/* A well-formed image with every tag the parser knows, plus an unknown one. */
static void build_full(void)
{
    image_begin();
    add_string_tag(MB2_TAG_CMDLINE, "kpti=0 log=debug");
    add_string_tag(MB2_TAG_LOADER, "GRUB 2.06");
    full.module_tag = img.len;
    add_module(0x200000, 0x201000, "/boot/init.elf init");
    add_module(0x300000, 0x300000, "");
    add_raw_tag(21, 12, 4); /* load base address: unknown to the parser */
    add_mmap(24, sample_map, ARRAY_SIZE(sample_map));
    add_framebuffer();
    full.rsdp_new = add_rsdp(MB2_TAG_ACPI_NEW, MB2_RSDP_V2_SIZE, 0x22);
    add_rsdp(MB2_TAG_ACPI_OLD, MB2_RSDP_V1_SIZE, 0x11);
    full.end_tag = img.len;
    add_end();
    image_finish();
}

static bool inside(const void *p, const void *base, size_t len)
{
    const uint8_t *q = p, *b = base;

    return q >= b && q < b + len;
}

static bool has_warning(const char *part)
{
    for (unsigned i = 0; i < mb.warning_count; i++) {
        if (strstr(mb.warnings[i], part) != NULL)
            return true;
    }
    return false;
}

static unsigned parse_image(size_t avail)
{
    return mb2_parse(img.buf, avail, &mb);
}

static void test_well_formed(void)
{
    build_full();
    CHECK(parse_image(img.len) == 0);
    CHECK(mb.warning_count == 0);
    CHECK(mb.total_size == img.len);
    CHECK(strcmp(mb.cmdline, "kpti=0 log=debug") == 0 && inside(mb.cmdline, img.buf, img.len));
    CHECK(strcmp(mb.loader, "GRUB 2.06") == 0 && inside(mb.loader, img.buf, img.len));
    CHECK(mb.module_count == 2);
    CHECK(mb.modules[0].start == 0x200000 && mb.modules[0].end == 0x201000);
    CHECK(strcmp(mb.modules[0].name, "/boot/init.elf init") == 0);
    CHECK(mb.modules[1].start == 0x300000 && mb.modules[1].end == 0x300000);
    CHECK(mb.modules[1].name[0] == '\0' && inside(mb.modules[1].name, img.buf, img.len));
    CHECK(mb.mmap_count == ARRAY_SIZE(sample_map));
    for (unsigned i = 0; i < ARRAY_SIZE(sample_map); i++) {
        CHECK(mb.mmap[i].base == sample_map[i].base);
        CHECK(mb.mmap[i].length == sample_map[i].length);
        CHECK(mb.mmap[i].type == sample_map[i].type);
    }
    CHECK(mb2_usable_bytes(&mb) == 0x9fc00 + 0x7ee0000 + 0x40000000ULL);
    CHECK(mb.has_fb && mb.fb_addr == 0xfd000000);
    CHECK(mb.fb_pitch == 4096 && mb.fb_width == 1024 && mb.fb_height == 768);
    CHECK(mb.fb_bpp == 32 && mb.fb_type == 1);
    CHECK(mb.rsdp_version == 2 && mb.rsdp == img.buf + full.rsdp_new);
    CHECK(memcmp(mb.rsdp, "RSD PTR ", 8) == 0);
}

static void test_minimal(void)
{
    image_begin();
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 0);
    CHECK(mb.cmdline[0] == '\0' && mb.loader[0] == '\0');
    CHECK(mb.mmap_count == 0 && mb.module_count == 0 && !mb.has_fb);
    CHECK(mb.rsdp == NULL && mb.rsdp_version == 0);
    CHECK(mb2_usable_bytes(&mb) == 0);
}

static void test_rsdp_versions(void)
{
    image_begin();
    size_t old = add_rsdp(MB2_TAG_ACPI_OLD, MB2_RSDP_V1_SIZE, 0x11);
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 0);
    CHECK(mb.rsdp_version == 1 && mb.rsdp == img.buf + old);

    image_begin();
    add_rsdp(MB2_TAG_ACPI_OLD, MB2_RSDP_V1_SIZE, 0x11);
    size_t new = add_rsdp(MB2_TAG_ACPI_NEW, MB2_RSDP_V2_SIZE, 0x22);
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 0);
    CHECK(mb.rsdp_version == 2 && mb.rsdp == img.buf + new);

    image_begin();
    add_rsdp(MB2_TAG_ACPI_NEW, MB2_RSDP_V1_SIZE, 0x22); /* a v2 tag with only v1's bytes */
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 1 && mb.rsdp == NULL && has_warning("RSDP"));
}

static void test_total_size(void)
{
    build_full();
    put32(0, (uint32_t)full.end_tag); /* cuts off the end tag */
    CHECK(parse_image(img.len) == 1 && has_warning("end tag"));
    CHECK(mb.module_count == 2 && mb.mmap_count == ARRAY_SIZE(sample_map));

    build_full();
    put32(0, (uint32_t)full.module_tag + 4); /* ends inside a tag header */
    CHECK(parse_image(img.len) == 1 && mb.module_count == 0);
    CHECK(strcmp(mb.loader, "GRUB 2.06") == 0);

    build_full();
    put32(0, 4);
    CHECK(parse_image(img.len) == 1 && mb.total_size == 4);
    CHECK(mb.cmdline[0] == '\0' && mb.mmap_count == 0);

    build_full();
    put32(0, (uint32_t)img.len + 64);
    CHECK(parse_image(img.len) == 1 && has_warning("total size"));
    CHECK(mb.module_count == 2 && mb.rsdp_version == 2);

    build_full();
    put32(0, UINT32_MAX);
    CHECK(parse_image(full.end_tag) == 2 && mb.total_size == UINT32_MAX);
    CHECK(has_warning("end tag") && mb.module_count == 2);
}

static void test_bad_tag_sizes(void)
{
    uint32_t sizes[] = {0, 4, 7};

    for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
        image_begin();
        add_string_tag(MB2_TAG_CMDLINE, "a=1");
        add_raw_tag(MB2_TAG_LOADER, sizes[i], 0);
        add_string_tag(MB2_TAG_CMDLINE, "b=2");
        add_end();
        image_finish();
        CHECK(parse_image(img.len) == 1 && has_warning("tag size"));
        CHECK(strcmp(mb.cmdline, "a=1") == 0);
    }

    image_begin();
    add_raw_tag(MB2_TAG_CMDLINE, 4096, 8); /* claims far more than the image holds */
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 1 && has_warning("past the end") && mb.cmdline[0] == '\0');

    image_begin();
    add_raw_tag(99, UINT32_MAX, 0);
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 1 && has_warning("past the end"));

    image_begin();
    add_string_tag(MB2_TAG_CMDLINE, "x=1");
    add_raw_tag(MB2_TAG_END, 16, 8);
    image_finish();
    CHECK(parse_image(img.len) == 1 && has_warning("end tag") && strcmp(mb.cmdline, "x=1") == 0);
}

static void test_tag_past_end(void)
{
    build_full();
    size_t avail = full.module_tag + 12; /* the module tag's body is cut short by avail */
    CHECK(parse_image(avail) == 2);
    CHECK(has_warning("total size") && has_warning("past the end"));
    CHECK(mb.module_count == 0 && strcmp(mb.cmdline, "kpti=0 log=debug") == 0);

    build_full();
    CHECK(parse_image(full.end_tag + 4) == 2 && has_warning("end tag missing"));
    CHECK(mb.rsdp_version == 2);
}

static void test_misaligned(void)
{
    static _Alignas(8) uint8_t shifted[IMAGE_CAP + 8];

    build_full();
    memcpy(shifted + 4, img.buf, img.len);
    CHECK(mb2_parse(shifted + 4, img.len, &mb) == 1 && has_warning("aligned"));
    CHECK(strcmp(mb.cmdline, "kpti=0 log=debug") == 0 && inside(mb.cmdline, shifted + 4, img.len));
    CHECK(mb.module_count == 2 && mb.modules[0].end == 0x201000);
    CHECK(mb.mmap_count == ARRAY_SIZE(sample_map) && mb.mmap[4].base == 0x100000000);
    CHECK(mb.fb_width == 1024 && mb.rsdp == shifted + 4 + full.rsdp_new);
    CHECK(mb2_usable_bytes(&mb) == 0x9fc00 + 0x7ee0000 + 0x40000000ULL);
}

static void test_strings(void)
{
    image_begin();
    size_t at = tag_open(MB2_TAG_MODULE);
    append32(0x1000);
    append32(0x2000);
    append("abc", 3);
    tag_close(at);
    at = tag_open(MB2_TAG_CMDLINE);
    append("kpti=0", 6);
    tag_close(at);
    add_raw_tag(MB2_TAG_LOADER, 8, 0);
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 3);
    CHECK(mb.module_count == 1 && mb.modules[0].name[0] == '\0');
    CHECK(!inside(mb.modules[0].name, img.buf, img.len));
    CHECK(mb.cmdline[0] == '\0' && mb.loader[0] == '\0');
    CHECK(has_warning("module name") && has_warning("command line"));
}

static void test_short_fixed_fields(void)
{
    image_begin();
    add_raw_tag(MB2_TAG_MODULE, 12, 4);
    add_raw_tag(MB2_TAG_MMAP, 12, 4);
    add_raw_tag(MB2_TAG_FRAMEBUFFER, 29, 21);
    add_raw_tag(MB2_TAG_ACPI_OLD, 27, 19);
    add_string_tag(MB2_TAG_CMDLINE, "still=parsed");
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 4);
    CHECK(mb.module_count == 0 && mb.mmap_count == 0 && !mb.has_fb && mb.rsdp == NULL);
    CHECK(strcmp(mb.cmdline, "still=parsed") == 0);
}

static void test_modules(void)
{
    image_begin();
    add_module(0x5000, 0x4000, "backwards");
    for (unsigned i = 0; i < MB2_MAX_MODULES + 3; i++)
        add_module(i * 0x1000, i * 0x1000 + 0x800, "m");
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 2);
    CHECK(has_warning("before it starts") && has_warning("too many modules"));
    CHECK(mb.module_count == MB2_MAX_MODULES);
    CHECK(mb.modules[0].start == 0 && mb.modules[MB2_MAX_MODULES - 1].start == 0x1f000);

    image_begin();
    for (unsigned i = 0; i < 20; i++)
        add_module(0x5000, 0x4000, "bad");
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 20 && mb.warning_count == MB2_MAX_WARNINGS);
    CHECK(mb.module_count == 0);
}

static void test_mmap_entries(void)
{
    uint32_t bad_sizes[] = {0, 7, 16, 28};

    for (unsigned i = 0; i < ARRAY_SIZE(bad_sizes); i++) {
        image_begin();
        size_t at = tag_open(MB2_TAG_MMAP);
        append32(bad_sizes[i]);
        append32(0);
        for (unsigned j = 0; j < 6; j++)
            append64(0x1000);
        tag_close(at);
        add_end();
        image_finish();
        CHECK(parse_image(img.len) == 1 && has_warning("entry size") && mb.mmap_count == 0);
    }

    image_begin();
    add_mmap(32, sample_map, ARRAY_SIZE(sample_map));
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 0 && mb.mmap_count == ARRAY_SIZE(sample_map));
    CHECK(mb.mmap[2].base == 0x100000 && mb.mmap[2].length == 0x7ee0000 && mb.mmap[3].type == 2);

    image_begin();
    add_mmap(24, sample_map, 1);
    put32(8 + 8, 48); /* entry_size larger than the tag's one entry */
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 1 && has_warning("partial") && mb.mmap_count == 0);

    image_begin();
    add_mmap(24, sample_map, 3);
    put32(8 + 4, 8 + 8 + 24 * 2 + 20); /* the third entry is cut at the tag's end */
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 1 && has_warning("partial") && mb.mmap_count == 2);
}

static void test_mmap_overflow(void)
{
    mb2_region_t many[MB2_MAX_MMAP + 6];

    for (unsigned i = 0; i < ARRAY_SIZE(many); i++)
        many[i] = (mb2_region_t){(uint64_t)i << 20, 1 << 20, 1};
    image_begin();
    add_mmap(24, many, ARRAY_SIZE(many));
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 1 && has_warning("too many memory map"));
    CHECK(mb.mmap_count == MB2_MAX_MMAP &&
          mb.mmap[MB2_MAX_MMAP - 1].base == (uint64_t)(MB2_MAX_MMAP - 1) << 20);
    CHECK(mb2_usable_bytes(&mb) == (uint64_t)MB2_MAX_MMAP << 20);

    mb2_region_t huge[2] = {{0, UINT64_MAX, 1}, {0, 5, 1}};
    image_begin();
    add_mmap(24, huge, 2);
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 0 && mb2_usable_bytes(&mb) == UINT64_MAX);
}

static void test_missing_end(void)
{
    image_begin();
    add_string_tag(MB2_TAG_CMDLINE, "smp=2");
    image_finish();
    CHECK(parse_image(img.len) == 1 && has_warning("end tag missing"));
    CHECK(strcmp(mb.cmdline, "smp=2") == 0);

    image_begin();
    image_finish();
    CHECK(parse_image(img.len) == 1 && has_warning("end tag missing"));
}

static void test_nothing(void)
{
    build_full();
    CHECK(mb2_parse(NULL, 4096, &mb) == 1 && mb.warning_count == 1);
    CHECK(mb.cmdline[0] == '\0' && mb.loader[0] == '\0' && mb.mmap_count == 0);
    CHECK(parse_image(7) == 1 && mb.total_size == 0);
    CHECK(parse_image(0) == 1 && mb.module_count == 0);

    uint8_t *tiny = malloc(8);
    memcpy(tiny, img.buf, 8);
    CHECK(mb2_parse(tiny, 8, &mb) == 2 && mb.module_count == 0);
    free(tiny);
}

/* xorshift64: a fixed, portable stream of pseudo-random numbers. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static bool string_ok(const char *s, const uint8_t *base, size_t len)
{
    if (!inside(s, base, len))
        return s[0] == '\0';
    return memchr(s, 0, (size_t)(base + len - (const uint8_t *)s)) != NULL;
}

/* Every pointer in mb lies inside [base, base + len), or is an empty string elsewhere. */
static bool result_ok(unsigned problems, const uint8_t *base, size_t len)
{
    bool ok = string_ok(mb.cmdline, base, len) && string_ok(mb.loader, base, len);

    for (unsigned i = 0; i < mb.module_count; i++)
        ok = ok && string_ok(mb.modules[i].name, base, len) &&
             mb.modules[i].end >= mb.modules[i].start;
    if (mb.rsdp_version != 0) {
        size_t need = mb.rsdp_version == 2 ? MB2_RSDP_V2_SIZE : MB2_RSDP_V1_SIZE;
        const uint8_t *r = mb.rsdp;
        ok = ok && inside(r, base, len) && (size_t)(base + len - r) >= need;
    } else {
        ok = ok && mb.rsdp == NULL;
    }
    return ok && mb.mmap_count <= MB2_MAX_MMAP && mb.module_count <= MB2_MAX_MODULES &&
           mb.warning_count <= MB2_MAX_WARNINGS && problems >= mb.warning_count;
}

/* Corrupts a few bytes of a valid image, sometimes truncates and shifts it, then parses. */
static bool fuzz_once(void)
{
    size_t avail = img.len;
    size_t shift = rng() % 4 == 0 ? rng() % 8 : 0;

    if (rng() % 4 == 0)
        avail = rng() % (img.len + 1);
    /* Exactly avail bytes after the shift, so ASan reports any read past the end. */
    uint8_t *block = malloc(avail + shift);
    if (block == NULL && avail + shift > 0)
        abort();
    uint8_t *copy = block + shift;
    if (avail > 0)
        memcpy(copy, img.buf, avail);
    unsigned flips = 1 + (unsigned)(rng() % 8);
    for (unsigned i = 0; avail > 0 && i < flips; i++)
        copy[rng() % avail] ^= (uint8_t)(1u << (rng() % 8));
    unsigned problems = mb2_parse(copy, avail, &mb);
    (void)mb2_usable_bytes(&mb);
    bool ok = result_ok(problems, copy, avail);
    free(block);
    return ok;
}

static void test_fuzz(void)
{
    unsigned bad = 0, clean = 0;

    build_full();
    for (unsigned i = 0; i < 20000; i++) {
        if (!fuzz_once())
            bad++;
        clean += mb.warning_count == 0;
    }
    CHECK(bad == 0);
    CHECK(clean > 0 && clean < 20000);
}

static void test_framebuffer_colours(void)
{
    image_begin();
    add_framebuffer_rgb(24, 6);
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 0 && mb.has_fb && mb.fb_bpp == 24 && mb.fb_pitch == 3072);
    CHECK(mb.fb_type == MB2_FB_RGB && mb.fb_red.pos == 16 && mb.fb_red.size == 8);
    CHECK(mb.fb_green.pos == 8 && mb.fb_green.size == 8);
    CHECK(mb.fb_blue.pos == 0 && mb.fb_blue.size == 8);

    image_begin();
    add_framebuffer_rgb(32, 5); /* one colour byte short */
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 1 && has_warning("colour layout") && !mb.has_fb);

    image_begin(); /* EGA text carries no colour layout, and needs none */
    size_t at = tag_open(MB2_TAG_FRAMEBUFFER);
    uint8_t tail[4] = {16, MB2_FB_EGA, 0, 0};
    append64(0xb8000);
    append32(160);
    append32(80);
    append32(25);
    append(tail, sizeof(tail));
    tag_close(at);
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 0 && mb.has_fb && mb.fb_type == MB2_FB_EGA);
    CHECK(mb.fb_addr == 0xb8000 && mb.fb_width == 80 && mb.fb_red.size == 0);
}

static void test_efi_tags(void)
{
    build_full();
    CHECK(parse_image(img.len) == 0 && !mb.efi && mb.efi_systab == 0 && mb.efi_mmap == NULL);

    build_efi(false);
    CHECK(parse_image(img.len) == 0 && mb.efi && !mb.efi_bs_active);
    CHECK(mb.efi_systab == 0xbf5e018);
    CHECK(mb.efi_mmap_count == ARRAY_SIZE(sample_efi) && mb.efi_mmap_desc_size == 48);
    CHECK(inside(mb.efi_mmap, img.buf, img.len));

    image_begin();
    size_t at = tag_open(MB2_TAG_EFI32);
    append32(0x7f000);
    tag_close(at);
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 0 && mb.efi && mb.efi_systab == 0x7f000);

    image_begin();
    add_raw_tag(MB2_TAG_EFI64, 12, 4); /* 4 bytes of an 8-byte address */
    add_raw_tag(MB2_TAG_EFI_BS, 8, 0);
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 1 && has_warning("system table") && mb.efi_systab == 0);
    CHECK(mb.efi && mb.efi_bs_active);
}

static void test_efi_mmap_derived(void)
{
    build_efi(false);
    CHECK(parse_image(img.len) == 0 && mb.mmap_from_efi);
    /* 0-a0000 usable; 1M-11M usable (conventional + loader + boot-services data merged);
     * runtime, ACPI, NVS, MMIO, unusable apart */
    CHECK(mb.mmap_count == 7);
    CHECK(mb.mmap[0].base == 0 && mb.mmap[0].length == 0xa0000 && mb.mmap[0].type == 1);
    CHECK(mb.mmap[1].base == 0x100000 && mb.mmap[1].length == 0xa00000 && mb.mmap[1].type == 1);
    CHECK(mb.mmap[2].type == MB2_MEMORY_RESERVED && mb.mmap[3].type == MB2_MEMORY_ACPI);
    CHECK(mb.mmap[4].type == MB2_MEMORY_NVS && mb.mmap[5].type == MB2_MEMORY_RESERVED);
    CHECK(mb.mmap[6].type == MB2_MEMORY_BAD && mb.mmap[6].base == 0x1000000);
    CHECK(mb2_usable_bytes(&mb) == 0xa0000 + 0xa00000);

    build_efi(true); /* boot services still running: their memory is not ours */
    CHECK(parse_image(img.len) == 0 && mb.efi_bs_active && mb.mmap_count == 7);
    CHECK(mb.mmap[1].length == 0x800000 && mb.mmap[2].type == MB2_MEMORY_RESERVED);
    CHECK(mb.mmap[2].base == 0x900000 && mb.mmap[2].length == 0x210000); /* + runtime data */
    CHECK(mb2_usable_bytes(&mb) == 0xa0000 + 0x800000);
}

static void test_efi_mmap_preferred_and_bad(void)
{
    image_begin(); /* a Multiboot2 map wins over the EFI one */
    add_efi_mmap(48, sample_efi, ARRAY_SIZE(sample_efi));
    add_mmap(24, sample_map, ARRAY_SIZE(sample_map));
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 0 && !mb.mmap_from_efi);
    CHECK(mb.mmap_count == ARRAY_SIZE(sample_map) && mb.efi_mmap_count == ARRAY_SIZE(sample_efi));

    uint32_t bad_sizes[] = {0, 8, 32, 44};
    for (unsigned i = 0; i < ARRAY_SIZE(bad_sizes); i++) {
        image_begin();
        size_t at = tag_open(MB2_TAG_EFI_MMAP);
        append32(bad_sizes[i]);
        append32(1);
        for (unsigned j = 0; j < 12; j++)
            append64(0x1000);
        tag_close(at);
        add_end();
        image_finish();
        CHECK(parse_image(img.len) == 1 && has_warning("descriptor size"));
        CHECK(mb.efi && mb.efi_mmap == NULL && mb.mmap_count == 0);
    }

    image_begin();
    add_efi_mmap(40, sample_efi, 1);
    for (unsigned i = 0; i < 24; i++)
        img.buf[img.len++] = 0x77; /* the tag goes on with a cut second descriptor */
    put32(8 + 4, (uint32_t)(img.len - 8));
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 1 && has_warning("partial descriptor"));
    CHECK(mb.efi_mmap_count == 1 && mb.mmap_count == 1 && mb.mmap[0].length == 0xa0000);

    efi_desc_t wrap[] = {
        {7, 0xfffffffffffff000ULL, 2}, {7, 0x1000, UINT64_MAX >> 8}, {7, 0x200000, 1}};
    image_begin();
    add_efi_mmap(48, wrap, ARRAY_SIZE(wrap));
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 2 && has_warning("wraps"));
    CHECK(mb.mmap_count == 1 && mb.mmap[0].base == 0x200000 && mb.mmap[0].length == 0x1000);

    efi_desc_t many[MB2_MAX_MMAP + 4];
    for (unsigned i = 0; i < ARRAY_SIZE(many); i++) /* alternate types: nothing merges */
        many[i] = (efi_desc_t){i % 2 ? 7 : 5, (uint64_t)i << 20, 0x100};
    image_begin();
    add_efi_mmap(48, many, ARRAY_SIZE(many));
    add_end();
    image_finish();
    CHECK(parse_image(img.len) == 1 && has_warning("too many memory map"));
    CHECK(mb.mmap_count == MB2_MAX_MMAP);
}

/* The same corruption loop over a UEFI image, whose memory map is derived from tag 17. */
static void test_fuzz_efi(void)
{
    unsigned bad = 0, derived = 0;

    for (unsigned i = 0; i < 20000; i++) {
        build_efi(i % 2);
        if (!fuzz_once())
            bad++;
        derived += mb.mmap_from_efi;
    }
    CHECK(bad == 0);
    CHECK(derived > 0);
}

int main(void)
{
    CHECK_GROUP("multiboot2/well_formed", test_well_formed());
    CHECK_GROUP("multiboot2/minimal", test_minimal());
    CHECK_GROUP("multiboot2/rsdp_versions", test_rsdp_versions());
    CHECK_GROUP("multiboot2/total_size", test_total_size());
    CHECK_GROUP("multiboot2/bad_tag_sizes", test_bad_tag_sizes());
    CHECK_GROUP("multiboot2/tag_past_end", test_tag_past_end());
    CHECK_GROUP("multiboot2/misaligned", test_misaligned());
    CHECK_GROUP("multiboot2/strings", test_strings());
    CHECK_GROUP("multiboot2/short_fixed_fields", test_short_fixed_fields());
    CHECK_GROUP("multiboot2/modules", test_modules());
    CHECK_GROUP("multiboot2/mmap_entries", test_mmap_entries());
    CHECK_GROUP("multiboot2/mmap_overflow", test_mmap_overflow());
    CHECK_GROUP("multiboot2/missing_end", test_missing_end());
    CHECK_GROUP("multiboot2/nothing", test_nothing());
    CHECK_GROUP("multiboot2/framebuffer_colours", test_framebuffer_colours());
    CHECK_GROUP("multiboot2/efi_tags", test_efi_tags());
    CHECK_GROUP("multiboot2/efi_mmap_derived", test_efi_mmap_derived());
    CHECK_GROUP("multiboot2/efi_mmap_preferred_and_bad", test_efi_mmap_preferred_and_bad());
    CHECK_GROUP("multiboot2/fuzz", test_fuzz());
    CHECK_GROUP("multiboot2/fuzz_efi", test_fuzz_efi());
    return check_done();
}
