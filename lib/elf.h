/* Defensive ELF64 parser for static x86-64 executables (the init module, and user loaders). */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include "lib/types.h"

#define ELF_MAX_SEGMENTS 16

typedef struct elf_segment {
    uint64_t vaddr, memsz;   /* where it goes and how big in memory */
    uint64_t offset, filesz; /* what to copy from the file (filesz <= memsz) */
    bool write, exec;        /* from p_flags; never both (W^X) */
} elf_segment_t;

typedef struct elf_image {
    uint64_t entry;
    unsigned nsegments;
    elf_segment_t segments[ELF_MAX_SEGMENTS];
} elf_image_t;

/*
 * Checks the ELF64 image at data (size bytes, any alignment) and fills img with its PT_LOAD
 * segments, in program-header order. Returns XR_OK, or XR_ECORRUPT/XR_EINVAL/XR_ERANGE with
 * *why set to a static string naming the first problem found (why may be NULL; *why is NULL on
 * success). Never reads outside [data, data+size). img->entry and img->nsegments are reset
 * first; on failure img may hold the segments accepted before the problem.
 *
 * On success: 1 <= nsegments <= ELF_MAX_SEGMENTS; every segment has memsz > 0 (empty PT_LOADs
 * are skipped), 0x1000 <= vaddr, vaddr + memsz rounded up to a page <= user_end,
 * filesz <= memsz, offset + filesz <= size, vaddr and offset equal modulo 4096, not both write
 * and exec; no two segments touch a common page; entry lies inside an exec segment.
 */
kerr_t elf_parse(const void *data, size_t size, uint64_t user_end, elf_image_t *img,
                 const char **why);

#endif
