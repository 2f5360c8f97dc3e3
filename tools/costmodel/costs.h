/* The priced model of one CPU (Intel Skylake client, e.g. Core i7-6700): cycles per instruction
 * class and the latencies of the memory hierarchy, each with its source (costs.c). */
#ifndef COSTMODEL_COSTS_H
#define COSTMODEL_COSTS_H

#include <stdint.h>

#include "decode.h"

/* Costs are fixed point: 1/COST_ONE cycle, so that rates below one cycle per byte stay exact
 * integers and every total is deterministic. */
typedef uint64_t cost_t;
#define COST_ONE 64u
#define CYC(n)   ((cost_t)((n)*COST_ONE))

/* One row of the instruction table. */
typedef struct cost_row {
    insn_class_t cls;
    cost_t cost;        /* per execution (for rep strings: the start-up) */
    cost_t per_byte;    /* rep strings only: each further iteration costs elem * per_byte */
    const char *source; /* where the number comes from */
} cost_row_t;

/* The memory hierarchy: penalties added to an instruction, and the structures' shapes. */
typedef struct mem_costs {
    cost_t l2_hit;    /* a load or fetch that misses L1 and hits L2 */
    cost_t l3_hit;    /* a load or fetch that misses L2 (L3 is assumed to hit) */
    cost_t stream_l2; /* a line a rep string brings from L2 (bandwidth, not latency) */
    cost_t stream_l3; /* ... from beyond L2 */
    cost_t stlb_hit;  /* an L1 TLB miss that hits the shared L2 TLB (STLB) */
    cost_t page_walk; /* an STLB miss: the page walk, added to stlb_hit */
} mem_costs_t;

extern const mem_costs_t skylake_mem;

/* The row of cls (every class has one). */
const cost_row_t *costs_row(insn_class_t cls);

/* The whole table, for the report the plugin prints at start-up; *count gets its length. */
const cost_row_t *costs_table(unsigned *count);

#endif
