/* Calendar dates as the CMOS clock gives them, turned into Unix time (seconds since
 * 1970-01-01 00:00:00 UTC, leap seconds ignored, as POSIX counts). */
#ifndef LIB_DATE_H
#define LIB_DATE_H

#include "lib/types.h"

typedef struct date {
    unsigned year;                 /* 1970..9999 */
    unsigned month;                /* 1..12 */
    unsigned day;                  /* 1..days in that month */
    unsigned hour, minute, second; /* 0..23, 0..59, 0..59 */
} date_t;

/* Sets *unix_time to d's Unix time and returns true; returns false, changing nothing, when
 * any field is out of its range (a 30 February, a 13th month, an hour 24, a year before 1970). */
bool date_to_unix(const date_t *d, uint64_t *unix_time);

#endif
