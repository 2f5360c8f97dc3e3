/* The CMOS real-time clock, read once at boot: the date the system's clock starts from. */
#ifndef DRIVERS_RTC_H
#define DRIVERS_RTC_H

#include "lib/types.h"

/* Reads the CMOS clock (taken as UTC) and records its Unix time with the timestamp counter's
 * value at that moment. A clock that reads as an impossible date is logged and recorded as 0
 * (1970-01-01): time still advances from there. */
void rtc_init(void);

/* The Unix time rtc_init read and arch_timestamp() at that moment. */
extern uint64_t rtc_boot_unix, rtc_boot_timestamp;

#endif
