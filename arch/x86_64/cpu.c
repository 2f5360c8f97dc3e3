/* Boot-CPU set-up: descriptor tables, CPU feature discovery, protection bits in
 * CR0/CR4, and the small arch_* services (halt, emulator exit, time stamp). */
#include "arch/arch.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"
#include "kernel/log.h"

#define EMU_EXIT_PORT 0xf4
#define EMU_EXIT_PASS 0x10 /* QEMU exits with (0x10 << 1) | 1 = 33 */
#define EMU_EXIT_FAIL 0x11 /* 35 */

static arch_cpu_info_t cpu_info;

static void cpu_read_brand(void)
{
    uint32_t r[4];
    cpuid(0, 0, r);
    uint32_t max_leaf = r[0];
    __builtin_memcpy(cpu_info.vendor + 0, &r[1], 4);
    __builtin_memcpy(cpu_info.vendor + 4, &r[3], 4);
    __builtin_memcpy(cpu_info.vendor + 8, &r[2], 4);
    cpuid(1, 0, r);
    cpu_info.family = (r[0] >> 8 & 0xf) + ((r[0] >> 8 & 0xf) == 0xf ? (r[0] >> 20 & 0xff) : 0);
    cpu_info.model_id = (r[0] >> 4 & 0xf) | (r[0] >> 12 & 0xf0);
    cpu_info.stepping = r[0] & 0xf;
    cpu_info.pcid = r[2] >> 17 & 1;
    cpu_info.x2apic = r[2] >> 21 & 1;
    cpu_info.xsave = r[2] >> 26 & 1;
    cpu_info.pge = r[3] >> 13 & 1;
    if (max_leaf >= 7) {
        cpuid(7, 0, r);
        cpu_info.fsgsbase = r[1] & 1;
        cpu_info.smep = r[1] >> 7 & 1;
        cpu_info.invpcid = r[1] >> 10 & 1;
        cpu_info.smap = r[1] >> 20 & 1;
        cpu_info.umip = r[2] >> 2 & 1;
    }
    cpuid(0x80000000, 0, r);
    uint32_t max_ext = r[0];
    cpuid(0x80000001, 0, r);
    cpu_info.nx = r[3] >> 20 & 1;
    cpu_info.pdpe1gb = r[3] >> 26 & 1;
    if (max_ext >= 0x80000004) {
        for (uint32_t i = 0; i < 3; i++) {
            cpuid(0x80000002 + i, 0, r);
            __builtin_memcpy(cpu_info.model + 16 * i, r, 16);
        }
    }
    /* trim the leading blanks some CPUs put in the brand string */
    char *m = cpu_info.model;
    while (*m == ' ')
        m++;
    if (m != cpu_info.model)
        __builtin_memmove(cpu_info.model, m, sizeof(cpu_info.model) - (size_t)(m - cpu_info.model));
}

/* Switch on every protection the CPU offers: WP, NX, SMEP, SMAP, UMIP, global pages (on
 * each CPU as it starts). */
void cpu_enable_protections(void)
{
    write_cr0(read_cr0() | CR0_WP);
    if (cpu_info.nx)
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
    if (cpu_info.pge)
        cr4 |= CR4_PGE;
    if (cpu_info.smep)
        cr4 |= CR4_SMEP;
    if (cpu_info.smap)
        cr4 |= CR4_SMAP;
    if (cpu_info.umip)
        cr4 |= CR4_UMIP;
    write_cr4(cr4);
}

void arch_init(void)
{
    gdt_init(0);
    idt_init();
    percpu_init(0); /* arch_cpu_id() works from here on */
    cpu_read_brand();
    cpu_enable_protections();
}

const arch_cpu_info_t *arch_cpu_info(void)
{
    return &cpu_info;
}

void *arch_phys_to_virt(uint64_t phys)
{
    return (void *)(phys + DIRECT_MAP_BASE);
}

uint64_t arch_virt_to_phys(const void *virt)
{
    uint64_t v = (uint64_t)virt;
    return v >= KERNEL_BASE ? v - KERNEL_BASE : v - DIRECT_MAP_BASE;
}

void arch_irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}
void arch_irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}
void arch_cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

bool arch_irq_enabled(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0" : "=r"(flags));
    return flags & 0x200; /* IF */
}

uint64_t arch_irq_save(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags)::"memory");
    return flags;
}

void arch_irq_restore(uint64_t state)
{
    if (state & 0x200) /* IF */
        __asm__ volatile("sti" ::: "memory");
}

void arch_halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

void arch_exit_emulator(bool passed)
{
    outb(EMU_EXIT_PORT, passed ? EMU_EXIT_PASS : EMU_EXIT_FAIL);
    if (!kernel_power_off()) {
        outw(0xb004, 0x2000); /* Bochs (and older QEMU) ACPI power-off */
        outw(0x604, 0x2000);  /* QEMU's PIIX4/ICH9 ACPI power-off */
    }
    arch_halt_forever();
}

void arch_reset_hard(void)
{
    static const struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) no_idt = {0, 0};
    __asm__ volatile("cli; lidt %0; int3" ::"m"(no_idt) : "memory");
    arch_halt_forever();
}

uint64_t arch_timestamp(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

void arch_breakpoint(void)
{
    __asm__ volatile("int3" ::: "memory");
}

void arch_call_on_stack(uint64_t top, void (*fn)(void *), void *arg)
{
    __asm__ volatile("mov %%rsp, %%rbx\n\t"
                     "mov %0, %%rsp\n\t"
                     "call *%1\n\t"
                     "mov %%rbx, %%rsp"
                     :
                     : "r"(top), "r"(fn), "D"(arg)
                     : "rbx", "rax", "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "memory");
}

void arch_wait_for_interrupt(void)
{
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}

uint32_t arch_io_in(uint16_t port, unsigned width)
{
    uint32_t v = 0;
    if (width == 1)
        __asm__ volatile("inb %1, %b0" : "=a"(v) : "Nd"(port));
    else if (width == 2)
        __asm__ volatile("inw %1, %w0" : "=a"(v) : "Nd"(port));
    else
        __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return width == 1 ? v & 0xff : width == 2 ? v & 0xffff : v;
}

void arch_io_out(uint16_t port, unsigned width, uint32_t value)
{
    if (width == 1)
        outb(port, (uint8_t)value);
    else if (width == 2)
        outw(port, (uint16_t)value);
    else
        outl(port, value);
}
