/* Host tests for mm/buddy: bad frees, exhaustion, coalescing, a long random run with a shadow. */
#include <stdlib.h>
#include <string.h>

#include "mm/buddy.h"
#include "tests/host/check.h"

/* Everything a bad free must leave untouched (errors aside). */
typedef struct snapshot {
    unsigned blocks[BUDDY_MAX_ORDER + 1];
    uint64_t free, total, errors;
} snapshot_t;

static snapshot_t take_snapshot(const buddy_zone_t *z)
{
    snapshot_t s;

    for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++)
        s.blocks[o] = buddy_free_blocks(z, o);
    s.free = buddy_free_frames(z);
    s.total = buddy_total_frames(z);
    s.errors = z->errors;
    return s;
}

static bool same_lists(const snapshot_t *a, const snapshot_t *b)
{
    for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
        if (a->blocks[o] != b->blocks[o])
            return false;
    }
    return a->free == b->free && a->total == b->total;
}

/* A zone over a fresh record array; the array is leaked on purpose only if the test aborts. */
static buddy_page_t *make_zone(buddy_zone_t *z, uint64_t base, uint64_t npages)
{
    buddy_page_t *meta = malloc(buddy_meta_size(npages));

    if (!meta || buddy_init(z, base, npages, meta) != XR_OK) {
        free(meta);
        return NULL;
    }
    return meta;
}

/* Free that must be rejected: XR_EDOUBLE, lists and counters unchanged, errors + 1. */
static bool rejected(buddy_zone_t *z, uint64_t pfn, unsigned order)
{
    snapshot_t before = take_snapshot(z), after;
    bool was_allocated = buddy_is_allocated(z, pfn);
    kerr_t err = buddy_free(z, pfn, order);

    after = take_snapshot(z);
    return err == XR_EDOUBLE && same_lists(&before, &after) && after.errors == before.errors + 1 &&
           buddy_is_allocated(z, pfn) == was_allocated && buddy_check(z);
}

/* --- targeted tests ------------------------------------------------------------------------ */

#define BAD_BASE  0x10003ULL /* deliberately not aligned */
#define BAD_PAGES 300

static buddy_page_t *make_holey_zone(buddy_zone_t *z)
{
    buddy_page_t *meta = make_zone(z, BAD_BASE, BAD_PAGES);

    if (meta) {
        buddy_add_free(z, BAD_BASE, 100);
        buddy_add_free(z, BAD_BASE + 120, BAD_PAGES - 120); /* hole: 100 .. 119 */
    }
    return meta;
}

static void test_double_free(void)
{
    buddy_zone_t z;
    buddy_page_t *meta = make_holey_zone(&z);
    uint64_t p;

    CHECK(meta != NULL);
    p = buddy_alloc(&z, 2);
    CHECK(p != BUDDY_NONE);
    CHECK(buddy_free(&z, p, 2) == XR_OK);
    CHECK(rejected(&z, p, 2));
    CHECK(rejected(&z, p, 0));
    CHECK(z.errors == 2);
    free(meta);
}

static void test_never_allocated(void)
{
    buddy_zone_t z;
    buddy_page_t *meta = make_holey_zone(&z);
    uint64_t p;

    CHECK(meta != NULL);
    p = buddy_alloc(&z, 0);
    CHECK(p != BUDDY_NONE);
    CHECK(rejected(&z, BAD_BASE + 100, 0)); /* in the hole */
    CHECK(rejected(&z, BAD_BASE + 119, 0));
    CHECK(!buddy_is_allocated(&z, BAD_BASE + 250));
    CHECK(rejected(&z, BAD_BASE + 250, 0)); /* free, never allocated */
    CHECK(rejected(&z, BAD_BASE + 256, 3));
    CHECK(buddy_free(&z, p, 0) == XR_OK);
    CHECK(z.errors == 4);
    free(meta);
}

static void test_wrong_order(void)
{
    buddy_zone_t z;
    buddy_page_t *meta = make_holey_zone(&z);
    uint64_t p;

    CHECK(meta != NULL);
    p = buddy_alloc(&z, 3);
    CHECK(p != BUDDY_NONE);
    CHECK(rejected(&z, p, 2));
    CHECK(rejected(&z, p, 4));
    CHECK(rejected(&z, p, 0));
    CHECK(rejected(&z, p, BUDDY_MAX_ORDER + 1));
    CHECK(buddy_is_allocated(&z, p));
    CHECK(buddy_free(&z, p, 3) == XR_OK);
    CHECK(z.errors == 4);
    free(meta);
}

static void test_out_of_zone(void)
{
    buddy_zone_t z;
    buddy_page_t *meta = make_holey_zone(&z);

    CHECK(meta != NULL);
    CHECK(rejected(&z, BAD_BASE - 1, 0));
    CHECK(rejected(&z, BAD_BASE + BAD_PAGES, 0));
    CHECK(rejected(&z, 0, 0));
    CHECK(rejected(&z, UINT64_MAX, 0));
    CHECK(rejected(&z, BAD_BASE - 8, 3)); /* aligned, but below the zone */
    CHECK(z.errors == 5);
    free(meta);
}

static void test_misaligned(void)
{
    buddy_zone_t z;
    buddy_page_t *meta = make_holey_zone(&z);
    uint64_t p;

    CHECK(meta != NULL);
    p = buddy_alloc(&z, 3);
    CHECK(p != BUDDY_NONE && (p & 7) == 0);
    CHECK(rejected(&z, p + 1, 3));
    CHECK(rejected(&z, p + 1, 0)); /* a tail frame */
    CHECK(rejected(&z, p + 4, 2)); /* aligned, but a tail */
    CHECK(buddy_free(&z, p, 3) == XR_OK);
    CHECK(z.errors == 3);
    free(meta);
}

static void test_exhaustion(void)
{
    buddy_zone_t z;
    buddy_page_t *meta = make_zone(&z, 0x4000, 64);
    uint64_t pages[64];
    bool distinct = true;

    CHECK(meta != NULL);
    CHECK(buddy_alloc(&z, 0) == BUDDY_NONE); /* nothing handed over yet */
    CHECK(buddy_add_free(&z, 0x4000, 64) == XR_OK);
    CHECK(buddy_alloc(&z, 7) == BUDDY_NONE);
    CHECK(buddy_alloc(&z, BUDDY_MAX_ORDER + 1) == BUDDY_NONE);
    for (unsigned i = 0; i < 64; i++) {
        pages[i] = buddy_alloc(&z, 0);
        distinct = distinct && pages[i] >= 0x4000 && pages[i] < 0x4040;
        for (unsigned j = 0; j < i; j++)
            distinct = distinct && pages[j] != pages[i];
    }
    CHECK(distinct);
    CHECK(buddy_alloc(&z, 0) == BUDDY_NONE);
    CHECK(buddy_free_frames(&z) == 0);
    for (unsigned i = 0; i < 64; i += 2)
        CHECK(buddy_free(&z, pages[i], 0) == XR_OK);
    CHECK(buddy_free_frames(&z) == 32);
    CHECK(buddy_alloc(&z, 1) == BUDDY_NONE); /* fragmented: no pair is free */
    for (unsigned i = 1; i < 64; i += 2)
        CHECK(buddy_free(&z, pages[i], 0) == XR_OK);
    CHECK(buddy_free_blocks(&z, 6) == 1 && buddy_free_frames(&z) == 64);
    CHECK(buddy_check(&z) && z.errors == 0);
    free(meta);
}

static void test_coalesce(void)
{
    buddy_zone_t z;
    buddy_page_t *meta = make_zone(&z, 5 * 1024, 1024);
    bool split_once = true;
    uint64_t p;

    CHECK(meta != NULL);
    CHECK(buddy_add_free(&z, 5 * 1024, 1024) == XR_OK);
    CHECK(buddy_free_blocks(&z, BUDDY_MAX_ORDER) == 1);
    p = buddy_alloc(&z, 0);
    CHECK(p == 5 * 1024);
    for (unsigned o = 0; o < BUDDY_MAX_ORDER; o++)
        split_once = split_once && buddy_free_blocks(&z, o) == 1;
    CHECK(split_once && buddy_free_blocks(&z, BUDDY_MAX_ORDER) == 0);
    CHECK(buddy_check(&z));
    CHECK(buddy_free(&z, p, 0) == XR_OK);
    CHECK(buddy_free_blocks(&z, BUDDY_MAX_ORDER) == 1 && buddy_free_blocks(&z, 0) == 0);
    CHECK(buddy_free_frames(&z) == 1024 && buddy_check(&z));
    free(meta);
}

static void test_coalesce_all_singles(void)
{
    buddy_zone_t z;
    buddy_page_t *meta = make_zone(&z, 1024, 1024);
    uint64_t pages[1024];
    bool ok = true;

    CHECK(meta != NULL);
    CHECK(buddy_add_free(&z, 1024, 1024) == XR_OK);
    for (unsigned i = 0; i < 1024; i++)
        pages[i] = buddy_alloc(&z, 0);
    CHECK(buddy_free_frames(&z) == 0 && buddy_alloc(&z, 0) == BUDDY_NONE);
    for (unsigned i = 0; i < 1024; i++) { /* free in a scrambled order: 1024 and 389 are coprime */
        unsigned k = (i * 389) % 1024;
        ok = ok && buddy_free(&z, pages[k], 0) == XR_OK;
    }
    CHECK(ok);
    CHECK(buddy_free_blocks(&z, BUDDY_MAX_ORDER) == 1 && buddy_check(&z));
    free(meta);
}

static void test_add_free(void)
{
    buddy_zone_t z;
    buddy_page_t *meta = make_zone(&z, 2048, 1024);
    snapshot_t before, after;

    CHECK(meta != NULL);
    CHECK(buddy_init(&z, 0, 0, meta) == XR_EINVAL);
    CHECK(buddy_init(&z, UINT64_MAX - 3, 8, meta) == XR_EINVAL);
    CHECK(buddy_init(&z, 2048, 1024, meta) == XR_OK);
    CHECK(buddy_add_free(&z, 2048, 512) == XR_OK);
    CHECK(buddy_free_blocks(&z, 9) == 1 && buddy_total_frames(&z) == 512);
    before = take_snapshot(&z);
    CHECK(buddy_add_free(&z, 2048 + 500, 20) == XR_EINVAL); /* overlaps */
    CHECK(buddy_add_free(&z, 2047, 2) == XR_EINVAL);        /* starts outside */
    CHECK(buddy_add_free(&z, 3000, 100) == XR_EINVAL);      /* runs past the end */
    CHECK(buddy_add_free(&z, 2600, UINT64_MAX) == XR_EINVAL);
    after = take_snapshot(&z);
    CHECK(same_lists(&before, &after) && buddy_check(&z));
    CHECK(buddy_add_free(&z, 2048 + 512, 512) == XR_OK);
    CHECK(buddy_free_blocks(&z, 10) == 1 && buddy_free_blocks(&z, 9) == 0);
    CHECK(buddy_total_frames(&z) == 1024 && buddy_free_frames(&z) == 1024 && buddy_check(&z));
    free(meta);
}

static void test_is_allocated(void)
{
    buddy_zone_t z;
    buddy_page_t *meta = make_holey_zone(&z);
    uint64_t p;
    bool inside = true;

    CHECK(meta != NULL);
    p = buddy_alloc(&z, 3);
    for (uint64_t i = 0; i < 8; i++)
        inside = inside && buddy_is_allocated(&z, p + i);
    CHECK(inside);
    CHECK(!buddy_is_allocated(&z, BAD_BASE + 110)); /* hole */
    CHECK(!buddy_is_allocated(&z, BAD_BASE - 1) && !buddy_is_allocated(&z, UINT64_MAX));
    CHECK(buddy_free(&z, p, 3) == XR_OK);
    CHECK(!buddy_is_allocated(&z, p) && !buddy_is_allocated(&z, p + 7));
    free(meta);
}

/* --- random run against a shadow bitmap ------------------------------------------------------ */

#define RZ_BASE  0x40007ULL
#define RZ_PAGES 16384
#define RZ_OPS   1000000
#define RZ_BATCH 1000
#define RZ_PHASE 20000

typedef struct range {
    uint64_t start, end; /* relative to RZ_BASE, end exclusive */
} range_t;

/* Added in this (unsorted) order; the gaps between them are never handed over. */
static const range_t rz_ranges[] = {
    {5300, 12001}, {0, 700}, {3000, 5000}, {12002, 16384}, {730, 3000},
};

typedef struct live {
    uint64_t pfn;
    unsigned order;
} live_t;

static live_t live[RZ_PAGES];
static buddy_page_t initial_meta[RZ_PAGES];
static size_t nlive;
static uint8_t shadow[RZ_PAGES], added[RZ_PAGES], seen[RZ_PAGES];
static uint64_t rng_state = 0x2545f4914f6cdd1dULL;
static unsigned op_errors, alloc_failures;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Order o with probability about 2^-(o+1): most requests are single frames. */
static unsigned random_order(void)
{
    unsigned order = 0;

    while (order < BUDDY_MAX_ORDER && (rng() & 1))
        order++;
    return order;
}

static bool some_free_block_fits(const buddy_zone_t *z, unsigned order)
{
    for (unsigned o = order; o <= BUDDY_MAX_ORDER; o++) {
        if (buddy_free_blocks(z, o) != 0)
            return true;
    }
    return false;
}

/* Allocate, check the block against the shadow, and record it. */
static void random_alloc(buddy_zone_t *z)
{
    unsigned order = random_order();
    uint64_t pfn = buddy_alloc(z, order), idx;

    if (pfn == BUDDY_NONE) {
        alloc_failures++;
        op_errors += some_free_block_fits(z, order);
        return;
    }
    idx = pfn - RZ_BASE;
    if (pfn < RZ_BASE || idx + ((uint64_t)1 << order) > RZ_PAGES || (pfn & ((1u << order) - 1))) {
        op_errors++;
        return;
    }
    for (uint64_t i = idx; i < idx + ((uint64_t)1 << order); i++) {
        op_errors += shadow[i] || !added[i];
        shadow[i] = 1;
    }
    live[nlive].pfn = pfn;
    live[nlive].order = order;
    nlive++;
}

static void free_live(buddy_zone_t *z, size_t k)
{
    uint64_t idx = live[k].pfn - RZ_BASE;

    op_errors += buddy_free(z, live[k].pfn, live[k].order) != XR_OK;
    for (uint64_t i = idx; i < idx + ((uint64_t)1 << live[k].order); i++)
        shadow[i] = 0;
    live[k] = live[--nlive];
}

/* Rebuild the allocated set from the live list: no overlaps, all inside added ranges. */
static bool live_blocks_disjoint(uint64_t *frames)
{
    memset(seen, 0, sizeof(seen));
    *frames = 0;
    for (size_t k = 0; k < nlive; k++) {
        uint64_t idx = live[k].pfn - RZ_BASE;

        for (uint64_t i = idx; i < idx + ((uint64_t)1 << live[k].order); i++) {
            if (seen[i] || !added[i])
                return false;
            seen[i] = 1;
            (*frames)++;
        }
    }
    return memcmp(seen, shadow, sizeof(seen)) == 0;
}

static bool sample_agrees(const buddy_zone_t *z)
{
    for (unsigned i = 0; i < 256; i++) {
        uint64_t idx = rng() % RZ_PAGES;

        if (buddy_is_allocated(z, RZ_BASE + idx) != (shadow[idx] != 0))
            return false;
    }
    return true;
}

/* The per-batch checks; false stops the run after the first bad batch. */
static bool check_batch(const buddy_zone_t *z, uint64_t nadded)
{
    uint64_t frames = 0;
    bool disjoint = live_blocks_disjoint(&frames);
    bool counters = buddy_total_frames(z) == nadded && buddy_free_frames(z) == nadded - frames;
    bool sample = sample_agrees(z), consistent = buddy_check(z);

    CHECK(disjoint);
    CHECK(counters);
    CHECK(sample);
    CHECK(consistent);
    CHECK(op_errors == 0);
    return disjoint && counters && sample && consistent && op_errors == 0;
}

static uint64_t add_ranges(buddy_zone_t *z)
{
    uint64_t nadded = 0;

    for (size_t r = 0; r < ARRAY_SIZE(rz_ranges); r++) {
        uint64_t n = rz_ranges[r].end - rz_ranges[r].start;

        CHECK(buddy_add_free(z, RZ_BASE + rz_ranges[r].start, n) == XR_OK);
        memset(added + rz_ranges[r].start, 1, n);
        nadded += n;
    }
    return nadded;
}

/* Every record heads (or not) a block of the same order and state as at the start. */
static bool same_blocks(const buddy_page_t *meta)
{
    for (size_t i = 0; i < RZ_PAGES; i++) {
        if (meta[i].state != initial_meta[i].state || meta[i].order != initial_meta[i].order)
            return false;
    }
    return true;
}

static void test_random(void)
{
    buddy_zone_t z;
    buddy_page_t *meta = make_zone(&z, RZ_BASE, RZ_PAGES);
    uint64_t nadded;
    snapshot_t initial, final;

    CHECK(meta != NULL);
    if (!meta)
        return;
    nadded = add_ranges(&z);
    initial = take_snapshot(&z);
    memcpy(initial_meta, meta, sizeof(initial_meta));
    CHECK(buddy_check(&z) && initial.free == nadded && initial.total == nadded);
    for (unsigned op = 1; op <= RZ_OPS; op++) {
        /* Alternate growing and shrinking phases so the zone both fills up and drains. */
        uint64_t alloc_pct = (op / RZ_PHASE) % 2 ? 40 : 62;

        if (nlive == 0 || (rng() % 100 < alloc_pct && nlive < RZ_PAGES))
            random_alloc(&z);
        else
            free_live(&z, rng() % nlive);
        if (op % RZ_BATCH == 0 && !check_batch(&z, nadded))
            break;
    }
    CHECK(alloc_failures > 0); /* exhaustion was reached at least once */
    while (nlive > 0)
        free_live(&z, rng() % nlive);
    final = take_snapshot(&z);
    CHECK(op_errors == 0);
    CHECK(same_lists(&initial, &final));
    CHECK(same_blocks(meta));
    CHECK(final.free == final.total && final.errors == 0 && buddy_check(&z));
    free(meta);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* keep the log if a sanitizer ends the run */
    CHECK_GROUP("mm/buddy/double_free", test_double_free());
    CHECK_GROUP("mm/buddy/never_allocated", test_never_allocated());
    CHECK_GROUP("mm/buddy/wrong_order", test_wrong_order());
    CHECK_GROUP("mm/buddy/out_of_zone", test_out_of_zone());
    CHECK_GROUP("mm/buddy/misaligned", test_misaligned());
    CHECK_GROUP("mm/buddy/exhaustion", test_exhaustion());
    CHECK_GROUP("mm/buddy/coalesce_4mib", test_coalesce());
    CHECK_GROUP("mm/buddy/coalesce_singles", test_coalesce_all_singles());
    CHECK_GROUP("mm/buddy/add_free", test_add_free());
    CHECK_GROUP("mm/buddy/is_allocated", test_is_allocated());
    CHECK_GROUP("mm/buddy/random_1m", test_random());
    return check_done();
}
