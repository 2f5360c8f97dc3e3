/* The user-test library: UTEST() registers a test from any file of the program that runs them
 * (init), the runner walks them in order and prints "ok group/name" or "not ok group/name
 * reason", and the helpers the tests share: assertions, snapshots of the frame and object
 * counts, threads inside the test program, and runs of the child program. */
#ifndef USER_TESTLIB_UTEST_H
#define USER_TESTLIB_UTEST_H

#include <stdbool.h>

#include "xr.h"

/* A test's descriptor, placed by UTEST in the section .utests (user/lib/user.ld collects it
 * between __utests_start and __utests_end). */
typedef struct utest {
    const char *name; /* "group/name", as printed */
    void (*fn)(void);
    const char *file; /* __FILE__ and __LINE__: the run order (see ut_run_all) */
    unsigned line;
} utest_t;

/* Defines and registers the test group/tname: UTEST(ipc, badges) { ... UT_EQ(a, b); ... }.
 * A file of tests needs no other registration: listing it among the program's sources (not in
 * an archive, whose unreferenced members the linker drops) is enough. */
#define UTEST(group, tname)                                                                        \
    static void utest_fn_##group##_##tname(void);                                                  \
    static const utest_t utest_##group##_##tname                                                   \
        __attribute__((used, section(".utests"), aligned(8))) = {                                  \
            #group "/" #tname, utest_fn_##group##_##tname, __FILE__, __LINE__};                    \
    static void utest_fn_##group##_##tname(void)

/*
 * Runs every registered test whose name starts with prefix ("" = all) and prints the summary
 * line "N passed, N failed"; returns the number failed. The order: files in the order they were
 * linked (the order of the program's source list), and within a file the order of definition.
 * A test may rely on the tests before it in its file (ipc/ on ipc/endpoint_create's endpoint),
 * so a prefix should select whole files or the first tests of one.
 */
int ut_run_all(const char *prefix);

/* Records a failure of the running test (the first reason is kept); the UT_ macros call it. */
void ut_fail(const char *file, int line, const char *what, long a, long b);

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

/* ---- What the host program provides (init: user/init/runner.c). ---- */

/* A boot module's bytes, mapped read-only into the program (NULL if there is none). */
const void *ut_module(const char *name, size_t *size);
/* Does the kernel command line have this word (e.g. "test=deep")? */
bool ut_cmdline_has(const char *word);
/* The interrupt line (GSI) of ISA IRQ irq on this machine (the boot information's map). */
unsigned ut_isa_gsi(unsigned irq);

/* ---- Slots and addresses the tests use; init's own caps live below 16, the modules at 16.. ----
 */

#define UT_SLOT_PROC    100 /* a child process */
#define UT_SLOT_THREAD  101 /* its thread */
#define UT_SLOT_SCRATCH 110 /* 110..149: free for tests */
#define UT_SLOT_THREADS 150 /* 150..254: threads made by ut_thread */

/* The test program's own IPC buffer, once ipc/endpoint_create (or ut_self_ipcbuf) set it. */
#define UT_SELF_IPCBUF 0x300000ul

/* Maps (if need be) and registers UT_SELF_IPCBUF as the calling thread's IPC buffer, for a test
 * that may run without the ipc/ tests before it; returns the buffer, or NULL on an error. */
xr_ipc_buffer_t *ut_self_ipcbuf(void);

/* ---- Snapshots: every frame is free, charged to the test program (its thread stacks grow as
 * tests need them), or held by a kernel object cache (which keeps a spare slab once it has
 * grown); a test that ends where it started leaves all three sums as they were. ---- */

/* Free + charged to the caller + cached by the kernel: constant while nothing leaks. */
uint64_t ut_frames_accounted(void);

typedef struct ut_snapshot {
    uint64_t frames, objects, quota;
} ut_snapshot_t;

/* ut_frames_accounted, the kernel objects alive and the caller's quota used, now. */
ut_snapshot_t ut_snapshot(void);

/* Fails the test unless snapshot b equals snapshot a, field by field. */
#define UT_SAME(a, b)                                                                              \
    do {                                                                                           \
        ut_snapshot_t b_ = (b);                                                                    \
        UT_EQ(b_.frames, (a).frames);                                                              \
        UT_EQ(b_.objects, (a).objects);                                                            \
        UT_EQ(b_.quota, (a).quota);                                                                \
    } while (0)

/* ---- Threads in the test program (thread.c). ---- */

/* Starts fn(arg) in a new thread of the caller's process at priority prio; its cap goes to slot
 * (UT_SLOT_THREADS..), its stack and IPC buffer to a 64 KiB area of its own. The thread ends
 * when fn returns. Returns an XR_* code (the slot is empty again on an error). */
long ut_thread(void (*fn)(uint64_t), uint64_t arg, unsigned prio, xr_cap_t slot);
/* The IPC buffer of the thread ut_thread made in slot. */
uint64_t ut_ipcbuf(xr_cap_t slot);
/* Waits (sleeping) until the thread in slot is dead, at most ms milliseconds; then deletes the
 * cap. Returns true if it ended. */
bool ut_thread_join(xr_cap_t slot, unsigned ms);

/* ---- The child program (child.c; its modes: user/child/child_modes.h). Each puts the child's
 * process at UT_SLOT_PROC and its thread at UT_SLOT_THREAD. ---- */

/* Spawns the child in mode with quota frames at priority prio, nothing else given (no IPC
 * buffer, no caps). Returns an XR_* code (XR_ENOENT: no "child" module). */
long ut_child_spawn(uint64_t mode, uint64_t quota, unsigned prio);

/* What ut_child_start gives the child besides an IPC buffer at CHILD_IPCBUF; 0 = nothing. */
typedef struct ut_child_caps {
    xr_cap_t ep;        /* to XR_CHILD_SLOT_EP (read, write) */
    xr_cap_t mem, mem2; /* memory objects mapped at CHILD_CHAN_VA, CHILD_CHAN_VA2 ... */
    uint64_t pages;     /* ... pages long */
    xr_cap_t ntfn[4];   /* to XR_CHILD_SLOT_CHAN_RX, _TX, CHAN2_RX, CHAN2_TX (read, write) */
} ut_child_caps_t;

/* Spawns the child in mode (quota CHILD_QUOTA, priority prio), then gives it an IPC buffer and
 * what caps names (NULL: nothing), in the order of the struct's fields. Returns an XR_* code;
 * on an error the child may exist: ut_child_end(0) removes it. */
long ut_child_start(uint64_t mode, unsigned prio, const ut_child_caps_t *caps);

/* Waits (at most ms) for the child to end, kills it if it has not, and deletes its caps;
 * returns its status word (XR_PROC_* | code << 8), or 0 when it had to be killed. */
uint64_t ut_child_end(unsigned ms);

/* ut_child_spawn (priority 100) then ut_child_end(ms): the child's status word, or 0 on a spawn
 * failure or a time-out. */
uint64_t ut_child(uint64_t mode, uint64_t quota, unsigned ms);

#endif
