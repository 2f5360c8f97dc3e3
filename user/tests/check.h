/* The checks of the C-library test programs (posix.c, fskill.c): a test is a function that
 * leaves early through CHECK with `why` set; run prints its line ("ok PREFIX/NAME" or "not ok
 * PREFIX/NAME why (errno N)") and counts it. Define CHECK_PREFIX (a string) before including. */
#ifndef XR_USER_TESTS_CHECK_H
#define XR_USER_TESTS_CHECK_H

#include <errno.h>
#include <stdio.h>

static int passed, failed;
static const char *why;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            why = #c;                                                                              \
            return;                                                                                \
        }                                                                                          \
    } while (0)
#define FAILS_WITH(call, e) CHECK((call) == -1 && errno == (e))

static void run(const char *name, void (*fn)(void))
{
    why = NULL;
    fn();
    if (why)
        printf("not ok " CHECK_PREFIX "/%s %s (errno %d)\n", name, why, errno), failed++;
    else
        printf("ok " CHECK_PREFIX "/%s\n", name), passed++;
    fflush(stdout);
}

#endif
