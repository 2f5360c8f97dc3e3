/* The echo server of the native runtime: answers calls by sending each message back, for the
 * tests (user/init/tests_ipc.c, the child program) and the benchmark (user/bench/server.c).
 *
 * It is static inline on purpose: the benchmark measures this loop, and with add and keep known
 * at the call the compiler reduces it to the loop a hand-written server would have (for the
 * benchmark's add == 0, one reply_recv and one label test per call; docs/bench/README.md). */
#ifndef XR_USER_ECHO_H
#define XR_USER_ECHO_H

#include <stdbool.h>

#include "syscall.h"

/* The label that ends an echo server run with keep == XR_ECHO_ANY. */
#define XR_ECHO_STOP 99
/* keep: echo a call of any label but XR_ECHO_STOP. */
#define XR_ECHO_ANY (~0ul)

/*
 * Serves calls on ep, starting with the call already received in *m: sends each back, with its
 * label and each of its words plus add (words 0..3 in *m, words 4..len-1 in buf, the calling
 * thread's IPC buffer, which may be NULL when no call is longer than 4 words); with add == 0 the
 * message goes back exactly as received. Serves while the call's label is keep (XR_ECHO_ANY:
 * any label but XR_ECHO_STOP). Returns XR_OK with the first call it did not answer in *m (the
 * caller replies to it, or not), or the error of the receive that failed (XR_EDEAD: ep is gone).
 * Blocks in each receive.
 */
static inline long xr_echo_serve(xr_cap_t ep, xr_ipc_buffer_t *buf, xr_msg_t *m, uint64_t add,
                                 uint64_t keep)
{
    xr_msg_t r = *m;
    long err = XR_OK;

    for (;;) {
        uint64_t label = XR_TAG_LABEL(r.tag);
        if (keep == XR_ECHO_ANY ? label == XR_ECHO_STOP : label != keep)
            break;
        if (add) {
            unsigned len = XR_TAG_LEN(r.tag);
            for (unsigned i = 0; i < XR_MSG_REGS; i++)
                r.w[i] += add;
            for (unsigned i = XR_MSG_REGS; i < len; i++)
                buf->msg[i] += add;
            r.tag = XR_TAG(label + add, 0, len);
        }
        err = xr_reply_recv(ep, &r);
        if (err != XR_OK)
            break;
    }
    *m = r;
    return err;
}

#endif
