/* init's user-test harness: one "ok name" / "not ok name reason" line per test, and the
 * helpers the tests share (threads in init, spawning the child program). */
#ifndef USER_INIT_UTEST_H
#define USER_INIT_UTEST_H

#include <stdbool.h>

#include "xr.h"

typedef void (*ut_fn_t)(void);

/* Record a failure of the running test (the first reason is kept). */
void ut_fail(const char *file, int line, const char *what, long a, long b);
/* Run one test and print its line. */
void ut_run(const char *name, ut_fn_t fn);
/* Print the summary line; returns the number failed. */
int ut_summary(void);

#define UT_ASSERT(c)                                                                               \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            ut_fail(__FILE__, __LINE__, #c, 0, 0);                                                 \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define UT_EQ(a, b)                                                                                \
    do {                                                                                           \
        long a_ = (long)(a), b_ = (long)(b);                                                       \
        if (a_ != b_) {                                                                            \
            ut_fail(__FILE__, __LINE__, #a " == " #b, a_, b_);                                     \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* Slots the tests use; init's own caps live below 16 and the modules at 16.. */
#define UT_SLOT_PROC    100 /* a child process */
#define UT_SLOT_THREAD  101 /* its thread */
#define UT_SLOT_SCRATCH 110 /* 110..149: free for tests */
#define UT_SLOT_THREADS 150 /* 150..254: threads made by ut_thread */

/* Start fn(arg) in a new thread of init at priority prio; its cap goes to slot. The thread
 * ends when fn returns. Returns an XR_* code. */
long ut_thread(void (*fn)(uint64_t), uint64_t arg, unsigned prio, xr_cap_t slot);
/* The IPC buffer of the thread ut_thread made in slot. */
uint64_t ut_ipcbuf(xr_cap_t slot);
/* Wait (sleeping) until the thread in slot is dead, at most ms milliseconds; then delete
 * the cap. Returns true if it ended. */
bool ut_thread_join(xr_cap_t slot, unsigned ms);

/* The "child" program: run it with mode (see user/child/child.c) in a new process at
 * UT_SLOT_PROC with quota frames; wait for it to end (at most ms); return its status word
 * (XR_PROC_* | code << 8), or 0 on a spawn failure / time-out. The caps are deleted after. */
uint64_t ut_child(uint64_t mode, uint64_t quota, unsigned ms);
/* Wait (at most ms) for the process at UT_SLOT_PROC to end, kill it if it has not, and
 * delete its caps (UT_SLOT_PROC, UT_SLOT_THREAD); returns its status word, or 0 when it
 * had to be killed. */
uint64_t ut_child_end(unsigned ms);
/* test=libc (libc_test.c): runs the libc_iso program; 0 when it passed, else 1. */
int run_libc_test(void);
/* A boot module's bytes, mapped read-only into init (NULL if there is none). */
const void *ut_module(const char *name, size_t *size);

extern const xr_bootinfo_t *ut_bootinfo;
/* Does the kernel command line have this word (e.g. "test=deep")? */
bool ut_cmdline_has(const char *word);

void tests_sched(void);
void tests_caps(void);
void tests_isolation(void);
void tests_robustness(void);
void tests_ipc(void);
void tests_ipc_system(void);
void tests_chan(void);
void tests_teardown(void);
/* test=fuzz: runs the fuzz module (fuzz_start.c); 0 when it passed. */
int run_fuzz(void);

#endif
