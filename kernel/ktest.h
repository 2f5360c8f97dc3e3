/* In-kernel self-tests: KTEST(subsys, name) registers a test from any file; test=kernel
 * runs them all after boot and prints "ok subsys/name" or "not ok subsys/name reason". */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include "kernel/log.h"
#include "lib/types.h"

typedef struct ktest_ctx {
    bool failed;
    char reason[160];
} ktest_ctx_t;

typedef struct ktest {
    const char *name;
    void (*fn)(ktest_ctx_t *t);
} ktest_t;

#define KTEST(subsys, tname)                                                                       \
    static void ktest_fn_##subsys##_##tname(ktest_ctx_t *t);                                       \
    static const ktest_t ktest_##subsys##_##tname                                                  \
        __attribute__((used, section(".ktests"), aligned(8))) = {#subsys "/" #tname,               \
                                                                 ktest_fn_##subsys##_##tname};     \
    static void ktest_fn_##subsys##_##tname(ktest_ctx_t *t)

/* Record a failure with a printf-style reason (only the first is kept). */
void ktest_fail(ktest_ctx_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define KT_ASSERT(cond)                                                                            \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            ktest_fail(t, "%s:%d: %s", __FILE__, __LINE__, #cond);                                 \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define KT_EQ(a, b)                                                                                \
    do {                                                                                           \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                           \
        if (a_ != b_) {                                                                            \
            ktest_fail(t, "%s:%d: %s == %s (0x%lx != 0x%lx)", __FILE__, __LINE__, #a, #b, a_, b_); \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* Run every registered test whose name starts with filter ("" = all); print the
 * summary line "N passed, N failed"; return the number failed. */
int ktest_run_all(const char *filter);

#endif
