/* User tests of isolation: each forbidden act in a child process ends that process with
 * the right fault, and only it; init, the kernel and the frame count carry on. */
#include "user/child/child_modes.h"
#include "utest.h"

static uint64_t frames_before; /* before the first child: children_leak_nothing compares */

/* Run the child in mode and expect it killed by vector. */
#define EXPECT_KILLED(mode, vector)                                                                \
    do {                                                                                           \
        uint64_t st_ = ut_child(mode, CHILD_QUOTA, 2000);                                          \
        UT_EQ(xr_status_state(st_), XR_PROC_KILLED);                                               \
        UT_EQ(xr_status_code(st_), vector);                                                        \
    } while (0)

UTEST(user, isolation_read_kernel_memory)
{
    size_t size;
    ut_module("child", &size); /* map it now: its page tables stay */
    frames_before = xr_info(XR_INFO_FRAMES_FREE);
    EXPECT_KILLED(CHILD_READ_KERNEL, 14);
}

UTEST(user, isolation_write_kernel_memory)
{
    EXPECT_KILLED(CHILD_WRITE_KERNEL, 14);
}

UTEST(user, isolation_execute_data_page)
{
    EXPECT_KILLED(CHILD_EXEC_STACK, 14);
}

UTEST(user, isolation_privileged_instruction)
{
    EXPECT_KILLED(CHILD_PRIVILEGED, 13);
}

UTEST(user, isolation_port_io_without_cap)
{
    EXPECT_KILLED(CHILD_PORT_IO, 13);
}

UTEST(user, isolation_divide_error)
{
    EXPECT_KILLED(CHILD_DIVIDE, 0);
}

UTEST(user, isolation_invalid_opcode)
{
    EXPECT_KILLED(CHILD_INVALID_OPCODE, 6);
}

UTEST(user, isolation_null_pointer)
{
    EXPECT_KILLED(CHILD_NULL, 14);
}

UTEST(user, isolation_write_own_text)
{
    EXPECT_KILLED(CHILD_WRITE_TEXT, 14);
}

UTEST(user, isolation_noncanonical_address)
{
    EXPECT_KILLED(CHILD_NONCANONICAL, 13);
}

UTEST(user, process_exit_code)
{
    uint64_t st = ut_child(CHILD_EXIT_42, CHILD_QUOTA, 2000);
    UT_EQ(xr_status_state(st), XR_PROC_EXITED);
    UT_EQ(xr_status_code(st), 42);
}

/* A process that never stops is stopped by a kill from its creator. */
UTEST(user, process_kill)
{
    uint64_t st = ut_child(CHILD_SPIN, CHILD_QUOTA, 100);
    UT_EQ(st, 0); /* ut_child timed out and killed it */
    UT_EQ(xr_info(XR_INFO_PROCESSES), 1);
}

UTEST(user, quota_enforced)
{
    uint64_t used = xr_info(XR_INFO_QUOTA_USED);
    UT_EQ(xr_process_create(xr_info(XR_INFO_QUOTA_LIMIT) + 1, UT_SLOT_PROC), XR_ENOMEM);
    UT_EQ(xr_process_create(3, UT_SLOT_PROC), XR_EINVAL);
    UT_EQ(xr_process_create(16, UT_SLOT_PROC), XR_OK);
    UT_EQ(xr_info(XR_INFO_QUOTA_USED), used + 16);
    long err = XR_OK;
    int mapped = 0;
    for (int i = 0; i < 64 && !err; i++) {
        err = xr_map_anon(UT_SLOT_PROC, 0x400000 + (uint64_t)i * 4096, XR_MAP_WRITE);
        mapped += !err;
    }
    UT_EQ(err, XR_ENOMEM);
    UT_ASSERT(mapped > 0 && mapped < 16);
    UT_EQ(xr_thread_create(UT_SLOT_PROC, UT_SLOT_THREAD), XR_ENOMEM); /* no room for a thread */
    UT_EQ(xr_process_kill(UT_SLOT_PROC), XR_OK);
    UT_EQ(xr_cap_delete(UT_SLOT_PROC), XR_OK);
    UT_EQ(xr_info(XR_INFO_QUOTA_USED), used);
}

/* Everything the children had, frames and kernel objects, came back. */
UTEST(user, children_leak_nothing)
{
    UT_EQ(xr_info(XR_INFO_FRAMES_FREE), frames_before);
    UT_EQ(xr_info(XR_INFO_PROCESSES), 1);
    UT_EQ(xr_info(XR_INFO_THREADS), 1);
}
