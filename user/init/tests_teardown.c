/* User tests of object lifetime: deep chains of processes torn down without recursion,
 * reference cycles (a process holding itself, a mapped memory object, two processes
 * holding each other) that are freed, pools that one process cannot empty for others,
 * and a fault endpoint that dies under a waiting thread. Each checks that every frame
 * and kernel object is back afterwards. */
#include "user/child/child_modes.h"
#include "utest.h"

#define CUR_P     120 /* the chain's current head and its thread */
#define CUR_T     121
#define NEW_P     122
#define NEW_T     123
#define P1        124
#define P2        125
#define MEM       126
#define EP_E      127
#define EP_F      128
#define IN_NEXT   10 /* where a chain link keeps its caps to the next one */
#define IN_NEXT_T 11
#define MEM_VA    0x10000000ul

/* How many chain links (kernel, table and total frames each) init's budgets allow, with
 * room to spare for the rest of the tests, at most want. */
static unsigned links_affordable(unsigned want, uint64_t kernel, uint64_t pt)
{
    uint64_t k = xr_info(XR_INFO_QUOTA_KERNEL_LIMIT) - xr_info(XR_INFO_QUOTA_KERNEL_USED);
    uint64_t t = xr_info(XR_INFO_QUOTA_PT_LIMIT) - xr_info(XR_INFO_QUOTA_PT_USED);
    uint64_t n = k / kernel / 4 * 3;
    n = t / pt / 4 * 3 < n ? t / pt / 4 * 3 : n;
    return n < want ? (unsigned)n : want;
}

/* The finding's recipe, n times: give the current process the only cap to a new one,
 * then drop init's cap to the current one. A process without threads holds nothing
 * alive, so each link ends and is freed as soon as init lets go of it: the chain never
 * grows, and nothing leaks. */
static void chain_recipe(unsigned n)
{
    ut_snapshot_t before = ut_snapshot();
    UT_EQ(xr_process_create_split(7, CUR_P, 5, 2), XR_OK);
    for (unsigned i = 0; i < n; i++) {
        UT_EQ(xr_process_create_split(7, NEW_P, 5, 2), XR_OK);
        UT_EQ(xr_process_give_cap(CUR_P, NEW_P, IN_NEXT, XR_RIGHTS_ALL), XR_OK);
        UT_EQ(xr_cap_delete(CUR_P), XR_OK);
        UT_EQ(xr_cap_move(NEW_P, CUR_P), XR_OK);
    }
    UT_EQ(xr_info(XR_INFO_PROCESSES), 2); /* init and the last link */
    UT_EQ(xr_cap_delete(CUR_P), XR_OK);
    UT_SAME(before, ut_snapshot());
}

UTEST(teardown, chain_recipe_10000)
{
    chain_recipe(10000);
}

/* A chain that does hold: every link has a stopped thread (which its holder could start)
 * and holds the caps to the next link and its thread. Dropping init's caps to the head
 * ends the head, whose caps were the only ones to the next link, and so on: the whole
 * chain goes in one system call, iteratively (the kernel reports how long its longest
 * teardown was). */
static void chain_of_live_links(unsigned n)
{
    UT_EQ(xr_process_create_split(13, CUR_P, 11, 2), XR_OK);
    UT_EQ(xr_thread_create(CUR_P, CUR_T), XR_OK);
    for (unsigned i = 1; i < n; i++) {
        UT_EQ(xr_process_create_split(13, NEW_P, 11, 2), XR_OK);
        UT_EQ(xr_thread_create(NEW_P, NEW_T), XR_OK);
        UT_EQ(xr_process_give_cap(NEW_P, CUR_P, IN_NEXT, XR_RIGHTS_ALL), XR_OK);
        UT_EQ(xr_process_give_cap(NEW_P, CUR_T, IN_NEXT_T, XR_RIGHTS_ALL), XR_OK);
        UT_EQ(xr_cap_delete(CUR_T), XR_OK);
        UT_EQ(xr_cap_delete(CUR_P), XR_OK);
        UT_EQ(xr_cap_move(NEW_P, CUR_P), XR_OK);
        UT_EQ(xr_cap_move(NEW_T, CUR_T), XR_OK);
    }
    UT_EQ(xr_info(XR_INFO_PROCESSES), n + 1); /* the chain holds */
    UT_EQ(xr_cap_delete(CUR_T), XR_OK);
    UT_EQ(xr_info(XR_INFO_PROCESSES), n + 1); /* init still holds the head */
    UT_EQ(xr_cap_delete(CUR_P), XR_OK);
    UT_EQ(xr_info(XR_INFO_PROCESSES), 1);
    UT_ASSERT(xr_info(XR_INFO_REAP_LONGEST) >= 2 * n); /* a process and a thread a link */
}

UTEST(teardown, chain_of_live_links)
{
    unsigned n = links_affordable(ut_cmdline_has("test=deep") ? 10000 : 1000, 5 + 6, 2);
    UT_ASSERT(n >= 100);
    printf("teardown: a chain of %u live links\n", n);
    /* twice: the first run may grow the kernel-stack area's page tables, which stay */
    chain_of_live_links(n);
    ut_snapshot_t before = ut_snapshot();
    chain_of_live_links(n);
    UT_SAME(before, ut_snapshot());
}

/* A process without threads holding a cap to itself. */
static void cycle_self(void)
{
    UT_EQ(xr_process_create(64, P1), XR_OK);
    UT_EQ(xr_process_give_cap(P1, P1, XR_SLOT_SELF, XR_RIGHTS_ALL), XR_OK);
    UT_EQ(xr_cap_delete(P1), XR_OK);
}

/* A process without threads holding the only cap to a memory object mapped in it. */
static void cycle_mapped_memory(void)
{
    UT_EQ(xr_process_create(64, P1), XR_OK);
    UT_EQ(xr_memory_create(4, MEM), XR_OK);
    for (uint64_t i = 0; i < 4; i++)
        UT_EQ(xr_map_memory(P1, MEM, i * 4096, MEM_VA + i * 4096, XR_MAP_WRITE), XR_OK);
    UT_EQ(xr_process_give_cap(P1, MEM, 5, XR_RIGHTS_ALL), XR_OK);
    UT_EQ(xr_cap_delete(MEM), XR_OK);
    UT_EQ(xr_cap_delete(P1), XR_OK);
}

/* Two processes without threads holding caps to each other (and to themselves). */
static void cycle_mutual(void)
{
    UT_EQ(xr_process_create(64, P1), XR_OK);
    UT_EQ(xr_process_create(64, P2), XR_OK);
    UT_EQ(xr_process_give_cap(P1, P2, 5, XR_RIGHTS_ALL), XR_OK);
    UT_EQ(xr_process_give_cap(P2, P1, 5, XR_RIGHTS_ALL), XR_OK);
    UT_EQ(xr_process_give_cap(P1, P1, 6, XR_RIGHTS_ALL), XR_OK);
    UT_EQ(xr_cap_delete(P1), XR_OK);
    UT_EQ(xr_cap_delete(P2), XR_OK);
}

UTEST(teardown, cycles_freed)
{
    ut_snapshot_t before = ut_snapshot();
    for (int round = 0; round < 20; round++) {
        cycle_self();
        cycle_mapped_memory();
        cycle_mutual();
    }
    UT_EQ(xr_info(XR_INFO_PROCESSES), 1);
    UT_SAME(before, ut_snapshot());
}

/* A process may use its own budget of kernel frames (thread stacks) and page tables to
 * the end; others are not affected. */
UTEST(teardown, pools_bounded_per_process)
{
    ut_snapshot_t before = ut_snapshot();
    UT_EQ(xr_process_create(20000, P1), XR_OK);
    unsigned threads = 0, pages = 0;
    long err = XR_OK;
    while (!err && threads < XR_SLOTS - 8) {
        err = xr_thread_create(P1, NEW_T);
        if (!err) { /* P1 keeps the cap, or the stopped thread would end with init's */
            UT_EQ(xr_process_give_cap(P1, NEW_T, 5 + threads, XR_RIGHTS_ALL), XR_OK);
            UT_EQ(xr_cap_delete(NEW_T), XR_OK);
            threads++;
        }
    }
    UT_EQ(err, XR_ENOMEM);
    for (err = XR_OK; !err && pages < 100000; pages++)
        err = xr_map_anon(P1, 0x40000000ul + (uint64_t)pages * 0x200000, 0); /* a table each */
    UT_EQ(err, XR_ENOMEM);
    printf("teardown: one process made %u stopped threads and %u tables before its budget "
           "ran out\n",
           threads, pages);
    UT_ASSERT(threads > 100 && pages > 100);
    /* init still works: a thread, a process with a page, an endpoint */
    UT_EQ(xr_thread_create(XR_SLOT_SELF, NEW_T), XR_OK);
    UT_EQ(xr_cap_delete(NEW_T), XR_OK);
    UT_EQ(xr_process_create(64, P2), XR_OK);
    UT_EQ(xr_map_anon(P2, 0x400000, XR_MAP_WRITE), XR_OK);
    UT_EQ(xr_cap_delete(P2), XR_OK);
    UT_EQ(xr_process_kill(P1), XR_OK);
    UT_EQ(xr_cap_delete(P1), XR_OK);
    UT_SAME(before, ut_snapshot());
}

/* The finding: a child faults with a fault endpoint nobody receives on; the endpoint's
 * caps are deleted, then the thread's fault endpoint is cleared, which destroys the
 * endpoint under the queued thread. The thread retries its instruction, faults with no
 * handler, and its process is killed; the kernel is unharmed. */
UTEST(teardown, fault_endpoint_dies)
{
    size_t size;
    UT_ASSERT(ut_module("child", &size)); /* mapped before the snapshot: its tables stay */
    ut_snapshot_t before = ut_snapshot();
    UT_EQ(xr_endpoint_create(EP_E), XR_OK);
    UT_EQ(xr_cap_copy(EP_E, EP_F, XR_RIGHT_WRITE, 0), XR_OK);
    UT_EQ(ut_child_spawn(CHILD_TOUCH, CHILD_QUOTA, 100), XR_OK);
    UT_EQ(xr_thread_set_fault(UT_SLOT_THREAD, EP_F), XR_OK);
    xr_sleep_us(20000); /* the child runs, faults, and waits on the endpoint */
    uint64_t state = 0;
    UT_EQ(xr_thread_status(UT_SLOT_THREAD, &state), XR_OK);
    UT_EQ(state, XR_THREAD_BLOCKED);
    UT_EQ(xr_cap_delete(EP_E), XR_OK);
    UT_EQ(xr_cap_delete(EP_F), XR_OK);
    UT_EQ(xr_thread_set_fault(UT_SLOT_THREAD, 0), XR_OK);
    uint64_t st = ut_child_end(1000);
    UT_EQ(xr_status_state(st), XR_PROC_KILLED);
    UT_EQ(xr_status_code(st), 14);
    UT_SAME(before, ut_snapshot());
}
