/* The one interface between generic kernel code and the architecture: every
 * arch_* function is implemented under arch/<name>/. Generic code includes only this. */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include "lib/types.h"

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
/* Does the direct map cover [phys, phys + len)? (After arch_paging_init.) */
bool arch_direct_mapped(uint64_t phys, uint64_t len);
uint64_t arch_virt_to_phys(const void *virt);

/* Interrupts and halting. */
void arch_irq_disable(void);
void arch_irq_enable(void);
void arch_cpu_relax(void);
/* Disable interrupts and return the previous state, for arch_irq_restore(). */
uint64_t arch_irq_save(void);
void arch_irq_restore(uint64_t state);
/* Are interrupts enabled on this CPU? (For assertions.) */
bool arch_irq_enabled(void);
_Noreturn void arch_halt_forever(void);

/* End the emulator run: pass or fail becomes QEMU's exit status (isa-debug-exit),
 * and an ACPI power-off ends Bochs. Never returns. */
_Noreturn void arch_exit_emulator(bool passed);
/* The generic kernel's ACPI power-off (kernel/power.c), arch_exit_emulator's next step after
 * isa-debug-exit: false when ACPI named no way to power off (the emulators' fixed ports then). */
bool kernel_power_off(void);
/* Reset the CPU the hard way (a triple fault), the last resort of a reboot. */
_Noreturn void arch_reset_hard(void);

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

/* ---- Page tables (arch/x86_64/paging.c) ----
 * Roots and tables are physical addresses. A mapping's flags: */
#define PTF_WRITE   0x01u
#define PTF_EXEC    0x02u
#define PTF_USER    0x04u
#define PTF_GLOBAL  0x08u
#define PTF_NOCACHE 0x10u
#define PTF_OWNED   0x20u /* the mapping owns its frame: the address space frees it */
#define PTF_LARGE   0x40u /* a 2 MiB page */

#define PAGE_SIZE       4096ul
#define LARGE_PAGE_SIZE (2ul << 20)

/* Where table frames come from and go back to; alloc returns a zeroed frame or 0. The
 * caller charges and uncharges them (mm/as.c charges the address space's quota). */
typedef struct pt_ops {
    uint64_t (*alloc)(void *ctx);
    void (*free)(void *ctx, uint64_t table);
    void *ctx;
} pt_ops_t;

/* Map va -> pa with flags (4 KiB, or 2 MiB with PTF_LARGE), creating tables through ops.
 * XR_EEXIST when va is already mapped, XR_ENOMEM when a table cannot be had (nothing
 * changed then, except tables created and left empty, which are freed again). */
kerr_t arch_pt_map(uint64_t root, uint64_t va, uint64_t pa, unsigned flags, const pt_ops_t *ops);
/* Unmap the page at va; its frame and flags in *pa / *flags (may be NULL). Tables that
 * become empty are given back through ops (ops NULL: kept). XR_ENOENT if not mapped. */
kerr_t arch_pt_unmap(uint64_t root, uint64_t va, uint64_t *pa, unsigned *flags,
                     const pt_ops_t *ops);
/* Change the flags of the page at va (the frame stays). XR_ENOENT if not mapped. */
kerr_t arch_pt_protect(uint64_t root, uint64_t va, unsigned flags);
/* The frame and flags of the page at va; XR_ENOENT if not mapped. */
kerr_t arch_pt_query(uint64_t root, uint64_t va, uint64_t *pa, unsigned *flags);
/* Call fn for every table frame reachable from root's entries [first, last] (PML4
 * slots), deepest first, then for every mapped page (leaf) with its flags. */
typedef void (*pt_visit_t)(void *ctx, uint64_t phys, int level, unsigned flags);
void arch_pt_walk(uint64_t root, unsigned first, unsigned last, pt_visit_t fn, void *ctx);
/* Give every table under root's PML4 slots [first, last] back through ops, and clear them. */
void arch_pt_free_tables(uint64_t root, unsigned first, unsigned last, const pt_ops_t *ops);

/* The kernel's root table, and the PML4 slots of the kernel half every address space shares. */
uint64_t arch_kernel_root(void);
#define PT_USER_SLOTS 256 /* PML4 slots 0..255: the user half */
/* Fill a new address space's pair of empty roots: the kernel view shares the kernel half
 * of the kernel's root; the user view (kpti=1) maps only the entry pages there. */
void arch_pt_init_user_roots(uint64_t root, uint64_t user_root);
/* After a change under root in the user half at va: make user_root's top-level entry for
 * va the same as root's (the user view shares every user-half table below the root). */
void arch_pt_sync_user_view(uint64_t root, uint64_t user_root, uint64_t va);

/* Build the kernel's own tables (direct map of [0, phys_end), the image with W^X, the
 * kernel-stack area), switch to them and drop the boot identity map. isolate (kpti=1):
 * no global kernel mappings, so none survives the switch to a user view. */
void arch_paging_init(uint64_t phys_end, const pt_ops_t *ops, bool isolate);
/* Load root (with pcid when PCIDs are on; flush = drop that PCID's stale entries). */
void arch_switch_root(uint64_t root, unsigned pcid, bool flush);
/* The value arch_switch_root loads for root and pcid without a flush, precomputed per
 * address space for arch_switch_root_fast; 0 when every switch to it must flush (PCIDs on
 * and pcid 0). */
uint64_t arch_root_value(uint64_t root, unsigned pcid);
/* Load a root whose value arch_root_value gave (no flush), and record its user view for
 * the exit to user: arch_switch_root's common case, inline. */
static inline void arch_load_root(uint64_t value)
{
    uint64_t bits;
    __asm__ volatile("movq %%gs:48, %0" : "=r"(bits));         /* CPU_USER_CR3_BITS */
    __asm__ volatile("movq %0, %%gs:104" ::"r"(value | bits)); /* CPU_EXIT_CR3 */
    __asm__ volatile("mov %0, %%cr3" ::"r"(value) : "memory");
}
/* Call fn(arg) from an inline fast path without making it save registers or set up a
 * frame: the stub (switch.S) keeps every register, so the compiler treats the call as an
 * instruction that clobbers memory only. For cold calls (interrupts off or not). */
static inline void arch_call_saving_all(void *fn, void *arg)
{
    __asm__ volatile("call arch_call_saving_all_stub" : "+a"(fn) : "D"(arg) : "memory", "cc");
}
/* The same for fn(arg, arg2). */
static inline void arch_call_saving_all2(void *fn, void *arg, void *arg2)
{
    __asm__ volatile("call arch_call_saving_all_stub"
                     : "+a"(fn)
                     : "D"(arg), "S"(arg2)
                     : "memory", "cc");
}
/* The fastpath's switch to a root whose value arch_root_value gave: one CR3 write; with
 * page-table isolation none at all, only the value the exit to user loads (the entry has
 * loaded the previous space's kernel view, whose kernel half is every space's: the exit's
 * write is then the only one of the half). Interrupts off, straight to user afterwards. */
static inline void arch_switch_root_fast(uint64_t value)
{
    uint64_t bits;
#ifdef ARCH_FASTPATH_KPTI /* the fastpath's two builds (ipc/fastpath.c): known, no test */
    const bool kpti = ARCH_FASTPATH_KPTI;
#else
    uint64_t kpti;
    __asm__ volatile("movq %%gs:32, %0" : "=r"(kpti)); /* CPU_KPTI, arch/x86_64/asm.h */
#endif
    if (kpti) {
        __asm__ volatile("movq %%gs:48, %0" : "=r"(bits));         /* CPU_USER_CR3_BITS */
        __asm__ volatile("movq %0, %%gs:104" ::"r"(value | bits)); /* CPU_EXIT_CR3 */
    } else {
        __asm__ volatile("mov %0, %%cr3" ::"r"(value) : "memory");
    }
}
/* Invalidate one page in the current address space's TLB entries. */
void arch_tlb_flush_page(uint64_t va);
/* True when PCIDs are in use (CPU support and pcid=1). */
bool arch_pcid_enabled(void);
void arch_pcid_setup(bool want);

/* For a fatal-path test: when an exception with this vector reaches the panic path,
 * report it, print the test verdict (pass) and end the emulator run instead. */
void arch_expect_fatal_trap(unsigned vector, const char *test_name);
/* Call fn(arg) on the stack whose top is top; returns when fn returns. */
void arch_call_on_stack(uint64_t top, void (*fn)(void *), void *arg);

/* ---- Threads, user entry and exit (arch/x86_64/thread.c, switch.S, fpu.c) ---- */
typedef struct arch_thread {
    uint64_t ksp;        /* saved kernel stack pointer while switched out */
    uint64_t kstack_top; /* a user thread's trap frame sits right below it */
    void *fpu;           /* FPU/SSE/AVX state page; NULL for kernel threads */
    bool parked;         /* its frame holds all its state: resume straight to user */
    uint8_t fpu_eager;   /* nonzero: its FPU state is loaded when it is switched in, for
                            this many more ticks of its running; 0: it runs lazily (fpu.c) */
} arch_thread_t;

/* Prepare t to enter user mode (at rip 0 until arch_thread_set_user) when first run. */
void arch_thread_init_user(arch_thread_t *t, uint64_t kstack_top, void *fpu_page);
/* Prepare t to run fn(arg) in kernel mode when first run; fn must never return. */
void arch_thread_init_kernel(arch_thread_t *t, uint64_t kstack_top, void (*fn)(void *), void *arg);
/* Set where a user thread starts: instruction, stack, and the first argument register. */
void arch_thread_set_user(arch_thread_t *t, uint64_t rip, uint64_t rsp, uint64_t arg);
/* Save from's FPU state, load to's, make to's stack the one kernel entries use, switch. */
void arch_switch(arch_thread_t *from, arch_thread_t *to);
/* A user thread's saved message registers (docs/ipc.md): ARCH_REG_RESULT (the error),
 * ARCH_REG_BADGE, ARCH_REG_TAG, then ARCH_REG_W0 + i for words 0..3. */
enum { ARCH_REG_RESULT, ARCH_REG_BADGE, ARCH_REG_TAG, ARCH_REG_W0 };
/* Where they sit in the saved frame at the top of the thread's kernel stack (checked by
 * arch/x86_64/trap.h): badge, tag and words 0..3 are six consecutive words. */
#define ARCH_FRAME_SIZE   176
#define ARCH_FRAME_MSG    64
#define ARCH_FRAME_RESULT 112
static inline uint64_t *arch_ipc_slot(const arch_thread_t *t, unsigned r)
{
    uint64_t frame = t->kstack_top - ARCH_FRAME_SIZE;
    return (uint64_t *)(frame + (r == ARCH_REG_RESULT ? ARCH_FRAME_RESULT
                                                      : ARCH_FRAME_MSG + 8 * (r - ARCH_REG_BADGE)));
}
static inline uint64_t arch_ipc_reg(const arch_thread_t *t, unsigned r)
{
    return *arch_ipc_slot(t, r);
}
static inline void arch_ipc_set_reg(arch_thread_t *t, unsigned r, uint64_t v)
{
    *arch_ipc_slot(t, r) = v;
}
/* Mark a thread whose user frame holds its complete state (blocked in a system call
 * whose results are in the frame) so that switching to it returns straight to user. */
static inline void arch_thread_park(arch_thread_t *t)
{
    t->parked = true;
}
/* Copy n 64-bit words between kernel addresses (rep movsq: the direction flag is clear in
 * the kernel, FMASK and the trap entry see to it). */
static inline void arch_copy_words(uint64_t *dst, const uint64_t *src, size_t n)
{
    __asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}
/* The FPU state switch (arch/x86_64/fpu.c owns the state, docs/ipc.md §4): which
 * instructions this CPU has, and the components saved. */
enum { ARCH_FPU_XSAVEOPT, ARCH_FPU_XSAVE, ARCH_FPU_FXSAVE };
extern uint8_t arch_fpu_kind;
extern uint64_t arch_fpu_xcr0;
extern uint64_t arch_fpu_traps; /* first uses by a thread running lazily (#NM), all CPUs */
/* A thread that takes the FPU (#NM) stays eager for this many timer ticks of its running. */
#define ARCH_FPU_EAGER_TICKS 4
/* Switch the FPU from thread from to thread to. Each CPU's registers are either live (the
 * running thread's state, CR0.TS clear) or clean (initial state, TS set: the thread runs
 * lazily). Clean and to lazy: nothing at all (one load, one OR, one branch). Live and
 * arch_fpu_stays_live: save from's state, load to's, inline (the CPU's live byte is 1 + the
 * kind, XSAVEOPT's tested first). The rest (going live, going clean): arch_fpu_switch_slow,
 * fpu.c. */
void arch_fpu_switch_slow(arch_thread_t *from, arch_thread_t *to);
/* Whether a live CPU stays live from from to to: to is eager, or a user thread switched in
 * after an eager one (it then runs on its own loaded state). */
static inline bool arch_fpu_stays_live(const arch_thread_t *from, const arch_thread_t *to)
{
    return to->fpu_eager || (from->fpu_eager && to->fpu);
}
static inline __attribute__((always_inline)) void arch_fpu_switch(arch_thread_t *from,
                                                                  arch_thread_t *to)
{
    __asm__ goto("movzbl %0, %%eax\n\t"
                 "orb %%gs:112, %%al\n\t" /* CPU_FPU_LIVE */
                 "jnz %l[busy]" ::"m"(to->fpu_eager)
                 : "rax", "cc"
                 : busy);
    return;
busy:
    if (!arch_fpu_stays_live(from, to))
        goto slow;
    uint32_t lo = ~0u, hi = ~0u;               /* every component XCR0 enables */
    __asm__ goto("cmpb $1 + %c0, %%gs:112\n\t" /* live, XSAVEOPT */
                 "jne %l[other]" ::"i"(ARCH_FPU_XSAVEOPT)
                 : "cc"
                 : other);
    __asm__ volatile("xsaveopt64 (%0)\n\txrstor64 (%1)" ::"r"(from->fpu), "r"(to->fpu), "a"(lo),
                     "d"(hi)
                     : "memory");
    return;
other:; /* the plainer kinds (fpu=xsave, fpu=fxsave), or a clean CPU */
    uint8_t live;
    __asm__ volatile("movb %%gs:112, %0" : "=q"(live));
    if (live == 1 + ARCH_FPU_XSAVE) {
        __asm__ volatile("xsave64 (%0)\n\txrstor64 (%1)" ::"r"(from->fpu), "r"(to->fpu), "a"(lo),
                         "d"(hi)
                         : "memory");
        return;
    }
    if (live == 1 + ARCH_FPU_FXSAVE) {
        __asm__ volatile("fxsave64 (%0)\n\tfxrstor64 (%1)" ::"r"(from->fpu), "r"(to->fpu)
                         : "memory");
        return;
    }
slow:
    arch_call_saving_all2((void *)arch_fpu_switch_slow, from, to);
}
/* A timer tick while t runs: one tick less of eagerness. */
static inline void arch_fpu_tick(arch_thread_t *t)
{
    if (t->fpu_eager)
        t->fpu_eager--;
}
/* The fastpath's switch: FPU state and the kernel stack entries use; no stack switch
 * (the caller returns to user through to's frame). */
static inline void arch_switch_fast(arch_thread_t *from, arch_thread_t *to)
{
    arch_fpu_switch(from, to);
    __asm__ volatile("movq %0, %%gs:8" ::"r"(to->kstack_top)); /* CPU_KSTACK */
    to->parked = false;
}
/* Set up the FPU state switch: with want = FPU_AUTO (lib/cmdline.h) the best instructions
 * the CPU has, else the ones asked for if the CPU has them (a warning and the best if not). */
void arch_fpu_init(unsigned want);
void arch_fpu_area_init(void *area);
/* The #NM of a lazy user thread t (its first FPU instruction): load its state, make it
 * eager; false if t is not lazy (then the trap is a fault). */
bool arch_fpu_first_use(arch_thread_t *t);
/* Wait for an interrupt with interrupts enabled, then disable them again. */
void arch_wait_for_interrupt(void);
/* Per-CPU set-up for system calls and user entry: GS, entry stack, syscall MSRs; and
 * whether entries switch page tables (kpti) and use PCIDs. */
void arch_cpu_local_init(bool kpti);

/* Copy between kernel and user memory; XR_EFAULT for an address outside the user half, a
 * wrapping range, or a page that faults. Never faults the kernel. */
kerr_t arch_copy_from_user(void *dst, uint64_t usrc, size_t n);
kerr_t arch_copy_to_user(uint64_t udst, const void *src, size_t n);

/* The generic kernel's side of entries (implemented outside arch/):
 * - syscall_table: the handlers the entry code calls, indexed by number (kernel/syscall.c);
 * - kernel_user_fault: a CPU exception in user mode (the thread must not resume);
 * - kernel_current_arch: the running thread's arch part;
 * - kernel_timer_tick: the periodic timer fired;
 * - kernel_before_user_return: last chance to reschedule before returning to user. */
/* The IPC fastpath (ipc/fastpath.c): call and reply_recv for the current thread; each
 * returns the frame of the thread to return to user as (ARCH_FRAME_SIZE below its
 * kstack_top), or NULL to take the slowpath. The entry code then returns to user as that
 * thread with result XR_OK, the badge from its frame (ARCH_REG_BADGE, the only message
 * register the fastpath stores) and the tag and words 0..3 of args[1..5], words at or past
 * the tag's length cleared. */
void *ipc_fastpath_call(const uint64_t args[6]);
void *ipc_fastpath_reply_recv(const uint64_t args[6]);
/* The same for 5 to XR_MSG_MAX words (the rest in the IPC buffers), no caps. */
void *ipc_fastpath_call_long(const uint64_t args[6]);
void *ipc_fastpath_reply_recv_long(const uint64_t args[6]);
/* The four again for the _kpti entry points (ipc/fastpath_kpti.c). */
void *ipc_fastpath_call_kpti(const uint64_t args[6]);
void *ipc_fastpath_reply_recv_kpti(const uint64_t args[6]);
void *ipc_fastpath_call_long_kpti(const uint64_t args[6]);
void *ipc_fastpath_reply_recv_long_kpti(const uint64_t args[6]);
extern bool ipc_fastpath_enabled;
/* Point the entry code's dispatch at the fastpath (on) or not: the entry then tests no
 * flag. At boot, before the first system call. */
void arch_syscall_fastpath(bool on);
void kernel_user_fault(unsigned vector, uint64_t error, uint64_t addr, uint64_t rip);
arch_thread_t *kernel_current_arch(void);
void kernel_timer_tick(void);
void kernel_before_user_return(void);

/* Start the periodic timer interrupt (calls kernel_timer_tick hz times a second once
 * interrupts are on); the LAPIC's MMIO page is mapped with ops. */
void arch_timer_init(unsigned hz, const pt_ops_t *ops);

/* Device interrupt lines (GSIs), delivered on vectors ARCH_IRQ_VECTOR_BASE + line; the
 * generic kernel's kernel_irq(line) runs for each (interrupts off). */
#define ARCH_IRQ_LINES       24
#define ARCH_IRQ_VECTOR_BASE 0x30
unsigned arch_irq_lines(void);
/* Before arch_timer_init: the I/O APIC's address (0: the usual 0xfec00000) and the
 * polarity and trigger of lines that firmware describes (ACPI MADT overrides: flags in
 * ACPI's encoding, bits 0-1 polarity, 2-3 trigger). */
void arch_irq_config(uint64_t ioapic_phys, unsigned gsi, uint16_t flags);
/* Unmask (enable) or mask a line. */
void arch_irq_route(unsigned line, bool enable);
void kernel_irq(unsigned line);

/* Port I/O for the I/O-port capability (width 1, 2 or 4 bytes). */
uint32_t arch_io_in(uint16_t port, unsigned width);
void arch_io_out(uint16_t port, unsigned width, uint32_t value);

/* ---- The GDB stub's machine side (arch/x86_64/gdbstub.c, built with CONFIG_GDBSTUB) ----
 * The generic stub (kernel/gdb.c) sees a stopped context only as an opaque trap frame. */
typedef enum arch_debug_stop {
    ARCH_STOP_BREAKPOINT, /* an int3; the pc is just after it */
    ARCH_STOP_STEP,       /* a single step ended */
    ARCH_STOP_HWBREAK,    /* a hardware instruction breakpoint */
    ARCH_STOP_WATCH,      /* a hardware watchpoint; the address is the watched one */
    ARCH_STOP_INTERRUPT,  /* the debugger's serial line interrupted (maybe Ctrl-C) */
} arch_debug_stop_t;
typedef enum kernel_debug_resume {
    DEBUG_NOT_MINE, /* not the debugger's business: the usual trap handling goes on */
    DEBUG_CONTINUE,
    DEBUG_STEP,
    DEBUG_AS_IS, /* handled without stopping (a byte on the line that was no Ctrl-C): resume
                  * exactly as interrupted */
} kernel_debug_resume_t;
/* The generic stub's entry (kernel/gdb.c), from the trap path with interrupts off: f is
 * stopped; returns how to resume it. */
kernel_debug_resume_t kernel_debug_stop(struct trap_frame *f, arch_debug_stop_t why, uint64_t addr);
/* Turn the trap hook on (the stub is ready); claim the interrupt line (GSI) whose
 * interrupts are the debugger's (unmasked here; call after arch_timer_init). */
void arch_debug_enable(void);
void arch_debug_claim_irq(unsigned line);
/* GDB's amd64 register block ('g' packet): ARCH_DEBUG_REGS_SIZE bytes, little-endian. */
#define ARCH_DEBUG_REGS_SIZE  536
#define ARCH_DEBUG_BREAK_INSN 0xccu /* the software breakpoint instruction (1 byte) */
void arch_debug_regs_frame(const struct trap_frame *f, uint8_t out[ARCH_DEBUG_REGS_SIZE]);
/* A switched-out thread: the registers its context switch saved (or its parked user frame). */
void arch_debug_regs_thread(const arch_thread_t *t, uint8_t out[ARCH_DEBUG_REGS_SIZE]);
/* Write a block back into f (general registers, rip, rflags; the rest is ignored). */
void arch_debug_regs_set(struct trap_frame *f, const uint8_t in[ARCH_DEBUG_REGS_SIZE]);
/* Where register regno lies in the block; false for a number past the block. */
bool arch_debug_reg_span(unsigned regno, size_t *offset, size_t *size);
uint64_t arch_debug_pc(const struct trap_frame *f);
void arch_debug_set_pc(struct trap_frame *f, uint64_t pc);
bool arch_debug_user_mode(const struct trap_frame *f);
/* Copy n bytes between buf and va in the address space of root (0: the current one) through
 * the direct map, never faulting: XR_EFAULT at the first byte that is not mapped (*done tells
 * how many were copied). A write to a read-only page (kernel text) goes through a writable
 * alias made for the copy and removed again. */
kerr_t arch_debug_mem(uint64_t root, uint64_t va, void *buf, size_t n, bool write, size_t *done);
/* Hardware breakpoint slots (DR0-DR3): type 1 execute, 2 write, 3 read (x86: read or write),
 * 4 access; len 1 for execute, 1/2/4/8 aligned for data. XR_EINVAL for what the CPU cannot do. */
#define ARCH_DEBUG_HW_SLOTS 4
kerr_t arch_debug_hw_set(unsigned slot, unsigned type, uint64_t addr, unsigned len);
void arch_debug_hw_clear(unsigned slot);

/* Time stamp counter, and its rate in ticks per second (measured against the PIT by the last
 * timer calibration, arch_timer_init at boot; a default when that failed; 0 before it). */
uint64_t arch_timestamp(void);
uint64_t arch_timestamp_hz(void);

/* ---- cores ---- */
#define ARCH_MAX_CPUS 8

/* This CPU's number (0: the boot CPU), and the generic kernel's per-CPU hot data, from
 * the per-CPU block (x86_64: GS). Inline: every kernel exit and the fastpath read them. */
static inline unsigned arch_cpu_id(void)
{
    unsigned id;
    __asm__ volatile("movl %%gs:64, %0" : "=r"(id)); /* CPU_ID, arch/x86_64/asm.h */
    return id;
}
/* The per-CPU hot area: ARCH_CPU_HOT_WORDS words inside the per-CPU block, whose layout
 * the generic kernel owns (sched_hot_t); its first word reads in one instruction. */
#define ARCH_CPU_HOT_WORDS 4
static inline void *arch_cpu_hot(void)
{
    char *self;
    __asm__ volatile("movq %%gs:0, %0" : "=r"(self)); /* CPU_SELF */
    return self + 72;                                 /* CPU_HOT */
}
static inline void *arch_cpu_hot_first(void)
{
    void *w;
    __asm__ volatile("movq %%gs:72, %0" : "=r"(w)); /* CPU_HOT */
    return w;
}
/* The fastpath's accesses to the hot area at a constant offset off, one instruction each
 * (no load of the area's address first): a 32-bit read, the first word written, a byte
 * cleared. */
static inline __attribute__((always_inline)) int arch_cpu_hot_read32(unsigned long off)
{
    int v;
    __asm__ volatile("movl %%gs:72+%c1, %0" : "=r"(v) : "i"(off));
    return v;
}
static inline void arch_cpu_hot_set_first(void *w)
{
    __asm__ volatile("movq %0, %%gs:72" ::"r"(w) : "memory");
}
static inline __attribute__((always_inline)) void arch_cpu_hot_clear8(unsigned long off)
{
    __asm__ volatile("movb $0, %%gs:72+%c0" ::"i"(off) : "memory");
}
/* ... a 64-bit word read, compared and written. */
static inline __attribute__((always_inline)) void *arch_cpu_hot_read64(unsigned long off)
{
    void *v;
    __asm__ volatile("movq %%gs:72+%c1, %0" : "=r"(v) : "i"(off));
    return v;
}
static inline __attribute__((always_inline)) bool arch_cpu_hot_is64(unsigned long off,
                                                                    const void *v)
{
    bool eq;
    __asm__ volatile("cmpq %1, %%gs:72+%c2" : "=@cce"(eq) : "r"(v), "i"(off));
    return eq;
}
static inline __attribute__((always_inline)) void arch_cpu_hot_write64(unsigned long off, void *v)
{
    __asm__ volatile("movq %0, %%gs:72+%c1" ::"r"(v), "i"(off) : "memory");
}
/* CPU cpu's hot area (any CPU's). */
void *arch_cpu_hot_of(unsigned cpu);

/* Start application processors from the local APIC ids apic_ids[0..count-1] (the boot
 * CPU's own id is skipped) until n CPUs are online, at most ARCH_MAX_CPUS in all; each runs
 * kernel_ap_main(cpu) with interrupts off once its own GDT, TSS, IDT, per-CPU block, FPU and local
 * APIC timer are set up. Returns how many CPUs are online (the boot CPU included). Boot CPU, after
 * arch_timer_init; ops gives the frames of the start-up page tables. */
unsigned arch_smp_start(const uint32_t *apic_ids, unsigned count, unsigned n, const pt_ops_t *ops);
/* Called on each application processor, never returns (kernel/main.c). */
_Noreturn void kernel_ap_main(unsigned cpu);
/* CPUs online. */
unsigned arch_cpus_online(void);

/* Inter-processor interrupts: ARCH_IPI_RESCHED makes cpu run kernel_ipi_resched() (with
 * the kernel lock, as an interrupt), ARCH_IPI_TLB makes it run kernel_ipi_tlb() at once,
 * without the kernel lock (also from user mode or from the halt in idle). */
enum arch_ipi { ARCH_IPI_RESCHED, ARCH_IPI_TLB };
void arch_ipi_send(unsigned cpu, enum arch_ipi ipi);
void kernel_ipi_resched(void);
bool kernel_ipi_tlb(void); /* true: the interrupted thread's address space was dropped */
/* Drop every non-global TLB entry of this CPU (reload CR3). */
void arch_tlb_flush_all(void);
/* Stop or restart this CPU's periodic tick (a worker core running one thread). */
void arch_tick_stop(void);
void arch_tick_start(void);

#endif
