/* What init's files share: the boot information, the boot modules, the command line, and the
 * test modes that runner.c and libc_test.c carry out for init.c. */
#ifndef USER_INIT_INIT_H
#define USER_INIT_INIT_H

#include <stdbool.h>

#include "xr.h"

/* The boot-information page (set by main before anything else runs). */
extern const xr_bootinfo_t *init_bootinfo;

/* Slots init uses for the one child it runs at a time (the same as the tests' UT_SLOT_PROC and
 * UT_SLOT_THREAD: init runs either the tests or a program, never both). */
#define INIT_SLOT_PROC   100
#define INIT_SLOT_THREAD 101

/* A boot module's bytes, mapped read-only into init at 0x100000000 + i GiB (module i); NULL if
 * there is no such module or a mapping fails. */
const void *init_module(const char *name, size_t *size);

/* Does the kernel command line have word, whole (e.g. "test=user")? */
bool init_cmdline_has(const char *word);

/* If the command line has a word that starts with prefix (e.g. "test=user/"), copies the rest
 * of that word into buf (size bytes, NUL-terminated, cut if longer) and returns true. */
bool init_cmdline_value(const char *prefix, char *buf, size_t size);

/* test=user and test=user/PREFIX (runner.c): runs the user tests whose names start with prefix
 * ("" = all) and returns 0 when all passed, else 1. */
int run_user_tests(const char *prefix);
/* test=deep (runner.c): the teardown tests only, with longer chains (scripts/test gives the
 * guest more memory for it); 0 when all passed, else 1. */
int run_deep_tests(void);

/* test=bench (runner.c): runs ipcbench to its end; 0 when it exited with 0, else 1. */
int run_bench(void);

/* test=libc (libc_test.c): runs the libc_iso program; 0 when it passed, else 1. */
int run_libc_test(void);
/* test=fuzz (fuzz_start.c): runs the system-call fuzzer; 0 when it passed, else 1. */
int run_fuzz(void);

#endif
