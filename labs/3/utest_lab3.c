/* Lab 3's graded tests (docs/labs/lab3.md): CAP_REVOKE removes a cap's whole subtree, in every
 * table, without recursion, and takes back what a child was given. */
#include "user/child/child_modes.h"
#include "utest.h"

#define S UT_SLOT_SCRATCH /* 110..149 */

static bool empty(xr_cap_t s)
{
    return xr_cap_identify(s, NULL, NULL) == XR_EBADCAP;
}

/* What an earlier failed test may have left: its child and its scratch caps. */
static void clean(void)
{
    ut_child_end(0);
    for (xr_cap_t i = 0; i < 40; i++)
        xr_cap_delete(S + i);
}

/* Children, grandchildren and siblings go; the revoked cap stays, and so does its parent. */
UTEST(lab3, revoke_removes_the_subtree)
{
    clean();
    ut_snapshot_t before = ut_snapshot();
    UT_EQ(xr_endpoint_create(S), XR_OK);
    UT_EQ(xr_cap_copy(S, S + 1, XR_RIGHTS_ALL, 0), XR_OK);     /* S -> S+1 */
    UT_EQ(xr_cap_copy(S + 1, S + 2, XR_RIGHTS_ALL, 0), XR_OK); /* S+1 -> S+2 */
    UT_EQ(xr_cap_copy(S + 1, S + 3, XR_RIGHT_READ, 0), XR_OK); /* S+1 -> S+3 */
    UT_EQ(xr_cap_copy(S + 2, S + 4, XR_RIGHTS_ALL, 9), XR_OK); /* S+2 -> S+4, badged */
    UT_EQ(xr_cap_copy(S, S + 5, XR_RIGHTS_ALL, 0), XR_OK);     /* S -> S+5 */
    UT_EQ(xr_cap_revoke(S + 1), XR_OK);
    UT_ASSERT(empty(S + 2) && empty(S + 3) && empty(S + 4));
    UT_ASSERT(!empty(S) && !empty(S + 1) && !empty(S + 5)); /* itself, its parent, a sibling */
    UT_EQ(xr_cap_revoke(S), XR_OK);
    UT_ASSERT(empty(S + 1) && empty(S + 5) && !empty(S));
    UT_EQ(xr_cap_revoke(S), XR_OK); /* nothing left below: still fine */
    UT_EQ(xr_cap_revoke(S + 1), XR_EBADCAP);
    UT_EQ(xr_cap_revoke(300), XR_ERANGE);
    UT_EQ(xr_cap_delete(S), XR_OK);
    UT_SAME(before, ut_snapshot()); /* the endpoint is gone: no copy kept it alive */
}

/* A chain 40 deep and a fan of 39: every copy goes, and the kernel survives (no recursion). */
UTEST(lab3, revoke_deep_and_wide)
{
    clean();
    ut_snapshot_t before = ut_snapshot();
    UT_EQ(xr_notify_create(S), XR_OK);
    for (xr_cap_t i = 0; i < 39; i++)
        UT_EQ(xr_cap_copy(S + i, S + i + 1, XR_RIGHTS_ALL, 0), XR_OK);
    UT_EQ(xr_cap_revoke(S), XR_OK);
    for (xr_cap_t i = 1; i < 40; i++)
        UT_ASSERT(empty(S + i));
    for (xr_cap_t i = 1; i < 40; i++)
        UT_EQ(xr_cap_copy(S, S + i, XR_RIGHT_WRITE, 0), XR_OK);
    UT_EQ(xr_cap_revoke(S), XR_OK);
    for (xr_cap_t i = 1; i < 40; i++)
        UT_ASSERT(empty(S + i));
    UT_EQ(xr_cap_delete(S), XR_OK);
    UT_SAME(before, ut_snapshot());
}

/* Copies given to another process are descendants too: revoking takes them back, and the
 * endpoint dies with the last cap although the child "held" one. */
UTEST(lab3, revoke_reaches_other_tables)
{
    clean();
    uint64_t objects = xr_info(XR_INFO_OBJECTS);
    UT_EQ(xr_endpoint_create(S), XR_OK);
    UT_EQ(ut_child_spawn(CHILD_SPIN, CHILD_QUOTA, 50), XR_OK);
    UT_EQ(xr_process_give_cap(UT_SLOT_PROC, S, XR_CHILD_SLOT_EP, XR_RIGHTS_ALL), XR_OK);
    UT_EQ(xr_process_give_cap(UT_SLOT_PROC, S, XR_CHILD_SLOT_EP + 1, XR_RIGHT_WRITE), XR_OK);
    UT_EQ(xr_info(XR_INFO_OBJECTS), objects + 3); /* endpoint, process, thread */
    UT_EQ(xr_cap_revoke(S), XR_OK);
    UT_EQ(xr_cap_delete(S), XR_OK);
    UT_EQ(xr_info(XR_INFO_OBJECTS), objects + 2); /* the endpoint went with the last cap */
    ut_child_end(0);
    UT_EQ(xr_info(XR_INFO_OBJECTS), objects);
}

/* Isolation: a child that was given an endpoint to call can no longer reach it once the cap it
 * came from is revoked; its call fails with XR_EBADCAP (exit 200 + 5). */
UTEST(lab3, revoked_child_cannot_call)
{
    clean();
    ut_snapshot_t before = ut_snapshot();
    UT_EQ(xr_endpoint_create(S), XR_OK);
    UT_EQ(xr_cap_copy(S, S + 1, XR_RIGHT_WRITE, 0x77), XR_OK); /* the child's badged view */
    ut_child_caps_t caps = {.ep = S + 1};
    UT_EQ(ut_child_start(CHILD_CALLER, 100, &caps), XR_OK);
    UT_EQ(xr_cap_revoke(S), XR_OK); /* before the child runs (it has a lower priority) */
    UT_ASSERT(empty(S + 1));
    uint64_t st = ut_child_end(2000);
    UT_EQ(xr_status_state(st), XR_PROC_EXITED);
    UT_EQ(xr_status_code(st), 200 + XR_EBADCAP);
    UT_EQ(xr_cap_delete(S), XR_OK);
    UT_SAME(before, ut_snapshot());
}
