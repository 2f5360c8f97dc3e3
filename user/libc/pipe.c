/* Pipes: a memory object of PIPE_PAGES pages holding a header and a byte ring, mapped by every
 * process holding an end. The header counts the open ends; a reader finding the ring empty and
 * no writer left reads the end of the file, a writer finding no reader gets EPIPE. Waiting is a
 * few yields, then one-tick sleeps (there is no wake-up signal between the ends).
 * The header is shared with other processes, so nothing in it is trusted: indices are reduced
 * modulo the ring size before use and the counts only steer waiting. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "fd.h"
#include "sys.h"
#include "syscall.h"

#define PIPE_PAGES  4
#define PIPE_BASE   0x0000600000000000ul /* pipe i mapped at PIPE_BASE + i * PIPE_STRIDE */
#define PIPE_STRIDE 0x10000ul
#define PIPE_MAPS   64
#define RING        (PIPE_PAGES * 4096 - 64)

typedef struct pipe_hdr {
    uint32_t readers, writers; /* open ends, all processes together */
    uint64_t head, tail;       /* bytes ever written, ever read */
    uint8_t pad[40];
    uint8_t ring[RING];
} pipe_hdr_t;
_Static_assert(sizeof(pipe_hdr_t) == PIPE_PAGES * 4096, "the ring fills the pages");

struct xr_pipe {
    pipe_hdr_t *h;
    xr_cap_t slot; /* the memory object's cap */
    int map;       /* index of the mapping window */
    bool write_end;
};

static struct __lock pipe_lock;
static bool window_used[PIPE_MAPS];

/* Maps the memory object in slot into a free window; NULL (errno) on failure. */
static struct xr_pipe *map_pipe(xr_cap_t slot, bool write_end)
{
    struct xr_pipe *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    __retarget_lock_acquire_recursive(&pipe_lock);
    int w = 0;
    while (w < PIPE_MAPS && window_used[w])
        w++;
    if (w < PIPE_MAPS)
        window_used[w] = true;
    __retarget_lock_release_recursive(&pipe_lock);
    if (w == PIPE_MAPS) {
        free(p);
        errno = ENFILE;
        return NULL;
    }
    uint64_t va = PIPE_BASE + (uint64_t)w * PIPE_STRIDE;
    for (unsigned i = 0; i < PIPE_PAGES; i++) {
        long err = xr_map_memory(XR_SLOT_SELF, slot, i * 4096ul, va + i * 4096ul, XR_MAP_WRITE);
        if (err && err != XR_EEXIST) {
            free(p);
            window_used[w] = false;
            errno = sys_errno(err);
            return NULL;
        }
    }
    *p = (struct xr_pipe){(pipe_hdr_t *)va, slot, w, write_end};
    return p;
}

static void unmap_pipe(struct xr_pipe *p)
{
    uint64_t va = (uint64_t)p->h;
    for (unsigned i = 0; i < PIPE_PAGES; i++)
        xr_unmap(XR_SLOT_SELF, va + i * 4096ul);
    xr_cap_delete(p->slot);
    slot_free(p->slot);
    window_used[p->map] = false;
    free(p);
}

static void wait_a_little(unsigned round)
{
    if (round < 16)
        xr_yield();
    else
        xr_sleep_us(1000);
}

int pipe(int fds[2])
{
    xr_cap_t s1 = slot_alloc(), s2 = slot_alloc();
    if (!s1 || !s2) {
        slot_free(s1);
        slot_free(s2);
        return sys_fail(EMFILE);
    }
    long err = xr_memory_create(PIPE_PAGES, s1);
    err = err ? err : xr_cap_copy(s1, s2, XR_RIGHTS_ALL, 0);
    if (err) {
        xr_cap_delete(s1);
        slot_free(s1);
        slot_free(s2);
        return sys_fail(sys_errno(err));
    }
    struct xr_pipe *r = map_pipe(s1, false), *w = map_pipe(s2, true);
    ofd_t *ro = ofd_new(OFD_PIPE_R, O_RDONLY), *wo = ofd_new(OFD_PIPE_W, O_WRONLY);
    if (!r || !w || !ro || !wo) {
        if (r)
            unmap_pipe(r);
        if (w)
            unmap_pipe(w);
        free(ro);
        free(wo);
        return sys_fail(ENOMEM);
    }
    r->h->readers = 1;
    r->h->writers = 1;
    ro->pipe = r;
    wo->pipe = w;
    fds[0] = fd_install(ro, 0); /* on failure, fd_install closes what it was given */
    if (fds[0] < 0) {
        pipe_close(wo);
        free(wo);
        return -1;
    }
    fds[1] = fd_install(wo, 0);
    if (fds[1] < 0) {
        close(fds[0]);
        return -1;
    }
    return 0;
}

ssize_t pipe_read(ofd_t *o, void *buf, size_t n)
{
    pipe_hdr_t *h = o->pipe->h;
    for (unsigned round = 0;; round++) {
        uint64_t head = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE), tail = h->tail;
        uint64_t avail = head - tail;
        if (avail > RING) /* a peer scribbled on the header: treat as broken */
            return sys_fail(EIO);
        if (avail > 0) {
            size_t k = n < avail ? n : (size_t)avail;
            for (size_t i = 0; i < k; i++)
                ((uint8_t *)buf)[i] = h->ring[(tail + i) % RING];
            __atomic_store_n(&h->tail, tail + k, __ATOMIC_RELEASE);
            return (ssize_t)k;
        }
        if (__atomic_load_n(&h->writers, __ATOMIC_ACQUIRE) == 0 || n == 0)
            return 0;
        if (o->oflags & O_NONBLOCK)
            return sys_fail(EAGAIN);
        wait_a_little(round);
    }
}

ssize_t pipe_write(ofd_t *o, const void *buf, size_t n)
{
    pipe_hdr_t *h = o->pipe->h;
    size_t done = 0;
    for (unsigned round = 0; done < n; round++) {
        if (__atomic_load_n(&h->readers, __ATOMIC_ACQUIRE) == 0)
            return done ? (ssize_t)done : sys_fail(EPIPE);
        uint64_t tail = __atomic_load_n(&h->tail, __ATOMIC_ACQUIRE), head = h->head;
        uint64_t room = RING - (head - tail);
        if (head - tail > RING)
            return sys_fail(EIO);
        if (room == 0) {
            if (o->oflags & O_NONBLOCK)
                return done ? (ssize_t)done : sys_fail(EAGAIN);
            wait_a_little(round);
            continue;
        }
        size_t k = n - done < room ? n - done : (size_t)room;
        for (size_t i = 0; i < k; i++)
            h->ring[(head + i) % RING] = ((const uint8_t *)buf)[done + i];
        __atomic_store_n(&h->head, head + k, __ATOMIC_RELEASE);
        done += k;
        round = 0;
    }
    return (ssize_t)done;
}

void pipe_close(ofd_t *o)
{
    struct xr_pipe *p = o->pipe;
    __atomic_fetch_sub(p->write_end ? &p->h->writers : &p->h->readers, 1, __ATOMIC_RELEASE);
    unmap_pipe(p);
}

xr_cap_t pipe_share(ofd_t *o)
{
    struct xr_pipe *p = o->pipe;
    __atomic_fetch_add(p->write_end ? &p->h->writers : &p->h->readers, 1, __ATOMIC_RELEASE);
    return p->slot;
}

void pipe_unshare(ofd_t *o)
{
    struct xr_pipe *p = o->pipe;
    __atomic_fetch_sub(p->write_end ? &p->h->writers : &p->h->readers, 1, __ATOMIC_RELEASE);
}

ofd_t *pipe_adopt(xr_cap_t slot, bool write_end)
{
    struct xr_pipe *p = map_pipe(slot, write_end);
    ofd_t *o =
        p ? ofd_new(write_end ? OFD_PIPE_W : OFD_PIPE_R, write_end ? O_WRONLY : O_RDONLY) : NULL;
    if (o == NULL) {
        if (p)
            unmap_pipe(p);
        return NULL;
    }
    o->pipe = p;
    return o;
}
