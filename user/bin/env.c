/* env: prints the environment, or runs COMMAND with NAME=VALUE words added to it. */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && strchr(argv[i], '='); i++)
        putenv(argv[i]);
    if (i < argc && argv[i][0] == '-') {
        fprintf(stderr, "usage: env [NAME=VALUE...] [COMMAND [ARG...]]\n");
        return 2;
    }
    if (i == argc) {
        for (char **e = environ; *e; e++)
            puts(*e);
        return 0;
    }
    pid_t pid;
    int e = posix_spawnp(&pid, argv[i], NULL, NULL, &argv[i], environ), st = 0;
    if (e) {
        fprintf(stderr, "env: %s: %s\n", argv[i], strerror(e));
        return 127;
    }
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
