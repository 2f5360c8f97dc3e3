/* sleep: waits SECONDS (a decimal number). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char *end = NULL;
    double s = argc == 2 ? strtod(argv[1], &end) : -1;
    if (argc != 2 || *end || s < 0) {
        fprintf(stderr, "usage: sleep SECONDS\n");
        return 2;
    }
    usleep((useconds_t)(s * 1000000));
    return 0;
}
