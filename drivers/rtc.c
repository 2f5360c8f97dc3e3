/* The CMOS real-time clock (the MC146818 and its successors): index port 0x70, data port 0x71.
 * Read once at boot; from then on user space counts time with the timestamp counter
 * (docs/libc.md, "Time"). The clock may be updating its registers while we read them, so we
 * wait for the end of an update and read until two passes agree. */
#include "drivers/rtc.h"
#include "arch/arch.h"
#include "kernel/log.h"
#include "kernel/string.h"
#include "lib/date.h"

#define CMOS_INDEX  0x70
#define CMOS_DATA   0x71
#define REG_SECONDS 0x00
#define REG_MINUTES 0x02
#define REG_HOURS   0x04
#define REG_DAY     0x07
#define REG_MONTH   0x08
#define REG_YEAR    0x09
#define REG_A       0x0a /* bit 7: an update is in progress */
#define REG_B       0x0b /* bit 2: binary (else BCD); bit 1: 24-hour (else 12 with bit 7 = PM) */
#define REG_CENTURY 0x32 /* where PCs (QEMU, Bochs) keep it; ACPI's FADT may name another */
#define A_UIP       0x80
#define B_BINARY    0x04
#define B_24H       0x02
#define HOUR_PM     0x80
#define SPIN_LIMIT  1000000 /* an update takes under 2 ms; a stuck clock must not hang boot */
#define PASSES      8

uint64_t rtc_boot_unix, rtc_boot_timestamp;

static unsigned cmos_read(unsigned reg)
{
    arch_io_out(CMOS_INDEX, 1, reg);
    return arch_io_in(CMOS_DATA, 1) & 0xff;
}

static unsigned from_bcd(unsigned v)
{
    return (v >> 4) * 10 + (v & 0x0f);
}

/* One pass over the registers, after the update-in-progress flag has cleared. */
static void read_raw(unsigned raw[7])
{
    for (int i = 0; i < SPIN_LIMIT && (cmos_read(REG_A) & A_UIP); i++)
        arch_cpu_relax();
    static const unsigned char regs[7] = {REG_SECONDS, REG_MINUTES, REG_HOURS,  REG_DAY,
                                          REG_MONTH,   REG_YEAR,    REG_CENTURY};
    for (int i = 0; i < 7; i++)
        raw[i] = cmos_read(regs[i]);
}

void rtc_init(void)
{
    unsigned raw[7], again[7];
    read_raw(raw);
    for (int pass = 0; pass < PASSES; pass++) {
        read_raw(again);
        if (memcmp(raw, again, sizeof(raw)) == 0)
            break;
        memcpy(raw, again, sizeof(raw));
    }
    rtc_boot_timestamp = arch_timestamp();

    unsigned b = cmos_read(REG_B), pm = raw[2] & HOUR_PM;
    raw[2] &= ~HOUR_PM;
    if (!(b & B_BINARY))
        for (int i = 0; i < 7; i++)
            raw[i] = from_bcd(raw[i]);
    if (!(b & B_24H))
        raw[2] = raw[2] % 12 + (pm ? 12 : 0); /* 12 AM is 0, 12 PM is 12 */
    unsigned century = raw[6] >= 19 && raw[6] <= 99 ? raw[6] : 20;
    date_t d = {century * 100 + raw[5], raw[4], raw[3], raw[2], raw[1], raw[0]};
    if (!date_to_unix(&d, &rtc_boot_unix)) {
        log_warn("rtc: the CMOS clock reads %u-%u-%u %u:%u:%u, not a date; time starts at 1970\n",
                 d.year, d.month, d.day, d.hour, d.minute, d.second);
        rtc_boot_unix = 0;
        return;
    }
    log_info("rtc: %u-%02u-%02u %02u:%02u:%02u UTC (Unix time %lu)\n", d.year, d.month, d.day,
             d.hour, d.minute, d.second, rtc_boot_unix);
}
