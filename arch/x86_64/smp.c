/* Starting the application processors (INIT, then two start-up IPIs at the page the
 * ap_boot.S blob is copied to), their per-CPU set-up on arrival, and the inter-processor
 * interrupts the generic kernel sends (reschedule, TLB shootdown). Boot CPU only for the
 * start-up; one core at a time comes up, waited for with a time limit. */
#include "arch/arch.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"
#include "kernel/log.h"
#include "kernel/string.h"

#define AP_BOOT_ADDR (AP_BOOT_PAGE * PAGE_SIZE)
#define AP_STACK     (4 * PAGE_SIZE)
#define AP_WAIT_MS   200

extern const uint8_t ap_boot_start[], ap_boot_end[], ap_boot_cr3[], ap_boot_efer[], ap_boot_stack[],
    ap_boot_entry[], ap_boot_cpu[];

static uint32_t apic_of[ARCH_MAX_CPUS]; /* each CPU's local APIC id */
static uint8_t ap_stacks[ARCH_MAX_CPUS][AP_STACK] __attribute__((aligned(16))); /* until idle */
static unsigned online = 1;
static volatile unsigned arrived; /* the last CPU number that reached ap_main */
static unsigned timer_hz;         /* the boot CPU's tick rate, for the others */

uint32_t boot_apic_id(void)
{
    return online > 1 ? apic_of[0] : apic_id();
}

unsigned arch_cpus_online(void)
{
    return online;
}

void *arch_cpu_hot_of(unsigned cpu)
{
    return percpu_of(cpu)->hot;
}

void arch_smp_timer_hz(unsigned hz)
{
    timer_hz = hz;
}

static void delay_us(uint64_t us)
{
    uint64_t hz = arch_timestamp_hz() ? arch_timestamp_hz() : 1000000000ul;
    uint64_t end = arch_timestamp() + hz / 1000000 * us;
    while (arch_timestamp() < end)
        arch_cpu_relax();
}

/* A CPU arrives here in long mode on the start-up tables, with interrupts off. */
static _Noreturn void ap_main(unsigned cpu)
{
    write_cr3(arch_kernel_root());
    cpu_enable_protections();
    gdt_init(cpu);
    idt_init();
    percpu_init(cpu);
    fpu_init_ap(); /* (its per-CPU state needs GS) */
    cpu_local_setup(cpu);
    apic_init_ap();
    apic_timer_start(timer_hz);
    __atomic_store_n(&arrived, cpu, __ATOMIC_RELEASE);
    kernel_ap_main(cpu);
}

/* Page tables for the start-up: the kernel half of the kernel's root, and the low 2 MiB
 * identity-mapped (one large page, executable) for the blob. Below 4 GiB: CR3 is loaded
 * in 32-bit mode. Returns the root, or 0. */
static uint64_t boot_tables(const pt_ops_t *ops)
{
    uint64_t pml4 = ops->alloc(ops->ctx), pdpt = ops->alloc(ops->ctx), pd = ops->alloc(ops->ctx);
    if (!pml4 || !pdpt || !pd || pml4 >> 32 || pdpt >> 32 || pd >> 32)
        return 0;
    uint64_t *l4 = arch_phys_to_virt(pml4), *l3 = arch_phys_to_virt(pdpt),
             *l2 = arch_phys_to_virt(pd);
    const uint64_t *kernel = arch_phys_to_virt(arch_kernel_root());
    memset(l4, 0, PAGE_SIZE);
    memset(l3, 0, PAGE_SIZE);
    memset(l2, 0, PAGE_SIZE);
    memcpy(l4 + PT_USER_SLOTS, kernel + PT_USER_SLOTS, PT_USER_SLOTS * sizeof(uint64_t));
    l4[0] = pdpt | PTE_P | PTE_W;
    l3[0] = pd | PTE_P | PTE_W;
    l2[0] = 0 | PTE_P | PTE_W | PTE_PS;
    return pml4;
}

/* Copy the blob and fill in its parameters for cpu, with its stack. */
static void boot_blob(uint64_t cr3, unsigned cpu, uint64_t stack_top)
{
    uint8_t *page = arch_phys_to_virt(AP_BOOT_ADDR);
    size_t size = (size_t)(ap_boot_end - ap_boot_start);
    memcpy(page, ap_boot_start, size);
    uint32_t cr3_32 = (uint32_t)cr3, efer = (1u << 8) | (arch_cpu_info()->nx ? 1u << 11 : 0);
    uint64_t entry = (uint64_t)ap_main;
    uint32_t id = cpu;
    memcpy(page + (ap_boot_cr3 - ap_boot_start), &cr3_32, 4);
    memcpy(page + (ap_boot_efer - ap_boot_start), &efer, 4);
    memcpy(page + (ap_boot_stack - ap_boot_start), &stack_top, 8);
    memcpy(page + (ap_boot_entry - ap_boot_start), &entry, 8);
    memcpy(page + (ap_boot_cpu - ap_boot_start), &id, 4);
}

/* INIT, 10 ms, start-up, 200 us, start-up again; then wait for it to arrive. */
static bool boot_one(unsigned cpu)
{
    apic_send_init(apic_of[cpu]);
    delay_us(10000);
    for (int i = 0; i < 2 && __atomic_load_n(&arrived, __ATOMIC_ACQUIRE) != cpu; i++) {
        apic_send_startup(apic_of[cpu], AP_BOOT_PAGE);
        delay_us(200);
    }
    for (unsigned ms = 0; ms < AP_WAIT_MS; ms++) {
        if (__atomic_load_n(&arrived, __ATOMIC_ACQUIRE) == cpu)
            return true;
        delay_us(1000);
    }
    return false;
}

unsigned arch_smp_start(const uint32_t *apic_ids, unsigned count, unsigned n, const pt_ops_t *ops)
{
    if (n > ARCH_MAX_CPUS)
        n = ARCH_MAX_CPUS;
    apic_of[0] = apic_id();
    if (n < 2)
        return online;
    uint64_t cr3 = boot_tables(ops);
    if (!cr3) {
        log_warn("smp: no start-up page tables below 4 GiB; one core\n");
        return online;
    }
    for (unsigned i = 0; i < count && online < n; i++) {
        if (apic_ids[i] == apic_of[0])
            continue;
        apic_of[online] = apic_ids[i];
        boot_blob(cr3, online, (uint64_t)&ap_stacks[online][AP_STACK]);
        if (boot_one(online)) {
            online++;
        } else {
            log_warn("smp: core with APIC id %u did not start\n", apic_ids[i]);
        }
    }
    if (online > 1)
        wrmsr(MSR_LSTAR, syscall_entry_for(true)); /* the boot CPU's entry takes the lock */
    return online;
}

void arch_ipi_send(unsigned cpu, enum arch_ipi ipi)
{
    if (cpu < online)
        apic_send_ipi(apic_of[cpu], ipi == ARCH_IPI_TLB ? IPI_TLB_VECTOR : IPI_RESCHED_VECTOR);
}

void arch_tick_stop(void)
{
    apic_timer_stop();
}

void arch_tick_start(void)
{
    apic_timer_start(timer_hz);
}

void arch_tlb_flush_all(void)
{
    write_cr3(read_cr3());
}
