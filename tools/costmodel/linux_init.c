/* The /init of scripts/model-linux: Linux under the cost-model plugin (docs/bench/model.md,
 * "Linux under the model"). Built static for the host (Linux x86-64), run as PID 1 from an
 * initramfs. Times three loops of samples, each in its own segment of windows marked as
 * ipcbench marks them (model.h): the empty window (the timing code alone), a null system call
 * (getppid) and a pipe round trip (one byte to a child over one pipe, and back over another).
 * Prints what it did, then powers the machine off. */
#define _GNU_SOURCE /* syscall(), sync() */
#include <stdint.h>
#include <stdio.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "model.h"

#define SAMPLES 1100 /* scripts/model-linux drops the first 100 of each loop as warm-up */

#define MARK(m) __asm__ volatile("nopl %c0(%%rax)" ::"i"(m) : "memory")

static inline uint64_t tsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return (uint64_t)hi << 32 | lo;
}

/* One window around op(): the model opens it at the first RDTSC and closes it at the second. */
static uint64_t sample(void (*op)(void))
{
    MARK(MODEL_MARK_BEGIN);
    uint64_t t0 = tsc();
    op();
    uint64_t t1 = tsc();
    MARK(MODEL_MARK_END);
    return t1 - t0;
}

static int to_child[2], from_child[2];

static void nothing(void) {}

static void null_syscall(void)
{
    syscall(SYS_getppid);
}

static void pipe_round_trip(void)
{
    char c = 'x';

    if (write(to_child[1], &c, 1) != 1 || read(from_child[0], &c, 1) != 1)
        printf("model-linux: pipe round trip failed\n");
}

static void run(const char *name, void (*op)(void))
{
    uint64_t min = UINT64_MAX;

    MARK(MODEL_MARK_SEGMENT);
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t t = sample(op);
        min = t < min ? t : min;
    }
    printf("model-linux: %s %d samples, min %llu tsc\n", name, SAMPLES, (unsigned long long)min);
}

/* The child echoes each byte back until the parent closes its end. */
static void echo(void)
{
    char c;

    close(to_child[1]);
    close(from_child[0]);
    while (read(to_child[0], &c, 1) == 1)
        if (write(from_child[1], &c, 1) != 1)
            break;
    _exit(0);
}

int main(void)
{
    MARK(MODEL_MARK_START); /* the plugin's start=mark: pricing starts here, not at boot */
    printf("model-linux: start\n");
    run("empty", nothing);
    run("null_syscall", null_syscall);
    if (pipe(to_child) != 0 || pipe(from_child) != 0) {
        printf("model-linux: pipe failed\n");
    } else {
        pid_t child = fork();
        if (child == 0)
            echo();
        if (child < 0)
            printf("model-linux: fork failed\n");
        else
            run("pipe_round_trip", pipe_round_trip);
    }
    printf("model-linux: done\n");
    fflush(stdout);
    sync();
    reboot(RB_POWER_OFF);
    return 1;
}
