/* Kernel symbol table, embedded in the image at build time (scripts/gen-ksyms). */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include "lib/types.h"

/* Name of the function containing addr and the offset into it, or NULL. */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset);
/* Address of the function named name, or 0. */
uint64_t ksyms_address(const char *name);
/* Number of symbols embedded. */
uint64_t ksyms_count(void);

#endif
