/* mkdir: makes each DIR; -p makes missing parents too and accepts existing ones. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int make(char *path, int parents)
{
    if (parents)
        for (char *p = path + 1; *p; p++)
            if (*p == '/') {
                *p = 0;
                if (mkdir(path, 0755) != 0 && errno != EEXIST)
                    return -1;
                *p = '/';
            }
    int r = mkdir(path, 0755);
    return r != 0 && parents && errno == EEXIST ? 0 : r;
}

int main(int argc, char **argv)
{
    int i = 1, parents = 0, rc = 0;
    if (argc > 1 && strcmp(argv[1], "-p") == 0)
        parents = 1, i = 2;
    if (i >= argc) {
        fprintf(stderr, "usage: mkdir [-p] DIR...\n");
        return 2;
    }
    for (; i < argc; i++)
        if (make(argv[i], parents) != 0) {
            fprintf(stderr, "mkdir: %s: %s\n", argv[i], strerror(errno));
            rc = 1;
        }
    return rc;
}
