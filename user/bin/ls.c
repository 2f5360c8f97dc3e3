/* ls: lists each DIR (or "."), sorted; a FILE is listed by itself. -l long format, -a dot files
 * too. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int opt_l, opt_a;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void show(const char *dir, const char *name)
{
    if (!opt_l) {
        puts(name);
        return;
    }
    char path[1024], mode[11] = "----------", target[256] = "";
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (lstat(dir ? path : name, &st) != 0) {
        printf("?????????? %s\n", name);
        return;
    }
    mode[0] = S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : '-';
    for (int i = 0; i < 9; i++)
        if (st.st_mode & (0400 >> i))
            mode[1 + i] = "rwx"[i % 3];
    if (S_ISLNK(st.st_mode)) {
        ssize_t n = readlink(dir ? path : name, target, sizeof(target) - 1);
        target[n > 0 ? n : 0] = 0;
    }
    printf("%s %2lu %8ld %s%s%s\n", mode, (unsigned long)st.st_nlink, (long)st.st_size, name,
           *target ? " -> " : "", target);
}

static int list(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "ls: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    size_t n = 0, cap = 64;
    char **names = malloc(cap * sizeof(char *));
    struct dirent *e;
    while (names && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' && !opt_a)
            continue;
        if (n == cap)
            names = realloc(names, (cap *= 2) * sizeof(char *));
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(char *), by_name);
    for (size_t i = 0; i < n; i++)
        show(dir, names[i]);
    return 0;
}

int main(int argc, char **argv)
{
    int i = 1, rc = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
        for (const char *f = argv[i] + 1; *f; f++) {
            if (*f == 'l')
                opt_l = 1;
            else if (*f == 'a')
                opt_a = 1;
            else {
                fprintf(stderr, "usage: ls [-la] [FILE...]\n");
                return 2;
            }
        }
    if (i == argc)
        return list(".");
    for (int k = i; k < argc; k++) {
        struct stat st;
        if (stat(argv[k], &st) != 0) {
            fprintf(stderr, "ls: %s: %s\n", argv[k], strerror(errno));
            rc = 1;
        } else if (S_ISDIR(st.st_mode)) {
            if (argc - i > 1)
                printf("%s%s:\n", k > i ? "\n" : "", argv[k]);
            rc |= list(argv[k]);
        } else
            show(NULL, argv[k]);
    }
    return rc;
}
