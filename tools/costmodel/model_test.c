/* Host tests of the cost model: the decoder on known encodings, and made-up instruction streams
 * whose cycle costs on Skylake are known (a dependent add chain, a pointer chase that misses L1,
 * CR3 writes with and without the PCID what-if). Prints one line per test, then
 * "N passed, N failed". */
#include <stdio.h>
#include <string.h>

#include "model.h"

static unsigned passed, failed;
static char last_line[256];

static void check(int ok, const char *name, const char *fmt, unsigned long long a,
                  unsigned long long b)
{
    if (ok) {
        passed++;
        printf("ok costmodel/%s\n", name);
    } else {
        failed++;
        printf("not ok costmodel/%s ", name);
        printf(fmt, a, b);
        printf("\n");
    }
}

static void keep_line(const char *line)
{
    snprintf(last_line, sizeof(last_line), "%s", line);
}

static insn_class_t cls_of(const char *bytes, size_t n)
{
    return decode_insn((const uint8_t *)bytes, n).cls;
}

static void test_decoder(void)
{
    static const struct {
        const char *b;
        size_t n;
        insn_class_t cls;
    } cases[] = {
        {"\x0f\x05", 2, INSN_SYSCALL},
        {"\x48\x0f\x07", 3, INSN_SYSRET},
        {"\x0f\x01\xf8", 3, INSN_SWAPGS},
        {"\x48\xcf", 2, INSN_IRET},
        {"\x0f\x22\xd8", 3, INSN_MOV_CR3},     /* mov %rax,%cr3 */
        {"\x0f\x22\xe0", 3, INSN_MOV_TO_CR},   /* mov %rax,%cr4 */
        {"\x0f\x20\xd8", 3, INSN_MOV_FROM_CR}, /* mov %cr3,%rax */
        {"\x0f\x30", 2, INSN_WRMSR},
        {"\x48\x0f\xae\x20", 4, INSN_XSAVE},  /* xsave64 (%rax) */
        {"\x48\x0f\xae\x28", 4, INSN_XRSTOR}, /* xrstor64 (%rax) */
        {"\x48\x0f\xae\x00", 4, INSN_FXSAVE},
        {"\x0f\x31", 2, INSN_RDTSC},
        {"\x0f\xae\xe8", 3, INSN_LFENCE},
        {"\x0f\xae\xf0", 3, INSN_MFENCE},
        {"\x0f\x01\x38", 3, INSN_INVLPG}, /* invlpg (%rax) */
        {"\x66\x0f\x38\x82\x00", 5, INSN_INVPCID},
        {"\xf0\x48\x0f\xb1\x0a", 5, INSN_LOCKED}, /* lock cmpxchg %rcx,(%rdx) */
        {"\x48\x87\x07", 3, INSN_LOCKED},         /* xchg %rax,(%rdi) */
        {"\x48\x87\xc8", 3, INSN_SIMPLE},         /* xchg %rcx,%rax */
        {"\xf3\xa4", 2, INSN_REP_MOVS},
        {"\xf3\x48\xab", 3, INSN_REP_STOS},
        {"\xa4", 1, INSN_SIMPLE},
        {"\x48\xf7\xf1", 3, INSN_DIV64},
        {"\xf3\x90", 2, INSN_PAUSE},
        {"\x48\x01\xc8", 3, INSN_SIMPLE},
        {"\x0f\x1f\x80\x02\x00\x52\x58", 7, INSN_SIMPLE},
    };
    unsigned bad = 0, first = 0;

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (cls_of(cases[i].b, cases[i].n) != cases[i].cls && !bad++)
            first = i;
    }
    check(bad == 0, "decode_classes", "%llu wrong, first case %llu", bad, first);
    insn_info_t mark = decode_insn((const uint8_t *)"\x0f\x1f\x80\x02\x00\x52\x58", 7);
    insn_info_t start = decode_insn((const uint8_t *)"\x0f\x1f\x80\x04\x00\x52\x58", 7);
    check(mark.marker == MODEL_MARK_BEGIN, "decode_marker", "marker %llx, want %llx", mark.marker,
          MODEL_MARK_BEGIN);
    check(start.marker == MODEL_MARK_START, "decode_marker_start", "marker %llx, want %llx",
          start.marker, MODEL_MARK_START);
    insn_info_t stos = decode_insn((const uint8_t *)"\xf3\x48\xab", 3);
    check(stos.elem == 8, "decode_rep_elem", "elem %llu, want %llu", stos.elem, 8);
}

static void test_table(void)
{
    unsigned count, bad = 0;
    const cost_row_t *t = costs_table(&count);
    for (unsigned i = 0; i < count; i++)
        bad += t[i].cls != (insn_class_t)i || !t[i].source || !t[i].source[0];
    check(bad == 0 && count == INSN_CLASS_COUNT, "table_rows", "%llu bad rows of %llu", bad, count);
}

static const tlb_config_t flat = {.global_kernel = true,
                                  .dmap_base = 0xffff800000000000ull,
                                  .dmap_end = 0xffff808000000000ull,
                                  .dmap_small_end = 0xffff800000200000ull};

static model_insn_t insn(uint64_t va, insn_class_t cls)
{
    return (model_insn_t){.vaddr = va, .paddr = va & 0xffffff, .info = {.cls = cls}};
}

/* Runs body once to warm up, then measures it between rdtsc windows; returns the cycles of the
 * second window and leaves the "W" line in last_line. */
static unsigned long long window_cycles(model_t *m, void (*body)(model_t *, unsigned), unsigned n)
{
    model_insn_t b = insn(0x1000, INSN_SIMPLE), e = insn(0x1008, INSN_SIMPLE);
    model_insn_t ts = insn(0x1010, INSN_RDTSC);
    unsigned long long cyc = 0, ins = 0;

    b.info.marker = MODEL_MARK_BEGIN;
    e.info.marker = MODEL_MARK_END;
    for (int round = 0; round < 2; round++) {
        model_exec(m, &b);
        model_exec(m, &ts);
        body(m, n);
        model_exec(m, &ts);
        model_exec(m, &e);
    }
    sscanf(last_line, "W %llu %llu", &cyc, &ins);
    return cyc - 25; /* less the first rdtsc, as the guest's overhead subtraction does */
}

static void add_chain(model_t *m, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        model_insn_t a = insn(0x2000 + 4 * (i % 16), INSN_SIMPLE);
        model_exec(m, &a);
    }
}

/* A pointer chase over 128 KiB (more than L1's 32, less than L2's 256), 33 lines apart: every
 * load misses L1 and hits L2, 12 cycles on Skylake. */
static void chase_l2(model_t *m, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        model_insn_t ld = insn(0x3000, INSN_SIMPLE);
        uint64_t va = 0x400000 + (uint64_t)(i * 64 * 33 % (128 * 1024));
        model_exec(m, &ld);
        model_mem(m, &ld, va, va, false, false);
    }
}

static void cr3_loop(model_t *m, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        model_insn_t w = insn(0x5000, INSN_MOV_CR3), ld = insn(0x5004, INSN_SIMPLE);
        model_exec(m, &w);
        model_exec(m, &ld);
        model_mem(m, &ld, 0x800000, 0x800000, false, false);
    }
}

static void test_streams(void)
{
    model_t m;
    tlb_config_t pcid = flat;
    pcid.pcid = true;

    model_init(&m, &flat, keep_line);
    unsigned long long c = window_cycles(&m, add_chain, 1000);
    check(c == 1000, "add_chain", "%llu cycles for 1000 adds, want %llu", c, 1000);

    model_free(&m);
    model_init(&m, &flat, keep_line);
    c = window_cycles(&m, chase_l2, 1000);
    check(c >= 12 * 1000 && c <= 12 * 1000 + 100, "chase_l2",
          "%llu cycles for 1000 loads, want %llu", c, 12000);

    model_free(&m);
    model_init(&m, &flat, keep_line);
    c = window_cycles(&m, cr3_loop, 100);
    /* each: 200 for the write, 1 for the load, then the fetch after the write through the iTLB
     * (a walk: 9 + 20) and the load through the dTLB (a walk: 9 + 20) */
    check(c == 100 * 259, "cr3_flush", "%llu cycles for 100, want %llu", c, 25900);

    model_free(&m);
    model_init(&m, &pcid, keep_line);
    c = window_cycles(&m, cr3_loop, 100);
    /* the PCID what-if: the write alone, no refill */
    check(c == 100 * 201, "cr3_pcid", "%llu cycles for 100, want %llu", c, 20100);
    model_free(&m);
}

int main(void)
{
    test_decoder();
    test_table();
    test_streams();
    printf("%u passed, %u failed\n", passed, failed);
    return failed != 0;
}
