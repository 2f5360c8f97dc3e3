/* init's protocol (process registry and name service) and the slots a program started under the
 * system finds its caps in (docs/processes.md §8). */
#ifndef XR_USER_INIT_PROTO_H
#define XR_USER_INIT_PROTO_H

#include <stdint.h>

/*
 * A request is a call on the caller's cap to init's endpoint, badged with the caller's pid:
 * label = INIT_OP_*, at most 4 words; REGISTER also carries one cap. The reply's label is an
 * XR_* code (0 = OK) with up to 4 words. Names travel packed in words, NUL-padded.
 *
 *   op        request                                 reply (OK)
 *   REGISTER  cap: the new process (R|W), w0..w2 name  w0 pid. init gives the process its init
 *             (24 bytes), w3 flags (INIT_REG_*)          cap (PROC_SLOT_INIT) and the console
 *   LOOKUP    w0..w1 name (16 bytes), w2 first slot   -   init puts the service's caps into the
 *                                                         caller's table: "fs" two (endpoint,
 *                                                         buffer), "console" one
 *   PS        w0 index (0, 1, ...)                    w0 pid | ppid << 32, w1 XR_PROC_* | code
 *                                                     << 8, w2..w3 name (16 bytes); XR_ENOENT
 *                                                     past the last
 *   KILL      w0 pid                                  -   ends a registered user process
 *                                                         (XR_EPERM for a server)
 *   REAP      w0 pid                                  -   forget an ended user process now
 *                                                         (its parent has waited for it), so
 *                                                         its quota returns at once; XR_EBUSY
 *                                                         while it runs
 */

#define INIT_OP_REGISTER 1
#define INIT_OP_LOOKUP   2
#define INIT_OP_PS       3
#define INIT_OP_KILL     4
#define INIT_OP_REAP     5

#define INIT_REG_NAME_BYTES 24
#define INIT_NAME_BYTES     16

/* The slots of a program started by init or by the C library's posix_spawn. */
#define PROC_SLOT_INIT    4          /* init's endpoint, badged with the pid (W|G) */
#define PROC_SLOT_FS_EP   5          /* fs's endpoint, badged (W): LOOKUP "fs" fills 5 and 6 */
#define PROC_SLOT_FS_BUF  6          /* the buffer shared with fs under that badge (R|W) */
#define PROC_SLOT_CONSOLE 7          /* the console server's endpoint (W) */
#define PROC_SLOT_FD(i)   (16 + (i)) /* inherited descriptor i's cap (a pipe's memory) */
#define PROC_SLOT_DYNAMIC 128        /* the C library allocates slots from here up */

/* The spawn page: what a spawner tells a C-library program besides argv and envp. Its address
 * is the start block's plain argument (startup.h). */
#define PROC_SPAWN_VA    0x00000000003fe000ul
#define PROC_SPAWN_MAGIC 0x6e77617073527825ul /* "%xRspawn" */
#define PROC_SPAWN_FDS   10                   /* descriptors 0..9 can be inherited */
#define PROC_PATH_BYTES  240

enum proc_fd_kind {
    PROC_FD_NONE = 0,
    PROC_FD_CONSOLE,
    PROC_FD_FILE,   /* re-opened by path at the recorded offset */
    PROC_FD_PIPE_R, /* the pipe's memory object is in PROC_SLOT_FD(i) */
    PROC_FD_PIPE_W,
};

typedef struct proc_spawn_fd {
    uint32_t kind;   /* enum proc_fd_kind */
    uint32_t oflags; /* the O_* status flags (access mode, O_APPEND) */
    uint64_t offset;
    char path[PROC_PATH_BYTES]; /* PROC_FD_FILE: absolute, NUL-terminated */
} proc_spawn_fd_t;

typedef struct proc_spawn {
    uint64_t magic; /* PROC_SPAWN_MAGIC */
    uint32_t pid, ppid;
    char cwd[512];
    proc_spawn_fd_t fd[PROC_SPAWN_FDS];
} proc_spawn_t;
_Static_assert(sizeof(proc_spawn_t) <= 4096, "the spawn page is one page");

#endif
