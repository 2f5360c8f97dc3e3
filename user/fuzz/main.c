/* The fuzz program's entry: picks the role main's argument names (fuzz.h), and the call
 * names the supervisor's report uses. */
#include "fuzz.h"

const char *const fz_call_names[XR_SYS_COUNT] = {
    "null",
    "debug_write",
    "exit",
    "yield",
    "sleep",
    "info",
    "cap_copy",
    "cap_move",
    "cap_delete",
    "cap_revoke",
    "cap_identify",
    "process_create",
    "process_status",
    "process_kill",
    "process_give_cap",
    "map_anon",
    "map_memory",
    "unmap",
    "protect",
    "mem_write",
    "thread_create",
    "thread_set_regs",
    "thread_set_prio",
    "thread_set_affinity",
    "thread_start",
    "thread_status",
    "ioport_in",
    "ioport_out",
    "thread_exit",
    "send",
    "nbsend",
    "recv",
    "poll",
    "call",
    "reply",
    "reply_recv",
    "endpoint_create",
    "notify_create",
    "signal",
    "wait",
    "notify_poll",
    "notify_bind",
    "thread_set_ipcbuf",
    "thread_set_fault",
    "memory_create",
    "irq_bind",
    "process_watch",
};

int main(uint64_t arg)
{
    if ((arg & FZ_ARG_MASK) != FZ_ARG_MAGIC)
        return 0x7f; /* started by a random call, not by the fuzzer */
    switch (arg & 0xff) {
    case FZ_MODE_SUPERVISOR:
        return fz_supervisor((arg & ~FZ_ARG_MASK) >> 8);
    case FZ_MODE_WORKER:
        return fz_worker();
    case FZ_MODE_AGENT:
        return fz_agent(arg);
    case FZ_MODE_SUICIDE:
        return fz_suicide();
    default:
        return 0x7e;
    }
}
