/* RPC over endpoints and channels: packing the header and payload for each transport, and
 * the server loops that dispatch to one table of handlers (rpc.h). */
#include "rpc.h"

#include "xr.h"

/* ---- shared ---- */

/* Run the handler for op: status out, the reply payload in out[0..*olen) (*olen is the
 * room on entry). */
static long dispatch(const rpc_server_t *s, uint32_t op, const void *in, size_t len, void *out,
                     size_t *olen)
{
    size_t room = *olen;
    *olen = 0;
    if (op == RPC_OP_STOP)
        return XR_OK;
    if (op >= s->count || !s->ops[op])
        return XR_ENOSYS;
    *olen = room;
    long st = s->ops[op](s->ctx, in, len, out, olen);
    if (st || *olen > room) { /* an error reply carries no payload */
        long bad = *olen > room;
        *olen = 0;
        return bad ? XR_ERANGE : st;
    }
    return XR_OK;
}

/* ---- endpoints: label = opcode, w0 = id | status << 32, w1 = length, w2.. payload ---- */

static long ep_pack(xr_msg_t *m, xr_ipc_buffer_t *buf, uint32_t op, uint32_t id, long status,
                    const void *payload, size_t len)
{
    if (len > (buf ? RPC_EP_MAX : RPC_EP_REGS))
        return XR_ERANGE;
    unsigned n = 2 + (unsigned)((len + 7) / 8);
    m->tag = XR_TAG(op, 0, n);
    m->w[0] = id | (uint64_t)(uint32_t)status << 32;
    m->w[1] = len;
    for (unsigned i = 2; i < n; i++) {
        size_t at = (i - 2) * 8ul, part = len - at < 8 ? len - at : 8;
        uint64_t v = 0;
        memcpy(&v, (const uint8_t *)payload + at, part);
        if (i < XR_MSG_REGS)
            m->w[i] = v;
        else
            buf->msg[i] = v;
    }
    return XR_OK;
}

/* The payload of a received message into out (room cap); XR_ECORRUPT when the length word
 * disagrees with the tag, XR_ERANGE when it does not fit. */
static long ep_unpack(const xr_msg_t *m, xr_ipc_buffer_t *buf, void *out, size_t cap, size_t *len)
{
    unsigned n = XR_TAG_LEN(m->tag);
    uint64_t l = m->w[1];
    if (n < 2 || (l + 7) / 8 != n - 2 || (n > XR_MSG_REGS && !buf))
        return XR_ECORRUPT;
    if (l > cap)
        return XR_ERANGE;
    for (unsigned i = 2; i < n; i++) {
        size_t at = (i - 2) * 8ul, part = l - at < 8 ? l - at : 8;
        uint64_t v = i < XR_MSG_REGS ? m->w[i] : buf->msg[i];
        memcpy((uint8_t *)out + at, &v, part);
    }
    *len = l;
    return XR_OK;
}

long rpc_ep_call(xr_cap_t ep, xr_ipc_buffer_t *buf, uint32_t op, const void *req, size_t len,
                 void *resp, size_t cap, size_t *resp_len)
{
    static uint32_t next_id; /* shared by the process's threads, hence atomic */
    xr_msg_t m;
    uint32_t id = __atomic_add_fetch(&next_id, 1, __ATOMIC_RELAXED);
    long err = ep_pack(&m, buf, op, id, 0, req, len);
    err = err ? err : xr_call(ep, &m);
    if (err)
        return err;
    *resp_len = 0;
    if ((uint32_t)m.w[0] != id)
        return XR_ECORRUPT;
    long status = (int32_t)(m.w[0] >> 32);
    return status ? status : ep_unpack(&m, buf, resp, cap, resp_len);
}

long rpc_ep_serve(xr_cap_t ep, xr_ipc_buffer_t *buf, const rpc_server_t *s)
{
    uint8_t in[RPC_EP_MAX], out[RPC_EP_MAX];
    xr_msg_t m = {0};
    long err = xr_recv(ep, &m);
    while (!err) {
        uint32_t op = (uint32_t)XR_TAG_LABEL(m.tag), id = (uint32_t)m.w[0];
        size_t len = 0, olen = buf ? RPC_EP_MAX : RPC_EP_REGS;
        long st = ep_unpack(&m, buf, in, sizeof(in), &len);
        st = st ? st : dispatch(s, op, in, len, out, &olen);
        if (st)
            olen = 0;
        ep_pack(&m, buf, op, id, st, out, olen);
        if (op == RPC_OP_STOP)
            return xr_reply(&m);
        err = xr_reply_recv(ep, &m);
    }
    return err;
}

/* ---- channels: rpc_hdr_t then the payload, inline or in a pool buffer ---- */

static long chan_put_msg(chan_t *ch, const rpc_hdr_t *h, const void *payload)
{
    size_t total = sizeof(*h) + h->len;
    if (total <= CHAN_INLINE_MAX) {
        uint8_t b[CHAN_INLINE_MAX];
        memcpy(b, h, sizeof(*h));
        memcpy(b + sizeof(*h), payload, h->len);
        return chan_send(ch, b, total);
    }
    void *buf;
    uint64_t pos;
    long err = chan_buf_alloc(ch, total, &buf, &pos);
    if (err)
        return err;
    memcpy(buf, h, sizeof(*h));
    memcpy((uint8_t *)buf + sizeof(*h), payload, h->len);
    return chan_send_ref(ch, pos, total);
}

/* Receive one message: the channel's error is returned; the message's own verdict goes
 * to *st (XR_ECORRUPT: too short or a length that disagrees; XR_ERANGE: over cap). The
 * header is copied out of shared memory before it is checked. */
static long chan_get_msg(chan_t *ch, rpc_hdr_t *h, void *payload, size_t cap, size_t *len, long *st)
{
    chan_msg_t m;
    long err = chan_recv(ch, &m);
    if (err)
        return err;
    *st = XR_OK;
    *len = 0;
    memset(h, 0, sizeof(*h));
    if (m.len < sizeof(*h)) {
        *st = XR_ECORRUPT;
    } else {
        memcpy(h, m.ptr, sizeof(*h));
        if (h->len != m.len - sizeof(*h))
            *st = XR_ECORRUPT;
        else if (h->len > cap)
            *st = XR_ERANGE;
        else
            memcpy(payload, m.ptr + sizeof(*h), *len = h->len);
    }
    chan_buf_release(ch, &m);
    return XR_OK;
}

long rpc_chan_call(rpc_chan_t *c, uint32_t op, const void *req, size_t len, void *resp, size_t cap,
                   size_t *resp_len)
{
    if (len > RPC_CHAN_MAX)
        return XR_ERANGE;
    rpc_hdr_t h = {.opcode = op, .id = ++c->next_id, .len = (uint32_t)len};
    long st, err = chan_put_msg(c->tx, &h, req);
    uint32_t id = h.id;
    err = err ? err : chan_get_msg(c->rx, &h, resp, cap, resp_len, &st);
    if (err)
        return err;
    if (st)
        return st;
    if (h.id != id)
        return XR_ECORRUPT;
    if (h.status)
        *resp_len = 0;
    return h.status;
}

long rpc_chan_serve(rpc_chan_t *c, const rpc_server_t *s)
{
    static uint8_t in[RPC_CHAN_MAX], out[RPC_CHAN_MAX]; /* one server loop per process */
    for (;;) {
        rpc_hdr_t h;
        size_t len, olen = sizeof(out);
        long st, err = chan_get_msg(c->rx, &h, in, sizeof(in), &len, &st);
        if (err)
            return err;
        st = st ? st : dispatch(s, h.opcode, in, len, out, &olen);
        if (st)
            olen = 0;
        rpc_hdr_t r = {
            .opcode = h.opcode, .id = h.id, .len = (uint32_t)olen, .status = (int32_t)st};
        if ((err = chan_put_msg(c->tx, &r, out)))
            return err;
        if (h.opcode == RPC_OP_STOP && !st)
            return XR_OK;
    }
}
