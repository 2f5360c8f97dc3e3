/* kv: the key-value service's client (kv_proto.h), for the shell:
 *   kv put KEY VALUE | kv get KEY | kv del KEY | kv count | kv list
 * It finds the service by its name through init (xr_lookup). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rpc.h"
#include "user/kv/kv_proto.h"
#include "xr_libc.h"

#define KV_SLOT   120                  /* the service's endpoint, once looked up */
#define IPCBUF_VA 0x00005e0000000000ul /* the C library's page for the main thread, if mapped */

static xr_ipc_buffer_t *ipcbuf(void)
{
    long err = xr_map_anon(XR_SLOT_SELF, IPCBUF_VA, XR_MAP_WRITE);
    if (err && err != XR_EEXIST)
        return NULL;
    return xr_thread_set_ipcbuf(XR_SLOT_SELF_THREAD, IPCBUF_VA) ? NULL : (void *)IPCBUF_VA;
}

static int usage(void)
{
    fprintf(stderr, "usage: kv put KEY VALUE | get KEY | del KEY | count | list\n");
    return 2;
}

/* One call; on an error prints it and returns 1. */
static int call(xr_ipc_buffer_t *buf, uint32_t op, const void *req, size_t len, void *resp,
                size_t cap, size_t *got, const char *what)
{
    long err = rpc_ep_call(KV_SLOT, buf, op, req, len, resp, cap, got);
    if (err == XR_OK)
        return 0;
    fprintf(stderr, "kv: %s: %s\n", what,
            err == XR_ENOENT   ? "no such key"
            : err == XR_ERANGE ? "too long"
                               : "refused");
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    const char *cmd = argv[1];
    int want = strcmp(cmd, "put") == 0                                 ? 4
               : strcmp(cmd, "count") == 0 || strcmp(cmd, "list") == 0 ? 2
                                                                       : 3;
    if (argc != want)
        return usage();
    xr_ipc_buffer_t *buf = ipcbuf();
    if (!buf || xr_lookup(KV_NAME, KV_SLOT) != 0) {
        fprintf(stderr, "kv: no key-value service (%s)\n", buf ? strerror(errno) : "no IPC buffer");
        return 1;
    }
    uint8_t req[RPC_EP_MAX], resp[RPC_EP_MAX];
    size_t got = 0, klen = argc > 2 ? strlen(argv[2]) : 0;
    if (klen > KV_KEY_MAX) {
        fprintf(stderr, "kv: %s: the key is longer than %d bytes\n", argv[2], KV_KEY_MAX);
        return 1;
    }
    if (strcmp(cmd, "put") == 0) {
        size_t vlen = strlen(argv[3]);
        if (vlen > KV_VAL_MAX) {
            fprintf(stderr, "kv: the value is longer than %d bytes\n", KV_VAL_MAX);
            return 1;
        }
        req[0] = (uint8_t)klen;
        memcpy(req + 1, argv[2], klen);
        memcpy(req + 1 + klen, argv[3], vlen);
        return call(buf, KV_OP_PUT, req, 1 + klen + vlen, resp, sizeof(resp), &got, argv[2]);
    }
    if (strcmp(cmd, "get") == 0) {
        if (call(buf, KV_OP_GET, argv[2], klen, resp, sizeof(resp), &got, argv[2]))
            return 1;
        printf("%.*s\n", (int)got, (const char *)resp);
        return 0;
    }
    if (strcmp(cmd, "del") == 0)
        return call(buf, KV_OP_DEL, argv[2], klen, resp, sizeof(resp), &got, argv[2]);
    if (strcmp(cmd, "count") == 0) {
        uint32_t n = 0;
        if (call(buf, KV_OP_COUNT, NULL, 0, &n, sizeof(n), &got, "count"))
            return 1;
        printf("%u\n", (unsigned)n);
        return 0;
    }
    if (strcmp(cmd, "list") == 0) {
        for (uint32_t i = 0;; i++) {
            long err =
                rpc_ep_call(KV_SLOT, buf, KV_OP_KEY, &i, sizeof(i), resp, sizeof(resp), &got);
            if (err == XR_ENOENT)
                return 0;
            if (err)
                return call(buf, KV_OP_KEY, &i, sizeof(i), resp, sizeof(resp), &got, "list");
            printf("%.*s\n", (int)got, (const char *)resp);
        }
    }
    return usage();
}
