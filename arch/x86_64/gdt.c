/* Per-CPU GDT and TSS with IST stacks for double fault, NMI and machine check, the
 * per-CPU block (GS), and the IDT all CPUs share. */
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"

#define IST_STACK_SIZE 8192
enum { IST_DF = 1, IST_NMI = 2, IST_MC = 3 };

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS layout");

struct idt_entry {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
} __attribute__((packed));

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

/* What the CPU reads on a kernel entry lives in .entry.data, the pages that stay mapped
 * in the user view when page-table isolation is on. */
#define ENTRY_DATA __attribute__((section(".entry.data")))
static uint64_t gdt[ARCH_MAX_CPUS][7] ENTRY_DATA;
static struct tss tss[ARCH_MAX_CPUS] ENTRY_DATA;
static struct idt_entry idt[256] ENTRY_DATA;
static uint8_t ist_stacks[ARCH_MAX_CPUS][3][IST_STACK_SIZE] ENTRY_DATA __attribute__((aligned(16)));
static uint8_t entry_stack[ARCH_MAX_CPUS][ENTRY_STACK_SIZE] ENTRY_DATA __attribute__((aligned(16)));
static struct cpu_local cpus[ARCH_MAX_CPUS] ENTRY_DATA;

struct cpu_local *percpu_of(unsigned id)
{
    return &cpus[id];
}

/* CPU id's per-CPU block: GS base in kernel mode (swapgs trades it with the user's on
 * every entry and exit), the entry stack as RSP0, and syscall/sysret. Runs on that CPU. */
void percpu_init(unsigned id)
{
    struct cpu_local *c = &cpus[id];
    uint64_t top = (uint64_t)&entry_stack[id][ENTRY_STACK_SIZE];
    c->self = (uint64_t)c;
    c->id = id;
    c->kstack = top; /* until a thread runs */
    c->entry_iret = top - 5 * 8;
    tss[id].rsp[0] = top;
    wrmsr(MSR_GS_BASE, (uint64_t)c);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    wrmsr(MSR_STAR, ((uint64_t)(SEL_UDATA - 8 - 3) << 48) | ((uint64_t)SEL_KCODE << 32));
    wrmsr(MSR_LSTAR, (uint64_t)(id ? syscall_entry_smp : syscall_entry)); /* smp.c switches 0 */
    wrmsr(MSR_FMASK, 0x47700); /* IF, DF, TF, NT, AC, IOPL cleared on entry */
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

extern const uint64_t trap_stub_table[256];

static void gdt_set_tss(uint64_t *g, uint64_t base, uint32_t limit)
{
    g[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ul << 40) |
           ((uint64_t)(limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
    g[6] = base >> 32;
}

/* Load CPU id's GDT (kernel code/data, user data/code in sysret order, its TSS) and the
 * task register. Runs on that CPU. */
void gdt_init(unsigned id)
{
    uint64_t *g = gdt[id];
    struct tss *t = &tss[id];
    g[0] = 0;
    g[1] = 0x00209a0000000000; /* kernel code, 64-bit */
    g[2] = 0x0000920000000000; /* kernel data */
    g[3] = 0x0000f20000000000; /* user data, DPL 3 */
    g[4] = 0x0020fa0000000000; /* user code, 64-bit, DPL 3 */
    for (int i = 0; i < 3; i++)
        t->ist[i] = (uint64_t)&ist_stacks[id][i][IST_STACK_SIZE];
    t->iomap_base = sizeof(*t); /* no I/O bitmap: user port access faults */
    gdt_set_tss(g, (uint64_t)t, sizeof(*t) - 1);

    struct desc_ptr p = {sizeof(gdt[id]) - 1, (uint64_t)g};
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "mov %2, %%ax\n\t"
                     "mov %%ax, %%ds\n\t"
                     "mov %%ax, %%es\n\t"
                     "mov %%ax, %%ss\n\t"
                     "ltr %w3"
                     :
                     : "m"(p), "i"(SEL_KCODE), "i"(SEL_KDATA), "r"(SEL_TSS)
                     : "rax", "memory");
}

static void idt_set(unsigned v, uint64_t handler, unsigned ist, unsigned dpl)
{
    idt[v].off_lo = handler & 0xffff;
    idt[v].sel = SEL_KCODE;
    idt[v].ist = ist;
    idt[v].type = 0x8e | (dpl << 5); /* present, 64-bit interrupt gate */
    idt[v].off_mid = handler >> 16 & 0xffff;
    idt[v].off_hi = handler >> 32;
    idt[v].zero = 0;
}

/* Point all 256 vectors at their stubs (first call only); #BP may be raised from user
 * mode (int3). Then load the IDT on this CPU. */
void idt_init(void)
{
    if (!idt[0].sel) {
        for (unsigned v = 0; v < 256; v++)
            idt_set(v, trap_stub_table[v], 0, v == 3 ? 3 : 0);
        idt[8].ist = IST_DF;
        idt[2].ist = IST_NMI;
        idt[18].ist = IST_MC;
    }
    struct desc_ptr p = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" ::"m"(p));
}
