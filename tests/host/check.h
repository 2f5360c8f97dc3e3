/* Tiny host test harness: CHECK() counts, check_done() prints "N passed, N failed". */
#ifndef TESTS_HOST_CHECK_H
#define TESTS_HOST_CHECK_H

#include <stdio.h>

static int check_passed, check_failed;

/* Record one named check; print a line only when it fails, to keep logs short. */
#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (cond) {                                                                    \
            check_passed++;                                                            \
        } else {                                                                       \
            check_failed++;                                                            \
            printf("not ok %s:%d: %s\n", __FILE__, __LINE__, #cond);                   \
        }                                                                              \
    } while (0)

/* Print a named test group's result in the kernel's "ok name" format. */
#define CHECK_GROUP(name, body)                                                        \
    do {                                                                               \
        int before_ = check_failed;                                                    \
        body;                                                                          \
        printf("%s %s\n", check_failed == before_ ? "ok" : "not ok", name);            \
    } while (0)

static inline int check_done(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed != 0;
}

#endif
