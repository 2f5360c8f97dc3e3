/* rm: removes each FILE; -r removes directories and what they hold; -f ignores missing files. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int force;

static int rm(const char *path, int recursive)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (force && errno == ENOENT)
            return 0;
        fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (unlink(path) == 0)
            return 0;
        fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (!recursive) {
        fprintf(stderr, "rm: %s: is a directory\n", path);
        return 1;
    }
    int rc = 0;
    for (;;) { /* list a batch, remove it, list again: removing while reading is not safe */
        DIR *d = opendir(path);
        char names[32][256];
        int n = 0;
        struct dirent *e;
        while (d && n < 32 && (e = readdir(d)) != NULL)
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                snprintf(names[n++], sizeof(names[0]), "%s", e->d_name);
        if (d)
            closedir(d);
        for (int i = 0; i < n; i++) {
            char sub[1024];
            if (snprintf(sub, sizeof(sub), "%s/%s", path, names[i]) >= (int)sizeof(sub) ||
                rm(sub, 1))
                return 1;
        }
        if (n < 32)
            break;
    }
    if (rmdir(path) != 0) {
        fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
        rc = 1;
    }
    return rc;
}

int main(int argc, char **argv)
{
    int i = 1, recursive = 0, rc = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
        for (const char *f = argv[i] + 1; *f; f++) {
            if (*f == 'r' || *f == 'R')
                recursive = 1;
            else if (*f == 'f')
                force = 1;
            else {
                fprintf(stderr, "usage: rm [-rf] FILE...\n");
                return 2;
            }
        }
    if (i >= argc) {
        fprintf(stderr, "usage: rm [-rf] FILE...\n");
        return 2;
    }
    for (; i < argc; i++)
        rc |= rm(argv[i], recursive);
    return rc;
}
