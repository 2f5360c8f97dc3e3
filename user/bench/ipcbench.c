/* ipcbench: kernel round-trip and IPC latency micro-benchmarks, measured the sel4bench way
 * (bench.h; docs/bench/README.md), printed as JSON between BEGIN/END IPCBENCH JSON lines.
 *
 * init starts it under test=bench. Its argument: bit 0 (BENCH_ARG_QUICK) asks for the short
 * run (bench=quick); bits 12..47, when not zero, are the address of a page init maps into this
 * process holding the kernel command line, NUL-terminated, which is parsed here with the
 * kernel's own parser (lib/cmdline.c) to record the configuration. init then gives this
 * process the "ipcserver" boot module's memory in XR_BENCH_SLOT_SERVER_IMAGE (read-only: the
 * server of the cross-address-space cases, spawned from it), its first thread's cap in
 * XR_SLOT_SELF_THREAD and, last, its own process cap in XR_SLOT_SELF: that cap's arrival says
 * the set-up is done. Exits 0 when every case ran.
 *
 * This file is the program: start-up, the case table and the JSON; the cases are in
 * cases_*.c by topic, their second thread in peer.c (ipcbench.h). */
#include "ipcbench.h"
#include "lib/cmdline.h"

#define BENCH_ARG_QUICK 1ul
#define BENCH_ARG_PAGE  0x0000fffffffff000ul

#define BENCH_1M_SAMPLES 100 /* the 1 MiB cases: 100 samples after 10 warm-up */

/* Every case, in output order: its name, its function and the argument it gets, its overhead
 * loop, and 0 or the smaller number of samples it takes. Two-sided cases use overhead_shared
 * (when the first timestamp travels through memory) or overhead_local (when it travels in a
 * message register, or one thread takes both); the per-message channel cases divide theirs as
 * their samples. */
static const bench_case_t cases[] = {
    {"null_syscall", case_null_syscall, 0, overhead_local, 0},
    {"yield_same_prio", case_yield_same_prio, 0, overhead_local, 0},
    {"thread_switch_yield", case_thread_switch_yield, 0, overhead_shared, 0},
    {"ipc_rt_same_as", case_ipc_rt, BENCH_ECHO(XR_MSG_REGS), overhead_local, 0},
    {"ipc_call_same_as", case_ipc_oneway, BENCH_ONEWAY_CALL, overhead_local, 0},
    {"ipc_replyrecv_same_as", case_ipc_oneway, BENCH_ONEWAY_REPLY, overhead_local, 0},
    {"ipc_rt_cross_as", case_ipc_rt, BENCH_CROSS | BENCH_ECHO(XR_MSG_REGS), overhead_local, 0},
    {"ipc_call_cross_as", case_ipc_oneway, BENCH_CROSS | BENCH_ONEWAY_CALL, overhead_local, 0},
    {"ipc_replyrecv_cross_as", case_ipc_oneway, BENCH_CROSS | BENCH_ONEWAY_REPLY, overhead_local,
     0},
    {"ipc_stub_nop", case_ipc_stub_nop, 0, overhead_local, 0},
    {"ipc_rt_cross_as_0w", case_ipc_rt, BENCH_CROSS | BENCH_ECHO(0), overhead_local, 0},
    {"ipc_rt_cross_as_16w", case_ipc_rt, BENCH_CROSS | BENCH_ECHO(16), overhead_local, 0},
    {"ipc_rt_cross_as_64w", case_ipc_rt, BENCH_CROSS | BENCH_ECHO(XR_MSG_MAX), overhead_local, 0},
    /* one cap (the endpoint itself), no words: the server deletes it and replies one word */
    {"ipc_rt_cross_as_cap", case_ipc_rt, BENCH_CROSS | XR_TAG(BENCH_LABEL_CAP, 1, 0),
     overhead_local, 0},
    {"notify_wake", case_notify_wake, 0, overhead_shared, 0},
    {"chan_msg_64b", case_chan_msg, 1, overhead_chan_msg, 0},
    {"chan_msg_64b_batched", case_chan_msg, BENCH_CHAN_BATCH, overhead_chan_msg, 0},
    {"chan_msg_64b_inplace", case_chan_msg, 1 | BENCH_CHAN_INPLACE, overhead_chan_msg, 0},
    {"chan_msg_64b_inplace_batched", case_chan_msg, BENCH_CHAN_BATCH | BENCH_CHAN_INPLACE,
     overhead_chan_msg, 0},
    {"chan_bulk_4k", case_chan_bulk, 4096, overhead_chan_bulk, 0},
    {"chan_bulk_64k", case_chan_bulk, 65536, overhead_chan_bulk, 0},
    {"chan_bulk_1m", case_chan_bulk, BENCH_BULK_MAX, overhead_local, BENCH_1M_SAMPLES},
    {"ipc_copy_4k", case_ipc_copy, 4096, overhead_local, 0},
    {"ipc_copy_64k", case_ipc_copy, 65536, overhead_local, 0},
    {"ipc_copy_1m", case_ipc_copy, BENCH_BULK_MAX, overhead_local, BENCH_1M_SAMPLES},
    {"memcpy_4k", case_memcpy, 4096, overhead_local, 0},
    {"memcpy_64k", case_memcpy, 65536, overhead_local, 0},
    {"memcpy_1m", case_memcpy, BENCH_BULK_MAX, overhead_local, BENCH_1M_SAMPLES},
    /* ipc_rt_cross_as with both threads writing an XMM register between calls: FPU users.
     * Last: a thread stays eager for ARCH_FPU_EAGER_TICKS ticks of its running after its
     * last FPU use, which would change the FPU work of the cases after it. */
    {"ipc_rt_cross_as_fpu", case_ipc_rt, BENCH_CROSS | XR_TAG(BENCH_LABEL_FPU, 0, XR_MSG_REGS),
     overhead_local, 0},
    /* ... only the client: the server runs lazily, each switch goes from eager to lazy */
    {"ipc_rt_cross_as_fpu_client", case_ipc_rt,
     BENCH_CROSS | XR_TAG(BENCH_LABEL_FPU_CLIENT, 0, XR_MSG_REGS), overhead_local, 0},
};

/* bench=smp (with smp=2 or more, scripts/bench runs it at 4 cores): only the cases across
 * cores, where the TSC under -icount counts every core's instructions (cases_smp.c). The two
 * round trips call a server pinned to CPU 1; the throughput cases need that many cores. */
static const bench_case_t smp_cases[] = {
    {"ipc_rt_cross_core", case_ipc_rt, BENCH_OTHER_CORE | BENCH_ECHO(XR_MSG_REGS), overhead_local,
     0},
    {"ipc_rt_cross_core_as", case_ipc_rt, BENCH_CROSS | BENCH_OTHER_CORE | BENCH_ECHO(XR_MSG_REGS),
     overhead_local, 0},
    {"ipc_tput_1core", case_smp_tput, 1, overhead_smp_tput, BENCH_SMP_ROUNDS},
    {"ipc_tput_2core", case_smp_tput, 2, overhead_smp_tput, BENCH_SMP_ROUNDS},
    {"ipc_tput_4core", case_smp_tput, 4, overhead_smp_tput, BENCH_SMP_ROUNDS},
    /* last: their code uses SSE (cases_smp_chan.c), which leaves this thread eager for a few
     * ticks, and pair 0's client of the ipc_tput_* cases is this thread */
    {"chan_msg_64b_cross_core", case_smp_chan, 1, overhead_smp_chan, BENCH_SMP_CHAN_LAPS},
    {"chan_msg_64b_cross_core_b32", case_smp_chan, 32, overhead_smp_chan, BENCH_SMP_CHAN_LAPS},
};
_Static_assert(sizeof(smp_cases) <= sizeof(cases), "main's results[] holds either table");

/* ---- Start-up and output. ---- */

/* The main thread's priority and its IPC buffer. */
static long setup(void)
{
    long err = xr_thread_set_prio(XR_SLOT_SELF_THREAD, BENCH_PRIO);
    if (err == XR_OK)
        err = bench_map_page(BENCH_IPCBUF_VA);
    if (err == XR_OK)
        err = xr_thread_set_ipcbuf(XR_SLOT_SELF_THREAD, BENCH_IPCBUF_VA);
    return err;
}

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

/* Whether the command line has word, whole. */
static bool has_word(const char *line, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = line; *p; p++)
        if ((p == line || p[-1] == ' ') && strncmp(p, word, n) == 0 && (p[n] == ' ' || !p[n]))
            return true;
    return false;
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
    const bench_case_t *table = cases;
    unsigned ncases = NCASES;
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
    if (has_word(cmdline, "bench=smp")) {
        table = smp_cases;
        ncases = sizeof(smp_cases) / sizeof(smp_cases[0]);
    }
    printf("ipcbench: %u cases, %u samples after %u warm-up, command line \"%s\"\n", ncases,
           samples, warmup, cmdline);
    long err = setup();
    for (unsigned i = 0; i < ncases; i++) {
        if (err == XR_OK)
            failed += bench_run_case(&table[i], warmup, samples, &results[i]) != XR_OK;
        else
            results[i] = (bench_result_t){.name = table[i].name, .err = err};
    }
    if (err != XR_OK) {
        printf("not ok bench/setup cannot set the priority or the IPC buffer: %s\n",
               xr_strerror(err));
        failed = (int)ncases;
    }
    print_json(cmdline, &cfg, quick, warmup, samples, results, ncases);
    printf("%d passed, %d failed\n", (int)ncases - failed, failed);
    return failed ? 1 : 0;
}
