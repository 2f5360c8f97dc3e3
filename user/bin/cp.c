/* cp: copies SRC to DST, or each SRC into the directory DIR. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy(const char *src, const char *dst)
{
    char buf[8192];
    int in = open(src, O_RDONLY), out = -1, rc = 0;
    ssize_t n;
    if (in < 0 || (out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
        fprintf(stderr, "cp: %s: %s\n", in < 0 ? src : dst, strerror(errno));
        if (in >= 0)
            close(in);
        return 1;
    }
    while ((n = read(in, buf, sizeof(buf))) > 0)
        if (write(out, buf, (size_t)n) != n) {
            n = -1;
            break;
        }
    if (n < 0) {
        fprintf(stderr, "cp: %s: %s\n", src, strerror(errno));
        rc = 1;
    }
    close(in);
    close(out);
    return rc;
}

int main(int argc, char **argv)
{
    struct stat st;
    if (argc < 3) {
        fprintf(stderr, "usage: cp SRC DST | cp SRC... DIR\n");
        return 2;
    }
    const char *last = argv[argc - 1];
    int todir = stat(last, &st) == 0 && S_ISDIR(st.st_mode), rc = 0;
    if (argc > 3 && !todir) {
        fprintf(stderr, "cp: %s: not a directory\n", last);
        return 1;
    }
    for (int i = 1; i < argc - 1; i++) {
        char dst[1024];
        const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
        snprintf(dst, sizeof(dst), todir ? "%s/%s" : "%s", last, base);
        rc |= copy(argv[i], dst);
    }
    return rc;
}
