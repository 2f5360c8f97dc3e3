/* The benchmark harness of user/bench: timestamps, the case runner (warm-up, samples, overhead
 * subtraction), integer statistics and the JSON result lines. docs/bench/README.md describes
 * the method. Single-threaded: only one thread may run the harness at a time. */
#ifndef USER_BENCH_BENCH_H
#define USER_BENCH_BENCH_H

#include <stdint.h>

#include "xr.h"

#define BENCH_SAMPLES       10000 /* samples kept per case */
#define BENCH_WARMUP        1000  /* samples taken and dropped before them */
#define BENCH_QUICK_SAMPLES 1000  /* the same under bench=quick */
#define BENCH_QUICK_WARMUP  100

/*
 * Markers for the cost model (tools/costmodel/model.h, docs/bench/model.md): `nopl MARK(%rax)`
 * does nothing, but the model's QEMU plugin recognises its displacement. BEGIN, before the first
 * LFENCE of bench_ts_begin, arms the window that its RDTSC opens; END, after the RDTSC of
 * bench_ts_end, closes it there. Both lie outside the TSC difference, so the instruction counts
 * of the cases do not change. bench_model_segment marks the start of each loop of samples.
 */
#define BENCH_MARK_SEGMENT "0x58520001"
#define BENCH_MARK_BEGIN   "0x58520002"
#define BENCH_MARK_END     "0x58520003"

static inline void bench_model_segment(void)
{
    __asm__ volatile("nopl " BENCH_MARK_SEGMENT "(%%rax)" ::: "memory");
}

/*
 * Timestamps: the TSC. Under QEMU -icount shift=0 (and in Bochs) it advances by one per guest
 * instruction, elsewhere it counts reference cycles. The LFENCEs keep the timed operation
 * between the two reads on hardware that executes out of order: the first read waits for what
 * came before and the operation waits for it; the second read waits for the operation.
 */
static inline uint64_t bench_ts_begin(void)
{
    uint32_t lo, hi;
    __asm__ volatile("nopl " BENCH_MARK_BEGIN "(%%rax)\n\tlfence\n\trdtsc\n\tlfence"
                     : "=a"(lo), "=d"(hi)
                     :
                     : "memory");
    return (uint64_t)hi << 32 | lo;
}

static inline uint64_t bench_ts_end(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence\n\trdtsc\n\tnopl " BENCH_MARK_END "(%%rax)"
                     : "=a"(lo), "=d"(hi)
                     :
                     : "memory");
    return (uint64_t)hi << 32 | lo;
}

/*
 * One measurement loop: stores in raw[0..count) one timestamp difference per operation, the
 * timing code included (bench_ts_end minus bench_ts_begin, possibly taken by two threads); arg
 * is the case's (a size, a message tag, ...: bench_case_t.arg). Returns XR_OK, or the XR_*
 * error that stopped it (the samples are then not used).
 */
typedef long (*bench_fn_t)(uint64_t *raw, unsigned count, uint64_t arg);

/* A case: what it measures (run, given arg), and the same timestamps taken around nothing
 * (overhead, given the same arg), whose minimum is subtracted from every sample of run. */
typedef struct bench_case {
    const char *name; /* the JSON "case", e.g. "null_syscall" */
    bench_fn_t run;
    uint64_t arg;
    bench_fn_t overhead;
    unsigned samples; /* 0, or fewer samples than the run's (a case too long for 10,000): then
                         the warm-up is at most a tenth of them */
} bench_case_t;

typedef struct bench_stats {
    unsigned n;
    uint64_t min, median, mean, stddev, max;
} bench_stats_t;

typedef struct bench_result {
    const char *name;
    long err;               /* XR_OK, or why the case failed (then only name is meaningful) */
    uint64_t overhead;      /* the timing overhead subtracted from each sample */
    uint64_t fastpath_hits; /* IPCs the kernel's fastpath took during the run loop (its warm-up,
                               and a server's start and end, included) */
    bench_stats_t stats;
} bench_result_t;

/*
 * Runs one case: warmup + samples iterations of its overhead loop, then of its run loop, and
 * keeps the last samples of each (samples <= BENCH_SAMPLES, warmup <= BENCH_WARMUP; both cut
 * down when the case asks for fewer samples, c->samples). Prints
 * "ok bench/NAME" or "not ok bench/NAME reason" and fills *out. Returns out->err.
 */
long bench_run_case(const bench_case_t *c, unsigned warmup, unsigned samples, bench_result_t *out);

/*
 * Statistics of v[0..n), n > 0, all integer: the median of an even count is the mean of the two
 * middle values rounded down; mean and the sample standard deviation are rounded to nearest
 * (the sum of squares saturates instead of wrapping, capping the deviation near 2^32). Sorts v
 * in place.
 */
void bench_stats_compute(uint64_t *v, unsigned n, bench_stats_t *st);

/* Prints s as a JSON string (quotes included, with the escapes JSON needs). */
void bench_json_string(const char *s);

/* Prints the results that succeeded as the lines of a JSON array's elements, the last one
 * without a trailing comma. */
void bench_json_results(const bench_result_t *results, unsigned count);

#endif
