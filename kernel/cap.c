/* Capability-space core: slot checks, derivation-tree links, and the cap operations on them. */
#include "kernel/cap.h"

/* Locks: none taken here; every public function runs under the caller's cap-space lock. */

static const cap_object_ops_t *object_ops; /* NULL: references are not counted */

/* --- object references -------------------------------------------------------------------- */

static void object_ref(const cap_slot_t *s)
{
    if (object_ops && object_ops->ref)
        object_ops->ref(s);
}

static void object_unref(const cap_slot_t *s)
{
    if (object_ops && object_ops->unref)
        object_ops->unref(s);
}

void cap_set_object_ops(const cap_object_ops_t *ops)
{
    object_ops = ops;
}

/* --- derivation tree ---------------------------------------------------------------------- */

/* Makes c the first child of parent p; c has no links yet. */
static void tree_add_child(cap_slot_t *p, cap_slot_t *c)
{
    c->parent = p;
    c->prev = NULL;
    c->next = p->child;
    if (p->child)
        p->child->prev = c;
    p->child = c;
}

/* Takes x out of its parent's child list (a root is in no list); x keeps its own children. */
static void tree_unlink(cap_slot_t *x)
{
    if (x->prev)
        x->prev->next = x->next;
    else if (x->parent)
        x->parent->child = x->next;
    if (x->next)
        x->next->prev = x->prev;
    x->parent = x->prev = x->next = NULL;
}

/* Puts c, detached, just before x in x's sibling list: c becomes x's sibling. */
static void tree_insert_before(cap_slot_t *x, cap_slot_t *c)
{
    c->parent = x->parent;
    c->prev = x->prev;
    c->next = x;
    if (x->prev)
        x->prev->next = c;
    else
        x->parent->child = c;
    x->prev = c;
}

/*
 * Hands x's children to x's parent, in order and in x's place, or makes them roots if x is
 * one; x is left with no children.
 */
static void tree_lift_children(cap_slot_t *x)
{
    cap_slot_t *c = x->child;

    while (c) {
        cap_slot_t *next = c->next;

        c->parent = c->prev = c->next = NULL;
        if (x->parent)
            tree_insert_before(x, c);
        c = next;
    }
    x->child = NULL;
}

/* After a slot's contents were copied to s, points its neighbours and children at s. */
static void tree_relink(cap_slot_t *s)
{
    if (s->prev)
        s->prev->next = s;
    else if (s->parent)
        s->parent->child = s;
    if (s->next)
        s->next->prev = s;
    for (cap_slot_t *c = s->child; c; c = c->next)
        c->parent = s;
}

/* --- slots -------------------------------------------------------------------------------- */

static cap_slot_t *slot_at(cap_table_t *t, xr_cap_t slot)
{
    return slot < t->nslots ? &t->slots[slot] : NULL;
}

static bool type_is_badgeable(uint32_t type)
{
    return type == XR_OBJ_ENDPOINT || type == XR_OBJ_NOTIFICATION;
}

/* Fills empty slot s of table t with a cap that has no tree links yet; takes a reference. */
static void slot_fill(cap_table_t *t, cap_slot_t *s, const cap_slot_t *src)
{
    *s = (cap_slot_t){
        .type = src->type,
        .rights = src->rights,
        .flags = src->flags,
        .badge = src->badge,
        .object = src->object,
        .table = t,
    };
    t->used++;
    object_ref(s);
}

/* Removes the cap in s from the tree (children move up) and its table, then drops its ref. */
static void slot_remove(cap_slot_t *s)
{
    cap_slot_t gone = *s;

    if (object_ops && object_ops->slot_gone)
        object_ops->slot_gone(s);

    tree_lift_children(s);
    tree_unlink(s);
    s->table->used--;
    *s = (cap_slot_t){0};
    object_unref(&gone); /* last: the tables are consistent */
}

/* --- operations --------------------------------------------------------------------------- */

void cap_table_init(cap_table_t *t, cap_slot_t *slots, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        slots[i] = (cap_slot_t){0};
    t->slots = slots;
    t->nslots = n;
    t->used = 0;
}

static kerr_t insert_decode(uint32_t type, uint32_t rights, uint64_t badge, const void *obj)
{
    if (type == XR_OBJ_NONE || type >= XR_OBJ_COUNT || (rights & ~XR_RIGHTS_ALL) || !obj)
        return XR_EINVAL;
    if (badge && !type_is_badgeable(type))
        return XR_EINVAL;
    return XR_OK;
}

kerr_t cap_insert(cap_table_t *t, xr_cap_t slot, uint32_t type, uint32_t rights, uint64_t badge,
                  void *obj)
{
    cap_slot_t *s = slot_at(t, slot);
    kerr_t err;

    if (!s)
        return XR_ERANGE;
    err = insert_decode(type, rights, badge, obj);
    if (err)
        return err;
    if (!cap_slot_empty(s))
        return XR_EBUSY;
    slot_fill(t, s,
              &(cap_slot_t){.type = (uint8_t)type,
                            .rights = (uint8_t)rights,
                            .flags = CAP_FLAG_ORIGINAL,
                            .badge = badge,
                            .object = obj});
    return XR_OK;
}

kerr_t cap_lookup(cap_table_t *t, xr_cap_t slot, uint32_t type, uint32_t need_rights,
                  cap_slot_t **out)
{
    cap_slot_t *s = slot_at(t, slot);

    kerr_t err;

    if (!s)
        return XR_ERANGE;
    err = cap_check(s, type, need_rights);
    if (!err)
        *out = s;
    return err;
}

/* Checks a copy of s with this badge may be made; see cap_copy for the rules. */
static kerr_t copy_decode_badge(const cap_slot_t *s, uint64_t badge)
{
    if (!badge)
        return XR_OK;
    if (!type_is_badgeable(s->type))
        return XR_EINVAL;
    if (s->badge) /* a badged cap cannot be rebadged: its holder would forge identities */
        return XR_EPERM;
    return XR_OK;
}

kerr_t cap_copy(cap_table_t *src_t, xr_cap_t src, cap_table_t *dst_t, xr_cap_t dst,
                uint32_t rights_mask, uint64_t badge)
{
    cap_slot_t *s = slot_at(src_t, src);
    cap_slot_t *d = slot_at(dst_t, dst);
    kerr_t err;

    if (!s || !d)
        return XR_ERANGE;
    if (cap_slot_empty(s))
        return XR_EBADCAP;
    if (!cap_slot_empty(d))
        return XR_EBUSY;
    err = copy_decode_badge(s, badge);
    if (err)
        return err;
    slot_fill(dst_t, d,
              &(cap_slot_t){.type = s->type,
                            .rights = (uint8_t)(s->rights & rights_mask),
                            .flags = s->flags & (uint16_t)~CAP_FLAG_ORIGINAL,
                            .badge = badge ? badge : s->badge,
                            .object = s->object});
    tree_add_child(s, d);
    return XR_OK;
}

kerr_t cap_move(cap_table_t *src_t, xr_cap_t src, cap_table_t *dst_t, xr_cap_t dst)
{
    cap_slot_t *s = slot_at(src_t, src);
    cap_slot_t *d = slot_at(dst_t, dst);

    if (!s || !d)
        return XR_ERANGE;
    if (cap_slot_empty(s))
        return XR_EBADCAP;
    if (!cap_slot_empty(d))
        return XR_EBUSY;
    *d = *s;
    d->table = dst_t;
    tree_relink(d);
    if (object_ops && object_ops->slot_moved)
        object_ops->slot_moved(s, d);
    *s = (cap_slot_t){0};
    src_t->used--;
    dst_t->used++;
    return XR_OK;
}

kerr_t cap_delete(cap_table_t *t, xr_cap_t slot)
{
    cap_slot_t *s = slot_at(t, slot);

    if (!s)
        return XR_ERANGE;
    if (cap_slot_empty(s))
        return XR_EBADCAP;
    slot_remove(s);
    return XR_OK;
}

/*
 * Deletes x's subtree below x, leaves first: go down first-child links to a leaf, remove it,
 * step back up to its parent and go on from there. Each edge is walked down once and up once.
 */
static void revoke_descendants(cap_slot_t *x)
{
    /* BEGIN TODO(lab3): remove every descendant of x, without recursion */
    cap_slot_t *cur = x->child;

    while (cur) {
        cap_slot_t *up;

        if (cur->child) {
            cur = cur->child;
            continue;
        }
        up = cur->parent;
        slot_remove(cur);
        cur = up == x ? x->child : up;
    }
    /* STUB TODO(lab3)
    (void)x;
       END TODO(lab3) */
}

kerr_t cap_revoke(cap_table_t *t, xr_cap_t slot)
{
    cap_slot_t *s = slot_at(t, slot);

    if (!s)
        return XR_ERANGE;
    if (cap_slot_empty(s))
        return XR_EBADCAP;
    revoke_descendants(s);
    return XR_OK;
}

uint32_t cap_table_clear(cap_table_t *t)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < t->nslots; i++) {
        if (!cap_slot_empty(&t->slots[i])) {
            slot_remove(&t->slots[i]);
            n++;
        }
    }
    return n;
}
