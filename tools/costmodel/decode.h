/* Just enough x86-64 decoding to sort an instruction into a cost class: its prefixes, opcode
 * bytes and ModRM byte, never its operands' values. */
#ifndef COSTMODEL_DECODE_H
#define COSTMODEL_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* The classes the cost table prices (costs.c); everything else is INSN_SIMPLE. */
typedef enum insn_class {
    INSN_SIMPLE,
    INSN_MUL,
    INSN_DIV32, /* div/idiv of at most 32 bits */
    INSN_DIV64,
    INSN_LOCKED,   /* a lock prefix, or xchg with memory (implicitly locked) */
    INSN_REP_MOVS, /* rep movs (start-up plus a rate per byte) */
    INSN_REP_STOS,
    INSN_REP_OTHER, /* rep cmps/scas/lods/ins/outs */
    INSN_SYSCALL,
    INSN_SYSRET,
    INSN_SWAPGS,
    INSN_IRET,
    INSN_MOV_CR3, /* mov to CR3 */
    INSN_MOV_TO_CR,
    INSN_MOV_FROM_CR,
    INSN_WRMSR,
    INSN_RDMSR,
    INSN_XSAVE,
    INSN_XSAVEOPT,
    INSN_XSAVEC,
    INSN_XSAVES,
    INSN_XRSTOR,
    INSN_XRSTORS,
    INSN_FXSAVE,
    INSN_FXRSTOR,
    INSN_RDTSC,
    INSN_RDTSCP,
    INSN_LFENCE,
    INSN_MFENCE,
    INSN_SFENCE,
    INSN_INVLPG,
    INSN_INVPCID,
    INSN_CPUID,
    INSN_CLI,
    INSN_STI,
    INSN_POPF,
    INSN_PAUSE,
    INSN_HLT,
    INSN_PORT_IO,
    INSN_SOFT_INT,   /* int n, int3, ud2: an exception delivered by the instruction itself */
    INSN_DESC_TABLE, /* lgdt, lidt, ltr, lldt */
    INSN_XSETBV,
    INSN_STAC_CLAC,
    INSN_WBINVD,
    INSN_CLASS_COUNT
} insn_class_t;

/* One decoded instruction. */
typedef struct insn_info {
    insn_class_t cls;
    uint8_t elem;    /* bytes per element of a rep string instruction, else 0 */
    uint32_t marker; /* a model marker (nopl MARKER(%rax), model.h), else 0 */
} insn_info_t;

/* Decodes the instruction in b[0..n) (64-bit mode). Unknown or truncated bytes give
 * INSN_SIMPLE. Pure, no state. */
insn_info_t decode_insn(const uint8_t *b, size_t n);

/* The class's name, for reports ("syscall", "mov_cr3", ...). */
const char *decode_class_name(insn_class_t cls);

#endif
