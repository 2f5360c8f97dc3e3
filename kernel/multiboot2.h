/* Defensive parser for the Multiboot2 boot information the boot loader hands to the kernel. */
#ifndef KERNEL_MULTIBOOT2_H
#define KERNEL_MULTIBOOT2_H

#include "lib/types.h"

#define MB2_MAX_MMAP     64
#define MB2_MAX_MODULES  32
#define MB2_MAX_WARNINGS 16

/* Tag types of the boot information that the parser reads (Multiboot2 specification, 3.6). */
enum mb2_tag_type {
    MB2_TAG_END = 0,
    MB2_TAG_CMDLINE = 1,
    MB2_TAG_LOADER = 2,
    MB2_TAG_MODULE = 3,
    MB2_TAG_MMAP = 6,
    MB2_TAG_FRAMEBUFFER = 8,
    MB2_TAG_ACPI_OLD = 14,
    MB2_TAG_ACPI_NEW = 15,
};

#define MB2_MEMORY_USABLE 1 /* mb2_region_t.type of RAM free for the kernel */
#define MB2_RSDP_V1_SIZE  20
#define MB2_RSDP_V2_SIZE  36

typedef struct mb2_region {
    uint64_t base, length;
    uint32_t type; /* MB2_MEMORY_USABLE, or another Multiboot2 memory type */
} mb2_region_t;

typedef struct mb2_module {
    uint32_t start, end; /* physical range [start, end) */
    const char *name;    /* the module line's text, inside the info; "" if malformed */
} mb2_module_t;

typedef struct mb2_info {
    const char *cmdline; /* inside the info, NUL-terminated; "" if absent */
    const char *loader;  /* inside the info, NUL-terminated; "" if absent */
    mb2_region_t mmap[MB2_MAX_MMAP];
    unsigned mmap_count;
    mb2_module_t modules[MB2_MAX_MODULES];
    unsigned module_count;
    bool has_fb;
    uint64_t fb_addr;
    uint32_t fb_pitch, fb_width, fb_height;
    uint8_t fb_bpp, fb_type;
    const void *rsdp;                       /* the RSDP copy inside the tag, or NULL */
    unsigned rsdp_version;                  /* 0 none, 1 old (tag 14), 2 new (tag 15, preferred) */
    uint32_t total_size;                    /* as the header states it, even if wrong */
    const char *warnings[MB2_MAX_WARNINGS]; /* static strings: what was wrong and ignored */
    unsigned warning_count;                 /* at most MB2_MAX_WARNINGS are kept */
} mb2_info_t;

/*
 * Parses the boot information at info, of which at most avail bytes are readable, into out
 * (entirely overwritten). Malformed parts are recorded in out->warnings and skipped. Returns
 * the number of problems found (0 = clean; may exceed MB2_MAX_WARNINGS). Never reads outside
 * [info, info + avail); any alignment of info is accepted. Pointers in out point into info.
 */
unsigned mb2_parse(const void *info, size_t avail, mb2_info_t *out);

/* Sum of the lengths of usable (type 1) regions in the map, saturating at UINT64_MAX. */
uint64_t mb2_usable_bytes(const mb2_info_t *mb);

#endif
