/* kill: ends each process PID (-SIGNAL or -s SIGNAL, default TERM; every signal ends it). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int i = 1, sig = SIGTERM, rc = 0;
    if (i < argc && argv[i][0] == '-' && argv[i][1] >= '0' && argv[i][1] <= '9')
        sig = atoi(argv[i++] + 1);
    else if (i < argc && strcmp(argv[i], "-KILL") == 0)
        sig = SIGKILL, i++;
    if (i >= argc || sig <= 0 || sig >= NSIG) {
        fprintf(stderr, "usage: kill [-SIGNAL] PID...\n");
        return 2;
    }
    for (; i < argc; i++) {
        char *end;
        long pid = strtol(argv[i], &end, 10);
        if (*end || pid <= 0) {
            fprintf(stderr, "kill: %s: not a pid\n", argv[i]);
            rc = 1;
        } else if (kill((pid_t)pid, sig) != 0) {
            fprintf(stderr, "kill: %ld: %s\n", pid, strerror(errno));
            rc = 1;
        }
    }
    return rc;
}
