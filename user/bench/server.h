/* The server side of ipcbench's IPC cases (server.c): one loop that answers calls on an
 * endpoint as their label asks. ipcbench runs it in a thread of its own (the same-address-space
 * cases) and the ipcserver program runs it in a process of its own (the cross-address-space
 * cases); this header is what both sides agree on. */
#ifndef USER_BENCH_SERVER_H
#define USER_BENCH_SERVER_H

#include "bench.h"

/* The labels of ipcbench's calls, and how the server answers each. */
enum {
    /* reply with the message received: the same tag, words 0..3, and words 4.. from the
     * IPC buffer (a round trip) */
    BENCH_LABEL_ECHO = 1,
    /* reply (label TIMED, 4 words) with w0 = the TSC just after the receive returned and
     * w1 = the TSC just before the reply_recv: the two one-way halves */
    BENCH_LABEL_TIMED,
    /* a call bringing one cap, which lands in BENCH_SLOT_RECEIVED: delete it (the slot must be
     * empty for the next one) and reply (label CAP, 1 word) with the delete's result */
    BENCH_LABEL_CAP,
    /* a 64-word message, 512 bytes of a bulk transfer (ipc_copy_*): copy it (words 0..3 from
     * the registers, 4..63 from the IPC buffer) to bench_sink at the next offset, and reply
     * with an empty message of label SINK */
    BENCH_LABEL_SINK,
    /* reply with the message received (4 words at most), after writing w0 to an XMM
     * register: a server that uses the FPU (ipc_rt_cross_as_fpu) */
    BENCH_LABEL_FPU,
    /* the same without touching the FPU: the client alone uses it (ipc_rt_cross_as_fpu_client) */
    BENCH_LABEL_FPU_CLIENT,
};

/* Where BENCH_LABEL_SINK copies to: bench_sink_size bytes (a multiple of 512), written in
 * order and wrapping round; NULL (ipcserver) copies nothing. Set before the server starts. */
extern uint8_t *bench_sink;
extern size_t bench_sink_size;

/* The slot where received caps land, in the table of whichever process runs the server. */
#define BENCH_SLOT_RECEIVED 30

/* ipcserver's endpoint: ipcbench gives it there before the server first runs. */
#define BENCH_SERVER_SLOT_EP 3

/* The IPC buffer of the first thread, in ipcbench and in ipcserver (where ipcbench maps and
 * registers it before the server first runs). */
#define BENCH_IPCBUF_VA 0x0000000041000000ul

/* Answers calls on ep until a receive fails, and returns that error: XR_EDEAD once the
 * endpoint is gone, which is how ipcbench ends a server. buf is the calling thread's IPC
 * buffer. A call with a label not above is answered with an empty message of label 0. */
long bench_server(xr_cap_t ep, xr_ipc_buffer_t *buf);

#endif
