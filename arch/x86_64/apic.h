/* The boot CPU's local APIC (xAPIC MMIO mode) and its timer, private to arch/x86_64. */
#ifndef ARCH_X86_64_APIC_H
#define ARCH_X86_64_APIC_H

#include "arch/arch.h"
#include "lib/types.h"

#define APIC_TIMER_VECTOR    32
#define APIC_SPURIOUS_VECTOR 0xff

/* Map the local APIC's MMIO page (uncached, at its direct-map address, tables from ops)
 * and enable it in xAPIC mode with spurious vector 0xff, task priority 0 and its timer
 * masked. Remaps the two legacy 8259 PICs to vectors 0x20-0x2f, so a stray one is
 * recognisable, then masks all their lines. Boot CPU, interrupts off; idempotent (a
 * second call does nothing). Panics when the CPU has no local APIC. */
void apic_init(const pt_ops_t *ops);

/* Measure the LAPIC timer (divider 16) against PIT channel 2 (mode 0, gated through port
 * 0x61) over three ~10 ms windows, taking the median, and the TSC over the same windows.
 * Returns the timer's ticks per second and keeps both for apic_timer_*() and apic_tsc_hz().
 * When the PIT does not count, logs a warning and uses 6.25 MHz / 1 GHz. Busy-waits about
 * 30 ms with interrupts off; a running timer is restarted from its initial count after.
 * Needs apic_init(). */
uint64_t apic_timer_calibrate(void);

/* Periodic timer interrupts at hz (0: stop) on APIC_TIMER_VECTOR; calibrates first if
 * that was never done. Needs apic_init(). */
void apic_timer_start(unsigned hz);

/* One timer interrupt on APIC_TIMER_VECTOR after us microseconds (at least one tick,
 * at most 2^32 - 1 ticks: longer delays are cut to that), replacing any periodic timer;
 * calibrates first if that was never done. Needs apic_init(). */
void apic_timer_oneshot(uint64_t us);

/* Stop the timer and mask its interrupt (one already pending is still delivered). */
void apic_timer_stop(void);

/* The timer's current count: ticks left until it fires, 0 when stopped or expired. */
uint32_t apic_timer_count(void);

/* Signal end of interrupt for the vector being serviced (not for the spurious vector). */
void apic_eoi(void);

/* This CPU's local APIC id (xAPIC: 8 bits). */
uint32_t apic_id(void);

/* TSC ticks per second from the last apic_timer_calibrate(); 0 before the first. */
uint64_t apic_tsc_hz(void);

/* Route and mask every I/O APIC input (called by arch_timer_init). */
void ioapic_init(const pt_ops_t *ops);

#endif
