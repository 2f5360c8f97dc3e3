/* The boot CPU's local APIC (xAPIC MMIO mode) and its timer, private to arch/x86_64. */
#ifndef ARCH_X86_64_APIC_H
#define ARCH_X86_64_APIC_H

#include "arch/arch.h"
#include "lib/types.h"

#define APIC_TIMER_VECTOR    32
#define APIC_SPURIOUS_VECTOR 0xff
#define IPI_RESCHED_VECTOR   0xf0 /* another core queued a thread here: reschedule */
#define IPI_TLB_VECTOR       0xf1 /* another core changed a mapping: flush, then acknowledge */

/* Map the local APIC's MMIO page (uncached, at its direct-map address, tables from ops)
 * and enable it in xAPIC mode with spurious vector 0xff, task priority 0 and its timer
 * masked. Remaps the two legacy 8259 PICs to vectors 0x20-0x2f, so a stray one is
 * recognisable, then masks all their lines. Boot CPU, interrupts off; idempotent (a
 * second call does nothing). Panics when the CPU has no local APIC. */
void apic_init(const pt_ops_t *ops);

/* Measure the LAPIC timer (divider 16) against PIT channel 2 (mode 0, gated through port
 * 0x61) over three ~10 ms windows, taking the median, and the TSC over the same windows.
 * Returns the timer's ticks per second and keeps both for apic_timer_*() and arch_timestamp_hz().
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

/* This CPU's local APIC id (xAPIC: 8 bits), and the boot CPU's. */
uint32_t apic_id(void);
uint32_t boot_apic_id(void);

/* Enable this (application) CPU's local APIC as apic_init did the boot CPU's; the MMIO
 * page is the same address on every CPU. */
void apic_init_ap(void);
/* Inter-processor interrupts to the local APIC with id dest: INIT, a start-up IPI whose
 * code starts at physical page `page` (below 1 MiB), a fixed interrupt on vector. Each
 * waits (bounded) until the APIC has sent it. */
void apic_send_init(uint32_t dest);
void apic_send_startup(uint32_t dest, unsigned page);
void apic_send_ipi(uint32_t dest, unsigned vector);

/* The tick rate the application processors start their timers at (smp.c). */
void arch_smp_timer_hz(unsigned hz);

/* Route and mask every I/O APIC input (called by arch_timer_init). */
void ioapic_init(const pt_ops_t *ops);

#endif
