/* Host tests of calendar dates to Unix time (lib/date.c), against values from Python's
 * calendar.timegm, and of the refusals: every out-of-range field leaves the result alone. */
#include <stdint.h>
#include <stdio.h>

#include "lib/date.h"
#include "tests/host/check.h"

/* true when d converts to want */
static int converts(date_t d, uint64_t want)
{
    uint64_t t = 1;
    if (!date_to_unix(&d, &t) || t != want) {
        printf("  %u-%u-%u %u:%u:%u: got %llu, want %llu\n", d.year, d.month, d.day, d.hour,
               d.minute, d.second, (unsigned long long)t, (unsigned long long)want);
        return 0;
    }
    return 1;
}

/* true when d is refused and the result untouched */
static int refused(date_t d)
{
    uint64_t t = 12345;
    return !date_to_unix(&d, &t) && t == 12345;
}

static void test_known_dates(void)
{
    CHECK(converts((date_t){1970, 1, 1, 0, 0, 0}, 0));
    CHECK(converts((date_t){1970, 1, 2, 0, 0, 1}, 86401));
    CHECK(converts((date_t){1972, 12, 31, 23, 59, 59}, 94694399));
    CHECK(converts((date_t){2000, 3, 1, 0, 0, 0}, 951868800));
    CHECK(converts((date_t){2024, 2, 29, 23, 59, 59}, 1709251199));
    CHECK(converts((date_t){2026, 11, 29, 12, 49, 51}, 1795956591));
    CHECK(converts((date_t){2100, 3, 1, 0, 0, 0}, 4107542400));
    CHECK(converts((date_t){9999, 12, 31, 23, 59, 59}, 253402300799));
}

static void test_refused(void)
{
    CHECK(refused((date_t){1969, 12, 31, 23, 59, 59}));
    CHECK(refused((date_t){10000, 1, 1, 0, 0, 0}));
    CHECK(refused((date_t){2023, 2, 29, 0, 0, 0}));             /* not a leap year */
    CHECK(refused((date_t){2100, 2, 29, 0, 0, 0}));             /* a century, not a leap year */
    CHECK(converts((date_t){2000, 2, 29, 0, 0, 0}, 951782400)); /* divisible by 400: leap */
    CHECK(refused((date_t){2026, 4, 31, 0, 0, 0}));
    CHECK(refused((date_t){2026, 0, 1, 0, 0, 0}));
    CHECK(refused((date_t){2026, 13, 1, 0, 0, 0}));
    CHECK(refused((date_t){2026, 1, 0, 0, 0, 0}));
    CHECK(refused((date_t){2026, 1, 1, 24, 0, 0}));
    CHECK(refused((date_t){2026, 1, 1, 0, 60, 0}));
    CHECK(refused((date_t){2026, 1, 1, 0, 0, 60}));
    CHECK(refused((date_t){0x2026, 0x11, 0x29, 0x12, 0x49, 0x51})); /* BCD left unconverted */
}

int main(void)
{
    CHECK_GROUP("date/known", test_known_dates());
    CHECK_GROUP("date/refused", test_refused());
    return check_done();
}
