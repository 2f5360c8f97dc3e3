/* Processes: a capability table, an address space, a memory quota and threads. */
#ifndef KERNEL_PROCESS_H
#define KERNEL_PROCESS_H

#include "kernel/cap.h"
#include "kernel/thread.h"
#include "mm/mm.h"
#include "xr/syscall.h"

/* Lifetime (docs/capabilities.md, "When objects die"). A process runs until it exits, is
 * killed, faults with no handler, its last started thread ends, its parent ends, or it
 * is unused: it has no thread that is not dead, and no process that has one holds a cap
 * to it (so caps between thread-less processes, or to oneself, keep nothing alive).
 * Ending it kills its threads, deletes its caps and frees its address space; the object
 * stays while references remain (caps, threads, objects it owns, children), and when the
 * last goes its quota returns to its parent. */
typedef struct process {
    kobj_t obj;
    cap_table_t caps;
    cap_slot_t *slots; /* XR_SLOTS slots, PROCESS_SLOT_ORDER frames */
    mm_as_t *as;
    mm_quota_t quota;       /* what this process and its objects may use */
    struct process *parent; /* whose quota paid quota's limits (refunded when this object
                             * is freed); the child holds a reference on it until then */
    struct process *children, *sibling; /* the processes this one created, still objects */
    thread_t *threads;
    uint32_t live_threads; /* threads not dead (stopped ones too: a cap holder may start them) */
    uint32_t holders;      /* caps naming it in the tables of other processes that have one */
    uint32_t memobj_maps;  /* memory-object mapping records naming it (mm/memobj.c) */
    unsigned status;       /* XR_PROC_* */
    unsigned code;         /* exit code or fault vector */
    /* Signalled (bits OR'ed in) when the process ends, then let go; each holds a reference
     * on its notification until then, so deleting the notification's caps first is safe. */
    struct {
        struct notification *ntfn;
        uint64_t bits;
    } watch[XR_PROC_WATCHES];
    char name[16];
} process_t;

#define PROCESS_SLOT_ORDER 2                                /* 256 slots x 64 bytes = 4 frames */
#define PROCESS_CHARGE     ((1u << PROCESS_SLOT_ORDER) + 1) /* slots + the object itself */
#define PROCESS_PT_MIN     2                                /* the root pair of its address space */

/* A new process whose quota has the limits of q (charged, every pool, to parent's quota;
 * parent NULL: from nowhere, for init). Its own objects (slots, root tables, threads) are
 * charged to that quota. NULL when the parent's quota or memory runs out, or q cannot
 * hold the process itself (PROCESS_CHARGE kernel frames, PROCESS_PT_MIN table frames). */
process_t *process_create(struct process *parent, const mm_quota_t *q, const char *name);
/* End p: kill its threads, delete its caps, destroy its address space, end its children,
 * keep only the object with its status (XR_PROC_EXITED or XR_PROC_KILLED and code). */
void process_terminate(process_t *p, unsigned status, unsigned code);
/* When p ends, signal bits on n (at once if p has ended). A watch by n again replaces its
 * bits; XR_EBUSY when XR_PROC_WATCHES other notifications watch p already. Takes a
 * reference on n, dropped when p ends. */
kerr_t process_watch(process_t *p, struct notification *n, uint64_t bits);
/* p gained a thread, or one of its threads died (thread.c): its caps to other processes
 * count as holders while it has threads; with none left and no holder, p ends. */
void process_thread_new(process_t *p);
void process_thread_gone(process_t *p);
/* Set up the process and thread object types; once at boot. */
void process_init(void);
/* init's process (kernel/initproc.c): started from its module; told of every end. */
void initproc_start(void);
void initproc_terminated(process_t *p);
/* init's process object (the root of every process tree walk), NULL before it is built. */
process_t *initproc_process(void);
/* The process of the running thread. */
process_t *process_current(void);

#endif
