/* User tests of IPC between processes: calls across address spaces on the fastpath and
 * the slowpath with identical results, a server or a caller dying mid-call, fault
 * messages to a handler and through the pager, and a 64-client stress test. */
#include "echo.h"
#include "user/child/child_modes.h"
#include "utest.h"

#define EP              111 /* created by tests_ipc */
#define EPX             116
#define FEP             117
#define PAGER_PROC      140
#define PAGER_THREAD    141
#define PAGER_EP        142
#define PAGER_FAULT_CAP 143
#define T0              UT_SLOT_THREADS

static xr_ipc_buffer_t *const my_buf = (xr_ipc_buffer_t *)UT_SELF_IPCBUF;
static volatile long t_err;
static volatile uint64_t frames_at_start;

static long echo_call(unsigned len, uint64_t seed, xr_msg_t *m)
{
    m->tag = XR_TAG(7, 0, len);
    for (unsigned i = 0; i < XR_MSG_REGS; i++)
        m->w[i] = seed + i;
    for (unsigned i = XR_MSG_REGS; i < len; i++)
        my_buf->msg[i] = seed + i;
    return xr_call(EPX, m);
}

/* Calls to a server in another address space: lengths 0..4 may take the fastpath, 5 and
 * more never do; every result must be what the slowpath gives (each word + 1). */
UTEST(ipc, cross_as_fastpath_slowpath_identical)
{
    frames_at_start = ut_frames_accounted();
    UT_EQ(xr_endpoint_create(EPX), XR_OK);
    UT_EQ(ut_child_start(CHILD_ECHO, 100, &(ut_child_caps_t){.ep = EPX}), XR_OK);
    uint64_t hits0 = xr_info(XR_INFO_FASTPATH_HITS);
    for (unsigned round = 0; round < 50; round++) {
        for (unsigned len = 0; len <= 8; len++) {
            xr_msg_t m;
            UT_EQ(echo_call(len, round * 100 + len, &m), XR_OK);
            UT_EQ(XR_TAG_LABEL(m.tag), 8);
            UT_EQ(XR_TAG_LEN(m.tag), len);
            for (unsigned i = 0; i < len; i++)
                UT_EQ(i < XR_MSG_REGS ? m.w[i] : my_buf->msg[i], round * 100 + len + i + 1);
        }
    }
    uint64_t hits = xr_info(XR_INFO_FASTPATH_HITS) - hits0;
    if (xr_info(XR_INFO_FASTPATH))
        UT_ASSERT(hits >= 50 * 5); /* at least the calls of length 0..4 (and their replies) */
    else
        UT_EQ(hits, 0);
    xr_msg_t stop = {.tag = XR_TAG(XR_ECHO_STOP, 0, 0)};
    UT_EQ(xr_call(EPX, &stop), XR_OK);
    uint64_t st = ut_child_end(1000);
    UT_EQ(xr_status_state(st), XR_PROC_EXITED);
    UT_EQ(xr_status_code(st), 0);
}

static void caller_thread(uint64_t ep)
{
    xr_msg_t m = {.tag = XR_TAG(1, 0, 1), .w = {5}};
    t_err = xr_call((xr_cap_t)ep, &m);
}

/* The server holding a caller's reply dies: the caller's call fails with XR_EDEAD. */
UTEST(ipc, server_dies_mid_call)
{
    t_err = 12345;
    UT_EQ(ut_child_start(CHILD_HOLD, 100, &(ut_child_caps_t){.ep = EPX}), XR_OK);
    UT_EQ(ut_thread(caller_thread, EPX, 150, T0), XR_OK);
    xr_sleep_us(30000); /* the call reaches the child, which holds it */
    UT_EQ(t_err, 12345);
    UT_EQ(xr_process_kill(UT_SLOT_PROC), XR_OK);
    UT_ASSERT(ut_thread_join(T0, 1000));
    UT_EQ(t_err, XR_EDEAD);
    ut_child_end(0);
}

/* A caller dies before its server answers: the reply fails cleanly with XR_ENOENT. */
UTEST(ipc, caller_dies_before_reply)
{
    UT_EQ(ut_child_start(CHILD_CALLER, 100, &(ut_child_caps_t){.ep = EPX}), XR_OK);
    xr_msg_t m = {0};
    UT_EQ(xr_recv(EPX, &m), XR_OK); /* the child's call */
    UT_EQ(m.w[0], 123);
    UT_EQ(xr_process_kill(UT_SLOT_PROC), XR_OK);
    m.tag = XR_TAG(0, 0, 1);
    UT_EQ(xr_reply(&m), XR_ENOENT);
    ut_child_end(0);
}

/* init handles a child's page fault: the message says where and how; after init maps
 * the page, "resume" re-runs the faulting write. */
UTEST(ipc, fault_handler_resumes)
{
    UT_EQ(xr_endpoint_create(FEP), XR_OK);
    UT_EQ(ut_child_start(CHILD_TOUCH, 100, NULL), XR_OK);
    UT_EQ(xr_thread_set_fault(UT_SLOT_THREAD, FEP), XR_OK);
    xr_msg_t m = {0};
    UT_EQ(xr_recv(FEP, &m), XR_OK);
    UT_EQ(XR_TAG_LABEL(m.tag), XR_LABEL_FAULT);
    UT_EQ(m.w[0], 14);                  /* page fault */
    UT_ASSERT(m.w[1] & XR_FAULT_WRITE); /* a write */
    UT_ASSERT(m.w[1] & XR_FAULT_USER);
    UT_EQ(m.w[2], CHILD_HEAP_BASE); /* the address */
    UT_EQ(xr_map_anon(UT_SLOT_PROC, CHILD_HEAP_BASE, XR_MAP_WRITE), XR_OK);
    m.tag = XR_TAG(XR_FAULT_RESUME, 0, 0);
    UT_EQ(xr_reply(&m), XR_OK);
    uint64_t st = ut_child_end(1000);
    UT_EQ(xr_status_state(st), XR_PROC_EXITED);
    UT_EQ(xr_status_code(st), 0x55);
}

UTEST(ipc, fault_handler_kills)
{
    UT_EQ(ut_child_start(CHILD_TOUCH, 100, NULL), XR_OK);
    UT_EQ(xr_thread_set_fault(UT_SLOT_THREAD, FEP), XR_OK);
    xr_msg_t m = {0};
    UT_EQ(xr_recv(FEP, &m), XR_OK);
    m.tag = XR_TAG(XR_FAULT_KILL, 0, 0);
    UT_EQ(xr_reply(&m), XR_OK);
    uint64_t st = ut_child_end(1000);
    UT_EQ(xr_status_state(st), XR_PROC_KILLED);
    UT_EQ(xr_status_code(st), 14);
    UT_EQ(xr_cap_delete(FEP), XR_OK);
}

static void quitting_handler(uint64_t unused)
{
    (void)unused;
    xr_msg_t m = {0};
    t_err = xr_recv(FEP, &m); /* takes the fault, then ends without answering */
}

/* A fault handler that dies holding a fault: the thread runs its faulting instruction
 * again, faults again, and the next handler (init) resolves it. */
UTEST(ipc, fault_handler_dies_thread_retries)
{
    UT_EQ(xr_endpoint_create(FEP), XR_OK);
    UT_EQ(ut_thread(quitting_handler, 0, 150, T0), XR_OK);
    UT_EQ(ut_child_start(CHILD_TOUCH, 100, NULL), XR_OK);
    UT_EQ(xr_thread_set_fault(UT_SLOT_THREAD, FEP), XR_OK);
    UT_ASSERT(ut_thread_join(T0, 1000)); /* it took the first fault and ended */
    UT_EQ(t_err, XR_OK);
    xr_msg_t m = {0};
    UT_EQ(xr_recv(FEP, &m), XR_OK); /* the same fault, again */
    UT_EQ(XR_TAG_LABEL(m.tag), XR_LABEL_FAULT);
    UT_EQ(XR_TAG_LEN(m.tag), 5); /* init has an IPC buffer: the access bits came too */
    UT_EQ(m.w[2], CHILD_HEAP_BASE);
    UT_EQ(xr_map_anon(UT_SLOT_PROC, CHILD_HEAP_BASE, XR_MAP_WRITE), XR_OK);
    m.tag = XR_TAG(XR_FAULT_RESUME, 0, 0);
    UT_EQ(xr_reply(&m), XR_OK);
    uint64_t st = ut_child_end(1000);
    UT_EQ(xr_status_state(st), XR_PROC_EXITED);
    UT_EQ(xr_status_code(st), 0x55);
    UT_EQ(xr_cap_delete(FEP), XR_OK);
}

/* The pager gives a child demand-zero heap and a growing stack. */
UTEST(ipc, pager_demand_paging)
{
    size_t size;
    const void *pager = ut_module("pager", &size);
    UT_ASSERT(pager);
    UT_EQ(xr_spawn_elf(pager, size, 256, 0, 150, PAGER_PROC, PAGER_THREAD), XR_OK);
    UT_EQ(xr_endpoint_create(PAGER_EP), XR_OK);
    UT_EQ(xr_process_give_cap(PAGER_PROC, PAGER_EP, XR_PAGER_SLOT_EP, XR_RIGHT_READ), XR_OK);
    UT_EQ(ut_child_start(CHILD_HEAP, 100, NULL), XR_OK);
    UT_EQ(xr_process_give_cap(PAGER_PROC, UT_SLOT_PROC, XR_PAGER_SLOT_CLIENT(1),
                              XR_RIGHT_READ | XR_RIGHT_WRITE),
          XR_OK);
    UT_EQ(xr_cap_copy(PAGER_EP, PAGER_FAULT_CAP, XR_RIGHT_WRITE, 1), XR_OK); /* badge: client 1 */
    UT_EQ(xr_thread_set_fault(UT_SLOT_THREAD, PAGER_FAULT_CAP), XR_OK);
    uint64_t st = ut_child_end(5000);
    UT_EQ(xr_status_state(st), XR_PROC_EXITED);
    UT_EQ(xr_status_code(st), 0);
    UT_EQ(xr_process_kill(PAGER_PROC), XR_OK);
    for (xr_cap_t s = PAGER_PROC; s <= PAGER_FAULT_CAP; s++)
        UT_EQ(xr_cap_delete(s), XR_OK);
}

#define CLIENTS          64
#define SERVERS          4
#define CALLS_PER_CLIENT 1563 /* 64 x 1563 = 100,032 calls */

/* Per-client and per-server counters: threads never increment a shared word (a timer
 * preemption between the load and the store would lose an update). */
static volatile uint64_t seen[CLIENTS], client_bad[CLIENTS], client_done[CLIENTS];
static volatile uint64_t server_bad[SERVERS];

static void stress_server(uint64_t me)
{
    xr_msg_t m = {0};
    long err = xr_recv(EP, &m);
    while (!err && XR_TAG_LABEL(m.tag) != 99) {
        uint64_t id = m.w[0], seq = m.w[1];
        if (id >= CLIENTS || seq != seen[id] || m.w[2] != id * 1000003 + seq)
            server_bad[me]++;
        else
            seen[id]++;
        m.w[2] += 1;
        err = xr_reply_recv(EP, &m);
    }
    xr_reply(&m);
}

static void stress_client(uint64_t id)
{
    for (uint64_t seq = 0; seq < CALLS_PER_CLIENT; seq++) {
        xr_msg_t m = {.tag = XR_TAG(1, 0, 3), .w = {id, seq, id * 1000003 + seq}};
        if (xr_call(EP, &m) || m.w[0] != id || m.w[1] != seq || m.w[2] != id * 1000003 + seq + 1)
            client_bad[id]++;
    }
    client_done[id] = 1;
}

/* 64 client threads, 4 server threads, 100,032 calls: none lost, none duplicated. */
UTEST(ipc, stress_64_clients_4_servers)
{
    for (int i = 0; i < SERVERS; i++)
        UT_EQ(ut_thread(stress_server, (uint64_t)i, 120, T0 + i), XR_OK);
    for (int i = 0; i < CLIENTS; i++)
        UT_EQ(ut_thread(stress_client, (uint64_t)i, 110, T0 + SERVERS + i), XR_OK);
    for (int i = 0; i < CLIENTS; i++)
        UT_ASSERT(ut_thread_join(T0 + SERVERS + i, 120000));
    for (int i = 0; i < SERVERS; i++) {
        xr_msg_t m = {.tag = XR_TAG(99, 0, 0)};
        UT_EQ(xr_call(EP, &m), XR_OK);
    }
    for (int i = 0; i < SERVERS; i++)
        UT_ASSERT(ut_thread_join(T0 + i, 1000));
    uint64_t total = 0;
    for (int i = 0; i < CLIENTS; i++) {
        UT_EQ(seen[i], CALLS_PER_CLIENT);
        UT_EQ(client_done[i], 1);
        UT_EQ(client_bad[i], 0);
        total += seen[i];
    }
    UT_EQ(total, CLIENTS * CALLS_PER_CLIENT);
    for (int i = 0; i < SERVERS; i++)
        UT_EQ(server_bad[i], 0);
}

UTEST(ipc, nothing_leaked)
{
    UT_EQ(xr_cap_delete(EPX), XR_OK);
    UT_EQ(xr_info(XR_INFO_PROCESSES), 1);
    UT_EQ(xr_info(XR_INFO_THREADS), 1);
    /* every frame is either free or charged to init (its own new thread stacks) */
    UT_EQ(ut_frames_accounted(), frames_at_start);
}
