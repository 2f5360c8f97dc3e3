/* Sorts x86-64 instructions into the cost classes of decode.h from their prefixes, opcode and
 * ModRM reg field (Intel SDM vol. 2, opcode map appendix A). */
#include "decode.h"

#include "model.h"

/* The bytes of one instruction after its prefixes. */
typedef struct cursor {
    const uint8_t *b;
    size_t n, i;
    int lock, rep, opsize16, rex_w;
} cursor_t;

static int next(cursor_t *c)
{
    return c->i < c->n ? c->b[c->i++] : -1;
}

static int modrm_reg(int m)
{
    return (m >> 3) & 7;
}

static int modrm_is_reg(int m)
{
    return (m >> 6) == 3;
}

/* Reads the legacy prefixes and REX; returns the first opcode byte or -1. */
static int skip_prefixes(cursor_t *c)
{
    for (;;) {
        int b = next(c);
        switch (b) {
        case 0xf0:
            c->lock = 1;
            break;
        case 0xf2:
        case 0xf3:
            c->rep = b;
            break;
        case 0x66:
            c->opsize16 = 1;
            break;
        case 0x67:
        case 0x2e:
        case 0x36:
        case 0x3e:
        case 0x26:
        case 0x64:
        case 0x65:
            break;
        default:
            if (b >= 0x40 && b <= 0x4f) {
                c->rex_w = (b & 8) != 0;
                return next(c);
            }
            return b;
        }
    }
}

static insn_class_t group_0f01(int m)
{
    switch (m) {
    case 0xf8:
        return INSN_SWAPGS;
    case 0xf9:
        return INSN_RDTSCP;
    case 0xca:
    case 0xcb:
        return INSN_STAC_CLAC;
    case 0xd1:
        return INSN_XSETBV;
    }
    if (modrm_is_reg(m))
        return INSN_SIMPLE;
    switch (modrm_reg(m)) {
    case 2:
    case 3:
        return INSN_DESC_TABLE;
    case 7:
        return INSN_INVLPG;
    }
    return INSN_SIMPLE;
}

static insn_class_t group_0fae(const cursor_t *c, int m)
{
    static const insn_class_t mem[8] = {INSN_FXSAVE, INSN_FXRSTOR, INSN_SIMPLE,   INSN_SIMPLE,
                                        INSN_XSAVE,  INSN_XRSTOR,  INSN_XSAVEOPT, INSN_SIMPLE};
    static const insn_class_t reg[8] = {[5] = INSN_LFENCE, [6] = INSN_MFENCE, [7] = INSN_SFENCE};

    if (!modrm_is_reg(m))
        return c->rep ? INSN_SIMPLE : mem[modrm_reg(m)];
    return c->rep ? INSN_SIMPLE : reg[modrm_reg(m)]; /* f3 0f ae /r: rd/wrfsbase and kin */
}

static insn_class_t group_0fc7(int m)
{
    if (modrm_is_reg(m))
        return INSN_SIMPLE; /* rdrand, rdseed, rdpid */
    switch (modrm_reg(m)) {
    case 3:
        return INSN_XRSTORS;
    case 4:
        return INSN_XSAVEC;
    case 5:
        return INSN_XSAVES;
    }
    return INSN_SIMPLE;
}

static insn_class_t two_byte(cursor_t *c, int op)
{
    switch (op) {
    case 0x00:
        return INSN_DESC_TABLE;
    case 0x01:
        return group_0f01(next(c));
    case 0x05:
        return INSN_SYSCALL;
    case 0x07:
        return INSN_SYSRET;
    case 0x08:
    case 0x09:
        return INSN_WBINVD;
    case 0x0b:
        return INSN_SOFT_INT;
    case 0x20:
        return INSN_MOV_FROM_CR;
    case 0x22:
        return modrm_reg(next(c)) == 3 ? INSN_MOV_CR3 : INSN_MOV_TO_CR;
    case 0x30:
        return INSN_WRMSR;
    case 0x31:
        return INSN_RDTSC;
    case 0x32:
        return INSN_RDMSR;
    case 0xa2:
        return INSN_CPUID;
    case 0xae:
        return group_0fae(c, next(c));
    case 0xaf:
        return INSN_MUL;
    case 0xc7:
        return group_0fc7(next(c));
    case 0x38:
        return next(c) == 0x82 && c->opsize16 ? INSN_INVPCID : INSN_SIMPLE;
    }
    return INSN_SIMPLE;
}

/* f6/f7 group 3: mul, imul, div, idiv by reg field. */
static insn_class_t group3(const cursor_t *c, int op, int m)
{
    int r = modrm_reg(m);
    if (r == 4 || r == 5)
        return INSN_MUL;
    if (r == 6 || r == 7)
        return op == 0xf7 && c->rex_w ? INSN_DIV64 : INSN_DIV32;
    return INSN_SIMPLE;
}

/* Element size of a string instruction by opcode (even: bytes; odd: operand size). */
static uint8_t string_elem(const cursor_t *c, int op)
{
    if (!(op & 1))
        return 1;
    return c->rex_w ? 8 : c->opsize16 ? 2 : 4;
}

static insn_class_t string_op(const cursor_t *c, int op, uint8_t *elem)
{
    if (!c->rep)
        return INSN_SIMPLE;
    *elem = string_elem(c, op);
    if (op == 0xa4 || op == 0xa5)
        return INSN_REP_MOVS;
    if (op == 0xaa || op == 0xab)
        return INSN_REP_STOS;
    return INSN_REP_OTHER;
}

static insn_class_t one_byte(cursor_t *c, int op, uint8_t *elem)
{
    switch (op) {
    case 0x86:
    case 0x87:
        return modrm_is_reg(next(c)) ? INSN_SIMPLE : INSN_LOCKED;
    case 0x69:
    case 0x6b:
        return INSN_MUL;
    case 0x90:
        return c->rep == 0xf3 ? INSN_PAUSE : INSN_SIMPLE;
    case 0x9d:
        return INSN_POPF;
    case 0xcc:
    case 0xcd:
        return INSN_SOFT_INT;
    case 0xcf:
        return INSN_IRET;
    case 0xe4:
    case 0xe5:
    case 0xe6:
    case 0xe7:
    case 0xec:
    case 0xed:
    case 0xee:
    case 0xef:
        return INSN_PORT_IO;
    case 0xf4:
        return INSN_HLT;
    case 0xf6:
    case 0xf7:
        return group3(c, op, next(c));
    case 0xfa:
        return INSN_CLI;
    case 0xfb:
        return INSN_STI;
    }
    if ((op >= 0xa4 && op <= 0xa7) || (op >= 0xaa && op <= 0xaf) || (op >= 0x6c && op <= 0x6f))
        return string_op(c, op, elem);
    return INSN_SIMPLE;
}

/* nopl disp32(%rax), 0f 1f 80 d32, with a displacement of model.h's marker family. */
static uint32_t marker_of(const uint8_t *b, size_t n)
{
    if (n != 7 || b[0] != 0x0f || b[1] != 0x1f || b[2] != 0x80)
        return 0;
    uint32_t d = (uint32_t)b[3] | (uint32_t)b[4] << 8 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 24;
    return (d & MODEL_MARK_MASK) == MODEL_MARK_BASE ? d : 0;
}

insn_info_t decode_insn(const uint8_t *b, size_t n)
{
    insn_info_t info = {.cls = INSN_SIMPLE, .marker = marker_of(b, n)};
    cursor_t c = {.b = b, .n = n};
    int op = skip_prefixes(&c);

    if (op < 0 || info.marker)
        return info;
    info.cls = op == 0x0f ? two_byte(&c, next(&c)) : one_byte(&c, op, &info.elem);
    if (c.lock && info.cls == INSN_SIMPLE)
        info.cls = INSN_LOCKED;
    return info;
}

const char *decode_class_name(insn_class_t cls)
{
    static const char *const names[INSN_CLASS_COUNT] = {
        "simple",      "mul",     "div32",  "div64",   "locked",   "rep_movs",   "rep_stos",
        "rep_other",   "syscall", "sysret", "swapgs",  "iretq",    "mov_cr3",    "mov_to_cr",
        "mov_from_cr", "wrmsr",   "rdmsr",  "xsave",   "xsaveopt", "xsavec",     "xsaves",
        "xrstor",      "xrstors", "fxsave", "fxrstor", "rdtsc",    "rdtscp",     "lfence",
        "mfence",      "sfence",  "invlpg", "invpcid", "cpuid",    "cli",        "sti",
        "popf",        "pause",   "hlt",    "port_io", "soft_int", "desc_table", "xsetbv",
        "stac_clac",   "wbinvd"};
    return cls < INSN_CLASS_COUNT ? names[cls] : "?";
}
