/* The system-call fuzzer (test=fuzz): roles, slot and address layout, the shared statistics
 * page, and the pieces the files of user/fuzz/ share. docs/fuzzing.md explains the design.
 *
 * Three roles run the same program, chosen by the low byte of main's argument:
 *   supervisor  started by init: records the kernel's counts, runs the worker, checks nothing
 *               was lost, prints the verdict;
 *   worker      one process with a controller thread and worker threads: random calls,
 *               structured operations, bug shapes, and the churn of agent processes;
 *   agent       short-lived processes with several threads issuing random calls, blocking
 *               IPC included, killed or exiting at any moment. */
#ifndef USER_FUZZ_FUZZ_H
#define USER_FUZZ_FUZZ_H

#include <stdbool.h>

#include "xr.h"

#define FZ_MODE_SUPERVISOR 0
#define FZ_MODE_WORKER     1
#define FZ_MODE_AGENT      2
#define FZ_MODE_SUICIDE    3 /* repro.c's child */
/* main's argument: FZ_ARG_MAGIC | mode | data << 8. The magic keeps a thread that some
 * random call starts at the entry point (with a random RDI) from taking on a role. */
#define FZ_ARG_MAGIC 0xf022000000000000ul
#define FZ_ARG_MASK  0xffff000000000000ul

/* Slots at or above FZ_SLOT_PROTECTED hold the bookkeeping caps of the worker and the agents;
 * random calls never name them (an argument that falls there is moved 64 slots down), so a
 * run cannot lose the caps it needs to clean up. Every other slot is fair game. */
#define FZ_SLOT_PROTECTED  224
#define FZ_SLOT_SELF       255 /* the process's own cap */
#define FZ_SLOT_MAIN       254 /* its first thread */
#define FZ_SLOT_IMAGE      253 /* the fuzz program's boot module (read/exec), worker only */
#define FZ_SLOT_STATS      252 /* the statistics memory object, worker only */
#define FZ_SLOT_THREADS    244 /* 244..251: threads the process made for itself */
#define FZ_SLOT_AGENTS     232 /* 232..239: agent processes (worker) */
#define FZ_SLOT_AGENT_THR  224 /* 224..231: their first threads (worker) */
#define FZ_MAX_THREADS     8
#define FZ_MAX_AGENTS      8
#define FZ_SLOT_EP_FIRST   8 /* 8..15 endpoints, 16..19 notifications shared by everyone */
#define FZ_EPS             8
#define FZ_SLOT_NTFN_FIRST 16
#define FZ_NTFNS           4
#define FZ_SLOT_RANDOM_END 64 /* structured operations mostly use slots 1..63 */

/* Addresses inside every fuzz process. */
#define FZ_STATS_VA    0x0000000010000000ul /* the statistics page */
#define FZ_THREAD_AREA 0x0000000020000000ul /* per thread 64 KiB: IPC buffer, then stack */
#define FZ_THREAD_SIZE 0x10000ul
#define FZ_ARENA       0x0000000040000000ul /* 1 GiB that random mappings play in */
#define FZ_ARENA_PAGES (1ul << 18)
#define FZ_IMAGE_VA    0x0000000100000000ul /* the fuzz image, mapped read-only to spawn */
#define FZ_CMDLINE_VA  0x0000000030000000ul /* the supervisor's copy of the command line */

#define FZ_NR_SLOTS (XR_SYS_COUNT + 1) /* one counter per call, the last for bad numbers */

/* Shared by the supervisor (which makes it), the worker and every agent (mapped at
 * FZ_STATS_VA). Counters are updated with atomic adds; a lost update would only blur a
 * figure, never the verdict, which rests on the kernel's own counts. */
typedef struct fz_stats {
    uint64_t seed;          /* written by the supervisor before the worker starts */
    uint64_t target;        /* calls to make */
    uint64_t image_size;    /* bytes of the fuzz program's module */
    uint64_t shape_mask;    /* fuzz.shapes=: bit i enables shape i (fz_shape_names) */
    uint64_t op_mask;       /* fuzz.ops=: bit i enables operation kind i (ops.c) */
    volatile uint64_t stop; /* set by the worker when the target is reached */
    volatile uint64_t calls;
    volatile uint64_t by_nr[FZ_NR_SLOTS];
    volatile uint64_t ok_by_nr[FZ_NR_SLOTS];
    volatile uint64_t agents_spawned, agents_killed, agents_ended;
    volatile uint64_t shapes[8];
    volatile uint64_t faults_sent, caps_received, ipc_delivered;
} fz_stats_t;

extern fz_stats_t *const fz_stats;

/* What one thread needs to issue calls: its random state and where its things are. */
typedef struct fz_ctx {
    uint64_t rng;
    bool agent;      /* agents may block, exit and hurt themselves; the worker may not */
    bool controller; /* the worker's controller thread: nothing that blocks */
    xr_cap_t thread; /* this thread's own cap (protected slot) */
    unsigned index;  /* thread index in its process */
    uint64_t ipcbuf; /* its IPC buffer's address */
} fz_ctx_t;

/* gen.c: random numbers and arguments, and the counted system call. */
uint64_t fz_rand(fz_ctx_t *c);
uint64_t fz_below(fz_ctx_t *c, uint64_t n); /* uniform in 0..n-1 (n > 0) */
bool fz_chance(fz_ctx_t *c, unsigned one_in);
uint64_t fz_mix(uint64_t x); /* a seed scrambler (splitmix64's finaliser) */
xr_cap_t fz_slot(fz_ctx_t *c);
xr_cap_t fz_free_slot(fz_ctx_t *c); /* a likely-empty random-range slot */
uint64_t fz_va(fz_ctx_t *c);
uint64_t fz_arg(fz_ctx_t *c);
uint64_t fz_tag(fz_ctx_t *c);
long fz_sys(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
            uint64_t a5);
long fz_ipc(uint64_t nr, uint64_t ep, xr_msg_t *m);
void fz_raw_call(fz_ctx_t *c);
extern const uint8_t fz_trap_bytes[4096]; /* int3 everywhere: code nobody can run */

/* ops.c: one random structured operation. */
void fz_op(fz_ctx_t *c);
void fz_ipc_fill(fz_ctx_t *c);

/* shapes.c: the object graphs that found kernel bugs before; the worker's controller only. */
void fz_shape(fz_ctx_t *c);
extern const char *const fz_shape_names[8];

/* threads.c: threads of the calling process (its own cap in FZ_SLOT_SELF). */
long fz_thread_start(unsigned index, void (*fn)(fz_ctx_t *), fz_ctx_t *ctx, unsigned prio);
uint64_t fz_thread_ipcbuf(unsigned index);
long fz_thread_main(fz_ctx_t *ctx);

/* The roles. */
int fz_supervisor(uint64_t image_size);
int fz_worker(void);
int fz_agent(uint64_t arg);
int fz_repro(void);
int fz_suicide(void);
void fz_agent_spawn(fz_ctx_t *c, unsigned i, uint64_t generation);

#endif
