/* Capability tables and the derivation tree: insert, look up, copy, move, delete, revoke. */
#ifndef KERNEL_CAP_H
#define KERNEL_CAP_H

/*
 * Pure logic: no locks, no allocation (the caller supplies each table's slot array), no
 * printing. Derivation links cross tables, so delete, revoke and clear may write slots of
 * tables other than the one named. The caller therefore serialises every call of this file
 * across all tables; none of these functions blocks. In the kernel that serialisation is
 * the kernel's one rule today (one core, interrupts off: kassert_serialised in
 * kernel/spinlock.h, asserted by the object callbacks); with SMP it becomes one cap-space
 * lock (docs/locking.md). "Serialised" below means that.
 *
 * Derivation tree. Every non-empty slot is a node. cap_insert makes a root (an original
 * cap); cap_copy makes a child of its source. A node's children form a doubly linked sibling
 * list headed by its `child` pointer; roots belong to no list. Links are slot pointers, so
 * slots must not move in memory except through cap_move, which fixes the links.
 *  - delete X: X's children take X's place, in order, in X's sibling list: their parent
 *    becomes X's parent (or they become roots if X was one). A copy thus outlives the cap it
 *    came from and stays revocable from every ancestor that remains. O(children of X).
 *  - revoke X: deletes every descendant of X in any table, iteratively (no recursion, so
 *    depth costs no stack). O(descendants of X).
 *  - insert, copy, lookup: O(1). move: O(children).
 * Explicit parent/child/sibling links were chosen over a seL4-style list with depths because
 * deleting a node from such a list must renumber its whole subtree, while here only its
 * direct children are touched.
 */

#include "lib/types.h"
#include "xr/cap.h"

/* cap_slot_t.flags */
#define CAP_FLAG_ORIGINAL 0x1u /* made by cap_insert, not by a copy; cap_move keeps it */

/* One capability. An empty slot has type XR_OBJ_NONE and every other field zero. */
typedef struct cap_slot {
    uint8_t type;            /* XR_OBJ_* of object; XR_OBJ_NONE = empty */
    uint8_t rights;          /* XR_RIGHT_* bits this cap grants */
    uint16_t flags;          /* CAP_FLAG_* */
    uint64_t badge;          /* endpoint/notification badge the receiver sees; 0 = unbadged */
    void *object;            /* the kernel object; the slot holds one reference to it */
    struct cap_table *table; /* the table whose array holds this slot (kept for `used`) */
    struct cap_slot *parent; /* the cap this one was copied from; NULL for a root */
    struct cap_slot *child;  /* first of the caps copied from this one; NULL if none */
    struct cap_slot *prev;   /* previous sibling (same parent); NULL if first, or a root */
    struct cap_slot *next;   /* next sibling; NULL if last, or a root */
} cap_slot_t;

_Static_assert(sizeof(cap_slot_t) <= 64, "a slot should fit one cache line");

/* A process's capability table: an array of slots owned by the caller. */
typedef struct cap_table {
    cap_slot_t *slots; /* nslots slots */
    uint32_t nslots;
    uint32_t used; /* number of non-empty slots */
} cap_table_t;

/*
 * How the cap layer takes and drops references on objects. Every non-empty slot holds one
 * reference: insert and copy call ref once for the new slot (filled in, tree links not yet
 * set), delete/revoke/clear call unref once per removed slot with a copy of it as it was
 * (the real slot is already empty and the tree relinked; the copy's links are stale); move
 * calls neither. Both run serialised, must not block, and must not
 * call back into this file: an object whose last reference goes is destroyed later, by the
 * caller, once the cap operation has returned (kernel/object.h, kobj_unref_deferred).
 */
typedef struct cap_object_ops {
    void (*ref)(const struct cap_slot *s);
    void (*unref)(const struct cap_slot *s);
    /* Optional: a slot is about to be emptied (still intact when called), or its cap moved
     * from one slot to another (both intact). For state tied to one cap, not to its object
     * (mappings made through a memory cap). Must not call back into the cap layer. */
    void (*slot_gone)(const struct cap_slot *s);
    void (*slot_moved)(const struct cap_slot *from, const struct cap_slot *to);
} cap_object_ops_t;

static inline bool cap_slot_empty(const cap_slot_t *s)
{
    return s->type == XR_OBJ_NONE;
}

/*
 * Sets the object callbacks, once at boot (tests may reset them between runs). NULL, or a
 * NULL member, means references are not counted. No lock: call before any cap operation.
 */
void cap_set_object_ops(const cap_object_ops_t *ops);

/* Makes t an empty table over slots[0..n), zeroing the slots. Caller owns t (no lock). */
void cap_table_init(cap_table_t *t, cap_slot_t *slots, uint32_t n);

/*
 * Puts an original cap (a new derivation root, flag CAP_FLAG_ORIGINAL) into empty slot `slot`
 * of t and takes one reference on obj. Errors: XR_ERANGE slot out of range; XR_EINVAL type
 * not a real object type, rights outside XR_RIGHTS_ALL, obj NULL, or a nonzero badge on a
 * type other than endpoint or notification; XR_EBUSY slot full. Serialised.
 */
kerr_t cap_insert(cap_table_t *t, xr_cap_t slot, uint32_t type, uint32_t rights, uint64_t badge,
                  void *obj);

/*
 * Checks that slot s holds a cap of type (XR_OBJ_NONE: any) with every right in need_rights:
 * XR_OK, XR_EBADCAP (empty or another type) or XR_EPERM. Inline: the IPC fastpath uses it
 * (through sys_cap, kernel/syscall.h), and so does cap_lookup.
 */
static inline kerr_t cap_check(const cap_slot_t *s, uint32_t type, uint32_t need_rights)
{
    if (cap_slot_empty(s) || (type != XR_OBJ_NONE && s->type != type))
        return XR_EBADCAP;
    if (need_rights & ~(uint32_t)s->rights)
        return XR_EPERM;
    return XR_OK;
}

/*
 * Finds the cap in `slot` of t; type XR_OBJ_NONE accepts any type. On success sets *out to
 * the slot (valid while serialised); on failure leaves *out alone. Errors:
 * XR_ERANGE bad index; XR_EBADCAP empty slot or other type; XR_EPERM some need_rights bit
 * missing. Serialised.
 */
kerr_t cap_lookup(cap_table_t *t, xr_cap_t slot, uint32_t type, uint32_t need_rights,
                  cap_slot_t **out);

/*
 * Copies the cap at src_t[src] into empty dst_t[dst] (src_t may equal dst_t) as a child of
 * the source in the derivation tree, with rights = source rights & rights_mask. badge 0 keeps
 * the source's badge; a nonzero badge is set only on an unbadged endpoint or notification
 * cap. Takes one reference on the object. No right is needed here: whether a transfer to
 * another table is allowed (XR_RIGHT_GRANT) is the caller's decision. Errors: XR_ERANGE either
 * index; XR_EBADCAP source empty; XR_EBUSY destination full; XR_EINVAL badge on another
 * type; XR_EPERM the source is already badged. Serialised.
 */
kerr_t cap_copy(cap_table_t *src_t, xr_cap_t src, cap_table_t *dst_t, xr_cap_t dst,
                uint32_t rights_mask, uint64_t badge);

/*
 * Moves the cap at src_t[src] into empty dst_t[dst], keeping its place in the derivation tree
 * (its parent, siblings and children now link to the new slot). No reference changes.
 * Errors: XR_ERANGE either index; XR_EBADCAP source empty; XR_EBUSY destination full (also
 * when it is the source itself). Serialised.
 */
kerr_t cap_move(cap_table_t *src_t, xr_cap_t src, cap_table_t *dst_t, xr_cap_t dst);

/*
 * Empties `slot` of t and drops its reference. Its children move up to its parent (see the
 * derivation tree above), so copies stay valid. Errors: XR_ERANGE; XR_EBADCAP slot empty.
 * Serialised; touches the children's tables.
 */
kerr_t cap_delete(cap_table_t *t, xr_cap_t slot);

/*
 * Deletes every cap derived from the cap in `slot` of t (all descendants, in any table),
 * keeping that cap. Errors: XR_ERANGE; XR_EBADCAP slot empty. Serialised; touches
 * every table holding a descendant.
 */
kerr_t cap_revoke(cap_table_t *t, xr_cap_t slot);

/*
 * Deletes every cap of t, as cap_delete does one by one (copies in other tables survive),
 * for process teardown. Returns how many caps were deleted. Serialised.
 */
uint32_t cap_table_clear(cap_table_t *t);

#endif
