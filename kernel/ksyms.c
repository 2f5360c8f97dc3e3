/* Symbol lookup over the sorted table that the second link pass embeds in .ksyms. */
#include "kernel/ksyms.h"
#include "kernel/string.h"

struct ksym {
    uint64_t addr;
    const char *name;
};

/* Defined by the generated ksyms.S (empty in the first link pass). */
extern const uint64_t ksyms_nr;
extern const struct ksym ksyms_table[];
extern const char _text_start[], _text_end[];

uint64_t ksyms_count(void)
{
    return ksyms_nr;
}

const char *ksyms_lookup(uint64_t addr, uint64_t *offset)
{
    if (addr < (uint64_t)_text_start || addr >= (uint64_t)_text_end || ksyms_nr == 0)
        return NULL;
    uint64_t lo = 0, hi = ksyms_nr; /* find the last symbol with addr <= target */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ksyms_table[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (ksyms_table[lo].addr > addr)
        return NULL;
    if (offset)
        *offset = addr - ksyms_table[lo].addr;
    return ksyms_table[lo].name;
}

uint64_t ksyms_address(const char *name)
{
    for (uint64_t i = 0; i < ksyms_nr; i++)
        if (strcmp(ksyms_table[i].name, name) == 0)
            return ksyms_table[i].addr;
    return 0;
}
