/* What the debugger and the monitor share inside kernel/: walking every process and thread
 * (read-only, with interrupts off and the system stopped), thread ids as GDB sees them, and
 * the monitor's commands. Private to kernel/gdb.c, kernel/gdb_threads.c, kernel/monitor.c. */
#ifndef KERNEL_KDEBUG_H
#define KERNEL_KDEBUG_H

#include "kernel/process.h"
#include "lib/types.h"

/* Call fn for every process reachable from init (depth first, init first). Iterative. */
void kdebug_for_each_process(void (*fn)(process_t *p, void *ctx), void *ctx);
/* Call fn for every thread of every process that is not dead (process order). */
void kdebug_for_each_thread(void (*fn)(thread_t *t, void *ctx), void *ctx);
/* Short names of a thread's state and wait reason. */
const char *kdebug_state_name(const thread_t *t);
/* "boot" or "idle": what the CPU's own context is when it stopped outside any process. */
const char *kdebug_cpu_context_name(void);

/* GDB's thread id for t (its kernel object's physical address, always > 1). The CPU's own
 * context (the boot context or the idle thread, which belong to no process) is
 * GDB_TID_CPU. */
#define GDB_TID_CPU 1
uint64_t gdb_thread_id(const thread_t *t);
/* The thread with id tid (NULL for GDB_TID_CPU or an unknown id; *known tells which). */
thread_t *gdb_thread_find(uint64_t tid, bool *known);
/* Up to max thread ids into ids (the CPU's context first, when it is the stopped one);
 * returns how many. */
size_t gdb_thread_list(uint64_t *ids, size_t max);
/* "name state ..." of thread tid into buf (NUL-terminated); returns the length. */
size_t gdb_thread_describe(uint64_t tid, char *buf, size_t cap);

/* The monitor: run one command line (GDB's "monitor CMD"), writing text through out. */
typedef void (*monitor_out_t)(const char *s, size_t n, void *ctx);
void monitor_command(const char *cmd, monitor_out_t out, void *ctx);

#endif
