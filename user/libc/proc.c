/* Processes: the C library spawns its children itself (it holds its own process cap and quota),
 * registers each with init (which gives it a pid, init's cap and the console), and waits for them
 * on one notification the kernel signals when any watched child ends (XR_SYS_PROCESS_WATCH), then
 * reads their status. Also the cap-slot allocator, the IPC buffer and init's calls.
 * Lock: proc_lock guards the slot bitmap, the child table and the notification (a leaf). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fd.h"
#include "sys.h"
#include "syscall.h"
#include "xr_libc.h"

#define IPCBUF_VA  0x00005e0000000000ul /* the main thread's IPC buffer (cap transfer to init) */
#define CHILDREN   64
#define CHILD_PRIO 100
#define QUOTA_MAX  4096 /* frames a child gets at most: half of what the parent has left */
#define QUOTA_MIN  256

long xr_spawn_elf_stopped(const void *image, size_t size, uint64_t quota_frames, char *const argv[],
                          char *const envp[], uint64_t arg, int prio, xr_cap_t proc_slot,
                          xr_cap_t thread_slot);

static struct __lock proc_lock;
static uint64_t slot_bits[2]; /* slots PROC_SLOT_DYNAMIC..255 */
static struct child {
    pid_t pid;
    xr_cap_t proc, thread;
    int sig;      /* the signal this process sent it, or 0 */
    bool watched; /* its end signals child_ntfn (else waitpid polls for it) */
} children[CHILDREN];
static xr_cap_t child_ntfn;     /* bit 0: some watched child ended; 0 until the first spawn */
static bool child_ntfn_busy;    /* a thread blocks on it: only one may (a signal wakes one) */
static pid_t local_pids = 1000; /* pids when there is no init to ask */

xr_cap_t slot_alloc(void)
{
    xr_cap_t s = 0;
    __retarget_lock_acquire_recursive(&proc_lock);
    for (unsigned i = 0; i < XR_SLOTS - PROC_SLOT_DYNAMIC && !s; i++)
        if (!(slot_bits[i / 64] & (1ul << (i % 64)))) {
            slot_bits[i / 64] |= 1ul << (i % 64);
            s = PROC_SLOT_DYNAMIC + i;
        }
    __retarget_lock_release_recursive(&proc_lock);
    return s;
}

void slot_free(xr_cap_t s)
{
    if (s < PROC_SLOT_DYNAMIC || s >= XR_SLOTS)
        return;
    unsigned i = s - PROC_SLOT_DYNAMIC;
    __retarget_lock_acquire_recursive(&proc_lock);
    slot_bits[i / 64] &= ~(1ul << (i % 64));
    __retarget_lock_release_recursive(&proc_lock);
}

const proc_spawn_t *proc_spawn_info(void)
{
    const proc_spawn_t *sp = (const proc_spawn_t *)PROC_SPAWN_VA;
    return xr_libc_start_arg() == PROC_SPAWN_VA && sp->magic == PROC_SPAWN_MAGIC ? sp : NULL;
}

pid_t getpid(void)
{
    const proc_spawn_t *sp = proc_spawn_info();
    return sp ? (pid_t)sp->pid : 1;
}

pid_t getppid(void)
{
    const proc_spawn_t *sp = proc_spawn_info();
    return sp ? (pid_t)sp->ppid : 0;
}

long proc_init_call(unsigned op, uint64_t w[4])
{
    unsigned type = 0;
    if (xr_cap_identify(PROC_SLOT_INIT, &type, NULL) != XR_OK || type != XR_OBJ_ENDPOINT)
        return XR_EBADCAP;
    xr_msg_t m = {.tag = XR_TAG(op, 0, 4), .w = {w[0], w[1], w[2], w[3]}};
    long err = xr_call(PROC_SLOT_INIT, &m);
    if (err)
        return err;
    memcpy(w, m.w, sizeof(m.w));
    return (long)XR_TAG_LABEL(m.tag);
}

/* Registers the stopped process in slot ps with init, sending its cap; stores its pid. */
static long register_child(xr_cap_t ps, const char *name, pid_t *pid)
{
    static bool have_buf;
    if (!have_buf) {
        long err = xr_map_anon(XR_SLOT_SELF, IPCBUF_VA, XR_MAP_WRITE);
        err = err && err != XR_EEXIST ? err : xr_thread_set_ipcbuf(XR_SLOT_SELF_THREAD, IPCBUF_VA);
        if (err)
            return err;
        have_buf = true;
    }
    xr_ipc_buffer_t *b = (xr_ipc_buffer_t *)IPCBUF_VA;
    b->send_caps[0] = ps;
    xr_msg_t m = {.tag = XR_TAG(INIT_OP_REGISTER, 1, 4)};
    const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
    strncpy((char *)m.w, base, INIT_REG_NAME_BYTES);
    long err = xr_call(PROC_SLOT_INIT, &m);
    if (err == XR_OK)
        err = (long)XR_TAG_LABEL(m.tag);
    if (err == XR_OK)
        *pid = (pid_t)m.w[0];
    return err;
}

/* ---- file actions and attributes ---- */

enum { FA_OPEN, FA_CLOSE, FA_DUP2 };
struct fa {
    int type, fd, newfd, oflag;
    mode_t mode;
    char *path;
};
struct __posix_spawn_file_actions {
    int n;
    struct fa a[16];
};
struct __posix_spawnattr {
    short flags;
};

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa)
{
    *fa = calloc(1, sizeof(**fa));
    return *fa ? 0 : ENOMEM;
}

int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa)
{
    for (int i = 0; *fa && i < (*fa)->n; i++)
        free((*fa)->a[i].path);
    free(*fa);
    *fa = NULL;
    return 0;
}

static int fa_add(posix_spawn_file_actions_t *fa, struct fa a)
{
    if (*fa == NULL || a.fd < 0 || a.fd >= PROC_SPAWN_FDS || a.newfd < 0 ||
        a.newfd >= PROC_SPAWN_FDS)
        return EBADF;
    if ((*fa)->n == 16)
        return ENOMEM;
    (*fa)->a[(*fa)->n++] = a;
    return 0;
}

int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd, const char *path,
                                     int oflag, mode_t mode)
{
    char *p = strdup(path);
    if (p == NULL)
        return ENOMEM;
    int r = fa_add(fa, (struct fa){FA_OPEN, fd, 0, oflag, mode, p});
    if (r)
        free(p);
    return r;
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd)
{
    return fa_add(fa, (struct fa){FA_CLOSE, fd, 0, 0, 0, NULL});
}

int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd)
{
    return fa_add(fa, (struct fa){FA_DUP2, fd, newfd, 0, 0, NULL});
}

int posix_spawnattr_init(posix_spawnattr_t *at)
{
    *at = calloc(1, sizeof(**at));
    return *at ? 0 : ENOMEM;
}

int posix_spawnattr_destroy(posix_spawnattr_t *at)
{
    free(*at);
    *at = NULL;
    return 0;
}

int posix_spawnattr_setflags(posix_spawnattr_t *at, short flags)
{
    (*at)->flags = flags;
    return 0;
}

int posix_spawnattr_getflags(const posix_spawnattr_t *at, short *flags)
{
    *flags = (*at)->flags;
    return 0;
}

/* ---- spawning ---- */

/* Reads the whole file at path into a malloc'd buffer. */
static void *read_image(const char *path, size_t *size, int *e)
{
    struct stat st;
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0) {
        *e = errno;
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (S_ISDIR(st.st_mode) || st.st_size <= 0) {
        close(fd);
        *e = S_ISDIR(st.st_mode) ? EACCES : ENOEXEC;
        return NULL;
    }
    void *buf = malloc((size_t)st.st_size);
    ssize_t got = buf ? read(fd, buf, (size_t)st.st_size) : -1;
    *e = buf ? EIO : ENOMEM;
    close(fd);
    if (got != st.st_size) {
        free(buf);
        return NULL;
    }
    *size = (size_t)got;
    return buf;
}

/* Drops the reference a plan entry holds (through a descriptor, so close does the work). */
static void plan_put(ofd_t *o)
{
    int fd = fd_install(o, FD_MAX - 1);
    if (fd >= 0)
        close(fd);
}

/* The child's descriptors 0..PROC_SPAWN_FDS-1: the parent's, then the file actions in order,
 * then those still close-on-exec are left out (a dup2'd or opened one never is); each entry
 * holds a reference. Opens happen here, in the parent. */
static int plan_fds(ofd_t *plan[PROC_SPAWN_FDS], const posix_spawn_file_actions_t *fa)
{
    bool cx[PROC_SPAWN_FDS];
    for (int i = 0; i < PROC_SPAWN_FDS; i++) {
        plan[i] = fd_get(i);
        cx[i] = fd_cloexec(i);
        if (plan[i])
            plan[i]->refs++;
    }
    errno = 0;
    int e = 0;
    for (int k = 0; !e && fa && *fa && k < (*fa)->n; k++) {
        const struct fa *a = &(*fa)->a[k];
        ofd_t *o = NULL;
        if (a->type == FA_OPEN) {
            int fd = open(a->path, a->oflag, a->mode);
            if (fd < 0) {
                e = errno;
                break;
            }
            o = fd_get(fd);
            o->refs++;
            close(fd);
        } else if (a->type == FA_DUP2) {
            if ((o = plan[a->fd]) == NULL) {
                e = EBADF;
                break;
            }
            o->refs++;
        }
        int to = a->type == FA_DUP2 ? a->newfd : a->fd;
        if (plan[to])
            plan_put(plan[to]);
        plan[to] = o;
        cx[to] = false;
    }
    for (int i = 0; i < PROC_SPAWN_FDS; i++)
        if (cx[i] && plan[i]) {
            plan_put(plan[i]);
            plan[i] = NULL;
        }
    return e;
}

static void plan_drop(ofd_t *plan[PROC_SPAWN_FDS])
{
    for (int i = 0; i < PROC_SPAWN_FDS; i++)
        if (plan[i]) {
            plan_put(plan[i]);
            plan[i] = NULL;
        }
}

/* Fills the spawn page's descriptors from plan; gives the child its pipe caps. */
static long describe_fds(proc_spawn_t *sp, ofd_t *plan[PROC_SPAWN_FDS], xr_cap_t ps, int *shared)
{
    for (int i = 0; i < PROC_SPAWN_FDS; i++) {
        ofd_t *o = plan[i];
        proc_spawn_fd_t *d = &sp->fd[i];
        if (o == NULL)
            continue;
        d->oflags = (uint32_t)o->oflags;
        if (o->kind == OFD_CONSOLE) {
            d->kind = PROC_FD_CONSOLE;
        } else if (o->kind == OFD_FILE && o->path && strlen(o->path) < PROC_PATH_BYTES) {
            d->kind = PROC_FD_FILE;
            strcpy(d->path, o->path);
            off_t off = files_lseek(o, 0, SEEK_CUR);
            d->offset = off > 0 ? (uint64_t)off : 0;
        } else if (o->kind == OFD_PIPE_R || o->kind == OFD_PIPE_W) {
            d->kind = o->kind == OFD_PIPE_R ? PROC_FD_PIPE_R : PROC_FD_PIPE_W;
            long err = xr_process_give_cap(ps, pipe_share(o), PROC_SLOT_FD(i), XR_RIGHTS_ALL);
            shared[i] = 1;
            if (err)
                return err;
        }
    }
    return XR_OK;
}

/* Asks the kernel to signal child_ntfn when proc ends (making the notification on first use).
 * False when it cannot (no slot, quota, or the process's watch slots are full): waitpid polls. */
static bool child_watch(xr_cap_t proc)
{
    __retarget_lock_acquire_recursive(&proc_lock);
    if (!child_ntfn) {
        xr_cap_t s = slot_alloc();
        if (s && xr_notify_create(s) == XR_OK)
            child_ntfn = s;
        else
            slot_free(s);
    }
    bool ok = child_ntfn && xr_process_watch(proc, child_ntfn, 1) == XR_OK;
    __retarget_lock_release_recursive(&proc_lock);
    return ok;
}

static int spawn_image(pid_t *pidp, const char *path, void *image, size_t size,
                       ofd_t *plan[PROC_SPAWN_FDS], char *const argv[], char *const envp[])
{
    static proc_spawn_t sp;
    int shared[PROC_SPAWN_FDS] = {0};
    uint64_t left = xr_info(XR_INFO_QUOTA_LIMIT) - xr_info(XR_INFO_QUOTA_USED);
    uint64_t quota = left / 2 < QUOTA_MAX ? left / 2 : QUOTA_MAX;
    xr_cap_t ps = slot_alloc(), ts = slot_alloc();
    struct child *c = NULL;
    for (int i = 0; i < CHILDREN && !c; i++)
        if (children[i].pid == 0)
            c = &children[i];
    if (!ps || !ts || !c || quota < QUOTA_MIN) {
        slot_free(ps);
        slot_free(ts);
        return c ? ENOMEM : EAGAIN;
    }
    long err =
        xr_spawn_elf_stopped(image, size, quota, argv, envp, PROC_SPAWN_VA, CHILD_PRIO, ps, ts);
    if (err) {
        slot_free(ps);
        slot_free(ts);
        return err == XR_ENOMEM ? ENOMEM : ENOEXEC;
    }
    pid_t pid = 0;
    err = xr_process_give_cap(ps, ps, XR_SLOT_SELF, XR_RIGHTS_ALL);
    err = err ? err : xr_process_give_cap(ps, ts, XR_SLOT_SELF_THREAD, XR_RIGHTS_ALL);
    if (!err && (err = register_child(ps, path, &pid)) == XR_EBADCAP) {
        pid = local_pids++; /* no init to register with: hand down the console ourselves */
        err = xr_process_give_cap(ps, PROC_SLOT_CONSOLE, PROC_SLOT_CONSOLE, XR_RIGHT_WRITE);
        err = err == XR_EBADCAP ? XR_OK : err;
    }
    memset(&sp, 0, sizeof(sp));
    sp =
        (proc_spawn_t){.magic = PROC_SPAWN_MAGIC, .pid = (uint32_t)pid, .ppid = (uint32_t)getpid()};
    strncpy(sp.cwd, files_cwd(), sizeof(sp.cwd) - 1);
    err = err ? err : describe_fds(&sp, plan, ps, shared);
    err = err ? err : xr_map_anon(ps, PROC_SPAWN_VA, 0);
    err = err ? err : xr_mem_write(ps, PROC_SPAWN_VA, &sp, sizeof(sp));
    bool watched = !err && child_watch(ps);
    err = err ? err : xr_thread_start(ts);
    if (err) {
        for (int i = 0; i < PROC_SPAWN_FDS; i++)
            if (shared[i])
                pipe_unshare(plan[i]);
        xr_process_kill(ps);
        xr_cap_delete(ts);
        xr_cap_delete(ps);
        slot_free(ps);
        slot_free(ts);
        return sys_errno(err);
    }
    *c = (struct child){pid, ps, ts, 0, watched};
    if (pidp)
        *pidp = pid;
    return 0;
}

int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
                const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    (void)attr;
    int e = 0;
    size_t size = 0;
    void *image = read_image(path, &size, &e);
    if (image == NULL)
        return e;
    ofd_t *plan[PROC_SPAWN_FDS];
    e = plan_fds(plan, fa);
    if (e == 0)
        e = spawn_image(pid, path, image, size, plan, argv, envp);
    plan_drop(plan);
    free(image);
    return e;
}

int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
                 const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    if (strchr(file, '/'))
        return posix_spawn(pid, file, fa, attr, argv, envp);
    const char *path = getenv("PATH");
    if (path == NULL || !*path)
        path = "/bin";
    char buf[512];
    int e = ENOENT;
    for (const char *p = path; *p;) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t)(colon - p) : strlen(p);
        if (n + strlen(file) + 2 < sizeof(buf)) {
            memcpy(buf, p, n);
            buf[n] = '/';
            strcpy(buf + n + 1, file);
            if (access(buf, X_OK) == 0)
                return posix_spawn(pid, buf, fa, attr, argv, envp);
        }
        p += n + (colon ? 1 : 0);
    }
    return e;
}

/* The wait status of an ended child. */
static int wait_status(const struct child *c, uint64_t st)
{
    if (xr_status_state(st) == XR_PROC_EXITED)
        return (xr_status_code(st) & 0xff) << 8;
    if (c->sig)
        return c->sig & 0x7f;
    switch (xr_status_code(st)) {
    case 0:
        return SIGFPE;
    case 6:
        return SIGILL;
    case 0xff:
        return SIGKILL;
    default:
        return SIGSEGV;
    }
}

/* Returns when a child may have ended: at a signal of child_ntfn when every child waited for is
 * watched (polled: one is not) and no other thread blocks there; else after a yield (the first 64
 * rounds: a short child ends within a few time slices) or a tick (a long one then costs little). */
static void child_wait(unsigned round, bool polled)
{
    bool block = false;
    __retarget_lock_acquire_recursive(&proc_lock);
    if (!polled && child_ntfn && !child_ntfn_busy)
        block = child_ntfn_busy = true;
    __retarget_lock_release_recursive(&proc_lock);
    if (block) {
        uint64_t bits;
        long err = xr_wait(child_ntfn, &bits);
        __retarget_lock_acquire_recursive(&proc_lock);
        child_ntfn_busy = false;
        __retarget_lock_release_recursive(&proc_lock);
        if (err == XR_OK)
            return;
    }
    if (round < 64)
        xr_yield();
    else
        xr_sleep_us(1000);
}

pid_t waitpid(pid_t pid, int *status, int options)
{
    for (unsigned round = 0;; round++) {
        bool any = false, polled = false;
        for (int i = 0; i < CHILDREN; i++) {
            struct child *c = &children[i];
            uint64_t st = 0;
            if (c->pid == 0 || (pid > 0 && c->pid != pid))
                continue;
            any = true;
            polled |= !c->watched;
            if (xr_process_status(c->proc, &st) != XR_OK || xr_status_state(st) == XR_PROC_RUNNING)
                continue;
            pid_t done = c->pid;
            if (status)
                *status = wait_status(c, st);
            xr_cap_delete(c->thread);
            xr_cap_delete(c->proc);
            slot_free(c->thread);
            slot_free(c->proc);
            c->pid = 0;
            uint64_t w[4] = {(uint64_t)done, 0, 0, 0};
            proc_init_call(INIT_OP_REAP, w); /* init lets go too: the quota comes back now */
            return done;
        }
        if (!any)
            return sys_fail(ECHILD);
        if (options & WNOHANG)
            return 0;
        child_wait(round, polled);
    }
}

pid_t wait(int *status)
{
    return waitpid(-1, status, 0);
}

int kill(pid_t pid, int sig)
{
    if (sig < 0 || sig >= NSIG)
        return sys_fail(EINVAL);
    if (pid == getpid() || pid == 0) {
        if (sig == 0)
            return 0;
        _exit(128 + sig); /* every signal ends the process (abort's raise needs this) */
    }
    for (int i = 0; i < CHILDREN; i++)
        if (children[i].pid == pid && pid > 0) {
            if (sig == 0)
                return 0;
            if (children[i].sig == 0)
                children[i].sig = sig;
            return xr_process_kill(children[i].proc) ? sys_fail(ESRCH) : 0;
        }
    uint64_t w[4] = {(uint64_t)pid, (uint64_t)sig, 0, 0};
    long err = pid > 0 ? proc_init_call(INIT_OP_KILL, w) : XR_ENOENT;
    if (err == XR_OK)
        return 0;
    return sys_fail(err == XR_EPERM ? EPERM : ESRCH);
}

int xr_lookup(const char *name, xr_cap_t dst)
{
    uint64_t w[4] = {0, 0, dst, 0};
    size_t n = strlen(name);
    if (n > INIT_NAME_BYTES)
        return sys_fail(ENAMETOOLONG);
    memcpy(w, name, n);
    long err = proc_init_call(INIT_OP_LOOKUP, w);
    return err ? sys_fail(sys_errno(err)) : 0;
}

int xr_ps(int index, xr_ps_t *out)
{
    uint64_t w[4] = {(uint64_t)index, 0, 0, 0};
    long err = index < 0 ? XR_EINVAL : proc_init_call(INIT_OP_PS, w);
    if (err)
        return sys_fail(err == XR_ENOENT ? ESRCH : sys_errno(err));
    out->pid = (int)(uint32_t)w[0];
    out->ppid = (int)(w[0] >> 32);
    out->state = xr_status_state(w[1]) == XR_PROC_RUNNING  ? 'R'
                 : xr_status_state(w[1]) == XR_PROC_EXITED ? 'Z'
                                                           : 'K';
    out->code = xr_status_code(w[1]);
    memcpy(out->name, &w[2], 16);
    out->name[16] = 0;
    return 0;
}
