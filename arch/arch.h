/* The one interface between generic kernel code and the architecture: every
 * arch_* function is implemented under arch/<name>/. Generic code includes only this. */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include "kernel/types.h"

/* What the boot CPU can do, read once by arch_init(). */
typedef struct arch_cpu_info {
    char vendor[13];
    char model[49];
    uint32_t family, model_id, stepping;
    bool nx, smep, smap, umip, pcid, invpcid, x2apic, xsave, pge, pdpe1gb, fsgsbase;
} arch_cpu_info_t;

/* Saved register state of a trap, as pushed by the entry stubs. */
struct trap_frame;

/* Set up the boot CPU: descriptor tables, trap vectors, CPU features. Called once, early. */
void arch_init(void);
const arch_cpu_info_t *arch_cpu_info(void);

/* Physical <-> kernel virtual through the direct map. */
void *arch_phys_to_virt(uint64_t phys);
uint64_t arch_virt_to_phys(const void *virt);

/* Interrupts and halting. */
void arch_irq_disable(void);
void arch_irq_enable(void);
void arch_cpu_relax(void);
/* Disable interrupts and return the previous state, for arch_irq_restore(). */
uint64_t arch_irq_save(void);
void arch_irq_restore(uint64_t state);
_Noreturn void arch_halt_forever(void);

/* End the emulator run: pass or fail becomes QEMU's exit status (isa-debug-exit),
 * and an ACPI power-off ends Bochs. Never returns. */
_Noreturn void arch_exit_emulator(bool passed);

/* Walk the frame-pointer chain from the caller (or from rbp/rip when given) and print
 * up to max frames with symbol names. */
void arch_backtrace(uint64_t rip, uint64_t rbp, unsigned max);

/* Read one byte at addr without faulting the kernel: XR_OK or XR_EFAULT (through the
 * exception-fixup table). */
kerr_t arch_probe_read8(const volatile void *addr, uint8_t *out);

/* Set a breakpoint trap (int3); the trap handler reports it and resumes. */
void arch_breakpoint(void);

/* Counters the trap handler keeps, read by the self-tests. */
typedef struct arch_trap_stats {
    uint64_t breakpoints;    /* #BP taken in kernel mode and resumed */
    uint64_t fixups;         /* kernel faults recovered through the fixup table */
    uint64_t last_fixup_rip; /* faulting instruction of the last fixup */
    uint64_t last_fixup_cr2; /* faulting address of the last fixup (page faults) */
} arch_trap_stats_t;
const arch_trap_stats_t *arch_trap_stats(void);

/* Time stamp counter. */
uint64_t arch_timestamp(void);

#endif
