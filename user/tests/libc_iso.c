/* The C library's checks in plain ISO C (no x-realism header): stdio, stdlib, string, ctype,
 * math, setjmp, time, errno, arguments; one "ok libc/NAME" or "not ok libc/NAME REASON" line
 * each, then "N passed, N failed"; exit status 0 when all passed. libc_threads.c adds the
 * thread checks, which need the native API. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* libc_threads.c: NULL when two threads used malloc, printf and errno without harm, else why. */
const char *libc_check_threads(void);
/* libc_threads.c: whether its constructor ran before main. */
int libc_constructor_ran(void);

static int passed, failed;

/* Prints the line of check name: why is NULL when it passed. */
static void report(const char *name, const char *why)
{
    if (why == NULL) {
        printf("ok libc/%s\n", name);
        passed++;
    } else {
        printf("not ok libc/%s %s\n", name, why);
        failed++;
    }
}

#define EXPECT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return #cond;                                                                          \
    } while (0)

static int argc_seen;
static char **argv_seen;

static const char *check_args(void)
{
    EXPECT(argc_seen == 3);
    EXPECT(strcmp(argv_seen[0], "libc_iso") == 0);
    EXPECT(strcmp(argv_seen[1], "alpha") == 0);
    EXPECT(strcmp(argv_seen[2], "beta gamma") == 0);
    EXPECT(argv_seen[3] == NULL);
    EXPECT(getenv("XR_TEST") != NULL && strcmp(getenv("XR_TEST"), "libc") == 0);
    EXPECT(getenv("XR_NOT_SET") == NULL);
    return NULL;
}

static const char *check_printf_integers(void)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%d %ld %lld %x %s", -42, 1234567890123L, LLONG_MIN, 0xbeefu, "str");
    EXPECT(strcmp(buf, "-42 1234567890123 -9223372036854775808 beef str") == 0);
    snprintf(buf, sizeof(buf), "%llu|%5d|%-5d|%+d|%o|%c|%%|%08.3f", ULLONG_MAX, 7, 7, 7, 8u, 'z',
             -3.14159);
    EXPECT(strcmp(buf, "18446744073709551615|    7|7    |+7|10|z|%|-003.142") == 0);
    snprintf(buf, sizeof(buf), "%zu %jd %hhx", sizeof(int), (intmax_t)-5, (unsigned char)0xff);
    EXPECT(strcmp(buf, "4 -5 ff") == 0);
    return NULL;
}

static const char *check_printf_floats(void)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%f %e %g %g %.10g", 3.14159, 1234.5, 0.0001, 1e20, 1.0 / 3);
    EXPECT(strcmp(buf, "3.141590 1.234500e+03 0.0001 1e+20 0.3333333333") == 0);
    snprintf(buf, sizeof(buf), "%.2f %.0f %Lf", 2.675, 0.5, 1.5L);
    EXPECT(strcmp(buf, "2.67 0 1.500000") == 0 || strcmp(buf, "2.68 0 1.500000") == 0);
    return NULL;
}

static const char *check_snprintf_truncates(void)
{
    char buf[8];
    volatile size_t size = sizeof(buf); /* hides the truncation from GCC's warning */
    int n = snprintf(buf, size, "%s-%d", "abcdef", 12345);
    EXPECT(n == 12);
    EXPECT(strcmp(buf, "abcdef-") == 0);
    EXPECT(snprintf(NULL, 0, "%d", 100000) == 6);
    return NULL;
}

static const char *check_sscanf(void)
{
    int a = 0, b = 0;
    unsigned x = 0;
    double d = 0;
    char word[16] = "";
    int n = sscanf("42 -7 3.5 ff word", "%d %d %lf %x %15s", &a, &b, &d, &x, word);
    EXPECT(n == 5);
    EXPECT(a == 42 && b == -7 && d == 3.5 && x == 0xff);
    EXPECT(strcmp(word, "word") == 0);
    long long big = 0;
    EXPECT(sscanf("-9000000000", "%lld", &big) == 1 && big == -9000000000LL);
    return NULL;
}

static const char *check_stdio_streams(void)
{
    EXPECT(printf("libc: printf to stdout\n") == 23);
    EXPECT(fprintf(stderr, "libc: fprintf to stderr\n") == 24);
    EXPECT(fputs("libc: fputs to stdout\n", stdout) >= 0);
    EXPECT(fflush(stdout) == 0);
    errno = 0;
    EXPECT(fopen("/no/file/server/yet", "r") == NULL);
    EXPECT(errno != 0);
    return NULL;
}

/* The byte pattern block i is filled with. */
static unsigned char pattern(size_t i, size_t j)
{
    return (unsigned char)(i * 31 + j * 7);
}

static const char *check_malloc_sizes(void)
{
    enum { N = 300 };
    static unsigned char *p[N];
    static size_t size[N];
    for (size_t i = 0; i < N; i++) {
        size[i] = i % 50 == 49 ? 100000 + i : (i * 37) % 3000 + 1;
        p[i] = malloc(size[i]);
        EXPECT(p[i] != NULL);
        for (size_t j = 0; j < size[i]; j++)
            p[i][j] = pattern(i, j);
    }
    for (size_t i = 0; i < N; i += 2) /* free every other one, then check the rest */
        free(p[i]);
    for (size_t i = 1; i < N; i += 2)
        for (size_t j = 0; j < size[i]; j++)
            EXPECT(p[i][j] == pattern(i, j));
    for (size_t i = 1; i < N; i += 2)
        free(p[i]);
    unsigned char *big = malloc(1u << 20);
    EXPECT(big != NULL);
    memset(big, 0x5a, 1u << 20);
    EXPECT(big[0] == 0x5a && big[(1u << 20) - 1] == 0x5a);
    free(big);
    return NULL;
}

static const char *check_realloc_calloc(void)
{
    char *s = malloc(4);
    EXPECT(s != NULL);
    memcpy(s, "abc", 4);
    for (size_t n = 8; n <= 65536; n *= 2) {
        s = realloc(s, n);
        EXPECT(s != NULL && strcmp(s, "abc") == 0);
    }
    s = realloc(s, 2);
    EXPECT(s != NULL && s[0] == 'a' && s[1] == 'b');
    free(s);
    int *z = calloc(1000, sizeof(int));
    EXPECT(z != NULL);
    for (int i = 0; i < 1000; i++)
        EXPECT(z[i] == 0);
    free(z);
    errno = 0;
    void *volatile huge = malloc((size_t)1 << 40); /* volatile: clang may drop an unused malloc */
    EXPECT(huge == NULL && errno == ENOMEM);
    return NULL;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static const char *check_qsort_bsearch(void)
{
    enum { N = 1000 };
    static int v[N];
    srand(12345);
    for (int i = 0; i < N; i++)
        v[i] = rand() % 100000;
    v[500] = 77777;
    qsort(v, N, sizeof(int), cmp_int);
    for (int i = 1; i < N; i++)
        EXPECT(v[i - 1] <= v[i]);
    int key = 77777;
    int *hit = bsearch(&key, v, N, sizeof(int), cmp_int);
    EXPECT(hit != NULL && *hit == 77777);
    key = -1;
    EXPECT(bsearch(&key, v, N, sizeof(int), cmp_int) == NULL);
    return NULL;
}

static const char *check_strtol_strtod(void)
{
    char *end;
    EXPECT(strtol("  -1234xyz", &end, 10) == -1234 && strcmp(end, "xyz") == 0);
    EXPECT(strtol("0x7f", NULL, 16) == 127 && strtol("777", NULL, 8) == 511);
    EXPECT(strtoul("4294967295", NULL, 10) == 4294967295UL);
    EXPECT(strtoll("-9223372036854775807", NULL, 10) == -9223372036854775807LL);
    EXPECT(strtod("2.5e3", &end) == 2500.0 && *end == '\0');
    EXPECT(fabs(strtod("-0.125", NULL) + 0.125) < 1e-15);
    EXPECT(atoi("  99 bottles") == 99 && atol("-5") == -5);
    EXPECT(abs(-3) == 3 && labs(-4L) == 4 && llabs(-5LL) == 5);
    div_t q = div(17, 5);
    EXPECT(q.quot == 3 && q.rem == 2);
    return NULL;
}

static const char *check_errno(void)
{
    errno = 0;
    EXPECT(strtol("99999999999999999999999", NULL, 10) == LONG_MAX);
    EXPECT(errno == ERANGE);
    errno = 0;
    EXPECT(strtol("12", NULL, 10) == 12 && errno == 0);
    EXPECT(strerror(ERANGE) != NULL && strlen(strerror(ERANGE)) > 0);
    return NULL;
}

static const char *check_string(void)
{
    char buf[32];
    EXPECT(strlen("hello") == 5 && strcmp("abc", "abd") < 0 && strncmp("abcx", "abcy", 3) == 0);
    strcpy(buf, "foo");
    strcat(buf, "bar");
    EXPECT(strcmp(buf, "foobar") == 0);
    EXPECT(strchr(buf, 'o') == buf + 1 && strrchr(buf, 'o') == buf + 2);
    EXPECT(strstr(buf, "ba") == buf + 3 && strstr(buf, "zz") == NULL);
    memmove(buf + 1, buf, 6); /* overlapping */
    EXPECT(memcmp(buf, "ffoobar", 7) == 0);
    memset(buf, 'x', 4);
    EXPECT(memcmp(buf, "xxxxbar", 7) == 0);
    strncpy(buf, "ab", 5);
    EXPECT(buf[0] == 'a' && buf[2] == '\0' && buf[4] == '\0');
    char toks[] = "a,b,,c";
    int n = 0;
    for (char *t = strtok(toks, ","); t != NULL; t = strtok(NULL, ","))
        n++;
    EXPECT(n == 3);
    EXPECT(strspn("aabbc", "ab") == 4 && strcspn("xyz1", "0123456789") == 3);
    return NULL;
}

static const char *check_ctype(void)
{
    EXPECT(isalpha('a') && isalpha('Z') && !isalpha('1'));
    EXPECT(isdigit('7') && !isdigit('x') && isxdigit('f') && !isxdigit('g'));
    EXPECT(isspace(' ') && isspace('\n') && !isspace('a'));
    EXPECT(toupper('q') == 'Q' && tolower('Q') == 'q' && toupper('1') == '1');
    EXPECT(ispunct('!') && isupper('A') && islower('a') && isalnum('5') && !isprint('\n'));
    return NULL;
}

static int close_to(double a, double b)
{
    return fabs(a - b) <= 1e-12 * (fabs(b) > 1 ? fabs(b) : 1);
}

static const char *check_math(void)
{
    const double pi = 3.14159265358979323846;
    EXPECT(close_to(sqrt(2.0), 1.41421356237309504880));
    EXPECT(close_to(sin(pi / 6), 0.5) && close_to(cos(0.0), 1.0));
    EXPECT(close_to(exp(1.0), 2.71828182845904523536) && close_to(log(exp(2.0)), 2.0));
    EXPECT(pow(2.0, 10.0) == 1024.0 && close_to(pow(9.0, 0.5), 3.0));
    EXPECT(floor(-2.5) == -3.0 && ceil(-2.5) == -2.0 && round(2.5) == 3.0);
    EXPECT(fmod(10.0, 3.0) == 1.0 && close_to(fmod(-7.5, 2.0), -1.5));
    EXPECT(close_to(atan2(1.0, 1.0), pi / 4) && close_to(tan(pi / 4), 1.0));
    EXPECT(isnan(sqrt(-1.0)) && isinf(1.0 / 0.0 * 1.0) && fabs(-0.0) == 0.0);
    EXPECT(close_to((double)sqrtf(16.0f), 4.0));
    return NULL;
}

static jmp_buf jump;

static void jump_back(int depth);
static void (*volatile jump_next)(int) = jump_back; /* through a pointer: GCC takes a direct
                                                       call here for endless recursion */

/* Goes depth frames deeper, then jumps back to the setjmp. */
static void jump_back(int depth)
{
    if (depth == 0)
        longjmp(jump, 7);
    jump_next(depth - 1);
}

static const char *check_setjmp(void)
{
    volatile int kept = 1;
    int r = setjmp(jump);
    if (r == 0) {
        kept = 2;
        jump_back(10);
        return "longjmp returned";
    }
    EXPECT(r == 7 && kept == 2);
    /* Not checked: longjmp(env, 0) should make setjmp return 1, but newlib 3.3's x86_64 longjmp
     * returns 0 (docs/libc.md). */
    return NULL;
}

static const char *check_time(void)
{
    time_t t = time(NULL);
    EXPECT(t != (time_t)-1);
    clock_t c0 = clock();
    EXPECT(c0 != (clock_t)-1);
    clock_t c1 = c0;
    for (long i = 0; i < 5000000 && c1 == c0; i++)
        c1 = clock();
    EXPECT(c1 > c0);
    time_t year = 365 * 86400;
    struct tm *tm = gmtime(&year);
    EXPECT(tm != NULL && tm->tm_year == 71 && tm->tm_mon == 0 && tm->tm_mday == 1);
    char buf[32];
    EXPECT(strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", tm) == 19);
    EXPECT(strcmp(buf, "1971-01-01 00:00:00") == 0);
    return NULL;
}

static const char *check_constructor(void)
{
    EXPECT(libc_constructor_ran());
    return NULL;
}

int main(int argc, char **argv)
{
    argc_seen = argc;
    argv_seen = argv;
    printf("libc: newlib %s test, %d arguments\n", _NEWLIB_VERSION, argc);
    report("args_and_environment", check_args());
    report("printf_integers", check_printf_integers());
    report("printf_floats", check_printf_floats());
    report("snprintf_truncates", check_snprintf_truncates());
    report("sscanf", check_sscanf());
    report("stdio_streams", check_stdio_streams());
    report("malloc_sizes", check_malloc_sizes());
    report("realloc_calloc", check_realloc_calloc());
    report("qsort_bsearch", check_qsort_bsearch());
    report("strtol_strtod", check_strtol_strtod());
    report("errno", check_errno());
    report("string", check_string());
    report("ctype", check_ctype());
    report("math", check_math());
    report("setjmp_longjmp", check_setjmp());
    report("time_clock", check_time());
    report("constructor", check_constructor());
    report("threads_malloc_printf_errno", libc_check_threads());
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
