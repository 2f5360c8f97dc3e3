/* wc: counts lines, words and bytes of each FILE or standard input; -l, -w, -c pick columns. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int show_l, show_w, show_c;

static void print(long l, long w, long c, const char *name)
{
    if (show_l)
        printf("%ld%s", l, show_w || show_c ? " " : "");
    if (show_w)
        printf("%ld%s", w, show_c ? " " : "");
    if (show_c)
        printf("%ld", c);
    printf("%s%s\n", name ? " " : "", name ? name : "");
}

int main(int argc, char **argv)
{
    int i = 1, rc = 0, files = 0;
    long tl = 0, tw = 0, tc = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
        for (const char *f = argv[i] + 1; *f; f++) {
            if (*f == 'l')
                show_l = 1;
            else if (*f == 'w')
                show_w = 1;
            else if (*f == 'c')
                show_c = 1;
            else {
                fprintf(stderr, "usage: wc [-lwc] [FILE...]\n");
                return 2;
            }
        }
    if (!show_l && !show_w && !show_c)
        show_l = show_w = show_c = 1;
    for (int k = i; k < argc || (k == i && i == argc); k++) {
        FILE *f = k < argc ? fopen(argv[k], "r") : stdin;
        if (f == NULL) {
            fprintf(stderr, "wc: %s: %s\n", argv[k], strerror(errno));
            rc = 1;
            continue;
        }
        long l = 0, w = 0, c = 0;
        int ch, inword = 0;
        while ((ch = getc(f)) != EOF) {
            c++;
            l += ch == '\n';
            if (isspace(ch))
                inword = 0;
            else if (!inword)
                inword = 1, w++;
        }
        print(l, w, c, k < argc ? argv[k] : NULL);
        tl += l, tw += w, tc += c, files++;
        if (f != stdin)
            fclose(f);
    }
    if (files > 1)
        print(tl, tw, tc, "total");
    return rc;
}
