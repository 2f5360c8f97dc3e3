/* libFuzzer harness of the command line parser: checks the config it builds and how it warns. */
#include <stdbool.h>
#include <string.h>

#include "lib/cmdline.h"
#include "tests/fuzz/fuzz.h"

/* The string being parsed, which every reported word must lie in, and the warnings seen. */
static const char *parsing;
static size_t parsing_len;
static int warnings_seen;

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static void on_warn(const char *msg, const char *word, size_t word_len)
{
    FUZZ_ASSERT(strcmp(msg, "unknown option") == 0 || strcmp(msg, "bad value") == 0 ||
                strcmp(msg, "missing '='") == 0);
    FUZZ_ASSERT(word_len > 0 && fuzz_inside(parsing, parsing_len, word, word_len));
    FUZZ_ASSERT(word == parsing || is_blank(word[-1]));
    FUZZ_ASSERT(word[word_len] == '\0' || is_blank(word[word_len]));
    for (size_t i = 0; i < word_len; i++)
        FUZZ_ASSERT(word[i] != '\0' && !is_blank(word[i]));
    warnings_seen++;
}

/* Parses s over cfg and checks that the count returned is the count of warnings reported. */
static int parse(const char *s, config_t *cfg)
{
    parsing = s;
    parsing_len = strlen(s);
    warnings_seen = 0;
    int warnings = cmdline_parse(s, cfg, on_warn);
    FUZZ_ASSERT(warnings == warnings_seen);
    return warnings;
}

/* The ranges config_t documents. */
static void check_config(const config_t *cfg)
{
    FUZZ_ASSERT(cfg->fastpath == 0 || cfg->fastpath == 1);
    FUZZ_ASSERT(cfg->kpti == 0 || cfg->kpti == 1);
    FUZZ_ASSERT(cfg->pcid == 0 || cfg->pcid == 1);
    FUZZ_ASSERT(cfg->smp >= 0 && cfg->smp <= CMDLINE_MAX_CPUS);
    FUZZ_ASSERT(cfg->log >= LOG_ERROR && cfg->log <= LOG_DEBUG);
    FUZZ_ASSERT(memchr(cfg->test, '\0', sizeof(cfg->test)) != NULL);
    for (size_t i = 0; cfg->test[i] != '\0'; i++)
        FUZZ_ASSERT(!is_blank(cfg->test[i]));
}

static bool same_config(const config_t *a, const config_t *b)
{
    return a->fastpath == b->fastpath && a->kpti == b->kpti && a->pcid == b->pcid &&
           a->smp == b->smp && a->workers == b->workers && a->log == b->log &&
           strcmp(a->test, b->test) == 0;
}

/* Applies the words of s one call each: a word's effect must not depend on its neighbours. */
static void check_word_by_word(const char *s, const config_t *whole, int whole_warnings)
{
    config_t cfg;
    int warnings = 0;
    char *word = malloc(strlen(s) + 1);

    FUZZ_ASSERT(word != NULL);
    config_defaults(&cfg);
    while (*s != '\0') {
        size_t n = 0;
        while (s[n] != '\0' && !is_blank(s[n]))
            n++;
        if (n > 0) {
            memcpy(word, s, n);
            word[n] = '\0';
            warnings += parse(word, &cfg);
        }
        s += n + (s[n] != '\0');
    }
    free(word);
    FUZZ_ASSERT(warnings == whole_warnings && same_config(&cfg, whole));
}

/* Writes cfg back as a command line and parses it from the defaults: it must come back whole. */
static void check_round_trip(const config_t *cfg)
{
    char line[512], *p = line;
    const char *end = line + sizeof(line);
    config_t back;

    p += snprintf(p, (size_t)(end - p), "fastpath=%d kpti=%d pcid=%d smp=%d log=%d test=%s",
                  cfg->fastpath, cfg->kpti, cfg->pcid, cfg->smp, cfg->log, cfg->test);
    p += snprintf(p, (size_t)(end - p), " workers=%s", cfg->workers ? "" : "none");
    for (unsigned cpu = 0; cpu < 64; cpu++) {
        if (cfg->workers >> cpu & 1)
            p += snprintf(p, (size_t)(end - p), "%s%u", p[-1] == '=' ? "" : ",", cpu);
    }
    FUZZ_ASSERT(p < end);
    config_defaults(&back);
    FUZZ_ASSERT(parse(line, &back) == 0 && same_config(&back, cfg));
}

/*
 * The input is the command line as GRUB hands it over (up to its first NUL; a NUL is added
 * after the last byte). It is parsed over the defaults as kmain does, then word by word, then
 * again over its own result without a callback (a later word wins, so nothing may change),
 * then round-tripped.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    config_t cfg, again;

    FUZZ_ASSERT(s != NULL);
    if (size != 0)
        memcpy(s, data, size);
    s[size] = '\0';
    config_defaults(&cfg);
    int warnings = parse(s, &cfg);
    check_config(&cfg);
    check_word_by_word(s, &cfg, warnings);
    again = cfg;
    FUZZ_ASSERT(cmdline_parse(s, &again, NULL) == warnings && same_config(&again, &cfg));
    check_round_trip(&cfg);
    FUZZ_ASSERT(cmdline_parse(NULL, &again, NULL) == 0 && same_config(&again, &cfg));
    free(s);
    return 0;
}
