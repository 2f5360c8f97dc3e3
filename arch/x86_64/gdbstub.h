/* The trap path's hook into the GDB stub (arch/x86_64/gdbstub.c), private to arch/x86_64. */
#ifndef ARCH_X86_64_GDBSTUB_H
#define ARCH_X86_64_GDBSTUB_H

#include "arch/x86_64/trap.h"
#include "config.h"

#if CONFIG_GDBSTUB
/* Called first for every trap with interrupts off: a #BP, #DB or the debugger line's
 * interrupt goes to the stub while it is enabled. True when the stub handled the trap (f is
 * ready to resume); false for the usual handling. */
bool gdbstub_trap(struct trap_frame *f);
#else
static inline bool gdbstub_trap(struct trap_frame *f)
{
    (void)f;
    return false;
}
#endif

#endif
