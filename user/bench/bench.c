/* The benchmark harness: runs a case's loops, subtracts the timing overhead, computes integer
 * statistics and prints them as JSON. */
#include "bench.h"

/* Raw timestamp differences of the loop being run, warm-up included (80+ KiB: bss, not stack). */
static uint64_t raw[BENCH_WARMUP + BENCH_SAMPLES];

static void sift_down(uint64_t *v, unsigned root, unsigned n)
{
    for (unsigned child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && v[child + 1] > v[child])
            child++;
        if (v[root] >= v[child])
            return;
        uint64_t t = v[root];
        v[root] = v[child];
        v[child] = t;
    }
}

/* Heapsort: O(n log n) whatever the input, no recursion, no extra memory. */
static void sort_u64(uint64_t *v, unsigned n)
{
    for (unsigned i = n / 2; i-- > 0;)
        sift_down(v, i, n);
    for (unsigned end = n; end-- > 1;) {
        uint64_t t = v[0];
        v[0] = v[end];
        v[end] = t;
        sift_down(v, 0, end);
    }
}

/* floor(sqrt(x)), bit by bit. */
static uint64_t isqrt_u64(uint64_t x)
{
    uint64_t r = 0, bit = (uint64_t)1 << 62;

    while (bit > x)
        bit >>= 2;
    for (; bit; bit >>= 2) {
        if (x >= r + bit) {
            x -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
    }
    return r;
}

/* a + b, or UINT64_MAX if that wraps. */
static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a + b < a ? UINT64_MAX : a + b;
}

void bench_stats_compute(uint64_t *v, unsigned n, bench_stats_t *st)
{
    uint64_t sum = 0, sq = 0;

    sort_u64(v, n);
    for (unsigned i = 0; i < n; i++)
        sum = add_sat(sum, v[i]);
    st->n = n;
    st->min = v[0];
    st->max = v[n - 1];
    st->median = n % 2 ? v[n / 2] : v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
    st->mean = sum / n + (sum % n >= n - sum % n); /* rounded to nearest, without overflow */
    for (unsigned i = 0; i < n && n > 1; i++) {
        uint64_t d = v[i] > st->mean ? v[i] - st->mean : st->mean - v[i];
        sq = d > UINT32_MAX ? UINT64_MAX : add_sat(sq, d * d);
        if (sq == UINT64_MAX)
            break;
    }
    uint64_t var = n > 1 ? sq / (n - 1) : 0;
    uint64_t r = isqrt_u64(var);
    st->stddev = r + (var - r * r > r); /* (r + 1/2)^2 = r^2 + r + 1/4 */
}

long bench_run_case(const bench_case_t *c, unsigned warmup, unsigned samples, bench_result_t *out)
{
    bench_stats_t ovh;
    uint64_t *kept;

    *out = (bench_result_t){.name = c->name, .err = XR_OK};
    if (c->samples && c->samples < samples) {
        samples = c->samples;
        warmup = warmup < samples / 10 ? warmup : samples / 10;
    }
    kept = raw + warmup;
    if (warmup > BENCH_WARMUP || samples > BENCH_SAMPLES || samples == 0)
        out->err = XR_ERANGE;
    if (out->err == XR_OK) {
        bench_model_segment();
        out->err = c->overhead(raw, warmup + samples, c->arg);
    }
    if (out->err == XR_OK) {
        bench_stats_compute(kept, samples, &ovh);
        out->overhead = ovh.min;
        uint64_t hits = xr_info(XR_INFO_FASTPATH_HITS);
        bench_model_segment();
        out->err = c->run(raw, warmup + samples, c->arg);
        out->fastpath_hits = xr_info(XR_INFO_FASTPATH_HITS) - hits;
    }
    if (out->err != XR_OK) {
        printf("not ok bench/%s %s\n", c->name, xr_strerror(out->err));
        return out->err;
    }
    for (unsigned i = 0; i < samples; i++)
        kept[i] = kept[i] > out->overhead ? kept[i] - out->overhead : 0;
    bench_stats_compute(kept, samples, &out->stats);
    printf("ok bench/%s\n", c->name);
    return XR_OK;
}

void bench_json_string(const char *s)
{
    char buf[512];
    size_t n = 0;

    buf[n++] = '"';
    for (; *s && n < sizeof(buf) - 8; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') {
            buf[n++] = '\\';
            buf[n++] = (char)ch;
        } else if (ch < 0x20 || ch >= 0x7f) {
            n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\\u%04x", ch);
        } else {
            buf[n++] = (char)ch;
        }
    }
    buf[n++] = '"';
    buf[n] = '\0';
    printf("%s", buf);
}

void bench_json_results(const bench_result_t *results, unsigned count)
{
    unsigned left = 0;

    for (unsigned i = 0; i < count; i++)
        left += results[i].err == XR_OK;
    for (unsigned i = 0; i < count; i++) {
        const bench_result_t *r = &results[i];
        if (r->err != XR_OK)
            continue;
        printf("    {\"case\": \"%s\", \"n\": %u, \"min\": %lu, \"median\": %lu, \"mean\": %lu, "
               "\"stddev\": %lu, \"max\": %lu, \"overhead\": %lu, \"fastpath_hits\": %lu}%s\n",
               r->name, r->stats.n, r->stats.min, r->stats.median, r->stats.mean, r->stats.stddev,
               r->stats.max, r->overhead, r->fastpath_hits, --left ? "," : "");
    }
}
