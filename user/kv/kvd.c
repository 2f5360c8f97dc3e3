/* kvd: the key-value service (kv_proto.h). init starts it from /etc/services with an endpoint in
 * KV_SLOT_EP, which programs find by the name "kv" (the kv utility, /bin/kv); it serves one
 * store in memory until told to stop (RPC_OP_STOP). */
#include "user/kv/kv_server.h"
#include "xr.h"

#define IPCBUF_VA 0x0000000040000000ul

static kv_store_t store;

int main(uint64_t arg)
{
    (void)arg;
    long err = xr_map_anon(XR_SLOT_SELF, IPCBUF_VA, XR_MAP_WRITE);
    err = err ? err : xr_thread_set_ipcbuf(XR_SLOT_SELF_THREAD, IPCBUF_VA);
    if (err) {
        printf("kvd: no IPC buffer (error %ld)\n", err);
        return 1;
    }
    rpc_server_t s = kv_server(&store);
    err = rpc_ep_serve(KV_SLOT_EP, (xr_ipc_buffer_t *)IPCBUF_VA, &s);
    printf("kvd: stopped (%ld)\n", err);
    return err ? 1 : 0;
}
