/* What ipcbench's files share (ipcbench.c: start-up, the case tables and the JSON; peer.c: its
 * second thread; cases_sched.c, cases_ipc.c, cases_chan.c, cases_smp.c: the cases by topic): its
 * slots and addresses, and each case's functions. Every case function is a bench_fn_t (bench.h):
 * it fills raw[0..count) and takes the argument its line of the case table gives. */
#ifndef USER_BENCH_IPCBENCH_H
#define USER_BENCH_IPCBENCH_H

#include <stdbool.h>

#include "bench.h"
#include "server.h"

#define BENCH_PRIO       100  /* every thread of every case, but notify_wake's signaller */
#define BENCH_MAX_MISSES 1000 /* yields in a row that did not reach the peer: it is gone */

/* Slots: init's gifts (XR_SLOT_SELF, XR_SLOT_SELF_THREAD, XR_BENCH_SLOT_SERVER_IMAGE), then
 * what the cases make and delete again. */
#define BENCH_SLOT_PEER          20 /* the second thread of a case */
#define BENCH_SLOT_EP            21 /* the endpoint of an IPC case */
#define BENCH_SLOT_NTFN          22 /* the notification of notify_wake */
#define BENCH_SLOT_SERVER_PROC   23 /* ipcserver's process */
#define BENCH_SLOT_SERVER_THREAD 24 /* and its thread */

#define BENCH_PEER_IPCBUF_VA (BENCH_IPCBUF_VA + 4096) /* the second thread's IPC buffer */

/* The main thread's IPC buffer (words 4.. and the caps of the IPC cases' calls). */
#define BENCH_IPCBUF ((xr_ipc_buffer_t *)BENCH_IPCBUF_VA)

/* ---- peer.c: the second thread of a two-thread case. ---- */

#define BENCH_STACK_SIZE (4 * 4096ul) /* a thread's stack */

/* A writable page at va in this process, or XR_OK if an earlier case mapped it. */
long bench_map_page(uint64_t va);
/* Starts a new thread of this process at slot: at entry(arg) on the stack of BENCH_STACK_SIZE
 * bytes from stack (mapped here, like its IPC buffer page at ipcbuf), priority prio. Returns an
 * XR_* code (the slot is empty again on an error). */
long bench_thread_start(xr_cap_t slot, uint64_t entry, uint64_t stack, uint64_t ipcbuf,
                        uint64_t arg, unsigned prio);
/* Starts fn(arg) in a new thread of this process at priority prio, at BENCH_SLOT_PEER, with its
 * own stack and its IPC buffer at BENCH_PEER_IPCBUF_VA; the thread ends when fn returns. Only
 * one peer at a time. Returns an XR_* code. */
long bench_peer_start(void (*fn)(uint64_t), uint64_t arg, unsigned prio);
/* Lets the peer run until it has ended (sleeping, so that a peer of lower priority runs too),
 * then deletes its cap; XR_OK, or XR_EBUSY when it did not end. */
long bench_peer_join(void);
/* The same for any thread of this process (its cap at thread). */
long bench_thread_join(xr_cap_t thread);

/* ---- cases_sched.c: kernel entry, the scheduler, notifications. ---- */

long overhead_local(uint64_t *raw, unsigned count, uint64_t arg);  /* one thread, both stamps */
long overhead_shared(uint64_t *raw, unsigned count, uint64_t arg); /* t0 through memory */
long case_null_syscall(uint64_t *raw, unsigned count, uint64_t arg);
long case_yield_same_prio(uint64_t *raw, unsigned count, uint64_t arg);
long case_thread_switch_yield(uint64_t *raw, unsigned count, uint64_t arg);
long case_notify_wake(uint64_t *raw, unsigned count, uint64_t arg);

/* ---- cases_ipc.c: calls to the server (server.c) in a thread or in ipcserver. ---- */

/* The argument of the IPC cases: BENCH_CROSS or not (the server in ipcserver, or in a thread of
 * this process), with the call's tag (case_ipc_rt) or the half (case_ipc_oneway). */
#define BENCH_CROSS (1ul << 63)
/* ... and the server on another CPU than the client (CPU 1), when there is one. */
#define BENCH_OTHER_CORE (1ul << 62)
#define BENCH_ECHO(len)  XR_TAG(BENCH_LABEL_ECHO, 0, len)
enum { BENCH_ONEWAY_CALL, BENCH_ONEWAY_REPLY };

/* Round trips of a call with the tag in arg, and the server's answer. */
long case_ipc_rt(uint64_t *raw, unsigned count, uint64_t arg);
/* One-way halves of a 4-word round trip: BENCH_ONEWAY_CALL (to the server's receive) or
 * BENCH_ONEWAY_REPLY (from the server's reply_recv). */
long case_ipc_oneway(uint64_t *raw, unsigned count, uint64_t arg);
long case_ipc_stub_nop(uint64_t *raw, unsigned count, uint64_t arg);
/* Starts a server of the case's own (a new endpoint at BENCH_SLOT_EP; ipcserver if cross, else a
 * thread of this process at BENCH_PRIO), runs loop(raw, count, arg) and ends the server; the
 * loop's error, else the server's end's. */
long bench_ipc_run(bool cross, bench_fn_t loop, uint64_t arg, uint64_t *raw, unsigned count);

/* ---- cases_chan.c: channels and bulk transfers; arg is the batch or the size in bytes. ---- */

#define BENCH_CHAN_BATCH   64u         /* messages per chan_flush in chan_msg_64b_batched */
#define BENCH_CHAN_INPLACE (1ul << 16) /* case_chan_msg: built in the slot (chan_write_begin) */
#define BENCH_BULK_MAX     (1ul << 20) /* the largest transfer */

long overhead_chan_msg(uint64_t *raw, unsigned count, uint64_t arg);
long overhead_chan_bulk(uint64_t *raw, unsigned count, uint64_t arg);
long case_chan_msg(uint64_t *raw, unsigned count, uint64_t arg); /* arg: batch | INPLACE */
long case_chan_bulk(uint64_t *raw, unsigned count, uint64_t size);
long case_ipc_copy(uint64_t *raw, unsigned count, uint64_t size);
long case_memcpy(uint64_t *raw, unsigned count, uint64_t size);

/* ---- cases_smp.c, cases_smp_chan.c: across cores (bench=smp); every figure counts all cores'
 * instructions. ---- */

#define BENCH_SMP_ROUNDS    20u   /* samples of an ipc_tput_* case */
#define BENCH_SMP_CHAN_LAPS 1000u /* samples of a cross-core channel case */

/* Starts fn(arg) in a new thread at slot, priority BENCH_PRIO, pinned to cpu, with stack and
 * IPC buffer number idx (0 .. 15); the thread ends when fn returns (cases_smp.c). */
long smp_thread_start(xr_cap_t slot, unsigned idx, unsigned cpu, void (*fn)(uint64_t),
                      uint64_t arg);
long overhead_smp_tput(uint64_t *raw, unsigned count, uint64_t pairs);
long overhead_smp_chan(uint64_t *raw, unsigned count, uint64_t arg);
/* Calls of pairs client/server pairs, pair p on CPU p: per call. */
long case_smp_tput(uint64_t *raw, unsigned count, uint64_t pairs);
/* 64-byte messages from CPU 0 to CPU 1 in batches of batch (1: chan_send): per message. */
long case_smp_chan(uint64_t *raw, unsigned count, uint64_t batch);

#endif
