/* Host tests of the ELF64 executable parser (lib/elf.c): valid images, refusals, fuzzing. */
#include <stdlib.h>
#include <string.h>

#include "lib/elf.h"
#include "tests/host/check.h"

#define IMAGE_CAP 0x4000
#define USER_END  0x0000800000000000ull
#define EHDR_SIZE 64
#define PHDR_SIZE 56

enum { PT_NULL = 0, PT_LOAD = 1, PT_INTERP = 3, PT_NOTE = 4, PT_GNU_STACK = 0x6474e551 };
enum { PF_X = 1, PF_W = 2, PF_R = 4 };

/* Offsets of fields in the ELF header and in one program header. */
enum {
    E_TYPE = 16,
    E_MACHINE = 18,
    E_VERSION = 20,
    E_ENTRY = 24,
    E_PHOFF = 32,
    E_EHSIZE = 52,
    E_PHENTSIZE = 54,
    E_PHNUM = 56,
};
enum {
    P_TYPE = 0,
    P_FLAGS = 4,
    P_OFFSET = 8,
    P_VADDR = 16,
    P_PADDR = 24,
    P_FILESZ = 32,
    P_MEMSZ = 40,
    P_ALIGN = 48,
};

typedef struct phdr_spec {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz, align;
} phdr_spec_t;

/* An ELF image under construction: header, program headers at 64, then segment bytes. */
typedef struct image {
    uint8_t buf[IMAGE_CAP];
    size_t len;
} image_t;

static image_t img;
static elf_image_t out;

#define TEXT_VADDR  0x401000ull
#define TEXT_OFFSET 0x1000ull
#define TEXT_SIZE   0x80ull
#define DATA_VADDR  0x403000ull
#define DATA_OFFSET 0x2000ull
#define DATA_FILESZ 0x40ull
#define DATA_MEMSZ  0x1800ull
#define ENTRY       (TEXT_VADDR + 0x10)

/* The standard valid image: text (R+X), data with bss (R+W), an ignored GNU_STACK. */
static const phdr_spec_t std_phdrs[] = {
    {PT_LOAD, PF_R | PF_X, TEXT_OFFSET, TEXT_VADDR, TEXT_SIZE, TEXT_SIZE, 0x1000},
    {PT_LOAD, PF_R | PF_W, DATA_OFFSET, DATA_VADDR, DATA_FILESZ, DATA_MEMSZ, 0x1000},
    {PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16},
};

static void put(size_t off, uint64_t v, unsigned bytes)
{
    if (off + bytes > IMAGE_CAP) {
        printf("test image overflow\n");
        exit(2);
    }
    for (unsigned i = 0; i < bytes; i++)
        img.buf[off + i] = (uint8_t)(v >> (8 * i));
}

static void put16(size_t off, uint64_t v)
{
    put(off, v, 2);
}

static void put32(size_t off, uint64_t v)
{
    put(off, v, 4);
}

static void put64(size_t off, uint64_t v)
{
    put(off, v, 8);
}

static size_t ph_at(unsigned i, size_t field)
{
    return EHDR_SIZE + (size_t)i * PHDR_SIZE + field;
}

static void write_ehdr(uint64_t entry, unsigned nph)
{
    static const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1};

    memcpy(img.buf, ident, sizeof(ident));
    put16(E_TYPE, 2);
    put16(E_MACHINE, 62);
    put32(E_VERSION, 1);
    put64(E_ENTRY, entry);
    put64(E_PHOFF, EHDR_SIZE);
    put16(E_EHSIZE, EHDR_SIZE);
    put16(E_PHENTSIZE, PHDR_SIZE);
    put16(E_PHNUM, nph);
}

static void write_phdr(unsigned i, const phdr_spec_t *ph)
{
    put32(ph_at(i, P_TYPE), ph->type);
    put32(ph_at(i, P_FLAGS), ph->flags);
    put64(ph_at(i, P_OFFSET), ph->offset);
    put64(ph_at(i, P_VADDR), ph->vaddr);
    put64(ph_at(i, P_PADDR), ph->vaddr);
    put64(ph_at(i, P_FILESZ), ph->filesz);
    put64(ph_at(i, P_MEMSZ), ph->memsz);
    put64(ph_at(i, P_ALIGN), ph->align);
}

/* Fills a segment's file bytes with a non-zero pattern and extends the image to cover them. */
static void write_segment_bytes(const phdr_spec_t *ph)
{
    if (ph->filesz == 0)
        return;
    for (uint64_t i = 0; i < ph->filesz; i++)
        put(ph->offset + i, (uint8_t)(0x5a ^ i), 1);
    if (ph->offset + ph->filesz > img.len)
        img.len = ph->offset + ph->filesz;
}

/* Builds an image with the given entry and program headers; its length covers all segments. */
static void image_build(uint64_t entry, const phdr_spec_t *phs, unsigned n)
{
    memset(&img, 0, sizeof(img));
    write_ehdr(entry, n);
    img.len = ph_at(n, 0);
    for (unsigned i = 0; i < n; i++) {
        write_phdr(i, &phs[i]);
        write_segment_bytes(&phs[i]);
    }
}

static void image_std(void)
{
    image_build(ENTRY, std_phdrs, ARRAY_SIZE(std_phdrs));
}

static kerr_t parse_img(const char **why)
{
    return elf_parse(img.buf, img.len, USER_END, &out, why);
}

/* Whether parsing the current image fails with err and a reason mentioning word. */
static bool refused(kerr_t err, const char *word)
{
    const char *why = NULL;
    kerr_t got = parse_img(&why);

    if (got != err || why == NULL || why[0] == '\0' || strstr(why, word) == NULL) {
        printf("# got %d (%s), wanted %d mentioning \"%s\"\n", got, why ? why : "(null)", err,
               word);
        return false;
    }
    return true;
}

static bool seg_is(const elf_segment_t *s, const phdr_spec_t *ph)
{
    return s->vaddr == ph->vaddr && s->memsz == ph->memsz && s->offset == ph->offset &&
           s->filesz == ph->filesz && s->write == !!(ph->flags & PF_W) &&
           s->exec == !!(ph->flags & PF_X);
}

static void test_valid(void)
{
    const char *why = "unset";

    image_std();
    CHECK(parse_img(&why) == XR_OK);
    CHECK(why == NULL);
    CHECK(out.entry == ENTRY);
    CHECK(out.nsegments == 2);
    CHECK(seg_is(&out.segments[0], &std_phdrs[0]));
    CHECK(seg_is(&out.segments[1], &std_phdrs[1]));
    CHECK(img.len == DATA_OFFSET + DATA_FILESZ);
    CHECK(elf_parse(img.buf, img.len, USER_END, &out, NULL) == XR_OK);
}

/* The parser must not assume any alignment of the image. */
static void test_unaligned(void)
{
    static uint8_t shifted[IMAGE_CAP + 8];

    image_std();
    for (size_t shift = 1; shift < 8; shift++) {
        memcpy(shifted + shift, img.buf, img.len);
        CHECK(elf_parse(shifted + shift, img.len, USER_END, &out, NULL) == XR_OK);
        CHECK(out.nsegments == 2 && out.entry == ENTRY);
    }
}

static void test_ignored_types(void)
{
    const phdr_spec_t phs[] = {
        {PT_NULL, 0, 0, 0, 0, 0, 0},
        {PT_NOTE, PF_R, 0x100, 0x400100, 0x20, 0x20, 4},
        std_phdrs[0],
        {PT_LOAD, PF_R, 0x1100, 0x402100, 0, 0, 0x1000}, /* empty: skipped */
        std_phdrs[1],
    };

    image_build(ENTRY, phs, ARRAY_SIZE(phs));
    CHECK(parse_img(NULL) == XR_OK);
    CHECK(out.nsegments == 2);
    CHECK(seg_is(&out.segments[0], &std_phdrs[0]));
    CHECK(seg_is(&out.segments[1], &std_phdrs[1]));
}

/* Adjacent pages, align 0 and 2 MiB, a bss-only segment ending exactly at user_end. */
static void test_edges(void)
{
    const phdr_spec_t phs[] = {
        {PT_LOAD, PF_R | PF_X, 0x1000, 0x1000, 0x1000, 0x1000, 0},
        {PT_LOAD, PF_R, 0x2000, 0x2000, 0x10, 0x10, 0x200000},
        {PT_LOAD, PF_R | PF_W, 0x2000, USER_END - 0x1000, 0, 0x1000, 1},
    };

    image_build(0x1000, phs, ARRAY_SIZE(phs));
    CHECK(parse_img(NULL) == XR_OK);
    CHECK(out.nsegments == 3);
    CHECK(out.segments[2].filesz == 0 && out.segments[2].write);
    put64(E_ENTRY, 0x1fff);
    CHECK(parse_img(NULL) == XR_OK);
}

/* nload tiny segments, one per page but packed in the file; PT_NULL pads the table to nph. */
static void build_many(unsigned nload, unsigned nph)
{
    phdr_spec_t phs[64] = {{0}};

    for (unsigned i = 0; i < nload; i++) {
        uint64_t off = 0x1000 + 0x20 * (uint64_t)i;
        uint64_t vaddr = 0x401000 + 0x1000 * (uint64_t)i + 0x20 * (uint64_t)i;
        phs[i] = (phdr_spec_t){PT_LOAD, PF_R | PF_X, off, vaddr, 0x10, 0x10, 0x1000};
    }
    image_build(0x401000, phs, nph);
}

static void test_max_segments(void)
{
    build_many(ELF_MAX_SEGMENTS, 64);
    CHECK(parse_img(NULL) == XR_OK);
    CHECK(out.nsegments == ELF_MAX_SEGMENTS);
    CHECK(out.segments[15].vaddr == 0x401000 + 0xf000 + 0x1e0);
}

static void test_too_small(void)
{
    image_std();
    img.len = EHDR_SIZE - 1;
    CHECK(refused(XR_ECORRUPT, "smaller than the ELF header"));
    CHECK(elf_parse(NULL, 0, USER_END, &out, NULL) == XR_ECORRUPT);
}

static void test_magic(void)
{
    image_std();
    img.buf[1] = 'e';
    CHECK(refused(XR_ECORRUPT, "magic"));
}

static void test_class(void)
{
    image_std();
    img.buf[4] = 1;
    CHECK(refused(XR_EINVAL, "ELFCLASS64"));
}

static void test_endian(void)
{
    image_std();
    img.buf[5] = 2;
    CHECK(refused(XR_EINVAL, "little-endian"));
}

static void test_ident_version(void)
{
    image_std();
    img.buf[6] = 0;
    CHECK(refused(XR_ECORRUPT, "identification version"));
}

static void test_version(void)
{
    image_std();
    put32(E_VERSION, 2);
    CHECK(refused(XR_ECORRUPT, "ELF version"));
}

static void test_type(void)
{
    image_std();
    put16(E_TYPE, 3);
    CHECK(refused(XR_EINVAL, "static executables"));
}

static void test_machine(void)
{
    image_std();
    put16(E_MACHINE, 3);
    CHECK(refused(XR_EINVAL, "x86-64"));
}

static void test_ehsize(void)
{
    image_std();
    put16(E_EHSIZE, 52);
    CHECK(refused(XR_ECORRUPT, "header size"));
}

static void test_phentsize(void)
{
    image_std();
    put16(E_PHENTSIZE, 64);
    CHECK(refused(XR_ECORRUPT, "entry size"));
}

static void test_phnum_zero(void)
{
    image_std();
    put16(E_PHNUM, 0);
    CHECK(refused(XR_ECORRUPT, "no program headers"));
}

static void test_phnum_large(void)
{
    image_std();
    put16(E_PHNUM, 65);
    CHECK(refused(XR_ERANGE, "64 program headers"));
}

/* One byte past the end, and offsets where phoff + table length would wrap. */
static void test_phoff_outside(void)
{
    image_std();
    put64(E_PHOFF, img.len - PHDR_SIZE * 3 + 1);
    CHECK(refused(XR_ECORRUPT, "table outside the file"));
    put64(E_PHOFF, UINT64_MAX - 8);
    CHECK(refused(XR_ECORRUPT, "table outside the file"));
    put64(E_PHOFF, UINT64_MAX - PHDR_SIZE * 3 + 1);
    CHECK(refused(XR_ECORRUPT, "table outside the file"));
}

/* Builds the standard image with its data segment (index 1) replaced by ph. */
static void image_std_with(phdr_spec_t ph)
{
    phdr_spec_t phs[] = {std_phdrs[0], ph, std_phdrs[2]};

    image_build(ENTRY, phs, ARRAY_SIZE(phs));
}

static void test_filesz_gt_memsz(void)
{
    phdr_spec_t ph = std_phdrs[1];

    ph.memsz = ph.filesz - 1;
    image_std_with(ph);
    CHECK(refused(XR_ECORRUPT, "file size larger"));
}

static void test_segment_outside_file(void)
{
    image_std();
    put64(ph_at(1, P_FILESZ), DATA_FILESZ + 1);
    CHECK(refused(XR_ECORRUPT, "outside the file"));
    put64(ph_at(1, P_FILESZ), 0x20);
    put64(ph_at(1, P_OFFSET), UINT64_MAX - 0xfff);
    CHECK(refused(XR_ECORRUPT, "outside the file"));
}

/* vaddr + memsz past 2^64, then an end that only wraps once rounded up to a page. */
static void test_wrap(void)
{
    phdr_spec_t ph = std_phdrs[1];

    ph.vaddr = 0xfffffffffffff000ull;
    ph.memsz = 0x2000;
    image_std_with(ph);
    CHECK(refused(XR_ERANGE, "wraps"));
    put64(ph_at(1, P_MEMSZ), 0xff0);
    put64(ph_at(1, P_FILESZ), 0x10);
    put64(ph_at(1, P_VADDR), 0xfffffffffffff008ull);
    put64(ph_at(1, P_OFFSET), DATA_OFFSET + 8);
    CHECK(refused(XR_ERANGE, "wraps"));
}

static void test_above_user_end(void)
{
    phdr_spec_t ph = std_phdrs[1];

    ph.vaddr = USER_END - 0x1000;
    ph.memsz = 0x1001;
    image_std_with(ph);
    CHECK(refused(XR_ERANGE, "end of user space"));
    put64(ph_at(1, P_VADDR), USER_END);
    put64(ph_at(1, P_MEMSZ), DATA_FILESZ);
    CHECK(refused(XR_ERANGE, "end of user space"));
}

static void test_null_page(void)
{
    phdr_spec_t ph = std_phdrs[1];

    ph.vaddr = 0;
    image_std_with(ph);
    CHECK(refused(XR_ERANGE, "null page"));
    put64(ph_at(1, P_VADDR), 0xfc0);
    put64(ph_at(1, P_OFFSET), 0x1fc0);
    CHECK(refused(XR_ERANGE, "null page"));
}

static void test_align_not_pow2(void)
{
    image_std();
    put64(ph_at(1, P_ALIGN), 0x3000);
    CHECK(refused(XR_ECORRUPT, "power of two"));
}

static void test_page_congruence(void)
{
    phdr_spec_t ph = std_phdrs[1];

    ph.vaddr += 8;
    image_std_with(ph);
    CHECK(refused(XR_ECORRUPT, "within a page"));
}

static void test_wx(void)
{
    image_std();
    put32(ph_at(1, P_FLAGS), PF_R | PF_W | PF_X);
    CHECK(refused(XR_EINVAL, "W^X"));
}

/* Different bytes in the same page are refused too: pages are the unit of mapping. */
static void test_overlap(void)
{
    phdr_spec_t ph = std_phdrs[1];

    ph.vaddr = TEXT_VADDR + 0xf00;
    ph.offset += 0xf00;
    ph.filesz = 0x10;
    image_std_with(ph);
    CHECK(refused(XR_ECORRUPT, "overlap"));
    put64(ph_at(1, P_VADDR), TEXT_VADDR - 0x1000);
    put64(ph_at(1, P_OFFSET), DATA_OFFSET);
    put64(ph_at(1, P_MEMSZ), 0x1001);
    CHECK(refused(XR_ECORRUPT, "overlap"));
}

static void test_too_many_segments(void)
{
    build_many(ELF_MAX_SEGMENTS + 1, ELF_MAX_SEGMENTS + 1);
    CHECK(refused(XR_ERANGE, "16 loadable"));
}

static void test_no_load(void)
{
    const phdr_spec_t phs[] = {std_phdrs[2], {PT_LOAD, PF_R, 0x40, 0x1040, 0, 0, 0}};

    image_build(ENTRY, phs, ARRAY_SIZE(phs));
    CHECK(refused(XR_ECORRUPT, "no loadable"));
}

/* In the data segment, just past and just before the text segment, and 0. */
static void test_entry(void)
{
    image_std();
    put64(E_ENTRY, DATA_VADDR + 4);
    CHECK(refused(XR_ECORRUPT, "entry point"));
    put64(E_ENTRY, TEXT_VADDR + TEXT_SIZE);
    CHECK(refused(XR_ECORRUPT, "entry point"));
    put64(E_ENTRY, TEXT_VADDR - 1);
    CHECK(refused(XR_ECORRUPT, "entry point"));
    put64(E_ENTRY, 0);
    CHECK(refused(XR_ECORRUPT, "entry point"));
}

static void test_interp(void)
{
    const phdr_spec_t phs[] = {
        {PT_INTERP, PF_R, 0x200, 0x400200, 0x1c, 0x1c, 1},
        std_phdrs[0],
        std_phdrs[1],
    };

    image_build(ENTRY, phs, ARRAY_SIZE(phs));
    CHECK(refused(XR_EINVAL, "dynamic executables are not supported"));
}

/* Parses the first len bytes from a heap block of exactly len bytes, so ASan sees over-reads. */
static kerr_t parse_prefix(size_t len, const char **why)
{
    uint8_t *copy = malloc(len ? len : 1);

    if (copy == NULL)
        exit(2);
    memcpy(copy, img.buf, len);
    kerr_t err = elf_parse(copy, len, USER_END, &out, why);
    free(copy);
    return err;
}

/* Every strict prefix cuts the last segment, so only the full image may be accepted. */
static void test_truncated(void)
{
    unsigned accepted = 0, bad_why = 0;

    image_std();
    for (size_t len = 0; len < img.len; len++) {
        const char *why = NULL;
        if (parse_prefix(len, &why) == XR_OK)
            accepted++;
        else if (why == NULL || why[0] == '\0')
            bad_why++;
    }
    CHECK(accepted == 0);
    CHECK(bad_why == 0);
    CHECK(parse_prefix(img.len, NULL) == XR_OK);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t xorshift64(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Values that sit on the edges the parser checks. */
static uint64_t interesting_value(void)
{
    static const uint64_t values[] = {
        0,
        1,
        2,
        3,
        7,
        56,
        64,
        65,
        0xfff,
        0x1000,
        0x1001,
        0x2000,
        0x401010,
        0x403000,
        USER_END - 1,
        USER_END,
        UINT64_MAX,
        UINT64_MAX - 0xfff,
        0x8000000000000000ull,
    };

    return values[xorshift64() % ARRAY_SIZE(values)];
}

/* Mostly the headers, where the decisions are; sometimes anywhere in the image. */
static size_t mutation_offset(size_t width)
{
    size_t span = xorshift64() % 4 ? ph_at(ARRAY_SIZE(std_phdrs), 0) : img.len;

    return xorshift64() % (span - width + 1);
}

static void mutate_once(void)
{
    static const unsigned widths[] = {1, 2, 4, 8};
    unsigned width = widths[xorshift64() % 4];
    size_t off = mutation_offset(width);

    switch (xorshift64() % 3) {
    case 0:
        img.buf[off] ^= (uint8_t)(1u << (xorshift64() % 8));
        break;
    case 1:
        put(off, xorshift64(), width);
        break;
    default:
        put(off, interesting_value(), width);
        break;
    }
}

static bool seg_ok(const elf_segment_t *s, size_t size)
{
    uint64_t end = s->vaddr + s->memsz;

    return s->memsz > 0 && s->vaddr >= 0x1000 && end > s->vaddr && end <= USER_END &&
           s->filesz <= s->memsz && !(s->write && s->exec) && s->offset <= size &&
           s->filesz <= size - s->offset && s->vaddr % 0x1000 == s->offset % 0x1000;
}

static bool pages_disjoint(const elf_segment_t *a, const elf_segment_t *b)
{
    uint64_t a_lo = a->vaddr / 0x1000, a_hi = (a->vaddr + a->memsz - 1) / 0x1000;
    uint64_t b_lo = b->vaddr / 0x1000, b_hi = (b->vaddr + b->memsz - 1) / 0x1000;

    return a_hi < b_lo || b_hi < a_lo;
}

/* Every promise elf.h makes about an accepted image. */
static bool invariants_hold(const elf_image_t *e, size_t size)
{
    bool entry_ok = false;

    if (e->nsegments == 0 || e->nsegments > ELF_MAX_SEGMENTS)
        return false;
    for (unsigned i = 0; i < e->nsegments; i++) {
        const elf_segment_t *s = &e->segments[i];
        if (!seg_ok(s, size))
            return false;
        for (unsigned j = 0; j < i; j++) {
            if (!pages_disjoint(s, &e->segments[j]))
                return false;
        }
        if (s->exec && e->entry >= s->vaddr && e->entry - s->vaddr < s->memsz)
            entry_ok = true;
    }
    return entry_ok;
}

/* Counts the distinct refusal reasons seen, to show the fuzzer reaches many checks. */
static unsigned note_reason(const char *why)
{
    static const char *seen[64];
    static unsigned nseen;

    for (unsigned i = 0; i < nseen; i++) {
        if (strcmp(seen[i], why) == 0)
            return nseen;
    }
    if (nseen < ARRAY_SIZE(seen))
        seen[nseen++] = why;
    return nseen;
}

/* Random corruption of the standard image: never a crash, never a broken accepted image. */
static void test_fuzz(void)
{
    unsigned accepted = 0, refused_n = 0, broken = 0, bad_why = 0, reasons = 0;

    for (unsigned iter = 0; iter < 50000; iter++) {
        const char *why = NULL;
        image_std();
        for (unsigned n = 1 + xorshift64() % 4; n > 0; n--)
            mutate_once();
        if (elf_parse(img.buf, img.len, USER_END, &out, &why) == XR_OK) {
            accepted++;
            broken += !invariants_hold(&out, img.len);
        } else {
            refused_n++;
            bad_why += why == NULL || why[0] == '\0';
            if (why != NULL)
                reasons = note_reason(why);
        }
    }
    printf("# fuzz: %u accepted, %u refused, %u distinct reasons\n", accepted, refused_n, reasons);
    CHECK(broken == 0);
    CHECK(bad_why == 0);
    CHECK(accepted > 0 && refused_n > 0);
    CHECK(reasons >= 15);
}

int main(void)
{
    CHECK_GROUP("elf/valid", test_valid());
    CHECK_GROUP("elf/unaligned", test_unaligned());
    CHECK_GROUP("elf/ignored_types", test_ignored_types());
    CHECK_GROUP("elf/edges", test_edges());
    CHECK_GROUP("elf/max_segments", test_max_segments());
    CHECK_GROUP("elf/refuse/too_small", test_too_small());
    CHECK_GROUP("elf/refuse/magic", test_magic());
    CHECK_GROUP("elf/refuse/class", test_class());
    CHECK_GROUP("elf/refuse/endian", test_endian());
    CHECK_GROUP("elf/refuse/ident_version", test_ident_version());
    CHECK_GROUP("elf/refuse/version", test_version());
    CHECK_GROUP("elf/refuse/type", test_type());
    CHECK_GROUP("elf/refuse/machine", test_machine());
    CHECK_GROUP("elf/refuse/ehsize", test_ehsize());
    CHECK_GROUP("elf/refuse/phentsize", test_phentsize());
    CHECK_GROUP("elf/refuse/phnum_zero", test_phnum_zero());
    CHECK_GROUP("elf/refuse/phnum_large", test_phnum_large());
    CHECK_GROUP("elf/refuse/phoff_outside", test_phoff_outside());
    CHECK_GROUP("elf/refuse/filesz_gt_memsz", test_filesz_gt_memsz());
    CHECK_GROUP("elf/refuse/segment_outside_file", test_segment_outside_file());
    CHECK_GROUP("elf/refuse/wrap", test_wrap());
    CHECK_GROUP("elf/refuse/above_user_end", test_above_user_end());
    CHECK_GROUP("elf/refuse/null_page", test_null_page());
    CHECK_GROUP("elf/refuse/align_not_pow2", test_align_not_pow2());
    CHECK_GROUP("elf/refuse/page_congruence", test_page_congruence());
    CHECK_GROUP("elf/refuse/wx", test_wx());
    CHECK_GROUP("elf/refuse/overlap", test_overlap());
    CHECK_GROUP("elf/refuse/too_many_segments", test_too_many_segments());
    CHECK_GROUP("elf/refuse/no_load", test_no_load());
    CHECK_GROUP("elf/refuse/entry", test_entry());
    CHECK_GROUP("elf/refuse/interp", test_interp());
    CHECK_GROUP("elf/truncated", test_truncated());
    CHECK_GROUP("elf/fuzz", test_fuzz());
    return check_done();
}
