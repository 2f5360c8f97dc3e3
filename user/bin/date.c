/* date: the date and time in UTC, or with +FORMAT in strftime's format ("date +%s": Unix
 * seconds). The date comes from the CMOS clock at boot plus the time since (docs/libc.md). */
#include <stdio.h>
#include <time.h>

int main(int argc, char **argv)
{
    const char *format = "%a %b %e %H:%M:%S UTC %Y";
    if (argc > 2 || (argc == 2 && argv[1][0] != '+')) {
        fprintf(stderr, "usage: date [+FORMAT]\n");
        return 2;
    }
    if (argc == 2)
        format = argv[1] + 1;
    time_t now = time(NULL);
    struct tm *tm = gmtime(&now);
    char out[256];
    if (tm == NULL || (strftime(out, sizeof(out), format, tm) == 0 && format[0] != '\0')) {
        fprintf(stderr, "date: cannot format the date\n");
        return 1;
    }
    printf("%s\n", out);
    return 0;
}
