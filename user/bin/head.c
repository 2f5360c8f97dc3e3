/* head: prints the first N lines (-n N, default 10) of each FILE or standard input. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int i = 1, rc = 0;
    long n = 10;
    if (i + 1 < argc && strcmp(argv[i], "-n") == 0)
        n = strtol(argv[i + 1], NULL, 10), i += 2;
    else if (i < argc && argv[i][0] == '-' && argv[i][1] >= '0' && argv[i][1] <= '9')
        n = strtol(argv[i] + 1, NULL, 10), i++;
    if (n < 0 || (i < argc && argv[i][0] == '-' && argv[i][1])) {
        fprintf(stderr, "usage: head [-n N] [FILE...]\n");
        return 2;
    }
    for (int k = i; k < argc || (k == i && i == argc); k++) {
        FILE *f = k < argc ? fopen(argv[k], "r") : stdin;
        if (f == NULL) {
            fprintf(stderr, "head: %s: %s\n", argv[k], strerror(errno));
            rc = 1;
            continue;
        }
        if (argc - i > 1)
            printf("%s==> %s <==\n", k > i ? "\n" : "", argv[k]);
        int ch;
        for (long lines = 0; lines < n && (ch = getc(f)) != EOF;) {
            putchar(ch);
            lines += ch == '\n';
        }
        if (f != stdin)
            fclose(f);
    }
    return rc;
}
