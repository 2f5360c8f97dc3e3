/* User tests of XR_SYS_PROCESS_WATCH: a notification is signalled when a watched process
 * exits, is killed or faults, at once when it has ended already; bad arguments are refused;
 * a notification whose caps are deleted first lives until the process ends, then goes. Each
 * checks that every frame and kernel object is back afterwards. */
#include "user/child/child_modes.h"
#include "utest.h"

#define NTFN  130
#define NTFN2 131
#define NTFN3 132
#define WEAK  133 /* a cap without the right a watch needs */

/* A snapshot taken once the child's image is mapped (its tables stay). */
static ut_snapshot_t watch_snapshot(void)
{
    size_t size;
    ut_module("child", &size); /* without it, every spawn below fails */
    return ut_snapshot();
}

/* Spawns the child in mode (priority prio), watches it with bits on NTFN, waits on NTFN
 * and stores the child's status in *st; the bits must be exactly bits. */
static void watch_child_end(uint64_t mode, unsigned prio, uint64_t bits, uint64_t *st)
{
    uint64_t got = 0;
    UT_EQ(xr_notify_create(NTFN), XR_OK);
    UT_EQ(ut_child_spawn(mode, CHILD_QUOTA, prio), XR_OK);
    UT_EQ(xr_process_watch(UT_SLOT_PROC, NTFN, bits), XR_OK);
    UT_EQ(xr_wait(NTFN, &got), XR_OK);
    UT_EQ(got, bits);
    UT_EQ(xr_process_status(UT_SLOT_PROC, st), XR_OK);
    ut_child_end(0);
    UT_EQ(xr_cap_delete(NTFN), XR_OK);
}

/* watch_child_end, checking the status it ends with and that nothing stays behind. */
static void watch_child_check(uint64_t mode, unsigned state, int code)
{
    ut_snapshot_t before = watch_snapshot();
    uint64_t st = 0;
    watch_child_end(mode, 100, 1ul << (code & 63), &st);
    UT_EQ(xr_status_state(st), state);
    UT_EQ(xr_status_code(st), code);
    UT_SAME(before, ut_snapshot());
}

UTEST(watch, signal_on_exit)
{
    watch_child_check(CHILD_EXIT_42, XR_PROC_EXITED, 42);
}

UTEST(watch, signal_on_fault)
{
    watch_child_check(CHILD_NULL, XR_PROC_KILLED, 14);
}

/* A spinning child (low priority: init keeps its CPU) is watched twice, by two
 * notifications: nothing before the kill, both after it. */
UTEST(watch, signal_on_kill)
{
    ut_snapshot_t before = watch_snapshot();
    uint64_t got = 0;
    UT_EQ(xr_notify_create(NTFN), XR_OK);
    UT_EQ(xr_notify_create(NTFN2), XR_OK);
    UT_EQ(ut_child_spawn(CHILD_SPIN, CHILD_QUOTA, 1), XR_OK);
    UT_EQ(xr_process_watch(UT_SLOT_PROC, NTFN, 1), XR_OK);
    UT_EQ(xr_process_watch(UT_SLOT_PROC, NTFN2, 2), XR_OK);
    UT_EQ(xr_process_watch(UT_SLOT_PROC, NTFN, 4), XR_OK); /* replaces its bits */
    UT_EQ(xr_notify_poll(NTFN, &got), XR_EAGAIN);
    UT_EQ(xr_process_kill(UT_SLOT_PROC), XR_OK);
    UT_EQ(xr_notify_poll(NTFN, &got), XR_OK);
    UT_EQ(got, 4);
    UT_EQ(xr_notify_poll(NTFN2, &got), XR_OK);
    UT_EQ(got, 2);
    ut_child_end(0);
    UT_EQ(xr_cap_delete(NTFN), XR_OK);
    UT_EQ(xr_cap_delete(NTFN2), XR_OK);
    UT_SAME(before, ut_snapshot());
}

UTEST(watch, already_dead)
{
    ut_snapshot_t before = watch_snapshot();
    uint64_t got = 0, st = 0;
    UT_EQ(xr_notify_create(NTFN), XR_OK);
    UT_EQ(ut_child_spawn(CHILD_EXIT_42, CHILD_QUOTA, 100), XR_OK);
    for (int i = 0; i < 100 && xr_status_state(st) != XR_PROC_EXITED; i++) {
        UT_EQ(xr_process_status(UT_SLOT_PROC, &st), XR_OK);
        xr_sleep_us(10000);
    }
    UT_EQ(xr_status_state(st), XR_PROC_EXITED);
    UT_EQ(xr_process_watch(UT_SLOT_PROC, NTFN, 8), XR_OK);
    UT_EQ(xr_notify_poll(NTFN, &got), XR_OK);
    UT_EQ(got, 8);
    ut_child_end(0);
    UT_EQ(xr_cap_delete(NTFN), XR_OK);
    UT_SAME(before, ut_snapshot());
}

UTEST(watch, bad_arguments)
{
    ut_snapshot_t before = watch_snapshot();
    UT_EQ(xr_notify_create(NTFN), XR_OK);
    UT_EQ(xr_notify_create(NTFN2), XR_OK);
    UT_EQ(xr_notify_create(NTFN3), XR_OK);
    UT_EQ(ut_child_spawn(CHILD_SPIN, CHILD_QUOTA, 1), XR_OK);
    UT_EQ(xr_process_watch(UT_SLOT_PROC, NTFN, 0), XR_EINVAL);
    UT_EQ(xr_process_watch(XR_SLOTS, NTFN, 1), XR_ERANGE);
    UT_EQ(xr_process_watch(UT_SLOT_PROC, XR_SLOTS + 7, 1), XR_ERANGE);
    UT_EQ(xr_process_watch(WEAK, NTFN, 1), XR_EBADCAP);                 /* empty */
    UT_EQ(xr_process_watch(NTFN, NTFN2, 1), XR_EBADCAP);                /* not a process */
    UT_EQ(xr_process_watch(UT_SLOT_PROC, UT_SLOT_PROC, 1), XR_EBADCAP); /* not a notification */
    UT_EQ(xr_cap_copy(NTFN, WEAK, XR_RIGHT_READ, 0), XR_OK);
    UT_EQ(xr_process_watch(UT_SLOT_PROC, WEAK, 1), XR_EPERM); /* cannot signal */
    UT_EQ(xr_cap_delete(WEAK), XR_OK);
    UT_EQ(xr_cap_copy(UT_SLOT_PROC, WEAK, XR_RIGHT_WRITE, 0), XR_OK);
    UT_EQ(xr_process_watch(WEAK, NTFN, 1), XR_EPERM); /* cannot read its status */
    UT_EQ(xr_cap_delete(WEAK), XR_OK);
    UT_EQ(xr_process_watch(UT_SLOT_PROC, NTFN, 1), XR_OK);
    UT_EQ(xr_process_watch(UT_SLOT_PROC, NTFN2, 1), XR_OK);
    UT_EQ(xr_process_watch(UT_SLOT_PROC, NTFN3, 1), XR_EBUSY); /* XR_PROC_WATCHES is 2 */
    ut_child_end(0);
    UT_EQ(xr_cap_delete(NTFN), XR_OK);
    UT_EQ(xr_cap_delete(NTFN2), XR_OK);
    UT_EQ(xr_cap_delete(NTFN3), XR_OK);
    UT_SAME(before, ut_snapshot());
}

/* The only cap to the watching notification goes before the process ends: the watch keeps
 * the object (counted alive) until the end, which frees it. */
UTEST(watch, notification_deleted_first)
{
    ut_snapshot_t before = watch_snapshot();
    UT_EQ(ut_child_spawn(CHILD_SPIN, CHILD_QUOTA, 1), XR_OK);
    uint64_t objects = xr_info(XR_INFO_OBJECTS);
    UT_EQ(xr_notify_create(NTFN), XR_OK);
    UT_EQ(xr_process_watch(UT_SLOT_PROC, NTFN, 1), XR_OK);
    UT_EQ(xr_cap_delete(NTFN), XR_OK);
    UT_EQ(xr_info(XR_INFO_OBJECTS), objects + 1);
    UT_EQ(xr_process_kill(UT_SLOT_PROC), XR_OK);
    UT_EQ(xr_info(XR_INFO_OBJECTS), objects);
    ut_child_end(0);
    UT_SAME(before, ut_snapshot());
}

/* Many watched children, each ending: nothing stays behind. */
UTEST(watch, no_leak)
{
    ut_snapshot_t before = watch_snapshot();
    for (int i = 0; i < 20; i++) {
        uint64_t st = 0;
        watch_child_end(i % 2 ? CHILD_EXIT_42 : CHILD_DIVIDE, 100, 1ul << i, &st);
        UT_EQ(xr_status_state(st), i % 2 ? XR_PROC_EXITED : XR_PROC_KILLED);
    }
    UT_SAME(before, ut_snapshot());
}
