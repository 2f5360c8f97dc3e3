/* The GDB stub: the remote serial protocol over COM2. The machine stops in it on a kernel
 * int3, a breakpoint or watchpoint GDB set, a single step, Ctrl-C from GDB, a panic, and at
 * boot with gdb=wait; it then serves GDB's packets until GDB resumes or detaches.
 * Locks: none. It runs with interrupts off on the CPU that stopped; the kernel runs on one
 * core for now (with SMP the other cores must be stopped on entry: not done yet). */
#include "kernel/gdb.h"
#include "arch/arch.h"
#include "drivers/com2.h"
#include "kernel/gdb_packet.h"
#include "kernel/kdebug.h"
#include "kernel/log.h"
#include "lib/format.h"
#include "sched/sched.h"

#define SIGINT      2
#define SIGTRAP     5
#define SIGABRT     6
#define MAX_BREAKS  64
#define MAX_THREADS 512
#define ACK_TRIES   16

struct sw_break {
    bool used;
    uint8_t orig;
    uint64_t addr, root; /* root: the address space of a user-half address (0: kernel) */
};

struct hw_break {
    unsigned type, len; /* type 0: free */
    uint64_t addr;
};

/* The stub's state; touched only with interrupts off, by the stopped CPU. */
static struct {
    bool on;       /* enabled (gdb=com2 or gdb=wait, and COM2 answered) */
    bool inside;   /* serving packets now: a trap inside the stub is not the stub's */
    bool resumed;  /* GDB resumed with c/s/vCont: the next stop is reported unasked */
    bool stepping; /* the resume was a single step */
    bool queued;   /* pkt holds a packet that arrived while running: serve it first */
    int pending;   /* the signal of the stub's own int3 (boot wait, panic), or 0 */
    struct trap_frame *f;
    thread_t *stop_thread, *sel_thread; /* NULL: the CPU's own context */
    uint64_t stop_tid, sel_tid, sel_root;
    int signal;
    arch_debug_stop_t why;
    uint64_t watch_addr;
    bool swbreak;
    size_t rlen;
} g;

static struct sw_break sw[MAX_BREAKS];
static struct hw_break hw[ARCH_DEBUG_HW_SLOTS];
static gdb_rx_t rx;
static char pkt[GDB_PACKET_MAX + 1];      /* the packet being served (copied out of rx) */
static char reply[GDB_PACKET_MAX + 1];    /* the reply being built */
static char tx[GDB_PACKET_MAX + 8];       /* the framed reply */
static uint8_t bytes[GDB_PACKET_MAX / 2]; /* memory and register contents */
static uint64_t tids[MAX_THREADS];
static size_t tid_count, tid_next; /* the qfThreadInfo/qsThreadInfo walk */

/* ---- packets ---- */

/* Send one packet and wait for GDB's '+'; a '-' resends it. A '$' instead of an ack starts
 * GDB's next packet (it took ours): keep it in the decoder. */
static void send_packet(const char *payload, size_t n)
{
    size_t len = gdb_frame(payload, n, tx, sizeof(tx));
    if (!len)
        len = gdb_frame("E01", 3, tx, sizeof(tx));
    for (int tries = 0; tries < ACK_TRIES; tries++) {
        com2_write(tx, len);
        for (;;) {
            uint8_t c = com2_getc();
            if (c == '+')
                return;
            if (c == '$') {
                gdb_rx_feed(&rx, c);
                return;
            }
            if (c == '-')
                break;
        }
    }
}

static const char *recv_packet(void)
{
    if (g.queued) {
        g.queued = false;
        return pkt;
    }
    for (;;) {
        gdb_rx_event_t ev = gdb_rx_feed(&rx, com2_getc());
        if (ev == GDB_RX_PACKET) {
            com2_write("+", 1);
            __builtin_memcpy(pkt, rx.buf, rx.len + 1);
            return pkt;
        }
        if (ev == GDB_RX_BAD)
            com2_write("-", 1);
    }
}

static void reply_str(const char *s)
{
    g.rlen = 0;
    for (; s[g.rlen] && g.rlen < GDB_PACKET_MAX; g.rlen++)
        reply[g.rlen] = s[g.rlen];
}

static void reply_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void reply_fmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = format_vsnprintf(reply, sizeof(reply), fmt, ap);
    va_end(ap);
    g.rlen = n < 0 ? 0 : (size_t)n < sizeof(reply) ? (size_t)n : sizeof(reply) - 1;
}

static void reply_error(int code)
{
    reply_fmt("E%02x", code);
}

static void reply_hex(const uint8_t *b, size_t n)
{
    gdb_hex_encode(b, n, reply);
    g.rlen = 2 * n;
}

/* ---- stop replies ---- */

static void stop_reply(void)
{
    static const char *const watch_kind[] = {"", "", "", "r", "a"};
    reply_fmt("T%02xthread:%lx;", g.signal, g.stop_tid);
    size_t n = g.rlen;
    if (g.swbreak)
        n += (size_t)format_snprintf(reply + n, sizeof(reply) - n, "swbreak:;");
    else if (g.why == ARCH_STOP_HWBREAK)
        n += (size_t)format_snprintf(reply + n, sizeof(reply) - n, "hwbreak:;");
    else if (g.why == ARCH_STOP_WATCH)
        for (unsigned i = 0; i < ARCH_DEBUG_HW_SLOTS; i++)
            if (hw[i].type >= 2 && hw[i].addr == g.watch_addr) {
                n += (size_t)format_snprintf(reply + n, sizeof(reply) - n, "%swatch:%lx;",
                                             watch_kind[hw[i].type], g.watch_addr);
                break;
            }
    g.rlen = n;
}

/* ---- threads and memory ---- */

static uint64_t thread_root(const thread_t *t)
{
    return t && t->proc && t->proc->as ? t->proc->as->root : 0;
}

static bool select_thread(uint64_t tid)
{
    bool known;
    if (tid == GDB_THREAD_ANY || tid == GDB_THREAD_ALL)
        tid = g.stop_tid;
    thread_t *t = tid == g.stop_tid ? g.stop_thread : gdb_thread_find(tid, &known);
    if (tid != g.stop_tid && !known)
        return false;
    g.sel_tid = tid;
    g.sel_thread = t;
    g.sel_root = thread_root(t);
    return true;
}

static void read_regs(void)
{
    if (g.sel_tid == g.stop_tid)
        arch_debug_regs_frame(g.f, bytes);
    else
        arch_debug_regs_thread(&g.sel_thread->arch, bytes);
}

/* Memory of the selected thread's address space: its process's, for a user-half address; a
 * thread of no process (boot, idle) has no user half (the boot tables' identity map is not
 * one). */
static kerr_t access_memory(uint64_t addr, void *buf, size_t len, bool write, size_t *done)
{
    *done = 0;
    if (addr < MM_USER_END && !g.sel_root)
        return XR_EFAULT;
    return arch_debug_mem(g.sel_root, addr, buf, len, write, done);
}

static void cmd_read_memory(const char *args)
{
    uint64_t addr;
    size_t len, done;
    if (!gdb_parse_mem(args, &addr, &len, sizeof(bytes))) {
        reply_error(1);
        return;
    }
    access_memory(addr, bytes, len, false, &done);
    if (!done && len) {
        reply_error(14); /* EFAULT */
        return;
    }
    reply_hex(bytes, done); /* a partial read answers what could be read */
}

static void cmd_write_memory(const char *args)
{
    uint64_t addr;
    size_t len, done;
    if (!gdb_parse_mem_write(args, &addr, &len, bytes, sizeof(bytes))) {
        reply_error(1);
        return;
    }
    if (access_memory(addr, bytes, len, true, &done)) {
        reply_error(14);
        return;
    }
    reply_str("OK");
}

static void cmd_read_register(const char *args)
{
    const char *p = args, *end = args + __builtin_strlen(args);
    uint64_t regno;
    size_t off, size;
    if (!gdb_parse_hex(&p, end, &regno) || p != end || regno > 1000) {
        reply_error(1);
        return;
    }
    if (!arch_debug_reg_span((unsigned)regno, &off, &size)) {
        reply_str("xxxxxxxxxxxxxxxx"); /* one GDB knows of (orig_rax, fs_base...): unavailable */
        return;
    }
    read_regs();
    reply_hex(bytes + off, size);
}

static void cmd_write_register(const char *args)
{
    const char *p = args, *end = args + __builtin_strlen(args);
    uint64_t regno;
    size_t off, size;
    if (!gdb_parse_hex(&p, end, &regno) || p == end || *p != '=' || regno > 1000) {
        reply_error(1);
        return;
    }
    if (!arch_debug_reg_span((unsigned)regno, &off, &size)) {
        reply_str("OK"); /* orig_rax and the like: nothing to write (GDB writes it with the pc) */
        return;
    }
    if ((size_t)(end - p - 1) != 2 * size) {
        reply_error(1);
        return;
    }
    if (g.sel_tid != g.stop_tid) {
        reply_error(2); /* only the stopped thread's registers can change */
        return;
    }
    arch_debug_regs_frame(g.f, bytes);
    if (!gdb_hex_decode(p + 1, bytes + off, size)) {
        reply_error(1);
        return;
    }
    arch_debug_regs_set(g.f, bytes);
    reply_str("OK");
}

static void cmd_write_registers(const char *args)
{
    size_t n = __builtin_strlen(args);
    if (g.sel_tid != g.stop_tid) {
        reply_error(2); /* only the stopped thread's registers can change */
        return;
    }
    if (n % 2 || n / 2 > ARCH_DEBUG_REGS_SIZE) {
        reply_error(1);
        return;
    }
    arch_debug_regs_frame(g.f, bytes); /* a short block changes only what it covers */
    if (!gdb_hex_decode(args, bytes, n / 2)) {
        reply_error(1);
        return;
    }
    arch_debug_regs_set(g.f, bytes);
    reply_str("OK");
}

/* ---- breakpoints ---- */

static struct sw_break *sw_find(uint64_t addr, uint64_t root)
{
    for (unsigned i = 0; i < MAX_BREAKS; i++)
        if (sw[i].used && sw[i].addr == addr && sw[i].root == root)
            return &sw[i];
    return NULL;
}

static kerr_t sw_insert(uint64_t addr, uint64_t root)
{
    size_t done;
    uint8_t insn = ARCH_DEBUG_BREAK_INSN;
    if (sw_find(addr, root))
        return XR_OK;
    for (unsigned i = 0; i < MAX_BREAKS; i++) {
        if (sw[i].used)
            continue;
        if (arch_debug_mem(root, addr, &sw[i].orig, 1, false, &done) ||
            arch_debug_mem(root, addr, &insn, 1, true, &done))
            return XR_EFAULT;
        sw[i] = (struct sw_break){true, sw[i].orig, addr, root};
        return XR_OK;
    }
    return XR_ENOMEM;
}

static kerr_t sw_remove(struct sw_break *b)
{
    size_t done;
    if (!b)
        return XR_OK; /* GDB may remove what it never managed to insert */
    b->used = false;
    return arch_debug_mem(b->root, b->addr, &b->orig, 1, true, &done);
}

static kerr_t hw_change(unsigned type, uint64_t addr, unsigned len, bool insert)
{
    for (unsigned i = 0; i < ARCH_DEBUG_HW_SLOTS; i++) {
        if (hw[i].type == type && hw[i].addr == addr && hw[i].len == len) {
            if (!insert) {
                arch_debug_hw_clear(i);
                hw[i].type = 0;
            }
            return XR_OK;
        }
    }
    if (!insert)
        return XR_OK;
    for (unsigned i = 0; i < ARCH_DEBUG_HW_SLOTS; i++) {
        if (hw[i].type)
            continue;
        kerr_t err = arch_debug_hw_set(i, type, addr, len);
        if (!err)
            hw[i] = (struct hw_break){type, len, addr};
        return err;
    }
    return XR_ENOMEM;
}

static void cmd_break(const char *args, bool insert)
{
    unsigned type;
    uint64_t addr, kind;
    if (!gdb_parse_break(args, &type, &addr, &kind) || kind > 8) {
        reply_error(1);
        return;
    }
    uint64_t root = addr < MM_USER_END ? g.sel_root : 0;
    kerr_t err;
    if (type == 0)
        err = insert ? sw_insert(addr, root) : sw_remove(sw_find(addr, root));
    else
        err = hw_change(type, addr, (unsigned)kind, insert);
    if (err) {
        reply_error(err == XR_EFAULT ? 14 : 22);
        return;
    }
    reply_str("OK");
}

static void forget_breakpoints(void)
{
    for (unsigned i = 0; i < MAX_BREAKS; i++)
        if (sw[i].used)
            sw_remove(&sw[i]);
    for (unsigned i = 0; i < ARCH_DEBUG_HW_SLOTS; i++)
        if (hw[i].type)
            hw_change(hw[i].type, hw[i].addr, hw[i].len, false);
}

/* ---- queries ---- */

static void send_thread_ids(bool first)
{
    if (first) {
        tid_count = gdb_thread_list(tids, MAX_THREADS);
        tid_next = 0;
    }
    if (tid_next >= tid_count) {
        reply_str("l");
        return;
    }
    size_t n = (size_t)format_snprintf(reply, sizeof(reply), "m");
    while (tid_next < tid_count && n < sizeof(reply) - 20)
        n += (size_t)format_snprintf(reply + n, sizeof(reply) - n, "%s%lx", n > 1 ? "," : "",
                                     tids[tid_next++]);
    g.rlen = n;
}

static void thread_extra_info(const char *args)
{
    const char *p = args, *end = args + __builtin_strlen(args);
    uint64_t tid;
    char text[96];
    if (!gdb_parse_thread(&p, end, &tid) || p != end) {
        reply_error(1);
        return;
    }
    size_t n = gdb_thread_describe(tid, text, sizeof(text));
    reply_hex((const uint8_t *)text, n);
}

/* The monitor's output goes to GDB as 'O' packets of hex text. */
struct mon_out {
    char buf[512];
    size_t n;
};

static void mon_flush(struct mon_out *o)
{
    if (!o->n)
        return;
    reply[0] = 'O';
    gdb_hex_encode((const uint8_t *)o->buf, o->n, reply + 1);
    send_packet(reply, 1 + 2 * o->n);
    o->n = 0;
}

static void mon_write(const char *s, size_t n, void *ctx)
{
    struct mon_out *o = ctx;
    for (size_t i = 0; i < n; i++) {
        if (o->n == sizeof(o->buf))
            mon_flush(o);
        o->buf[o->n++] = s[i];
    }
}

static void cmd_monitor(const char *hex)
{
    static char cmd[256];
    static struct mon_out out;
    size_t n = __builtin_strlen(hex) / 2;
    if (__builtin_strlen(hex) % 2 || n >= sizeof(cmd) || !gdb_hex_decode(hex, (uint8_t *)cmd, n)) {
        reply_error(1);
        return;
    }
    cmd[n] = '\0';
    out.n = 0;
    monitor_command(cmd, mon_write, &out);
    mon_flush(&out);
    reply_str("OK");
}

static bool starts(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++)
            return false;
    return true;
}

static void cmd_query(const char *q)
{
    if (starts(q, "qSupported"))
        reply_fmt("PacketSize=%x;swbreak+;hwbreak+", GDB_PACKET_MAX);
    else if (starts(q, "qAttached"))
        reply_str("1");
    else if (!__builtin_strcmp(q, "qC"))
        reply_fmt("QC%lx", g.stop_tid);
    else if (!__builtin_strcmp(q, "qfThreadInfo"))
        send_thread_ids(true);
    else if (!__builtin_strcmp(q, "qsThreadInfo"))
        send_thread_ids(false);
    else if (starts(q, "qThreadExtraInfo,"))
        thread_extra_info(q + 17);
    else if (starts(q, "qRcmd,"))
        cmd_monitor(q + 6);
    else
        g.rlen = 0; /* unknown: the empty reply */
}

/* ---- the stop loop ---- */

/* "c[addr]" / "s[addr]": resume (at addr when given). */
static bool resume_at(const char *args)
{
    const char *p = args, *end = args + __builtin_strlen(args);
    uint64_t addr;
    if (p == end)
        return true;
    if (!gdb_parse_hex(&p, end, &addr) || p != end)
        return false;
    arch_debug_set_pc(g.f, addr);
    return true;
}

/* Serve one packet; true when it resumes the machine (g.stepping says how). */
static bool serve(const char *p)
{
    g.rlen = 0;
    switch (p[0]) {
    case '?':
        stop_reply();
        break;
    case 'g':
        read_regs();
        reply_hex(bytes, ARCH_DEBUG_REGS_SIZE);
        break;
    case 'G':
        cmd_write_registers(p + 1);
        break;
    case 'p':
        cmd_read_register(p + 1);
        break;
    case 'P':
        cmd_write_register(p + 1);
        break;
    case 'm':
        cmd_read_memory(p + 1);
        break;
    case 'M':
        cmd_write_memory(p + 1);
        break;
    case 'c':
    case 's':
        if (!resume_at(p + 1)) {
            reply_error(1);
            break;
        }
        g.stepping = p[0] == 's';
        return true;
    case 'v':
        if (!__builtin_strcmp(p, "vCont?")) {
            reply_str("vCont;c;C;s;S");
        } else if (starts(p, "vCont;")) {
            gdb_action_t a = gdb_parse_vcont(p + 5, g.stop_tid);
            if (a == GDB_ACT_CONTINUE || a == GDB_ACT_STEP) {
                g.stepping = a == GDB_ACT_STEP;
                return true;
            }
            reply_error(1);
        }
        break;
    case 'H': {
        const char *a = p + 2, *end = p + __builtin_strlen(p);
        uint64_t tid;
        if (p[1] == 'c' || p[1] == 's')
            reply_str("OK");
        else if (p[1] == 'g' && gdb_parse_thread(&a, end, &tid) && a == end && select_thread(tid))
            reply_str("OK");
        else
            reply_error(1);
        break;
    }
    case 'T': {
        const char *a = p + 1, *end = p + __builtin_strlen(p);
        uint64_t tid;
        bool known = false;
        if (gdb_parse_thread(&a, end, &tid) && a == end) {
            known = tid == g.stop_tid;
            if (!known)
                gdb_thread_find(tid, &known);
        }
        if (known)
            reply_str("OK");
        else
            reply_error(1);
        break;
    }
    case 'Z':
    case 'z':
        cmd_break(p + 1, p[0] == 'Z');
        break;
    case 'q':
        cmd_query(p);
        break;
    case 'D':
        forget_breakpoints();
        send_packet("OK", 2);
        g.resumed = g.stepping = false;
        return true;
    case 'k': /* the kernel cannot be killed from GDB: detach instead */
        forget_breakpoints();
        g.resumed = g.stepping = false;
        return true;
    default:
        break; /* unknown: the empty reply */
    }
    send_packet(reply, g.rlen);
    return false;
}

/* Classify the stop; false when it is not the stub's (a user program's own int3). */
static bool classify(struct trap_frame *f, arch_debug_stop_t why, uint64_t addr)
{
    thread_t *cur = thread_current();
    g.signal = SIGTRAP;
    g.swbreak = false;
    g.why = why;
    g.watch_addr = addr;
    if (why == ARCH_STOP_BREAKPOINT) {
        uint64_t pc = arch_debug_pc(f) - 1;
        if (sw_find(pc, pc < MM_USER_END ? thread_root(cur) : 0)) {
            arch_debug_set_pc(f, pc); /* report (and resume) at the breakpoint itself */
            g.swbreak = true;
        } else if (arch_debug_user_mode(f)) {
            return false;
        } else if (g.pending) {
            g.signal = g.pending;
        }
        g.pending = 0;
    } else if (why == ARCH_STOP_STEP && !g.stepping) {
        return false;
    } else if (why == ARCH_STOP_INTERRUPT) {
        g.signal = SIGINT;
    }
    return true;
}

/* Bytes on the line while running: Ctrl-C stops, and so does a whole packet (GDB attaching
 * to the running system: its first packet is served once stopped). The rest is noise. */
static bool break_requested(void)
{
    bool brk = false;
    int c;
    while (!brk && (c = com2_try_getc()) >= 0) {
        gdb_rx_event_t ev = gdb_rx_feed(&rx, (uint8_t)c);
        if (ev == GDB_RX_BAD)
            com2_write("-", 1);
        if (ev == GDB_RX_PACKET) {
            com2_write("+", 1);
            __builtin_memcpy(pkt, rx.buf, rx.len + 1);
            g.queued = true;
        }
        brk = ev == GDB_RX_BREAK || ev == GDB_RX_PACKET;
    }
    return brk;
}

kernel_debug_resume_t kernel_debug_stop(struct trap_frame *f, arch_debug_stop_t why, uint64_t addr)
{
    if (!g.on || g.inside)
        return DEBUG_NOT_MINE;
    if (why == ARCH_STOP_INTERRUPT && !break_requested())
        return DEBUG_AS_IS;
    if (!classify(f, why, addr))
        return DEBUG_NOT_MINE;
    g.inside = true;
    g.f = f;
    g.stop_thread = thread_current() && thread_current()->proc ? thread_current() : NULL;
    g.stop_tid = gdb_thread_id(g.stop_thread);
    select_thread(g.stop_tid);
    if (g.resumed) {
        stop_reply();
        send_packet(reply, g.rlen);
    }
    g.stepping = false;
    g.resumed = true;
    while (!serve(recv_packet()))
        ;
    g.inside = false;
    return g.stepping ? DEBUG_STEP : DEBUG_CONTINUE;
}

void gdb_init(const config_t *cfg)
{
    if (cfg->gdb == GDB_OFF)
        return;
    if (!com2_init()) {
        log_warn("gdb: no UART answers at COM2: the stub stays off\n");
        return;
    }
    gdb_rx_init(&rx);
    g.on = true;
    arch_debug_enable();
    log_info("gdb: stub on COM2 (115200 8N1)%s\n",
             cfg->gdb == GDB_WAIT ? ", waiting for GDB to attach" : "");
    if (cfg->gdb == GDB_WAIT) {
        g.pending = SIGTRAP;
        arch_breakpoint(); /* GDB finds the machine stopped in gdb_init */
    }
}

void gdb_late_init(void)
{
    if (g.on)
        arch_debug_claim_irq(COM2_IRQ);
}

void gdb_panic(void)
{
    if (!g.on || g.inside)
        return;
    kprintf("gdb: stopped for the panic; attach GDB to COM2 to inspect it\n");
    g.pending = SIGABRT;
    arch_breakpoint();
}
