/* ipcbench's cases across cores (bench=smp, docs/bench/README.md): the aggregate throughput of
 * one client/server pair of threads per core on 1, 2 and 4 cores, and the threads of these
 * cases and of the channel message to another core (cases_smp_chan.c). Under QEMU -icount the
 * cores run in turn on one host thread and the TSC counts the instructions of all of them, so
 * every figure here is instructions executed by all cores together (spins and idle wake-ups
 * included), per message or per call: on real hardware the pairs would overlap in time. */
#include <stdatomic.h>

#include "ipcbench.h"

/* Slots (each case deletes what it made): the pairs' threads, endpoints and notifications (the
 * channel's: cases_smp_chan.c). */
#define SMP_SLOT_CLIENT     50 /* + pair: 51..57 (pair 0's client is the main thread) */
#define SMP_SLOT_SERVER     58 /* 58..65 */
#define SMP_SLOT_EP         66 /* 66..73 */
#define SMP_SLOT_GO         74 /* 75..81: a client thread waits on its own to start a round */
#define SMP_SLOT_DONE       82 /* the last client of a round signals it */
#define SMP_MAX_PAIRS       8
#define SMP_THREAD_STACK_VA 0x0000000090000000ul /* 16 KiB of stack per thread, 64 KiB apart */
#define SMP_THREAD_BUF_VA   0x00000000a0000000ul /* an IPC buffer page per thread */
#define SMP_CALLS_PER_ROUND 1000u /* calls each client makes in one sample of a throughput case */

/* ---- Threads of the throughput cases. ---- */

static void (*thread_fns[2 * SMP_MAX_PAIRS])(uint64_t);

static void thread_entry(uint64_t idx_arg)
{
    unsigned idx = (unsigned)(idx_arg >> 56);
    thread_fns[idx](idx_arg & ((1ul << 56) - 1));
    for (;;)
        xr_syscall0(XR_SYS_THREAD_EXIT);
}

long smp_thread_start(xr_cap_t slot, unsigned idx, unsigned cpu, void (*fn)(uint64_t), uint64_t arg)
{
    thread_fns[idx] = fn;
    long err =
        bench_thread_start(slot, (uint64_t)thread_entry, SMP_THREAD_STACK_VA + idx * 0x10000ul,
                           SMP_THREAD_BUF_VA + idx * 4096ul, (uint64_t)idx << 56 | arg, BENCH_PRIO);
    if (err == XR_OK) /* queued behind this thread, it moves at once */
        err = xr_thread_set_affinity(slot, cpu);
    return err;
}

/* ---- Aggregate throughput: pairs of threads, one pair per core. ---- */

static struct {
    atomic_uint left;  /* clients still calling in this round */
    atomic_long err;   /* the first error a client met */
    volatile bool end; /* the clients leave at their next round */
    long server_err[SMP_MAX_PAIRS];
} tput;

static void tput_server(uint64_t pair)
{
    xr_ipc_buffer_t *buf = (xr_ipc_buffer_t *)(SMP_THREAD_BUF_VA + (SMP_MAX_PAIRS + pair) * 4096);
    tput.server_err[pair] = bench_server(SMP_SLOT_EP + (xr_cap_t)pair, buf);
}

/* One round of pair's client: SMP_CALLS_PER_ROUND echo calls of 4 words to its own server,
 * each reply checked (the first error is kept in tput.err). Returns whether this was the last
 * client of the round to finish. */
static bool client_round(unsigned pair)
{
    const uint64_t tag = BENCH_ECHO(XR_MSG_REGS);

    for (unsigned i = 0; i < SMP_CALLS_PER_ROUND; i++) {
        xr_msg_t m = {.tag = tag, .w = {1, 2, 3, i}};
        long err = xr_call(SMP_SLOT_EP + pair, &m);
        if (err == XR_OK && (m.tag != tag || m.w[0] != 1 || m.w[3] != i))
            err = XR_ECORRUPT;
        if (err != XR_OK) {
            long ok = XR_OK;
            atomic_compare_exchange_strong(&tput.err, &ok, err);
            break;
        }
    }
    return atomic_fetch_sub(&tput.left, 1) == 1;
}

/* The client thread of pair 1.. (pair 0's is the main thread): a round at each signal of its GO
 * notification; the last client of a round signals DONE. */
static void tput_client(uint64_t pair)
{
    uint64_t bits;

    while (xr_wait(SMP_SLOT_GO + (xr_cap_t)pair, &bits) == XR_OK && !tput.end)
        if (client_round((unsigned)pair))
            xr_signal(SMP_SLOT_DONE);
}

/* Makes the pairs' endpoints, notifications and threads (pair p on CPU p; pair 0's client is
 * this thread). */
static long tput_start(unsigned pairs)
{
    long err = xr_notify_create(SMP_SLOT_DONE);

    tput.end = false;
    tput.err = XR_OK;
    for (unsigned p = 0; p < pairs && err == XR_OK; p++) {
        err = xr_endpoint_create(SMP_SLOT_EP + p);
        if (p > 0)
            err = err ? err : xr_notify_create(SMP_SLOT_GO + p);
        err =
            err ? err : smp_thread_start(SMP_SLOT_SERVER + p, SMP_MAX_PAIRS + p, p, tput_server, p);
        if (p > 0)
            err = err ? err : smp_thread_start(SMP_SLOT_CLIENT + p, p, p, tput_client, p);
    }
    if (err != XR_OK)
        printf("ipcbench: %u pairs: %s (quota used %lu of %lu frames, kernel %lu of %lu, page "
               "tables %lu of %lu)\n",
               pairs, xr_strerror(err), (uint64_t)xr_info(XR_INFO_QUOTA_USED),
               (uint64_t)xr_info(XR_INFO_QUOTA_LIMIT), (uint64_t)xr_info(XR_INFO_QUOTA_KERNEL_USED),
               (uint64_t)xr_info(XR_INFO_QUOTA_KERNEL_LIMIT),
               (uint64_t)xr_info(XR_INFO_QUOTA_PT_USED), (uint64_t)xr_info(XR_INFO_QUOTA_PT_LIMIT));
    return err;
}

/* Ends the clients (a last signal with end set) and the servers (their endpoints deleted, so
 * their receive fails with XR_EDEAD), and deletes everything tput_start made. */
static long tput_stop(unsigned pairs, long err)
{
    tput.end = true;
    for (unsigned p = 1; p < pairs; p++)
        xr_signal(SMP_SLOT_GO + p);
    for (unsigned p = 0; p < pairs; p++) {
        long end = p > 0 ? bench_thread_join(SMP_SLOT_CLIENT + p) : XR_OK;
        xr_cap_revoke(SMP_SLOT_EP + p);
        xr_cap_delete(SMP_SLOT_EP + p);
        end = end ? end : bench_thread_join(SMP_SLOT_SERVER + p);
        if (end == XR_OK && tput.server_err[p] != XR_EDEAD)
            end = XR_ECORRUPT;
        err = err ? err : end;
        if (p > 0)
            xr_cap_delete(SMP_SLOT_GO + p);
    }
    xr_cap_delete(SMP_SLOT_DONE);
    return err;
}

/* Instructions per call: a window's timestamps divided by the calls of a round of pairs. */
static uint64_t per_call(uint64_t total, unsigned pairs)
{
    unsigned calls = pairs * SMP_CALLS_PER_ROUND;
    return (total + calls / 2) / calls;
}

long overhead_smp_tput(uint64_t *raw, unsigned count, uint64_t pairs)
{
    for (unsigned i = 0; i < count; i++) {
        uint64_t t0 = bench_ts_begin();
        uint64_t t1 = bench_ts_end();
        raw[i] = per_call(t1 - t0, (unsigned)pairs);
    }
    return XR_OK;
}

/* ipc_tput_Ncore: a sample is one round: every client (on its own core, with its server there)
 * makes SMP_CALLS_PER_ROUND calls, from the first GO signal until this thread, pair 0's client,
 * knows all have finished (its own calls were the last, or DONE woke it); it is divided by the
 * calls of the round. */
long case_smp_tput(uint64_t *raw, unsigned count, uint64_t pairs)
{
    uint64_t bits;

    if (pairs > SMP_MAX_PAIRS || pairs > (uint64_t)xr_info(XR_INFO_CPUS))
        return XR_ERANGE; /* not enough cores online */
    long err = xr_thread_set_affinity(XR_SLOT_SELF_THREAD, 0);
    err = err ? err : tput_start((unsigned)pairs);
    for (unsigned i = 0; i < count && err == XR_OK; i++) {
        atomic_store(&tput.left, (unsigned)pairs);
        uint64_t t0 = bench_ts_begin();
        for (unsigned p = 1; p < pairs; p++)
            xr_signal(SMP_SLOT_GO + p);
        if (!client_round(0))
            err = xr_wait(SMP_SLOT_DONE, &bits);
        uint64_t t1 = bench_ts_end();
        err = err ? err : atomic_load(&tput.err);
        raw[i] = per_call(t1 - t0, (unsigned)pairs);
    }
    return tput_stop((unsigned)pairs, err);
}
