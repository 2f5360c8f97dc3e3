/* libFuzzer harness of the Multiboot2 parser: parses boot information as kmain does, checks it. */
#include <stdbool.h>
#include <string.h>

#include "kernel/multiboot2.h"
#include "lib/cmdline.h"
#include "tests/fuzz/fuzz.h"

#define HEADER_SIZE 8

/* One parse of one copy of the input: where the copy is, and what the parser made of it. */
struct run {
    const uint8_t *buf;
    size_t size;
    mb2_info_t mb;
    unsigned problems;
};

static uint32_t load32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

/* How far the parser may read: the stated total size when it fits, else what is there. */
static size_t tag_limit(const struct run *r)
{
    if (r->size < HEADER_SIZE)
        return 0;
    uint32_t total = load32(r->buf);
    return total < r->size ? total : r->size;
}

/* A string the parser returned: a static "" or NUL-terminated inside the tags. */
static void check_string(const struct run *r, const char *s)
{
    size_t limit = tag_limit(r);

    FUZZ_ASSERT(s != NULL);
    if (!fuzz_inside(r->buf, r->size, s, 1)) {
        FUZZ_ASSERT(s[0] == '\0');
        return;
    }
    size_t at = (size_t)((const uint8_t *)s - r->buf);
    FUZZ_ASSERT(at >= HEADER_SIZE * 2 && at < limit);
    FUZZ_ASSERT(memchr(s, '\0', limit - at) != NULL);
}

static void check_rsdp(const struct run *r)
{
    const mb2_info_t *mb = &r->mb;

    FUZZ_ASSERT(mb->rsdp_version <= 2);
    FUZZ_ASSERT((mb->rsdp_version == 0) == (mb->rsdp == NULL));
    if (mb->rsdp_version == 0)
        return;
    size_t need = mb->rsdp_version == 2 ? MB2_RSDP_V2_SIZE : MB2_RSDP_V1_SIZE;
    FUZZ_ASSERT(fuzz_inside(r->buf, tag_limit(r), mb->rsdp, need));
}

/* The EFI part: the descriptors lie inside the tags, whole; the flags agree. */
static void check_efi(const struct run *r)
{
    const mb2_info_t *mb = &r->mb;

    FUZZ_ASSERT(mb->efi || (!mb->efi_bs_active && mb->efi_systab == 0 && mb->efi_mmap == NULL));
    FUZZ_ASSERT(!mb->mmap_from_efi || mb->efi_mmap != NULL);
    if (mb->efi_mmap == NULL)
        return;
    FUZZ_ASSERT(mb->efi_mmap_desc_size >= 40 && mb->efi_mmap_desc_size % 8 == 0);
    FUZZ_ASSERT(mb->efi_mmap_count >= 1);
    FUZZ_ASSERT(fuzz_inside(r->buf, tag_limit(r), mb->efi_mmap,
                            (size_t)mb->efi_mmap_count * mb->efi_mmap_desc_size));
}

/* mb2_usable_bytes against a sum that cannot wrap unnoticed. */
static void check_usable(const mb2_info_t *mb)
{
    uint64_t sum = 0;
    bool saturated = false;

    for (unsigned i = 0; i < mb->mmap_count; i++) {
        if (mb->mmap[i].type != MB2_MEMORY_USABLE)
            continue;
        saturated |= __builtin_add_overflow(sum, mb->mmap[i].length, &sum);
    }
    FUZZ_ASSERT(mb2_usable_bytes(mb) == (saturated ? UINT64_MAX : sum));
}

/* The promises of mb2_parse (kernel/multiboot2.h) about one result. */
static void check_info(const struct run *r)
{
    const mb2_info_t *mb = &r->mb;

    FUZZ_ASSERT(mb->total_size == (r->size >= HEADER_SIZE ? load32(r->buf) : 0));
    FUZZ_ASSERT(mb->warning_count ==
                (r->problems < MB2_MAX_WARNINGS ? r->problems : MB2_MAX_WARNINGS));
    for (unsigned i = 0; i < mb->warning_count; i++)
        FUZZ_ASSERT(mb->warnings[i] != NULL && mb->warnings[i][0] != '\0');
    FUZZ_ASSERT(mb->mmap_count <= MB2_MAX_MMAP);
    FUZZ_ASSERT(mb->module_count <= MB2_MAX_MODULES);
    check_string(r, mb->cmdline);
    check_string(r, mb->loader);
    for (unsigned i = 0; i < mb->module_count; i++) {
        FUZZ_ASSERT(mb->modules[i].start <= mb->modules[i].end);
        check_string(r, mb->modules[i].name);
    }
    check_rsdp(r);
    check_efi(r);
    check_usable(mb);
}

/* Where use_info's reads go, so that the compiler keeps them. */
static volatile uint64_t sink;

/* Uses the result the way kmain and initproc do, so ASan watches every read. */
static void use_info(const mb2_info_t *mb)
{
    config_t cfg;
    char oem[6];
    uint32_t rsdt;
    uint64_t xsdt = 0;

    config_defaults(&cfg);
    cmdline_parse(mb->cmdline, &cfg, NULL);
    sink = strlen(mb->loader);
    for (unsigned i = 0; i < mb->module_count; i++)
        sink = strlen(mb->modules[i].name) + (strcmp(mb->modules[i].name, "init") == 0);
    if (mb->rsdp_version != 0) {
        const uint8_t *r = mb->rsdp;
        memcpy(oem, r + 9, sizeof(oem));
        memcpy(&rsdt, r + 16, sizeof(rsdt));
        if (mb->rsdp_version == 2)
            memcpy(&xsdt, r + 24, sizeof(xsdt));
        sink = (uint64_t)oem[0] + rsdt + xsdt;
    }
}

/* A pointer of b that should be a's translated to b's copy (or the same static ""). */
static void check_same_ptr(const struct run *a, const void *pa, const struct run *b, const void *pb)
{
    if (pa == NULL || !fuzz_inside(a->buf, a->size, pa, 1)) {
        FUZZ_ASSERT(pb == NULL || !fuzz_inside(b->buf, b->size, pb, 1));
        FUZZ_ASSERT((pa == NULL) == (pb == NULL));
        return;
    }
    FUZZ_ASSERT((const uint8_t *)pb == b->buf + ((const uint8_t *)pa - a->buf));
}

/* The parse of an unaligned copy must find what the aligned one found, plus one warning. */
static void check_same_info(const struct run *a, const struct run *b)
{
    const mb2_info_t *x = &a->mb, *y = &b->mb;
    unsigned extra = a->size >= HEADER_SIZE;

    FUZZ_ASSERT(b->problems == a->problems + extra);
    FUZZ_ASSERT(x->total_size == y->total_size);
    FUZZ_ASSERT(x->mmap_count == y->mmap_count && x->module_count == y->module_count);
    FUZZ_ASSERT(memcmp(x->mmap, y->mmap, x->mmap_count * sizeof(x->mmap[0])) == 0);
    for (unsigned i = 0; i < x->module_count; i++) {
        FUZZ_ASSERT(x->modules[i].start == y->modules[i].start);
        FUZZ_ASSERT(x->modules[i].end == y->modules[i].end);
        check_same_ptr(a, x->modules[i].name, b, y->modules[i].name);
    }
    check_same_ptr(a, x->cmdline, b, y->cmdline);
    check_same_ptr(a, x->loader, b, y->loader);
    FUZZ_ASSERT(x->has_fb == y->has_fb && x->fb_addr == y->fb_addr);
    FUZZ_ASSERT(x->fb_pitch == y->fb_pitch && x->fb_width == y->fb_width);
    FUZZ_ASSERT(x->fb_height == y->fb_height && x->fb_bpp == y->fb_bpp);
    FUZZ_ASSERT(x->fb_type == y->fb_type);
    FUZZ_ASSERT(memcmp(&x->fb_red, &y->fb_red, sizeof(x->fb_red)) == 0);
    FUZZ_ASSERT(memcmp(&x->fb_green, &y->fb_green, sizeof(x->fb_green)) == 0);
    FUZZ_ASSERT(memcmp(&x->fb_blue, &y->fb_blue, sizeof(x->fb_blue)) == 0);
    FUZZ_ASSERT(x->efi == y->efi && x->efi_bs_active == y->efi_bs_active);
    FUZZ_ASSERT(x->efi_systab == y->efi_systab && x->mmap_from_efi == y->mmap_from_efi);
    FUZZ_ASSERT(x->efi_mmap_count == y->efi_mmap_count);
    FUZZ_ASSERT(x->efi_mmap_desc_size == y->efi_mmap_desc_size);
    check_same_ptr(a, x->efi_mmap, b, y->efi_mmap);
    FUZZ_ASSERT(x->rsdp_version == y->rsdp_version);
    check_same_ptr(a, x->rsdp, b, y->rsdp);
}

static void parse(struct run *r)
{
    r->problems = mb2_parse(r->buf, r->size, &r->mb);
    check_info(r);
}

/*
 * The input is the boot information as GRUB leaves it in memory. It is parsed from an
 * 8-aligned heap block of exactly its size (the parser may read all of it and no more, as
 * kmain allows), then from a copy one byte off alignment, and the two results compared.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct run aligned, shifted;
    uint8_t *a = malloc(size ? size : 1), *b = malloc(size + 1);

    FUZZ_ASSERT(a != NULL && b != NULL && (uintptr_t)a % 8 == 0);
    if (size != 0) {
        memcpy(a, data, size);
        memcpy(b + 1, data, size);
    }
    aligned = (struct run){.buf = a, .size = size};
    shifted = (struct run){.buf = b + 1, .size = size};
    parse(&aligned);
    use_info(&aligned.mb);
    parse(&shifted);
    check_same_info(&aligned, &shifted);
    free(a);
    free(b);
    return 0;
}
