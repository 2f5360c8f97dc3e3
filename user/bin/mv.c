/* mv: renames SRC to DST, or moves each SRC into the directory DIR. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    struct stat st;
    if (argc < 3) {
        fprintf(stderr, "usage: mv SRC DST | mv SRC... DIR\n");
        return 2;
    }
    const char *last = argv[argc - 1];
    int todir = stat(last, &st) == 0 && S_ISDIR(st.st_mode), rc = 0;
    if (argc > 3 && !todir) {
        fprintf(stderr, "mv: %s: not a directory\n", last);
        return 1;
    }
    for (int i = 1; i < argc - 1; i++) {
        char dst[1024];
        const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
        snprintf(dst, sizeof(dst), todir ? "%s/%s" : "%s", last, base);
        if (rename(argv[i], dst) != 0) {
            fprintf(stderr, "mv: %s: %s\n", argv[i], strerror(errno));
            rc = 1;
        }
    }
    return rc;
}
