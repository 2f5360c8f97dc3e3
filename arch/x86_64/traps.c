/* CPU exceptions: a full report for each, recovery through the exception-fixup table
 * for the few kernel instructions allowed to fault, and panic for everything else. */
#include "arch/arch.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/gdbstub.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"
#include "kernel/klock.h"
#include "kernel/ksyms.h"
#include "kernel/log.h"

/* One entry per instruction that may fault: where it is and where to continue. */
struct extable_entry {
    uint64_t insn, fixup;
};
extern const struct extable_entry __ex_table_start[], __ex_table_end[];

static const char *const vector_names[32] = {
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range",
    "#UD invalid opcode",
    "#NM device not available",
    "#DF double fault",
    "coprocessor overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack fault",
    "#GP general protection",
    "#PF page fault",
    "reserved 15",
    "#MF x87 error",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD error",
    "#VE virtualization",
    "#CP control protection",
    "reserved 22",
    "reserved 23",
    "reserved 24",
    "reserved 25",
    "reserved 26",
    "reserved 27",
    "#HV hypervisor injection",
    "#VC VMM communication",
    "#SX security",
    "reserved 31",
};

static arch_trap_stats_t stats;
static int expected_vector = -1;
static const char *expected_test;

void arch_expect_fatal_trap(unsigned vector, const char *test_name)
{
    expected_vector = (int)vector;
    expected_test = test_name;
}

const arch_trap_stats_t *arch_trap_stats(void)
{
    return &stats;
}

static const char *vector_name(uint64_t v)
{
    return v < 32 ? vector_names[v] : "interrupt";
}

static void print_sym(const char *label, uint64_t addr)
{
    uint64_t off;
    const char *name = ksyms_lookup(addr, &off);
    if (name)
        kprintf("%s%016lx <%s+0x%lx>\n", label, addr, name, off);
    else
        kprintf("%s%016lx\n", label, addr);
}

/* Walk saved frame pointers; stop at a null, misaligned or non-kernel frame. */
void arch_backtrace(uint64_t rip, uint64_t rbp, unsigned max)
{
    if (!rip) {
        rip = (uint64_t)__builtin_return_address(0);
        rbp = (uint64_t)__builtin_frame_address(0);
    }
    kprintf("backtrace:\n");
    print_sym("  ", rip);
    for (unsigned i = 0; i < max && rbp >= DIRECT_MAP_BASE && !(rbp & 7); i++) {
        uint64_t ret, next;
        if (probe_read64((const void *)(rbp + 8), &ret) || ret < KERNEL_BASE ||
            probe_read64((const void *)rbp, &next))
            break;
        print_sym("  ", ret);
        rbp = next;
    }
}

void trap_report(const struct trap_frame *f, const char *why)
{
    kprintf("\n=== trap: vector %lu (%s), %s ===\n", f->vector, vector_name(f->vector), why);
    kprintf("error=%016lx cs=%04lx rflags=%016lx\n", f->error, f->cs, f->rflags);
    print_sym("rip=", f->rip);
    kprintf("rsp=%016lx ss=%04lx cr2=%016lx cr3=%016lx\n", f->rsp, f->ss, read_cr2(), read_cr3());
    kprintf("rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
    kprintf("rsi=%016lx rdi=%016lx rbp=%016lx r8 =%016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
    kprintf("r9 =%016lx r10=%016lx r11=%016lx r12=%016lx\n", f->r9, f->r10, f->r11, f->r12);
    kprintf("r13=%016lx r14=%016lx r15=%016lx\n", f->r13, f->r14, f->r15);
    if (f->vector == 14)
        kprintf("page fault: %s %s in %s mode%s\n", f->error & 1 ? "protection" : "not-present",
                f->error & 2 ? "write" : (f->error & 16 ? "fetch" : "read"),
                f->error & 4 ? "user" : "kernel", f->error & 8 ? ", reserved bit" : "");
    if (!(f->cs & 3))
        arch_backtrace(f->rip, f->rbp, 16);
}

static const struct extable_entry *extable_find(uint64_t rip)
{
    for (const struct extable_entry *e = __ex_table_start; e < __ex_table_end; e++)
        if (e->insn == rip)
            return e;
    return NULL;
}

/* A kernel fault at an instruction listed in the fixup table resumes at its fixup. */
static bool trap_try_fixup(struct trap_frame *f)
{
    const struct extable_entry *e = extable_find(f->rip);
    if (!e)
        return false;
    stats.fixups++;
    stats.last_fixup_rip = f->rip;
    stats.last_fixup_cr2 = f->vector == 14 ? read_cr2() : 0;
    uint64_t off;
    const char *name = ksyms_lookup(f->rip, &off);
    log_debug("trap: %s in %s+0x%lx (addr %lx) recovered by fixup\n", vector_name(f->vector),
              name ? name : "?", off, stats.last_fixup_cr2);
    f->rip = e->fixup;
    return true;
}

static void trap_kernel_exception(struct trap_frame *f)
{
    if (f->vector == 3) {
        stats.breakpoints++;
        trap_report(f, "kernel breakpoint, resuming");
        return;
    }
    if ((f->vector == 14 || f->vector == 13) && trap_try_fixup(f))
        return;
    trap_report(f, "in kernel mode");
    if ((int)f->vector == expected_vector) {
        kprintf("ok %s\n1 passed, 0 failed\n", expected_test);
        arch_exit_emulator(true);
    }
    panic("unrecoverable %s exception", vector_name(f->vector));
}

/* Every trap and interrupt: timer ticks go to the scheduler, exceptions in user mode to
 * the process layer (which ends the process), exceptions in the kernel are recovered
 * through the fixup table or reported and fatal. Before a return to user mode the
 * scheduler may switch threads. */
void trap_dispatch(struct trap_frame *f)
{
    bool user = f->cs & 3;
    if (f->vector == IPI_TLB_VECTOR) { /* without the kernel lock: its holder waits for us */
        apic_eoi();
        if (!kernel_ipi_tlb() || !user)
            return;
        /* this thread's address space is gone (its process ended): never back to it */
    }
    if (f->vector == 7 && user && arch_fpu_first_use(kernel_current_arch()))
        return; /* a lazy thread's first FPU instruction, its state now loaded (fpu.c) */
    if (f->vector == 2) {
        log_warn("trap: NMI (ignored)\n"); /* not the running program's doing */
        return;
    }
    /* The kernel lock: every entry from user mode takes it (released on the way out, in
     * trap_return); from kernel mode only an interrupt of the idle halt has to. */
    bool took = smp_active && !kernel_lock_held();
    if (took)
        kernel_lock();
    if (gdbstub_trap(f)) {
        /* the debugger's: a breakpoint, step or watchpoint it set, or Ctrl-C */
    } else if (f->vector == IPI_TLB_VECTOR) {
        /* handled above */
    } else if (f->vector == IPI_RESCHED_VECTOR) {
        apic_eoi();
        kernel_ipi_resched();
    } else if (f->vector == APIC_TIMER_VECTOR) {
        apic_eoi();
        kernel_timer_tick();
    } else if (f->vector >= ARCH_IRQ_VECTOR_BASE &&
               f->vector < ARCH_IRQ_VECTOR_BASE + ARCH_IRQ_LINES) {
        apic_eoi();
        kernel_irq((unsigned)(f->vector - ARCH_IRQ_VECTOR_BASE));
    } else if (f->vector == APIC_SPURIOUS_VECTOR) {
        /* no EOI for a spurious interrupt */
    } else if (f->vector >= 32) {
        apic_eoi();
        log_warn("trap: unexpected interrupt vector %lu ignored\n", f->vector);
    } else if (f->vector == 18) {
        trap_report(f, "machine check");
        panic("machine check");
    } else if (user) {
        kernel_user_fault((unsigned)f->vector, f->error, f->vector == 14 ? read_cr2() : 0, f->rip);
    } else {
        trap_kernel_exception(f);
    }
    if (user)
        kernel_before_user_return();
    else if (took)
        kernel_unlock();
}

void arch_timer_init(unsigned hz, const pt_ops_t *ops)
{
    apic_init(ops);
    ioapic_init(ops);
    uint64_t lapic_hz = apic_timer_calibrate();
    apic_timer_start(hz);
    arch_smp_timer_hz(hz);
    log_info("timer: local APIC %lu kHz (divider 16), TSC %lu MHz, tick %u Hz\n", lapic_hz / 1000,
             arch_timestamp_hz() / 1000000, hz);
}
