/* A set-associative array of tags with least-recently-used replacement: the one structure
 * behind every TLB and cache of the model. Deterministic: no randomness, no host addresses. */
#ifndef COSTMODEL_ASSOC_H
#define COSTMODEL_ASSOC_H

#include <stdbool.h>
#include <stdint.h>

typedef struct assoc_way {
    uint64_t tag;   /* the key; 0 = empty (keys are made non-zero by the callers) */
    uint64_t stamp; /* last use, for LRU */
    bool keep;      /* survives assoc_flush (a global TLB entry) */
} assoc_way_t;

typedef struct assoc {
    const char *name;
    unsigned sets, ways; /* sets is a power of two */
    uint64_t clock;
    assoc_way_t *way; /* sets * ways */
} assoc_t;

/* Allocates an empty array of sets * ways entries (sets a power of two). Returns false when
 * out of memory. */
bool assoc_init(assoc_t *a, const char *name, unsigned sets, unsigned ways);

/* Looks key up in the set index selects; on a miss, inserts it in place of the least recently
 * used way (keep as given). Returns true on a hit. key must not be 0. */
bool assoc_access(assoc_t *a, uint64_t key, uint64_t index, bool keep);

/* Looks key up without changing anything. */
bool assoc_probe(const assoc_t *a, uint64_t key, uint64_t index);

/* Frees the ways. */
void assoc_free(assoc_t *a);

/* Empties every way, or with all false only those without keep. */
void assoc_flush(assoc_t *a, bool all);

#endif
