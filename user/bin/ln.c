/* ln: makes a hard link NEW to OLD; -s a symbolic link. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int sym = argc > 1 && strcmp(argv[1], "-s") == 0;
    if (argc != 3 + sym) {
        fprintf(stderr, "usage: ln [-s] OLD NEW\n");
        return 2;
    }
    const char *old = argv[1 + sym], *new_path = argv[2 + sym];
    if ((sym ? symlink(old, new_path) : link(old, new_path)) != 0) {
        fprintf(stderr, "ln: %s: %s\n", new_path, strerror(errno));
        return 1;
    }
    return 0;
}
