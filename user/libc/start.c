/* Program start-up for newlib programs: argv and envp from the start block, constructors, main,
 * exit with main's result (which flushes stdio and runs atexit handlers and destructors). */
#include <stdlib.h>
#include <string.h>

#include "fd.h"
#include "startup.h"
#include "sys.h"
#include "syscall.h"
#include "xr_libc.h"

extern char **environ;
extern void __libc_init_array(void);
extern void __libc_fini_array(void);
int main(int argc, char **argv, char **envp);
_Noreturn void __xr_libc_start(uint64_t arg);

uint64_t sys_start_ticks;
static uint64_t start_arg;
static char *no_args[] = {NULL};

/* __libc_init_array and __libc_fini_array call these around the .init_array and .fini_array
 * entries; x-realism's programs have no .init/.fini code, so they are empty. */
void _init(void) {}
void _fini(void) {}

uint64_t xr_libc_start_arg(void)
{
    return start_arg;
}

/* Called by crt0.S with the spawner's RDI; never returns. */
_Noreturn void __xr_libc_start(uint64_t arg)
{
    int argc = 0;
    char **argv = no_args;

    sys_start_ticks = xr_info(XR_INFO_TICKS);
    start_arg = arg;
    environ = no_args;
    if (xr_start_valid(arg)) {
        const xr_start_t *st = (const xr_start_t *)arg;
        argc = (int)st->argc;
        argv = st->argv;
        environ = st->envp;
        start_arg = st->arg;
    }
    fd_init();
    const proc_spawn_t *sp = proc_spawn_info();
    if (sp != NULL && sp->cwd[0] == '/' && memchr(sp->cwd, 0, sizeof(sp->cwd)))
        files_set_cwd(sp->cwd);
    atexit(__libc_fini_array);
    __libc_init_array();
    exit(main(argc, argv, environ));
}
