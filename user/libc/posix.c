/* POSIX calls newlib leaves to the system and that need no server: sysconf, uname, sleeping and
 * clocks over the kernel's tick (XR_SYS_INFO, XR_SYS_SLEEP). */
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "sys.h"
#include "syscall.h"
#include "xr_libc.h"

#define PAGE         4096
#define MAX_SLEEP_US 3600000000ull /* XR_SYS_SLEEP refuses more at once */
#define XR_OPEN_MAX  64

long sysconf(int name)
{
    switch (name) {
    case _SC_PAGESIZE:
        return PAGE;
    case _SC_CLK_TCK:
        return CLOCKS_PER_SEC;
    case _SC_NPROCESSORS_CONF:
    case _SC_NPROCESSORS_ONLN:
        return 1;
    case _SC_OPEN_MAX:
        return XR_OPEN_MAX;
    case _SC_PHYS_PAGES:
        return (long)xr_info(XR_INFO_FRAMES_FREE);
    case _SC_THREAD_THREADS_MAX:
        return XR_LIBC_THREADS;
    default:
        return sys_fail(EINVAL);
    }
}

int getpagesize(void)
{
    return PAGE;
}

int uname(struct utsname *u)
{
    memset(u, 0, sizeof(*u));
    strcpy(u->sysname, "x-realism");
    strcpy(u->nodename, "x-realism");
    strcpy(u->release, "0.1");
    strcpy(u->version, "newlib " _NEWLIB_VERSION);
    strcpy(u->machine, "x86_64");
    return 0;
}

/* Sleeps at least us microseconds, in pieces the kernel accepts. */
static void sleep_us(uint64_t us)
{
    while (us > 0) {
        uint64_t part = us < MAX_SLEEP_US ? us : MAX_SLEEP_US;
        xr_sleep_us(part);
        us -= part;
    }
}

/* Never interrupted (there are no signals), so *rem is always zero. */
int nanosleep(const struct timespec *req, struct timespec *rem)
{
    if (req == NULL || req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000)
        return sys_fail(EINVAL);
    sleep_us((uint64_t)req->tv_sec * 1000000 + ((uint64_t)req->tv_nsec + 999) / 1000);
    if (rem != NULL)
        *rem = (struct timespec){0, 0};
    return 0;
}

unsigned sleep(unsigned seconds)
{
    sleep_us((uint64_t)seconds * 1000000);
    return 0;
}

int usleep(useconds_t us)
{
    sleep_us(us);
    return 0;
}

/* CLOCK_REALTIME is the date (the CMOS clock's at boot plus the time since), CLOCK_MONOTONIC
 * the time since boot; both from the timestamp counter, in microseconds (lib/clock.c). */
int clock_gettime(clockid_t id, struct timespec *tp)
{
    if (id != CLOCK_REALTIME && id != CLOCK_MONOTONIC)
        return sys_fail(EINVAL);
    uint64_t us = id == CLOCK_REALTIME ? xr_clock_unix_us() : xr_clock_monotonic_us();
    tp->tv_sec = (time_t)(us / 1000000);
    tp->tv_nsec = (long)(us % 1000000) * 1000;
    return 0;
}

int clock_getres(clockid_t id, struct timespec *res)
{
    if (id != CLOCK_REALTIME && id != CLOCK_MONOTONIC)
        return sys_fail(EINVAL);
    if (res != NULL)
        *res = (struct timespec){0, 1000}; /* both clocks count microseconds */
    return 0;
}
