/* test=posix: the C library's POSIX layer checked inside the running system (files over fs,
 * descriptors, directories, pipes, processes), error cases included; one line per check, then
 * "N passed, N failed", and the time of posix_spawn + waitpid of /bin/true in TSC ticks (guest
 * instructions under scripts/run --icount). Plain POSIX: no x-realism header (services are
 * found by running ps, and killed with kill, which init allows under test=posix). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define CHECK_PREFIX "posix"
#include "check.h"

/* Runs argv (stdout to out when not NULL); returns the wait status, or -1. */
static int spawn_wait(char *const argv[], const char *out, char *const envp[])
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (out)
        posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int st = -1, e = posix_spawn(&pid, argv[0], &fa, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    if (e == 0 && waitpid(pid, &st, 0) != pid)
        st = -1;
    return e ? -1 : st;
}

static int file_has(const char *path, const char *text)
{
    char buf[4096];
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n < 0)
        return 0;
    buf[n] = 0;
    if (strstr(buf, text) == NULL)
        printf("posix: %s holds %zd bytes: \"%s\"\n", path, n, buf);
    return strstr(buf, text) != NULL;
}

static void t_open_write_read(void)
{
    char buf[32] = {0};
    int fd = open("/tmp/p1", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 3);
    CHECK(write(fd, "hello, world", 12) == 12);
    CHECK(lseek(fd, 7, SEEK_SET) == 7);
    CHECK(read(fd, buf, sizeof(buf)) == 5 && strcmp(buf, "world") == 0);
    CHECK(read(fd, buf, sizeof(buf)) == 0);
    CHECK(lseek(fd, 0, SEEK_END) == 12);
    FAILS_WITH(lseek(fd, 0, 7), EINVAL);
    CHECK(close(fd) == 0);
    FAILS_WITH(close(fd), EBADF);
}

static void t_open_errors(void)
{
    FAILS_WITH(open("/nonexistent", O_RDONLY), ENOENT);
    FAILS_WITH(open("/tmp/p1", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    FAILS_WITH(open("/etc/motd/x", O_RDONLY), ENOTDIR);
    FAILS_WITH(open("/etc", O_WRONLY), EISDIR);
    FAILS_WITH(open("", O_RDONLY), ENOENT);
}

static void t_ebadf(void)
{
    char c;
    FAILS_WITH(read(99, &c, 1), EBADF);
    FAILS_WITH(write(-1, &c, 1), EBADF);
    FAILS_WITH(fstat(63, &(struct stat){0}), EBADF);
    int fd = open("/etc/motd", O_RDONLY);
    CHECK(fd >= 0);
    FAILS_WITH(write(fd, "x", 1), EBADF);
    close(fd);
    fd = open("/tmp/p1", O_WRONLY);
    FAILS_WITH(read(fd, &c, 1), EBADF);
    close(fd);
}

static void t_emfile(void)
{
    int fds[80], n = 0;
    while (n < 80 && (fds[n] = open("/etc/motd", O_RDONLY)) >= 0)
        n++;
    int e = errno;
    for (int i = 0; i < n; i++)
        close(fds[i]);
    CHECK(n < 80 && e == EMFILE);
    int fd = open("/etc/motd", O_RDONLY); /* everything closed: usable again */
    CHECK(fd >= 0);
    close(fd);
}

static void t_stat(void)
{
    struct stat st;
    CHECK(stat("/tmp/p1", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 12);
    CHECK(stat("/etc", &st) == 0 && S_ISDIR(st.st_mode));
    FAILS_WITH(stat("/nope", &st), ENOENT);
    int fd = open("/tmp/p1", O_RDONLY);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 12 && st.st_nlink == 1);
    close(fd);
    CHECK(fstat(1, &st) == 0 && S_ISCHR(st.st_mode));
}

static void t_isatty_termios(void)
{
    struct termios t;
    CHECK(isatty(1) == 1);
    int fd = open("/tmp/p1", O_RDONLY);
    CHECK(isatty(fd) == 0 && errno == ENOTTY);
    FAILS_WITH(tcgetattr(fd, &t), ENOTTY);
    close(fd);
    CHECK(tcgetattr(0, &t) == 0 && (t.c_lflag & ICANON) && (t.c_lflag & ECHO));
    CHECK(tcsetattr(0, TCSANOW, &t) == 0);
}

static void t_link_rename_unlink(void)
{
    struct stat st;
    unlink("/tmp/p2");
    unlink("/tmp/p3");
    CHECK(link("/tmp/p1", "/tmp/p2") == 0);
    CHECK(stat("/tmp/p1", &st) == 0 && st.st_nlink == 2);
    FAILS_WITH(link("/tmp/p1", "/tmp/p2"), EEXIST);
    CHECK(rename("/tmp/p2", "/tmp/p3") == 0);
    FAILS_WITH(stat("/tmp/p2", &st), ENOENT);
    CHECK(unlink("/tmp/p3") == 0);
    FAILS_WITH(unlink("/tmp/p3"), ENOENT);
    FAILS_WITH(rename("/tmp/none", "/tmp/p4"), ENOENT);
}

static void t_mkdir_rmdir(void)
{
    rmdir("/tmp/d1/d2");
    rmdir("/tmp/d1");
    CHECK(mkdir("/tmp/d1", 0755) == 0);
    FAILS_WITH(mkdir("/tmp/d1", 0755), EEXIST);
    CHECK(mkdir("/tmp/d1/d2", 0755) == 0);
    FAILS_WITH(rmdir("/tmp/d1"), ENOTEMPTY);
    FAILS_WITH(rmdir("/tmp/p1"), ENOTDIR);
    FAILS_WITH(mkdir("/tmp/p1/x", 0755), ENOTDIR);
    FAILS_WITH(unlink("/tmp/d1"), EISDIR);
    CHECK(rmdir("/tmp/d1/d2") == 0 && rmdir("/tmp/d1") == 0);
}

static void t_readdir(void)
{
    DIR *d = opendir("/etc");
    CHECK(d != NULL);
    int motd = 0, services = 0, dots = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        motd += strcmp(e->d_name, "motd") == 0 && e->d_type == DT_REG;
        services += strcmp(e->d_name, "services") == 0;
        dots += strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    }
    rewinddir(d);
    CHECK(readdir(d) != NULL);
    CHECK(closedir(d) == 0);
    CHECK(motd == 1 && services == 1 && dots == 2);
    CHECK(opendir("/etc/motd") == NULL && errno == ENOTDIR);
    CHECK(opendir("/nope") == NULL && errno == ENOENT);
}

static void t_dup(void)
{
    char c[4] = {0};
    int fd = open("/tmp/p1", O_RDONLY);
    int d = dup(fd);
    CHECK(d > fd);
    CHECK(read(fd, c, 3) == 3 && read(d, c, 3) == 3 && memcmp(c, "lo,", 3) == 0); /* one offset */
    CHECK(dup2(fd, 20) == 20 && lseek(20, 0, SEEK_CUR) == 6);
    CHECK(close(fd) == 0 && read(d, c, 1) == 1); /* the description lives on */
    FAILS_WITH(dup(55), EBADF);
    FAILS_WITH(dup2(d, -1), EBADF);
    close(d);
    close(20);
}

static void t_fcntl(void)
{
    int fd = open("/tmp/p1", O_RDWR);
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
    CHECK(fcntl(fd, F_SETFL, O_APPEND) == 0 && (fcntl(fd, F_GETFL) & O_APPEND));
    CHECK(write(fd, "!", 1) == 1 && lseek(fd, 0, SEEK_CUR) == 13);
    int d = fcntl(fd, F_DUPFD, 10);
    CHECK(d >= 10);
    CHECK(fcntl(d, F_GETFD) == 0 && fcntl(d, F_SETFD, FD_CLOEXEC) == 0);
    CHECK(fcntl(d, F_GETFD) == FD_CLOEXEC);
    FAILS_WITH(fcntl(fd, 9999), EINVAL);
    FAILS_WITH(fcntl(40, F_GETFL), EBADF);
    close(d);
    close(fd);
}

static void t_cwd_access(void)
{
    char buf[64];
    CHECK(chdir("/tmp") == 0 && getcwd(buf, sizeof(buf)) && strcmp(buf, "/tmp") == 0);
    int fd = open("p1", O_RDONLY);
    CHECK(fd >= 0);
    close(fd);
    CHECK(chdir("../etc/./") == 0 && getcwd(buf, sizeof(buf)) && strcmp(buf, "/etc") == 0);
    CHECK(access("motd", R_OK) == 0);
    FAILS_WITH(access("nothing", F_OK), ENOENT);
    FAILS_WITH(chdir("/etc/motd"), ENOTDIR);
    FAILS_WITH(chdir("/nope"), ENOENT);
    CHECK(getcwd(buf, 3) == NULL && errno == ERANGE);
    CHECK(chdir("/") == 0);
}

static void t_pipe(void)
{
    int p[2];
    char buf[16] = {0};
    CHECK(pipe(p) == 0);
    CHECK(write(p[1], "abc", 3) == 3 && read(p[0], buf, sizeof(buf)) == 3);
    FAILS_WITH(lseek(p[0], 0, SEEK_SET), ESPIPE);
    struct stat st;
    CHECK(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode));
    CHECK(close(p[1]) == 0 && read(p[0], buf, 1) == 0); /* no writer: the end */
    CHECK(pipe(p + 0) == 0 && close(p[0]) == 0);
    signal(SIGPIPE, SIG_IGN);
    FAILS_WITH(write(p[1], "x", 1), EPIPE); /* no reader */
    close(p[1]);
}

static void t_pipe_to_child(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    fcntl(p[1], F_SETFD, FD_CLOEXEC);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[0], 0);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    posix_spawn_file_actions_addopen(&fa, 1, "/tmp/wc.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    char *argv[] = {"/bin/wc", "-c", NULL};
    pid_t pid;
    int e = posix_spawn(&pid, argv[0], &fa, NULL, argv, NULL), st = -1;
    posix_spawn_file_actions_destroy(&fa);
    close(p[0]);
    CHECK(e == 0);
    static char block[1000];
    memset(block, 'x', sizeof(block));
    for (int i = 0; i < 100; i++) /* 100,000 bytes: many times the pipe's ring */
        CHECK(write(p[1], block, sizeof(block)) == (ssize_t)sizeof(block));
    close(p[1]);
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK(file_has("/tmp/wc.out", "100000"));
}

static void t_spawn_wait(void)
{
    int st;
    char *t[] = {"/bin/true", NULL}, *f[] = {"/bin/false", NULL}, *n[] = {"/bin/none", NULL};
    st = spawn_wait(t, NULL, NULL);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    st = spawn_wait(f, NULL, NULL);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    pid_t pid;
    CHECK(posix_spawn(&pid, n[0], NULL, NULL, n, NULL) == ENOENT);
    CHECK(posix_spawnp(&pid, "true", NULL, NULL, t, NULL) == 0 && waitpid(pid, &st, 0) == pid);
    FAILS_WITH(waitpid(-1, &st, 0), ECHILD);
    FAILS_WITH(waitpid(12345, &st, WNOHANG), ECHILD);
}

static void t_argv_envp_actions(void)
{
    char *argv[] = {"/bin/echo", "one", "two words", NULL};
    int st = spawn_wait(argv, "/tmp/echo.out", NULL);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 && file_has("/tmp/echo.out", "one two words\n"));
    char *env[] = {"XR_POSIX=42", NULL}, *eargv[] = {"/bin/env", NULL};
    st = spawn_wait(eargv, "/tmp/env.out", env);
    CHECK(WIFEXITED(st) && file_has("/tmp/env.out", "XR_POSIX=42"));
    char *sh[] = {"/bin/sh", "-c", "echo $XR_POSIX > /tmp/sh.out; exit 7", NULL};
    st = spawn_wait(sh, NULL, env);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7 && file_has("/tmp/sh.out", "42"));
}

static void t_kill_getpid(void)
{
    char *argv[] = {"/bin/sleep", "20", NULL};
    pid_t pid;
    int st = 0;
    CHECK(getpid() > 1 && getppid() >= 1);
    CHECK(posix_spawn(&pid, argv[0], NULL, NULL, argv, NULL) == 0 && pid != getpid());
    CHECK(waitpid(pid, &st, WNOHANG) == 0);
    CHECK(kill(pid, 0) == 0 && kill(pid, SIGTERM) == 0);
    CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    FAILS_WITH(kill(99999, SIGTERM), ESRCH);
    FAILS_WITH(kill(pid, -1), EINVAL);
}

static void t_third_party(void)
{
    char *argv[] = {"/bin/tpdemo", NULL};
    int st = spawn_wait(argv, "/tmp/tp.out", NULL);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 && file_has("/tmp/tp.out", ", all good\n"));
}

/* The pid of the process named name, from ps's listing; 0 if none. */
static pid_t pid_of(const char *name)
{
    char *argv[] = {"/bin/ps", NULL}, line[128], n[64];
    int pid, ppid;
    char state;
    pid_t found = 0;
    if (spawn_wait(argv, "/tmp/ps.out", NULL) != 0)
        return 0;
    FILE *f = fopen("/tmp/ps.out", "r");
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "%d %d %c %63s", &pid, &ppid, &state, n) == 4 && strcmp(n, name) == 0)
            found = pid;
    if (f)
        fclose(f);
    return found;
}

/* fs killed (init allows it under test=posix): init restarts it on the same endpoint; calls
 * fail with EIO or wait, then work again, and what was synced is there. */
static void t_fs_restart(void)
{
    int fd = open("/tmp/r", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && write(fd, "survives", 8) == 8 && close(fd) == 0);
    sync();
    pid_t fs = pid_of("fs");
    CHECK(fs > 1);
    CHECK(kill(fs, SIGTERM) == 0);
    int tries = 0, errors = 0;
    char buf[16] = {0};
    for (; tries < 100; tries++) {
        fd = open("/tmp/r", O_RDONLY);
        if (fd >= 0)
            break;
        CHECK(errno == EIO);
        errors++;
        usleep(50000);
    }
    CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 8 && strcmp(buf, "survives") == 0);
    close(fd);
    printf("posix: fs restarted; %d calls failed with EIO before\n", errors);
}

/* The console killed: init restarts it on the same endpoint; the terminal works again. */
static void t_console_restart(void)
{
    struct termios t;
    pid_t con = pid_of("console");
    CHECK(con > 1 && kill(con, SIGTERM) == 0);
    int tries = 0;
    while (tries++ < 100 && pid_of("console") <= con)
        usleep(50000);
    CHECK(pid_of("console") > con);
    CHECK(tcgetattr(0, &t) == 0 && (t.c_lflag & ICANON));
}

static uint64_t tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static long long ns(struct timespec t)
{
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* The clocks: both advance across a sleep, together; the date (the CMOS clock's at boot: the
 * host's in QEMU, 1970 in Bochs by scripts/bochsrc's time0=1) is what gettimeofday and a new
 * file's modification time give too. */
static void t_clocks(void)
{
    struct timespec r0, m0, r1, m1, res;
    CHECK(clock_gettime(CLOCK_REALTIME, &r0) == 0 && clock_gettime(CLOCK_MONOTONIC, &m0) == 0);
    CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec == 1000);
    FAILS_WITH(clock_gettime((clockid_t)1234, &r0), EINVAL);
    CHECK(usleep(100000) == 0);
    CHECK(clock_gettime(CLOCK_REALTIME, &r1) == 0 && clock_gettime(CLOCK_MONOTONIC, &m1) == 0);
    long long dr = ns(r1) - ns(r0), dm = ns(m1) - ns(m0);
    CHECK(dm >= 100000000 && dm < 10000000000LL);
    CHECK(dr >= dm - 1000000 && dr <= dm + 1000000);
    struct timeval tv;
    CHECK(gettimeofday(&tv, NULL) == 0 && tv.tv_sec >= r1.tv_sec && tv.tv_sec <= r1.tv_sec + 5);
    int fd = open("/tmp/clock", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    struct stat st;
    CHECK(fd >= 0 && write(fd, "t", 1) == 1 && close(fd) == 0 && stat("/tmp/clock", &st) == 0);
    CHECK(st.st_mtime >= r1.tv_sec - 1 && st.st_mtime <= time(NULL) + 1);
    CHECK(unlink("/tmp/clock") == 0);
}

/* Thread switches on every core since boot, as /bin/cpus reports them; -1 on an error. */
static long switches_now(void)
{
    char *argv[] = {"/bin/cpus", NULL}, line[128];
    long sum = 0, n = 0;
    if (spawn_wait(argv, "/tmp/cpus", NULL) != 0)
        return -1;
    FILE *f = fopen("/tmp/cpus", "r");
    while (f && fgets(line, sizeof(line), f)) {
        char *p = strstr(line, "% busy, ");
        if (p && sscanf(p, "%% busy, %ld switches", &n) == 1)
            sum += n;
    }
    if (f)
        fclose(f);
    unlink("/tmp/cpus");
    return f && sum > 0 ? sum : -1;
}

/* waitpid blocks on the notification the kernel signals when a child ends instead of polling
 * (which was a wake-up, two switches, a tick): waiting 1 s for a child costs the switches of the
 * other services' timers and of the spawns, a few dozen, not hundreds. */
static void t_wait_blocks(void)
{
    char *argv[] = {"/bin/sleep", "1", NULL};
    pid_t pid;
    int st;
    long s0 = switches_now();
    CHECK(posix_spawn(&pid, argv[0], NULL, NULL, argv, NULL) == 0 && waitpid(pid, &st, 0) == pid);
    long s1 = switches_now();
    printf("posix: %ld thread switches while waiting 1 s for a child\n", s1 - s0);
    CHECK(s0 > 0 && s1 > s0 && s1 - s0 < 100); /* polling made it 152 */
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void measure(void)
{
    char *argv[] = {"/bin/true", NULL};
    uint64_t t[11];
    for (int i = 0; i < 11; i++) {
        uint64_t t0 = tsc();
        pid_t pid;
        int st;
        posix_spawn(&pid, argv[0], NULL, NULL, argv, NULL);
        waitpid(pid, &st, 0);
        t[i] = tsc() - t0;
    }
    qsort(t, 11, sizeof(t[0]), by_value);
    printf("posix: spawn+wait of /bin/true: min %llu, median %llu TSC ticks (11 runs)\n",
           (unsigned long long)t[0], (unsigned long long)t[5]);
}

int main(void)
{
    run("open_write_read_lseek_close", t_open_write_read);
    run("open_errors", t_open_errors);
    run("ebadf", t_ebadf);
    run("emfile", t_emfile);
    run("stat_fstat", t_stat);
    run("isatty_termios", t_isatty_termios);
    run("link_rename_unlink", t_link_rename_unlink);
    run("mkdir_rmdir", t_mkdir_rmdir);
    run("opendir_readdir", t_readdir);
    run("dup_dup2", t_dup);
    run("fcntl", t_fcntl);
    run("getcwd_chdir_access", t_cwd_access);
    run("pipe_eof_epipe", t_pipe);
    run("pipe_to_child_100k", t_pipe_to_child);
    run("spawn_wait_status", t_spawn_wait);
    run("argv_envp_file_actions", t_argv_envp_actions);
    run("kill_getpid_wnohang", t_kill_getpid);
    run("third_party_program", t_third_party);
    run("clocks", t_clocks);
    run("wait_blocks", t_wait_blocks);
    run("fs_restart", t_fs_restart);
    run("console_restart", t_console_restart);
    measure();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
