/* The server of ipcbench's IPC cases (server.h). Each label has its own loop, which keeps the
 * message in locals (registers) and answers calls of that label until one of another label
 * arrives, so that a round trip holds only the server's reply_recv, its label test and the
 * work the label asks for. */
#include "server.h"

#include "echo.h"

/* Each serve_* loop: *in is the call just received, with its label; on return, *in is the
 * next call (of another label) or the receive failed, and the error is returned. */

/* The first call's receive timestamp is taken late (after the dispatch in bench_server); that
 * call is a warm-up one: every case starts its own server and warms up before its samples. */
static long serve_timed(xr_cap_t ep, xr_msg_t *in)
{
    uint64_t t_recv = bench_ts_end();
    xr_msg_t m = *in;
    long err;

    do {
        m.tag = XR_TAG(BENCH_LABEL_TIMED, 0, XR_MSG_REGS);
        m.w[0] = t_recv;
        m.w[1] = bench_ts_begin();
        err = xr_reply_recv(ep, &m);
        t_recv = bench_ts_end();
    } while (err == XR_OK && XR_TAG_LABEL(m.tag) == BENCH_LABEL_TIMED);
    *in = m;
    return err;
}

static long serve_cap(xr_cap_t ep, xr_msg_t *in)
{
    xr_msg_t m = *in;
    long err;

    do {
        m.w[0] = (uint64_t)xr_cap_delete(BENCH_SLOT_RECEIVED);
        m.tag = XR_TAG(BENCH_LABEL_CAP, 0, 1);
        err = xr_reply_recv(ep, &m);
    } while (err == XR_OK && XR_TAG_LABEL(m.tag) == BENCH_LABEL_CAP);
    *in = m;
    return err;
}

/* BENCH_LABEL_FPU (touch) or FPU_CLIENT: the asm writes an XMM register without naming it as
 * clobbered: ipcbench and ipcserver are built without SSE (-mgeneral-regs-only), so the
 * compiler keeps nothing there. */
static inline __attribute__((always_inline)) long serve_fpu(xr_cap_t ep, xr_msg_t *in,
                                                            uint64_t label)
{
    xr_msg_t m = *in;
    long err;

    do {
        if (label == BENCH_LABEL_FPU)
            __asm__ volatile("movq %0, %%xmm0" ::"r"(m.w[0]));
        err = xr_reply_recv(ep, &m);
    } while (err == XR_OK && XR_TAG_LABEL(m.tag) == label);
    *in = m;
    return err;
}

uint8_t *bench_sink;
size_t bench_sink_size;

/* The receiving end of an ipc_copy_* transfer: each message is 512 bytes of it, which a
 * receiver must copy out before its next receive overwrites them. */
static long serve_sink(xr_cap_t ep, xr_msg_t *in, xr_ipc_buffer_t *buf)
{
    xr_msg_t m = *in;
    size_t pos = 0;
    long err;

    do {
        if (bench_sink && XR_TAG_LEN(m.tag) == XR_MSG_MAX) {
            uint64_t *d = (uint64_t *)(bench_sink + pos);
            d[0] = m.w[0];
            d[1] = m.w[1];
            d[2] = m.w[2];
            d[3] = m.w[3];
            memcpy(d + XR_MSG_REGS, &buf->msg[XR_MSG_REGS],
                   (XR_MSG_MAX - XR_MSG_REGS) * sizeof(uint64_t));
            pos += XR_MSG_MAX * sizeof(uint64_t);
            if (pos >= bench_sink_size)
                pos = 0;
        }
        m.tag = XR_TAG(BENCH_LABEL_SINK, 0, 0);
        err = xr_reply_recv(ep, &m);
    } while (err == XR_OK && XR_TAG_LABEL(m.tag) == BENCH_LABEL_SINK);
    *in = m;
    return err;
}

long bench_server(xr_cap_t ep, xr_ipc_buffer_t *buf)
{
    xr_msg_t m = {0};

    buf->recv_slots[0] = BENCH_SLOT_RECEIVED;
    long err = xr_recv(ep, &m);
    while (err == XR_OK) {
        switch (XR_TAG_LABEL(m.tag)) {
        case BENCH_LABEL_ECHO: /* the message back as it came */
            err = xr_echo_serve(ep, buf, &m, 0, BENCH_LABEL_ECHO);
            break;
        case BENCH_LABEL_TIMED:
            err = serve_timed(ep, &m);
            break;
        case BENCH_LABEL_CAP:
            err = serve_cap(ep, &m);
            break;
        case BENCH_LABEL_SINK:
            err = serve_sink(ep, &m, buf);
            break;
        case BENCH_LABEL_FPU:
            err = serve_fpu(ep, &m, BENCH_LABEL_FPU);
            break;
        case BENCH_LABEL_FPU_CLIENT:
            err = serve_fpu(ep, &m, BENCH_LABEL_FPU_CLIENT);
            break;
        default:
            m.tag = XR_TAG(0, 0, 0);
            err = xr_reply_recv(ep, &m);
            break;
        }
    }
    return err;
}
