/* ipcbench: kernel round-trip and IPC latency micro-benchmarks, measured the sel4bench way
 * (bench.h; docs/bench/README.md), printed as JSON between BEGIN/END IPCBENCH JSON lines.
 *
 * init starts it under test=bench. Its argument: bit 0 (BENCH_ARG_QUICK) asks for the short
 * run (bench=quick); bits 12..47, when not zero, are the address of a page init maps into this
 * process holding the kernel command line, NUL-terminated, which is parsed here with the
 * kernel's own parser (kernel/cmdline.c) to record the configuration. init then gives this
 * process its first thread's cap in XR_SLOT_SELF_THREAD and, last, its own process cap in
 * XR_SLOT_SELF: that cap's arrival says the page is ready. Exits 0 when every case ran. */
#include "bench.h"
#include "kernel/cmdline.h"

#define BENCH_ARG_QUICK  1ul
#define BENCH_ARG_PAGE   0x0000fffffffff000ul
#define BENCH_PRIO       100 /* every thread of every case */
#define BENCH_SLOT_PEER  20  /* the second thread of a case */
#define BENCH_STACK_TOP  0x0000000050000000ul
#define BENCH_STACK_SIZE (4 * 4096ul)
#define BENCH_MAX_MISSES 1000 /* yields in a row that did not reach the peer: it is gone */

/* ---- Overhead loops: the timestamps of the cases, around nothing. ---- */

/* For cases that take both timestamps in one thread. */
static long overhead_local(uint64_t *raw, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        uint64_t t0 = bench_ts_begin();
        uint64_t t1 = bench_ts_end();
        raw[i] = t1 - t0;
    }
    return XR_OK;
}

/* State of a two-thread case; volatile because the peer changes it across a system call. */
static struct {
    volatile uint64_t t0;    /* taken by the thread that yielded last, just before it did */
    volatile unsigned owner; /* which thread took t0: 0 the main thread, 1 the peer */
    volatile unsigned next;  /* samples stored */
    volatile long err;
    uint64_t *raw;
    unsigned count;
} sw;

/* For cases whose first timestamp is taken by one thread and the second by another. */
static long overhead_shared(uint64_t *raw, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        sw.owner = 0;
        sw.t0 = bench_ts_begin();
        uint64_t t1 = bench_ts_end();
        raw[i] = t1 - sw.t0;
    }
    return XR_OK;
}

/* ---- Cases that run today. ---- */

/* null_syscall: one xr_null(), the cheapest kernel entry and exit. */
static long case_null_syscall(uint64_t *raw, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        uint64_t t0 = bench_ts_begin();
        xr_null(); /* always XR_OK */
        uint64_t t1 = bench_ts_end();
        raw[i] = t1 - t0;
    }
    return XR_OK;
}

/* yield_same_prio: xr_yield() with no other thread of this priority ready, so the scheduler
 * runs and picks the caller again. */
static long case_yield_same_prio(uint64_t *raw, unsigned count)
{
    long err = XR_OK;

    for (unsigned i = 0; i < count && err == XR_OK; i++) {
        uint64_t t0 = bench_ts_begin();
        err = xr_yield();
        uint64_t t1 = bench_ts_end();
        raw[i] = t1 - t0;
    }
    return err;
}

/* Yields to the peer until sw.count samples are stored; a sample is one switch: from just
 * before one thread's yield to just after the other thread's yield returns. */
static void switch_loop(unsigned me)
{
    unsigned misses = 0;

    while (sw.next < sw.count && sw.err == XR_OK) {
        sw.owner = me;
        sw.t0 = bench_ts_begin();
        long err = xr_yield();
        uint64_t t1 = bench_ts_end();
        if (err != XR_OK) {
            sw.err = err;
        } else if (sw.owner == me) { /* the peer did not run */
            if (++misses > BENCH_MAX_MISSES)
                sw.err = XR_EDEAD;
        } else if (sw.next < sw.count) {
            misses = 0;
            sw.raw[sw.next++] = t1 - sw.t0;
        }
    }
}

static void peer_entry(uint64_t arg)
{
    switch_loop((unsigned)arg);
    for (;;)
        xr_syscall0(XR_SYS_THREAD_EXIT);
}

/* Starts peer_entry(1) in a new thread of this process, at BENCH_SLOT_PEER. */
static long peer_start(void)
{
    for (uint64_t va = BENCH_STACK_TOP - BENCH_STACK_SIZE; va < BENCH_STACK_TOP; va += 4096) {
        long err = xr_map_anon(XR_SLOT_SELF, va, XR_MAP_WRITE);
        if (err != XR_OK && err != XR_EEXIST)
            return err;
    }
    long err = xr_thread_create(XR_SLOT_SELF, BENCH_SLOT_PEER);
    if (err != XR_OK)
        return err;
    err = xr_thread_set_regs(BENCH_SLOT_PEER, (uint64_t)peer_entry, BENCH_STACK_TOP - 8, 1);
    if (err == XR_OK)
        err = xr_thread_set_prio(BENCH_SLOT_PEER, BENCH_PRIO);
    if (err == XR_OK)
        err = xr_thread_start(BENCH_SLOT_PEER);
    if (err != XR_OK)
        xr_cap_delete(BENCH_SLOT_PEER);
    return err;
}

/* Lets the peer run until it has ended, then deletes its cap. */
static long peer_join(void)
{
    uint64_t state = 0;

    for (unsigned i = 0; i < BENCH_MAX_MISSES; i++) {
        if (xr_thread_status(BENCH_SLOT_PEER, &state) != XR_OK || state == XR_THREAD_DEAD)
            break;
        xr_yield();
    }
    xr_cap_delete(BENCH_SLOT_PEER);
    return state == XR_THREAD_DEAD ? XR_OK : XR_EBUSY;
}

/* thread_switch_yield: two threads of this process at the same priority yield to each other;
 * one sample per switch. */
static long case_thread_switch_yield(uint64_t *raw, unsigned count)
{
    sw.raw = raw;
    sw.count = count;
    sw.next = 0;
    sw.err = XR_OK;
    long err = peer_start();
    if (err != XR_OK)
        return err;
    switch_loop(0);
    err = peer_join();
    return sw.err != XR_OK ? sw.err : err;
}

/*
 * Every case, in output order. The IPC cases join this table as bench_fn_t functions when the
 * system calls they measure exist (issues 5 and after): ipc_rt_same_as, ipc_rt_cross_as,
 * ipc_call_cross_as, ipc_replyrecv_cross_as, ipc_rt_cross_as_{16w,64w}, ipc_rt_cross_as_cap,
 * notify_wake, chan_msg_64b, chan_msg_64b_batched. Two-sided ones use overhead_shared (or
 * their own overhead loop when their timestamps travel differently).
 */
static const bench_case_t cases[] = {
    {"null_syscall", case_null_syscall, overhead_local},
    {"yield_same_prio", case_yield_same_prio, overhead_local},
    {"thread_switch_yield", case_thread_switch_yield, overhead_shared},
};

/* ---- Start-up and output. ---- */

/* Waits (at most about a second) for init's process cap, its signal that set-up is done. */
static bool wait_for_init(void)
{
    for (int i = 0; i < 1000; i++) {
        unsigned type = XR_OBJ_NONE;
        if (xr_cap_identify(XR_SLOT_SELF, &type, NULL) == XR_OK && type == XR_OBJ_PROCESS)
            return true;
        xr_sleep_us(1000);
    }
    return false;
}

/* Copies the command line init passed (see the top of this file) into buf. */
static void read_cmdline(uint64_t arg, char *buf, size_t size)
{
    const char *page = (const char *)(arg & BENCH_ARG_PAGE);
    size_t n = 0;

    for (; page && n < size - 1 && page[n]; n++)
        buf[n] = page[n];
    buf[n] = '\0';
}

static void print_json(const char *cmdline, const config_t *cfg, bool quick, unsigned warmup,
                       unsigned samples, const bench_result_t *results, unsigned count)
{
    printf("BEGIN IPCBENCH JSON\n");
    printf("{\"benchmark\": \"ipcbench\", \"format\": 1,\n  \"cmdline\": ");
    bench_json_string(cmdline);
    printf(",\n  \"config\": {\"fastpath\": %d, \"kpti\": %d, \"pcid\": %d, \"smp\": %d, "
           "\"workers\": %lu},\n",
           cfg->fastpath, cfg->kpti, cfg->pcid, cfg->smp, cfg->workers);
    printf("  \"quick\": %s, \"warmup\": %u, \"samples\": %u, \"unit\": \"tsc\",\n",
           quick ? "true" : "false", warmup, samples);
    printf("  \"results\": [\n");
    bench_json_results(results, count);
    printf("  ]}\n");
    printf("END IPCBENCH JSON\n");
}

int main(uint64_t arg)
{
    enum { NCASES = sizeof(cases) / sizeof(cases[0]) };
    static bench_result_t results[NCASES];
    char cmdline[sizeof(((xr_bootinfo_t *)0)->cmdline)];
    config_t cfg;
    bool quick = arg & BENCH_ARG_QUICK;
    unsigned warmup = quick ? BENCH_QUICK_WARMUP : BENCH_WARMUP;
    unsigned samples = quick ? BENCH_QUICK_SAMPLES : BENCH_SAMPLES;
    int failed = 0;

    if (!wait_for_init()) {
        printf("not ok bench/setup no process cap from init\n0 passed, 1 failed\n");
        return 1;
    }
    read_cmdline(arg, cmdline, sizeof(cmdline));
    config_defaults(&cfg);
    cmdline_parse(cmdline, &cfg, NULL);
    printf("ipcbench: %u cases, %u samples after %u warm-up, command line \"%s\"\n", NCASES,
           samples, warmup, cmdline);
    long err = xr_thread_set_prio(XR_SLOT_SELF_THREAD, BENCH_PRIO);
    for (unsigned i = 0; i < NCASES; i++) {
        if (err == XR_OK)
            failed += bench_run_case(&cases[i], warmup, samples, &results[i]) != XR_OK;
        else
            results[i] = (bench_result_t){.name = cases[i].name, .err = err};
    }
    if (err != XR_OK) {
        printf("not ok bench/setup cannot set the priority: %s\n", xr_strerror(err));
        failed = NCASES;
    }
    print_json(cmdline, &cfg, quick, warmup, samples, results, NCASES);
    printf("%d passed, %d failed\n", NCASES - failed, failed);
    return failed ? 1 : 0;
}
