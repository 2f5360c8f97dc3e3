/* Kernel command line: "key=value" words parsed into one config_t. */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include "lib/types.h"

#define CMDLINE_MAX_CPUS 64 /* workers is a 64-bit mask, so smp= and CPU ids stay below this */

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };
/* gdb=off (or 0): no stub; gdb=com2: the stub listens on COM2; gdb=wait: it also stops at boot. */
enum gdb_mode { GDB_OFF = 0, GDB_COM2 = 1, GDB_WAIT = 2 };
/* fpu=: the instructions that switch the FPU state between threads; auto picks the best the
 * CPU has (XSAVEOPT, else XSAVE, else FXSAVE). The others are for comparing their costs. */
enum fpu_mode { FPU_AUTO = 0, FPU_XSAVEOPT = 1, FPU_XSAVE = 2, FPU_FXSAVE = 3 };

typedef struct config {
    int fastpath;     /* 0/1, default 1 */
    int kpti;         /* 0/1, default 1 */
    int pcid;         /* 0/1, default 1 */
    int smp;          /* number of cores to start, 0 = all (default 0), at most CMDLINE_MAX_CPUS */
    uint64_t workers; /* bit n set: core n is a tick-free worker; "1,3", "1-3", "none"; default 0 */
    char test[64];    /* test suite to run: "" (default, none), "kernel", "user", "bench", ...,
                         or one test by its name, as "user/chan/batches" */
    int log;          /* enum log_level, default LOG_INFO; error|warn|info|debug or 0..3 */
    int gdb;          /* enum gdb_mode: the GDB stub on COM2; off|com2|wait, default off */
    int fpu;          /* enum fpu_mode: auto|xsaveopt|xsave|fxsave, default auto */
} config_t;

/*
 * Reports one rejected word: msg is a static string ("unknown option", "bad value" or
 * "missing '='"), word points into the command line and is word_len bytes long, not
 * NUL-terminated.
 */
typedef void (*cmdline_warn_t)(const char *msg, const char *word, size_t word_len);

/* Fills cfg with the defaults listed in config_t. */
void config_defaults(config_t *cfg);

/*
 * Parses s (NULL or empty means no options) over cfg, which the caller first set to defaults.
 * Words are separated by spaces or tabs; each is key=value and a later word wins. A rejected
 * word leaves cfg unchanged and is passed to warn (which may be NULL). Returns the number of
 * rejected words. Never reads past s's NUL; does not block.
 */
int cmdline_parse(const char *s, config_t *cfg, cmdline_warn_t warn);

#endif
