/* init's service manager (the normal boot): starts the services /etc/services lists, keeps the
 * process table (services and the programs the C library registers), answers init's protocol
 * (user/init/init_proto.h: REGISTER, LOOKUP, PS, KILL, REAP) and restarts a service that dies, with
 * a back-off. One thread serves; a ticker thread signals a notification bound to it every 100 ms
 * (bit 0), and the kernel signals it (bit 1) when a process init watches ends, so the supervision
 * runs between requests. docs/processes.md §8. */
#include "services.h"
#include "startup.h"
#include "user/console/con_proto.h"
#include "user/fsclient/fs_client.h"
#include "user/init/init_proto.h"
#include "utest.h" /* ut_thread: a thread of init with its own stack */

#define M_TICK      88 /* the ticker's notification; a watched process's end signals it too */
#define M_TICKED    1  /* its bits: the ticker's (its cap's badge 0) */
#define M_DIED      2  /* XR_SYS_PROCESS_WATCH's */
#define M_EP        89 /* init's endpoint */
#define M_RECV      90 /* where a REGISTER's cap lands */
#define M_TMP       91
#define M_FS_EP     93 /* init's own fs attachment */
#define M_FS_BUF    94
#define M_SVC_EP    95 /* 95..99: endpoints of services that have one ("endpoint" in the config) */
#define M_TICKER    254
#define ENTRIES     48 /* entry i: process cap in 100 + 2i, thread cap in 101 + 2i */
#define SERVICES    5
#define TICK_US     100000
#define BACKOFF_MAX 6400000 /* the default; "backoff.max=MS" on the command line sets it */

#define IPCBUF_VA 0x0000000600000000ul /* above the modules (0x100000000 + i GiB, i < 16) */
#define FS_VA     0x0000000610000000ul
#define LOAD_VA   0x0000000700000000ul /* a program read from fs, page by page */
#define LOAD_MAX  (8ul << 20)

enum { C_IOPORTS = 1, C_ENDPOINT = 2, C_USER = 4 };

typedef struct svc {
    char name[INIT_NAME_BYTES];
    char prog[64];                     /* a path in the file system, or "module:NAME" */
    unsigned prio, caps, irq[2], nirq; /* irq[0] in slot CON_SLOT_IRQ, irq[1] in CON_SLOT_IRQ2 */
    uint64_t quota;
    bool restart;
    bool verdict;        /* a test: its end ends init (and the run) with its verdict */
    int pid;             /* running as this pid, or 0 */
    uint64_t backoff_us; /* the wait before the next restart */
    uint64_t due_tick;   /* restart at this tick of ours; 0: not waiting */
    uint64_t started_tick;
} svc_t;

typedef struct entry {
    int pid, ppid;
    char name[INIT_NAME_BYTES];
    xr_cap_t proc; /* its process cap (R|W) in init */
    svc_t *svc;    /* the service it is, or NULL for a user program */
    bool used;
    bool watched; /* its end signals M_DIED (else each tick reads its status) */
} entry_t;

static entry_t table[ENTRIES];
static svc_t services[SERVICES];
static unsigned nservices;
static int next_pid = 1;
static uint64_t ticks;
static uint64_t backoff_max = BACKOFF_MAX;
static xr_fs_t fs;

/* The test modes that run a program of /bin in place of the shell, its end ending the run; under
 * them init's KILL may end services too (the tests prove restarts). */
static const char *const test_progs[][2] = {{"test=posix", "posix"}, {"test=fskill", "fskill"}};

static const char *test_prog(void)
{
    for (unsigned i = 0; i < sizeof(test_progs) / sizeof(test_progs[0]); i++)
        if (init_cmdline_has(test_progs[i][0]))
            return test_progs[i][1];
    return NULL;
}

/* The next wait before a restart: 100 ms at first (or after 10 s of life since started), then
 * doubled up to backoff_max. */
static uint64_t backoff_next(uint64_t prev, uint64_t started)
{
    prev = ticks - started > 100 ? 0 : prev;
    prev = prev ? prev * 2 : TICK_US;
    return prev > backoff_max ? backoff_max : prev;
}

static void ticker(uint64_t arg)
{
    (void)arg;
    for (;;) {
        xr_sleep_us(TICK_US);
        xr_signal(M_TICK);
    }
}

/* A free entry with a new pid for name, its process cap at slot (or its own slot when 0). */
static entry_t *entry_add(const char *name, xr_cap_t slot, int ppid)
{
    for (int i = 0; i < ENTRIES; i++) {
        entry_t *e = &table[i];
        if (e->used)
            continue;
        *e = (entry_t){
            .pid = next_pid++, .ppid = ppid, .proc = slot ? slot : (xr_cap_t)(100 + 2 * i)};
        strncpy(e->name, name, sizeof(e->name) - 1);
        e->used = true;
        return e;
    }
    return NULL;
}

static entry_t *entry_find(int pid)
{
    for (int i = 0; i < ENTRIES; i++)
        if (table[i].used && table[i].pid == pid)
            return &table[i];
    return NULL;
}

static bool own_slot(const entry_t *e)
{
    return e->proc >= 100 && e->proc < 100 + 2 * ENTRIES;
}

static void entry_drop(entry_t *e)
{
    svc_release_fs(e->pid);
    if (own_slot(e)) {
        xr_cap_delete(e->proc);
        xr_cap_delete(e->proc + 1);
    }
    e->used = false;
}

/* Asks the kernel to signal M_DIED when e's process ends. */
static void entry_watch(entry_t *e)
{
    e->watched = xr_process_watch(e->proc, M_TICK, M_DIED) == XR_OK;
}

/* What a C-library program gets from init: its init cap (badge = pid), the console. */
static long give_user_caps(const entry_t *e)
{
    long err = xr_cap_copy(M_EP, M_TMP, XR_RIGHT_WRITE | XR_RIGHT_GRANT, (uint64_t)e->pid);
    err =
        err ? err
            : xr_process_give_cap(e->proc, M_TMP, PROC_SLOT_INIT, XR_RIGHT_WRITE | XR_RIGHT_GRANT);
    xr_cap_delete(M_TMP);
    for (unsigned i = 0; !err && i < nservices; i++)
        if (strcmp(services[i].name, "console") == 0)
            err = xr_process_give_cap(e->proc, M_SVC_EP + i, PROC_SLOT_CONSOLE, XR_RIGHT_WRITE);
    return err;
}

/* Reads the file at path into LOAD_VA; its size, or 0. */
static size_t load_file(const char *path)
{
    long h = xr_fs_open(&fs, path, FS_O_READ, 0);
    if (h == -FS_ENOTCONN) /* fs was restarted: say HELLO again */
        xr_fs_attach(&fs, XR_SLOT_SELF, M_FS_EP, M_FS_BUF, FS_VA),
            h = xr_fs_open(&fs, path, FS_O_READ, 0);
    fs_stat_t st;
    if (h < 0)
        return 0;
    size_t size = 0;
    if (xr_fs_fstat(&fs, h, &st) == 0 && st.size > 0 && st.size <= LOAD_MAX) {
        for (uint64_t off = 0; off < st.size; off += 4096) {
            long err = xr_map_anon(XR_SLOT_SELF, LOAD_VA + off, XR_MAP_WRITE);
            if (err && err != XR_EEXIST)
                break;
        }
        if (xr_fs_read(&fs, h, (void *)LOAD_VA, st.size) == (long)st.size)
            size = st.size;
    }
    xr_fs_close(&fs, h);
    return size;
}

static void unload_file(size_t size)
{
    for (uint64_t off = 0; off < size; off += 4096)
        xr_unmap(XR_SLOT_SELF, LOAD_VA + off);
}

/* The spawn page of a service that is a C-library program: console on 0, 1, 2, cwd "/". */
static long write_spawn_page(const entry_t *e)
{
    static proc_spawn_t sp;
    memset(&sp, 0, sizeof(sp));
    sp.magic = PROC_SPAWN_MAGIC;
    sp.pid = (uint32_t)e->pid;
    sp.ppid = 1;
    sp.cwd[0] = '/';
    for (int i = 0; i < 3; i++)
        sp.fd[i] = (proc_spawn_fd_t){.kind = PROC_FD_CONSOLE, .oflags = i == 0 ? 0 : 1};
    long err = xr_map_anon(e->proc, PROC_SPAWN_VA, 0);
    return err ? err : xr_mem_write(e->proc, PROC_SPAWN_VA, &sp, sizeof(sp));
}

/* Starts service s: its image, a table entry, the caps its configuration names. */
static long svc_start(svc_t *s)
{
    size_t size = 0;
    const void *image = NULL;
    if (strncmp(s->prog, "module:", 7) == 0)
        image = init_module(s->prog + 7, &size);
    else if ((size = load_file(s->prog)) != 0)
        image = (const void *)LOAD_VA;
    if (image == NULL)
        return XR_ENOENT;
    entry_t *e = entry_add(s->name, 0, 1);
    if (e == NULL)
        return XR_ENOMEM;
    char *argv[] = {s->name, NULL};
    char *envp[] = {"PATH=/bin", "HOME=/", NULL};
    bool user = s->caps & C_USER;
    long err = xr_spawn_elf_stopped(image, size, s->quota, argv, user ? envp : NULL,
                                    user ? PROC_SPAWN_VA : 0, (int)s->prio, e->proc, e->proc + 1);
    if (!image || strncmp(s->prog, "module:", 7) != 0)
        unload_file(size);
    xr_cap_t ep = M_SVC_EP + (xr_cap_t)(s - services);
    err = err ? err : xr_process_give_cap(e->proc, e->proc, XR_SLOT_SELF, XR_RIGHTS_ALL);
    err = err ? err : xr_process_give_cap(e->proc, e->proc + 1, XR_SLOT_SELF_THREAD, XR_RIGHTS_ALL);
    if (!err && (s->caps & C_IOPORTS))
        err = xr_process_give_cap(e->proc, XR_SLOT_IOPORTS, CON_SLOT_IOPORTS,
                                  XR_RIGHT_READ | XR_RIGHT_WRITE);
    for (unsigned i = 0; !err && i < s->nirq; i++) {
        xr_cap_t line = XR_SLOT_FIRST_IRQ + s->irq[i];
        xr_irq_bind(line, 0); /* a dead predecessor's binding holds it */
        err = xr_process_give_cap(e->proc, line, i ? CON_SLOT_IRQ2 : CON_SLOT_IRQ, XR_RIGHT_WRITE);
    }
    if (!err && user)
        err = give_user_caps(e);
    err = err || !user ? err : write_spawn_page(e);
    if (!err && (s->caps & C_ENDPOINT) && xr_cap_identify(ep, NULL, NULL) != XR_OK)
        err = xr_endpoint_create(ep); /* kept across restarts: clients keep their caps */
    if (!err && (s->caps & C_ENDPOINT))
        err = xr_process_give_cap(e->proc, ep, CON_SLOT_EP, XR_RIGHT_READ);
    if (!err)
        entry_watch(e);
    err = err ? err : xr_thread_start(e->proc + 1);
    if (err) {
        xr_process_kill(e->proc);
        entry_drop(e);
        return err;
    }
    e->svc = s;
    s->pid = e->pid;
    s->started_tick = ticks;
    return XR_OK;
}

/* Parses one line of /etc/services: "name program prio quota restart|once caps...". */
static void parse_line(char *line)
{
    char *tok[12];
    int n = 0;
    for (char *p = line; *p && n < 12;) {
        while (*p == ' ' || *p == '\t')
            *p++ = 0;
        if (!*p || *p == '#')
            break;
        tok[n++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
    }
    if (n < 5 || nservices == SERVICES)
        return;
    svc_t *s = &services[nservices++];
    memset(s, 0, sizeof(*s));
    strncpy(s->name, tok[0], sizeof(s->name) - 1);
    strncpy(s->prog, tok[1], sizeof(s->prog) - 1);
    s->prio = 0;
    for (const char *d = tok[2]; *d >= '0' && *d <= '9'; d++)
        s->prio = s->prio * 10 + (unsigned)(*d - '0');
    for (const char *d = tok[3]; *d >= '0' && *d <= '9'; d++)
        s->quota = s->quota * 10 + (uint64_t)(*d - '0');
    s->prio = s->prio > 199 ? 199 : s->prio;
    s->restart = strcmp(tok[4], "restart") == 0;
    for (int i = 5; i < n; i++) {
        if (strcmp(tok[i], "ioports") == 0)
            s->caps |= C_IOPORTS;
        else if (strcmp(tok[i], "endpoint") == 0)
            s->caps |= C_ENDPOINT;
        else if (strcmp(tok[i], "user") == 0)
            s->caps |= C_USER;
        else if (strncmp(tok[i], "irq=", 4) == 0 && tok[i][4] >= '0' && tok[i][4] <= '9' &&
                 s->nirq < 2) {
            unsigned line = 0;
            for (const char *d = tok[i] + 4; *d >= '0' && *d <= '9' && line < 24; d++)
                line = line * 10 + (unsigned)(*d - '0');
            s->irq[s->nirq++] = line < 24 ? line : 0;
        }
    }
}

static void read_config(void)
{
    static char text[4096];
    long h = xr_fs_open(&fs, "/etc/services", FS_O_READ, 0);
    long n = h < 0 ? h : xr_fs_read(&fs, h, text, sizeof(text) - 1);
    if (h >= 0)
        xr_fs_close(&fs, h);
    if (n < 0) {
        printf("init: no /etc/services (%s)\n", xr_fs_strerror(n));
        return;
    }
    text[n] = 0;
    for (char *line = text; line && *line;) {
        char *nl = line;
        while (*nl && *nl != '\n')
            nl++;
        char *next = *nl ? nl + 1 : NULL;
        *nl = 0;
        parse_line(line);
        line = next;
    }
}

/* A service ended: log it and plan its restart after its back-off. */
static void svc_ended(svc_t *s, uint64_t st)
{
    s->pid = 0;
    if (s->verdict) {
        bool ok = xr_status_state(st) == XR_PROC_EXITED && xr_status_code(st) == 0;
        printf("init: %s ended (status %lx)\n", s->name, st);
        xr_exit(ok ? 0 : 1);
    }
    s->backoff_us = backoff_next(s->backoff_us, s->started_tick);
    bool quiet = strcmp(s->name, "sh") == 0 && xr_status_state(st) == XR_PROC_EXITED;
    if (!quiet || !s->restart)
        printf("init: %s ended (%s %d)%s\n", s->name,
               xr_status_state(st) == XR_PROC_EXITED ? "exit" : "killed", xr_status_code(st),
               s->restart ? "" : "; not restarted");
    if (s->restart) {
        if (!quiet)
            printf("init: restarting %s in %lu ms\n", s->name, s->backoff_us / 1000);
        s->due_tick = ticks + (quiet ? 1 : s->backoff_us / TICK_US);
    }
}

/* bits: M_TICKED (a tick passed), M_DIED (a watched process ended: read their statuses). */
static void supervise(uint64_t bits)
{
    ticks += bits & M_TICKED;
    for (int i = 0; i < ENTRIES; i++) {
        entry_t *e = &table[i];
        uint64_t st = 0;
        /* The entries of what started before the manager stay: fs is restarted in place below,
         * and a dead pager or block driver stays listed as such. */
        if (!e->used || !own_slot(e) || (e->watched && !(bits & M_DIED)) ||
            xr_process_status(e->proc, &st) != XR_OK || xr_status_state(st) == XR_PROC_RUNNING)
            continue;
        svc_t *s = e->svc;
        entry_drop(e);
        if (s != NULL)
            svc_ended(s, st);
    }
    uint64_t st = 0;
    static uint64_t fs_due, fs_backoff, fs_started;
    if (svc_fs_alive(&st) == XR_OK && xr_status_state(st) != XR_PROC_RUNNING && !fs_due) {
        fs_backoff = backoff_next(fs_backoff, fs_started);
        printf("init: fs ended (status %lx); restarting in %lu ms\n", st, fs_backoff / 1000);
        fs_due = ticks + fs_backoff / TICK_US;
    }
    if (fs_due && ticks >= fs_due) {
        fs_due = 0;
        fs_started = ticks;
        long err = svc_restart_fs();
        printf("init: fs restarted (%s)\n", xr_strerror(err));
    }
    for (unsigned i = 0; i < nservices; i++) {
        svc_t *s = &services[i];
        if (s->due_tick && ticks >= s->due_tick) {
            s->due_tick = 0;
            long err = svc_start(s);
            if (err) {
                printf("init: cannot restart %s (%s)\n", s->name, xr_strerror(err));
                svc_ended(s, 0);
            }
        }
    }
}

/* ---- the protocol's handlers: each returns the reply's XR_* label, words in m ---- */

static long op_register(xr_msg_t *m, int caller)
{
    if (XR_TAG_CAPS(m->tag) != 1)
        return XR_EINVAL;
    unsigned type = 0;
    if (xr_cap_identify(M_RECV, &type, NULL) != XR_OK || type != XR_OBJ_PROCESS)
        return XR_EBADCAP;
    char name[INIT_NAME_BYTES] = {0};
    memcpy(name, m->w, sizeof(name) - 1); /* a copy: words may hold anything */
    entry_t *e = entry_add(name, 0, caller);
    if (e == NULL)
        return XR_ENOMEM;
    long err = xr_cap_move(M_RECV, e->proc);
    err = err ? err : give_user_caps(e);
    if (err) {
        entry_drop(e);
        return err;
    }
    entry_watch(e);
    m->w[0] = (uint64_t)e->pid;
    return XR_OK;
}

static long op_lookup(xr_msg_t *m, entry_t *caller)
{
    char name[INIT_NAME_BYTES + 1] = {0};
    memcpy(name, m->w, INIT_NAME_BYTES);
    uint64_t dst = m->w[2];
    if (caller == NULL)
        return XR_EPERM;
    if (dst < 3 || dst >= XR_SLOTS - 1)
        return XR_EINVAL;
    if (strcmp(name, "fs") == 0)
        return svc_give_fs_to(caller->pid, caller->proc, (xr_cap_t)dst, (xr_cap_t)dst + 1);
    for (unsigned i = 0; i < nservices; i++)
        if (strcmp(services[i].name, name) == 0 && (services[i].caps & C_ENDPOINT))
            return xr_process_give_cap(caller->proc, M_SVC_EP + i, (xr_cap_t)dst, XR_RIGHT_WRITE);
    return XR_ENOENT;
}

static long op_ps(xr_msg_t *m)
{
    uint64_t k = m->w[0];
    for (int i = 0; i < ENTRIES; i++) {
        const entry_t *e = &table[i];
        if (!e->used || k-- != 0)
            continue;
        uint64_t st = XR_PROC_RUNNING;
        if (e->proc != XR_SLOT_SELF)
            xr_process_status(e->proc, &st);
        m->w[0] = (uint64_t)(uint32_t)e->pid | (uint64_t)(uint32_t)e->ppid << 32;
        m->w[1] = st;
        memcpy(&m->w[2], e->name, INIT_NAME_BYTES);
        return XR_OK;
    }
    return XR_ENOENT;
}

/* KILL: a registered user program; under a test mode (test_progs) also a service other than
 * init itself (the tests prove restarts). */
static long op_kill(xr_msg_t *m)
{
    entry_t *e = m->w[0] <= INT32_MAX ? entry_find((int)m->w[0]) : NULL;
    bool test = test_prog() != NULL;
    if (e == NULL)
        return XR_ENOENT;
    if (e->proc == XR_SLOT_SELF || (!test && (e->svc != NULL || !own_slot(e))))
        return XR_EPERM;
    return xr_process_kill(e->proc);
}

static long op_reap(xr_msg_t *m)
{
    entry_t *e = m->w[0] <= INT32_MAX ? entry_find((int)m->w[0]) : NULL;
    uint64_t st = 0;
    if (e == NULL)
        return XR_ENOENT;
    if (e->svc != NULL || !own_slot(e))
        return XR_EPERM;
    if (xr_process_status(e->proc, &st) != XR_OK || xr_status_state(st) == XR_PROC_RUNNING)
        return XR_EBUSY;
    entry_drop(e);
    return XR_OK;
}

static long dispatch(xr_msg_t *m)
{
    int caller = m->badge <= INT32_MAX ? (int)m->badge : 0;
    switch (XR_TAG_LABEL(m->tag)) {
    case INIT_OP_REGISTER:
        return op_register(m, caller);
    case INIT_OP_LOOKUP:
        return op_lookup(m, entry_find(caller));
    case INIT_OP_PS:
        return op_ps(m);
    case INIT_OP_KILL:
        return op_kill(m);
    case INIT_OP_REAP:
        return op_reap(m);
    default:
        return XR_ENOSYS;
    }
}

/* test=posix, test=fskill: the program /bin/NAME replaces the shell; its verdict ends the run. */
static void add_test_service(const char *name)
{
    for (unsigned i = 0; i < nservices; i++)
        if (strcmp(services[i].name, "sh") == 0)
            services[i] = services[--nservices];
    if (nservices == SERVICES)
        return;
    svc_t *s = &services[nservices++];
    *s = (svc_t){.prio = 100, .caps = C_USER, .quota = 16384, .verdict = true};
    strncpy(s->name, name, sizeof(s->name) - 1);
    snprintf(s->prog, sizeof(s->prog), "/bin/%s", name);
}

/* Table entries for what started before the manager: init, the pager, the block drivers, fs. */
static void add_early(void)
{
    entry_add("init", XR_SLOT_SELF, 0);
    if (xr_cap_identify(60, NULL, NULL) == XR_OK)
        entry_add("pager", 60, 1);
    const char *names[] = {"ramdisk", "ata", "fs"};
    for (unsigned i = 0; i < 3; i++)
        if (svc_proc_slot(names[i]))
            entry_add(names[i], svc_proc_slot(names[i]), 1);
}

_Noreturn void svc_manage(void)
{
    add_early();
    long err = xr_endpoint_create(M_EP);
    err = err ? err : xr_notify_create(M_TICK);
    err = err ? err : xr_notify_bind(M_TICK, XR_SLOT_SELF_THREAD);
    err = err ? err : xr_map_anon(XR_SLOT_SELF, IPCBUF_VA, XR_MAP_WRITE);
    err = err ? err : xr_thread_set_ipcbuf(XR_SLOT_SELF_THREAD, IPCBUF_VA);
    err = err ? err : ut_thread(ticker, 0, 200, M_TICKER);
    err = err ? err : svc_give_fs(XR_SLOT_SELF, M_FS_EP, M_FS_BUF);
    err = err ? err : (xr_fs_attach(&fs, XR_SLOT_SELF, M_FS_EP, M_FS_BUF, FS_VA) ? XR_EDEAD : 0);
    if (err)
        printf("init: the service manager cannot start (%s)\n", xr_strerror(err));
    else
        read_config();
    char word[16];
    uint64_t ms = 0;
    if (init_cmdline_value("backoff.max=", word, sizeof(word))) {
        for (const char *d = word; *d >= '0' && *d <= '9' && ms < BACKOFF_MAX / 1000; d++)
            ms = ms * 10 + (uint64_t)(*d - '0');
        ms = ms > BACKOFF_MAX / 1000 ? BACKOFF_MAX / 1000 : ms;
        backoff_max = ms * 1000 < TICK_US ? TICK_US : ms * 1000;
    }
    if (test_prog())
        add_test_service(test_prog());
    for (unsigned i = 0; !err && i < nservices; i++) {
        long e = svc_start(&services[i]);
        if (e)
            printf("init: cannot start %s (%s)\n", services[i].name, xr_strerror(e));
    }
    printf("init: system up; %lu frames free\n", xr_info(XR_INFO_FRAMES_FREE));
    xr_ipc_buffer_t *b = (xr_ipc_buffer_t *)IPCBUF_VA;
    for (;;) {
        xr_msg_t m = {0};
        if (!err) {
            b->recv_slots[0] = M_RECV;
            b->recv_slots[1] = 0;
        }
        long rerr = err ? XR_EBADCAP : xr_recv(M_EP, &m);
        if (rerr) {
            xr_sleep_us(TICK_US);
            continue;
        }
        if (XR_TAG_LABEL(m.tag) == XR_LABEL_NOTIFY) {
            supervise(m.badge);
            continue;
        }
        long status = dispatch(&m);
        xr_cap_delete(M_RECV); /* a cap nobody took */
        m.tag = XR_TAG(status, 0, 4);
        xr_reply(&m);
    }
}
