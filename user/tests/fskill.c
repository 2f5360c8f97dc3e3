/* test=fskill: fs killed 100 times in a row while a client thread reads and writes files on
 * /disk. The client must see only errors it can retry (EIO), never a hang, never wrong data;
 * what it synced must survive every restart; the free-frame count must come back. One line per
 * check, then "N passed, N failed". scripts/test then runs e2fsck -fn on the disk image.
 *
 * fs writes blocks back only on sync (and on eviction, which this small working set never
 * causes), and ext2 has no journal: a kill in the middle of a sync could tear the disk. So the
 * killer takes the client's sync lock before it kills; kills land anywhere else (docs/fs.md §4).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHECK_PREFIX "fskill"
#include "check.h"

#include "xr_libc.h"

#define DIR         "/disk/fskill"
#define FILES       4
#define FILE_BYTES  3000
#define KILLS       100
#define CLIENT_SLOT 40
#define WAIT_S      20 /* no progress for this long is a hang */

/* ---- shared between the killer (main thread) and the client thread ---- */

/* Each counter has one writer (the client, except pause_req and stop); volatile suffices. */
static int sync_lock;     /* held by the client around fsync, by the killer around kill */
static volatile long ops; /* the client's successful calls */
static volatile int pause_req, paused, stop;
static volatile long eio, other_errors, bad_data; /* what the client saw */
static volatile long max_call_ms;
static bool hung;            /* the client stopped making progress: it is not waited for any more */
static char client_why[160]; /* the first bad thing the client saw */
static unsigned version[FILES], synced[FILES];
static pid_t fs_pid;

static bool got_sync_lock(void)
{
    return !__atomic_exchange_n(&sync_lock, 1, __ATOMIC_ACQUIRE);
}

static void sync_unlock(void)
{
    __atomic_store_n(&sync_lock, 0, __ATOMIC_RELEASE);
}

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void path_of(int i, char *out, size_t size)
{
    snprintf(out, size, DIR "/f%d", i);
}

/* Version v of file i: a header naming both, then bytes that depend on both. */
static void content(int i, unsigned v, char *buf)
{
    int n = snprintf(buf, FILE_BYTES, "fskill file %d version %08u\n", i, v);
    for (int k = n; k < FILE_BYTES; k++)
        buf[k] = (char)('a' + (i * 131 + (int)v * 7 + k) % 26);
}

/* Notes a failed call: EIO is what a client must expect (and retries); anything else is wrong. */
static void failed_call(const char *what)
{
    if (errno == EIO) {
        eio++;
        return;
    }
    if (other_errors++ == 0)
        snprintf(client_why, sizeof(client_why), "%s: errno %d", what, errno);
}

static void wrong_data(const char *what, int i)
{
    if (bad_data++ == 0)
        snprintf(client_why, sizeof(client_why), "%s of f%d: wrong data", what, i);
}

/* Counts one successful call and its time. */
static void done_call(long t0)
{
    long ms = now_ms() - t0;
    if (ms > max_call_ms)
        max_call_ms = ms;
    ops++;
}

/* Reads the whole file at path into buf (at most size bytes); the length, or -1 (errno). */
static long read_all(const char *path, char *buf, size_t size)
{
    long t0 = now_ms();
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long n = 0, r;
    while ((size_t)n < size && (r = read(fd, buf + n, size - (size_t)n)) > 0)
        n += r;
    if (r < 0 || close(fd) != 0)
        return -1;
    done_call(t0);
    return n;
}

/* After a restart: file i must be whole, and no older than what was last synced. Returns false
 * when it could not be read for a reason to retry (EIO). */
static bool verify(int i)
{
    char path[64], *buf = malloc(FILE_BYTES + 1), *want = malloc(FILE_BYTES);
    unsigned v = 0, fi = 99;
    path_of(i, path, sizeof(path));
    long n = buf && want ? read_all(path, buf, FILE_BYTES + 1) : -1;
    bool ok = true;
    if (n < 0 && errno == ENOENT && synced[i] == 0)
        ; /* never synced: gone with the fs that had it */
    else if (n < 0)
        failed_call("verify"), ok = false;
    else if (n == 0 && synced[i] == 0)
        ; /* created and synced before its data was written */
    else if (n != FILE_BYTES || sscanf(buf, "fskill file %u version %u", &fi, &v) != 2 ||
             fi != (unsigned)i || v < synced[i] || v > version[i])
        wrong_data("verify", i);
    else if (content(i, v, want), memcmp(buf, want, FILE_BYTES) != 0)
        wrong_data("verify", i);
    free(buf);
    free(want);
    return ok;
}

/* Writes file i anew through fd (open, write, read back), leaving fd open; false on an error. */
static bool write_one(int i, int *fd, char *buf, char *back)
{
    char path[64];
    path_of(i, path, sizeof(path));
    long t0 = now_ms();
    *fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (*fd < 0)
        return failed_call("open"), false;
    done_call(t0);
    content(i, ++version[i], buf);
    t0 = now_ms();
    if (write(*fd, buf, FILE_BYTES) != FILE_BYTES)
        return failed_call("write"), false;
    done_call(t0);
    t0 = now_ms();
    if (lseek(*fd, 0, SEEK_SET) != 0 || read(*fd, back, FILE_BYTES + 1) != FILE_BYTES)
        return failed_call("read"), false;
    done_call(t0);
    if (memcmp(buf, back, FILE_BYTES) != 0)
        return wrong_data("read back", i), false;
    return true;
}

/* One round: every file written anew, all open at once, fsync of the last (which syncs the
 * volume), then closed. Only a round whose every call succeeded, all on one fs, counts as
 * synced: a restart in between makes the older descriptors fail (EIO) at the latest on close. */
static bool round_once(char *buf, char *back)
{
    int fd[FILES];
    bool ok = true;
    int opened = 0;
    for (; opened < FILES && ok; opened++)
        ok = write_one(opened, &fd[opened], buf, back);
    if (ok) {
        while (!got_sync_lock())
            usleep(1000);
        long t0 = now_ms();
        ok = fsync(fd[FILES - 1]) == 0;
        sync_unlock();
        ok ? done_call(t0) : failed_call("fsync");
    }
    for (int i = 0; i < opened; i++)
        if (fd[i] >= 0 && close(fd[i]) != 0)
            ok = false, failed_call("close");
    if (ok)
        memcpy(synced, version, sizeof(synced));
    return ok;
}

static void client(void *arg)
{
    (void)arg;
    char *buf = malloc(FILE_BYTES), *back = malloc(FILE_BYTES + 1);
    bool check = true;
    while (buf && back && !stop) {
        if (pause_req) {
            paused = 1;
            while (pause_req && !stop)
                usleep(10000);
            paused = 0;
        }
        if (check) { /* after a restart: what the disk kept */
            bool all = true;
            for (int i = 0; i < FILES; i++)
                all = verify(i) && all;
            check = !all;
        }
        check = !round_once(buf, back) || check;
    }
    free(buf);
    free(back);
}

/* ---- the killer ---- */

static pid_t pid_of(const char *name)
{
    xr_ps_t p;
    for (int i = 0; xr_ps(i, &p) == 0; i++)
        if (strcmp(p.name, name) == 0 && p.state == 'R')
            return p.pid;
    return 0;
}

/* Waits until cond() holds, polling every 10 ms; false (and the client hung) after WAIT_S s. */
static bool within(bool (*cond)(void))
{
    for (long t0 = now_ms(); !cond(); usleep(10000))
        if (now_ms() - t0 > WAIT_S * 1000)
            return !(hung = true);
    return true;
}

/* Kills fs outside the client's fsync; -1 when that did not end within WAIT_S seconds. */
static int kill_fs(void)
{
    if (!within(got_sync_lock))
        return -1;
    int r = kill(fs_pid, SIGTERM);
    sync_unlock();
    return r;
}

static long ops_goal;

static bool ops_reached(void)
{
    return ops > ops_goal;
}

/* Waits until the client made more than n successful calls; false after WAIT_S seconds. */
static bool progress_past(long n)
{
    ops_goal = n;
    return within(ops_reached);
}

/* The free-frame count once it holds still (the kernel reaps dead processes in the background):
 * the same value 5 times 100 ms apart, or the last one after 10 s. */
static long settled_frames(void)
{
    long last = -1;
    for (int same = 0, i = 0; same < 5 && i < 100; i++, usleep(100000)) {
        long f = sysconf(_SC_PHYS_PAGES);
        same = f == last ? same + 1 : 0;
        last = f;
    }
    return last;
}

/* The free frames with the client paused between rounds (no file open). */
static bool client_paused(void)
{
    return paused;
}

static long frames_paused(void)
{
    pause_req = 1;
    long f = within(client_paused) ? settled_frames() : -1;
    pause_req = 0;
    return f;
}

static long frames_before;
static int client_id = -1;

static void t_setup(void)
{
    struct stat st;
    CHECK(stat("/disk", &st) == 0 && S_ISDIR(st.st_mode));
    CHECK(mkdir(DIR, 0755) == 0 || errno == EEXIST);
    sync(); /* the folder must outlive the kills */
    CHECK((fs_pid = pid_of("fs")) > 1);
}

/* A descriptor opened before a restart must fail with EIO, not reach the file the new fs gave
 * the same handle number. */
static void t_stale_descriptor(void)
{
    char buf[16] = {0};
    int a = open(DIR "/stale", O_RDWR | O_CREAT | O_TRUNC, 0644), b = -1;
    CHECK(a >= 0 && write(a, "old", 3) == 3);
    CHECK(kill_fs() == 0);
    for (int tries = 0; b < 0 && tries < WAIT_S * 20; tries++)
        if ((b = open(DIR "/new", O_RDWR | O_CREAT | O_TRUNC, 0644)) < 0) {
            CHECK(errno == EIO);
            usleep(50000);
        }
    CHECK(b >= 0 && write(b, "new", 3) == 3);
    CHECK(write(a, "clobber", 7) == -1 && errno == EIO);
    CHECK(lseek(b, 0, SEEK_SET) == 0 && read(b, buf, sizeof(buf)) == 3);
    CHECK(memcmp(buf, "new", 3) == 0);
    CHECK(close(a) == -1 && errno == EIO && close(b) == 0);
}

static void t_client_starts(void)
{
    CHECK(xr_libc_thread_start(CLIENT_SLOT, client, NULL, &client_id) == 0);
    CHECK(progress_past(50));
    frames_before = frames_paused();
    CHECK(frames_before > 0);
}

static int kills_done;

/* KILLS kills in a row, each after the client made 1..24 more successful calls since the last. */
static void t_kills(void)
{
    unsigned seed = 1;
    long t0 = now_ms();
    for (; kills_done < KILLS; kills_done++) {
        seed = seed * 1103515245u + 12345u;
        CHECK(progress_past(ops + 1 + (long)(seed >> 16) % 24));
        CHECK(kill_fs() == 0);
    }
    CHECK(progress_past(ops + 20));
    printf("fskill: %d kills in %ld ms; client: %ld calls succeeded, %ld failed with EIO, "
           "longest call %ld ms\n",
           kills_done, now_ms() - t0, (long)ops, (long)eio, (long)max_call_ms);
}

static void t_only_eio(void)
{
    if (other_errors)
        printf("fskill: %s\n", client_why);
    CHECK(other_errors == 0);
    CHECK(eio > 0); /* the kills were felt */
}

static void t_data(void)
{
    if (bad_data)
        printf("fskill: %s\n", client_why);
    CHECK(bad_data == 0);
}

static void t_no_hang(void)
{
    CHECK(max_call_ms < WAIT_S * 1000);
}

static void t_frames(void)
{
    long after = frames_paused();
    printf("fskill: free frames %ld before, %ld after the kills\n", frames_before, after);
    CHECK(after == frames_before);
}

/* The client stopped, a last round without kills: every file is its latest version, synced. */
static void t_final(void)
{
    stop = 1;
    CHECK(!hung); /* else the client may never return: exit ends it */
    CHECK(client_id >= 0 && xr_libc_thread_join(client_id) == 0);
    char *buf = malloc(FILE_BYTES), *back = malloc(FILE_BYTES + 1);
    CHECK(buf && back);
    long before = eio;
    bool ok = round_once(buf, back);
    free(buf);
    free(back);
    CHECK(ok && eio == before);
    for (int i = 0; i < FILES; i++)
        CHECK(verify(i) && synced[i] == version[i]);
    CHECK(bad_data == 0 && eio == before);
    sync();
}

int main(void)
{
    run("setup", t_setup);
    run("stale_descriptor_eio", t_stale_descriptor);
    run("client_starts", t_client_starts);
    run("kill_fs_100_times", t_kills);
    run("client_errors_only_eio", t_only_eio);
    run("client_data_intact", t_data);
    run("no_call_hangs", t_no_hang);
    run("free_frames_restored", t_frames);
    run("final_round_synced", t_final);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
