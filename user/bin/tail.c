/* tail: prints the last N lines (-n N, default 10) of a FILE or standard input. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int i = 1;
    long n = 10;
    if (i + 1 < argc && strcmp(argv[i], "-n") == 0)
        n = strtol(argv[i + 1], NULL, 10), i += 2;
    else if (i < argc && argv[i][0] == '-' && argv[i][1] >= '0' && argv[i][1] <= '9')
        n = strtol(argv[i] + 1, NULL, 10), i++;
    if (n < 0 || argc - i > 1 || n > 100000) {
        fprintf(stderr, "usage: tail [-n N] [FILE]\n");
        return 2;
    }
    FILE *f = i < argc ? fopen(argv[i], "r") : stdin;
    if (f == NULL) {
        fprintf(stderr, "tail: %s: %s\n", argv[i], strerror(errno));
        return 1;
    }
    char **ring = calloc((size_t)n + 1, sizeof(char *));
    char line[4096];
    long count = 0;
    while (ring && fgets(line, sizeof(line), f)) {
        free(ring[count % (n + 1)]);
        ring[count % (n + 1)] = strdup(line);
        count++;
    }
    for (long k = count > n ? count - n : 0; k < count; k++)
        fputs(ring[k % (n + 1)], stdout);
    return 0;
}
