/* sort: sorts the lines of each FILE (or standard input); -r reverses, -n compares numbers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int opt_r, opt_n;

static int cmp(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    int r;
    if (opt_n) {
        double dx = strtod(x, NULL), dy = strtod(y, NULL);
        r = dx < dy ? -1 : dx > dy ? 1 : strcmp(x, y);
    } else
        r = strcmp(x, y);
    return opt_r ? -r : r;
}

int main(int argc, char **argv)
{
    int i = 1, rc = 0;
    size_t n = 0, cap = 0;
    char **lines = NULL, buf[4096];
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
        for (const char *f = argv[i] + 1; *f; f++) {
            if (*f == 'r')
                opt_r = 1;
            else if (*f == 'n')
                opt_n = 1;
            else {
                fprintf(stderr, "usage: sort [-rn] [FILE...]\n");
                return 2;
            }
        }
    for (int k = i; k < argc || (k == i && i == argc); k++) {
        FILE *f = k < argc ? fopen(argv[k], "r") : stdin;
        if (f == NULL) {
            fprintf(stderr, "sort: %s: %s\n", argv[k], strerror(errno));
            rc = 1;
            continue;
        }
        while (fgets(buf, sizeof(buf), f)) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                lines = realloc(lines, cap * sizeof(char *));
            }
            size_t len = strlen(buf);
            if (len == 0 || buf[len - 1] != '\n')
                strcat(buf, "\n");
            lines[n++] = strdup(buf);
        }
        if (f != stdin)
            fclose(f);
    }
    qsort(lines, n, sizeof(char *), cmp);
    for (size_t k = 0; k < n; k++)
        fputs(lines[k], stdout);
    return rc;
}
