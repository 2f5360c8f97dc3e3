/* Slab caches: a header at the start of each naturally aligned slab holds its free list and
 * in-use bitmap. Locks: none taken here; the caller holds its cache's lock around every call. */
#include "mm/slab.h"

#define SLAB_MAGIC 0x58522d534c414221ULL
#define LINK_SIZE  sizeof(void *)
/* Debug mode: at least this many red-zone bytes on each side of an object. */
#define RED_MIN 8

/*
 * Slab layout: [struct slab + bitmap | pad to align][slot 0][slot 1]...[waste].
 * Slot: non-debug, the object itself, whose first word links the free list while it is free;
 * debug, [link][red zone][object][red zone], so that poison covers the whole object.
 */
struct slab {
    uint64_t magic;
    slab_cache_t *cache;
    struct slab *next, *prev;
    uint8_t *free; /* first free slot, NULL when full */
    uint32_t inuse;
    uint32_t spare;
    uint64_t used[]; /* one bit per slot, set while allocated */
};

enum slab_kind { SLAB_EMPTY, SLAB_PARTIAL, SLAB_FULL };

static void fill_bytes(uint8_t *p, uint8_t value, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = value;
}

static bool bytes_are(const uint8_t *p, uint8_t value, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != value)
            return false;
    }
    return true;
}

static size_t slab_bytes(const slab_cache_t *c)
{
    return (size_t)SLAB_PAGE_SIZE << c->order;
}

static bool is_debug(const slab_cache_t *c)
{
    return (c->flags & SLAB_DEBUG) != 0;
}

static void report(slab_cache_t *c, const void *obj, const char *what)
{
    c->errors++;
    if (c->report)
        c->report(c, obj, what);
}

/* --- bitmap, slots, links ------------------------------------------------------------------ */

static bool test_bit(const struct slab *s, size_t idx)
{
    return (s->used[idx / 64] >> (idx % 64)) & 1;
}

static void set_bit(struct slab *s, size_t idx)
{
    s->used[idx / 64] |= (uint64_t)1 << (idx % 64);
}

static void clear_bit(struct slab *s, size_t idx)
{
    s->used[idx / 64] &= ~((uint64_t)1 << (idx % 64));
}

static uint8_t *slot_at(const slab_cache_t *c, struct slab *s, size_t idx)
{
    return (uint8_t *)s + c->first + idx * c->stride;
}

/* Index of a slot-start pointer within s; false if slot is not exactly one. */
static bool slot_index(const slab_cache_t *c, const struct slab *s, const uint8_t *slot,
                       size_t *idx)
{
    uintptr_t at = (uintptr_t)slot, base = (uintptr_t)s + c->first;

    if (at < base || (at - base) % c->stride != 0)
        return false;
    *idx = (at - base) / c->stride;
    return *idx < c->per_slab;
}

static bool is_free_slot(const slab_cache_t *c, const struct slab *s, const uint8_t *slot)
{
    size_t idx;

    return slot && slot_index(c, s, slot, &idx) && !test_bit(s, idx);
}

static uint8_t *load_link(const uint8_t *slot)
{
    return *(uint8_t *const *)(const void *)slot; /* slots are at least 8-byte aligned */
}

static void store_link(uint8_t *slot, uint8_t *next)
{
    *(uint8_t **)(void *)slot = next;
}

/* Thread the free list through every slot whose bit is clear, lowest address first. */
static void build_free_list(const slab_cache_t *c, struct slab *s)
{
    uint8_t *next = NULL;

    for (size_t idx = c->per_slab; idx-- > 0;) {
        uint8_t *slot = slot_at(c, s, idx);

        if (!test_bit(s, idx)) {
            store_link(slot, next);
            next = slot;
        }
    }
    s->free = next;
}

/* --- debug red zones and poison ------------------------------------------------------------- */

static size_t tail_zone(const slab_cache_t *c)
{
    return c->stride - c->obj_offset - c->objsize;
}

static bool redzones_intact(const slab_cache_t *c, const uint8_t *slot)
{
    return bytes_are(slot + LINK_SIZE, SLAB_REDZONE, c->obj_offset - LINK_SIZE) &&
           bytes_are(slot + c->obj_offset + c->objsize, SLAB_REDZONE, tail_zone(c));
}

static void paint_redzones(const slab_cache_t *c, uint8_t *slot)
{
    fill_bytes(slot + LINK_SIZE, SLAB_REDZONE, c->obj_offset - LINK_SIZE);
    fill_bytes(slot + c->obj_offset + c->objsize, SLAB_REDZONE, tail_zone(c));
}

/* A red zone found damaged is reported and repainted, so one overrun is reported once. */
static void check_redzones(slab_cache_t *c, uint8_t *slot)
{
    if (unlikely(!redzones_intact(c, slot))) {
        report(c, slot + c->obj_offset, "red zone overwritten (overrun)");
        paint_redzones(c, slot);
    }
}

/* On allocation: the object must still carry the poison it got when freed. */
static void check_poison(slab_cache_t *c, uint8_t *slot)
{
    uint8_t *obj = slot + c->obj_offset;

    if (unlikely(!bytes_are(obj, SLAB_POISON, c->objsize))) {
        report(c, obj, "write after free");
        fill_bytes(obj, SLAB_POISON, c->objsize);
    }
    check_redzones(c, slot);
}

static void poison_slab(const slab_cache_t *c, struct slab *s)
{
    for (size_t idx = 0; idx < c->per_slab; idx++) {
        uint8_t *slot = slot_at(c, s, idx);

        paint_redzones(c, slot);
        fill_bytes(slot + c->obj_offset, SLAB_POISON, c->objsize);
    }
}

/* --- slab lists ----------------------------------------------------------------------------- */

static enum slab_kind kind_of(const slab_cache_t *c, uint32_t inuse)
{
    if (inuse == 0)
        return SLAB_EMPTY;
    return inuse == c->per_slab ? SLAB_FULL : SLAB_PARTIAL;
}

static struct slab **list_of(slab_cache_t *c, enum slab_kind kind)
{
    if (kind == SLAB_EMPTY)
        return &c->empty;
    return kind == SLAB_FULL ? &c->full : &c->partial;
}

static void list_add(struct slab **head, struct slab *s)
{
    s->prev = NULL;
    s->next = *head;
    if (*head)
        (*head)->prev = s;
    *head = s;
}

static void list_del(struct slab **head, struct slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        *head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = NULL;
    s->prev = NULL;
}

/* Give slab s (on no list) back to the page source; stale pointers into it stop matching. */
static void release_slab(slab_cache_t *c, struct slab *s)
{
    s->magic = 0;
    s->cache = NULL;
    c->slabs--;
    c->page_free(c->ctx, s, c->order);
}

/* Move s to the list its new fill level calls for; keep at most one empty slab. */
static void relist(slab_cache_t *c, struct slab *s, uint32_t old_inuse)
{
    enum slab_kind from = kind_of(c, old_inuse), to = kind_of(c, s->inuse);

    if (from == to)
        return;
    list_del(list_of(c, from), s);
    if (to == SLAB_EMPTY && c->empty)
        release_slab(c, s);
    else
        list_add(list_of(c, to), s);
}

/* Take a fresh slab from the page source and put it on the empty list; NULL on failure. */
static struct slab *grow(slab_cache_t *c)
{
    struct slab *s;

    if (!c->page_alloc)
        return NULL;
    s = c->page_alloc(c->ctx, c->order);
    if (!s)
        return NULL;
    if (unlikely((uintptr_t)s & (slab_bytes(c) - 1))) {
        report(c, s, "page source returned a misaligned slab");
        c->page_free(c->ctx, s, c->order);
        return NULL;
    }
    s->magic = SLAB_MAGIC;
    s->cache = c;
    s->inuse = 0;
    s->spare = 0;
    fill_bytes((uint8_t *)s->used, 0, (c->per_slab + 63) / 64 * sizeof(uint64_t));
    if (is_debug(c))
        poison_slab(c, s);
    build_free_list(c, s);
    list_add(&c->empty, s);
    c->slabs++;
    return s;
}

/* --- alloc and free ------------------------------------------------------------------------- */

/* The head of s's free list and the link it holds both name free slots of s. */
static bool free_head_sound(const slab_cache_t *c, const struct slab *s)
{
    const uint8_t *next;

    if (!is_free_slot(c, s, s->free))
        return false;
    next = load_link(s->free);
    if (!next)
        return s->inuse + 1 == c->per_slab;
    return next != s->free && is_free_slot(c, s, next);
}

/* Take the first free slot of s (which has one). A broken link is rebuilt from the bitmap. */
static uint8_t *pop_slot(slab_cache_t *c, struct slab *s)
{
    uint8_t *slot = s->free;

    if (unlikely(!free_head_sound(c, s))) {
        build_free_list(c, s); /* first, so that the hook finds the cache consistent */
        report(c, slot, "free list corrupted (write after free?)");
        slot = s->free;
    }
    s->free = load_link(slot);
    set_bit(s, (size_t)(slot - slot_at(c, s, 0)) / c->stride);
    s->inuse++;
    return slot;
}

void *slab_alloc(slab_cache_t *c)
{
    struct slab *s = c->partial ? c->partial : c->empty;
    uint32_t old_inuse;
    uint8_t *slot;

    if (!s)
        s = grow(c);
    if (unlikely(!s))
        return NULL;
    old_inuse = s->inuse;
    slot = pop_slot(c, s);
    c->in_use++;
    relist(c, s, old_inuse);
    if (is_debug(c))
        check_poison(c, slot);
    return slot + c->obj_offset;
}

/* Find obj's slab and slot index; report and fail if obj is not an allocated object of c. */
static kerr_t locate(slab_cache_t *c, void *obj, struct slab **sp, size_t *idx)
{
    struct slab *s = (struct slab *)((uintptr_t)obj & ~(uintptr_t)(slab_bytes(c) - 1));
    uintptr_t off = (uintptr_t)obj - (uintptr_t)s;
    const char *what = NULL;

    if (s->magic != SLAB_MAGIC || s->cache != c)
        what = "pointer not in a slab of this cache";
    else if (off < c->first + c->obj_offset)
        what = "pointer into a slab header";
    else if ((off - c->first - c->obj_offset) % c->stride != 0)
        what = "misaligned object pointer";
    else if ((*idx = (off - c->first - c->obj_offset) / c->stride) >= c->per_slab)
        what = "pointer past the last object";
    if (unlikely(what)) {
        report(c, obj, what);
        return XR_EINVAL;
    }
    if (unlikely(!test_bit(s, *idx))) {
        report(c, obj, "double free");
        return XR_EDOUBLE;
    }
    *sp = s;
    return XR_OK;
}

kerr_t slab_free(slab_cache_t *c, void *obj)
{
    struct slab *s;
    size_t idx;
    uint32_t old_inuse;
    uint8_t *slot;
    kerr_t err;

    if (!obj)
        return XR_OK;
    err = locate(c, obj, &s, &idx);
    if (unlikely(err != XR_OK))
        return err;
    slot = slot_at(c, s, idx);
    if (is_debug(c)) {
        check_redzones(c, slot);
        fill_bytes(slot + c->obj_offset, SLAB_POISON, c->objsize);
    }
    old_inuse = s->inuse;
    clear_bit(s, idx);
    store_link(slot, s->free);
    s->free = slot;
    s->inuse--;
    c->in_use--;
    relist(c, s, old_inuse);
    return XR_OK;
}

/* --- set-up and tear-down ------------------------------------------------------------------- */

/* Offset of the first slot when a slab holds n slots. */
static size_t header_end(const slab_cache_t *c, size_t n)
{
    return ALIGN_UP(sizeof(struct slab) + (n + 63) / 64 * sizeof(uint64_t), c->align);
}

static size_t slots_fitting(const slab_cache_t *c, size_t bytes)
{
    size_t n = bytes / c->stride;

    while (n > 0 && header_end(c, n) + n * c->stride > bytes)
        n--;
    return n;
}

/* Smallest slab order wasting at most 1/8 of the slab, else the least wasteful one. */
static void choose_order(slab_cache_t *c)
{
    size_t best_waste = SIZE_MAX;
    unsigned best = 0;

    for (unsigned o = 0; o <= SLAB_MAX_ORDER; o++) {
        size_t bytes = (size_t)SLAB_PAGE_SIZE << o, waste;
        size_t n = slots_fitting(c, bytes);

        if (n == 0)
            continue;
        waste = bytes - header_end(c, n) - n * c->stride;
        if (waste * 8 <= bytes) {
            best = o;
            break;
        }
        if (waste << (SLAB_MAX_ORDER - o) < best_waste) { /* compare as fractions of a slab */
            best_waste = waste << (SLAB_MAX_ORDER - o);
            best = o;
        }
    }
    c->order = best;
    c->per_slab = (unsigned)slots_fitting(c, slab_bytes(c));
    c->first = header_end(c, c->per_slab);
}

static void set_layout(slab_cache_t *c)
{
    if (is_debug(c)) {
        c->obj_offset = ALIGN_UP(LINK_SIZE + RED_MIN, c->align);
        c->stride = ALIGN_UP(c->obj_offset + c->objsize + RED_MIN, c->align);
    } else {
        c->obj_offset = 0;
        c->stride = ALIGN_UP(c->objsize < LINK_SIZE ? LINK_SIZE : c->objsize, c->align);
    }
    choose_order(c);
}

kerr_t slab_cache_init(slab_cache_t *c, const char *name, size_t objsize, size_t align,
                       unsigned flags, slab_page_alloc_t pa, slab_page_free_t pf, void *ctx)
{
    if (align == 0)
        align = SLAB_MIN_ALIGN;
    if (objsize == 0 || objsize > SLAB_MAX_OBJSIZE || align > SLAB_MAX_ALIGN ||
        (align & (align - 1)) != 0 || (flags & ~SLAB_DEBUG) != 0 || !pa || !pf)
        return XR_EINVAL;
    fill_bytes((uint8_t *)c, 0, sizeof(*c));
    c->name = name;
    c->objsize = objsize;
    c->align = align < SLAB_MIN_ALIGN ? SLAB_MIN_ALIGN : align;
    c->flags = flags;
    c->page_alloc = pa;
    c->page_free = pf;
    c->ctx = ctx;
    set_layout(c);
    return c->per_slab > 0 ? XR_OK : XR_EINVAL;
}

void slab_cache_set_report(slab_cache_t *c, slab_report_t hook)
{
    c->report = hook;
}

kerr_t slab_cache_destroy(slab_cache_t *c)
{
    if (c->in_use != 0)
        return XR_EBUSY;
    while (c->empty) {
        struct slab *s = c->empty;

        list_del(&c->empty, s);
        release_slab(c, s);
    }
    c->page_alloc = NULL;
    return XR_OK;
}

uint64_t slab_cache_objects(const slab_cache_t *c)
{
    return c->in_use;
}

uint64_t slab_cache_slabs(const slab_cache_t *c)
{
    return c->slabs;
}

uint64_t slab_cache_pages(const slab_cache_t *c)
{
    return c->slabs << c->order;
}

uint64_t slab_cache_errors(const slab_cache_t *c)
{
    return c->errors;
}

/* --- consistency walk ----------------------------------------------------------------------- */

/* Debug mode: the slot's red zones are intact, and so is its poison while it is free. */
static bool slot_pristine(const slab_cache_t *c, struct slab *s, size_t idx)
{
    const uint8_t *slot = slot_at(c, s, idx);

    if (!redzones_intact(c, slot))
        return false;
    return test_bit(s, idx) || bytes_are(slot + c->obj_offset, SLAB_POISON, c->objsize);
}

/* The bitmap agrees with inuse and has no bit past the last slot; debug slots are pristine. */
static bool check_slots(const slab_cache_t *c, struct slab *s)
{
    size_t used = 0, words = (c->per_slab + 63) / 64;

    for (size_t idx = c->per_slab; idx < words * 64; idx++) {
        if (test_bit(s, idx))
            return false;
    }
    for (size_t idx = 0; idx < c->per_slab; idx++) {
        if (is_debug(c) && !slot_pristine(c, s, idx))
            return false;
        used += test_bit(s, idx);
    }
    return used == s->inuse;
}

/* The free list names exactly the free slots, each once, and ends in NULL. */
static bool check_free_list(const slab_cache_t *c, const struct slab *s)
{
    const uint8_t *slot = s->free;

    for (uint32_t n = 0; n < c->per_slab - s->inuse; n++) {
        if (!is_free_slot(c, s, slot))
            return false;
        slot = load_link(slot);
    }
    return slot == NULL;
}

static bool check_slab(const slab_cache_t *c, struct slab *s, enum slab_kind kind)
{
    if (s->magic != SLAB_MAGIC || s->cache != c || ((uintptr_t)s & (slab_bytes(c) - 1)))
        return false;
    if (s->inuse > c->per_slab || kind_of(c, s->inuse) != kind)
        return false;
    return check_slots(c, s) && check_free_list(c, s);
}

static bool check_list(const slab_cache_t *c, struct slab *head, enum slab_kind kind,
                       uint64_t *slabs, uint64_t *objects)
{
    const struct slab *prev = NULL;

    for (struct slab *s = head; s; prev = s, s = s->next) {
        if (*slabs >= c->slabs || s->prev != prev || !check_slab(c, s, kind))
            return false;
        (*slabs)++;
        *objects += s->inuse;
    }
    return true;
}

bool slab_check(const slab_cache_t *c)
{
    uint64_t slabs = 0, objects = 0;

    if (c->empty && c->empty->next)
        return false;
    if (!check_list(c, c->empty, SLAB_EMPTY, &slabs, &objects) ||
        !check_list(c, c->partial, SLAB_PARTIAL, &slabs, &objects) ||
        !check_list(c, c->full, SLAB_FULL, &slabs, &objects))
        return false;
    return slabs == c->slabs && objects == c->in_use;
}
