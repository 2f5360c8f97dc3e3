/* Calendar dates to Unix time: whole years, then whole months, then days, by counting. The
 * loops run at most a few thousand times, once per boot, so clarity wins over a formula. */
#include "lib/date.h"

static bool leap_year(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return days[m - 1] + (m == 2 && leap_year(y));
}

bool date_to_unix(const date_t *d, uint64_t *unix_time)
{
    if (d->year < 1970 || d->year > 9999 || d->month < 1 || d->month > 12 || d->day < 1 ||
        d->day > days_in_month(d->year, d->month) || d->hour > 23 || d->minute > 59 ||
        d->second > 59)
        return false;
    uint64_t days = d->day - 1;
    for (unsigned y = 1970; y < d->year; y++)
        days += leap_year(y) ? 366 : 365;
    for (unsigned m = 1; m < d->month; m++)
        days += days_in_month(d->year, m);
    *unix_time = days * 86400 + d->hour * 3600u + d->minute * 60u + d->second;
    return true;
}
