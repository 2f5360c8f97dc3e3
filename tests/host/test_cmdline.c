/* Host tests of the kernel command line parser (lib/cmdline.c). */
#include <stdlib.h>
#include <string.h>

#include "lib/cmdline.h"
#include "tests/host/check.h"

/* The last warning seen, copied out of the command line. */
static struct {
    int count;
    const char *msg;
    char word[64];
    size_t word_len;
} seen;

static void record_warning(const char *msg, const char *word, size_t word_len)
{
    seen.count++;
    seen.msg = msg;
    seen.word_len = word_len;
    size_t n = word_len < sizeof(seen.word) - 1 ? word_len : sizeof(seen.word) - 1;
    memcpy(seen.word, word, n);
    seen.word[n] = '\0';
}

/* Parses line over fresh defaults into cfg; returns the parser's warning count. */
static int parse(const char *line, config_t *cfg)
{
    memset(&seen, 0, sizeof(seen));
    config_defaults(cfg);
    return cmdline_parse(line, cfg, record_warning);
}

static bool is_default(const config_t *c)
{
    config_t d;

    config_defaults(&d);
    return c->fastpath == d.fastpath && c->kpti == d.kpti && c->pcid == d.pcid && c->smp == d.smp &&
           c->workers == d.workers && strcmp(c->test, d.test) == 0 && c->log == d.log &&
           c->gdb == d.gdb && c->fpu == d.fpu;
}

static void test_defaults(void)
{
    config_t c;

    memset(&c, 0x5a, sizeof(c));
    config_defaults(&c);
    CHECK(c.fastpath == 1 && c.kpti == 1 && c.pcid == 1);
    CHECK(c.smp == 0 && c.workers == 0);
    CHECK(c.test[0] == '\0');
    CHECK(c.log == LOG_INFO);
}

static void test_empty(void)
{
    config_t c;

    CHECK(parse(NULL, &c) == 0 && is_default(&c));
    CHECK(parse("", &c) == 0 && is_default(&c));
    CHECK(parse("   \t  \t", &c) == 0 && is_default(&c));
    CHECK(seen.count == 0);
    config_defaults(&c);
    CHECK(cmdline_parse("bogus kpti=0", &c, NULL) == 1 && c.kpti == 0);
}

static void test_booleans(void)
{
    config_t c;

    CHECK(parse("fastpath=0 kpti=0 pcid=0", &c) == 0);
    CHECK(c.fastpath == 0 && c.kpti == 0 && c.pcid == 0);
    CHECK(parse("fastpath=0 fastpath=1", &c) == 0 && c.fastpath == 1);
    CHECK(parse("kpti=yes", &c) == 1 && c.kpti == 1);
    CHECK(strcmp(seen.msg, "bad value") == 0 && strcmp(seen.word, "kpti=yes") == 0);
    CHECK(parse("pcid=2", &c) == 1 && c.pcid == 1);
    CHECK(parse("fastpath=", &c) == 1 && c.fastpath == 1);
    CHECK(parse("kpti=00", &c) == 0 && c.kpti == 0);
    CHECK(parse("kpti=0 kpti=x", &c) == 1 && c.kpti == 0);
}

static void test_smp(void)
{
    config_t c;

    CHECK(parse("smp=4", &c) == 0 && c.smp == 4);
    CHECK(parse("smp=0", &c) == 0 && c.smp == 0);
    CHECK(parse("smp=64", &c) == 0 && c.smp == CMDLINE_MAX_CPUS);
    CHECK(parse("smp=65", &c) == 1 && c.smp == 0);
    CHECK(parse("smp=-1", &c) == 1 && c.smp == 0);
    CHECK(parse("smp=999999999999", &c) == 1 && c.smp == 0);
    CHECK(parse("smp=99999999999999999999999999999", &c) == 1 && c.smp == 0);
    CHECK(parse("smp=2 smp=4x", &c) == 1 && c.smp == 2);
    CHECK(parse("smp=", &c) == 1 && c.smp == 0);
}

static void test_workers(void)
{
    config_t c;

    CHECK(parse("workers=1,3", &c) == 0 && c.workers == 0xa);
    CHECK(parse("workers=1-3", &c) == 0 && c.workers == 0xe);
    CHECK(parse("workers=0,2-4,63", &c) == 0 && c.workers == (0x1dULL | 1ULL << 63));
    CHECK(parse("workers=0-63", &c) == 0 && c.workers == UINT64_MAX);
    CHECK(parse("workers=5-5", &c) == 0 && c.workers == 0x20);
    CHECK(parse("workers=1,3 workers=none", &c) == 0 && c.workers == 0);
    CHECK(parse("workers=2 workers=1-x", &c) == 1 && c.workers == 0x4);
    CHECK(strcmp(seen.word, "workers=1-x") == 0);
    CHECK(parse("workers=3-1", &c) == 1 && c.workers == 0);
    CHECK(parse("workers=64", &c) == 1 && c.workers == 0);
    CHECK(parse("workers=1,", &c) == 1 && c.workers == 0);
    CHECK(parse("workers=,1", &c) == 1 && c.workers == 0);
    CHECK(parse("workers=1,,2", &c) == 1 && c.workers == 0);
    CHECK(parse("workers=-1", &c) == 1 && c.workers == 0);
    CHECK(parse("workers=1-", &c) == 1 && c.workers == 0);
    CHECK(parse("workers=1-2-3", &c) == 1 && c.workers == 0);
    CHECK(parse("workers=", &c) == 1 && c.workers == 0);
    CHECK(parse("workers=nonex", &c) == 1 && c.workers == 0);
}

static void test_test_name(void)
{
    config_t c;

    CHECK(parse("test=kernel", &c) == 0 && strcmp(c.test, "kernel") == 0);
    CHECK(parse("test=bench", &c) == 0 && strcmp(c.test, "bench") == 0);
    /* one test by its name fits (the longest today, user/ipc/cross_as_fastpath_slowpath_identical,
     * is 45 characters); 64 does not */
    CHECK(parse("test=user/chan/batches", &c) == 0 && strcmp(c.test, "user/chan/batches") == 0);
    CHECK(parse("test=123456789012345678901234567890123456789012345678901234567890123", &c) == 0 &&
          strlen(c.test) == 63);
    CHECK(parse("test=user test=1234567890123456789012345678901234567890123456789012345678901234",
                &c) == 1 &&
          strcmp(c.test, "user") == 0);
    CHECK(parse("test=user test=", &c) == 0 && c.test[0] == '\0');
}

static void test_log(void)
{
    config_t c;

    CHECK(parse("log=error", &c) == 0 && c.log == LOG_ERROR);
    CHECK(parse("log=warn", &c) == 0 && c.log == LOG_WARN);
    CHECK(parse("log=info", &c) == 0 && c.log == LOG_INFO);
    CHECK(parse("log=debug", &c) == 0 && c.log == LOG_DEBUG);
    CHECK(parse("log=0", &c) == 0 && c.log == LOG_ERROR);
    CHECK(parse("log=3", &c) == 0 && c.log == LOG_DEBUG);
    CHECK(parse("log=loud", &c) == 1 && c.log == LOG_INFO);
    CHECK(parse("log=4", &c) == 1 && c.log == LOG_INFO);
    CHECK(c.gdb == GDB_OFF);
    CHECK(parse("gdb=com2", &c) == 0 && c.gdb == GDB_COM2);
    CHECK(parse("gdb=wait", &c) == 0 && c.gdb == GDB_WAIT);
    CHECK(parse("gdb=wait gdb=off", &c) == 0 && c.gdb == GDB_OFF);
    CHECK(parse("gdb=com2 gdb=0", &c) == 0 && c.gdb == GDB_OFF);
    CHECK(parse("gdb=com1", &c) == 1 && c.gdb == GDB_OFF);
    CHECK(parse("gdb=", &c) == 1 && c.gdb == GDB_OFF);
    CHECK(c.fpu == FPU_AUTO);
    CHECK(parse("fpu=xsave", &c) == 0 && c.fpu == FPU_XSAVE);
    CHECK(parse("fpu=fxsave", &c) == 0 && c.fpu == FPU_FXSAVE);
    CHECK(parse("fpu=xsaveopt", &c) == 0 && c.fpu == FPU_XSAVEOPT);
    CHECK(parse("fpu=fxsave fpu=auto", &c) == 0 && c.fpu == FPU_AUTO);
    CHECK(parse("fpu=lazy", &c) == 1 && c.fpu == FPU_AUTO);
    CHECK(parse("fpu=", &c) == 1 && c.fpu == FPU_AUTO);
    CHECK(parse("fpu=1", &c) == 1 && c.fpu == FPU_AUTO);
    CHECK(parse("log=debugx", &c) == 1 && c.log == LOG_INFO);
    CHECK(parse("log=deb", &c) == 1 && c.log == LOG_INFO);
}

static void test_unknown_and_malformed(void)
{
    config_t c;

    CHECK(parse("quiet=1 kpti=0", &c) == 1 && c.kpti == 0);
    CHECK(strcmp(seen.msg, "unknown option") == 0 && strcmp(seen.word, "quiet=1") == 0);
    CHECK(parse("kptix=0", &c) == 1 && c.kpti == 1);
    CHECK(parse("kpt=0", &c) == 1 && c.kpti == 1);
    CHECK(parse("=0", &c) == 1 && is_default(&c));
    CHECK(parse("quiet smp=2", &c) == 1 && c.smp == 2);
    CHECK(strcmp(seen.word, "quiet") == 0 && seen.word_len == 5);
    CHECK(parse("kpti", &c) == 1 && c.kpti == 1);
    CHECK(parse("a b c", &c) == 3 && seen.count == 3 && is_default(&c));
    CHECK(parse("KPTI=0", &c) == 1 && c.kpti == 1);
}

static void test_separators(void)
{
    config_t c;

    CHECK(parse("\tkpti=0\t\tpcid=0  smp=3\t", &c) == 0);
    CHECK(c.kpti == 0 && c.pcid == 0 && c.smp == 3);
    CHECK(parse("log=debug\tworkers=1-2", &c) == 0 && c.log == LOG_DEBUG && c.workers == 6);
    CHECK(parse("  test=user", &c) == 0 && strcmp(c.test, "user") == 0);
    CHECK(parse("kpti=0 bad", &c) == 1 && seen.word_len == 3);
}

static void test_all_options(void)
{
    config_t c;

    CHECK(parse("fastpath=0 kpti=0 pcid=0 smp=2 workers=1 test=user log=warn", &c) == 0);
    CHECK(c.fastpath == 0 && c.kpti == 0 && c.pcid == 0 && c.smp == 2);
    CHECK(c.workers == 2 && strcmp(c.test, "user") == 0 && c.log == LOG_WARN);
}

/* A 100 KB line, in a buffer of exactly its size so ASan sees any read past the NUL. */
static void test_long_words(void)
{
    size_t n = 100000;
    char *line = malloc(n + 1);
    config_t c;

    memset(line, 'a', n);
    line[n] = '\0';
    CHECK(parse(line, &c) == 1 && seen.word_len == n && is_default(&c));
    memcpy(line, "test=", 5);
    CHECK(parse(line, &c) == 1 && c.test[0] == '\0');
    CHECK(strcmp(seen.msg, "bad value") == 0);
    memcpy(line, "smp=1", 5);
    memset(line + 5, '0', n - 5);
    CHECK(parse(line, &c) == 1 && c.smp == 0);
    memset(line, ' ', n);
    memcpy(line + n - 6, "kpti=0", 6);
    CHECK(parse(line, &c) == 0 && c.kpti == 0);
    free(line);
}

int main(void)
{
    CHECK_GROUP("cmdline/defaults", test_defaults());
    CHECK_GROUP("cmdline/empty", test_empty());
    CHECK_GROUP("cmdline/booleans", test_booleans());
    CHECK_GROUP("cmdline/smp", test_smp());
    CHECK_GROUP("cmdline/workers", test_workers());
    CHECK_GROUP("cmdline/test", test_test_name());
    CHECK_GROUP("cmdline/log", test_log());
    CHECK_GROUP("cmdline/unknown", test_unknown_and_malformed());
    CHECK_GROUP("cmdline/separators", test_separators());
    CHECK_GROUP("cmdline/all_options", test_all_options());
    CHECK_GROUP("cmdline/long_words", test_long_words());
    return check_done();
}
