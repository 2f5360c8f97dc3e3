/* df: sizes of the file systems ("/" and "/disk" when mounted), in KiB. */
#include <stdio.h>
#include <sys/stat.h>

#include "xr_libc.h"

static void show(const char *path)
{
    uint64_t s[5];
    if (xr_statfs(path, s) != 0)
        return;
    uint64_t k = s[0] / 1024;
    printf("%-8s %10lu %10lu %10lu %6lu %6lu\n", path, (unsigned long)(s[1] * k),
           (unsigned long)((s[1] - s[2]) * k), (unsigned long)(s[2] * k), (unsigned long)s[3],
           (unsigned long)s[4]);
}

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: df\n");
        return 2;
    }
    printf("%-8s %10s %10s %10s %6s %6s\n", "Mounted", "1K-blocks", "Used", "Available", "Inodes",
           "IFree");
    show("/");
    struct stat root, disk;
    if (stat("/", &root) == 0 && stat("/disk", &disk) == 0 && disk.st_dev != root.st_dev)
        show("/disk");
    return 0;
}
