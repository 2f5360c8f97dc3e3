/* The fuzzer's random numbers, its argument generator (values chosen to sit on the kernel's
 * edges) and the counted system call every role goes through. */
#include "fuzz.h"

fz_stats_t *const fz_stats = (fz_stats_t *)FZ_STATS_VA;

const uint8_t fz_trap_bytes[4096] = {[0 ... 4095] = 0xcc};

uint64_t fz_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ul;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ul;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebul;
    return x ^ (x >> 31);
}

uint64_t fz_rand(fz_ctx_t *c)
{
    c->rng += 0x9e3779b97f4a7c15ul;
    return fz_mix(c->rng);
}

uint64_t fz_below(fz_ctx_t *c, uint64_t n)
{
    return fz_rand(c) % n;
}

bool fz_chance(fz_ctx_t *c, unsigned one_in)
{
    return fz_below(c, one_in) == 0;
}

/* Any slot the random calls may name: mostly the populated low ones, sometimes every slot
 * below the protected range, and sometimes the edges and beyond. */
xr_cap_t fz_slot(fz_ctx_t *c)
{
    static const xr_cap_t edges[] = {0, 1, 2, FZ_SLOT_PROTECTED - 1, 256, 257, 1000, 0xffffffffu};
    uint64_t r = fz_below(c, 100);
    if (r < 70)
        return 1 + (xr_cap_t)fz_below(c, FZ_SLOT_RANDOM_END - 1);
    if (r < 92)
        return (xr_cap_t)fz_below(c, FZ_SLOT_PROTECTED);
    return edges[fz_below(c, sizeof(edges) / sizeof(edges[0]))];
}

/* A destination: a slot of the random range that is probably empty (the upper part is
 * sparser); a full one or slot 0 now and then, to test the refusals. */
xr_cap_t fz_free_slot(fz_ctx_t *c)
{
    if (fz_chance(c, 16))
        return fz_slot(c);
    return FZ_SLOT_NTFN_FIRST + FZ_NTFNS + (xr_cap_t)fz_below(c, 200);
}

/* An address: mostly pages of the arena (so that maps, unmaps and protects meet each other),
 * or one of the edges of the user half, or somewhere the kernel must refuse. */
uint64_t fz_va(fz_ctx_t *c)
{
    static const uint64_t edges[] = {
        0,
        4096,
        0x400000,
        FZ_STATS_VA,
        FZ_THREAD_AREA,
        FZ_THREAD_AREA + FZ_THREAD_SIZE,
        XR_USER_STACK_TOP - 4096,
        0x7fffffffe000ul,
        0x7ffffffff000ul, /* the last page, which nothing may map */
        0x7ffffffffff8ul,
        0x800000000000ul, /* the first non-canonical address */
        0x0000800000001000ul,
        0xffff800000000000ul, /* the kernel's direct map */
        0xffffffff80100000ul, /* the kernel's text */
        0xfffffffffffff000ul,
        1ul << 63,
    };
    uint64_t r = fz_below(c, 100);
    if (r < 60)
        return FZ_ARENA + fz_below(c, 512) * 4096;
    if (r < 70)
        return FZ_ARENA + fz_below(c, FZ_ARENA_PAGES) * 4096; /* new page tables */
    if (r < 75)
        return FZ_ARENA + fz_below(c, 1ul << 30); /* unaligned */
    if (r < 80 && c->agent)
        return FZ_THREAD_AREA + fz_below(c, 8 * 16) * 4096; /* its own stacks and buffers */
    return edges[fz_below(c, sizeof(edges) / sizeof(edges[0]))];
}

/* A tag: random label, a cap count and length around their limits, the grant-looking bits. */
uint64_t fz_tag(fz_ctx_t *c)
{
    static const uint64_t lens[] = {0, 1, 4, 5, 63, 64, 65, 255};
    uint64_t len = fz_chance(c, 3) ? lens[fz_below(c, 8)] : fz_below(c, 6);
    uint64_t caps = fz_chance(c, 2) ? 0 : fz_chance(c, 8) ? fz_below(c, 256) : fz_below(c, 5);
    uint64_t label = fz_chance(c, 4) ? fz_rand(c) >> 16 : fz_below(c, 4);
    if (fz_chance(c, 16))
        label = fz_chance(c, 2) ? XR_LABEL_FAULT : XR_LABEL_NOTIFY;
    return XR_TAG(label, caps, len);
}

/* One argument of a raw call. */
uint64_t fz_arg(fz_ctx_t *c)
{
    static const uint64_t small[] = {0, 1, 2, 3, 4, 7, 8, 15, 16, 64, 100, 255, 256, 1024, 1025};
    static const uint64_t big[] = {4096,      1ul << 20,    (1ul << 20) + 1, 1ul << 32,
                                   1ul << 40, ~0ul >> 1,    1ul << 63,       ~0ul,
                                   ~0ul - 1,  3600000001ul, 0xfffffff0,      0xffffffff};
    switch (fz_below(c, 8)) {
    case 0:
    case 1:
        return fz_slot(c);
    case 2:
        return small[fz_below(c, sizeof(small) / sizeof(small[0]))];
    case 3:
        return big[fz_below(c, sizeof(big) / sizeof(big[0]))];
    case 4:
    case 5:
        return fz_va(c);
    case 6:
        return fz_tag(c);
    default:
        return fz_rand(c);
    }
}

static void count(uint64_t nr, long err)
{
    unsigned i = nr < XR_SYS_COUNT ? (unsigned)nr : XR_SYS_COUNT;
    __atomic_fetch_add(&fz_stats->calls, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&fz_stats->by_nr[i], 1, __ATOMIC_RELAXED);
    if (err == XR_OK)
        __atomic_fetch_add(&fz_stats->ok_by_nr[i], 1, __ATOMIC_RELAXED);
}

long fz_sys(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
            uint64_t a5)
{
    long err = xr_syscall6((long)nr, a0, a1, a2, a3, a4, a5);
    count(nr, err);
    return err;
}

long fz_ipc(uint64_t nr, uint64_t ep, xr_msg_t *m)
{
    long err = xr_ipc((long)nr, ep, m);
    count(nr, err);
    return err;
}

/* The worker must never block or end itself: its blocking calls become their polling forms. */
static uint64_t tame_for_worker(uint64_t nr)
{
    switch (nr) {
    case XR_SYS_EXIT:
    case XR_SYS_THREAD_EXIT:
        return XR_SYS_NULL;
    case XR_SYS_SEND:
    case XR_SYS_CALL:
        return XR_SYS_NBSEND;
    case XR_SYS_RECV:
    case XR_SYS_REPLY_RECV:
        return XR_SYS_POLL;
    case XR_SYS_WAIT:
        return XR_SYS_NOTIFY_POLL;
    default:
        return nr;
    }
}

/* Arguments a raw call must not have: a slot in the protected range, a pointer that would
 * print to the console or copy the fuzzer's own code into another process, a long sleep. */
static void tame_args(fz_ctx_t *c, uint64_t nr, uint64_t *a)
{
    for (int i = 0; i < 6; i++)
        if (a[i] >= FZ_SLOT_PROTECTED && a[i] < XR_SLOTS)
            a[i] -= 64;
    if (nr == XR_SYS_DEBUG_WRITE && a[1] != 0)
        a[0] = fz_chance(c, 2) ? 0xffff800000000000ul + a[0] % 4096 : 0x800000000000ul + a[0];
    if (nr == XR_SYS_MEM_WRITE && a[2] < 0x800000000000ul)
        a[2] = (uint64_t)fz_trap_bytes + fz_below(c, 64);
    if (nr == XR_SYS_SLEEP)
        a[0] = c->agent && fz_chance(c, 64) ? a[0] : a[0] % 2000;
}

/* One raw call: any number (some out of range, some "negative"), arguments from fz_arg. */
void fz_raw_call(fz_ctx_t *c)
{
    uint64_t nr = fz_below(c, XR_SYS_COUNT + 3);
    if (nr == XR_SYS_COUNT + 2)
        nr = fz_chance(c, 2) ? ~0ul - fz_below(c, 4) : 1ul << (32 + fz_below(c, 32));
    uint64_t a[6];
    for (int i = 0; i < 6; i++)
        a[i] = fz_arg(c);
    if (!c->agent)
        nr = tame_for_worker(nr);
    else if ((nr == XR_SYS_EXIT || nr == XR_SYS_THREAD_EXIT) && !fz_chance(c, 50))
        nr = XR_SYS_YIELD; /* agents end now and then, not every 50 calls */
    tame_args(c, nr, a);
    if (nr >= XR_SYS_SEND && nr <= XR_SYS_REPLY_RECV) {
        fz_ipc_fill(c);
        xr_msg_t m = {.tag = a[1], .w = {a[2], a[3], a[4], a[5]}};
        fz_ipc(nr, a[0], &m);
        return;
    }
    fz_sys(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
