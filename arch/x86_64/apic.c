/* The boot CPU's local APIC in xAPIC (MMIO) mode: mapping and enabling it, silencing the
 * legacy 8259 PICs, and the LAPIC timer, calibrated against PIT channel 2 with the TSC
 * measured over the same window. Locks: none; boot CPU only, interrupts off. */
#include "arch/x86_64/apic.h"
#include "arch/x86_64/x86.h"
#include "kernel/log.h"

#define MSR_APIC_BASE    0x1b
#define APIC_BASE_X2APIC (1ul << 10)
#define APIC_BASE_ENABLE (1ul << 11)
#define APIC_BASE_ADDR   0x000ffffffffff000ul
#define CPUID1_EDX_APIC  (1u << 9)

/* xAPIC register offsets in the MMIO page */
#define LAPIC_ID         0x020
#define LAPIC_TPR        0x080
#define LAPIC_EOI        0x0b0
#define LAPIC_SVR        0x0f0
#define LAPIC_ESR        0x280
#define LAPIC_ICR_LO     0x300
#define LAPIC_ICR_HI     0x310
#define LAPIC_LVT_TIMER  0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR  0x390
#define LAPIC_TIMER_DIV  0x3e0

#define SVR_ENABLE   (1u << 8)
#define ICR_INIT     0x00004500u /* INIT, level assert */
#define ICR_STARTUP  0x00004600u /* start-up IPI; the low byte is the vector (page number) */
#define ICR_FIXED    0x00004000u /* fixed delivery, level assert; the low byte is the vector */
#define ICR_PENDING  (1u << 12)
#define ICR_SPIN_MAX (1u << 20)
#define LVT_MASKED   (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define TIMER_DIV_16 0x3u
#define TIMER_MAX    0xffffffffu

/* the two 8259 PICs */
#define PIC1_CMD      0x20
#define PIC1_DATA     0x21
#define PIC2_CMD      0xa0
#define PIC2_DATA     0xa1
#define PIC_ICW1_INIT 0x11 /* edge triggered, cascaded, ICW4 follows */
#define PIC_ICW4_8086 0x01
#define PIC1_VECTOR   0x20
#define PIC2_VECTOR   0x28
#define PORT_IO_DELAY 0x80 /* an unused port: writing it gives the PIC time to settle */

/* PIT channel 2, gated and read back through the system control port 0x61 */
#define PIT_HZ        1193182ul
#define PIT_CH2       0x42
#define PIT_CMD       0x43
#define PIT_CH2_MODE0 0xb0 /* channel 2, low then high byte, mode 0, binary */
#define PORT_SYSCTL   0x61
#define SYSCTL_GATE2  0x01
#define SYSCTL_SPKR   0x02
#define SYSCTL_OUT2   0x20
#define CAL_LATCH     (PIT_HZ / 100) /* PIT ticks in one ~10 ms window */
#define CAL_WINDOWS   3
/* Polls of port 0x61 before giving up on the PIT: about a second or more at the ~1 us a
 * port read costs on hardware, and still above 10 ms under QEMU -icount (~5 ns a poll). */
#define CAL_SPIN_MAX (1u << 22)

/* Used when the PIT does not count: a 100 MHz APIC bus divided by 16, and a 1 GHz TSC. */
#define DEFAULT_TIMER_HZ 6250000ul
#define DEFAULT_TSC_HZ   1000000000ul

static volatile uint32_t *lapic; /* the MMIO page; NULL until apic_init() */
static uint64_t timer_hz, tsc_hz;

static uint32_t lapic_read(unsigned reg)
{
    kassert(lapic);
    return lapic[reg / 4];
}

static void lapic_write(unsigned reg, uint32_t v)
{
    kassert(lapic);
    lapic[reg / 4] = v;
}

static void pic_write(uint16_t port, uint8_t v)
{
    outb(port, v);
    outb(PORT_IO_DELAY, 0);
}

/* Re-initialise both PICs to vectors 0x20-0x2f, then mask all 16 lines. */
static void pic_disable(void)
{
    pic_write(PIC1_CMD, PIC_ICW1_INIT);
    pic_write(PIC2_CMD, PIC_ICW1_INIT);
    pic_write(PIC1_DATA, PIC1_VECTOR);
    pic_write(PIC2_DATA, PIC2_VECTOR);
    pic_write(PIC1_DATA, 1u << 2); /* the slave hangs on line 2 of the master */
    pic_write(PIC2_DATA, 2);       /* ... and knows its cascade identity */
    pic_write(PIC1_DATA, PIC_ICW4_8086);
    pic_write(PIC2_DATA, PIC_ICW4_8086);
    pic_write(PIC1_DATA, 0xff);
    pic_write(PIC2_DATA, 0xff);
}

/* Map the MMIO page at base uncached at its direct-map address. The direct map may
 * already cover it (machines with RAM above 4 GiB): then only make that mapping uncached
 * (for a 2 MiB page that is the whole 0xfee00000 region, which holds no RAM). */
static volatile uint32_t *lapic_map(uint64_t base, const pt_ops_t *ops)
{
    uint64_t va = (uint64_t)arch_phys_to_virt(base);
    unsigned flags = PTF_WRITE | PTF_NOCACHE | PTF_GLOBAL;
    kerr_t err = arch_pt_map(arch_kernel_root(), va, base, flags, ops);
    if (err == XR_EEXIST) {
        uint64_t pa;
        unsigned old;
        if (arch_pt_query(arch_kernel_root(), va, &pa, &old) || pa != base)
            panic("apic: %lx is mapped, but not to the local APIC at %lx", va, base);
        err = arch_pt_protect(arch_kernel_root(), va, (old & PTF_LARGE) | flags);
    }
    if (err)
        panic("apic: cannot map the local APIC at %lx (error %d)", base, err);
    arch_tlb_flush_page(va);
    return (volatile uint32_t *)va;
}

/* Turn the APIC on in xAPIC mode through its base MSR; returns the MMIO base. Leaving
 * x2APIC mode must pass through "disabled" (a direct switch raises #GP). */
static uint64_t lapic_enable_xapic(void)
{
    uint64_t msr = rdmsr(MSR_APIC_BASE);
    if (msr & APIC_BASE_X2APIC) {
        log_warn("apic: firmware left x2APIC mode on; switching to xAPIC\n");
        msr &= ~(APIC_BASE_X2APIC | APIC_BASE_ENABLE);
        wrmsr(MSR_APIC_BASE, msr);
    }
    if (!(msr & APIC_BASE_ENABLE))
        wrmsr(MSR_APIC_BASE, msr | APIC_BASE_ENABLE);
    return msr & APIC_BASE_ADDR;
}

void apic_init(const pt_ops_t *ops)
{
    if (lapic)
        return;
    uint32_t r[4];
    cpuid(1, 0, r);
    if (!(r[3] & CPUID1_EDX_APIC))
        panic("apic: this CPU has no local APIC");
    pic_disable();
    uint64_t base = lapic_enable_xapic();
    lapic = lapic_map(base, ops);
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | APIC_TIMER_VECTOR);
    lapic_write(LAPIC_TIMER_INIT, 0);
    lapic_write(LAPIC_SVR, SVR_ENABLE | APIC_SPURIOUS_VECTOR);
    lapic_write(LAPIC_ESR, 0); /* two writes: the first latches, the second clears */
    lapic_write(LAPIC_ESR, 0);
    log_info("apic: local APIC id %u at %lx enabled, 8259 PICs masked\n", apic_id(), base);
}

void apic_init_ap(void)
{
    lapic_enable_xapic();
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | APIC_TIMER_VECTOR);
    lapic_write(LAPIC_TIMER_INIT, 0);
    lapic_write(LAPIC_SVR, SVR_ENABLE | APIC_SPURIOUS_VECTOR);
    lapic_write(LAPIC_ESR, 0);
    lapic_write(LAPIC_ESR, 0);
}

/* Send icr to the local APIC with id dest and wait (bounded) until it is delivered. */
static bool icr_send(uint32_t dest, uint32_t icr)
{
    lapic_write(LAPIC_ICR_HI, dest << 24);
    lapic_write(LAPIC_ICR_LO, icr);
    for (uint32_t i = 0; i < ICR_SPIN_MAX; i++) {
        if (!(lapic_read(LAPIC_ICR_LO) & ICR_PENDING))
            return true;
        arch_cpu_relax();
    }
    return false;
}

void apic_send_init(uint32_t dest)
{
    icr_send(dest, ICR_INIT);
}

void apic_send_startup(uint32_t dest, unsigned page)
{
    icr_send(dest, ICR_STARTUP | (page & 0xff));
}

void apic_send_ipi(uint32_t dest, unsigned vector)
{
    icr_send(dest, ICR_FIXED | (vector & 0xff));
}

/* Wait (bounded) for PIT channel 2's output to rise at the end of its count. */
static bool pit_wait_out2(void)
{
    for (uint32_t i = 0; i < CAL_SPIN_MAX; i++) {
        if (inb(PORT_SYSCTL) & SYSCTL_OUT2)
            return true;
        arch_cpu_relax();
    }
    return false;
}

/* How one calibration window went: a good sample, a bad one (the PIT's output was already
 * high at the start, as when there is no PIT, or the timer did not count), or the PIT's
 * output never rose: then the other windows would only wait as long again. */
typedef enum { CAL_OK, CAL_BAD, CAL_TIMEOUT } cal_result_t;

/* One calibration window: the LAPIC timer and TSC ticks during CAL_LATCH PIT ticks. */
static cal_result_t calibrate_window(uint64_t *timer_ticks, uint64_t *tsc_ticks)
{
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | APIC_TIMER_VECTOR);
    lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
    lapic_write(LAPIC_TIMER_INIT, TIMER_MAX);
    outb(PIT_CMD, PIT_CH2_MODE0); /* mode 0: the output goes low until the count ends */
    outb(PIT_CH2, CAL_LATCH & 0xff);
    outb(PIT_CH2, CAL_LATCH >> 8); /* counting starts here */
    uint64_t tsc0 = arch_timestamp();
    uint32_t cur0 = lapic_read(LAPIC_TIMER_CUR);
    bool started = !(inb(PORT_SYSCTL) & SYSCTL_OUT2);
    bool ended = started && pit_wait_out2();
    uint64_t tsc1 = arch_timestamp();
    uint32_t cur1 = lapic_read(LAPIC_TIMER_CUR);
    lapic_write(LAPIC_TIMER_INIT, 0);
    *timer_ticks = cur0 - cur1;
    *tsc_ticks = tsc1 - tsc0;
    if (started && !ended)
        return CAL_TIMEOUT;
    return ended && cur1 && cur1 < cur0 ? CAL_OK : CAL_BAD;
}

static void sort_u64(uint64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t x = v[j];
            v[j] = v[j - 1];
            v[j - 1] = x;
        }
}

/* Run the windows and keep the medians in timer_hz / tsc_hz; false if none worked. A
 * median, because the host may preempt an emulator's vCPU in the middle of one window. */
static bool calibrate_pit(void)
{
    uint64_t timer[CAL_WINDOWS], tsc[CAL_WINDOWS];
    unsigned n = 0;
    uint8_t sysctl = inb(PORT_SYSCTL);
    outb(PORT_SYSCTL, (sysctl & ~SYSCTL_SPKR) | SYSCTL_GATE2);
    for (unsigned i = 0; i < CAL_WINDOWS; i++) {
        cal_result_t r = calibrate_window(&timer[n], &tsc[n]);
        if (r == CAL_TIMEOUT)
            break;
        n += r == CAL_OK;
    }
    outb(PORT_SYSCTL, sysctl & 0x0f); /* bits 4-7 read as status */
    if (!n)
        return false;
    sort_u64(timer, n);
    sort_u64(tsc, n);
    timer_hz = timer[n / 2] * PIT_HZ / CAL_LATCH;
    tsc_hz = tsc[n / 2] * PIT_HZ / CAL_LATCH;
    return true;
}

uint64_t apic_timer_calibrate(void)
{
    uint64_t irq = arch_irq_save();
    uint32_t lvt = lapic_read(LAPIC_LVT_TIMER), div = lapic_read(LAPIC_TIMER_DIV);
    uint32_t init = lapic_read(LAPIC_TIMER_INIT), running = lapic_read(LAPIC_TIMER_CUR);
    if (!calibrate_pit()) {
        timer_hz = DEFAULT_TIMER_HZ;
        tsc_hz = DEFAULT_TSC_HZ;
        log_warn("apic: PIT channel 2 does not count; assuming timer %lu Hz, TSC %lu Hz\n",
                 timer_hz, tsc_hz);
    }
    lapic_write(LAPIC_LVT_TIMER, lvt);
    lapic_write(LAPIC_TIMER_DIV, div);
    if (running)
        lapic_write(LAPIC_TIMER_INIT, init);
    arch_irq_restore(irq);
    log_info("apic: timer %lu Hz (divider 16), TSC %lu Hz\n", timer_hz, tsc_hz);
    return timer_hz;
}

/* The calibrated timer frequency, calibrating now if that was never done. */
static uint64_t timer_rate(void)
{
    return timer_hz ? timer_hz : apic_timer_calibrate();
}

/* Start the timer with count ticks (divider 16) in mode (0 one-shot, or LVT_PERIODIC). */
static void timer_arm(uint32_t mode, uint64_t count)
{
    lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
    lapic_write(LAPIC_LVT_TIMER, mode | APIC_TIMER_VECTOR);
    lapic_write(LAPIC_TIMER_INIT, count < 1 ? 1 : count > TIMER_MAX ? TIMER_MAX : (uint32_t)count);
}

void apic_timer_start(unsigned hz)
{
    if (!hz)
        apic_timer_stop();
    else
        timer_arm(LVT_PERIODIC, timer_rate() / hz);
}

void apic_timer_oneshot(uint64_t us)
{
    uint64_t hz = timer_rate(), secs = us / 1000000;
    /* whole seconds and the rest apart, so that no product overflows */
    if (secs > TIMER_MAX / hz)
        timer_arm(0, TIMER_MAX);
    else
        timer_arm(0, secs * hz + us % 1000000 * hz / 1000000);
}

void apic_timer_stop(void)
{
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | APIC_TIMER_VECTOR);
    lapic_write(LAPIC_TIMER_INIT, 0);
}

uint32_t apic_timer_count(void)
{
    return lapic_read(LAPIC_TIMER_CUR);
}

void apic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

uint32_t apic_id(void)
{
    return lapic_read(LAPIC_ID) >> 24;
}

uint64_t arch_timestamp_hz(void)
{
    return tsc_hz;
}
