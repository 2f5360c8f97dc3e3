/* sync: writes every dirty block of every file system to its device. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: sync\n");
        return 2;
    }
    sync();
    return 0;
}
