/* Lab 4's graded tests (docs/labs/lab4.md): the IPC fastpath takes plain round trips to a server
 * in another address space, gives exactly the slowpath's results, and leaves the rest alone. */
#include "echo.h"
#include "user/child/child_modes.h"
#include "utest.h"

#define EP UT_SLOT_SCRATCH

static uint64_t hits(void)
{
    return xr_info(XR_INFO_FASTPATH_HITS);
}

/* One call to the echo child (label 7, words seed + i; it answers label 8, each word + 1). */
static long echo(unsigned len, uint64_t seed, xr_msg_t *m)
{
    xr_ipc_buffer_t *buf = ut_self_ipcbuf();
    m->tag = XR_TAG(7, 0, len);
    for (unsigned i = 0; i < XR_MSG_REGS; i++)
        m->w[i] = seed + i;
    for (unsigned i = XR_MSG_REGS; i < len; i++)
        buf->msg[i] = seed + i;
    return xr_call(EP, m);
}

/* The echo child on endpoint EP, at priority 100 (below the test program's 200). */
static long start_echo(void)
{
    ut_child_end(0);
    xr_cap_delete(EP);
    long err = xr_endpoint_create(EP);
    return err ? err : ut_child_start(CHILD_ECHO, 100, &(ut_child_caps_t){.ep = EP});
}

static bool stop_echo(void)
{
    xr_msg_t stop = {.tag = XR_TAG(XR_ECHO_STOP, 0, 0)};
    xr_call(EP, &stop);
    uint64_t st = ut_child_end(1000);
    xr_cap_delete(EP);
    return xr_status_state(st) == XR_PROC_EXITED && xr_status_code(st) == 0;
}

/* 200 round trips of 0..4 words: every call and every reply_recv takes the fastpath. */
UTEST(lab4, round_trips_take_the_fastpath)
{
    UT_EQ(xr_info(XR_INFO_FASTPATH), 1);
    UT_EQ(start_echo(), XR_OK);
    xr_msg_t m;
    UT_EQ(echo(1, 0, &m), XR_OK); /* the server is now waiting in reply_recv */
    uint64_t h0 = hits();
    for (unsigned i = 0; i < 200; i++) {
        UT_EQ(echo(i % 5, i, &m), XR_OK);
        UT_EQ(XR_TAG_LABEL(m.tag), 8);
    }
    UT_ASSERT(hits() - h0 >= 2 * 200 - 2);
    UT_ASSERT(stop_echo());
}

/* What the fastpath delivers is what the slowpath would: label, length, every word + 1, the
 * words past the length read 0, and no caps. */
UTEST(lab4, fast_results_match_slowpath)
{
    UT_EQ(start_echo(), XR_OK);
    xr_msg_t m;
    UT_EQ(echo(0, 0, &m), XR_OK);
    uint64_t h0 = hits();
    for (unsigned round = 0; round < 20; round++) {
        for (unsigned len = 0; len <= XR_MSG_REGS; len++) {
            uint64_t seed = round * 1000 + len * 10;
            UT_EQ(echo(len, seed, &m), XR_OK);
            UT_EQ(XR_TAG_LABEL(m.tag), 8);
            UT_EQ(XR_TAG_LEN(m.tag), len);
            UT_EQ(XR_TAG_CAPS(m.tag), 0);
            for (unsigned i = 0; i < XR_MSG_REGS; i++)
                UT_EQ(m.w[i], i < len ? seed + i + 1 : 0);
        }
    }
    UT_ASSERT(hits() - h0 >= 2 * 20 * (XR_MSG_REGS + 1) - 2);
    UT_ASSERT(stop_echo());
}

/* Long messages (the IPC buffer) arrive whole, whichever path takes them (the kernel's long
 * fastpath, ipc/fastpath.c, runs yours when both buffers are cached); plain ones right after
 * take the fastpath. */
UTEST(lab4, long_messages_arrive_whole)
{
    UT_EQ(start_echo(), XR_OK);
    xr_ipc_buffer_t *buf = ut_self_ipcbuf();
    UT_ASSERT(buf);
    xr_msg_t m;
    UT_EQ(echo(0, 0, &m), XR_OK);
    for (unsigned len = XR_MSG_REGS + 1; len <= 12; len++) {
        UT_EQ(echo(len, len * 100, &m), XR_OK);
        UT_EQ(XR_TAG_LEN(m.tag), len);
        for (unsigned i = 0; i < len; i++)
            UT_EQ(i < XR_MSG_REGS ? m.w[i] : buf->msg[i], len * 100 + i + 1);
    }
    uint64_t h0 = hits();
    for (unsigned i = 0; i < 10; i++)
        UT_EQ(echo(2, i, &m), XR_OK);
    UT_ASSERT(hits() - h0 >= 18);
    UT_ASSERT(stop_echo());
}
