/* ps: lists the processes init knows (services and the programs started since). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xr_libc.h"

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: ps\n");
        return 2;
    }
    printf("  PID  PPID S NAME\n");
    xr_ps_t p;
    int i = 0;
    for (; xr_ps(i, &p) == 0; i++)
        printf("%5d %5d %c %s\n", p.pid, p.ppid, p.state, p.name);
    if (i == 0) {
        fprintf(stderr, "ps: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}
