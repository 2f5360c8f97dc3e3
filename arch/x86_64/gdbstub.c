/* The GDB stub's x86_64 side: which traps are the debugger's, GDB's amd64 register block,
 * fault-tolerant memory access through the direct map (with a temporary writable alias for
 * read-only pages), single-step (TF/RF) and the debug registers DR0-DR3, DR6, DR7. */
#include "arch/x86_64/gdbstub.h"
#include "arch/arch.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/x86.h"

#define RFLAGS_TF  (1ul << 8)
#define RFLAGS_RF  (1ul << 16)
#define DR6_BS     (1ul << 14)
#define NO_LINE    0xffffffffu
#define USER_LIMIT 0x0000800000000000ul

static bool enabled;
static unsigned irq_line = NO_LINE;
static uint8_t hw_type[ARCH_DEBUG_HW_SLOTS]; /* 0: free, else the type given to hw_set */
static uint64_t dr7;

#define DEFINE_DR(n)                                                                               \
    static uint64_t read_dr##n(void)                                                               \
    {                                                                                              \
        uint64_t v;                                                                                \
        __asm__ volatile("mov %%dr" #n ", %0" : "=r"(v));                                          \
        return v;                                                                                  \
    }                                                                                              \
    static void write_dr##n(uint64_t v)                                                            \
    {                                                                                              \
        __asm__ volatile("mov %0, %%dr" #n ::"r"(v));                                              \
    }
DEFINE_DR(0)
DEFINE_DR(1)
DEFINE_DR(2)
DEFINE_DR(3)
DEFINE_DR(6)
#undef DEFINE_DR

static void write_dr7(uint64_t v)
{
    __asm__ volatile("mov %0, %%dr7" ::"r"(v));
}

void arch_debug_enable(void)
{
    enabled = true;
}

void arch_debug_claim_irq(unsigned line)
{
    irq_line = line;
    arch_irq_route(line, true);
}

/* #DB: which of single step, DR0-DR3 fired (DR6 is sticky: cleared here). */
static bool debug_reason(arch_debug_stop_t *why, uint64_t *addr)
{
    uint64_t dr6 = read_dr6();
    write_dr6(0);
    if (dr6 & DR6_BS) {
        *why = ARCH_STOP_STEP;
        return true;
    }
    for (unsigned i = 0; i < ARCH_DEBUG_HW_SLOTS; i++) {
        if (!(dr6 & (1ul << i)) || !hw_type[i])
            continue;
        uint64_t a[] = {read_dr0(), read_dr1(), read_dr2(), read_dr3()};
        *why = hw_type[i] == 1 ? ARCH_STOP_HWBREAK : ARCH_STOP_WATCH;
        *addr = a[i];
        return true;
    }
    return false;
}

bool gdbstub_trap(struct trap_frame *f)
{
    arch_debug_stop_t why;
    uint64_t addr = 0;
    if (!enabled)
        return false;
    if (f->vector == 3) {
        why = ARCH_STOP_BREAKPOINT;
    } else if (f->vector == 1) {
        if (!debug_reason(&why, &addr))
            return false;
    } else if (irq_line != NO_LINE && f->vector == ARCH_IRQ_VECTOR_BASE + irq_line) {
        apic_eoi();
        why = ARCH_STOP_INTERRUPT;
    } else {
        return false;
    }
    kernel_debug_resume_t r = kernel_debug_stop(f, why, addr);
    if (r == DEBUG_NOT_MINE)
        return false;
    if (r == DEBUG_AS_IS)
        return true;
    /* RF: the instruction at the resume address does not hit its own instruction breakpoint */
    f->rflags = (f->rflags & ~RFLAGS_TF) | RFLAGS_RF | (r == DEBUG_STEP ? RFLAGS_TF : 0);
    return true;
}

/* ---- registers: GDB's amd64 order (rax rbx rcx rdx rsi rdi rbp rsp r8-r15 rip as 8 bytes,
 * eflags cs ss ds es fs gs as 4, then x87 and SSE state, sent as zeros) ---- */
#define OFF_RIP    (16 * 8)
#define OFF_EFLAGS (17 * 8)
#define OFF_SEG    (OFF_EFLAGS + 4)
#define OFF_FP     (OFF_SEG + 6 * 4)
_Static_assert(OFF_FP + 8 * 10 + 8 * 4 + 16 * 16 + 4 == ARCH_DEBUG_REGS_SIZE, "amd64 block");

static void put64(uint8_t *out, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(const uint8_t *in)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | in[i];
    return v;
}

static void put_block(uint8_t *out, const uint64_t gpr[16], uint64_t rip, uint64_t rflags,
                      uint64_t cs, uint64_t ss)
{
    __builtin_memset(out, 0, ARCH_DEBUG_REGS_SIZE);
    for (int i = 0; i < 16; i++)
        put64(out + 8 * i, gpr[i]);
    put64(out + OFF_RIP, rip);
    uint64_t segs[6] = {cs, ss, 0, 0, 0, 0};
    for (int i = 0; i < 6; i++)
        __builtin_memcpy(out + OFF_SEG + 4 * i, &segs[i], 4);
    __builtin_memcpy(out + OFF_EFLAGS, &rflags, 4);
    __builtin_memcpy(out + OFF_FP + 8 * 10, (const uint32_t[]){0x37f}, 4); /* fctrl: reset */
}

void arch_debug_regs_frame(const struct trap_frame *f, uint8_t out[ARCH_DEBUG_REGS_SIZE])
{
    const uint64_t gpr[16] = {f->rax, f->rbx, f->rcx, f->rdx, f->rsi, f->rdi, f->rbp, f->rsp,
                              f->r8,  f->r9,  f->r10, f->r11, f->r12, f->r13, f->r14, f->r15};
    put_block(out, gpr, f->rip, f->rflags, f->cs, f->ss);
}

void arch_debug_regs_thread(const arch_thread_t *t, uint8_t out[ARCH_DEBUG_REGS_SIZE])
{
    if (t->parked) { /* its user frame holds everything */
        arch_debug_regs_frame((const struct trap_frame *)(t->kstack_top - ARCH_FRAME_SIZE), out);
        return;
    }
    /* arch_context_switch pushed rbp rbx r12 r13 r14 r15 below its return address */
    const uint64_t *s = (const uint64_t *)t->ksp;
    const uint64_t gpr[16] = {0, s[4], 0, 0, 0,    0,    s[5], t->ksp + 56,
                              0, 0,    0, 0, s[3], s[2], s[1], s[0]};
    put_block(out, gpr, s[6], 0x2, SEL_KCODE, SEL_KDATA);
}

void arch_debug_regs_set(struct trap_frame *f, const uint8_t in[ARCH_DEBUG_REGS_SIZE])
{
    uint64_t *const gpr[16] = {&f->rax, &f->rbx, &f->rcx, &f->rdx, &f->rsi, &f->rdi,
                               &f->rbp, &f->rsp, &f->r8,  &f->r9,  &f->r10, &f->r11,
                               &f->r12, &f->r13, &f->r14, &f->r15};
    for (int i = 0; i < 16; i++)
        *gpr[i] = get64(in + 8 * i);
    f->rip = get64(in + OFF_RIP);
    uint32_t fl;
    __builtin_memcpy(&fl, in + OFF_EFLAGS, 4);
    /* only the arithmetic flags and DF: never TF (the stub owns it), IF, IOPL or AC */
    const uint64_t mask = 0xcd5;
    f->rflags = (f->rflags & ~mask) | (fl & mask);
}

bool arch_debug_reg_span(unsigned regno, size_t *offset, size_t *size)
{
    if (regno <= 16) {
        *offset = 8 * regno;
        *size = 8;
    } else if (regno <= 23) {
        *offset = OFF_EFLAGS + 4 * (regno - 17);
        *size = 4;
    } else if (regno <= 31) {
        *offset = OFF_FP + 10 * (regno - 24);
        *size = 10;
    } else if (regno <= 39) {
        *offset = OFF_FP + 80 + 4 * (regno - 32);
        *size = 4;
    } else if (regno <= 55) {
        *offset = OFF_FP + 112 + 16 * (regno - 40);
        *size = 16;
    } else if (regno == 56) {
        *offset = ARCH_DEBUG_REGS_SIZE - 4;
        *size = 4;
    } else {
        return false;
    }
    return true;
}

uint64_t arch_debug_pc(const struct trap_frame *f)
{
    return f->rip;
}

void arch_debug_set_pc(struct trap_frame *f, uint64_t pc)
{
    f->rip = pc;
}

bool arch_debug_user_mode(const struct trap_frame *f)
{
    return f->cs & 3;
}

/* ---- memory ---- */

/* One byte written with a fixup (the fixup table, as in uaccess.S): XR_EFAULT if it faults. */
static kerr_t probe_write8(volatile uint8_t *p, uint8_t v)
{
    kerr_t err = XR_OK;
    __asm__ volatile("1: movb %b[v], (%[p])\n"
                     "2:\n"
                     ".pushsection .text.gdbstub_fixup, \"ax\"\n"
                     "3: mov %[efault], %[err]\n"
                     "   jmp 2b\n"
                     ".popsection\n"
                     ".pushsection __ex_table, \"a\"\n"
                     ".balign 8\n"
                     ".quad 1b, 3b\n"
                     ".popsection"
                     : [err] "+r"(err)
                     : [p] "r"(p), [v] "q"(v), [efault] "i"(XR_EFAULT)
                     : "memory");
    return err;
}

/* Write within one page through its direct-map alias; when the alias is read-only (the
 * kernel image's non-data pages), make it writable for the copy and restore it after. */
static kerr_t write_alias(uint64_t pa, const uint8_t *src, size_t n)
{
    uint64_t root = read_cr3() & PTE_ADDR;
    uint64_t alias = (uint64_t)arch_phys_to_virt(pa);
    unsigned flags = PTF_WRITE;
    bool unlock = !arch_pt_query(root, alias, NULL, &flags) && !(flags & PTF_WRITE);
    if (unlock) {
        arch_pt_protect(root, alias, flags | PTF_WRITE);
        arch_tlb_flush_page(alias);
    }
    kerr_t err = XR_OK;
    for (size_t i = 0; i < n && !err; i++)
        err = probe_write8((volatile uint8_t *)(alias + i), src[i]);
    if (unlock) { /* W^X again */
        arch_pt_protect(root, alias, flags);
        arch_tlb_flush_page(alias);
    }
    return err;
}

kerr_t arch_debug_mem(uint64_t root, uint64_t va, void *buf, size_t n, bool write, size_t *done)
{
    uint8_t *b = buf;
    *done = 0;
    if (!root || va >= USER_LIMIT)
        root = read_cr3() & PTE_ADDR; /* the kernel half is the same in every root */
    while (*done < n) {
        uint64_t a = va + *done, pa;
        size_t chunk = PAGE_SIZE - (a & (PAGE_SIZE - 1));
        if (chunk > n - *done)
            chunk = n - *done;
        if (arch_pt_query(root, a, &pa, NULL))
            return XR_EFAULT;
        pa |= a & (PAGE_SIZE - 1);
        if (write) {
            if (write_alias(pa, b + *done, chunk))
                return XR_EFAULT;
        } else {
            const volatile uint8_t *src = arch_phys_to_virt(pa);
            for (size_t i = 0; i < chunk; i++)
                if (arch_probe_read8(src + i, b + *done + i))
                    return XR_EFAULT;
        }
        *done += chunk;
    }
    return XR_OK;
}

/* ---- debug registers ---- */

static void write_slot(unsigned slot, uint64_t addr)
{
    switch (slot) {
    case 0:
        write_dr0(addr);
        break;
    case 1:
        write_dr1(addr);
        break;
    case 2:
        write_dr2(addr);
        break;
    default:
        write_dr3(addr);
        break;
    }
}

kerr_t arch_debug_hw_set(unsigned slot, unsigned type, uint64_t addr, unsigned len)
{
    static const uint8_t rw_bits[5] = {0, 0, 1, 3, 3}; /* execute, write, read+write */
    static const uint8_t len_bits[9] = {0, 0, 1, 0, 3, 0, 0, 0, 2};
    if (slot >= ARCH_DEBUG_HW_SLOTS || type < 1 || type > 4)
        return XR_EINVAL;
    if (type == 1 && len != 1)
        len = 1; /* GDB sends the breakpoint kind (1) as the length */
    if (len > 8 || (len & (len - 1)) || (addr & (len - 1)))
        return XR_EINVAL;
    unsigned ctl = rw_bits[type] | (type == 1 ? 0 : len_bits[len]) << 2;
    dr7 &= ~((3ul << (2 * slot)) | (0xful << (16 + 4 * slot)));
    dr7 |= (1ul << (2 * slot)) | ((uint64_t)ctl << (16 + 4 * slot));
    write_slot(slot, addr);
    write_dr7(dr7);
    hw_type[slot] = (uint8_t)type;
    return XR_OK;
}

void arch_debug_hw_clear(unsigned slot)
{
    if (slot >= ARCH_DEBUG_HW_SLOTS)
        return;
    dr7 &= ~((3ul << (2 * slot)) | (0xful << (16 + 4 * slot)));
    write_dr7(dr7);
    hw_type[slot] = 0;
}
