/* The self-test runner: walks the .ktests section the KTEST macro fills. */
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "lib/format.h"

extern const ktest_t __ktests_start[], __ktests_end[];

void ktest_fail(ktest_ctx_t *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    t->failed = true;
    va_list ap;
    va_start(ap, fmt);
    format_vsnprintf(t->reason, sizeof(t->reason), fmt, ap);
    va_end(ap);
}

int ktest_run_all(const char *filter)
{
    int passed = 0, failed = 0;
    size_t flen = strlen(filter);
    for (const ktest_t *k = __ktests_start; k < __ktests_end; k++) {
        if (strncmp(k->name, filter, flen) != 0)
            continue;
        ktest_ctx_t ctx = {.failed = false};
        k->fn(&ctx);
        if (ctx.failed) {
            kprintf("not ok %s %s\n", k->name, ctx.reason);
            failed++;
        } else {
            kprintf("ok %s\n", k->name);
            passed++;
        }
    }
    kprintf("%d passed, %d failed\n", passed, failed);
    return failed;
}
