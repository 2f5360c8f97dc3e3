/* Host tests for kernel/cap: errors, rights, badges, the derivation tree, refs, random runs. */
#include <string.h>

#include "kernel/cap.h"
#include "tests/host/check.h"

#define NT   4  /* tables */
#define NS   64 /* slots per table */
#define NOBJ 8  /* test objects */

static cap_slot_t slots[NT][NS];
static cap_table_t tab[NT];

/* --- counting objects ------------------------------------------------------------------------ */

typedef struct obj {
    uint8_t type; /* the type every cap to it must carry */
    long refs;    /* references the cap layer holds */
} obj_t;

static obj_t objs[NOBJ];
static unsigned ref_errors; /* ref/unref of an unknown object, with a wrong type, or below 0 */

static obj_t *obj_find(void *p)
{
    for (int i = 0; i < NOBJ; i++) {
        if (p == &objs[i])
            return &objs[i];
    }
    return NULL;
}

/* The cap layer passes the new slot (ref) or a copy of the removed one (unref); a slot
 * that is not in a table's array shows a removed slot was passed, not its copy. */
static void count_ref(const cap_slot_t *s)
{
    obj_t *o = obj_find(s->object);

    if (!o || o->type != s->type || !s->table)
        ref_errors++;
    else
        o->refs++;
}

static void count_unref(const cap_slot_t *s)
{
    obj_t *o = obj_find(s->object);

    if (!o || o->type != s->type || o->refs == 0 || !s->table)
        ref_errors++;
    else
        o->refs--;
}

static const cap_object_ops_t counting_ops = {.ref = count_ref, .unref = count_unref};

static const uint8_t obj_types[NOBJ] = {
    XR_OBJ_ENDPOINT, XR_OBJ_NOTIFICATION, XR_OBJ_MEMORY,  XR_OBJ_THREAD,
    XR_OBJ_ENDPOINT, XR_OBJ_IRQ,          XR_OBJ_PROCESS, XR_OBJ_REPLY,
};

/* Empty tables, fresh objects, counting on. */
static void setup(void)
{
    for (int t = 0; t < NT; t++)
        cap_table_init(&tab[t], slots[t], NS);
    for (int i = 0; i < NOBJ; i++)
        objs[i] = (obj_t){.type = obj_types[i]};
    ref_errors = 0;
    cap_set_object_ops(&counting_ops);
}

static cap_slot_t *S(int t, int i)
{
    return &slots[t][i];
}

static long refs_total(void)
{
    long n = 0;

    for (int i = 0; i < NOBJ; i++)
        n += objs[i].refs;
    return n;
}

static uint32_t used_total(void)
{
    uint32_t n = 0;

    for (int t = 0; t < NT; t++)
        n += tab[t].used;
    return n;
}

/* Inserts an original with all rights for objs[o] (its own type) and checks it worked. */
static void put(int t, int i, int o)
{
    CHECK(cap_insert(&tab[t], (xr_cap_t)i, objs[o].type, XR_RIGHTS_ALL, 0, &objs[o]) == XR_OK);
}

/* Copies with all rights, no new badge, and checks it worked. */
static void cp(int st, int si, int dt, int di)
{
    CHECK(cap_copy(&tab[st], (xr_cap_t)si, &tab[dt], (xr_cap_t)di, XR_RIGHTS_ALL, 0) == XR_OK);
}

/* --- whole-state checks ---------------------------------------------------------------------- */

typedef struct snapshot {
    cap_slot_t slots[NT][NS];
    cap_table_t tab[NT];
    obj_t objs[NOBJ];
} snapshot_t;

static snapshot_t snap_before;

static void snap(void)
{
    memcpy(snap_before.slots, slots, sizeof(slots));
    memcpy(snap_before.tab, tab, sizeof(tab));
    memcpy(snap_before.objs, objs, sizeof(objs));
}

static bool unchanged(void)
{
    return !memcmp(snap_before.slots, slots, sizeof(slots)) &&
           !memcmp(snap_before.tab, tab, sizeof(tab)) &&
           !memcmp(snap_before.objs, objs, sizeof(objs));
}

static bool slot_is_zero(const cap_slot_t *s)
{
    return s->type == 0 && s->rights == 0 && s->flags == 0 && s->badge == 0 && !s->object &&
           !s->table && !s->parent && !s->child && !s->prev && !s->next;
}

static bool in_list(const cap_slot_t *p, const cap_slot_t *s)
{
    int n = 0;

    for (const cap_slot_t *c = p->child; c && n <= NT * NS; c = c->next, n++) {
        if (c == s)
            return true;
    }
    return false;
}

/* Errors in one slot's child list: a child must link back to s and to its predecessor. */
static unsigned child_list_errors(const cap_slot_t *s)
{
    const cap_slot_t *prev = NULL;
    unsigned bad = 0;
    int n = 0;

    for (const cap_slot_t *c = s->child; c; prev = c, c = c->next) {
        if (++n > NT * NS)
            return bad + 1; /* a cycle */
        bad += c->parent != s || c->prev != prev || cap_slot_empty(c);
    }
    return bad;
}

/* Errors in one non-empty slot of table t. */
static unsigned slot_errors(int t, const cap_slot_t *s)
{
    obj_t *o = obj_find(s->object);
    const cap_slot_t *p = s->parent;
    unsigned bad = 0;
    int depth = 0;

    bad += s->table != &tab[t] || (s->rights & ~XR_RIGHTS_ALL) || !o || o->type != s->type;
    if (p) {
        bad += cap_slot_empty(p) || p->object != s->object || !in_list(p, s);
        bad += (s->rights & ~p->rights) != 0 || (p->badge && s->badge != p->badge);
        bad += (s->flags & CAP_FLAG_ORIGINAL) != 0;
    } else {
        bad += s->prev != NULL || s->next != NULL;
    }
    for (; p && depth <= NT * NS; p = p->parent)
        depth++;
    bad += depth > NT * NS; /* a parent cycle */
    return bad + child_list_errors(s);
}

/* Every structural invariant of all tables: zeroed empty slots, links, used counts. */
static unsigned tree_errors(void)
{
    unsigned bad = 0;

    for (int t = 0; t < NT; t++) {
        uint32_t used = 0;

        for (int i = 0; i < NS; i++) {
            if (cap_slot_empty(S(t, i))) {
                bad += !slot_is_zero(S(t, i));
                continue;
            }
            used++;
            bad += slot_errors(t, S(t, i));
        }
        bad += used != tab[t].used;
    }
    return bad;
}

/* Caps of o in all tables. */
static long caps_of(int o)
{
    long n = 0;

    for (int t = 0; t < NT; t++) {
        for (int i = 0; i < NS; i++)
            n += S(t, i)->object == &objs[o];
    }
    return n;
}

static bool refs_balanced(void)
{
    for (int o = 0; o < NOBJ; o++) {
        if (objs[o].refs != caps_of(o))
            return false;
    }
    return ref_errors == 0;
}

/* Children of p, first to last, into out[]; returns how many. */
static int children(const cap_slot_t *p, cap_slot_t **out, int max)
{
    int n = 0;

    for (cap_slot_t *c = p->child; c && n < max; c = c->next)
        out[n++] = c;
    return n;
}

/* --- fixed tests ----------------------------------------------------------------------------- */

static void test_insert(void)
{
    setup();
    snap();
    CHECK(cap_insert(&tab[0], NS, XR_OBJ_ENDPOINT, XR_RIGHTS_ALL, 0, &objs[0]) == XR_ERANGE);
    CHECK(cap_insert(&tab[0], UINT32_MAX, XR_OBJ_ENDPOINT, 0, 0, &objs[0]) == XR_ERANGE);
    CHECK(cap_insert(&tab[0], 0, XR_OBJ_NONE, XR_RIGHTS_ALL, 0, &objs[0]) == XR_EINVAL);
    CHECK(cap_insert(&tab[0], 0, XR_OBJ_COUNT, XR_RIGHTS_ALL, 0, &objs[0]) == XR_EINVAL);
    CHECK(cap_insert(&tab[0], 0, XR_OBJ_ENDPOINT, XR_RIGHTS_ALL + 1, 0, &objs[0]) == XR_EINVAL);
    CHECK(cap_insert(&tab[0], 0, XR_OBJ_ENDPOINT, XR_RIGHTS_ALL, 0, NULL) == XR_EINVAL);
    CHECK(cap_insert(&tab[0], 0, XR_OBJ_MEMORY, XR_RIGHT_READ, 5, &objs[2]) == XR_EINVAL);
    CHECK(unchanged());

    CHECK(cap_insert(&tab[0], 3, XR_OBJ_ENDPOINT, XR_RIGHT_READ | XR_RIGHT_WRITE, 7, &objs[0]) ==
          XR_OK);
    CHECK(S(0, 3)->type == XR_OBJ_ENDPOINT && S(0, 3)->rights == (XR_RIGHT_READ | XR_RIGHT_WRITE));
    CHECK(S(0, 3)->badge == 7 && S(0, 3)->object == &objs[0] && S(0, 3)->table == &tab[0]);
    CHECK(S(0, 3)->flags == CAP_FLAG_ORIGINAL && !S(0, 3)->parent && !S(0, 3)->child);
    CHECK(tab[0].used == 1 && objs[0].refs == 1);
    CHECK(cap_insert(&tab[0], NS - 1, XR_OBJ_NOTIFICATION, 0, 1, &objs[1]) == XR_OK);

    snap();
    CHECK(cap_insert(&tab[0], 3, XR_OBJ_ENDPOINT, XR_RIGHTS_ALL, 0, &objs[4]) == XR_EBUSY);
    CHECK(unchanged());
    CHECK(tree_errors() == 0 && refs_balanced());
}

static void test_lookup(void)
{
    cap_slot_t *out = (cap_slot_t *)&out; /* a sentinel a failure must leave alone */

    setup();
    put(1, 5, 2); /* memory, all rights */
    CHECK(cap_insert(&tab[1], 6, XR_OBJ_ENDPOINT, XR_RIGHT_WRITE, 0, &objs[0]) == XR_OK);
    snap();
    CHECK(cap_lookup(&tab[1], NS, XR_OBJ_MEMORY, 0, &out) == XR_ERANGE);
    CHECK(cap_lookup(&tab[1], UINT32_MAX, XR_OBJ_NONE, 0, &out) == XR_ERANGE);
    CHECK(cap_lookup(&tab[1], 4, XR_OBJ_NONE, 0, &out) == XR_EBADCAP);
    CHECK(cap_lookup(&tab[0], 5, XR_OBJ_MEMORY, 0, &out) == XR_EBADCAP);
    CHECK(cap_lookup(&tab[1], 5, XR_OBJ_ENDPOINT, 0, &out) == XR_EBADCAP);
    CHECK(cap_lookup(&tab[1], 6, XR_OBJ_ENDPOINT, XR_RIGHT_READ, &out) == XR_EPERM);
    CHECK(cap_lookup(&tab[1], 6, XR_OBJ_ENDPOINT, XR_RIGHT_WRITE | XR_RIGHT_GRANT, &out) ==
          XR_EPERM);
    CHECK(cap_lookup(&tab[1], 5, XR_OBJ_MEMORY, 0x10, &out) == XR_EPERM);
    CHECK(out == (cap_slot_t *)&out && unchanged());

    CHECK(cap_lookup(&tab[1], 5, XR_OBJ_MEMORY, XR_RIGHTS_ALL, &out) == XR_OK && out == S(1, 5));
    CHECK(cap_lookup(&tab[1], 6, XR_OBJ_NONE, XR_RIGHT_WRITE, &out) == XR_OK && out == S(1, 6));
    CHECK(cap_lookup(&tab[1], 6, XR_OBJ_ENDPOINT, 0, &out) == XR_OK && out == S(1, 6));
    CHECK(unchanged());
}

static void test_copy_rights(void)
{
    unsigned wrong = 0;

    setup();
    CHECK(cap_insert(&tab[0], 0, XR_OBJ_MEMORY, XR_RIGHT_READ | XR_RIGHT_WRITE | XR_RIGHT_GRANT, 0,
                     &objs[2]) == XR_OK);
    CHECK(cap_copy(&tab[0], 0, &tab[0], 1, XR_RIGHT_READ | XR_RIGHT_WRITE, 0) == XR_OK);
    CHECK(S(0, 1)->rights == (XR_RIGHT_READ | XR_RIGHT_WRITE) && S(0, 1)->parent == S(0, 0));
    CHECK(S(0, 1)->flags == 0 && S(0, 1)->object == &objs[2] && S(0, 1)->type == XR_OBJ_MEMORY);
    CHECK(cap_copy(&tab[0], 1, &tab[1], 0, XR_RIGHTS_ALL, 0) == XR_OK);
    CHECK(S(1, 0)->rights == (XR_RIGHT_READ | XR_RIGHT_WRITE) && S(1, 0)->parent == S(0, 1));
    CHECK(cap_copy(&tab[1], 0, &tab[1], 1, UINT32_MAX, 0) == XR_OK);
    CHECK(S(1, 1)->rights == (XR_RIGHT_READ | XR_RIGHT_WRITE));
    CHECK(cap_copy(&tab[1], 1, &tab[2], 0, XR_RIGHT_GRANT | XR_RIGHT_EXEC, 0) == XR_OK);
    CHECK(S(2, 0)->rights == 0); /* a cap with no rights still names (and pins) the object */
    CHECK(cap_copy(&tab[2], 0, &tab[2], 1, XR_RIGHTS_ALL, 0) == XR_OK && S(2, 1)->rights == 0);
    CHECK(objs[2].refs == 6 && tab[0].used == 2 && tab[1].used == 2 && tab[2].used == 2);

    snap();
    CHECK(cap_copy(&tab[0], NS, &tab[0], 9, XR_RIGHTS_ALL, 0) == XR_ERANGE);
    CHECK(cap_copy(&tab[0], 0, &tab[3], NS, XR_RIGHTS_ALL, 0) == XR_ERANGE);
    CHECK(cap_copy(&tab[0], 9, &tab[0], 10, XR_RIGHTS_ALL, 0) == XR_EBADCAP);
    CHECK(cap_copy(&tab[0], 0, &tab[1], 0, XR_RIGHTS_ALL, 0) == XR_EBUSY);
    CHECK(cap_copy(&tab[0], 0, &tab[0], 0, XR_RIGHTS_ALL, 0) == XR_EBUSY);
    CHECK(unchanged());
    CHECK(tree_errors() == 0 && refs_balanced());

    /* Every source rights value under every mask: the copy gets exactly the intersection. */
    setup();
    for (uint32_t r = 0; r <= XR_RIGHTS_ALL; r++) {
        for (uint32_t m = 0; m < 256; m++) {
            wrong += cap_insert(&tab[3], 0, XR_OBJ_THREAD, r, 0, &objs[3]) != XR_OK;
            wrong += cap_copy(&tab[3], 0, &tab[3], 1, m, 0) != XR_OK;
            wrong += S(3, 1)->rights != (r & m);
            wrong += cap_delete(&tab[3], 1) != XR_OK || cap_delete(&tab[3], 0) != XR_OK;
        }
    }
    CHECK(wrong == 0 && objs[3].refs == 0 && tab[3].used == 0);
}

static void test_badge(void)
{
    setup();
    put(0, 0, 0); /* unbadged original endpoint */
    CHECK(cap_copy(&tab[0], 0, &tab[1], 0, XR_RIGHTS_ALL, 5) == XR_OK);
    CHECK(S(1, 0)->badge == 5 && S(1, 0)->parent == S(0, 0));
    CHECK(cap_copy(&tab[1], 0, &tab[2], 0, XR_RIGHT_WRITE, 0) == XR_OK);
    CHECK(S(2, 0)->badge == 5 && S(2, 0)->rights == XR_RIGHT_WRITE);
    CHECK(cap_copy(&tab[0], 0, &tab[1], 1, XR_RIGHTS_ALL, 9) == XR_OK && S(1, 1)->badge == 9);
    CHECK(cap_copy(&tab[0], 0, &tab[1], 2, XR_RIGHTS_ALL, 0) == XR_OK && S(1, 2)->badge == 0);
    CHECK(cap_copy(&tab[1], 2, &tab[1], 3, XR_RIGHTS_ALL, 11) == XR_OK); /* unbadged copy */
    CHECK(S(1, 3)->badge == 11 && S(1, 3)->parent == S(1, 2));

    snap();
    CHECK(cap_copy(&tab[1], 0, &tab[2], 1, XR_RIGHTS_ALL, 6) == XR_EPERM);
    CHECK(cap_copy(&tab[2], 0, &tab[2], 1, XR_RIGHTS_ALL, 5) == XR_EPERM);
    CHECK(unchanged());

    put(0, 1, 1); /* notification: badgeable too */
    CHECK(cap_copy(&tab[0], 1, &tab[0], 2, XR_RIGHTS_ALL, 0x8000000000000001ull) == XR_OK);
    CHECK(S(0, 2)->badge == 0x8000000000000001ull);
    put(0, 3, 2); /* memory: not badgeable */
    CHECK(cap_insert(&tab[0], 4, XR_OBJ_ENDPOINT, XR_RIGHTS_ALL, 3, &objs[4]) == XR_OK);
    snap();
    CHECK(cap_copy(&tab[0], 3, &tab[0], 5, XR_RIGHTS_ALL, 1) == XR_EINVAL);
    CHECK(cap_copy(&tab[0], 4, &tab[0], 5, XR_RIGHTS_ALL, 1) == XR_EPERM); /* badged original */
    CHECK(unchanged());
    CHECK(cap_copy(&tab[0], 4, &tab[0], 5, XR_RIGHTS_ALL, 0) == XR_OK && S(0, 5)->badge == 3);

    /* Revoking the unbadged original takes every badged cap minted from it. */
    CHECK(cap_revoke(&tab[0], 0) == XR_OK);
    CHECK(tab[1].used == 0 && tab[2].used == 0 && objs[0].refs == 1);
    CHECK(tree_errors() == 0 && refs_balanced());
}

static void test_move(void)
{
    cap_slot_t *kids[8];

    setup();
    put(0, 0, 0);   /* O */
    cp(0, 0, 1, 0); /* A = copy of O */
    cp(1, 0, 2, 0); /* B = copy of A */
    cp(0, 0, 1, 1); /* C = copy of O */
    cp(1, 0, 3, 0); /* D = copy of A */

    CHECK(cap_move(&tab[1], 0, &tab[3], 5) == XR_OK); /* A to another table */
    CHECK(cap_slot_empty(S(1, 0)) && slot_is_zero(S(1, 0)));
    CHECK(S(3, 5)->parent == S(0, 0) && S(3, 5)->table == &tab[3] && S(3, 5)->flags == 0);
    CHECK(S(2, 0)->parent == S(3, 5) && S(3, 0)->parent == S(3, 5));
    CHECK(in_list(S(0, 0), S(3, 5)) && in_list(S(0, 0), S(1, 1)));
    CHECK(tab[1].used == 1 && tab[3].used == 2 && objs[0].refs == 5);
    CHECK(tree_errors() == 0);

    CHECK(cap_move(&tab[0], 0, &tab[2], 9) == XR_OK); /* the original, within reach of all */
    CHECK(S(2, 9)->flags == CAP_FLAG_ORIGINAL && !S(2, 9)->parent);
    CHECK(S(3, 5)->parent == S(2, 9) && S(1, 1)->parent == S(2, 9));
    CHECK(tree_errors() == 0 && refs_balanced());

    snap();
    CHECK(cap_move(&tab[2], NS, &tab[0], 0) == XR_ERANGE);
    CHECK(cap_move(&tab[2], 9, &tab[0], NS) == XR_ERANGE);
    CHECK(cap_move(&tab[0], 0, &tab[0], 1) == XR_EBADCAP);
    CHECK(cap_move(&tab[2], 9, &tab[2], 0) == XR_EBUSY);
    CHECK(cap_move(&tab[2], 9, &tab[2], 9) == XR_EBUSY);
    CHECK(unchanged());

    CHECK(cap_revoke(&tab[2], 9) == XR_OK); /* the moved caps are still descendants */
    CHECK(used_total() == 1 && objs[0].refs == 1 && !S(2, 9)->child);

    /* Moving the middle one of three siblings keeps the order of the list. */
    cp(2, 9, 0, 1);
    cp(2, 9, 0, 2);
    cp(2, 9, 0, 3); /* list: 3, 2, 1 */
    CHECK(cap_move(&tab[0], 2, &tab[1], 7) == XR_OK);
    CHECK(children(S(2, 9), kids, 8) == 3 && kids[0] == S(0, 3) && kids[1] == S(1, 7) &&
          kids[2] == S(0, 1));
    CHECK(cap_move(&tab[0], 3, &tab[0], 4) == XR_OK && S(2, 9)->child == S(0, 4));
    CHECK(cap_move(&tab[0], 1, &tab[0], 0) == XR_OK);
    CHECK(children(S(2, 9), kids, 8) == 3 && kids[0] == S(0, 4) && kids[2] == S(0, 0));
    CHECK(tree_errors() == 0 && refs_balanced());
}

static void test_delete(void)
{
    cap_slot_t *kids[8];
    cap_slot_t *out;

    setup();
    put(0, 0, 0);   /* O */
    cp(0, 0, 1, 0); /* A */
    cp(0, 0, 1, 1); /* B, sibling of A */
    cp(1, 0, 2, 0); /* A1 */
    cp(1, 0, 2, 1); /* A2 */

    snap();
    CHECK(cap_delete(&tab[1], NS) == XR_ERANGE);
    CHECK(cap_delete(&tab[1], 2) == XR_EBADCAP);
    CHECK(unchanged());

    CHECK(cap_delete(&tab[1], 1) == XR_OK); /* a copy: its sibling does not notice */
    CHECK(slot_is_zero(S(1, 1)) && S(1, 0)->parent == S(0, 0) && S(0, 0)->child == S(1, 0));
    CHECK(!S(1, 0)->prev && !S(1, 0)->next && objs[0].refs == 4 && tab[1].used == 1);
    CHECK(cap_lookup(&tab[1], 0, XR_OBJ_ENDPOINT, XR_RIGHTS_ALL, &out) == XR_OK);
    CHECK(tree_errors() == 0 && refs_balanced());

    CHECK(cap_delete(&tab[0], 0) == XR_OK); /* the original: copies stay valid */
    CHECK(!S(1, 0)->parent && S(2, 0)->parent == S(1, 0) && S(2, 1)->parent == S(1, 0));
    CHECK(cap_lookup(&tab[2], 0, XR_OBJ_ENDPOINT, XR_RIGHTS_ALL, &out) == XR_OK);
    CHECK(objs[0].refs == 3 && tree_errors() == 0);
    CHECK(cap_revoke(&tab[1], 0) == XR_OK); /* ... until revoked */
    CHECK(tab[2].used == 0 && objs[0].refs == 1 && tree_errors() == 0 && refs_balanced());

    /* Deleting a middle cap hands its children, in order, to its parent in its place. */
    setup();
    put(0, 0, 4);   /* P */
    cp(0, 0, 0, 1); /* s2 */
    cp(0, 0, 0, 2); /* X */
    cp(0, 0, 0, 3); /* s1; list: s1, X, s2 */
    cp(0, 2, 1, 1); /* c3 */
    cp(0, 2, 1, 2); /* c2 */
    cp(0, 2, 1, 3); /* c1; X's list: c1, c2, c3 */
    cp(1, 3, 2, 0); /* grandchild under c1 */
    CHECK(cap_delete(&tab[0], 2) == XR_OK);
    CHECK(children(S(0, 0), kids, 8) == 5 && kids[0] == S(0, 3) && kids[1] == S(1, 3) &&
          kids[2] == S(1, 2) && kids[3] == S(1, 1) && kids[4] == S(0, 1));
    CHECK(S(2, 0)->parent == S(1, 3) && tree_errors() == 0 && refs_balanced());
    CHECK(cap_delete(&tab[0], 3) == XR_OK && S(0, 0)->child == S(1, 3)); /* first child */
    CHECK(cap_delete(&tab[0], 1) == XR_OK && !S(1, 1)->next);            /* last child */
    CHECK(cap_revoke(&tab[0], 0) == XR_OK && used_total() == 1);
    CHECK(tree_errors() == 0 && refs_balanced());
}

static void test_revoke_three_tables(void)
{
    setup();
    put(0, 0, 0);   /* O in table 0 */
    cp(0, 0, 1, 0); /* A in table 1 */
    cp(1, 0, 2, 0); /* copy of a copy, table 2 */
    cp(2, 0, 0, 1); /* and back in table 0 */
    cp(0, 1, 1, 5); /* depth 4 */
    cp(0, 0, 2, 7); /* another child of O */
    put(0, 2, 0);   /* a second original of the same object: another tree */
    cp(0, 2, 1, 9);
    cp(0, 2, 2, 9);

    snap();
    CHECK(cap_revoke(&tab[0], NS) == XR_ERANGE);
    CHECK(cap_revoke(&tab[0], 3) == XR_EBADCAP);
    CHECK(unchanged());
    CHECK(cap_revoke(&tab[1], 5) == XR_OK && unchanged()); /* a leaf: nothing to do */

    CHECK(cap_revoke(&tab[1], 0) == XR_OK); /* middle: only A's subtree goes */
    CHECK(!cap_slot_empty(S(1, 0)) && !S(1, 0)->child && cap_slot_empty(S(2, 0)));
    CHECK(cap_slot_empty(S(0, 1)) && cap_slot_empty(S(1, 5)) && !cap_slot_empty(S(2, 7)));
    CHECK(objs[0].refs == 6 && tree_errors() == 0 && refs_balanced());

    cp(1, 0, 2, 0);
    cp(2, 0, 0, 1);
    cp(0, 1, 1, 5);
    CHECK(cap_revoke(&tab[0], 0) == XR_OK);
    CHECK(!cap_slot_empty(S(0, 0)) && !S(0, 0)->child && S(0, 0)->flags == CAP_FLAG_ORIGINAL);
    CHECK(tab[0].used == 2 && tab[1].used == 1 && tab[2].used == 1); /* the other tree stays */
    CHECK(S(1, 9)->parent == S(0, 2) && S(2, 9)->parent == S(0, 2));
    CHECK(objs[0].refs == 4 && tree_errors() == 0 && refs_balanced());
}

static void test_revoke_deep_and_wide(void)
{
    int t = 0, i = 0;

    setup();
    put(0, 0, 5);
    for (int n = 1; n < NT * NS; n++) { /* one chain through every slot of every table */
        int nt = n % NT, ni = n / NT;

        cp(t, i, nt, ni);
        t = nt;
        i = ni;
    }
    CHECK(used_total() == NT * NS && objs[5].refs == NT * NS && tree_errors() == 0);
    CHECK(cap_revoke(&tab[0], 0) == XR_OK && used_total() == 1 && objs[5].refs == 1);

    for (int n = 1; n < NT * NS; n++) /* one parent, every other slot its child */
        cp(0, 0, n % NT, n / NT);
    CHECK(used_total() == NT * NS && tree_errors() == 0);
    CHECK(cap_revoke(&tab[0], 0) == XR_OK && used_total() == 1);
    CHECK(tree_errors() == 0 && refs_balanced());
}

static void test_clear(void)
{
    setup();
    put(0, 0, 0);
    put(0, 1, 2);
    cp(0, 0, 0, 2);
    cp(0, 0, 1, 0);
    cp(1, 0, 1, 1);
    cp(0, 2, 2, 0);
    cp(0, 1, 3, 0);
    CHECK(cap_table_clear(&tab[0]) == 3 && tab[0].used == 0);
    CHECK(!S(1, 0)->parent && S(1, 1)->parent == S(1, 0) && !S(2, 0)->parent && !S(3, 0)->parent);
    CHECK(tree_errors() == 0 && refs_balanced() && objs[0].refs == 3 && objs[2].refs == 1);
    CHECK(cap_table_clear(&tab[0]) == 0);
    CHECK(cap_table_clear(&tab[1]) == 2 && cap_table_clear(&tab[2]) == 1);
    CHECK(cap_table_clear(&tab[3]) == 1 && used_total() == 0 && refs_total() == 0);
    CHECK(tree_errors() == 0 && ref_errors == 0);
}

static void test_refs(void)
{
    cap_slot_t *out;

    setup();
    for (int o = 0; o < NOBJ; o++)
        put(o % NT, o, o);
    for (int n = 0; n < 40; n++)
        cp(n % NT, n % NOBJ, (n + 1) % NT, 10 + n);
    CHECK(refs_total() == NOBJ + 40 && refs_balanced());
    CHECK(cap_move(&tab[1], 10, &tab[0], 60) == XR_OK && refs_total() == NOBJ + 40);
    CHECK(cap_delete(&tab[0], 60) == XR_OK && refs_total() == NOBJ + 39);
    CHECK(cap_revoke(&tab[0], 0) == XR_OK && refs_balanced());
    for (int t = 0; t < NT; t++)
        cap_table_clear(&tab[t]);
    CHECK(refs_total() == 0 && ref_errors == 0 && used_total() == 0);
    for (int o = 0; o < NOBJ; o++)
        CHECK(objs[o].refs == 0);

    /* Without ops nothing is counted, and nothing breaks. */
    cap_set_object_ops(NULL);
    CHECK(cap_insert(&tab[0], 0, XR_OBJ_MEMORY, XR_RIGHTS_ALL, 0, &objs[2]) == XR_OK);
    CHECK(cap_copy(&tab[0], 0, &tab[1], 0, XR_RIGHT_READ, 0) == XR_OK);
    CHECK(cap_lookup(&tab[1], 0, XR_OBJ_MEMORY, XR_RIGHT_READ, &out) == XR_OK);
    CHECK(cap_table_clear(&tab[0]) == 1 && cap_table_clear(&tab[1]) == 1);
    CHECK(refs_total() == 0 && tree_errors() == 0);
    cap_set_object_ops(&counting_ops);
}

/* --- randomized run against a model ---------------------------------------------------------- */

#define NG (NT * NS) /* global slot id: table * NS + index */

/* What a slot should hold. obj < 0: empty. parent < 0: a root. */
typedef struct mcap {
    int obj;
    int parent;
    uint8_t type, rights;
    uint16_t flags;
    uint64_t badge;
} mcap_t;

static mcap_t model[NG];
static uint64_t rng_state;

static uint64_t rng(void)
{
    uint64_t x = rng_state;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static uint32_t rnd(uint32_t n)
{
    return (uint32_t)(rng() % n);
}

/* Run statistics: how much of the state space the run reached. */
static struct {
    unsigned ok[8];           /* successful operations, by kind */
    unsigned failed;          /* expected failures, each checked to change nothing */
    unsigned mismatches;      /* result codes or states differing from the model */
    unsigned changed_on_fail; /* failures that changed something */
    unsigned revokes_3tables; /* revokes that removed caps from three tables or more */
    int max_depth;
    uint64_t used_sum; /* used slots summed over the checks, for the average fill */
    unsigned checks;
} st;

static bool m_empty(int g)
{
    return model[g].obj < 0;
}

static bool m_badgeable(uint8_t type)
{
    return type == XR_OBJ_ENDPOINT || type == XR_OBJ_NOTIFICATION;
}

static bool m_descends(int h, int g)
{
    for (int p = model[h].parent; p >= 0; p = model[p].parent) {
        if (p == g)
            return true;
    }
    return false;
}

static int m_depth(int g)
{
    int d = 0;

    for (int p = model[g].parent; p >= 0; p = model[p].parent)
        d++;
    return d;
}

static void m_delete(int g)
{
    for (int h = 0; h < NG; h++) {
        if (!m_empty(h) && model[h].parent == g)
            model[h].parent = model[g].parent;
    }
    model[g] = (mcap_t){.obj = -1, .parent = -1};
}

/* Removes every model descendant of g; returns a bit per table that lost a cap. */
static unsigned m_revoke(int g)
{
    static bool doomed[NG];
    unsigned tables = 0;

    for (int h = 0; h < NG; h++)
        doomed[h] = !m_empty(h) && m_descends(h, g);
    for (int h = 0; h < NG; h++) {
        if (doomed[h]) {
            model[h] = (mcap_t){.obj = -1, .parent = -1};
            tables |= 1u << (h / NS);
        }
    }
    return tables;
}

/*
 * Picks a slot: mostly a full one (full) or an empty one (!full) as the model sees it, so that
 * most operations succeed; sometimes any slot, up to `over` past the end.
 */
static void pick(bool full, uint32_t over, uint32_t *t, uint32_t *i)
{
    uint32_t start = rnd(NG);

    *t = rnd(NT);
    *i = rnd(NS + over);
    if (!rnd(8))
        return;
    for (uint32_t k = 0; k < NG; k++) {
        int g = (int)((start + k) % NG);

        if (m_empty(g) != full) {
            *t = (uint32_t)g / NS;
            *i = (uint32_t)g % NS;
            return;
        }
    }
}

static void note(kerr_t got, kerr_t want, const char *op)
{
    if (got == want)
        return;
    if (st.mismatches++ < 5)
        printf("# %s returned %d, model says %d\n", op, got, want);
}

static void expect_fail(kerr_t err)
{
    if (err) {
        st.failed++;
        snap();
    }
}

static void check_fail(kerr_t err)
{
    if (err && !unchanged())
        st.changed_on_fail++;
}

static void r_insert(void)
{
    uint32_t t, i, o = rnd(NOBJ), rights = rnd(16), type = objs[o].type;
    uint64_t badge = rnd(4) ? 0 : 1 + rnd(3);
    void *obj = rnd(32) ? (void *)&objs[o] : NULL;
    int g;
    kerr_t want, got;

    pick(false, 4, &t, &i);
    g = (int)(t * NS + i);
    if (!rnd(16))
        type = (const uint32_t[]){XR_OBJ_NONE, XR_OBJ_COUNT, 200}[rnd(3)];
    if (!rnd(16))
        rights |= 0x10;
    if (i >= NS)
        want = XR_ERANGE;
    else if (!obj || type == XR_OBJ_NONE || type >= XR_OBJ_COUNT || rights > XR_RIGHTS_ALL ||
             (badge && !m_badgeable((uint8_t)type)))
        want = XR_EINVAL;
    else
        want = m_empty(g) ? XR_OK : XR_EBUSY;
    expect_fail(want);
    got = cap_insert(&tab[t], i, type, rights, badge, obj);
    check_fail(want);
    note(got, want, "insert");
    if (want == XR_OK && got == XR_OK) {
        model[g] = (mcap_t){(int)o, -1, (uint8_t)type, (uint8_t)rights, CAP_FLAG_ORIGINAL, badge};
        st.ok[0]++;
    }
}

static kerr_t m_copy_err(uint32_t si, uint32_t di, int sg, int dg, uint64_t badge)
{
    if (si >= NS || di >= NS)
        return XR_ERANGE;
    if (m_empty(sg))
        return XR_EBADCAP;
    if (!m_empty(dg))
        return XR_EBUSY;
    if (badge && !m_badgeable(model[sg].type))
        return XR_EINVAL;
    if (badge && model[sg].badge)
        return XR_EPERM;
    return XR_OK;
}

static void r_copy(void)
{
    uint32_t s, si, d, di, mask = rnd(8) ? 0xF : rnd(256);
    uint64_t badge = rnd(4) ? 0 : 1 + rnd(3);
    int sg, dg;
    kerr_t want, got;

    pick(true, 2, &s, &si);
    pick(false, 2, &d, &di);
    sg = (int)(s * NS + si);
    dg = (int)(d * NS + di);
    want = m_copy_err(si, di, sg, dg, badge);
    expect_fail(want);
    got = cap_copy(&tab[s], si, &tab[d], di, mask, badge);
    check_fail(want);
    note(got, want, "copy");
    if (want == XR_OK && got == XR_OK) {
        model[dg] = model[sg];
        model[dg].parent = sg;
        model[dg].rights &= (uint8_t)mask;
        model[dg].flags = 0;
        model[dg].badge = badge ? badge : model[sg].badge;
        st.ok[1]++;
        if (m_depth(dg) > st.max_depth)
            st.max_depth = m_depth(dg);
    }
}

static void r_move(void)
{
    uint32_t s, si, d, di;
    int sg, dg;
    kerr_t want, got;

    pick(true, 2, &s, &si);
    pick(false, 2, &d, &di);
    sg = (int)(s * NS + si);
    dg = (int)(d * NS + di);
    if (si >= NS || di >= NS)
        want = XR_ERANGE;
    else if (m_empty(sg))
        want = XR_EBADCAP;
    else
        want = m_empty(dg) ? XR_OK : XR_EBUSY;
    expect_fail(want);
    got = cap_move(&tab[s], si, &tab[d], di);
    check_fail(want);
    note(got, want, "move");
    if (want == XR_OK && got == XR_OK) {
        for (int h = 0; h < NG; h++) {
            if (!m_empty(h) && model[h].parent == sg)
                model[h].parent = dg;
        }
        model[dg] = model[sg];
        model[sg] = (mcap_t){.obj = -1, .parent = -1};
        st.ok[2]++;
    }
}

/* Delete (revoke false) or revoke one slot. */
static void r_remove(bool revoke)
{
    uint32_t t, i;
    int g;
    kerr_t want, got;

    pick(true, 2, &t, &i);
    g = (int)(t * NS + i);
    want = i >= NS ? XR_ERANGE : m_empty(g) ? XR_EBADCAP : XR_OK;
    expect_fail(want);
    got = revoke ? cap_revoke(&tab[t], i) : cap_delete(&tab[t], i);
    check_fail(want);
    note(got, want, revoke ? "revoke" : "delete");
    if (want != XR_OK || got != XR_OK)
        return;
    if (revoke) {
        unsigned tables = m_revoke(g);

        st.revokes_3tables += __builtin_popcount(tables) >= 3;
        st.ok[4]++;
    } else {
        m_delete(g);
        st.ok[3]++;
    }
}

static void r_lookup(void)
{
    uint32_t t, i, type = rnd(XR_OBJ_COUNT), need = rnd(16);
    cap_slot_t *out = NULL;
    kerr_t want, got;
    int g;

    pick(true, 2, &t, &i);
    g = (int)(t * NS + i);
    if (rnd(2) && i < NS && !m_empty(g)) {
        type = rnd(2) ? XR_OBJ_NONE : model[g].type;
        need &= model[g].rights;
    }
    if (!rnd(32))
        need |= 0x20;
    if (i >= NS)
        want = XR_ERANGE;
    else if (m_empty(g) || (type != XR_OBJ_NONE && model[g].type != type))
        want = XR_EBADCAP;
    else
        want = (need & ~(uint32_t)model[g].rights) ? XR_EPERM : XR_OK;
    expect_fail(want);
    got = cap_lookup(&tab[t], i, type, need, &out);
    check_fail(want);
    note(got, want, "lookup");
    if (got == XR_OK && out != S((int)t, (int)i))
        note(1, 0, "lookup out");
    if (want == XR_OK && got == XR_OK)
        st.ok[5]++;
}

static void r_clear(void)
{
    uint32_t t = rnd(NT), n = 0;

    for (int i = 0; i < NS; i++) {
        if (!m_empty((int)t * NS + i)) {
            m_delete((int)t * NS + i);
            n++;
        }
    }
    if (cap_table_clear(&tab[t]) != n)
        note(1, 0, "clear count");
    st.ok[6]++;
}

/* Slot g of the tables against the model; 0 if they agree. */
static unsigned slot_mismatch(int g)
{
    const cap_slot_t *s = &slots[0][0] + g;
    const mcap_t *m = &model[g];

    if (m_empty(g))
        return !cap_slot_empty(s);
    if (s->parent ? s->parent - &slots[0][0] != m->parent : m->parent != -1)
        return 1;
    return s->object != &objs[m->obj] || s->type != m->type || s->rights != m->rights ||
           s->flags != m->flags || s->badge != m->badge;
}

static void check_model(long op)
{
    unsigned bad = tree_errors();

    for (int g = 0; g < NG; g++)
        bad += slot_mismatch(g);
    for (int o = 0; o < NOBJ; o++) {
        long n = 0;

        for (int g = 0; g < NG; g++)
            n += model[g].obj == o;
        bad += objs[o].refs != n || caps_of(o) != n;
    }
    bad += ref_errors != 0;
    st.used_sum += used_total();
    st.checks++;
    if (bad && st.mismatches < 5)
        printf("# state differs from the model after op %ld (%u errors)\n", op, bad);
    st.mismatches += bad;
}

static void random_op(void)
{
    uint32_t r = rnd(1000);

    if (r < 100)
        r_insert();
    else if (r < 400)
        r_copy();
    else if (r < 500)
        r_move();
    else if (r < 720)
        r_remove(false);
    else if (r < 750)
        r_remove(true);
    else if (r < 999)
        r_lookup();
    else
        r_clear();
}

static void test_random(void)
{
    const long nops = 300000, batch = 64;

    setup();
    memset(&st, 0, sizeof(st));
    for (int g = 0; g < NG; g++)
        model[g] = (mcap_t){.obj = -1, .parent = -1};
    rng_state = 0x2545F4914F6CDD1Dull;
    for (long op = 1; op <= nops; op++) {
        random_op();
        if (op % batch == 0)
            check_model(op);
    }
    CHECK(st.mismatches == 0);
    CHECK(st.changed_on_fail == 0);
    for (int k = 0; k < 7; k++)
        CHECK(st.ok[k] > 100);
    CHECK(st.failed > 1000 && st.revokes_3tables > 100 && st.max_depth >= 8);
    for (int t = 0; t < NT; t++)
        cap_table_clear(&tab[t]);
    CHECK(refs_total() == 0 && ref_errors == 0 && used_total() == 0 && tree_errors() == 0);
    printf("# random: %u inserts, %u copies, %u moves, %u deletes, %u revokes (%u over 3+ "
           "tables), %u lookups, %u clears, %u failures, max depth %d, "
           "average fill %u of %d\n",
           st.ok[0], st.ok[1], st.ok[2], st.ok[3], st.ok[4], st.revokes_3tables, st.ok[5], st.ok[6],
           st.failed, st.max_depth, (unsigned)(st.used_sum / st.checks), NG);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* keep the log if a sanitizer ends the run */
    CHECK_GROUP("cap/insert", test_insert());
    CHECK_GROUP("cap/lookup", test_lookup());
    CHECK_GROUP("cap/copy_rights", test_copy_rights());
    CHECK_GROUP("cap/badge", test_badge());
    CHECK_GROUP("cap/move", test_move());
    CHECK_GROUP("cap/delete", test_delete());
    CHECK_GROUP("cap/revoke_three_tables", test_revoke_three_tables());
    CHECK_GROUP("cap/revoke_deep_and_wide", test_revoke_deep_and_wide());
    CHECK_GROUP("cap/clear", test_clear());
    CHECK_GROUP("cap/refs", test_refs());
    CHECK_GROUP("cap/random_300k", test_random());
    return check_done();
}
