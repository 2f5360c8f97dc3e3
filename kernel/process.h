/* Processes: a capability table, an address space, a memory quota and threads. */
#ifndef KERNEL_PROCESS_H
#define KERNEL_PROCESS_H

#include "kernel/cap.h"
#include "kernel/thread.h"
#include "mm/mm.h"
#include "xr/syscall.h"

typedef struct process {
    kobj_t obj;
    cap_table_t caps;
    cap_slot_t *slots; /* XR_SLOTS slots, PROCESS_SLOT_ORDER frames */
    mm_as_t *as;
    mm_quota_t quota;       /* what this process and its objects may use */
    struct process *parent; /* whose quota paid quota.limit frames (refunded at the end);
                             * the child holds a reference on it until then */
    thread_t *threads;
    unsigned status; /* XR_PROC_* */
    unsigned code;   /* exit code or fault vector */
    char name[16];
} process_t;

#define PROCESS_SLOT_ORDER 2                                /* 256 slots x 64 bytes = 4 frames */
#define PROCESS_CHARGE     ((1u << PROCESS_SLOT_ORDER) + 1) /* slots + the object itself */

/* A new process with a quota of quota frames, taken from parent's quota (parent NULL:
 * from nowhere, for init). Its own objects (slots, root tables, threads) are charged to
 * that quota. NULL when the parent's quota or memory runs out. */
process_t *process_create(struct process *parent, uint64_t quota, const char *name);
/* End p: kill its threads, delete its caps, destroy its address space, keep only the
 * object with its status (XR_PROC_EXITED or XR_PROC_KILLED and code). */
void process_terminate(process_t *p, unsigned status, unsigned code);
/* The process of the running thread. */
process_t *process_current(void);

#endif
