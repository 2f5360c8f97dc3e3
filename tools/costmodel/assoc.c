/* The set-associative LRU array of assoc.h. */
#include "assoc.h"

#include <stdlib.h>

bool assoc_init(assoc_t *a, const char *name, unsigned sets, unsigned ways)
{
    *a = (assoc_t){.name = name, .sets = sets, .ways = ways};
    a->way = calloc((size_t)sets * ways, sizeof(*a->way));
    return a->way != NULL;
}

static assoc_way_t *set_of(const assoc_t *a, uint64_t index)
{
    return &a->way[(index & (a->sets - 1)) * a->ways];
}

bool assoc_probe(const assoc_t *a, uint64_t key, uint64_t index)
{
    const assoc_way_t *s = set_of(a, index);
    for (unsigned i = 0; i < a->ways; i++)
        if (s[i].tag == key)
            return true;
    return false;
}

bool assoc_access(assoc_t *a, uint64_t key, uint64_t index, bool keep)
{
    assoc_way_t *s = set_of(a, index), *victim = &s[0];

    a->clock++;
    for (unsigned i = 0; i < a->ways; i++) {
        if (s[i].tag == key) {
            s[i].stamp = a->clock;
            return true;
        }
        if (s[i].tag == 0 ? victim->tag != 0 || s[i].stamp < victim->stamp
                          : victim->tag != 0 && s[i].stamp < victim->stamp)
            victim = &s[i];
    }
    *victim = (assoc_way_t){.tag = key, .stamp = a->clock, .keep = keep};
    return false;
}

void assoc_free(assoc_t *a)
{
    free(a->way);
    a->way = NULL;
}

void assoc_flush(assoc_t *a, bool all)
{
    for (unsigned i = 0; i < a->sets * a->ways; i++)
        if (all || !a->way[i].keep)
            a->way[i] = (assoc_way_t){0};
}
