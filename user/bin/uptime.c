/* uptime: the time since boot and the number of processes and threads. */
#include <stdio.h>

#include "syscall.h"

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: uptime\n");
        return 2;
    }
    uint64_t s = xr_info(XR_INFO_TICKS) * xr_info(XR_INFO_TICK_US) / 1000000;
    printf("up %lu:%02lu:%02lu, %lu processes, %lu threads\n", (unsigned long)(s / 3600),
           (unsigned long)(s / 60 % 60), (unsigned long)(s % 60),
           (unsigned long)xr_info(XR_INFO_PROCESSES), (unsigned long)xr_info(XR_INFO_THREADS));
    return 0;
}
