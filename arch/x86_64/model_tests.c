/* Calibration streams for the cost model (tools/costmodel, docs/bench/model.md): a dependent
 * add chain, a pointer chase that misses L1 and hits L2, and a loop of CR3 writes, each timed
 * between the model's window markers. Without the plugin they are plain, short self-tests;
 * under it (scripts/run --model FILE --cmdline "test=kernel/model") each leaves a "W" line. */
#include "arch/arch.h"
#include "kernel/ktest.h"
#include "mm/mm.h"

/* The markers of user/bench/bench.h, around the timed asm, as bench_ts_begin/end place them. */
#define MODEL_SEGMENT "nopl 0x58520001(%%rax)\n\t"
#define MODEL_BEGIN   "nopl 0x58520002(%%rax)\n\tlfence\n\trdtsc\n\tlfence\n\t"
#define MODEL_END     "lfence\n\trdtsc\n\tnopl 0x58520003(%%rax)\n\t"

#define CHASE_ORDER 5 /* 128 KiB: more than L1D (32 KiB), less than L2 (256 KiB) */
#define CHASE_LINES ((PAGE_SIZE << CHASE_ORDER) / 64)

/* 1,000 adds, each needing the one before: 1,000 cycles on Skylake. Run twice: the first
 * window has the code's 47 lines cold in the caches, the second is the one to read. */
KTEST(model, add_chain)
{
    for (int round = 0; round < 2; round++) {
        uint64_t x = 1;
        __asm__ volatile(MODEL_SEGMENT MODEL_BEGIN ".rept 1000\n\tadd %0, %0\n\t.endr\n\t" MODEL_END
                         : "+c"(x)
                         :
                         : "rax", "rdx", "memory");
        KT_EQ(x, 0); /* 2^1000 wraps to 0 */
    }
}

/* Follows a ring of pointers one per 64-byte line, 33 lines apart, over 128 KiB: once to fill
 * L2, once timed; each load of the second pass misses L1 and hits L2 (12 cycles on Skylake). */
KTEST(model, pointer_chase_l2)
{
    uint64_t phys = mm_frame_alloc(MM_POOL_KERNEL, CHASE_ORDER);
    KT_ASSERT(phys != 0);
    uint8_t *base = arch_phys_to_virt(phys);
    for (uint64_t i = 0; i < CHASE_LINES; i++)
        *(uint8_t **)(base + i * 33 % CHASE_LINES * 64) = base + (i + 1) * 33 % CHASE_LINES * 64;
    void *p = base;
    for (uint64_t i = 0; i < CHASE_LINES; i++)
        p = *(void **)p;
    uint64_t n = CHASE_LINES;
    __asm__ volatile(MODEL_BEGIN "1:\n\tmov (%0), %0\n\tdec %1\n\tjnz 1b\n\t" MODEL_END
                     : "+r"(p), "+r"(n)
                     :
                     : "rax", "rdx", "memory");
    KT_EQ(p, base);
    mm_frame_free(MM_POOL_KERNEL, phys, CHASE_ORDER);
}

/* 100 reloads of the current CR3: each a serialising write that flushes the non-global TLB
 * entries (all of them with kpti=1, where the kernel has no global pages). */
KTEST(model, cr3_reload)
{
    uint64_t n = 100;
    __asm__ volatile(MODEL_BEGIN
                     "1:\n\tmov %%cr3, %%rax\n\tmov %%rax, %%cr3\n\tdec %0\n\tjnz 1b\n\t" MODEL_END
                     : "+r"(n)
                     :
                     : "rax", "rdx", "memory");
    KT_EQ(n, 0);
}
