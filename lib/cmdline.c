/* Kernel command line parser: splits words, matches keys in a table, validates every value. */
#include "lib/cmdline.h"

/* A value: a bounded slice of the command line, not NUL-terminated. */
struct slice {
    const char *p;
    size_t n;
};

/* Each setter validates the whole value before writing, so a bad value changes nothing. */
struct option {
    const char *key;
    bool (*set)(config_t *cfg, struct slice v);
};

static bool slice_is(struct slice s, const char *lit)
{
    size_t i = 0;

    for (; i < s.n; i++) {
        if (lit[i] == '\0' || lit[i] != s.p[i])
            return false;
    }
    return lit[i] == '\0';
}

/* Parses a non-empty run of decimal digits no larger than max. */
static bool parse_uint(struct slice s, unsigned max, unsigned *out)
{
    uint64_t v = 0; /* wide enough that v * 10 + 9 cannot wrap while v <= max */

    if (s.n == 0)
        return false;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s.p[i] - '0');
        if (v > max)
            return false;
    }
    *out = (unsigned)v;
    return true;
}

static bool parse_bool(struct slice v, int *field)
{
    unsigned b;

    if (!parse_uint(v, 1, &b))
        return false;
    *field = (int)b;
    return true;
}

static bool set_fastpath(config_t *cfg, struct slice v)
{
    return parse_bool(v, &cfg->fastpath);
}

static bool set_kpti(config_t *cfg, struct slice v)
{
    return parse_bool(v, &cfg->kpti);
}

static bool set_pcid(config_t *cfg, struct slice v)
{
    return parse_bool(v, &cfg->pcid);
}

static bool set_smp(config_t *cfg, struct slice v)
{
    unsigned n;

    if (!parse_uint(v, CMDLINE_MAX_CPUS, &n))
        return false;
    cfg->smp = (int)n;
    return true;
}

/* Splits s at the first c: head gets what is before, s keeps what is after; false if no c. */
static bool slice_split(struct slice *s, char c, struct slice *head)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->p[i] == c) {
            *head = (struct slice){s->p, i};
            *s = (struct slice){s->p + i + 1, s->n - i - 1};
            return true;
        }
    }
    *head = *s;
    *s = (struct slice){s->p + s->n, 0};
    return false;
}

/* One list item, "n" or "lo-hi" with lo <= hi, as a mask of CPU ids. */
static bool parse_cpu_range(struct slice item, uint64_t *mask)
{
    struct slice lo_text;
    unsigned lo, hi;
    bool ranged = slice_split(&item, '-', &lo_text);

    if (!parse_uint(lo_text, CMDLINE_MAX_CPUS - 1, &lo))
        return false;
    hi = lo;
    if (ranged && (!parse_uint(item, CMDLINE_MAX_CPUS - 1, &hi) || hi < lo))
        return false;
    for (unsigned cpu = lo; cpu <= hi; cpu++)
        *mask |= (uint64_t)1 << cpu;
    return true;
}

static bool set_workers(config_t *cfg, struct slice v)
{
    uint64_t mask = 0;
    struct slice item;
    bool more = true;

    if (slice_is(v, "none")) {
        cfg->workers = 0;
        return true;
    }
    while (more) {
        more = slice_split(&v, ',', &item);
        if (!parse_cpu_range(item, &mask))
            return false;
    }
    cfg->workers = mask;
    return true;
}

/* An empty value selects no test. */
static bool set_test(config_t *cfg, struct slice v)
{
    if (v.n >= sizeof(cfg->test))
        return false;
    for (size_t i = 0; i < v.n; i++)
        cfg->test[i] = v.p[i];
    cfg->test[v.n] = '\0';
    return true;
}

static bool set_log(config_t *cfg, struct slice v)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    unsigned level;

    _Static_assert(ARRAY_SIZE(names) == LOG_DEBUG + 1, "one name per log level");
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (slice_is(v, names[i])) {
            cfg->log = (int)i;
            return true;
        }
    }
    if (!parse_uint(v, LOG_DEBUG, &level))
        return false;
    cfg->log = (int)level;
    return true;
}

static bool set_gdb(config_t *cfg, struct slice v)
{
    static const char *const modes[] = {"off", "com2", "wait"};

    for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
        if (slice_is(v, modes[i])) {
            cfg->gdb = (int)i;
            return true;
        }
    }
    if (!slice_is(v, "0"))
        return false;
    cfg->gdb = GDB_OFF;
    return true;
}

static bool set_fpu(config_t *cfg, struct slice v)
{
    static const char *const modes[] = {"auto", "xsaveopt", "xsave", "fxsave"};

    _Static_assert(ARRAY_SIZE(modes) == FPU_FXSAVE + 1, "one name per FPU mode");
    for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
        if (slice_is(v, modes[i])) {
            cfg->fpu = (int)i;
            return true;
        }
    }
    return false;
}

static const struct option options[] = {
    {"fastpath", set_fastpath}, {"kpti", set_kpti},       {"pcid", set_pcid},
    {"smp", set_smp},           {"workers", set_workers}, {"test", set_test},
    {"log", set_log},           {"gdb", set_gdb},         {"fpu", set_fpu},
};

void config_defaults(config_t *cfg)
{
    *cfg = (config_t){
        .fastpath = 1,
        .kpti = 1,
        .pcid = 1,
        .smp = 0,
        .workers = 0,
        .test = "",
        .log = LOG_INFO,
        .gdb = GDB_OFF,
        .fpu = FPU_AUTO,
    };
}

/* Applies one word; returns NULL on success or the warning message. */
static const char *apply_word(struct slice word, config_t *cfg)
{
    struct slice key, value = word;

    if (!slice_split(&value, '=', &key))
        return "missing '='";
    for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
        if (slice_is(key, options[i].key))
            return options[i].set(cfg, value) ? NULL : "bad value";
    }
    return "unknown option";
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

int cmdline_parse(const char *s, config_t *cfg, cmdline_warn_t warn)
{
    int warnings = 0;

    if (s == NULL)
        return 0;
    while (*s != '\0') {
        if (is_blank(*s)) {
            s++;
            continue;
        }
        struct slice word = {s, 0};
        while (s[word.n] != '\0' && !is_blank(s[word.n]))
            word.n++;
        s += word.n;
        const char *msg = apply_word(word, cfg);
        if (msg != NULL) {
            warnings++;
            if (warn != NULL)
                warn(msg, word.p, word.n);
        }
    }
    return warnings;
}
