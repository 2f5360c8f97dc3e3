/* The cost model proper: prices each executed instruction and memory access, keeps the totals,
 * and cuts them into the windows the guest marks. Knows nothing of QEMU (plugin.c feeds it), so
 * host tests can drive it with made-up instruction streams. One CPU. */
#ifndef COSTMODEL_MODEL_H
#define COSTMODEL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "cache.h"
#include "costs.h"
#include "decode.h"
#include "tlb.h"

/*
 * Markers: the guest executes `nopl MARK(%rax)` (0f 1f 80 + the 32-bit displacement), an
 * instruction that does nothing, to tell the model where its windows are (user/bench/bench.h):
 *   SEGMENT  a new loop of samples starts ("S" line);
 *   BEGIN    the next RDTSC opens a window;
 *   END      the window closes at the last RDTSC executed ("W" line);
 *   START    with the plugin's start=mark, modelling starts here (nothing is priced before).
 * A window thus covers exactly what the guest's TSC difference covers: from the first RDTSC
 * (included) to the second (excluded).
 */
#define MODEL_MARK_BASE    0x58520000u /* "XR" */
#define MODEL_MARK_MASK    0xffffff00u
#define MODEL_MARK_SEGMENT 0x58520001u
#define MODEL_MARK_BEGIN   0x58520002u
#define MODEL_MARK_END     0x58520003u
#define MODEL_MARK_START   0x58520004u

#define MODEL_NO_PADDR UINT64_MAX

/* One static instruction, decoded once when QEMU translates it. */
typedef struct model_insn {
    uint64_t vaddr;
    uint64_t paddr; /* of its first byte, or MODEL_NO_PADDR */
    insn_info_t info;
} model_insn_t;

/* Running totals; a window is the difference of two snapshots. */
typedef struct model_counters {
    cost_t cycles;
    uint64_t insns;
    uint64_t itlb_miss, dtlb_miss, walks; /* L1 TLB misses; STLB misses (page walks) */
    uint64_t l1i_miss, l1d_miss, l2_miss;
    uint64_t cr3_writes;
    uint64_t by_class[INSN_CLASS_COUNT]; /* executions per class (totals only) */
} model_counters_t;

typedef void (*model_emit_t)(const char *line);

typedef struct model {
    tlb_t tlb;
    caches_t caches;
    model_emit_t emit;
    model_counters_t now, at_rdtsc, begin;
    bool armed, open;
    uint64_t fetch_line; /* the line fetched last, or UINT64_MAX */
    uint64_t prev_vaddr; /* the instruction executed last */
    bool prev_rep;       /* ... and whether it was a rep string instruction */
} model_t;

/* Sets up an empty machine; emit receives each output line (with its newline). Returns false
 * when out of memory. */
bool model_init(model_t *m, const tlb_config_t *cfg, model_emit_t emit);

/* Frees what model_init allocated. */
void model_free(model_t *m);

/* Prices the execution of d (called before it runs, once per rep iteration). */
void model_exec(model_t *m, const model_insn_t *d);

/* Prices one data access of d at vaddr, backed by paddr (io: memory-mapped I/O, uncached). */
void model_mem(model_t *m, const model_insn_t *d, uint64_t vaddr, uint64_t paddr, bool store,
               bool io);

/* Emits the totals ("T" line) and the executions per class ("C" lines). */
void model_finish(model_t *m);

/* Formats the counters c as the fields of a "W" or "T" line (no newline) into buf. */
void model_format(const model_counters_t *c, char *buf, unsigned size);

#endif
