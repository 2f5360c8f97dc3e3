/* The key-value store behind kvd (kv_proto.h): a fixed table of KV_ENTRIES entries, searched
 * linearly. Every request is hostile until checked: lengths come from the client. */
#include "user/kv/kv_server.h"

#include "xr.h"

/* BEGIN TODO(lab6): the handlers: check each request, then find, add, change or remove */
/* XR_OK when key[0..len) is a valid key: 1..KV_KEY_MAX bytes, no NUL. */
static long key_check(const void *key, size_t len)
{
    if (len == 0)
        return XR_EINVAL;
    for (size_t i = 0; i < len; i++)
        if (((const uint8_t *)key)[i] == 0)
            return XR_EINVAL;
    return len > KV_KEY_MAX ? XR_ERANGE : XR_OK;
}

static kv_entry_t *find(kv_store_t *s, const void *key, size_t len)
{
    for (unsigned i = 0; i < KV_ENTRIES; i++)
        if (s->e[i].used && s->e[i].klen == len && memcmp(s->e[i].key, key, len) == 0)
            return &s->e[i];
    return NULL;
}

static long kv_put(void *ctx, const void *req, size_t len, void *resp, size_t *resp_len)
{
    (void)resp;
    kv_store_t *s = ctx;
    const uint8_t *p = req;
    *resp_len = 0;
    if (len < 1 || p[0] > len - 1)
        return XR_EINVAL;
    size_t klen = p[0], vlen = len - 1 - klen;
    long err = key_check(p + 1, klen);
    if (err)
        return err;
    if (vlen > KV_VAL_MAX)
        return XR_ERANGE;
    kv_entry_t *e = find(s, p + 1, klen);
    for (unsigned i = 0; !e && i < KV_ENTRIES; i++)
        if (!s->e[i].used) {
            e = &s->e[i];
            e->used = true;
            e->klen = (uint8_t)klen;
            memcpy(e->key, p + 1, klen);
            s->count++;
        }
    if (!e)
        return XR_ENOMEM;
    e->vlen = (uint8_t)vlen;
    memcpy(e->val, p + 1 + klen, vlen);
    return XR_OK;
}

static long kv_get(void *ctx, const void *req, size_t len, void *resp, size_t *resp_len)
{
    long err = key_check(req, len);
    const kv_entry_t *e = err ? NULL : find(ctx, req, len);
    if (!e) {
        *resp_len = 0;
        return err ? err : XR_ENOENT;
    }
    if (e->vlen > *resp_len)
        return XR_ERANGE;
    memcpy(resp, e->val, e->vlen);
    *resp_len = e->vlen;
    return XR_OK;
}

static long kv_del(void *ctx, const void *req, size_t len, void *resp, size_t *resp_len)
{
    (void)resp;
    kv_store_t *s = ctx;
    long err = key_check(req, len);
    kv_entry_t *e = err ? NULL : find(s, req, len);
    *resp_len = 0;
    if (!e)
        return err ? err : XR_ENOENT;
    memset(e, 0, sizeof(*e));
    s->count--;
    return XR_OK;
}

static long kv_count(void *ctx, const void *req, size_t len, void *resp, size_t *resp_len)
{
    (void)req;
    const kv_store_t *s = ctx;
    uint32_t n = s->count;
    if (len != 0 || *resp_len < sizeof(n))
        return XR_EINVAL;
    memcpy(resp, &n, sizeof(n));
    *resp_len = sizeof(n);
    return XR_OK;
}

static long kv_key(void *ctx, const void *req, size_t len, void *resp, size_t *resp_len)
{
    const kv_store_t *s = ctx;
    const uint32_t *index = RPC_ARG(uint32_t, req, len);
    if (!index)
        return XR_EINVAL;
    uint32_t k = *index;
    for (unsigned i = 0; i < KV_ENTRIES; i++) {
        if (!s->e[i].used || k-- != 0)
            continue;
        if (s->e[i].klen > *resp_len)
            return XR_ERANGE;
        memcpy(resp, s->e[i].key, s->e[i].klen);
        *resp_len = s->e[i].klen;
        return XR_OK;
    }
    return XR_ENOENT;
}
/* STUB TODO(lab6)
static long kv_put(void *ctx, const void *req, size_t len, void *resp, size_t *resp_len)
{
    (void)ctx, (void)req, (void)len, (void)resp, (void)resp_len;
    return XR_ENOSYS;
}
#define kv_get   kv_put
#define kv_del   kv_put
#define kv_count kv_put
#define kv_key   kv_put
   END TODO(lab6) */

rpc_server_t kv_server(kv_store_t *store)
{
    static const rpc_handler_t ops[KV_OPS] = {
        [KV_OP_PUT] = kv_put,     [KV_OP_GET] = kv_get, [KV_OP_DEL] = kv_del,
        [KV_OP_COUNT] = kv_count, [KV_OP_KEY] = kv_key,
    };
    return (rpc_server_t){.ops = ops, .count = KV_OPS, .ctx = store};
}
