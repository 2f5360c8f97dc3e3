/* tpdemo: a program written as a third party would write it (ISO C and POSIX only, no
 * x-realism header): stdio, stdlib, string, math, setjmp, time and dirent, with its own checks;
 * prints "tpdemo: all good" and exits 0 when each worked. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static jmp_buf where;

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

static void deep(int n)
{
    if (n < 0)
        return;
    if (n == 0)
        longjmp(where, 42);
    deep(n - 1);
}

int main(void)
{
    int bad = 0, v[100];
    srand(7);
    for (int i = 0; i < 100; i++)
        v[i] = rand() % 1000;
    qsort(v, 100, sizeof(int), cmp_int);
    for (int i = 1; i < 100; i++)
        bad += v[i - 1] > v[i];
    FILE *f = fopen("/tmp/tpdemo.txt", "w+");
    bad += f == NULL;
    if (f) {
        fprintf(f, "%d %.3f %s\n", 12345, sqrt(2.0), "words");
        rewind(f);
        int n = 0;
        double d = 0;
        char w[16] = "";
        bad += fscanf(f, "%d %lf %15s", &n, &d, w) != 3 || n != 12345 || fabs(d - 1.414) > 1e-9 ||
               strcmp(w, "words") != 0;
        fclose(f);
        remove("/tmp/tpdemo.txt");
    }
    int jumped = setjmp(where);
    if (jumped == 0)
        deep(20);
    bad += jumped != 42;
    DIR *d = opendir("/bin");
    int entries = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;)
        entries++;
    if (d)
        closedir(d);
    bad += entries < 10;
    time_t now = time(NULL);
    struct tm *tm = gmtime(&now);
    char when[32];
    bad += tm == NULL || strftime(when, sizeof(when), "%Y-%m-%d", tm) != 10;
    bad += fabs(pow(2.0, 10.0) - 1024.0) > 1e-12 || fabs(sin(0.0)) > 1e-12;
    char *s = malloc(1 << 20);
    bad += s == NULL;
    free(s);
    printf("tpdemo: %d entries in /bin, %s\n", entries, bad ? "FAILED" : "all good");
    return bad ? 1 : 0;
}
