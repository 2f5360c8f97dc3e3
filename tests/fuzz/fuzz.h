/* Shared by the libFuzzer harnesses: the entry point every harness defines and FUZZ_ASSERT. */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Runs one input through a parser and checks its promises; returns 0 (libFuzzer's contract). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Checks a promise of the parser under test. A broken promise is a finding like a crash: it
 * prints where and what, then aborts so that libFuzzer (or the replay program) records it.
 */
#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz: broken promise at %s:%d: %s\n", __FILE__, __LINE__, #cond);     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Whether [p, p + len) lies inside [base, base + size), computed without wrapping. */
static inline int fuzz_inside(const void *base, size_t size, const void *p, size_t len)
{
    uintptr_t b = (uintptr_t)base, q = (uintptr_t)p;

    return q >= b && q - b <= size && len <= size - (q - b);
}

#endif
