/* The Skylake cost table. Every row names its source; "estimate" marks numbers that no table
 * gives (privileged instructions cannot be timed from user space, where uops.info and Agner Fog
 * measure) and says what they rest on. docs/bench/model.md explains the choices and says which
 * rows were re-checked against which source.
 *
 * Sources (the bracket is what the rows cite):
 *   [AF]  Agner Fog, "Instruction tables: lists of instruction latencies, throughputs and
 *         micro-operation breakdowns for Intel, AMD and VIA CPUs" (agner.org/optimize), the
 *         "Intel Skylake" table: its latency or reciprocal-throughput column, as the row says.
 *   [UI]  uops.info (A. Abel, J. Reineke, "uops.info: Characterizing Latency, Throughput, and
 *         Port Usage of Instructions on Intel Microarchitectures", ASPLOS 2019), column SKL.
 *   [OPT] Intel 64 and IA-32 Architectures Optimization Reference Manual (order no. 248966),
 *         Skylake microarchitecture chapter (cache and TLB parameters, the longer PAUSE) and
 *         the section on enhanced REP MOVSB/STOSB (fast strings).
 *   [7C]  7-cpu.com, "Intel Skylake" (Core i7-6700): measured cache and TLB latencies.
 *   [LKF] Ingo Molnar, "x86/fpu: Add FPU performance measurement subsystem", linux-kernel
 *         mailing list, May 2015: a boot-time loop timing instructions in ring 0 on the
 *         author's (unnamed) Intel machine: RDTSC 12, RDMSR 100, WRMSR 396, CLI/STI 0 (hidden
 *         in the loop), POPF 20 (28 when it flips IF) cycles. Not Skylake-specific.
 *   [KH]  Dave Hansen, cover letter of the KAISER patch series, linux-kernel, 31 Oct 2017:
 *         "the new instructions (CR3 manipulation) add a few hundred cycles to a syscall or
 *         interrupt" (two CR3 writes per kernel entry and exit).
 */
#include "costs.h"

static const cost_row_t table[] = {
    [INSN_SIMPLE] =
        {INSN_SIMPLE, CYC(1), 0,
         "base CPI 1: ADD/MOV r,r latency 1 [AF][UI]; the model does not overlap instructions"},
    [INSN_MUL] = {INSN_MUL, CYC(3), 0, "IMUL r64,r64 latency 3 [AF][UI]"},
    [INSN_DIV32] = {INSN_DIV32, CYC(26), 0, "DIV r32 latency 26 [AF]"},
    [INSN_DIV64] = {INSN_DIV64, CYC(40), 0,
                    "DIV r64 latency 35-88 [AF]: 40, near the low end (small dividends)"},
    [INSN_LOCKED] = {INSN_LOCKED, CYC(18), 0,
                     "LOCK ADD/XADD/CMPXCHG m,r and XCHG m,r: ~18, latency of the locked RMW [AF]"},
    [INSN_REP_MOVS] =
        {INSN_REP_MOVS, CYC(35), COST_ONE / 32,
         "REP MOVSB: start-up ~35 cycles, then 32 bytes/cycle with ERMSB (fast strings) [OPT]"},
    [INSN_REP_STOS] = {INSN_REP_STOS, CYC(35), COST_ONE / 32, "REP STOSB: as REP MOVSB [OPT]"},
    [INSN_REP_OTHER] = {INSN_REP_OTHER, CYC(35), COST_ONE * 2,
                        "REP CMPS/SCAS/LODS: no fast strings, ~2 cycles per element [AF]"},
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
         "estimate: serialising CR3 write, ~200 cycles before any TLB refill; [KH] puts the two "
         "writes of a PTI entry and exit at a few hundred; the flush itself is the TLB model's"},
    [INSN_MOV_TO_CR] = {INSN_MOV_TO_CR, CYC(200), 0,
                        "estimate: serialising control-register write, as CR3"},
    [INSN_MOV_FROM_CR] = {INSN_MOV_FROM_CR, CYC(5), 0, "estimate: CR reads are not serialising"},
    [INSN_WRMSR] = {INSN_WRMSR, CYC(400), 0,
                    "WRMSR 396 cycles in ring 0 [LKF] (serialising; MSR-dependent, not Skylake)"},
    [INSN_RDMSR] = {INSN_RDMSR, CYC(100), 0, "RDMSR 100 cycles in ring 0 [LKF] (not Skylake)"},
    [INSN_XSAVE] = {INSN_XSAVE, CYC(110), 0, "XSAVE reciprocal throughput ~110 [AF]"},
    [INSN_XSAVEOPT] = {INSN_XSAVEOPT, CYC(75), 0, "XSAVEOPT reciprocal throughput ~75 [AF]"},
    [INSN_XSAVEC] = {INSN_XSAVEC, CYC(100), 0, "XSAVEC reciprocal throughput ~100 [AF]"},
    [INSN_XSAVES] = {INSN_XSAVES, CYC(100), 0, "XSAVES reciprocal throughput ~100 [AF]"},
    [INSN_XRSTOR] = {INSN_XRSTOR, CYC(130), 0, "XRSTOR reciprocal throughput ~130 [AF]"},
    [INSN_XRSTORS] = {INSN_XRSTORS, CYC(130), 0, "XRSTORS reciprocal throughput ~130 [AF]"},
    [INSN_FXSAVE] = {INSN_FXSAVE, CYC(63), 0, "FXSAVE reciprocal throughput ~63 [AF]"},
    [INSN_FXRSTOR] = {INSN_FXRSTOR, CYC(76), 0, "FXRSTOR reciprocal throughput ~76 [AF]"},
    [INSN_RDTSC] = {INSN_RDTSC, CYC(25), 0,
                    "RDTSC reciprocal throughput 25 [AF] (12 in a ring-0 loop [LKF])"},
    [INSN_RDTSCP] = {INSN_RDTSCP, CYC(32), 0, "RDTSCP reciprocal throughput 32 [AF]"},
    [INSN_LFENCE] = {INSN_LFENCE, CYC(4), 0, "LFENCE reciprocal throughput 4 [AF]"},
    [INSN_MFENCE] = {INSN_MFENCE, CYC(33), 0, "MFENCE reciprocal throughput 33 [AF]"},
    [INSN_SFENCE] = {INSN_SFENCE, CYC(6), 0, "SFENCE reciprocal throughput 6 [AF]"},
    [INSN_INVLPG] = {INSN_INVLPG, CYC(100), 0, "estimate: serialising single-page invalidation"},
    [INSN_INVPCID] = {INSN_INVPCID, CYC(150), 0, "estimate: serialising, by the INVPCID type"},
    [INSN_CPUID] = {INSN_CPUID, CYC(100), 0,
                    "CPUID reciprocal throughput 100-250 [AF]: the low end"},
    [INSN_CLI] = {INSN_CLI, CYC(3), 0,
                  "estimate: a few uops ([LKF] measures 0 in a loop, where they overlap)"},
    [INSN_STI] = {INSN_STI, CYC(3), 0,
                  "estimate: a few uops ([LKF] measures 0 in a loop, where they overlap)"},
    [INSN_POPF] = {INSN_POPF, CYC(20), 0,
                   "POPF reciprocal throughput ~20 [AF]; 20 (28 flipping IF) in ring 0 [LKF]"},
    [INSN_PAUSE] = {INSN_PAUSE, CYC(140), 0, "PAUSE ~140 cycles on Skylake, up from ~10 [OPT]"},
    [INSN_HLT] = {INSN_HLT, CYC(1), 0, "idle time is not modelled"},
    [INSN_PORT_IO] = {INSN_PORT_IO, CYC(500), 0,
                      "estimate: an ISA port access is on the order of a microsecond"},
    [INSN_SOFT_INT] = {INSN_SOFT_INT, CYC(100), 0,
                       "estimate: exception delivery through the IDT, as IRETQ"},
    [INSN_DESC_TABLE] = {INSN_DESC_TABLE, CYC(100), 0,
                         "estimate: serialising descriptor-table load"},
    [INSN_XSETBV] = {INSN_XSETBV, CYC(100), 0, "estimate: serialising"},
    [INSN_STAC_CLAC] = {INSN_STAC_CLAC, CYC(3), 0, "estimate: a few uops, as CLI"},
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
