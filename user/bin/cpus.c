/* cpus: each core's ticks, busy share and thread switches since boot (per-core accounting,
 * docs/smp.md). The counters answer for the caller's core, so cpus moves itself to each core in
 * turn. */
#include <stdio.h>

#include "syscall.h"

/* Moves the calling thread to cpu; true once it runs there. */
static int move_to(unsigned cpu)
{
    if (xr_thread_set_affinity(XR_SLOT_SELF_THREAD, cpu) != XR_OK)
        return 0;
    for (int i = 0; i < 1000 && xr_info(XR_INFO_CPU) != cpu; i++)
        xr_yield();
    return xr_info(XR_INFO_CPU) == cpu;
}

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: cpus\n");
        return 2;
    }
    unsigned n = (unsigned)xr_info(XR_INFO_CPUS);
    int status = 0;
    for (unsigned c = 0; c < n; c++) {
        if (!move_to(c)) {
            fprintf(stderr, "cpus: cannot run on cpu%u\n", c);
            status = 1;
            continue;
        }
        uint64_t ticks = xr_info(XR_INFO_CPU_TICKS), busy = xr_info(XR_INFO_CPU_BUSY_TICKS);
        uint64_t sw = xr_info(XR_INFO_CPU_SWITCHES);
        printf("cpu%u: %lu ticks, %lu%% busy, %lu switches\n", c, (unsigned long)ticks,
               (unsigned long)(ticks ? busy * 100 / ticks : 0), (unsigned long)sw);
    }
    xr_thread_set_affinity(XR_SLOT_SELF_THREAD, XR_CPU_ANY);
    return status;
}
