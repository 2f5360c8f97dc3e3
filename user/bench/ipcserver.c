/* ipcserver: the server of ipcbench's cross-address-space cases (server.c), in a process of
 * its own. ipcbench spawns it from the "ipcserver" boot module (whose memory cap init gives
 * ipcbench) below its own priority, maps and registers its IPC buffer at BENCH_IPCBUF_VA, gives
 * it the endpoint in BENCH_SERVER_SLOT_EP, and only then raises it to its own priority, so all
 * of that is done before the server first runs. The server ends when ipcbench deletes the
 * endpoint: exit code 0 for that, 1 for any other end. */
#include "server.h"

int main(uint64_t arg)
{
    (void)arg;
    long err = bench_server(BENCH_SERVER_SLOT_EP, (xr_ipc_buffer_t *)BENCH_IPCBUF_VA);
    return err == XR_EDEAD ? 0 : 1;
}
