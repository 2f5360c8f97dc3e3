/* User tests of capabilities: what init starts with, no access without a cap, reduced
 * rights enforced, copies, moves and deletes, revoke reaching every derived copy. */
#include "utest.h"

#define S UT_SLOT_SCRATCH

UTEST(user, caps_initial)
{
    unsigned type, rights;
    UT_EQ(xr_cap_identify(XR_SLOT_SELF, &type, &rights), XR_OK);
    UT_EQ(type, XR_OBJ_PROCESS);
    UT_EQ(rights, XR_RIGHTS_ALL);
    UT_EQ(xr_cap_identify(XR_SLOT_SELF_THREAD, &type, &rights), XR_OK);
    UT_EQ(type, XR_OBJ_THREAD);
    UT_EQ(xr_cap_identify(XR_SLOT_IOPORTS, &type, &rights), XR_OK);
    UT_EQ(type, XR_OBJ_IOPORT);
    UT_EQ(xr_cap_identify(XR_SLOT_FIRST_MODULE, &type, &rights), XR_OK);
    UT_EQ(type, XR_OBJ_MEMORY);
    UT_EQ(rights, XR_RIGHT_READ | XR_RIGHT_EXEC); /* modules are never writable */
}

/* An empty slot, a slot out of range and a cap of the wrong type all fail, cleanly. */
UTEST(user, caps_no_access_without_cap)
{
    uint64_t st;
    UT_EQ(xr_process_status(S, &st), XR_EBADCAP);
    UT_EQ(xr_map_anon(S, 0x70000000, XR_MAP_WRITE), XR_EBADCAP);
    UT_EQ(xr_process_kill(XR_SLOTS), XR_ERANGE);
    UT_EQ(xr_process_kill(~0u), XR_ERANGE);
    UT_EQ(xr_map_anon(XR_SLOT_IOPORTS, 0x70000000, XR_MAP_WRITE), XR_EBADCAP); /* wrong type */
    UT_EQ(xr_thread_start(XR_SLOT_SELF), XR_EBADCAP);
    UT_EQ(xr_cap_delete(S), XR_EBADCAP);
    UT_EQ(xr_cap_copy(S, S + 1, XR_RIGHTS_ALL, 0), XR_EBADCAP);
}

UTEST(user, caps_reduced_rights_enforced)
{
    uint64_t st;
    UT_EQ(xr_cap_copy(XR_SLOT_SELF, S, XR_RIGHT_READ, 0), XR_OK);
    UT_EQ(xr_process_status(S, &st), XR_OK); /* read: allowed */
    UT_EQ(xr_status_state(st), XR_PROC_RUNNING);
    UT_EQ(xr_map_anon(S, 0x70000000, XR_MAP_WRITE), XR_EPERM); /* write: refused */
    UT_EQ(xr_process_kill(S), XR_EPERM);
    /* a copy of a reduced cap can never regain rights */
    UT_EQ(xr_cap_copy(S, S + 1, XR_RIGHTS_ALL, 0), XR_OK);
    unsigned type, rights;
    UT_EQ(xr_cap_identify(S + 1, &type, &rights), XR_OK);
    UT_EQ(rights, XR_RIGHT_READ);
    uint32_t v;
    UT_EQ(xr_cap_copy(XR_SLOT_IOPORTS, S + 2, XR_RIGHT_READ, 0), XR_OK);
    UT_EQ(xr_ioport_out(S + 2, 0x80, 1, 0), XR_EPERM);
    UT_EQ(xr_ioport_in(S + 2, 0x80, 1, &v), XR_OK);
    UT_EQ(xr_map_memory(XR_SLOT_SELF, XR_SLOT_FIRST_MODULE, 0, 0x70000000, XR_MAP_WRITE), XR_EPERM);
    for (int i = 0; i < 3; i++)
        UT_EQ(xr_cap_delete(S + i), XR_OK);
}

UTEST(user, caps_revoke_reaches_every_copy)
{
    unsigned type, rights;
    UT_EQ(xr_cap_copy(XR_SLOT_IOPORTS, S, XR_RIGHTS_ALL, 0), XR_OK);
    UT_EQ(xr_cap_copy(S, S + 1, XR_RIGHTS_ALL, 0), XR_OK);     /* child */
    UT_EQ(xr_cap_copy(S + 1, S + 2, XR_RIGHT_READ, 0), XR_OK); /* grandchild */
    UT_EQ(xr_cap_copy(S, S + 3, XR_RIGHT_READ, 0), XR_OK);     /* second child */
    UT_EQ(xr_cap_revoke(S), XR_OK);
    UT_EQ(xr_cap_identify(S, &type, &rights), XR_OK); /* the revoked cap itself stays */
    for (int i = 1; i <= 3; i++)
        UT_EQ(xr_cap_identify(S + i, &type, &rights), XR_EBADCAP);
    UT_EQ(xr_cap_identify(XR_SLOT_IOPORTS, &type, &rights), XR_OK); /* and its parent */
    UT_EQ(xr_cap_delete(S), XR_OK);
}

UTEST(user, caps_move_and_delete)
{
    unsigned type, rights;
    UT_EQ(xr_cap_copy(XR_SLOT_IOPORTS, S, XR_RIGHTS_ALL, 0), XR_OK);
    UT_EQ(xr_cap_copy(S, S + 1, XR_RIGHTS_ALL, 0), XR_OK);
    UT_EQ(xr_cap_move(S, S + 5), XR_OK);
    UT_EQ(xr_cap_identify(S, &type, &rights), XR_EBADCAP);
    UT_EQ(xr_cap_move(S + 5, S + 1), XR_EBUSY); /* the destination is full */
    UT_EQ(xr_cap_move(S + 5, XR_SLOT_NULL), XR_ERANGE);
    UT_EQ(xr_cap_revoke(S + 5), XR_OK); /* the moved cap still heads its derivation tree */
    UT_EQ(xr_cap_identify(S + 1, &type, &rights), XR_EBADCAP);
    UT_EQ(xr_cap_delete(S + 5), XR_OK);
    UT_EQ(xr_cap_delete(S + 5), XR_EBADCAP);
}

/* A child process receives only the caps given to it, with the rights chosen. */
UTEST(user, caps_give_to_child)
{
    UT_EQ(xr_process_create(64, UT_SLOT_PROC), XR_OK);
    UT_EQ(xr_process_give_cap(UT_SLOT_PROC, XR_SLOT_IOPORTS, 5, XR_RIGHT_READ), XR_OK);
    UT_EQ(xr_process_give_cap(UT_SLOT_PROC, XR_SLOT_IOPORTS, 5, XR_RIGHT_READ), XR_EBUSY);
    UT_EQ(xr_process_give_cap(UT_SLOT_PROC, S, 6, XR_RIGHT_READ), XR_EBADCAP);
    UT_EQ(xr_cap_copy(UT_SLOT_PROC, S, XR_RIGHT_READ | XR_RIGHT_WRITE, 0), XR_OK);
    UT_EQ(xr_process_give_cap(S, XR_SLOT_IOPORTS, 6, XR_RIGHT_READ), XR_EPERM); /* no grant */
    UT_EQ(xr_process_kill(UT_SLOT_PROC), XR_OK);
    UT_EQ(xr_process_give_cap(UT_SLOT_PROC, XR_SLOT_IOPORTS, 7, 0), XR_EDEAD);
    UT_EQ(xr_cap_delete(S), XR_OK);
    UT_EQ(xr_cap_delete(UT_SLOT_PROC), XR_OK);
}
