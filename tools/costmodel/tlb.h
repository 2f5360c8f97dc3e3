/* The TLB model: Skylake's L1 instruction and data TLBs and the shared L2 TLB (STLB), global
 * pages, the flush of a CR3 write, and the PCID what-if in which entries survive it. */
#ifndef COSTMODEL_TLB_H
#define COSTMODEL_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "assoc.h"
#include "costs.h"

/* What the model cannot see in the guest's page tables, given by the plugin's arguments. */
typedef struct tlb_config {
    bool pcid;          /* what-if: a CR3 write keeps every entry (entries are tagged with the
                           physical page they map, which stands in for the address space) */
    bool global_kernel; /* upper-half pages are global (x-realism without kpti) */
    uint64_t dmap_base, dmap_end;     /* the direct map, mapped with 2 MiB pages ... */
    uint64_t dmap_small_end;          /* ... except [dmap_base, dmap_small_end), 4 KiB */
    uint64_t kimage_base, kimage_end; /* 2 MiB pages too (Linux's kernel image), or empty */
} tlb_config_t;

typedef struct tlb {
    tlb_config_t cfg;
    assoc_t itlb4k, itlb2m, dtlb4k, dtlb2m, stlb;
} tlb_t;

/* What one access cost the TLBs. */
typedef struct tlb_result {
    cost_t cost;
    bool l1_miss, walk;
} tlb_result_t;

/* Builds the empty TLBs with Skylake's shapes. Returns false when out of memory. */
bool tlb_init(tlb_t *t, const tlb_config_t *cfg);

/* Frees what tlb_init allocated. */
void tlb_free(tlb_t *t);

/* Translates vaddr (mapped to paddr) for a fetch or a data access: the L1 TLB of that kind,
 * then the STLB, then a page walk; fills the TLBs. */
tlb_result_t tlb_access(tlb_t *t, uint64_t vaddr, uint64_t paddr, bool fetch);

/* A CR3 write: flushes every non-global entry, unless the PCID what-if is on. */
void tlb_cr3_write(tlb_t *t);

#endif
