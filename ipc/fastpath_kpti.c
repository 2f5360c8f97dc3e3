/* The IPC fastpath built again for the system-call entry points with page-table isolation
 * (the _kpti twins, arch/x86_64/trap_entry.S): the same code, its exported names ending in
 * _kpti, and arch_switch_root_fast knowing at compile time that it runs with kpti=1. */
#define ARCH_FASTPATH_KPTI 1
#include "ipc/fastpath.c"
