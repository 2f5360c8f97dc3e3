/* Defensive parser for the Multiboot2 boot information the boot loader hands to the kernel. */
#ifndef KERNEL_MULTIBOOT2_H
#define KERNEL_MULTIBOOT2_H

#include "lib/types.h"

#define MB2_MAX_MMAP     128 /* UEFI machines can have long maps */
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
    MB2_TAG_EFI32 = 11, /* the EFI system table's physical address (32-bit firmware) */
    MB2_TAG_EFI64 = 12, /* ... (64-bit firmware) */
    MB2_TAG_ACPI_OLD = 14,
    MB2_TAG_ACPI_NEW = 15,
    MB2_TAG_EFI_MMAP = 17, /* the firmware's own memory map (boot services exited) */
    MB2_TAG_EFI_BS = 18,   /* boot services were left running (not exited) */
    MB2_TAG_EFI32_IH = 19, /* the EFI image handle */
    MB2_TAG_EFI64_IH = 20,
};

/* mb2_info_t.fb_type */
#define MB2_FB_INDEXED 0
#define MB2_FB_RGB     1 /* direct colour: fb_red/green/blue give each channel's bits */
#define MB2_FB_EGA     2 /* EGA text: fb_width x fb_height characters, not pixels */

#define MB2_MEMORY_USABLE   1 /* mb2_region_t.type of RAM free for the kernel */
#define MB2_MEMORY_RESERVED 2
#define MB2_MEMORY_ACPI     3 /* ACPI tables, reclaimable once read */
#define MB2_MEMORY_NVS      4 /* ACPI non-volatile storage: keep */
#define MB2_MEMORY_BAD      5
#define MB2_RSDP_V1_SIZE    20
#define MB2_RSDP_V2_SIZE    36

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
    struct {
        uint8_t pos, size;       /* the channel's lowest bit in a pixel and its width */
    } fb_red, fb_green, fb_blue; /* fb_type MB2_FB_RGB only; zero otherwise */
    bool efi;                    /* an EFI tag was there: the machine booted through UEFI */
    bool efi_bs_active;          /* tag 18: the loader did not exit the firmware's boot services */
    uint64_t efi_systab;         /* the EFI system table's physical address, or 0 */
    const uint8_t *efi_mmap;     /* the first EFI memory descriptor inside the info, or NULL */
    uint32_t efi_mmap_count;     /* whole descriptors at efi_mmap */
    uint32_t efi_mmap_desc_size; /* bytes from one descriptor to the next (at least 40) */
    bool mmap_from_efi;          /* mmap[] was derived from the EFI map (there was no tag 6) */
    const void *rsdp;            /* the RSDP copy inside the tag, or NULL */
    unsigned rsdp_version;       /* 0 none, 1 old (tag 14), 2 new (tag 15, preferred) */
    uint32_t total_size;         /* as the header states it, even if wrong */
    const char *warnings[MB2_MAX_WARNINGS]; /* static strings: what was wrong and ignored */
    unsigned warning_count;                 /* at most MB2_MAX_WARNINGS are kept */
} mb2_info_t;

/*
 * Parses the boot information at info, of which at most avail bytes are readable, into out
 * (entirely overwritten). Malformed parts are recorded in out->warnings and skipped. Returns
 * the number of problems found (0 = clean; may exceed MB2_MAX_WARNINGS). Never reads outside
 * [info, info + avail); any alignment of info is accepted. Pointers in out point into info.
 * Without a usable Multiboot2 memory map (tag 6) but with an EFI one (tag 17), mmap[] is
 * derived from the EFI descriptors (adjacent ones of one type merged; mmap_from_efi set).
 */
unsigned mb2_parse(const void *info, size_t avail, mb2_info_t *out);

/* Sum of the lengths of usable (type 1) regions in the map, saturating at UINT64_MAX. */
uint64_t mb2_usable_bytes(const mb2_info_t *mb);

#endif
