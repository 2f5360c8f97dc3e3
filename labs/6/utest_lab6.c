/* Lab 6's graded tests (docs/labs/lab6.md): the key-value server's handlers (user/kv/kv_server.c),
 * served by rpc_ep_serve from a thread of the test program, called well and badly. */
#include "user/kv/kv_server.h"
#include "utest.h"

#define KV_EP  125 /* the test's endpoint */
#define SERVER UT_SLOT_THREADS

static kv_store_t store;
static volatile long served; /* what rpc_ep_serve returned */

static void serve(uint64_t slot)
{
    rpc_server_t s = kv_server(&store);
    served = rpc_ep_serve(KV_EP, (xr_ipc_buffer_t *)ut_ipcbuf((xr_cap_t)slot), &s);
}

/* A fresh store served on KV_EP. */
static bool start(void)
{
    memset(&store, 0, sizeof(store));
    served = 1;
    xr_cap_delete(KV_EP);         /* a server an earlier failed test left gets an error ... */
    ut_thread_join(SERVER, 1000); /* ... and ends */
    return ut_self_ipcbuf() && xr_endpoint_create(KV_EP) == XR_OK &&
           ut_thread(serve, SERVER, 150, SERVER) == XR_OK;
}

/* Stops the server; true when it had kept serving until asked to stop. */
static bool stop(void)
{
    size_t n;
    long err = rpc_ep_call(KV_EP, ut_self_ipcbuf(), RPC_OP_STOP, NULL, 0, NULL, 0, &n);
    bool ok = err == XR_OK && ut_thread_join(SERVER, 2000) && served == XR_OK;
    xr_cap_delete(KV_EP);
    return ok;
}

static long call(uint32_t op, const void *req, size_t len, void *resp, size_t cap, size_t *got)
{
    size_t n = 0;
    return rpc_ep_call(KV_EP, ut_self_ipcbuf(), op, req, len, resp, cap, got ? got : &n);
}

static long put(const char *key, const void *val, size_t vlen)
{
    uint8_t req[RPC_EP_MAX];
    size_t klen = strlen(key);
    req[0] = (uint8_t)klen;
    memcpy(req + 1, key, klen);
    memcpy(req + 1 + klen, val, vlen);
    return call(KV_OP_PUT, req, 1 + klen + vlen, NULL, 0, NULL);
}

/* GET key; the value's length, or -(XR_* code). */
static long get(const char *key, void *val, size_t cap)
{
    size_t got = 0;
    long err = call(KV_OP_GET, key, strlen(key), val, cap, &got);
    return err ? -err : (long)got;
}

static long count(void)
{
    uint32_t n = 0;
    size_t got = 0;
    long err = call(KV_OP_COUNT, NULL, 0, &n, sizeof(n), &got);
    return err ? -err : got == sizeof(n) ? (long)n : -XR_ECORRUPT;
}

UTEST(lab6, put_get_overwrite)
{
    char v[KV_VAL_MAX];
    UT_ASSERT(start());
    UT_EQ(put("alpha", "one", 3), XR_OK);
    UT_EQ(put("beta", "two!", 4), XR_OK);
    UT_EQ(get("alpha", v, sizeof(v)), 3);
    UT_EQ(memcmp(v, "one", 3), 0);
    UT_EQ(put("alpha", "eleven", 6), XR_OK); /* a new value, the same key */
    UT_EQ(get("alpha", v, sizeof(v)), 6);
    UT_EQ(memcmp(v, "eleven", 6), 0);
    UT_EQ(get("beta", v, sizeof(v)), 4);
    UT_EQ(count(), 2);
    UT_EQ(put("empty", "", 0), XR_OK); /* an empty value is a value */
    UT_EQ(get("empty", v, sizeof(v)), 0);
    UT_ASSERT(stop());
}

UTEST(lab6, delete_and_missing_keys)
{
    char v[8];
    UT_ASSERT(start());
    UT_EQ(get("nope", v, sizeof(v)), -XR_ENOENT);
    UT_EQ(call(KV_OP_DEL, "nope", 4, NULL, 0, NULL), XR_ENOENT);
    UT_EQ(put("k", "v", 1), XR_OK);
    UT_EQ(call(KV_OP_DEL, "k", 1, NULL, 0, NULL), XR_OK);
    UT_EQ(get("k", v, sizeof(v)), -XR_ENOENT);
    UT_EQ(call(KV_OP_DEL, "k", 1, NULL, 0, NULL), XR_ENOENT);
    UT_EQ(count(), 0);
    uint32_t i = 0;
    UT_EQ(call(KV_OP_KEY, &i, sizeof(i), v, sizeof(v), NULL), XR_ENOENT);
    UT_ASSERT(stop());
}

/* Keys and values at their limits and one byte past them; a full table. */
UTEST(lab6, limits_and_full_store)
{
    char key[KV_KEY_MAX + 2], v[KV_VAL_MAX + 1];
    UT_ASSERT(start());
    memset(key, 'k', sizeof(key));
    key[KV_KEY_MAX] = 0;
    memset(v, 'v', sizeof(v));
    UT_EQ(put(key, v, KV_VAL_MAX), XR_OK);
    UT_EQ(get(key, v, sizeof(v)), KV_VAL_MAX);
    UT_EQ(put(key, v, KV_VAL_MAX + 1), XR_ERANGE);
    key[KV_KEY_MAX] = 'k';
    key[KV_KEY_MAX + 1] = 0;
    UT_EQ(put(key, v, 1), XR_ERANGE);
    UT_EQ(get(key, v, sizeof(v)), -XR_ERANGE);
    UT_EQ(put("", v, 1), XR_EINVAL);
    UT_EQ(get("", v, sizeof(v)), -XR_EINVAL);
    for (int i = 1; i < KV_ENTRIES; i++) {
        char k[8];
        snprintf(k, sizeof(k), "n%d", i);
        UT_EQ(put(k, &i, sizeof(i)), XR_OK);
    }
    UT_EQ(count(), KV_ENTRIES);
    UT_EQ(put("one-more", "x", 1), XR_ENOMEM);
    UT_EQ(put("n7", "seven", 5), XR_OK); /* a full table still takes new values */
    UT_EQ(call(KV_OP_DEL, "n7", 2, NULL, 0, NULL), XR_OK);
    UT_EQ(put("one-more", "x", 1), XR_OK); /* and a freed entry is used again */
    UT_EQ(count(), KV_ENTRIES);
    UT_ASSERT(stop());
}

/* Values are bytes: NULs and 0xff come back as they went; a NUL in a key is refused. */
UTEST(lab6, values_are_binary)
{
    static const uint8_t bin[] = {0, 0xff, 0, 1, 0x80, 0};
    uint8_t v[16];
    UT_ASSERT(start());
    UT_EQ(put("bin", bin, sizeof(bin)), XR_OK);
    UT_EQ(get("bin", v, sizeof(v)), (long)sizeof(bin));
    UT_EQ(memcmp(v, bin, sizeof(bin)), 0);
    UT_EQ(call(KV_OP_GET, "a\0b", 3, v, sizeof(v), NULL), XR_EINVAL);
    uint8_t req[] = {3, 'a', 0, 'b', 'x'};
    UT_EQ(call(KV_OP_PUT, req, sizeof(req), NULL, 0, NULL), XR_EINVAL);
    UT_EQ(count(), 1);
    UT_ASSERT(stop());
}

/* Requests a well-behaved client never sends: a key length past the payload, an empty PUT, a
 * COUNT with a payload, a KEY index of the wrong size, a length word that disagrees with the
 * message, unknown opcodes. Each gets its error, and the server goes on serving. */
UTEST(lab6, hostile_clients)
{
    uint8_t v[16];
    UT_ASSERT(start());
    uint8_t over[] = {200, 'a', 'b'};
    UT_EQ(call(KV_OP_PUT, over, sizeof(over), NULL, 0, NULL), XR_EINVAL);
    uint8_t just_over[] = {3, 'a', 'b'};
    UT_EQ(call(KV_OP_PUT, just_over, sizeof(just_over), NULL, 0, NULL), XR_EINVAL);
    UT_EQ(call(KV_OP_PUT, NULL, 0, NULL, 0, NULL), XR_EINVAL);
    UT_EQ(call(KV_OP_COUNT, "x", 1, v, sizeof(v), NULL), XR_EINVAL);
    UT_EQ(call(KV_OP_KEY, "xy", 2, v, sizeof(v), NULL), XR_EINVAL);
    UT_EQ(call(77, "k", 1, v, sizeof(v), NULL), XR_ENOSYS);
    UT_EQ(call(0xffff, NULL, 0, v, sizeof(v), NULL), XR_ENOSYS);
    xr_msg_t m = {.tag = XR_TAG(KV_OP_GET, 0, 3), .w = {1, 900, 0x6b}}; /* says 900 bytes, has 8 */
    UT_EQ(xr_call(KV_EP, &m), XR_OK);
    UT_EQ((int32_t)(m.w[0] >> 32), XR_ECORRUPT);
    UT_EQ(count(), 0);
    UT_EQ(put("still", "here", 4), XR_OK);
    UT_EQ(get("still", v, sizeof(v)), 4);
    UT_ASSERT(stop());
}
