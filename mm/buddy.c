/* Binary buddy allocator: per-frame records and free lists, never touching the frames.
 * Locks: none taken here; the caller holds its zone's lock around every call. */
#include "mm/buddy.h"

/* Record states. Only block heads are FREE or ALLOC; the rest of a block is TAIL. */
enum { PG_RESERVED = 0, PG_TAIL, PG_FREE, PG_ALLOC };

#define NIL UINT32_MAX

static uint64_t block_frames(unsigned order)
{
    return (uint64_t)1 << order;
}

static bool is_aligned(uint64_t pfn, unsigned order)
{
    return (pfn & (block_frames(order) - 1)) == 0;
}

static bool in_zone(const buddy_zone_t *z, uint64_t pfn)
{
    return pfn >= z->base_pfn && pfn - z->base_pfn < z->npages;
}

static uint32_t index_of(const buddy_zone_t *z, uint64_t pfn)
{
    return (uint32_t)(pfn - z->base_pfn);
}

static buddy_page_t *record_of(const buddy_zone_t *z, uint64_t pfn)
{
    return &z->meta[index_of(z, pfn)];
}

/* Tails carry no order, so a record's contents depend only on the block it is part of. */
static void make_tail(buddy_page_t *p)
{
    p->state = PG_TAIL;
    p->order = 0;
}

/* Make pfn the head of a free block of this order and put it on that order's list. */
static void list_push(buddy_zone_t *z, uint64_t pfn, unsigned order)
{
    uint32_t idx = index_of(z, pfn);
    buddy_page_t *p = &z->meta[idx];

    p->state = PG_FREE;
    p->order = (uint8_t)order;
    p->prev = NIL;
    p->next = z->free_head[order];
    if (p->next != NIL)
        z->meta[p->next].prev = idx;
    z->free_head[order] = idx;
    z->free_count[order]++;
}

/* Take the free block headed by pfn off its list; its head record becomes a tail. */
static void list_remove(buddy_zone_t *z, uint64_t pfn)
{
    buddy_page_t *p = record_of(z, pfn);

    if (p->prev != NIL)
        z->meta[p->prev].next = p->next;
    else
        z->free_head[p->order] = p->next;
    if (p->next != NIL)
        z->meta[p->next].prev = p->prev;
    z->free_count[p->order]--;
    make_tail(p);
}

/* Free-list the block at pfn after merging it with every free buddy of equal order. */
static void merge_and_push(buddy_zone_t *z, uint64_t pfn, unsigned order)
{
    while (order < BUDDY_MAX_ORDER) {
        uint64_t buddy = pfn ^ block_frames(order);
        const buddy_page_t *b;

        if (!in_zone(z, buddy))
            break;
        b = record_of(z, buddy);
        if (b->state != PG_FREE || b->order != order)
            break;
        list_remove(z, buddy);
        make_tail(record_of(z, pfn));
        pfn &= ~block_frames(order);
        order++;
    }
    list_push(z, pfn, order);
}

size_t buddy_meta_size(uint64_t npages)
{
    return (size_t)npages * sizeof(buddy_page_t);
}

kerr_t buddy_init(buddy_zone_t *z, uint64_t base_pfn, uint64_t npages, buddy_page_t *meta)
{
    if (npages == 0 || npages > BUDDY_MAX_FRAMES || base_pfn + npages < base_pfn)
        return XR_EINVAL;
    z->meta = meta;
    z->base_pfn = base_pfn;
    z->npages = npages;
    z->total = 0;
    z->free = 0;
    z->errors = 0;
    for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
        z->free_head[o] = NIL;
        z->free_count[o] = 0;
    }
    for (uint64_t i = 0; i < npages; i++) {
        meta[i].next = NIL;
        meta[i].prev = NIL;
        meta[i].order = 0;
        meta[i].state = PG_RESERVED;
        meta[i].spare = 0;
    }
    return XR_OK;
}

/* True if pfn .. pfn + n - 1 lies in the zone and none of it was handed over yet. */
static bool range_is_reserved(const buddy_zone_t *z, uint64_t pfn, uint64_t n)
{
    if (!in_zone(z, pfn) || n > z->npages - index_of(z, pfn))
        return false;
    for (uint64_t i = 0; i < n; i++) {
        if (record_of(z, pfn + i)->state != PG_RESERVED)
            return false;
    }
    return true;
}

/* Largest order of a block that starts at pfn and fits in n frames. */
static unsigned largest_fit(uint64_t pfn, uint64_t n)
{
    unsigned order = 0;

    while (order < BUDDY_MAX_ORDER && is_aligned(pfn, order + 1) && block_frames(order + 1) <= n)
        order++;
    return order;
}

kerr_t buddy_add_free(buddy_zone_t *z, uint64_t pfn, uint64_t n)
{
    if (n == 0)
        return XR_OK;
    if (!range_is_reserved(z, pfn, n))
        return XR_EINVAL;
    for (uint64_t i = 0; i < n; i++)
        make_tail(record_of(z, pfn + i));
    z->total += n;
    z->free += n;
    while (n > 0) {
        unsigned order = largest_fit(pfn, n);

        merge_and_push(z, pfn, order);
        pfn += block_frames(order);
        n -= block_frames(order);
    }
    return XR_OK;
}

uint64_t buddy_alloc(buddy_zone_t *z, unsigned order)
{
    unsigned o = order;
    uint64_t pfn;
    buddy_page_t *head;

    if (order > BUDDY_MAX_ORDER)
        return BUDDY_NONE;
    while (o <= BUDDY_MAX_ORDER && z->free_head[o] == NIL)
        o++;
    if (o > BUDDY_MAX_ORDER)
        return BUDDY_NONE;
    pfn = z->base_pfn + z->free_head[o];
    list_remove(z, pfn);
    while (o > order) {
        o--;
        list_push(z, pfn + block_frames(o), o);
    }
    head = record_of(z, pfn);
    head->state = PG_ALLOC;
    head->order = (uint8_t)order;
    z->free -= block_frames(order);
    return pfn;
}

/* True if pfn heads a block allocated with exactly this order. */
static bool is_alloc_head(const buddy_zone_t *z, uint64_t pfn, unsigned order)
{
    const buddy_page_t *p;

    if (order > BUDDY_MAX_ORDER || !in_zone(z, pfn) || !is_aligned(pfn, order))
        return false;
    p = record_of(z, pfn);
    return p->state == PG_ALLOC && p->order == order;
}

kerr_t buddy_free(buddy_zone_t *z, uint64_t pfn, unsigned order)
{
    if (unlikely(!is_alloc_head(z, pfn, order))) {
        z->errors++;
        return XR_EDOUBLE;
    }
    z->free += block_frames(order);
    merge_and_push(z, pfn, order);
    return XR_OK;
}

bool buddy_is_allocated(const buddy_zone_t *z, uint64_t pfn)
{
    if (!in_zone(z, pfn) || record_of(z, pfn)->state == PG_RESERVED)
        return false;
    /* The first head met while widening the alignment is the head of pfn's own block. */
    for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
        uint64_t head = pfn & ~(block_frames(o) - 1);
        const buddy_page_t *p;

        if (head < z->base_pfn)
            break;
        p = record_of(z, head);
        if (p->state == PG_FREE || p->state == PG_ALLOC)
            return p->state == PG_ALLOC;
    }
    return false;
}

uint64_t buddy_free_frames(const buddy_zone_t *z)
{
    return z->free;
}

uint64_t buddy_total_frames(const buddy_zone_t *z)
{
    return z->total;
}

unsigned buddy_free_blocks(const buddy_zone_t *z, unsigned order)
{
    return order > BUDDY_MAX_ORDER ? 0 : z->free_count[order];
}

/* Walk one free list; add the frames it holds to *frames. */
static bool check_list(const buddy_zone_t *z, unsigned order, uint64_t *frames)
{
    uint32_t prev = NIL, idx = z->free_head[order];
    uint64_t count = 0;

    while (idx != NIL) {
        const buddy_page_t *p;

        if (idx >= z->npages || count >= z->npages)
            return false;
        p = &z->meta[idx];
        if (p->state != PG_FREE || p->order != order || p->prev != prev)
            return false;
        prev = idx;
        idx = p->next;
        count++;
    }
    if (count != z->free_count[order])
        return false;
    *frames += count << order;
    return true;
}

/* Check the block headed by record idx: shape, tails, and no unmerged free buddy. */
static bool check_block(const buddy_zone_t *z, uint64_t idx)
{
    const buddy_page_t *p = &z->meta[idx];
    uint64_t pfn = z->base_pfn + idx, buddy;

    if (p->order > BUDDY_MAX_ORDER || !is_aligned(pfn, p->order))
        return false;
    if (block_frames(p->order) > z->npages - idx)
        return false;
    for (uint64_t i = 1; i < block_frames(p->order); i++) {
        if (z->meta[idx + i].state != PG_TAIL || z->meta[idx + i].order != 0)
            return false;
    }
    if (p->state != PG_FREE || p->order == BUDDY_MAX_ORDER)
        return true;
    buddy = pfn ^ block_frames(p->order);
    return !in_zone(z, buddy) || record_of(z, buddy)->state != PG_FREE ||
           record_of(z, buddy)->order != p->order;
}

/* Walk every record block by block; check the frame counts against the counters. */
static bool check_records(const buddy_zone_t *z)
{
    uint64_t idx = 0, added = 0, free = 0;

    while (idx < z->npages) {
        const buddy_page_t *p = &z->meta[idx];

        if (p->state == PG_RESERVED) {
            idx++;
            continue;
        }
        if (p->state == PG_TAIL || !check_block(z, idx))
            return false;
        added += block_frames(p->order);
        if (p->state == PG_FREE)
            free += block_frames(p->order);
        idx += block_frames(p->order);
    }
    return added == z->total && free == z->free;
}

bool buddy_check(const buddy_zone_t *z)
{
    uint64_t listed = 0;

    for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
        if (!check_list(z, o, &listed))
            return false;
    }
    return listed == z->free && z->free <= z->total && check_records(z);
}
