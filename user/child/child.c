/* The child program of init's tests: its argument picks one thing to do, most of them
 * things a process must not be able to do, each of which must end only this process. */
#include "chan.h"
#include "echo.h"
#include "rpc.h"
#include "xr.h"

#include "child_modes.h"

#define CHAN_BATCH 128 /* messages per chan_flush of CHILD_CHAN_PRODUCE */
#define FUZZ_CALLS 10000

static uint64_t rng;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* An argument worth trying: slots, small numbers, user and kernel addresses, extremes. */
static uint64_t fuzz_arg(void)
{
    static const uint64_t special[] = {
        0,
        1,
        2,
        5,
        6,
        7,
        255,
        256,
        4096,
        0x400000,
        0x70000000,
        0x7ffffffff000ul,
        0x800000000000ul,
        0xffff800000000000ul,
        0xffffffff80100000ul,
        ~0ul,
        1ul << 63,
    };
    uint64_t r = next_random();
    switch (r % 4) {
    case 0:
        return special[(r >> 8) % (sizeof(special) / sizeof(special[0]))];
    case 1:
        return (r >> 8) % 300;
    case 2:
        return 0x400000 + ((r >> 8) % 64) * 4096;
    default:
        return next_random();
    }
}

/* Random calls, except the ones that would end or stall this process on purpose: exit,
 * sleep, and the IPC calls that block until a partner comes (their non-blocking forms,
 * nbsend, poll and notify_poll, are in). */
static int child_fuzz(void)
{
    int done = 0;
    while (done < FUZZ_CALLS) {
        uint64_t nr = next_random() % (XR_SYS_COUNT + 4);
        if (nr == XR_SYS_EXIT || nr == XR_SYS_THREAD_EXIT || nr == XR_SYS_SLEEP ||
            nr == XR_SYS_SEND || nr == XR_SYS_RECV || nr == XR_SYS_CALL ||
            nr == XR_SYS_REPLY_RECV || nr == XR_SYS_WAIT)
            continue;
        uint64_t a[6];
        for (int i = 0; i < 6; i++)
            a[i] = fuzz_arg();
        if (nr == XR_SYS_DEBUG_WRITE)
            a[0] |= 0xffff800000000000ul; /* only pointers the kernel must refuse */
        if (nr == XR_SYS_IOPORT_OUT || nr == XR_SYS_IOPORT_IN)
            a[1] = 0x80; /* should a port cap ever be found: the harmless POST port */
        xr_syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        done++;
    }
    return done;
}

static volatile uint64_t sink;

/* Through a volatile pointer, so the compiler neither folds nor complains about the address. */
static uint64_t peek(uint64_t addr)
{
    volatile uint64_t *volatile p = (volatile uint64_t *)addr;
    return *p;
}

static void poke(uint64_t addr, uint8_t v)
{
    volatile uint8_t *volatile p = (volatile uint8_t *)addr;
    *p = v;
}

static int child_fault(uint64_t mode)
{
    static const uint8_t ret_insn[] = {0xc3};
    uint8_t stack_code[16];
    switch (mode) {
    case CHILD_READ_KERNEL:
        sink = peek(0xffffffff80100000ul);
        break;
    case CHILD_WRITE_KERNEL:
        poke(0xffff800000200000ul, 1);
        break;
    case CHILD_EXEC_STACK:
        memcpy(stack_code, ret_insn, 1);
        ((void (*)(void))(uintptr_t)stack_code)();
        break;
    case CHILD_PRIVILEGED:
        __asm__ volatile("hlt");
        break;
    case CHILD_DIVIDE: {
        volatile int zero = 0;
        sink = 100 / zero;
        break;
    }
    case CHILD_INVALID_OPCODE:
        __asm__ volatile("ud2");
        break;
    case CHILD_NULL:
        sink = peek(8);
        break;
    case CHILD_WRITE_TEXT:
        poke((uint64_t)(uintptr_t)child_fault, 0x90);
        break;
    case CHILD_PORT_IO:
        __asm__ volatile("outb %%al, $0x80" ::"a"(0));
        break;
    case CHILD_NONCANONICAL:
        sink = peek(0x8000000000000000ul);
        break;
    default:
        return 1;
    }
    return 0; /* not reached when the kernel does its job */
}

/* Every word + 1 until a call with label XR_ECHO_STOP, which is answered too. */
static int child_echo(void)
{
    xr_msg_t m = {0};
    long err = xr_recv(XR_CHILD_SLOT_EP, &m);
    if (err == XR_OK)
        err = xr_echo_serve(XR_CHILD_SLOT_EP, (xr_ipc_buffer_t *)CHILD_IPCBUF, &m, 1, XR_ECHO_ANY);
    xr_reply(&m);
    return err ? 100 + (int)err : 0;
}

static int child_caller(void)
{
    xr_msg_t m = {.tag = XR_TAG(5, 0, 1), .w = {123}};
    long err = xr_call(XR_CHILD_SLOT_EP, &m);
    return err ? 200 + (int)err : (int)m.w[0];
}

static _Noreturn void child_hold(void)
{
    xr_msg_t m = {0};
    xr_recv(XR_CHILD_SLOT_EP, &m);
    for (;;)
        xr_sleep_us(1000000);
}

/* Deep enough to need stack pages below the 64 KiB spawn maps. */
static uint64_t stack_eater(unsigned depth)
{
    volatile uint8_t frame[1024];
    frame[0] = (uint8_t)depth;
    if (depth == 0)
        return frame[0];
    return stack_eater(depth - 1) + frame[0];
}

static int child_heap(void)
{
    volatile uint8_t *heap = (volatile uint8_t *)CHILD_HEAP_BASE;
    for (uint64_t off = 0; off < 65536; off += 4096) {
        if (heap[off] != 0) /* demand-zero */
            return 1;
        heap[off] = (uint8_t)(off >> 12);
    }
    for (uint64_t off = 0; off < 65536; off += 4096)
        if (heap[off] != (uint8_t)(off >> 12))
            return 2;
    return stack_eater(256) == 0 ? 3 : 0;
}

static int chan_produce(uint64_t arg)
{
    chan_t ch;
    uint64_t n = CHILD_ARG_COUNT(arg);
    long err = chan_attach(&ch, (void *)CHILD_CHAN_VA, CHILD_CHAN_SLOTS, CHILD_CHAN_POOL, CHAN_SPSC,
                           XR_CHILD_SLOT_CHAN_RX, XR_CHILD_SLOT_CHAN_TX);
    for (uint64_t i = 0; !err && i < n; i++) {
        uint64_t msg[2] = {i, i ^ CHILD_CHAN_MIX};
        err = chan_write(&ch, msg, sizeof(msg));
        if (!err && (i % CHAN_BATCH == CHAN_BATCH - 1 || i == n - 1))
            err = chan_flush(&ch);
    }
    if (arg & CHILD_ARG_CRASH)
        __asm__ volatile("ud2");
    chan_close(&ch);
    return err ? 100 + (int)err : 0;
}

static int chan_consume(uint64_t arg)
{
    chan_t ch;
    chan_msg_t m;
    uint64_t n = CHILD_ARG_COUNT(arg);
    long err = chan_attach(&ch, (void *)CHILD_CHAN_VA, CHILD_CHAN_SLOTS, CHILD_CHAN_POOL, CHAN_SPSC,
                           XR_CHILD_SLOT_CHAN_RX, XR_CHILD_SLOT_CHAN_TX);
    for (uint64_t i = 0; !err && i < n; i++) {
        uint64_t msg[2];
        if ((err = chan_recv(&ch, &m)))
            break;
        memcpy(msg, m.data, sizeof(msg));
        if (m.len != sizeof(msg) || msg[0] != i || msg[1] != (i ^ CHILD_CHAN_MIX))
            return 1;
    }
    if (arg & CHILD_ARG_CRASH)
        __asm__ volatile("ud2");
    return err ? 100 + (int)err : 0;
}

static int chan_hostile(uint64_t arg)
{
    uint64_t words = chan_pages(CHILD_CHAN_SLOTS, CHILD_CHAN_POOL) * 4096 / 8;
    volatile uint64_t *p = (volatile uint64_t *)CHILD_CHAN_VA;
    rng = 0x1234567;
    for (uint64_t i = 0; i < CHILD_ARG_COUNT(arg); i++) {
        uint64_t r = next_random();
        /* mostly the header and the first slots, where the receiver looks */
        uint64_t at = r & 1 ? (r >> 8) % 16 : r & 2 ? 512 + (r >> 8) % 64 : (r >> 8) % words;
        p[at] = next_random() >> (r >> 58);
        if (i % 64 == 63)
            xr_yield();
    }
    return 0;
}

struct add_req {
    uint64_t a, b;
};

static long rpc_add(void *ctx, const void *req, size_t len, void *resp, size_t *resp_len)
{
    (void)ctx;
    const struct add_req *q = RPC_ARG(struct add_req, req, len);
    if (!q || *resp_len < 8)
        return XR_EINVAL;
    uint64_t sum = q->a + q->b;
    memcpy(resp, &sum, 8);
    *resp_len = 8;
    return XR_OK;
}

/* Echo the bytes, each + 1. */
static long rpc_echo(void *ctx, const void *req, size_t len, void *resp, size_t *resp_len)
{
    (void)ctx;
    if (len > *resp_len)
        return XR_ERANGE;
    for (size_t i = 0; i < len; i++)
        ((uint8_t *)resp)[i] = (uint8_t)(((const uint8_t *)req)[i] + 1);
    *resp_len = len;
    return XR_OK;
}

static int child_rpc(void)
{
    static const rpc_handler_t ops[] = {NULL, rpc_add, rpc_echo};
    rpc_server_t s = {ops, 3, NULL};
    chan_t req, rep;
    long err = rpc_ep_serve(XR_CHILD_SLOT_EP, (xr_ipc_buffer_t *)CHILD_IPCBUF, &s);
    err = err ? err
              : chan_attach(&req, (void *)CHILD_CHAN_VA, CHILD_CHAN_SLOTS, CHILD_CHAN_POOL,
                            CHAN_SPSC, XR_CHILD_SLOT_CHAN_RX, XR_CHILD_SLOT_CHAN_TX);
    err = err ? err
              : chan_attach(&rep, (void *)CHILD_CHAN_VA2, CHILD_CHAN_SLOTS, CHILD_CHAN_POOL,
                            CHAN_SPSC, XR_CHILD_SLOT_CHAN2_RX, XR_CHILD_SLOT_CHAN2_TX);
    rpc_chan_t c = {.tx = &rep, .rx = &req};
    err = err ? err : rpc_chan_serve(&c, &s);
    return err ? 100 + (int)err : 0;
}

int main(uint64_t mode)
{
    switch (mode & 0xff) {
    case CHILD_SHM:
        ((volatile uint64_t *)CHILD_CHAN_VA)[1] = ((volatile uint64_t *)CHILD_CHAN_VA)[0] + 1;
        return 0;
    case CHILD_CHAN_PRODUCE:
        return chan_produce(mode);
    case CHILD_CHAN_CONSUME:
        return chan_consume(mode);
    case CHILD_CHAN_HOSTILE:
        return chan_hostile(mode);
    case CHILD_RPC:
        return child_rpc();
    default:
        break;
    }
    switch (mode) {
    case CHILD_ECHO:
        return child_echo();
    case CHILD_CALLER:
        return child_caller();
    case CHILD_HOLD:
        child_hold();
    case CHILD_TOUCH:
        *(volatile uint8_t *)CHILD_HEAP_BASE = 0x55;
        return *(volatile uint8_t *)CHILD_HEAP_BASE;
    case CHILD_HEAP:
        return child_heap();
    default:
        break;
    }
    if (mode == CHILD_EXIT_42)
        return 42;
    if ((mode & 0xff) == CHILD_FUZZ) {
        rng = (mode >> 8) | 1;
        return child_fuzz();
    }
    if (mode == CHILD_SPIN)
        for (;;)
            sink++;
    child_fault(mode);
    printf("child: mode %lu was not stopped!\n", mode);
    return 99;
}
