/* libFuzzer harness of the ELF parser: checks what elf_parse accepts, then loads it like spawn. */
#include <string.h>

#include "lib/elf.h"
#include "tests/fuzz/fuzz.h"

#define PAGE            4096u
#define NULL_PAGE_END   0x1000u
#define KERNEL_USER_END 0x00007ffffffff000ull /* MM_USER_END: the kernel loads init below it */
#define SPAWN_USER_END  0x0000800000000000ull /* USER_END of user/lib/spawn.c */
#define PHDR_SIZE       56
#define PT_LOAD         1
#define PT_INTERP       3

/* One parse: the bound it was given and what came back. */
struct run {
    uint64_t user_end;
    kerr_t err;
    const char *why;
    elf_image_t img;
};

/* The loaders' destination page; global so that the copies into it are not optimised away. */
static uint8_t page_copy[PAGE];

static uint64_t load(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The page-rounded end of [vaddr, vaddr + memsz), or 0 if it does not fit in 64 bits. */
static uint64_t page_end(uint64_t vaddr, uint64_t memsz)
{
    if (memsz > UINT64_MAX - vaddr || vaddr + memsz > UINT64_MAX - (PAGE - 1))
        return 0;
    return ALIGN_UP(vaddr + memsz, PAGE);
}

static void parse(struct run *r, const uint8_t *data, size_t size, uint64_t user_end)
{
    r->user_end = user_end;
    r->err = elf_parse(data, size, user_end, &r->img, &r->why);
    if (r->err == XR_OK) {
        FUZZ_ASSERT(r->why == NULL);
        return;
    }
    FUZZ_ASSERT(r->err == XR_ECORRUPT || r->err == XR_EINVAL || r->err == XR_ERANGE);
    FUZZ_ASSERT(r->why != NULL && r->why[0] != '\0');
    FUZZ_ASSERT(r->img.nsegments <= ELF_MAX_SEGMENTS);
}

/* The promises of elf_parse (lib/elf.h) about one accepted segment. */
static void check_segment(const elf_segment_t *s, size_t size, uint64_t user_end)
{
    FUZZ_ASSERT(s->memsz > 0);
    FUZZ_ASSERT(s->vaddr >= NULL_PAGE_END);
    FUZZ_ASSERT(s->filesz <= s->memsz);
    FUZZ_ASSERT(s->offset <= size && s->filesz <= size - s->offset);
    uint64_t end = page_end(s->vaddr, s->memsz);
    FUZZ_ASSERT(end != 0 && end <= user_end);
    FUZZ_ASSERT(s->vaddr % PAGE == s->offset % PAGE);
    FUZZ_ASSERT(!(s->write && s->exec));
}

static void check_accepted(const struct run *r, size_t size)
{
    const elf_image_t *img = &r->img;
    bool entry_inside = false;

    FUZZ_ASSERT(img->nsegments >= 1 && img->nsegments <= ELF_MAX_SEGMENTS);
    for (unsigned i = 0; i < img->nsegments; i++) {
        const elf_segment_t *s = &img->segments[i];
        check_segment(s, size, r->user_end);
        for (unsigned j = 0; j < i; j++) {
            const elf_segment_t *t = &img->segments[j];
            bool apart = page_end(s->vaddr, s->memsz) <= ALIGN_DOWN(t->vaddr, PAGE) ||
                         page_end(t->vaddr, t->memsz) <= ALIGN_DOWN(s->vaddr, PAGE);
            FUZZ_ASSERT(apart);
        }
        if (s->exec && img->entry >= s->vaddr && img->entry - s->vaddr < s->memsz)
            entry_inside = true;
    }
    FUZZ_ASSERT(entry_inside);
}

/*
 * Reads the program header table independently: an accepted image has no PT_INTERP and its
 * segments are exactly its non-empty PT_LOADs, in order. Returns the largest page-rounded
 * end of any PT_LOAD (empty ones included: the parser bounds those too).
 */
static uint64_t check_table(const uint8_t *data, size_t size, const elf_image_t *img)
{
    uint64_t phoff = load(data + 32, 8), phnum = load(data + 56, 2), highest = 0;
    unsigned n = 0;

    FUZZ_ASSERT(size >= 64 && load(data, 4) == 0x464c457f && load(data + 54, 2) == PHDR_SIZE);
    FUZZ_ASSERT(load(data + 16, 2) == 2 && load(data + 18, 2) == 62);
    FUZZ_ASSERT(img->entry == load(data + 24, 8));
    FUZZ_ASSERT(phnum >= 1 && phoff <= size && phnum * PHDR_SIZE <= size - phoff);
    for (uint64_t i = 0; i < phnum; i++) {
        const uint8_t *ph = data + phoff + i * PHDR_SIZE;
        uint64_t vaddr = load(ph + 16, 8), memsz = load(ph + 40, 8);
        FUZZ_ASSERT(load(ph, 4) != PT_INTERP);
        if (load(ph, 4) != PT_LOAD)
            continue;
        uint64_t end = page_end(vaddr, memsz);
        highest = end > highest ? end : highest;
        if (memsz == 0)
            continue;
        FUZZ_ASSERT(n < img->nsegments);
        const elf_segment_t *s = &img->segments[n++];
        FUZZ_ASSERT(s->vaddr == vaddr && s->memsz == memsz);
        FUZZ_ASSERT(s->offset == load(ph + 8, 8) && s->filesz == load(ph + 32, 8));
        FUZZ_ASSERT(s->write == ((load(ph + 4, 4) & 2) != 0));
        FUZZ_ASSERT(s->exec == ((load(ph + 4, 4) & 1) != 0));
    }
    FUZZ_ASSERT(n == img->nsegments);
    return highest;
}

/* Copies the file part of each segment page by page, as user/lib/spawn.c's load_page does. */
static void load_segments(const uint8_t *data, const elf_image_t *img)
{
    for (unsigned i = 0; i < img->nsegments; i++) {
        const elf_segment_t *s = &img->segments[i];
        uint64_t file_end = s->vaddr + s->filesz;
        for (uint64_t va = ALIGN_DOWN(s->vaddr, PAGE); va < file_end; va += PAGE) {
            uint64_t lo = va > s->vaddr ? va : s->vaddr;
            uint64_t hi = va + PAGE < file_end ? va + PAGE : file_end;
            memcpy(page_copy + (lo - va), data + s->offset + (lo - s->vaddr), hi - lo);
        }
    }
}

static void check_same(const struct run *a, const struct run *b)
{
    FUZZ_ASSERT(a->err == b->err && a->why == b->why);
    if (a->err != XR_OK)
        return;
    FUZZ_ASSERT(a->img.entry == b->img.entry && a->img.nsegments == b->img.nsegments);
    for (unsigned i = 0; i < a->img.nsegments; i++) {
        const elf_segment_t *s = &a->img.segments[i], *t = &b->img.segments[i];
        FUZZ_ASSERT(s->vaddr == t->vaddr && s->memsz == t->memsz);
        FUZZ_ASSERT(s->offset == t->offset && s->filesz == t->filesz);
        FUZZ_ASSERT(s->write == t->write && s->exec == t->exec);
    }
}

/*
 * The input is an executable file, as a boot module or as fs serves it. It is parsed from an
 * exactly-sized heap copy with the kernel's bound, with spawn's and with none; then from a copy
 * one byte off alignment. The bound may only refuse images whose PT_LOADs reach past it.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct run kernel, spawn, unbounded, shifted;
    uint8_t *a = malloc(size ? size : 1), *b = malloc(size + 1);

    FUZZ_ASSERT(a != NULL && b != NULL);
    if (size != 0) {
        memcpy(a, data, size);
        memcpy(b + 1, data, size);
    }
    parse(&kernel, a, size, KERNEL_USER_END);
    parse(&spawn, a, size, SPAWN_USER_END);
    parse(&unbounded, a, size, UINT64_MAX);
    parse(&shifted, b + 1, size, KERNEL_USER_END);
    check_same(&kernel, &shifted);
    if (unbounded.err == XR_OK) {
        check_accepted(&unbounded, size);
        uint64_t highest = check_table(a, size, &unbounded.img);
        FUZZ_ASSERT((kernel.err == XR_OK) == (highest <= KERNEL_USER_END));
        FUZZ_ASSERT((spawn.err == XR_OK) == (highest <= SPAWN_USER_END));
        load_segments(a, &unbounded.img);
    } else {
        FUZZ_ASSERT(kernel.err != XR_OK && spawn.err != XR_OK);
    }
    if (kernel.err == XR_OK) {
        check_accepted(&kernel, size);
        check_same(&kernel, &unbounded);
    }
    if (spawn.err == XR_OK) {
        check_accepted(&spawn, size);
        check_same(&spawn, &unbounded);
    }
    free(a);
    free(b);
    return 0;
}
