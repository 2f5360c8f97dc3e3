/* Time in user space from the timestamp counter, no system call per reading: the kernel tells
 * once (XR_SYS_INFO) the counter's rate and the Unix time the CMOS clock gave at one counter
 * value; every reading after that is an rdtsc and a multiply-divide. The counter runs at a
 * constant rate on the CPUs and emulators we support (invariant TSC) and from 0 at reset. */
#include "syscall.h"

static uint64_t hz, boot_unix, boot_ts;

static void clock_load(void)
{
    boot_unix = xr_info(XR_INFO_BOOT_UNIX);
    boot_ts = xr_info(XR_INFO_BOOT_TIMESTAMP);
    uint64_t rate = xr_info(XR_INFO_TIMESTAMP_HZ);
    hz = rate != 0 && rate != UINT64_MAX ? rate : 1000000000; /* an old kernel: guess 1 GHz */
}

static uint64_t timestamp(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* ticks of the counter in microseconds: whole seconds, then the rest (which is below hz, so
 * times 10^6 it fits 64 bits for any rate under 18 THz) */
static uint64_t ticks_to_us(uint64_t ticks)
{
    return ticks / hz * 1000000 + ticks % hz * 1000000 / hz;
}

uint64_t xr_clock_monotonic_us(void)
{
    if (hz == 0)
        clock_load();
    return ticks_to_us(timestamp());
}

uint64_t xr_clock_unix_us(void)
{
    if (hz == 0)
        clock_load();
    uint64_t now = timestamp();
    uint64_t since = now > boot_ts ? ticks_to_us(now - boot_ts) : 0;
    return boot_unix * 1000000 + since;
}
