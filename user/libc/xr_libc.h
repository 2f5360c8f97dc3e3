/* x-realism's additions to the C library (user/libc): what newlib programs may call beyond ISO C
 * and POSIX: the spawner's plain argument, and threads that may use the C library.
 *
 * Threads: a thread that calls into the C library (stdio, malloc, errno, ...) must be made with
 * xr_libc_thread_start, whose stack sits in the thread area where __getreent finds its own
 * struct _reent (per-thread errno) and the locks find its identity. A thread made directly with
 * xr_thread_create on some other stack shares the main thread's errno and lock identity, so it
 * must not call the C library while another thread does. Needs the process's own cap in
 * XR_SLOT_SELF (the spawner gives it). */
#ifndef XR_USER_LIBC_H
#define XR_USER_LIBC_H

#include <stdint.h>

#include "xr/cap.h"

#define XR_LIBC_THREADS 62 /* threads xr_libc_thread_start can have alive at once */

/* The argument the spawner passed (xr_spawn_elf's arg, or the start block's arg field). */
uint64_t xr_libc_start_arg(void);

/* Starts fn(arg) in a new thread of this process at the caller's priority (at most 100), its
 * thread cap in the empty slot `slot`; stores its handle (>= 0) in *id. The thread ends when fn
 * returns. Returns 0, or -1 with errno: EAGAIN (no free thread block), ENOMEM (no memory for
 * its stack), EBUSY/EBADF (slot full or no process cap), EINVAL. Does not block. */
int xr_libc_thread_start(xr_cap_t slot, void (*fn)(void *), void *arg, int *id);

/* Waits (sleeping 1 ms at a time) until thread id has ended, deletes its cap and frees its thread
 * block for reuse. Returns 0, or -1 with errno EINVAL for an id that is not a live handle. */
int xr_libc_thread_join(int id);

/* An identity of the calling thread for locks: its thread block for xr_libc threads, 1 for any
 * other (the main thread). Never 0. */
uintptr_t xr_libc_thread_self(void);

/* One process of init's table (ps): pid, parent, state ('R' running, 'Z' ended, 'K' killed),
 * exit code or fault vector, name. */
typedef struct xr_ps {
    int pid, ppid, state, code;
    char name[17];
} xr_ps_t;
/* The index-th process (0, 1, ...); 0, or -1 with errno ESRCH past the last one, ENOSYS with
 * no init to ask. */
int xr_ps(int index, xr_ps_t *out);

/* Puts the caps of the service init knows by name (its "endpoint" in /etc/services) into the
 * caller's slot dst (and dst + 1 for "fs"). Returns 0, or -1 with errno (ENOENT: no such
 * service). */
int xr_lookup(const char *name, xr_cap_t dst);

/* 1 when Ctrl-C was typed on the console since the last call (the console server keeps the
 * flag; a shell polls it while it waits for a foreground job), else 0. */
int xr_console_intr(void);

/* Sizes of the file system holding path: out = block size, blocks, free blocks, inodes, free
 * inodes. Returns 0, or -1 with errno. */
int xr_statfs(const char *path, uint64_t out[5]);

#endif
