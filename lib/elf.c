/* ELF64 executable parser: byte-wise loads, overflow-safe bounds, first problem wins. */
#include "lib/elf.h"

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define MAX_PHNUM 64
#define ELF_PAGE  4096u
#define NULL_PAGE 0x1000u

enum {
    EI_CLASS = 4,
    EI_DATA = 5,
    EI_VERSION = 6,
    ELFCLASS64 = 2,
    ELFDATA2LSB = 1,
    EV_CURRENT = 1,
    ET_EXEC = 2,
    EM_X86_64 = 62,
    PT_LOAD = 1,
    PT_INTERP = 3,
    PF_X = 1,
    PF_W = 2,
};

/* The ELF header fields the parser uses. */
struct ehdr {
    uint16_t type, machine, ehsize, phentsize, phnum;
    uint32_t version;
    uint64_t entry, phoff;
};

struct phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz, align;
};

struct parser {
    const uint8_t *data;
    size_t size;
    uint64_t user_end;
    elf_image_t *img;
    const char *why;
};

/* Little-endian loads byte by byte: the image may sit at any alignment. */
static uint16_t load16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t load32(const uint8_t *p)
{
    return (uint32_t)load16(p) | (uint32_t)load16(p + 2) << 16;
}

static uint64_t load64(const uint8_t *p)
{
    return (uint64_t)load32(p) | (uint64_t)load32(p + 4) << 32;
}

static kerr_t refuse(struct parser *ps, kerr_t err, const char *why)
{
    ps->why = why;
    return err;
}

/* Whether [off, off + len) lies inside the file, without computing a sum that could wrap. */
static bool in_file(const struct parser *ps, uint64_t off, uint64_t len)
{
    return off <= ps->size && len <= ps->size - off;
}

static kerr_t check_ident(struct parser *ps)
{
    const uint8_t *id = ps->data;

    if (ps->size < EHDR_SIZE)
        return refuse(ps, XR_ECORRUPT, "image smaller than the ELF header");
    if (id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F')
        return refuse(ps, XR_ECORRUPT, "bad ELF magic");
    if (id[EI_CLASS] != ELFCLASS64)
        return refuse(ps, XR_EINVAL, "not a 64-bit ELF (ELFCLASS64)");
    if (id[EI_DATA] != ELFDATA2LSB)
        return refuse(ps, XR_EINVAL, "not a little-endian ELF");
    if (id[EI_VERSION] != EV_CURRENT)
        return refuse(ps, XR_ECORRUPT, "ELF identification version is not 1");
    return XR_OK;
}

static struct ehdr read_ehdr(const uint8_t *p)
{
    return (struct ehdr){
        .type = load16(p + 16),
        .machine = load16(p + 18),
        .version = load32(p + 20),
        .entry = load64(p + 24),
        .phoff = load64(p + 32),
        .ehsize = load16(p + 52),
        .phentsize = load16(p + 54),
        .phnum = load16(p + 56),
    };
}

static kerr_t check_ehdr(struct parser *ps, const struct ehdr *eh)
{
    if (eh->version != EV_CURRENT)
        return refuse(ps, XR_ECORRUPT, "ELF version is not 1");
    if (eh->type != ET_EXEC)
        return refuse(ps, XR_EINVAL, "not ET_EXEC: only static executables are supported");
    if (eh->machine != EM_X86_64)
        return refuse(ps, XR_EINVAL, "not an x86-64 executable");
    if (eh->ehsize < EHDR_SIZE)
        return refuse(ps, XR_ECORRUPT, "ELF header size too small");
    if (eh->phentsize != PHDR_SIZE)
        return refuse(ps, XR_ECORRUPT, "program header entry size is not 56");
    if (eh->phnum == 0)
        return refuse(ps, XR_ECORRUPT, "no program headers");
    if (eh->phnum > MAX_PHNUM)
        return refuse(ps, XR_ERANGE, "more than 64 program headers");
    /* phnum <= 64, so the table length cannot overflow. */
    if (!in_file(ps, eh->phoff, (uint64_t)eh->phnum * PHDR_SIZE))
        return refuse(ps, XR_ECORRUPT, "program header table outside the file");
    return XR_OK;
}

static struct phdr read_phdr(const uint8_t *p)
{
    return (struct phdr){
        .type = load32(p),
        .flags = load32(p + 4),
        .offset = load64(p + 8),
        .vaddr = load64(p + 16),
        .filesz = load64(p + 32),
        .memsz = load64(p + 40),
        .align = load64(p + 48),
    };
}

/* The page-rounded end of the segment's memory, or 0 if that end does not fit in 64 bits. */
static uint64_t page_end(const struct phdr *ph)
{
    uint64_t end = ph->vaddr + ph->memsz;

    if (end < ph->vaddr || end > UINT64_MAX - (ELF_PAGE - 1))
        return 0;
    return ALIGN_UP(end, ELF_PAGE);
}

/* The memory and file checks of one PT_LOAD, in isolation from the other segments. */
static kerr_t check_load(struct parser *ps, const struct phdr *ph)
{
    if (ph->filesz > ph->memsz)
        return refuse(ps, XR_ECORRUPT, "segment file size larger than its memory size");
    if (!in_file(ps, ph->offset, ph->filesz))
        return refuse(ps, XR_ECORRUPT, "segment data outside the file");
    if (ph->vaddr < NULL_PAGE)
        return refuse(ps, XR_ERANGE, "segment in the null page (below 0x1000)");
    uint64_t end = page_end(ph);
    if (end == 0)
        return refuse(ps, XR_ERANGE, "segment wraps around the address space");
    if (end > ps->user_end)
        return refuse(ps, XR_ERANGE, "segment above the end of user space");
    if ((ph->align & (ph->align - 1)) != 0)
        return refuse(ps, XR_ECORRUPT, "segment alignment not a power of two");
    if (ph->vaddr % ELF_PAGE != ph->offset % ELF_PAGE)
        return refuse(ps, XR_ECORRUPT, "segment address and file offset differ within a page");
    if ((ph->flags & PF_W) && (ph->flags & PF_X))
        return refuse(ps, XR_EINVAL, "segment both writable and executable (W^X)");
    return XR_OK;
}

/* Whether the page-rounded memory ranges of a and b share a page. */
static bool pages_overlap(const elf_segment_t *a, const elf_segment_t *b)
{
    uint64_t a_lo = ALIGN_DOWN(a->vaddr, ELF_PAGE), a_hi = ALIGN_UP(a->vaddr + a->memsz, ELF_PAGE);
    uint64_t b_lo = ALIGN_DOWN(b->vaddr, ELF_PAGE), b_hi = ALIGN_UP(b->vaddr + b->memsz, ELF_PAGE);

    return a_lo < b_hi && b_lo < a_hi;
}

/* Records a checked PT_LOAD unless it is empty, refusing one past the limit or one overlapping. */
static kerr_t add_segment(struct parser *ps, const struct phdr *ph)
{
    elf_image_t *img = ps->img;

    if (ph->memsz == 0)
        return XR_OK;
    if (img->nsegments == ELF_MAX_SEGMENTS)
        return refuse(ps, XR_ERANGE, "more than 16 loadable segments");
    elf_segment_t seg = {
        .vaddr = ph->vaddr,
        .memsz = ph->memsz,
        .offset = ph->offset,
        .filesz = ph->filesz,
        .write = (ph->flags & PF_W) != 0,
        .exec = (ph->flags & PF_X) != 0,
    };
    for (unsigned i = 0; i < img->nsegments; i++) {
        if (pages_overlap(&img->segments[i], &seg))
            return refuse(ps, XR_ECORRUPT, "two loadable segments overlap in memory");
    }
    img->segments[img->nsegments++] = seg;
    return XR_OK;
}

static kerr_t parse_phdr(struct parser *ps, const struct phdr *ph)
{
    kerr_t err;

    if (ph->type == PT_INTERP)
        return refuse(ps, XR_EINVAL, "dynamic executables are not supported (PT_INTERP)");
    if (ph->type != PT_LOAD)
        return XR_OK;
    err = check_load(ps, ph);
    if (err != XR_OK)
        return err;
    return add_segment(ps, ph);
}

static kerr_t parse_phdrs(struct parser *ps, const struct ehdr *eh)
{
    for (unsigned i = 0; i < eh->phnum; i++) {
        struct phdr ph = read_phdr(ps->data + eh->phoff + (uint64_t)i * PHDR_SIZE);
        kerr_t err = parse_phdr(ps, &ph);
        if (err != XR_OK)
            return err;
    }
    if (ps->img->nsegments == 0)
        return refuse(ps, XR_ECORRUPT, "no loadable segment");
    return XR_OK;
}

static kerr_t check_entry(struct parser *ps)
{
    const elf_image_t *img = ps->img;

    for (unsigned i = 0; i < img->nsegments; i++) {
        const elf_segment_t *s = &img->segments[i];
        if (s->exec && img->entry >= s->vaddr && img->entry - s->vaddr < s->memsz)
            return XR_OK;
    }
    return refuse(ps, XR_ECORRUPT, "entry point not inside an executable segment");
}

static kerr_t parse(struct parser *ps)
{
    kerr_t err = check_ident(ps);
    if (err != XR_OK)
        return err;
    struct ehdr eh = read_ehdr(ps->data);
    err = check_ehdr(ps, &eh);
    if (err != XR_OK)
        return err;
    ps->img->entry = eh.entry;
    err = parse_phdrs(ps, &eh);
    if (err != XR_OK)
        return err;
    return check_entry(ps);
}

kerr_t elf_parse(const void *data, size_t size, uint64_t user_end, elf_image_t *img,
                 const char **why)
{
    struct parser ps = {.data = data, .size = size, .user_end = user_end, .img = img};

    img->entry = 0;
    img->nsegments = 0;
    if (data == NULL)
        ps.size = 0;
    kerr_t err = parse(&ps);
    if (why != NULL)
        *why = err == XR_OK ? NULL : ps.why;
    return err;
}
