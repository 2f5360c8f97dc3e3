/* ipcbench's IPC cases: this thread calls, a server (server.c) answers, in a thread of this process
 * or in the ipcserver program. Every case starts its own server at BENCH_PRIO, the client's
 * priority, so that the fastpath may take its calls and replies (when they qualify) and the
 * slowpath switches straight to the partner too; and ends it after. */
#include "ipcbench.h"

#define BENCH_SERVER_IMAGE_VA 0x0000000060000000ul /* the ipcserver module, mapped */
#define BENCH_SERVER_QUOTA    64 /* frames for ipcserver: image, stack, IPC buffer, tables */

static volatile long server_err; /* what bench_server returned in the server thread */

static void server_thread(uint64_t arg)
{
    (void)arg;
    server_err = bench_server(BENCH_SLOT_EP, (xr_ipc_buffer_t *)BENCH_PEER_IPCBUF_VA);
}

/* The ipcserver module (the memory cap init gave in XR_BENCH_SLOT_SERVER_IMAGE), mapped here at
 * BENCH_SERVER_IMAGE_VA page by page up to its end: the first offset the kernel refuses with
 * XR_ERANGE. The size is then rounded up to pages; spawning reads only what the ELF headers
 * point at, all of it within the file. */
static long server_image(const void **image, size_t *size)
{
    static uint64_t mapped; /* bytes mapped by earlier calls */
    long err;

    while ((err = xr_map_memory(XR_SLOT_SELF, XR_BENCH_SLOT_SERVER_IMAGE, mapped,
                                BENCH_SERVER_IMAGE_VA + mapped, 0)) == XR_OK)
        mapped += 4096;
    if (err != XR_ERANGE)
        return err; /* XR_EBADCAP: init gave no ipcserver module */
    if (mapped == 0)
        return XR_ENOENT;
    *image = (const void *)BENCH_SERVER_IMAGE_VA;
    *size = mapped;
    return XR_OK;
}

/* Spawns ipcserver to serve BENCH_SLOT_EP. It starts below this thread's priority, so it runs
 * only once it has its IPC buffer and its endpoint and has been raised to BENCH_PRIO. */
static long server_spawn(void)
{
    const void *image;
    size_t size;
    long err = server_image(&image, &size);
    if (err != XR_OK)
        return err;
    err = xr_spawn_elf(image, size, BENCH_SERVER_QUOTA, 0, BENCH_PRIO - 1, BENCH_SLOT_SERVER_PROC,
                       BENCH_SLOT_SERVER_THREAD);
    if (err != XR_OK)
        return err;
    err = xr_map_anon(BENCH_SLOT_SERVER_PROC, BENCH_IPCBUF_VA, XR_MAP_WRITE);
    if (err == XR_OK)
        err = xr_thread_set_ipcbuf(BENCH_SLOT_SERVER_THREAD, BENCH_IPCBUF_VA);
    if (err == XR_OK)
        err = xr_process_give_cap(BENCH_SLOT_SERVER_PROC, BENCH_SLOT_EP, BENCH_SERVER_SLOT_EP,
                                  XR_RIGHT_READ | XR_RIGHT_WRITE);
    if (err == XR_OK)
        err = xr_thread_set_prio(BENCH_SLOT_SERVER_THREAD, BENCH_PRIO);
    if (err != XR_OK) {
        xr_process_kill(BENCH_SLOT_SERVER_PROC);
        xr_cap_delete(BENCH_SLOT_SERVER_THREAD);
        xr_cap_delete(BENCH_SLOT_SERVER_PROC);
    }
    return err;
}

/* Lets ipcserver run until it has ended, then deletes its caps; XR_OK when it exited with 0
 * (its endpoint gone), XR_EDEAD when it ended otherwise, XR_EBUSY (and killed) when it did not. */
static long server_join(void)
{
    uint64_t st = 0;

    for (unsigned i = 0; i < BENCH_MAX_MISSES; i++) {
        if (xr_process_status(BENCH_SLOT_SERVER_PROC, &st) != XR_OK ||
            xr_status_state(st) != XR_PROC_RUNNING)
            break;
        xr_sleep_us(1000);
    }
    long err = xr_status_state(st) == XR_PROC_RUNNING                             ? XR_EBUSY
               : xr_status_state(st) == XR_PROC_EXITED && xr_status_code(st) == 0 ? XR_OK
                                                                                  : XR_EDEAD;
    if (err == XR_EBUSY)
        xr_process_kill(BENCH_SLOT_SERVER_PROC);
    xr_cap_delete(BENCH_SLOT_SERVER_THREAD);
    xr_cap_delete(BENCH_SLOT_SERVER_PROC);
    return err;
}

/* A new endpoint in BENCH_SLOT_EP and its server: a thread of this process, or ipcserver
 * (cross). */
static long server_start(bool cross, bool other_core)
{
    long err = xr_endpoint_create(BENCH_SLOT_EP);
    if (err != XR_OK)
        return err;
    server_err = XR_OK;
    err = cross ? server_spawn() : bench_peer_start(server_thread, 0, BENCH_PRIO);
    if (err == XR_OK && other_core && xr_info(XR_INFO_CPUS) > 1)
        err = xr_thread_set_affinity(cross ? BENCH_SLOT_SERVER_THREAD : BENCH_SLOT_PEER, 1);
    if (err != XR_OK)
        xr_cap_delete(BENCH_SLOT_EP);
    return err;
}

/* Ends the server: revoking the endpoint deletes every copy made from it (ipcserver's, and a
 * transferred cap the server did not delete), deleting it then destroys it, which ends the
 * server's receive with XR_EDEAD and so the server. */
static long server_stop(bool cross)
{
    xr_cap_revoke(BENCH_SLOT_EP);
    xr_cap_delete(BENCH_SLOT_EP);
    if (cross)
        return server_join();
    long err = bench_peer_join();
    return err == XR_OK && server_err != XR_EDEAD ? XR_ECORRUPT : err;
}

/* Whether m is the server's answer to a call with tag (server.h): the echo of words 0..3
 * (1, 2, 3, 4, cut to the length), or for a cap one word, the delete's result. */
static bool reply_ok(uint64_t tag, const xr_msg_t *m)
{
    if (XR_TAG_LABEL(tag) == BENCH_LABEL_CAP)
        return m->tag == XR_TAG(BENCH_LABEL_CAP, 0, 1) && m->w[0] == XR_OK;
    for (unsigned i = 0; i < XR_MSG_REGS; i++)
        if (m->w[i] != (i < XR_TAG_LEN(tag) ? i + 1 : 0))
            return false;
    return m->tag == tag;
}

/* Round trips: a sample is one call with tag and its reply, from before the call to after it
 * returns. Words 0..3 are 1..4, words 4.. (in the IPC buffer) 5.., the cap sent (for a tag
 * with one) is the endpoint itself. */
static long rt_loop(uint64_t *raw, unsigned count, uint64_t tag)
{
    for (unsigned i = XR_MSG_REGS; i < XR_TAG_LEN(tag); i++)
        BENCH_IPCBUF->msg[i] = i + 1;
    BENCH_IPCBUF->send_caps[0] = BENCH_SLOT_EP;
    for (unsigned i = 0; i < count; i++) {
        xr_msg_t m = {.tag = tag, .w = {1, 2, 3, 4}};
        if (XR_TAG_LABEL(tag) >= BENCH_LABEL_FPU) /* (no SSE in this file: nothing clobbered) */
            __asm__ volatile("movq %0, %%xmm0" ::"r"((uint64_t)i));
        uint64_t t0 = bench_ts_begin();
        long err = xr_call(BENCH_SLOT_EP, &m);
        uint64_t t1 = bench_ts_end();
        if (err != XR_OK)
            return err;
        if (!reply_ok(tag, &m))
            return XR_ECORRUPT;
        raw[i] = t1 - t0;
    }
    for (unsigned i = XR_MSG_REGS; i < XR_TAG_LEN(tag); i++)
        if (BENCH_IPCBUF->msg[i] != i + 1)
            return XR_ECORRUPT;
    return XR_OK;
}

/* One-way halves of a 4-word round trip, the server timing its side (BENCH_LABEL_TIMED): for
 * BENCH_ONEWAY_CALL a sample is from before the call here to after the server's receive returned
 * (w0 of the reply), for BENCH_ONEWAY_REPLY from before the server's reply_recv (w1) to after the
 * call returned here. */
static long oneway_loop(uint64_t *raw, unsigned count, uint64_t half)
{
    const uint64_t tag = XR_TAG(BENCH_LABEL_TIMED, 0, XR_MSG_REGS);

    for (unsigned i = 0; i < count; i++) {
        xr_msg_t m = {.tag = tag, .w = {1, 2, 3, 4}};
        uint64_t t0 = bench_ts_begin();
        long err = xr_call(BENCH_SLOT_EP, &m);
        uint64_t t1 = bench_ts_end();
        if (err != XR_OK)
            return err;
        if (m.tag != tag)
            return XR_ECORRUPT;
        raw[i] = half == BENCH_ONEWAY_CALL ? m.w[0] - t0 : t1 - m.w[1];
    }
    return XR_OK;
}

long bench_ipc_run(bool cross, bench_fn_t loop, uint64_t arg, uint64_t *raw, unsigned count)
{
    long err = server_start(cross, arg & BENCH_OTHER_CORE);
    arg &= ~BENCH_OTHER_CORE;
    if (err != XR_OK)
        return err;
    err = loop(raw, count, arg);
    long end = server_stop(cross);
    return err != XR_OK ? err : end;
}

long case_ipc_rt(uint64_t *raw, unsigned count, uint64_t arg)
{
    return bench_ipc_run(arg & BENCH_CROSS, rt_loop, arg & ~BENCH_CROSS, raw, count);
}

long case_ipc_oneway(uint64_t *raw, unsigned count, uint64_t arg)
{
    return bench_ipc_run(arg & BENCH_CROSS, oneway_loop, arg & ~BENCH_CROSS, raw, count);
}

/* ipc_stub_nop: the call stub of oneway_loop, its syscall replaced by a 2-byte NOP (no
 * kernel entry): what sel4bench subtracts from a one-way half (docs/bench/README.md). */
long case_ipc_stub_nop(uint64_t *raw, unsigned count, uint64_t arg)
{
    const uint64_t tag = XR_TAG(BENCH_LABEL_TIMED, 0, XR_MSG_REGS);

    (void)arg;
    for (unsigned i = 0; i < count; i++) {
        xr_msg_t m = {.tag = tag, .w = {1, 2, 3, 4}};
        uint64_t t0 = bench_ts_begin();
        long nr = xr_ipc_stub(XR_SYS_CALL, BENCH_SLOT_EP, &m, 1);
        uint64_t t1 = bench_ts_end();
        if (nr != XR_SYS_CALL || m.tag != tag)
            return XR_ECORRUPT;
        raw[i] = t1 - t0;
    }
    return XR_OK;
}
