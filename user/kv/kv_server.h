/* The key-value store and its RPC handlers (kv_proto.h), shared by the kvd service and lab 6's
 * tests, which serve a store from a thread of their own. */
#ifndef XR_USER_KV_SERVER_H
#define XR_USER_KV_SERVER_H

#include <stdbool.h>

#include "rpc.h"
#include "user/kv/kv_proto.h"

typedef struct kv_entry {
    bool used;
    uint8_t klen, vlen;
    char key[KV_KEY_MAX];
    uint8_t val[KV_VAL_MAX];
} kv_entry_t;

typedef struct kv_store {
    kv_entry_t e[KV_ENTRIES];
    unsigned count; /* entries in use */
} kv_store_t;

/* A server over store (zero it first): the handlers of every KV_OP_*. */
rpc_server_t kv_server(kv_store_t *store);

#endif
