/* Lab 2's graded tests (docs/labs/lab2.md): the pager's working-set bound. Each test starts its
 * own pager (module "pager") with a bound, runs the child under it as client 1, then asks the
 * pager for client 1's counters (PAGER_LABEL_STATS). */
#include "user/child/child_modes.h"
#include "user/pager/pager_proto.h"
#include "utest.h"

#define PAGER_PROC   120
#define PAGER_THREAD 121
#define PAGER_EP     122
#define CLIENT_CAP   123 /* the endpoint, badge 1: the child's fault handler */
#define STATS_CAP    124 /* the endpoint, badge 1 too: asks for client 1's counters */

typedef struct stats {
    uint64_t faults, evictions, mapped, max_mapped;
} stats_t;

static void clean(void)
{
    ut_child_end(0);
    xr_process_kill(PAGER_PROC);
    for (xr_cap_t s = PAGER_PROC; s <= STATS_CAP; s++)
        xr_cap_delete(s);
}

/* Starts a pager with arg, runs the child in mode under it as client 1 until it ends (at most
 * 10 s); returns the child's status word (0 on a failure to start or a time-out) and the
 * pager's counters for client 1 in *st. */
static uint64_t run_paged(uint64_t arg, uint64_t mode, stats_t *st)
{
    size_t size;
    const void *pager = ut_module("pager", &size);
    *st = (stats_t){0};
    clean();
    if (!pager || xr_spawn_elf(pager, size, 256, arg, 150, PAGER_PROC, PAGER_THREAD) ||
        xr_endpoint_create(PAGER_EP) ||
        xr_process_give_cap(PAGER_PROC, PAGER_EP, XR_PAGER_SLOT_EP, XR_RIGHT_READ) ||
        ut_child_start(mode, 100, NULL) ||
        xr_process_give_cap(PAGER_PROC, UT_SLOT_PROC, XR_PAGER_SLOT_CLIENT(1),
                            XR_RIGHT_READ | XR_RIGHT_WRITE) ||
        xr_cap_copy(PAGER_EP, CLIENT_CAP, XR_RIGHT_WRITE, 1) ||
        xr_cap_copy(PAGER_EP, STATS_CAP, XR_RIGHT_WRITE, 1) ||
        xr_thread_set_fault(UT_SLOT_THREAD, CLIENT_CAP)) {
        clean();
        return 0;
    }
    uint64_t status = ut_child_end(10000);
    xr_msg_t m = {.tag = XR_TAG(PAGER_LABEL_STATS, 0, 0)};
    if (xr_call(STATS_CAP, &m) == XR_OK && XR_TAG_LABEL(m.tag) == XR_OK && XR_TAG_LEN(m.tag) == 4)
        *st = (stats_t){m.w[0], m.w[1], m.w[2], m.w[3]};
    clean();
    return status;
}

static bool exited(uint64_t status, int code)
{
    return xr_status_state(status) == XR_PROC_EXITED && xr_status_code(status) == code;
}

/* 64 KiB of heap written then read back, and 256 KiB of stack, with at most 4 pages mapped at
 * once: the child sees zeroed pages first and its own data after every eviction (exit 0). The
 * pager traces this run (the log's "pager: trace" lines, checked by trace_shows_evictions). */
UTEST(lab2, data_survives_eviction)
{
    stats_t st;
    UT_ASSERT(exited(run_paged(PAGER_ARG(4, 1), CHILD_HEAP, &st), 0));
    UT_ASSERT(st.faults >= 16 + 64);
}

/* The same run keeps the bound: never more than 4 pages mapped, and pages did go. */
UTEST(lab2, bound_is_kept)
{
    stats_t st;
    UT_ASSERT(exited(run_paged(PAGER_ARG(4, 0), CHILD_HEAP, &st), 0));
    UT_ASSERT(st.max_mapped == 4);
    UT_ASSERT(st.mapped <= 4);
    UT_ASSERT(st.evictions + 4 >= st.faults);
}

/* FIFO with 4 frames: the read-back of 16 heap pages written in order faults on every one of
 * them again (each was evicted before its turn came), so at least 16 + 16 + 64 faults. */
UTEST(lab2, evicted_pages_come_back)
{
    stats_t st;
    UT_ASSERT(exited(run_paged(PAGER_ARG(4, 0), CHILD_HEAP, &st), 0));
    UT_ASSERT(st.faults >= 16 + 16 + 64);
}

/* One page touched under a bound of 8: one fault, no eviction, the write seen (exit 0x55). */
UTEST(lab2, small_client_no_eviction)
{
    stats_t st;
    UT_ASSERT(exited(run_paged(PAGER_ARG(8, 0), CHILD_TOUCH, &st), 0x55));
    UT_EQ(st.faults, 1);
    UT_EQ(st.evictions, 0);
    UT_EQ(st.max_mapped, 1);
}
