/* sh: the shell. Reads commands from the console (prompt "x-realism$ "), a file (sh FILE) or
 * an argument (sh -c 'CMDS'); runs pipelines with posix_spawnp, redirections as file actions,
 * ; && || and & (background jobs), and the builtins cd, pwd, exit, export, unset, wait, jobs.
 * Ctrl-C while a foreground job runs ends it (the console server flags the key; we poll). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sh.h"
#include "xr_libc.h"

#define VARS 64
#define JOBS 16

int sh_status;
static struct var {
    char *name, *value;
    bool exported;
} vars[VARS];
static struct job {
    int id;
    pid_t pids[SH_CMDS];
    int n;
    char what[64];
} jobs[JOBS];
static int next_job = 1;
static bool interactive;

const char *sh_getvar(const char *name)
{
    for (int i = 0; i < VARS; i++)
        if (vars[i].name && strcmp(vars[i].name, name) == 0)
            return vars[i].value;
    return "";
}

void sh_setvar(const char *name, const char *value, bool export_it)
{
    struct var *free_v = NULL;
    for (int i = 0; i < VARS; i++) {
        if (vars[i].name && strcmp(vars[i].name, name) == 0) {
            if (value) {
                free(vars[i].value);
                vars[i].value = strdup(value);
            }
            vars[i].exported |= export_it;
            return;
        }
        if (!vars[i].name && !free_v)
            free_v = &vars[i];
    }
    if (free_v)
        *free_v = (struct var){strdup(name), strdup(value ? value : ""), export_it};
}

static void unsetvar(const char *name)
{
    for (int i = 0; i < VARS; i++)
        if (vars[i].name && strcmp(vars[i].name, name) == 0) {
            free(vars[i].name);
            free(vars[i].value);
            vars[i] = (struct var){0};
        }
}

/* The environment of a command: every exported variable as NAME=VALUE (a fresh vector). */
static char **make_env(void)
{
    char **env = calloc(VARS + 1, sizeof(char *));
    int n = 0;
    for (int i = 0; env && i < VARS; i++)
        if (vars[i].name && vars[i].exported) {
            size_t len = strlen(vars[i].name) + strlen(vars[i].value) + 2;
            env[n] = malloc(len);
            snprintf(env[n++], len, "%s=%s", vars[i].name, vars[i].value);
        }
    return env;
}

static void free_env(char **env)
{
    for (int i = 0; env && env[i]; i++)
        free(env[i]);
    free(env);
}

/* NAME=VALUE: a valid assignment word? */
static bool is_assignment(const char *w)
{
    const char *eq = strchr(w, '=');
    if (!eq || eq == w)
        return false;
    for (const char *p = w; p < eq; p++)
        if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (p > w && *p >= '0' && *p <= '9')))
            return false;
    return true;
}

static int status_of(int st)
{
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Waits for the foreground pids; Ctrl-C (polled from the console) kills them. Returns the
 * status of the last one. */
static int wait_fg(pid_t *pids, int n)
{
    int last = 0, left = n;
    while (left > 0) {
        for (int i = 0; i < n; i++) {
            int st;
            if (pids[i] > 0 && waitpid(pids[i], &st, WNOHANG) == pids[i]) {
                if (i == n - 1)
                    last = st;
                pids[i] = 0;
                left--;
            }
        }
        if (left == 0)
            break;
        if (xr_console_intr())
            for (int i = 0; i < n; i++)
                if (pids[i] > 0)
                    kill(pids[i], SIGINT);
        usleep(1000);
    }
    return status_of(last);
}

/* Reports the background jobs that have ended. */
static void reap_jobs(bool report)
{
    for (int j = 0; j < JOBS; j++) {
        struct job *jb = &jobs[j];
        if (jb->id == 0)
            continue;
        int left = 0;
        for (int i = 0; i < jb->n; i++) {
            int st;
            if (jb->pids[i] > 0 && waitpid(jb->pids[i], &st, WNOHANG) == jb->pids[i])
                jb->pids[i] = 0;
            left += jb->pids[i] > 0;
        }
        if (left == 0) {
            if (report)
                printf("[%d] Done    %s\n", jb->id, jb->what);
            jb->id = 0;
        }
    }
}

static int builtin(command_t *c, bool *done)
{
    char **a = c->argv;
    *done = true;
    if (strcmp(a[0], "cd") == 0) {
        const char *to = c->argc > 1 ? a[1] : sh_getvar("HOME");
        if (chdir(*to ? to : "/") != 0) {
            fprintf(stderr, "cd: %s: %s\n", to, strerror(errno));
            return 1;
        }
        char cwd[512];
        sh_setvar("PWD", getcwd(cwd, sizeof(cwd)), true);
        return 0;
    }
    if (strcmp(a[0], "pwd") == 0) {
        char cwd[512];
        puts(getcwd(cwd, sizeof(cwd)) ? cwd : "?");
        return 0;
    }
    if (strcmp(a[0], "exit") == 0) {
        fflush(stdout);
        exit(c->argc > 1 ? atoi(a[1]) : sh_status);
    }
    if (strcmp(a[0], "export") == 0 || strcmp(a[0], "unset") == 0) {
        for (int i = 1; i < c->argc; i++) {
            char *eq = strchr(a[i], '=');
            if (a[0][0] == 'u') {
                unsetvar(a[i]);
                continue;
            }
            if (eq)
                *eq = 0;
            sh_setvar(a[i], eq ? eq + 1 : NULL, true);
        }
        return 0;
    }
    if (strcmp(a[0], "wait") == 0) {
        for (int j = 0; j < JOBS; j++)
            if (jobs[j].id)
                wait_fg(jobs[j].pids, jobs[j].n), jobs[j].id = 0;
        return 0;
    }
    if (strcmp(a[0], "jobs") == 0) {
        reap_jobs(true);
        for (int j = 0; j < JOBS; j++)
            if (jobs[j].id)
                printf("[%d] Running %s\n", jobs[j].id, jobs[j].what);
        return 0;
    }
    *done = false;
    return 0;
}

/* Adds c's redirections to fa; false (with a message) if one cannot be added. */
static bool add_redirs(posix_spawn_file_actions_t *fa, const command_t *c)
{
    for (int i = 0; i < c->nredir; i++) {
        const redir_t *r = &c->redir[i];
        int e = 0;
        if (r->kind == R_DUP)
            e = posix_spawn_file_actions_adddup2(fa, r->dup_from, r->fd);
        else {
            int fl = r->kind == R_IN       ? O_RDONLY
                     : r->kind == R_APPEND ? O_WRONLY | O_CREAT | O_APPEND
                                           : O_WRONLY | O_CREAT | O_TRUNC;
            e = posix_spawn_file_actions_addopen(fa, r->fd, r->path, fl, 0666);
        }
        if (e) {
            fprintf(stderr, "sh: redirection: %s\n", strerror(e));
            return false;
        }
    }
    return true;
}

/* Runs one pipeline; returns its status (the last command's). */
static int run_pipeline(pipeline_t *pl)
{
    command_t *c0 = &pl->cmd[0];
    if (pl->ncmd == 1 && c0->argc > 0 && is_assignment(c0->argv[0]) && c0->argc == 1) {
        char *eq = strchr(c0->argv[0], '=');
        *eq = 0;
        sh_setvar(c0->argv[0], eq + 1, false);
        return 0;
    }
    bool done = false;
    if (pl->ncmd == 1 && c0->argc > 0) {
        int st = builtin(c0, &done);
        if (done)
            return st;
    }
    pid_t pids[SH_CMDS] = {0};
    int prev_read = -1, n = 0, status = 0;
    char **env = make_env();
    for (int i = 0; i < pl->ncmd; i++) {
        command_t *c = &pl->cmd[i];
        int fds[2] = {-1, -1};
        if (i + 1 < pl->ncmd && pipe(fds) != 0) {
            fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
            status = 1;
            break;
        }
        if (fds[0] >= 0) {
            fcntl(fds[0], F_SETFD, FD_CLOEXEC);
            fcntl(fds[1], F_SETFD, FD_CLOEXEC);
        }
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        if (prev_read >= 0)
            posix_spawn_file_actions_adddup2(&fa, prev_read, 0);
        if (fds[1] >= 0)
            posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
        int e = c->argc == 0 ? 0 : -1;
        if (c->argc > 0 && add_redirs(&fa, c))
            e = posix_spawnp(&pids[n], c->argv[0], &fa, NULL, c->argv, env);
        posix_spawn_file_actions_destroy(&fa);
        if (e > 0) {
            fprintf(stderr, "sh: %s: %s\n", c->argv[0],
                    e == ENOENT ? "command not found" : strerror(e));
            status = e == ENOENT ? 127 : 126;
        } else if (e == 0 && c->argc > 0) {
            n++;
        }
        if (prev_read >= 0)
            close(prev_read);
        if (fds[1] >= 0)
            close(fds[1]);
        prev_read = fds[0];
    }
    if (prev_read >= 0)
        close(prev_read);
    free_env(env);
    if (pl->sep == '&') {
        for (int j = 0; j < JOBS && n > 0; j++)
            if (jobs[j].id == 0) {
                jobs[j] = (struct job){.id = next_job++, .n = n};
                memcpy(jobs[j].pids, pids, sizeof(pids));
                snprintf(jobs[j].what, sizeof(jobs[j].what), "%s", c0->argc ? c0->argv[0] : "");
                printf("[%d] %d\n", jobs[j].id, (int)pids[n - 1]);
                break;
            }
        return 0;
    }
    if (n > 0) {
        xr_console_intr(); /* forget a Ctrl-C typed before the job started */
        int st = wait_fg(pids, n);
        if (status == 0 || n == pl->ncmd)
            status = st;
    }
    return status;
}

/* Runs one line: each pipeline in turn (parsed just before it runs), honouring && and ||. */
static void run_line(const char *line)
{
    char prev = ';';
    for (;;) {
        bool empty;
        pipeline_t *p = sh_parse(&line, &empty);
        if (p == NULL) {
            if (!empty)
                sh_status = 2;
            return;
        }
        bool skip = (prev == 'a' && sh_status != 0) || (prev == 'o' && sh_status == 0);
        if (!skip)
            sh_status = run_pipeline(p);
        /* a skipped "a && b || c" still passes its status on to the || */
        prev = p->sep == '&' ? ';' : p->sep;
        sh_free(p);
        fflush(stdout);
    }
}

static int run_file(FILE *f)
{
    char line[1024];
    for (;;) {
        if (interactive) {
            reap_jobs(true);
            printf("x-realism$ ");
            fflush(stdout);
        }
        errno = 0;
        if (!fgets(line, sizeof(line), f)) {
            if (interactive && errno == EINTR) { /* Ctrl-C at the prompt: a fresh line */
                clearerr(f);
                xr_console_intr();
                continue;
            }
            break;
        }
        run_line(line);
    }
    if (interactive)
        printf("exit\n");
    return sh_status;
}

int main(int argc, char **argv)
{
    extern char **environ;
    for (char **e = environ; e && *e; e++) {
        char *eq = strchr(*e, '=');
        if (eq) {
            *eq = 0;
            sh_setvar(*e, eq + 1, true);
            *eq = '=';
        }
    }
    if (!*sh_getvar("PATH"))
        sh_setvar("PATH", "/bin", true);
    if (argc >= 2 && strcmp(argv[1], "-c") == 0) {
        if (argc < 3) {
            fprintf(stderr, "usage: sh [-c COMMANDS | FILE]\n");
            return 2;
        }
        run_line(argv[2]);
        return sh_status;
    }
    if (argc >= 2) {
        FILE *f = fopen(argv[1], "r");
        if (f == NULL) {
            fprintf(stderr, "sh: %s: %s\n", argv[1], strerror(errno));
            return 127;
        }
        int st = run_file(f);
        fclose(f);
        return st;
    }
    interactive = isatty(0);
    return run_file(stdin);
}
