/* The start block: how a spawner hands argv and envp to a program (user space only; the kernel
 * knows nothing of it). xr_spawn_elf_argv writes it at the top of the child's stack:
 *
 *   XR_USER_STACK_TOP  ->  +--------------------------+
 *                          | strings (argv, then envp) |
 *                          | envp[0..envc], NULL       |
 *                          | argv[0..argc], NULL       |
 *   RDI at entry       ->  | xr_start_t                |  (16-byte aligned)
 *   RSP at entry + 8   ->  +--------------------------+
 *
 * and starts the thread with RDI = the block's address. Programs started the old way (plain
 * xr_spawn_elf, RDI = any argument) still work: a reader accepts RDI as a block only when it is
 * an aligned address inside the initial stack whose first word is XR_START_MAGIC. */
#ifndef XR_USER_STARTUP_H
#define XR_USER_STARTUP_H

#include <stdbool.h>
#include <stdint.h>

#include "xr/syscall.h"

#define XR_START_MAGIC 0x7472617473527825ul /* "%xRstart" */
#define XR_START_MAX   4096                 /* bytes: block, pointers and strings together */

typedef struct xr_start {
    uint64_t magic; /* XR_START_MAGIC */
    uint64_t argc;
    char **argv;  /* argc pointers, then NULL */
    char **envp;  /* NULL-terminated */
    uint64_t arg; /* the spawner's plain argument, as xr_spawn_elf would pass it */
} xr_start_t;

/* True when a program's entry argument arg is the address of a start block. Reads memory only
 * inside the initial stack pages, which the spawner always maps. */
static inline bool xr_start_valid(uint64_t arg)
{
    uint64_t lo = XR_USER_STACK_TOP - XR_USER_STACK_PAGES * 4096ul;
    if (arg < lo || arg > XR_USER_STACK_TOP - sizeof(xr_start_t) || (arg & 15) != 0)
        return false;
    return ((const xr_start_t *)arg)->magic == XR_START_MAGIC;
}

#endif
