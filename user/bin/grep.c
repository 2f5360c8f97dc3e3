/* grep: prints the lines of each FILE (or standard input) that match PATTERN, a small regular
 * expression: literal characters, '.', '*' after one, '^' and '$' anchors, [set] and [^set]; -F
 * takes it literally, -v inverts, -c counts, -i ignores case, -n numbers lines. Exit status 0
 * when a line matched, 1 when none did, 2 on an error. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int opt_v, opt_c, opt_i, opt_n, opt_f;

static int same(char p, char c)
{
    return opt_i ? tolower((unsigned char)p) == tolower((unsigned char)c) : p == c;
}

/* Does one pattern atom at p (of length *len) match c? */
static int atom(const char *p, int *len, char c)
{
    if (*p == '[') {
        const char *q = p + 1;
        int neg = *q == '^', hit = 0;
        q += neg;
        do {
            if (q[1] == '-' && q[2] && q[2] != ']') {
                hit |= c >= q[0] && c <= q[2];
                q += 3;
            } else
                hit |= same(*q++, c);
        } while (*q && *q != ']');
        *len = (int)(q - p) + (*q == ']');
        return c && hit != neg;
    }
    *len = *p == '\\' && p[1] ? 2 : 1;
    if (*p == '\\' && p[1])
        return same(p[1], c);
    return c && (*p == '.' || same(*p, c));
}

static int match_here(const char *p, const char *s)
{
    if (*p == 0)
        return 1;
    if (*p == '$' && p[1] == 0)
        return *s == 0 || *s == '\n';
    int len;
    atom(p, &len, 'x');
    if (p[len] == '*') {
        const char *t = s;
        do {
            if (match_here(p + len + 1, t))
                return 1;
        } while (*t && atom(p, &len, *t++));
        return 0;
    }
    return *s && atom(p, &len, *s) && match_here(p + len, s + 1);
}

static int matches(const char *pat, const char *s)
{
    if (opt_f) {
        size_t n = strlen(pat);
        for (; *s; s++)
            if (opt_i ? strncasecmp(s, pat, n) == 0 : strncmp(s, pat, n) == 0)
                return 1;
        return n == 0;
    }
    if (*pat == '^')
        return match_here(pat + 1, s);
    do {
        if (match_here(pat, s))
            return 1;
    } while (*s++);
    return 0;
}

int main(int argc, char **argv)
{
    int i = 1, found = 0, err = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
        for (const char *f = argv[i] + 1; *f; f++) {
            int *o = *f == 'v'   ? &opt_v
                     : *f == 'c' ? &opt_c
                     : *f == 'i' ? &opt_i
                     : *f == 'n' ? &opt_n
                     : *f == 'F' ? &opt_f
                                 : NULL;
            if (o == NULL) {
                fprintf(stderr, "usage: grep [-vcinF] PATTERN [FILE...]\n");
                return 2;
            }
            *o = 1;
        }
    if (i >= argc) {
        fprintf(stderr, "usage: grep [-vcinF] PATTERN [FILE...]\n");
        return 2;
    }
    const char *pat = argv[i++];
    int files = argc - i;
    for (int k = i; k < argc || (k == i && i == argc); k++) {
        FILE *f = k < argc ? fopen(argv[k], "r") : stdin;
        if (f == NULL) {
            fprintf(stderr, "grep: %s: %s\n", argv[k], strerror(errno));
            err = 1;
            continue;
        }
        char line[4096];
        long count = 0, no = 0;
        while (fgets(line, sizeof(line), f)) {
            no++;
            if (matches(pat, line) == opt_v)
                continue;
            count++;
            if (opt_c)
                continue;
            if (files > 1)
                printf("%s:", argv[k]);
            if (opt_n)
                printf("%ld:", no);
            fputs(line, stdout);
            if (!strchr(line, '\n'))
                putchar('\n');
        }
        if (opt_c && files > 1)
            printf("%s:", argv[k]);
        if (opt_c)
            printf("%ld\n", count);
        found |= count > 0;
        if (f != stdin)
            fclose(f);
    }
    return err ? 2 : found ? 0 : 1;
}
