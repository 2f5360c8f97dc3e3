/* free: physical memory free (all pools) and this process's quota, in KiB. */
#include <stdio.h>

#include "syscall.h"

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: free\n");
        return 2;
    }
    printf("%-8s %10s %10s\n", "", "KiB", "frames");
    uint64_t f = xr_info(XR_INFO_FRAMES_FREE);
    printf("%-8s %10lu %10lu\n", "free", (unsigned long)(f * 4), (unsigned long)f);
    uint64_t used = xr_info(XR_INFO_QUOTA_USED), lim = xr_info(XR_INFO_QUOTA_LIMIT);
    printf("%-8s %10lu %10lu (of %lu: this process)\n", "quota", (unsigned long)(used * 4),
           (unsigned long)used, (unsigned long)lim);
    printf("%-8s %10lu %10lu\n", "kernel", (unsigned long)(xr_info(XR_INFO_KERNEL_CACHED) * 4),
           (unsigned long)xr_info(XR_INFO_KERNEL_CACHED));
    return 0;
}
