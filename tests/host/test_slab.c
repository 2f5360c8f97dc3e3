/* Host tests for mm/slab: debug detections, misuse, page accounting, and long random runs. */
#include <stdlib.h>
#include <string.h>

#include "mm/slab.h"
#include "tests/host/check.h"

/* --- counting page source ------------------------------------------------------------------- */

#define MAX_BLOCKS 4096

typedef struct block {
    uint8_t *page; /* what the cache got */
    uint8_t *mem;  /* what aligned_alloc gave */
    unsigned order;
} block_t;

/* One source per cache, so each cache's pages can be told apart. */
typedef struct source {
    block_t blocks[MAX_BLOCKS];
    size_t nblocks;
    long pages;    /* pages this source has out */
    unsigned bad;  /* frees of pages it never gave, or with the wrong order */
    bool fail;     /* answer NULL */
    bool misalign; /* answer a page that is not aligned to its size */
} source_t;

static long pages_out; /* over all sources */

static void *source_alloc(void *ctx, unsigned order)
{
    source_t *src = ctx;
    size_t bytes = (size_t)SLAB_PAGE_SIZE << order;
    uint8_t *mem;

    if (src->fail || src->nblocks == MAX_BLOCKS)
        return NULL;
    mem = aligned_alloc(bytes, src->misalign ? 2 * bytes : bytes);
    if (!mem)
        return NULL;
    src->blocks[src->nblocks].mem = mem;
    src->blocks[src->nblocks].page = src->misalign ? mem + SLAB_PAGE_SIZE / 2 : mem;
    src->blocks[src->nblocks].order = order;
    src->pages += 1L << order;
    pages_out += 1L << order;
    return src->blocks[src->nblocks++].page;
}

static void source_free(void *ctx, void *page, unsigned order)
{
    source_t *src = ctx;

    for (size_t i = 0; i < src->nblocks; i++) {
        if (src->blocks[i].page != page)
            continue;
        if (src->blocks[i].order != order)
            break;
        free(src->blocks[i].mem);
        src->blocks[i] = src->blocks[--src->nblocks];
        src->pages -= 1L << order;
        pages_out -= 1L << order;
        return;
    }
    src->bad++;
}

/* --- report recorder ------------------------------------------------------------------------ */

static unsigned reports;
static const void *last_obj;
static const char *last_what;
static const slab_cache_t *last_cache;

static void record_report(const slab_cache_t *c, const void *obj, const char *what)
{
    reports++;
    last_cache = c;
    last_obj = obj;
    last_what = what;
}

static void reset_reports(void)
{
    reports = 0;
    last_obj = NULL;
    last_what = "";
    last_cache = NULL;
}

/* Exactly one report since reset, about obj, whose text contains word. */
static bool reported(const slab_cache_t *c, const void *obj, const char *word)
{
    return reports == 1 && last_cache == c && last_obj == obj && strstr(last_what, word) != NULL;
}

static source_t *new_source(void)
{
    return calloc(1, sizeof(source_t));
}

static bool make_cache(slab_cache_t *c, source_t *src, size_t size, unsigned flags)
{
    if (slab_cache_init(c, "test", size, 0, flags, source_alloc, source_free, src) != XR_OK)
        return false;
    slab_cache_set_report(c, record_report);
    return true;
}

/* Destroy c and confirm its source has every page back and saw no bad free. */
static bool teardown(slab_cache_t *c, source_t *src)
{
    bool ok =
        slab_cache_destroy(c) == XR_OK && src->pages == 0 && src->nblocks == 0 && src->bad == 0;

    free(src);
    return ok;
}

/* --- debug-mode detections ------------------------------------------------------------------ */

static void test_write_after_free(void)
{
    slab_cache_t c;
    source_t *src = new_source();
    uint8_t *p, *q;

    CHECK(make_cache(&c, src, 64, SLAB_DEBUG));
    p = slab_alloc(&c);
    CHECK(p != NULL);
    CHECK(slab_free(&c, p) == XR_OK);
    reset_reports();
    p[10] = 0x42;
    q = slab_alloc(&c);
    CHECK(q == p);
    CHECK(reported(&c, p, "write after free"));
    CHECK(slab_check(&c) && slab_cache_objects(&c) == 1 && slab_cache_errors(&c) == 1);
    CHECK(slab_free(&c, q) == XR_OK && reports == 1);
    CHECK(teardown(&c, src));
}

static void test_overrun(void)
{
    slab_cache_t c;
    source_t *src = new_source();
    uint8_t *p, *other;

    CHECK(make_cache(&c, src, 64, SLAB_DEBUG));
    p = slab_alloc(&c);
    other = slab_alloc(&c);
    CHECK(p != NULL && other != NULL);
    reset_reports();
    p[64] = 0; /* one byte past the end */
    CHECK(!slab_check(&c));
    CHECK(slab_free(&c, p) == XR_OK);
    CHECK(reported(&c, p, "red zone"));
    CHECK(slab_check(&c) && slab_cache_objects(&c) == 1);
    p = slab_alloc(&c);
    reset_reports();
    p[-1] = 0; /* one byte before the start */
    CHECK(slab_free(&c, p) == XR_OK);
    CHECK(reported(&c, p, "red zone"));
    CHECK(slab_check(&c) && slab_cache_objects(&c) == 1 && slab_cache_errors(&c) == 2);
    CHECK(slab_free(&c, other) == XR_OK && teardown(&c, src));
}

static void test_double_free_debug(void)
{
    slab_cache_t c;
    source_t *src = new_source();
    void *p, *other;

    CHECK(make_cache(&c, src, 24, SLAB_DEBUG));
    p = slab_alloc(&c);
    other = slab_alloc(&c);
    CHECK(slab_free(&c, p) == XR_OK);
    reset_reports();
    CHECK(slab_free(&c, p) == XR_EDOUBLE);
    CHECK(reported(&c, p, "double free"));
    CHECK(slab_check(&c) && slab_cache_objects(&c) == 1);
    CHECK(slab_free(&c, other) == XR_OK && teardown(&c, src));
}

/* Free obj into c: must be refused with err, reported once, and change nothing. */
static bool refused(slab_cache_t *c, void *obj, kerr_t err, const char *word)
{
    uint64_t objects = slab_cache_objects(c), slabs = slab_cache_slabs(c);
    bool ok;

    reset_reports();
    ok = slab_free(c, obj) == err && reported(c, obj, word);
    return ok && slab_cache_objects(c) == objects && slab_cache_slabs(c) == slabs && slab_check(c);
}

static void test_foreign_pointers(unsigned flags)
{
    slab_cache_t a, b, big;
    source_t *sa = new_source(), *sb = new_source(), *sbig = new_source();
    uint8_t *pa, *pb, *pbig, *page;
    uint8_t *plain = aligned_alloc(SLAB_PAGE_SIZE, SLAB_PAGE_SIZE);

    CHECK(make_cache(&a, sa, 64, flags) && make_cache(&b, sb, 64, flags));
    CHECK(make_cache(&big, sbig, 2048, flags));
    pa = slab_alloc(&a);
    pb = slab_alloc(&b);
    pbig = slab_alloc(&big);
    CHECK(pa && pb && pbig);
    CHECK(refused(&a, pb, XR_EINVAL, "not in a slab"));
    CHECK(refused(&a, pbig, XR_EINVAL, "not in a slab"));
    CHECK(refused(&a, pa + 1, XR_EINVAL, "misaligned"));
    CHECK(refused(&a, pa + 8, XR_EINVAL, "misaligned"));
    page = (uint8_t *)((uintptr_t)pa & ~(uintptr_t)(SLAB_PAGE_SIZE - 1));
    CHECK(refused(&a, page + 16, XR_EINVAL, "header"));
    memset(plain, 0, SLAB_PAGE_SIZE);
    CHECK(refused(&a, plain + 64, XR_EINVAL, "not in a slab"));
    CHECK(slab_cache_objects(&b) == 1 && slab_check(&b) && slab_check(&big));
    CHECK(slab_cache_errors(&a) == 6);
    CHECK(slab_free(&a, NULL) == XR_OK);
    CHECK(slab_free(&a, pa) == XR_OK && slab_free(&b, pb) == XR_OK);
    CHECK(slab_free(&big, pbig) == XR_OK);
    CHECK(teardown(&a, sa) && teardown(&b, sb) && teardown(&big, sbig));
    free(plain);
}

/* --- non-debug behaviour --------------------------------------------------------------------- */

static void test_double_free_plain(void)
{
    slab_cache_t c;
    source_t *src = new_source();
    void *p, *other;

    CHECK(make_cache(&c, src, 8, 0));
    p = slab_alloc(&c);
    other = slab_alloc(&c);
    CHECK(slab_free(&c, p) == XR_OK);
    CHECK(refused(&c, p, XR_EDOUBLE, "double free"));
    CHECK(slab_free(&c, other) == XR_OK && teardown(&c, src));
}

static void test_corrupt_link(void)
{
    slab_cache_t c;
    source_t *src = new_source();
    uint8_t *p, *other, *got[64];
    bool distinct = true;

    CHECK(make_cache(&c, src, 64, 0));
    p = slab_alloc(&c);
    other = slab_alloc(&c);
    CHECK(p != NULL && other != NULL);
    CHECK(slab_free(&c, p) == XR_OK);
    reset_reports();
    memset(p, 0x5a, 8); /* a write after free lands on the free-list link */
    got[0] = slab_alloc(&c);
    CHECK(reports == 1 && strstr(last_what, "free list") != NULL);
    CHECK(got[0] != NULL && slab_check(&c));
    for (unsigned i = 1; i < 64; i++) {
        got[i] = slab_alloc(&c);
        for (unsigned j = 0; j < i; j++)
            distinct = distinct && got[i] != got[j];
    }
    CHECK(distinct && reports == 1 && slab_check(&c));
    for (unsigned i = 0; i < 64; i++)
        CHECK(slab_free(&c, got[i]) == XR_OK);
    CHECK(slab_free(&c, other) == XR_OK && teardown(&c, src));
}

/* --- page source and lifecycle ---------------------------------------------------------------- */

static void test_source_failure(void)
{
    slab_cache_t c;
    source_t *src = new_source();
    void *p;

    CHECK(make_cache(&c, src, 200, SLAB_DEBUG));
    src->fail = true;
    CHECK(slab_alloc(&c) == NULL);
    CHECK(slab_cache_objects(&c) == 0 && slab_cache_slabs(&c) == 0 && slab_check(&c));
    src->fail = false;
    src->misalign = true;
    reset_reports();
    CHECK(slab_alloc(&c) == NULL);
    CHECK(reports == 1 && strstr(last_what, "misaligned slab") != NULL);
    CHECK(src->pages == 0 && src->bad == 0 && slab_cache_slabs(&c) == 0);
    src->misalign = false;
    p = slab_alloc(&c);
    CHECK(p != NULL && (long)slab_cache_pages(&c) == src->pages);
    CHECK(slab_free(&c, p) == XR_OK);
    CHECK(teardown(&c, src));
}

static void test_spare_and_destroy(void)
{
    slab_cache_t c;
    source_t *src = new_source();
    void *objs[64];
    unsigned n = 0;

    CHECK(make_cache(&c, src, 1000, 0));
    while (slab_cache_slabs(&c) < 4)
        objs[n++] = slab_alloc(&c);
    CHECK(slab_cache_objects(&c) == n && slab_check(&c));
    CHECK(slab_cache_destroy(&c) == XR_EBUSY && slab_cache_slabs(&c) == 4);
    for (unsigned i = 0; i < n; i++)
        CHECK(slab_free(&c, objs[i]) == XR_OK);
    CHECK(slab_cache_slabs(&c) == 1 && src->pages == (long)slab_cache_pages(&c));
    CHECK(slab_check(&c));
    CHECK(teardown(&c, src));
    CHECK(slab_alloc(&c) == NULL); /* destroyed */
}

static void test_init_and_layout(void)
{
    slab_cache_t c;
    source_t *src = new_source();
    const size_t sizes[] = {1, 8, 2048, 4096, SLAB_MAX_OBJSIZE};
    bool ok = true;

    CHECK(slab_cache_init(&c, "x", 0, 0, 0, source_alloc, source_free, src) == XR_EINVAL);
    CHECK(slab_cache_init(&c, "x", SLAB_MAX_OBJSIZE + 1, 0, 0, source_alloc, source_free, src) ==
          XR_EINVAL);
    CHECK(slab_cache_init(&c, "x", 64, 24, 0, source_alloc, source_free, src) == XR_EINVAL);
    CHECK(slab_cache_init(&c, "x", 64, 8192, 0, source_alloc, source_free, src) == XR_EINVAL);
    CHECK(slab_cache_init(&c, "x", 64, 0, 0x80, source_alloc, source_free, src) == XR_EINVAL);
    CHECK(slab_cache_init(&c, "x", 64, 0, 0, NULL, source_free, src) == XR_EINVAL);
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        for (unsigned flags = 0; flags <= SLAB_DEBUG; flags++) {
            for (size_t align = 8; align <= SLAB_MAX_ALIGN; align *= 8) {
                uint8_t *p;

                ok = ok && slab_cache_init(&c, "x", sizes[i], align, flags, source_alloc,
                                           source_free, src) == XR_OK;
                p = slab_alloc(&c);
                ok = ok && p && (uintptr_t)p % align == 0;
                if (p)
                    memset(p, 0xee, sizes[i]);
                ok = ok && slab_free(&c, p) == XR_OK && slab_check(&c);
                ok = ok && slab_cache_errors(&c) == 0 && slab_cache_destroy(&c) == XR_OK;
            }
        }
    }
    CHECK(ok);
    CHECK(src->pages == 0 && src->bad == 0);
    free(src);
}

/* --- random runs ------------------------------------------------------------------------------ */

#define NCACHES  6
#define LIVE_CAP 2048
#define PHASE    25000

typedef struct live_obj {
    uint8_t *p;
    uint32_t tag;
} live_obj_t;

/* A byte range owned by one cache, for the overlap and ownership sweeps. */
typedef struct span {
    uintptr_t start, end;
    unsigned owner;
} span_t;

static const size_t rnd_sizes[NCACHES] = {8, 24, 64, 200, 1000, 2048};
static const size_t rnd_aligns[NCACHES] = {0, 8, 16, 64, 8, 0};
static slab_cache_t caches[NCACHES];
static source_t *sources[NCACHES];
static live_obj_t live[NCACHES][LIVE_CAP];
static size_t nlive[NCACHES];
static span_t obj_spans[NCACHES * LIVE_CAP], page_spans[NCACHES * MAX_BLOCKS];
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint32_t next_tag = 1;
static unsigned op_errors;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint8_t tag_byte(uint32_t tag, size_t i)
{
    return (uint8_t)(tag * 131 + i * 7 + 1);
}

static void random_alloc(unsigned i)
{
    uint8_t *p = slab_alloc(&caches[i]);
    size_t align = rnd_aligns[i] ? rnd_aligns[i] : SLAB_MIN_ALIGN;
    uint32_t tag = next_tag++;

    if (!p || (uintptr_t)p % align != 0) {
        op_errors++;
        return;
    }
    for (size_t b = 0; b < rnd_sizes[i]; b++)
        p[b] = tag_byte(tag, b);
    live[i][nlive[i]].p = p;
    live[i][nlive[i]].tag = tag;
    nlive[i]++;
}

static void random_free(unsigned i, size_t k)
{
    live_obj_t o = live[i][k];

    for (size_t b = 0; b < rnd_sizes[i]; b++)
        op_errors += o.p[b] != tag_byte(o.tag, b);
    op_errors += slab_free(&caches[i], o.p) != XR_OK;
    live[i][k] = live[i][--nlive[i]];
}

static int span_cmp(const void *a, const void *b)
{
    const span_t *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort spans and check that none overlaps the next. */
static bool sort_disjoint(span_t *s, size_t n)
{
    qsort(s, n, sizeof(*s), span_cmp);
    for (size_t k = 1; k < n; k++) {
        if (s[k - 1].end > s[k].start)
            return false;
    }
    return true;
}

static size_t gather_objects(void)
{
    size_t n = 0;

    for (unsigned i = 0; i < NCACHES; i++) {
        for (size_t k = 0; k < nlive[i]; k++) {
            obj_spans[n].start = (uintptr_t)live[i][k].p;
            obj_spans[n].end = obj_spans[n].start + rnd_sizes[i];
            obj_spans[n++].owner = i;
        }
    }
    return n;
}

static size_t gather_pages(void)
{
    size_t n = 0;

    for (unsigned i = 0; i < NCACHES; i++) {
        for (size_t k = 0; k < sources[i]->nblocks; k++) {
            page_spans[n].start = (uintptr_t)sources[i]->blocks[k].page;
            page_spans[n].end =
                page_spans[n].start + ((size_t)SLAB_PAGE_SIZE << sources[i]->blocks[k].order);
            page_spans[n++].owner = i;
        }
    }
    return n;
}

/* Both span sets sorted: each object lies inside a slab its own cache got from its source. */
static bool objects_in_own_pages(size_t nobj, size_t npages)
{
    size_t pg = 0;

    for (size_t k = 0; k < nobj; k++) {
        while (pg < npages && page_spans[pg].end <= obj_spans[k].start)
            pg++;
        if (pg == npages || page_spans[pg].start > obj_spans[k].start ||
            page_spans[pg].end < obj_spans[k].end || page_spans[pg].owner != obj_spans[k].owner)
            return false;
    }
    return true;
}

static bool counters_agree(void)
{
    for (unsigned i = 0; i < NCACHES; i++) {
        if (slab_cache_objects(&caches[i]) != nlive[i] ||
            (long)slab_cache_pages(&caches[i]) != sources[i]->pages || !slab_check(&caches[i]))
            return false;
    }
    return true;
}

static bool check_batch(void)
{
    size_t nobj = gather_objects(), npages = gather_pages();
    bool objs_disjoint = sort_disjoint(obj_spans, nobj);
    bool pages_disjoint = sort_disjoint(page_spans, npages);
    bool owned = objects_in_own_pages(nobj, npages), counters = counters_agree();

    CHECK(objs_disjoint);
    CHECK(pages_disjoint);
    CHECK(owned);
    CHECK(counters);
    CHECK(op_errors == 0 && reports == 0);
    return objs_disjoint && pages_disjoint && owned && counters && op_errors == 0 && reports == 0;
}

static void random_run(unsigned flags, unsigned ops, unsigned batch)
{
    bool spare_only = true, ok = true;

    reset_reports();
    for (unsigned i = 0; i < NCACHES; i++) {
        sources[i] = new_source();
        ok = ok && slab_cache_init(&caches[i], "rnd", rnd_sizes[i], rnd_aligns[i], flags,
                                   source_alloc, source_free, sources[i]) == XR_OK;
        slab_cache_set_report(&caches[i], record_report);
    }
    CHECK(ok);
    for (unsigned op = 1; op <= ops; op++) {
        unsigned i = rng() % NCACHES;
        uint64_t pct = (op / PHASE) % 2 ? 25 : 70;

        if (nlive[i] == 0 || (rng() % 100 < pct && nlive[i] < LIVE_CAP))
            random_alloc(i);
        else
            random_free(i, rng() % nlive[i]);
        if (op % batch == 0 && !check_batch())
            break;
    }
    for (unsigned i = 0; i < NCACHES; i++) {
        while (nlive[i] > 0)
            random_free(i, rng() % nlive[i]);
        spare_only = spare_only && slab_cache_slabs(&caches[i]) <= 1 && slab_check(&caches[i]);
    }
    CHECK(op_errors == 0 && reports == 0);
    CHECK(spare_only);
    for (unsigned i = 0; i < NCACHES; i++)
        CHECK(teardown(&caches[i], sources[i]));
    CHECK(pages_out == 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* keep the log if a sanitizer ends the run */
    CHECK_GROUP("mm/slab/debug_write_after_free", test_write_after_free());
    CHECK_GROUP("mm/slab/debug_overrun", test_overrun());
    CHECK_GROUP("mm/slab/debug_double_free", test_double_free_debug());
    CHECK_GROUP("mm/slab/debug_foreign_pointer", test_foreign_pointers(SLAB_DEBUG));
    CHECK_GROUP("mm/slab/foreign_pointer", test_foreign_pointers(0));
    CHECK_GROUP("mm/slab/double_free", test_double_free_plain());
    CHECK_GROUP("mm/slab/corrupt_free_link", test_corrupt_link());
    CHECK_GROUP("mm/slab/source_failure", test_source_failure());
    CHECK_GROUP("mm/slab/spare_and_destroy", test_spare_and_destroy());
    CHECK_GROUP("mm/slab/init_and_layout", test_init_and_layout());
    CHECK_GROUP("mm/slab/random_1m", random_run(0, 1000000, 1000));
    CHECK_GROUP("mm/slab/random_debug_200k", random_run(SLAB_DEBUG, 200000, 5000));
    return check_done();
}
