/* The cost model of model.h: base cost per instruction class, fetch and data accesses through
 * the TLB and cache models, CR3 writes, rep strings, and the guest's windows. */
#include "model.h"

#include <stdio.h>

bool model_init(model_t *m, const tlb_config_t *cfg, model_emit_t emit)
{
    *m = (model_t){.emit = emit, .fetch_line = UINT64_MAX, .prev_vaddr = UINT64_MAX};
    return tlb_init(&m->tlb, cfg) && cache_init(&m->caches);
}

void model_free(model_t *m)
{
    tlb_free(&m->tlb);
    cache_free(&m->caches);
}

static bool is_rep(insn_class_t cls)
{
    return cls == INSN_REP_MOVS || cls == INSN_REP_STOS || cls == INSN_REP_OTHER;
}

/* The instruction's own cost: its row, or for a rep string's later iterations (QEMU executes
 * the instruction once per element) the rate per element. */
static cost_t insn_cost(model_t *m, const model_insn_t *d)
{
    const cost_row_t *row = costs_row(d->info.cls);
    bool again = is_rep(d->info.cls) && m->prev_rep && m->prev_vaddr == d->vaddr;

    m->prev_rep = is_rep(d->info.cls);
    m->prev_vaddr = d->vaddr;
    return again ? row->per_byte * d->info.elem : row->cost;
}

static cost_t level_cost(cache_level_t lvl, bool stream)
{
    if (lvl == CACHE_L2)
        return stream ? skylake_mem.stream_l2 : skylake_mem.l2_hit;
    if (lvl == CACHE_BEYOND)
        return stream ? skylake_mem.stream_l3 : skylake_mem.l3_hit;
    return 0;
}

/* The fetch of d's line: iTLB and L1I, once per new line. */
static void fetch(model_t *m, const model_insn_t *d)
{
    uint64_t line = d->paddr >> 6;

    if (d->paddr == MODEL_NO_PADDR || line == m->fetch_line)
        return;
    m->fetch_line = line;
    tlb_result_t t = tlb_access(&m->tlb, d->vaddr, d->paddr, true);
    m->now.cycles += t.cost;
    m->now.itlb_miss += t.l1_miss;
    m->now.walks += t.walk;
    cache_level_t lvl = cache_access(&m->caches, d->paddr, true);
    m->now.l1i_miss += lvl != CACHE_L1;
    m->now.l2_miss += lvl == CACHE_BEYOND;
    m->now.cycles += level_cost(lvl, false);
}

static void window_marker(model_t *m, uint32_t mark)
{
    char line[256];

    if (mark == MODEL_MARK_SEGMENT) {
        m->emit("S\n");
        m->open = m->armed = false;
    } else if (mark == MODEL_MARK_BEGIN) {
        m->armed = true;
    } else if (mark == MODEL_MARK_END && m->open) {
        model_counters_t w = m->at_rdtsc;
        w.cycles -= m->begin.cycles;
        w.insns -= m->begin.insns;
        w.itlb_miss -= m->begin.itlb_miss;
        w.dtlb_miss -= m->begin.dtlb_miss;
        w.walks -= m->begin.walks;
        w.l1i_miss -= m->begin.l1i_miss;
        w.l1d_miss -= m->begin.l1d_miss;
        w.l2_miss -= m->begin.l2_miss;
        w.cr3_writes -= m->begin.cr3_writes;
        line[0] = 'W';
        line[1] = ' ';
        model_format(&w, line + 2, sizeof(line) - 3);
        m->emit(line);
        m->open = false;
    }
}

void model_exec(model_t *m, const model_insn_t *d)
{
    if (d->info.cls == INSN_RDTSC) {
        m->at_rdtsc = m->now; /* the guest's TSC counts what ran before this instruction */
        if (m->armed) {
            m->begin = m->now;
            m->open = true;
            m->armed = false;
        }
    }
    if (d->info.marker)
        window_marker(m, d->info.marker);
    m->now.insns++;
    m->now.by_class[d->info.cls]++;
    fetch(m, d);
    m->now.cycles += insn_cost(m, d);
    if (d->info.cls == INSN_MOV_CR3) {
        m->now.cr3_writes++;
        tlb_cr3_write(&m->tlb);
        m->fetch_line = UINT64_MAX; /* the next fetch translates again */
    }
}

void model_mem(model_t *m, const model_insn_t *d, uint64_t vaddr, uint64_t paddr, bool store,
               bool io)
{
    tlb_result_t t = tlb_access(&m->tlb, vaddr, paddr, false);
    m->now.cycles += t.cost;
    m->now.dtlb_miss += t.l1_miss;
    m->now.walks += t.walk;
    if (io)
        return;
    cache_level_t lvl = cache_access(&m->caches, paddr, false);
    m->now.l1d_miss += lvl != CACHE_L1;
    m->now.l2_miss += lvl == CACHE_BEYOND;
    /* A plain store's miss waits in the store buffer; a rep string streams its lines. */
    if (is_rep(d->info.cls))
        m->now.cycles += level_cost(lvl, true);
    else if (!store)
        m->now.cycles += level_cost(lvl, false);
}

void model_format(const model_counters_t *c, char *buf, unsigned size)
{
    snprintf(buf, size, "%llu %llu %llu %llu %llu %llu %llu %llu %llu\n",
             (unsigned long long)((c->cycles + COST_ONE / 2) / COST_ONE),
             (unsigned long long)c->insns, (unsigned long long)c->itlb_miss,
             (unsigned long long)c->dtlb_miss, (unsigned long long)c->walks,
             (unsigned long long)c->l1i_miss, (unsigned long long)c->l1d_miss,
             (unsigned long long)c->l2_miss, (unsigned long long)c->cr3_writes);
}

void model_finish(model_t *m)
{
    char line[256];

    line[0] = 'T';
    line[1] = ' ';
    model_format(&m->now, line + 2, sizeof(line) - 3);
    m->emit(line);
    for (unsigned i = 0; i < INSN_CLASS_COUNT; i++) {
        if (!m->now.by_class[i])
            continue;
        snprintf(line, sizeof(line), "C %s %llu\n", decode_class_name((insn_class_t)i),
                 (unsigned long long)m->now.by_class[i]);
        m->emit(line);
    }
}
