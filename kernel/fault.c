/* User faults: a CPU exception in user mode goes to the thread's fault endpoint as a
 * message (ipc/endpoint.c), or, with none, is reported and ends the process. */
#include "ipc/ipc.h"
#include "kernel/log.h"
#include "kernel/process.h"
#include "sched/sched.h"

static const char *const fault_names[32] = {
    [0] = "divide error",         [1] = "debug",
    [3] = "breakpoint",           [4] = "overflow",
    [5] = "bound range",          [6] = "invalid opcode",
    [7] = "device not available", [12] = "stack fault",
    [13] = "general protection",  [14] = "page fault",
    [16] = "x87 error",           [17] = "alignment check",
    [19] = "SIMD error",
};

/* A CPU exception in user mode with no handler: report it and end the process. The
 * faulting thread never runs again (the caller switches away). */
void kernel_user_fault(unsigned vector, uint64_t error, uint64_t addr, uint64_t rip)
{
    process_t *p = process_current();
    if (ipc_send_fault(vector, error, addr, rip))
        return; /* the handler has replied "resume" by the time this returns */
    const char *name = vector < 32 && fault_names[vector] ? fault_names[vector] : "exception";
    log_warn("fault: process %s killed: %s (vector %u, error %lx) at rip %lx", p->name, name,
             vector, error, rip);
    if (vector == 14)
        log_warn(", address %lx", addr);
    log_warn("\n");
    process_terminate(p, XR_PROC_KILLED, vector);
}

arch_thread_t *kernel_current_arch(void)
{
    return &thread_current()->arch;
}
