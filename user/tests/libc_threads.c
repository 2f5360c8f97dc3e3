/* The C library's thread checks, which need the native API: two threads made with
 * xr_libc_thread_start use malloc, printf and errno at the same time; and a constructor. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscall.h"
#include "xr_libc.h"

#define THREAD_SLOT 40 /* cap slots for the two threads: 40, 41 */
#define ROUNDS      300

struct worker {
    int n;
    const char *why; /* NULL while all is well */
};

static int constructed;

__attribute__((constructor)) static void mark_constructed(void)
{
    constructed = 1;
}

int libc_constructor_ran(void)
{
    return constructed;
}

/* Allocates, fills, yields, checks and frees blocks; keeps its own errno value across yields
 * (the other thread sets another); prints a line now and then. */
static void work(void *arg)
{
    struct worker *w = arg;
    int my_errno = 1000 + w->n;
    for (int i = 0; i < ROUNDS && w->why == NULL; i++) {
        size_t n = (size_t)(i * 53 + w->n * 17) % 4000 + 1;
        unsigned char *p = malloc(n);
        if (p == NULL) {
            w->why = "malloc failed";
            break;
        }
        memset(p, w->n, n);
        errno = my_errno;
        if (i % 7 == 0)
            xr_yield();
        if (i % 60 == 0)
            printf("libc: thread %d round %d\n", w->n, i);
        if (errno != my_errno)
            w->why = "errno changed under a thread";
        for (size_t j = 0; j < n; j++)
            if (p[j] != w->n)
                w->why = "a block changed under a thread";
        free(p);
    }
}

const char *libc_check_threads(void)
{
    static struct worker w[2] = {{.n = 1}, {.n = 2}};
    int id[2];
    errno = 77;
    for (int i = 0; i < 2; i++)
        if (xr_libc_thread_start(THREAD_SLOT + i, work, &w[i], &id[i]) != 0)
            return "xr_libc_thread_start failed";
    for (int i = 0; i < 2; i++)
        if (xr_libc_thread_join(id[i]) != 0)
            return "xr_libc_thread_join failed";
    for (int i = 0; i < 2; i++)
        if (w[i].why != NULL)
            return w[i].why;
    if (errno != 77)
        return "the main thread's errno changed";
    return NULL;
}
