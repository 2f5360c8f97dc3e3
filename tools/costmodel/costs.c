/* The Skylake cost table. Every row names its source; "estimate" marks numbers that no table
 * gives (privileged instructions cannot be timed from user space, where uops.info and Agner Fog
 * measure) and says what they rest on. docs/bench/model.md explains the choices.
 *
 * Sources:
 *   [AF]  Agner Fog, "Instruction tables", Intel Skylake section (reciprocal throughput or
 *         latency, as the row says).
 *   [UI]  uops.info, Skylake (SKL) measurements.
 *   [OPT] Intel 64 and IA-32 Architectures Optimization Reference Manual (248966), Skylake
 *         microarchitecture chapter: cache and TLB parameters, PAUSE, fast strings.
 *   [7C]  7-cpu.com, "Intel Skylake" (i7-6700) measured latencies.
 */
#include "costs.h"

static const cost_row_t table[] = {
    [INSN_SIMPLE] =
        {INSN_SIMPLE, CYC(1), 0,
         "base CPI 1: the latency of ADD/MOV r,r [AF]; the model does not overlap instructions"},
    [INSN_MUL] = {INSN_MUL, CYC(3), 0, "IMUL r64,r/m64 latency 3 [AF]"},
    [INSN_DIV32] = {INSN_DIV32, CYC(26), 0, "DIV r32 latency 26 [AF]"},
    [INSN_DIV64] = {INSN_DIV64, CYC(40), 0, "DIV r64 latency 35-88, low end plus [AF]"},
    [INSN_LOCKED] = {INSN_LOCKED, CYC(18), 0,
                     "LOCK ADD/XADD/CMPXCHG m,r and XCHG m,r, about 18 [AF][UI]"},
    [INSN_REP_MOVS] =
        {INSN_REP_MOVS, CYC(35), COST_ONE / 32,
         "start-up about 35 cycles, then 32 bytes/cycle with fast strings (ERMSB) [OPT]"},
    [INSN_REP_STOS] = {INSN_REP_STOS, CYC(35), COST_ONE / 32, "as rep movs [OPT]"},
    [INSN_REP_OTHER] = {INSN_REP_OTHER, CYC(35), COST_ONE * 2,
                        "rep cmps/scas/lods: no fast strings, ~2/byte [AF]"},
    [INSN_SYSCALL] =
        {INSN_SYSCALL, CYC(40), 0,
         "estimate: a null system call's user-kernel round trip is ~70 cycles on Skylake-era CPUs "
         "without mitigations; SYSCALL is the larger half"},
    [INSN_SYSRET] = {INSN_SYSRET, CYC(30), 0, "estimate: the other half of that round trip"},
    [INSN_SWAPGS] = {INSN_SWAPGS, CYC(10), 0,
                     "estimate: not serialising; a few uops of MSR-like work"},
    [INSN_IRET] = {INSN_IRET, CYC(100), 0,
                   "estimate: IRETQ to user is several times SYSRET (why Linux returns by SYSRET "
                   "when it can)"},
    [INSN_MOV_CR3] =
        {INSN_MOV_CR3, CYC(200), 0,
         "estimate: serialising CR3 write, ~200 cycles before any TLB refill (KPTI measurements); "
         "the flush itself is the TLB model's"},
    [INSN_MOV_TO_CR] = {INSN_MOV_TO_CR, CYC(200), 0,
                        "estimate: serialising control-register write, as CR3"},
    [INSN_MOV_FROM_CR] = {INSN_MOV_FROM_CR, CYC(5), 0, "estimate: CR reads are not serialising"},
    [INSN_WRMSR] = {INSN_WRMSR, CYC(100), 0,
                    "estimate: serialising MSR write (~100-150 cycles, MSR-dependent)"},
    [INSN_RDMSR] = {INSN_RDMSR, CYC(50), 0, "estimate: MSR read"},
    [INSN_XSAVE] = {INSN_XSAVE, CYC(110), 0, "XSAVE, reciprocal throughput ~110 [AF]"},
    [INSN_XSAVEOPT] = {INSN_XSAVEOPT, CYC(75), 0, "XSAVEOPT ~75 [AF]"},
    [INSN_XSAVEC] = {INSN_XSAVEC, CYC(100), 0, "XSAVEC ~100 [AF]"},
    [INSN_XSAVES] = {INSN_XSAVES, CYC(100), 0, "XSAVES ~100 [AF]"},
    [INSN_XRSTOR] = {INSN_XRSTOR, CYC(130), 0, "XRSTOR ~130 [AF]"},
    [INSN_XRSTORS] = {INSN_XRSTORS, CYC(130), 0, "XRSTORS ~130 [AF]"},
    [INSN_FXSAVE] = {INSN_FXSAVE, CYC(63), 0, "FXSAVE ~63 [AF]"},
    [INSN_FXRSTOR] = {INSN_FXRSTOR, CYC(76), 0, "FXRSTOR ~76 [AF]"},
    [INSN_RDTSC] = {INSN_RDTSC, CYC(25), 0, "RDTSC 20 uops, reciprocal throughput 25 [AF][UI]"},
    [INSN_RDTSCP] = {INSN_RDTSCP, CYC(32), 0, "RDTSCP reciprocal throughput 32 [AF]"},
    [INSN_LFENCE] = {INSN_LFENCE, CYC(4), 0, "LFENCE reciprocal throughput 4 [AF][UI]"},
    [INSN_MFENCE] = {INSN_MFENCE, CYC(33), 0, "MFENCE reciprocal throughput 33 [AF][UI]"},
    [INSN_SFENCE] = {INSN_SFENCE, CYC(6), 0, "SFENCE reciprocal throughput 6 [AF]"},
    [INSN_INVLPG] = {INSN_INVLPG, CYC(100), 0, "estimate: serialising single-page invalidation"},
    [INSN_INVPCID] = {INSN_INVPCID, CYC(150), 0, "estimate: serialising, by the INVPCID type"},
    [INSN_CPUID] = {INSN_CPUID, CYC(100), 0, "CPUID 100-250 [AF], low end"},
    [INSN_CLI] = {INSN_CLI, CYC(3), 0, "estimate: a few uops"},
    [INSN_STI] = {INSN_STI, CYC(3), 0, "estimate: a few uops"},
    [INSN_POPF] = {INSN_POPF, CYC(20), 0, "POPF reciprocal throughput ~20 [AF]"},
    [INSN_PAUSE] = {INSN_PAUSE, CYC(140), 0, "PAUSE latency ~140 cycles on Skylake [OPT]"},
    [INSN_HLT] = {INSN_HLT, CYC(1), 0, "idle time is not modelled"},
    [INSN_PORT_IO] = {INSN_PORT_IO, CYC(500), 0,
                      "estimate: an ISA port access is on the order of a microsecond"},
    [INSN_SOFT_INT] = {INSN_SOFT_INT, CYC(100), 0,
                       "estimate: exception delivery through the IDT, as IRETQ"},
    [INSN_DESC_TABLE] = {INSN_DESC_TABLE, CYC(100), 0,
                         "estimate: serialising descriptor-table load"},
    [INSN_XSETBV] = {INSN_XSETBV, CYC(100), 0, "estimate: serialising"},
    [INSN_STAC_CLAC] = {INSN_STAC_CLAC, CYC(3), 0, "estimate: a few uops"},
    [INSN_WBINVD] = {INSN_WBINVD, CYC(10000), 0, "estimate: writes back the caches"},
};

_Static_assert(sizeof(table) / sizeof(table[0]) == INSN_CLASS_COUNT, "one row per class");

const mem_costs_t skylake_mem = {
    /* [7C]/[OPT]: L1 4-5, L2 12, L3 ~42 cycles load-to-use; the model charges a miss its full
     * latency less the base cycle the instruction already paid. */
    .l2_hit = CYC(11),
    .l3_hit = CYC(41),
    /* [OPT]: sustained L2 bandwidth ~32 B/cycle, L3 ~16 B/cycle per core: a 64-byte line */
    .stream_l2 = CYC(2),
    .stream_l3 = CYC(4),
    /* [7C]: an L1 TLB miss that hits the STLB costs ~9 cycles; estimate: a page walk whose
     * paging-structure entries hit in L1/L2 adds ~20 more */
    .stlb_hit = CYC(9),
    .page_walk = CYC(20),
};

const cost_row_t *costs_row(insn_class_t cls)
{
    return &table[cls < INSN_CLASS_COUNT ? cls : INSN_SIMPLE];
}

const cost_row_t *costs_table(unsigned *count)
{
    *count = sizeof(table) / sizeof(table[0]);
    return table;
}
