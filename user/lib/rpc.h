/* RPC: request/response messages with a common header, over an endpoint (small,
 * synchronous: xr_call / xr_reply_recv) or over a pair of channels (bulk: requests one
 * way, replies the other). A server describes its operations once (rpc_server_t) and can
 * serve both transports with the same handlers.
 *
 * On an endpoint the tag's label is the opcode, word 0 = id | status << 32, word 1 = the
 * payload length, words 2.. the payload (words 4.. in the IPC buffer). On a channel a
 * message is the 16-byte rpc_hdr_t followed by the payload, inline when it fits a slot,
 * else in a pool buffer. Lengths are never trusted: a header whose length disagrees with
 * the message is XR_ECORRUPT. */
#ifndef XR_USER_RPC_H
#define XR_USER_RPC_H

#include "chan.h"

typedef struct rpc_hdr {
    uint32_t opcode;
    uint32_t id;    /* chosen by the caller, echoed by the reply */
    uint32_t len;   /* payload bytes after the header */
    int32_t status; /* replies: XR_OK or an XR_E* code; requests: 0 */
} rpc_hdr_t;
_Static_assert(sizeof(rpc_hdr_t) == 16, "the header is two words");

#define RPC_EP_MAX   ((XR_MSG_MAX - 2) * 8) /* payload bytes over an endpoint (IPC buffer) */
#define RPC_EP_REGS  16                     /* ... without an IPC buffer: words 2 and 3 */
#define RPC_CHAN_MAX 4096                   /* payload bytes over a channel */
#define RPC_OP_STOP  0                      /* ends rpc_ep_serve / rpc_chan_serve (replied OK) */

/* A handler: req[0..len) in, up to *resp_len bytes (the room) out, *resp_len set to what
 * it wrote. Returns the reply's status. ctx is rpc_server_t.ctx. */
typedef long (*rpc_handler_t)(void *ctx, const void *req, size_t len, void *resp, size_t *resp_len);
typedef struct rpc_server {
    const rpc_handler_t *ops; /* indexed by opcode; NULL or past count: XR_ENOSYS */
    unsigned count;
    void *ctx;
} rpc_server_t;

/* Client over an endpoint: send op with req, wait for the reply; its payload (at most cap
 * bytes) into resp, its length in *resp_len. buf is the calling thread's IPC buffer (NULL:
 * payloads up to RPC_EP_REGS bytes). Returns a transport error, XR_ERANGE (too long), or
 * the server's status. */
long rpc_ep_call(xr_cap_t ep, xr_ipc_buffer_t *buf, uint32_t op, const void *req, size_t len,
                 void *resp, size_t cap, size_t *resp_len);
/* Server over an endpoint: answer requests until RPC_OP_STOP; returns XR_OK then, or the
 * IPC error that ended the loop. */
long rpc_ep_serve(xr_cap_t ep, xr_ipc_buffer_t *buf, const rpc_server_t *s);

/* The channel transport: requests go on tx, replies come on rx (the server's pair is the
 * other way round). */
typedef struct rpc_chan {
    chan_t *tx, *rx;
    uint32_t next_id;
} rpc_chan_t;
/* As rpc_ep_call, over channels (payloads up to RPC_CHAN_MAX). A reply with another id is
 * XR_ECORRUPT. */
long rpc_chan_call(rpc_chan_t *c, uint32_t op, const void *req, size_t len, void *resp, size_t cap,
                   size_t *resp_len);
/* Server over channels: answer requests until RPC_OP_STOP (XR_OK) or a channel error. A
 * malformed request gets an XR_ECORRUPT reply and the loop goes on. */
long rpc_chan_serve(rpc_chan_t *c, const rpc_server_t *s);

/* Typed stubs: RPC_TYPED(name, op, req_t, resp_t) defines name_ep(ep, buf, &req, &resp)
 * and name_chan(rpc_chan, &req, &resp); a reply of another size is XR_ECORRUPT. */
#define RPC_TYPED(name, op, req_t, resp_t)                                                         \
    _Static_assert(sizeof(req_t) <= RPC_EP_MAX && sizeof(resp_t) <= RPC_EP_MAX, #name " fits");    \
    static inline long name##_ep(xr_cap_t ep, xr_ipc_buffer_t *buf, const req_t *q, resp_t *r)     \
    {                                                                                              \
        size_t n = 0;                                                                              \
        long e = rpc_ep_call(ep, buf, op, q, sizeof(*q), r, sizeof(*r), &n);                       \
        return e ? e : n == sizeof(*r) ? XR_OK : XR_ECORRUPT;                                      \
    }                                                                                              \
    static inline long name##_chan(rpc_chan_t *c, const req_t *q, resp_t *r)                       \
    {                                                                                              \
        size_t n = 0;                                                                              \
        long e = rpc_chan_call(c, op, q, sizeof(*q), r, sizeof(*r), &n);                           \
        return e ? e : n == sizeof(*r) ? XR_OK : XR_ECORRUPT;                                      \
    }

/* In a handler: the request as a T, or NULL when its length is not sizeof(T). */
#define RPC_ARG(T, req, len) ((len) == sizeof(T) ? (const T *)(req) : (const T *)0)

#endif
