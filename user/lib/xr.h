/* The one header native user programs include: system calls (syscall.h), the mini C library's
 * printf and string functions (mini/mini.h), spawning.
 *
 * A program defines `int main(uint64_t arg)`: crt0.S calls it with the argument its creator
 * passed (for init, the address of the boot-information page) and exits with its return value.
 * Nothing here blocks except xr_sleep_us, and printf only as long as the console write does.
 * None of it takes locks; printf keeps its buffer on the caller's stack, so threads may share it.
 */
#ifndef XR_USER_XR_H
#define XR_USER_XR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "mini/mini.h"
#include "syscall.h"

/* The program's entry point, called by crt0.S. */
int main(uint64_t arg);

/* The name of an XR_* error code ("XR_ENOMEM"), or "unknown error". */
const char *xr_strerror(long err);

/* ---- spawn.c ---- */

/*
 * Loads the static ELF executable image (size bytes, in the caller's memory) into a new process
 * and starts its first thread: process cap in the empty slot proc_slot, thread cap in the empty
 * slot thread_slot, quota_frames frames of quota (charged to the caller; the image's pages, the
 * XR_USER_STACK_PAGES stack pages and page tables all come out of it), priority prio (0..255),
 * rsp = XR_USER_STACK_TOP - 8 and rdi = arg at its entry. Returns XR_OK, or an XR_* error after
 * printing why and deleting everything it made (both slots are empty again): XR_ECORRUPT, XR_EINVAL
 * or XR_ERANGE for an image elf_parse refuses or one that overlaps the stack, or a system call's
 * error.
 */
long xr_spawn_elf(const void *image, size_t size, uint64_t quota_frames, uint64_t arg, int prio,
                  xr_cap_t proc_slot, xr_cap_t thread_slot);

/*
 * xr_spawn_elf, but the child starts with a start block (startup.h) at the top of its stack
 * holding argv and envp (NULL-terminated; either may be NULL for none) and arg; its RDI is the
 * block's address. The block, pointers and strings must fit XR_START_MAX bytes (else XR_ERANGE,
 * nothing created). Threads calling it concurrently take turns (a yield loop).
 */
long xr_spawn_elf_argv(const void *image, size_t size, uint64_t quota_frames, char *const argv[],
                       char *const envp[], uint64_t arg, int prio, xr_cap_t proc_slot,
                       xr_cap_t thread_slot);

/* xr_spawn_elf_argv, but the thread is left stopped (the caller gives caps, then
 * xr_thread_start(thread_slot)). */
long xr_spawn_elf_stopped(const void *image, size_t size, uint64_t quota_frames, char *const argv[],
                          char *const envp[], uint64_t arg, int prio, xr_cap_t proc_slot,
                          xr_cap_t thread_slot);

#endif
