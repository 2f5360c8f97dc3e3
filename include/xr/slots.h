/* Well-known capability slots: the caps the kernel gives init, and the slots of the protocols
 * in which one process gives another caps (the pager's, the test programs'). Shared by the
 * kernel and user space; docs/syscalls.md §4 lists init's table. */
#ifndef XR_SLOTS_H
#define XR_SLOTS_H

/* Slots in every process's table. */
#define XR_SLOTS 256

/* The slots init starts with (kernel/initproc.c fills them). */
#define XR_SLOT_NULL         0 /* always empty */
#define XR_SLOT_SELF         1 /* init's own process (all rights) */
#define XR_SLOT_SELF_THREAD  2
#define XR_SLOT_IOPORTS      3  /* every I/O port */
#define XR_SLOT_FIRST_MODULE 16 /* boot module i is at slot 16 + i (read/exec memory) */
#define XR_SLOT_FIRST_IRQ    64 /* interrupt line (GSI) n is at slot 64 + n (n < 24) */

/* The pager protocol (user/pager/pager.c, docs/ipc.md §6): the pager receives faults on the
 * endpoint its starter gives it in XR_PAGER_SLOT_EP, badged with the client's number n (a
 * client's threads get a write-only copy with badge n as their fault endpoint), and maps pages
 * into client n through the process cap given it in XR_PAGER_SLOT_CLIENT(n). */
#define XR_PAGER_SLOT_EP        5
#define XR_PAGER_SLOT_CLIENT(n) (16 + (n))
#define XR_PAGER_MAX_CLIENTS    200 /* clients 0..199: slots 16..215 */

/* The child program of the user tests (user/child/child.c, modes in child_modes.h): the caps
 * its mode may use, given by the test that starts it. */
#define XR_CHILD_SLOT_EP          5 /* an endpoint (echo, caller, hold, RPC modes) */
#define XR_CHILD_SLOT_FUZZ_VICTIM 5 /* the fuzz mode: a process it may do anything to */
#define XR_CHILD_SLOT_FUZZ_MEMORY 6 /* and a memory object (a boot module) */
#define XR_CHILD_SLOT_CHAN_RX     6 /* channel modes: the channel's receiver notification */
#define XR_CHILD_SLOT_CHAN_TX     7 /* and its producers' notification */
#define XR_CHILD_SLOT_CHAN2_RX    8 /* the RPC mode's reply channel: the same two */
#define XR_CHILD_SLOT_CHAN2_TX    9

/* ipcbench (user/bench): what init gives it under test=bench. */
#define XR_BENCH_SLOT_SERVER_IMAGE 8 /* the "ipcserver" boot module (memory, read) */

#endif
