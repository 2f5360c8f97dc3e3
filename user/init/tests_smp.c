/* User tests of several cores: threads moved between CPUs on request, a million calls
 * between 64 clients and 4 servers spread over every core (none lost or duplicated), and a
 * TLB shootdown that a reader on another core cannot outrun. With one CPU online they check
 * only what one CPU can show (scripts/test runs them again at -smp 2 and 4). */
#include "utest.h"

#define T0         UT_SLOT_THREADS
#define EPS        130 /* 130..133: the servers' endpoints */
#define FAULT_EP   134
#define PAGE_VA    0x0000000050000000ul
#define CLIENTS    64
#define SERVERS    4
#define STOP_LABEL 77

static unsigned cpus(void)
{
    return (unsigned)xr_info(XR_INFO_CPUS);
}

UTEST(smp, cpus_online)
{
    UT_ASSERT(cpus() >= 1 && cpus() <= 8);
    printf("smp: %u CPU(s) online\n", cpus());
    UT_EQ(xr_thread_set_affinity(XR_SLOT_SELF_THREAD, cpus()), XR_EINVAL); /* not online */
}

static volatile uint64_t seen_cpu, mover_stop;

static void mover(uint64_t unused)
{
    (void)unused;
    while (!mover_stop) {
        seen_cpu = xr_info(XR_INFO_CPU);
        xr_yield();
    }
}

/* Wait (about ms) until the mover reports cpu. */
static bool mover_on(unsigned cpu, unsigned ms)
{
    for (unsigned t = 0; t < ms; t++) {
        if (seen_cpu == cpu)
            return true;
        xr_sleep_us(1000);
    }
    return seen_cpu == cpu;
}

/* A running thread moved to each CPU in turn, then anywhere: it reports where it runs. */
UTEST(smp, migration)
{
    mover_stop = 0;
    seen_cpu = ~0ul;
    UT_EQ(ut_thread(mover, 0, 100, T0), XR_OK);
    for (unsigned c = 0; c < cpus(); c++) {
        UT_EQ(xr_thread_set_affinity(T0, c), XR_OK);
        seen_cpu = ~0ul;
        UT_ASSERT(mover_on(c, 2000));
    }
    UT_EQ(xr_thread_set_affinity(T0, XR_CPU_ANY), XR_OK);
    mover_stop = 1;
    UT_ASSERT(ut_thread_join(T0, 2000));
}

static volatile uint64_t got[CLIENTS], bad[CLIENTS], done[CLIENTS];
static uint64_t calls_each;

static void server(uint64_t i)
{
    xr_msg_t m = {0};
    long err = xr_recv(EPS + (xr_cap_t)i, &m);
    while (!err && XR_TAG_LABEL(m.tag) != STOP_LABEL) {
        m.w[1] += 1;
        err = xr_reply_recv(EPS + (xr_cap_t)i, &m);
    }
    if (!err) {
        m.tag = XR_TAG(0, 0, 0);
        xr_reply(&m);
    }
}

static void client(uint64_t i)
{
    xr_msg_t m = {0};
    for (uint64_t n = 0; n < calls_each; n++) {
        m.tag = XR_TAG(1, 0, 2);
        m.w[0] = i;
        m.w[1] = n;
        if (xr_call(EPS + (xr_cap_t)(i % SERVERS), &m) || m.w[0] != i || m.w[1] != n + 1)
            bad[i]++;
        else
            got[i]++;
    }
    done[i] = 1;
}

/* 64 clients and 4 servers on every CPU in turn; each call carries (client, n) and comes back
 * (client, n + 1): every call answered exactly once. */
UTEST(smp, stress_calls_all_cores)
{
    unsigned n = cpus();
    calls_each = ut_cmdline_has("smp.calls=1m") ? 15625 : 1563; /* 64 x: 1,000,000 or 100,032 */
    for (unsigned s = 0; s < SERVERS; s++) {
        UT_EQ(xr_endpoint_create(EPS + s), XR_OK);
        UT_EQ(ut_thread(server, s, 120, T0 + s), XR_OK);
        UT_EQ(xr_thread_set_affinity(T0 + s, s % n), XR_OK);
    }
    for (unsigned c = 0; c < CLIENTS; c++) {
        got[c] = bad[c] = done[c] = 0;
        UT_EQ(ut_thread(client, c, 110, T0 + SERVERS + c), XR_OK);
        UT_EQ(xr_thread_set_affinity(T0 + SERVERS + c, (c + 1) % n), XR_OK);
    }
    uint64_t total = 0;
    for (unsigned c = 0; c < CLIENTS; c++) {
        UT_ASSERT(ut_thread_join(T0 + SERVERS + c, 600000));
        UT_EQ(bad[c], 0);
        UT_EQ(got[c], calls_each);
        total += got[c];
    }
    for (unsigned s = 0; s < SERVERS; s++) {
        xr_msg_t m = {.tag = XR_TAG(STOP_LABEL, 0, 0)};
        UT_EQ(xr_call(EPS + s, &m), XR_OK);
        UT_ASSERT(ut_thread_join(T0 + s, 2000));
        UT_EQ(xr_cap_delete(EPS + s), XR_OK);
    }
    printf("smp: %lu calls over %u CPU(s), none lost or duplicated\n", total, n);
    UT_EQ(total, CLIENTS * calls_each);
}

static volatile uint64_t reads, reader_stop;

/* Reads the page as fast as it can, counting the reads that completed. */
static void reader(uint64_t unused)
{
    (void)unused;
    while (!reader_stop) {
        if (*(volatile uint64_t *)PAGE_VA == 0x5a5a)
            reads++;
    }
}

/* A reader on another CPU keeps reading a page; once unmap returns, at most the read already
 * under way completes: the next one faults (to init, its fault handler), so no core reads
 * the freed frame through a stale TLB entry. */
UTEST(smp, tlb_shootdown)
{
    if (cpus() < 2)
        return; /* nothing to shoot down */
    xr_msg_t m = {0};
    uint64_t before = xr_info(XR_INFO_SHOOTDOWNS);
    reads = reader_stop = 0;
    UT_EQ(xr_map_anon(XR_SLOT_SELF, PAGE_VA, XR_MAP_WRITE), XR_OK);
    *(volatile uint64_t *)PAGE_VA = 0x5a5a;
    UT_EQ(xr_endpoint_create(FAULT_EP), XR_OK);
    UT_EQ(ut_thread(reader, 0, 100, T0), XR_OK);
    UT_EQ(xr_thread_set_fault(T0, FAULT_EP), XR_OK);
    UT_EQ(xr_thread_set_affinity(T0, 1), XR_OK);
    while (reads < 1000)
        xr_sleep_us(1000);
    UT_EQ(xr_unmap(XR_SLOT_SELF, PAGE_VA), XR_OK);
    uint64_t after_unmap = reads;
    UT_EQ(xr_recv(FAULT_EP, &m), XR_OK); /* the reader's next read faults */
    UT_EQ(XR_TAG_LABEL(m.tag), XR_LABEL_FAULT);
    UT_EQ(m.w[2], PAGE_VA);
    UT_ASSERT(reads - after_unmap <= 1);
    UT_ASSERT(xr_info(XR_INFO_SHOOTDOWNS) > before);
    reader_stop = 1;
    UT_EQ(xr_map_anon(XR_SLOT_SELF, PAGE_VA, XR_MAP_WRITE), XR_OK); /* then let it finish */
    m.tag = XR_TAG(XR_FAULT_RESUME, 0, 0);
    UT_EQ(xr_reply(&m), XR_OK);
    UT_ASSERT(ut_thread_join(T0, 2000));
    UT_EQ(xr_unmap(XR_SLOT_SELF, PAGE_VA), XR_OK);
    UT_EQ(xr_cap_delete(FAULT_EP), XR_OK);
}

static volatile uint64_t worker_ticks, boot_ticks, worker_cpu, worker_done, sink;

/* About 10^9 instructions of arithmetic on the worker core, its tick counted around it. */
static void compute(uint64_t unused)
{
    (void)unused;
    xr_yield(); /* on the worker now: the next switch stops its tick */
    uint64_t t0 = xr_info(XR_INFO_CPU_TICKS), g0 = xr_info(XR_INFO_TICKS);
    for (uint64_t i = 0; i < 250000000ul; i++)
        sink += i;
    worker_ticks = xr_info(XR_INFO_CPU_TICKS) - t0;
    boot_ticks = xr_info(XR_INFO_TICKS) - g0;
    worker_cpu = xr_info(XR_INFO_CPU);
    worker_done = 1;
}

/* workers=1: a long computation alone on core 1 takes no timer interrupt there, while the
 * boot core keeps its ticks (and so time: XR_INFO_TICKS). Without workers=, the same loop
 * on core 1 is interrupted by its tick: the control. */
UTEST(smp, worker_core_tickless)
{
    if (cpus() < 2)
        return; /* no core 1 */
    bool worker = xr_info(XR_INFO_WORKERS) & 2;
    worker_done = 0;
    UT_EQ(ut_thread(compute, 0, 100, T0), XR_OK);
    UT_EQ(xr_thread_set_affinity(T0, 1), XR_OK);
    UT_ASSERT(ut_thread_join(T0, 600000));
    UT_EQ(worker_done, 1);
    printf("smp: worker core 1 took %lu ticks during the loop, the boot core %lu\n", worker_ticks,
           boot_ticks);
    UT_EQ(worker_cpu, 1);
    UT_ASSERT(boot_ticks > 0);
    if (worker)
        UT_EQ(worker_ticks, 0);
    else
        UT_ASSERT(worker_ticks > 0);
}
