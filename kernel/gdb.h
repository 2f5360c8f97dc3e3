/* The in-kernel GDB stub: the remote serial protocol on COM2 (docs/debugging.md). Off unless
 * the command line says gdb=com2 or gdb=wait; compiled out with -DXR_GDBSTUB=OFF. */
#ifndef KERNEL_GDB_H
#define KERNEL_GDB_H

#include "config.h"
#include "kernel/log.h"
#include "lib/cmdline.h"

#if CONFIG_GDBSTUB
/* After the command line is parsed: with gdb=com2 or gdb=wait, program COM2 and enable the
 * stub (breakpoints, single steps, panics stop in it); with gdb=wait, stop here until GDB
 * says continue. Once, on the boot CPU. */
void gdb_init(const config_t *cfg);
/* After the interrupt controllers are up: unmask COM2's line, so Ctrl-C breaks in. */
void gdb_late_init(void);
/* From panic(), interrupts off: when the stub is on, stop (SIGABRT) and wait for GDB, so the
 * crash can be inspected; returns when GDB continues or detaches. */
void gdb_panic(void);
#else
static inline void gdb_init(const config_t *cfg)
{
    if (cfg->gdb != GDB_OFF)
        log_warn("gdb: this kernel was built without the stub (XR_GDBSTUB=OFF)\n");
}
static inline void gdb_late_init(void) {}
static inline void gdb_panic(void) {}
#endif

#endif
