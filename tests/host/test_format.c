/* Host tests of the kernel's printf engine (lib/format.c). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/format.h"
#include "tests/host/check.h"

static char out[512];

/*
 * Formats into out and compares with want, both the text and the returned length. Deliberately
 * without a format attribute so that the unknown-conversion cases compile under -Werror.
 */
static int same(const char *want, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = format_vsnprintf(out, sizeof(out), fmt, ap);
    va_end(ap);
    if (strcmp(out, want) != 0 || n != (int)strlen(want)) {
        printf("  format \"%s\": got \"%s\" (%d), want \"%s\"\n", fmt, out, n, want);
        return 0;
    }
    return 1;
}

static void test_integers(void)
{
    CHECK(same("0", "%d", 0));
    CHECK(same("42", "%d", 42));
    CHECK(same("-42", "%i", -42));
    CHECK(same("4294967295", "%u", UINT32_MAX));
    CHECK(same("-1 2", "%d %u", -1, 2u));
    CHECK(same("123456789012", "%ld", 123456789012L));
    CHECK(same("-123456789012", "%lld", -123456789012LL));
    CHECK(same("18446744073709551615", "%lu", (unsigned long)UINT64_MAX));
    CHECK(same("12345", "%zu", (size_t)12345));
    CHECK(same("-7", "%zd", (ptrdiff_t)-7));
}

static void test_limits(void)
{
    CHECK(same("-9223372036854775808", "%ld", (long)INT64_MIN));
    CHECK(same("-9223372036854775808", "%lld", (long long)INT64_MIN));
    CHECK(same("9223372036854775807", "%lld", (long long)INT64_MAX));
    CHECK(same("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX));
    CHECK(same("-2147483648", "%d", INT32_MIN));
    CHECK(same("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX));
    CHECK(same("  -9223372036854775808", "%22ld", (long)INT64_MIN));
    CHECK(same("-009223372036854775808", "%022ld", (long)INT64_MIN));
}

static void test_hex(void)
{
    CHECK(same("ff", "%x", 255u));
    CHECK(same("FF", "%X", 255u));
    CHECK(same("deadbeef", "%x", 0xdeadbeefu));
    CHECK(same("DEADBEEFCAFE", "%lX", 0xdeadbeefcafeUL));
    CHECK(same("0", "%x", 0u));
    CHECK(same("ffffffff", "%x", -1));
    CHECK(same("1000", "%zx", (size_t)0x1000));
}

static void test_width(void)
{
    CHECK(same("   42", "%5d", 42));
    CHECK(same("  -42", "%5d", -42));
    CHECK(same("42", "%1d", 42));
    CHECK(same("    7", "%*d", 5, 7));
    CHECK(same("7    |", "%*d|", -5, 7));
    CHECK(same("   ab", "%5s", "ab"));
    CHECK(same("    x", "%5c", 'x'));
}

static void test_zero_pad(void)
{
    CHECK(same("00042", "%05d", 42));
    CHECK(same("-0042", "%05d", -42));
    CHECK(same("000000ff", "%08x", 255u));
    CHECK(same("0000000000001000", "%016lx", 0x1000UL));
    CHECK(same("00000", "%05u", 0u));
}

static void test_left_align(void)
{
    CHECK(same("42   |", "%-5d|", 42));
    CHECK(same("-42  |", "%-5d|", -42));
    CHECK(same("ab   |", "%-5s|", "ab"));
    CHECK(same("42   |", "%-05d|", 42));
    CHECK(same("x  |", "%-3c|", 'x'));
}

static void test_pointer(void)
{
    CHECK(same("0x0000000000000000", "%p", (void *)0));
    CHECK(same("0x00000000deadbeef", "%p", (void *)(uintptr_t)0xdeadbeef));
    CHECK(same("0xffffffff80000000", "%p", (void *)(uintptr_t)0xffffffff80000000ULL));
    CHECK(same("  0x0000000000000010", "%20p", (void *)(uintptr_t)0x10));
}

static void test_strings(void)
{
    const char raw[3] = {'a', 'b', 'c'}; /* no NUL: precision must stop the read */

    CHECK(same("hello", "%s", "hello"));
    CHECK(same("", "%s", ""));
    CHECK(same("(null)", "%s", (char *)NULL));
    CHECK(same("hel", "%.3s", "hello"));
    CHECK(same("hello", "%.10s", "hello"));
    CHECK(same("ab", "%.*s", 2, raw));
    CHECK(same("abc", "%.*s", 3, raw));
    CHECK(same("", "%.0s", "hello"));
    CHECK(same("hello", "%.*s", -1, "hello"));
    CHECK(same("   he", "%5.2s", "hello"));
    CHECK(same("(nu", "%.3s", (char *)NULL));
}

static void test_int_precision(void)
{
    CHECK(same("007", "%.3d", 7));
    CHECK(same("-007", "%.3d", -7));
    CHECK(same("  007", "%05.3d", 7));
    CHECK(same("", "%.0d", 0));
}

static void test_percent_and_unknown(void)
{
    CHECK(same("100%", "100%%"));
    CHECK(same("%", "%%"));
    CHECK(same("%q", "%q"));
    CHECK(same("a%qb", "a%qb"));
    CHECK(same("%5q", "%5q"));
    CHECK(same("%lq", "%lq"));
    CHECK(same("%o", "%o", 8));
    CHECK(same("x%", "x%"));
    CHECK(same("x%-0", "x%-0"));
    CHECK(same("x%l", "x%l"));
    CHECK(same("%c", "%%c"));
    CHECK(same("a7b", "a%db", 7));
}

static void test_snprintf(void)
{
    char small[8];

    memset(small, 'Z', sizeof(small));
    CHECK(format_snprintf(small, sizeof(small), "%s", "hello world") == 11);
    CHECK(strcmp(small, "hello w") == 0);
    CHECK(format_snprintf(small, 1, "abc") == 3);
    CHECK(small[0] == '\0');
    memset(small, 'Z', sizeof(small));
    CHECK(format_snprintf(small, 0, "abc") == 3);
    CHECK(small[0] == 'Z');
    CHECK(format_snprintf(NULL, 0, "%d", 12345) == 5);
    CHECK(format_snprintf(small, sizeof(small), "%d", 1234567) == 7);
    CHECK(strcmp(small, "1234567") == 0);
    CHECK(format_snprintf(small, sizeof(small), "%d", 12345678) == 8);
    CHECK(strcmp(small, "1234567") == 0);
    CHECK(format_snprintf(small, sizeof(small), "%s", "") == 0 && small[0] == '\0');
}

struct counter {
    size_t calls;
    char last;
};

static void count_put(char c, void *arg)
{
    struct counter *k = arg;

    k->calls++;
    k->last = c;
}

static int count_format(struct counter *k, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = format_v(count_put, k, fmt, ap);
    va_end(ap);
    return n;
}

static void test_format_v(void)
{
    struct counter k = {0, 0};

    CHECK(count_format(&k, "%s=%d!", "x", 10) == 5);
    CHECK(k.calls == 5 && k.last == '!');
    k.calls = 0;
    CHECK(count_format(&k, "%4096d", 1) == 4096);
    CHECK(k.calls == 4096);
    k.calls = 0;
    CHECK(count_format(&k, "%99999999999999999999d", 1) == 4096);
    CHECK(count_format(&k, "") == 0);
}

int main(void)
{
    CHECK_GROUP("format/integers", test_integers());
    CHECK_GROUP("format/limits", test_limits());
    CHECK_GROUP("format/hex", test_hex());
    CHECK_GROUP("format/width", test_width());
    CHECK_GROUP("format/zero_pad", test_zero_pad());
    CHECK_GROUP("format/left_align", test_left_align());
    CHECK_GROUP("format/pointer", test_pointer());
    CHECK_GROUP("format/strings", test_strings());
    CHECK_GROUP("format/int_precision", test_int_precision());
    CHECK_GROUP("format/percent_unknown", test_percent_and_unknown());
    CHECK_GROUP("format/snprintf", test_snprintf());
    CHECK_GROUP("format/format_v", test_format_v());
    return check_done();
}
