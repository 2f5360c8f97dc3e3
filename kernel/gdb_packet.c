/* The GDB remote protocol's pure parts: packet decoding, framing and argument parsing.
 * Everything here takes bounded input and never trusts a length it was sent. */
#include "kernel/gdb_packet.h"

enum { RX_IDLE, RX_DATA, RX_ESCAPE, RX_SUM1, RX_SUM2 };

void gdb_rx_init(gdb_rx_t *rx)
{
    rx->state = RX_IDLE;
    rx->overflow = false;
    rx->len = 0;
    rx->sum = rx->csum = 0;
    rx->buf[0] = '\0';
}

int gdb_hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void rx_start(gdb_rx_t *rx)
{
    gdb_rx_init(rx);
    rx->state = RX_DATA;
}

static void rx_store(gdb_rx_t *rx, char c)
{
    if (rx->len < GDB_PACKET_MAX)
        rx->buf[rx->len++] = c;
    else
        rx->overflow = true;
}

/* The checksum's second digit ends the packet: good only when it matches, its digits are
 * hex, and nothing was cut off. */
static gdb_rx_event_t rx_finish(gdb_rx_t *rx, int digit)
{
    rx->state = RX_IDLE;
    if (digit < 0 || rx->overflow || (uint8_t)(rx->csum << 4 | digit) != rx->sum) {
        rx->len = 0;
        rx->buf[0] = '\0';
        return GDB_RX_BAD;
    }
    rx->buf[rx->len] = '\0';
    return GDB_RX_PACKET;
}

gdb_rx_event_t gdb_rx_feed(gdb_rx_t *rx, uint8_t c)
{
    switch (rx->state) {
    case RX_IDLE:
        if (c == '$')
            rx_start(rx);
        return c == '+'    ? GDB_RX_ACK
               : c == '-'  ? GDB_RX_NACK
               : c == 0x03 ? GDB_RX_BREAK
                           : GDB_RX_NONE;
    case RX_DATA:
        if (c == '$') { /* the previous packet was truncated: start again */
            rx_start(rx);
            return GDB_RX_NONE;
        }
        if (c == '#') {
            rx->state = RX_SUM1;
            return GDB_RX_NONE;
        }
        rx->sum += c;
        if (c == '}')
            rx->state = RX_ESCAPE;
        else
            rx_store(rx, (char)c);
        return GDB_RX_NONE;
    case RX_ESCAPE:
        rx->sum += c;
        rx_store(rx, (char)(c ^ 0x20));
        rx->state = RX_DATA;
        return GDB_RX_NONE;
    case RX_SUM1: {
        int d = gdb_hex_value((char)c);
        if (d < 0)
            return rx_finish(rx, -1);
        rx->csum = (uint8_t)d;
        rx->state = RX_SUM2;
        return GDB_RX_NONE;
    }
    default:
        return rx_finish(rx, gdb_hex_value((char)c));
    }
}

size_t gdb_frame(const char *payload, size_t n, char *out, size_t cap)
{
    static const char digits[] = "0123456789abcdef";
    uint8_t sum = 0;

    if (cap < 4 || n > cap - 4)
        return 0;
    out[0] = '$';
    for (size_t i = 0; i < n; i++) {
        char c = payload[i];
        if (c == '$' || c == '#' || c == '}' || c == '*')
            return 0;
        sum += (uint8_t)c;
        out[1 + i] = c;
    }
    out[1 + n] = '#';
    out[2 + n] = digits[sum >> 4];
    out[3 + n] = digits[sum & 15];
    return n + 4;
}

bool gdb_parse_hex(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    int digits = 0;

    for (; s < end && gdb_hex_value(*s) >= 0; s++) {
        if (++digits > 16)
            return false;
        v = v << 4 | (uint64_t)gdb_hex_value(*s);
    }
    if (digits == 0)
        return false;
    *p = s;
    *out = v;
    return true;
}

bool gdb_hex_decode(const char *hex, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int hi = gdb_hex_value(hex[2 * i]);
        int lo = hi < 0 ? -1 : gdb_hex_value(hex[2 * i + 1]);
        if (lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

void gdb_hex_encode(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
}

void gdb_hex_le(uint64_t v, size_t size, char *out)
{
    uint8_t bytes[8];
    for (size_t i = 0; i < size && i < 8; i++)
        bytes[i] = (uint8_t)(v >> (8 * i));
    gdb_hex_encode(bytes, size < 8 ? size : 8, out);
}

static size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* "ADDR,LEN" at *p, leaving *p after LEN. */
static bool parse_addr_len(const char **p, const char *end, uint64_t *addr, uint64_t *len)
{
    if (!gdb_parse_hex(p, end, addr) || *p >= end || **p != ',')
        return false;
    (*p)++;
    return gdb_parse_hex(p, end, len);
}

bool gdb_parse_mem(const char *args, uint64_t *addr, size_t *len, size_t max)
{
    const char *p = args, *end = args + str_len(args);
    uint64_t n;

    if (!parse_addr_len(&p, end, addr, &n) || p != end || n > max)
        return false;
    *len = (size_t)n;
    return true;
}

bool gdb_parse_mem_write(const char *args, uint64_t *addr, size_t *len, uint8_t *out, size_t cap)
{
    const char *p = args, *end = args + str_len(args);
    uint64_t n;

    if (!parse_addr_len(&p, end, addr, &n) || p >= end || *p != ':' || n > cap)
        return false;
    p++;
    if ((size_t)(end - p) != 2 * n || !gdb_hex_decode(p, out, (size_t)n))
        return false;
    *len = (size_t)n;
    return true;
}

bool gdb_parse_break(const char *args, unsigned *type, uint64_t *addr, uint64_t *kind)
{
    const char *p = args, *end = args + str_len(args);
    uint64_t t;

    if (!gdb_parse_hex(&p, end, &t) || t > 4 || p >= end || *p != ',')
        return false;
    p++;
    if (!parse_addr_len(&p, end, addr, kind) || (p != end && *p != ';'))
        return false;
    *type = (unsigned)t;
    return true;
}

bool gdb_parse_thread(const char **p, const char *end, uint64_t *tid)
{
    if (end - *p >= 2 && (*p)[0] == '-' && (*p)[1] == '1') {
        *p += 2;
        *tid = GDB_THREAD_ALL;
        return true;
    }
    return gdb_parse_hex(p, end, tid);
}

/* One action "a[:tid]" of a vCont packet, at p up to the next ';' or end. */
static bool vcont_item(const char *p, const char *end, gdb_action_t *act, bool *any, uint64_t *tid)
{
    switch (*p) {
    case 'c':
        *act = GDB_ACT_CONTINUE;
        p++;
        break;
    case 's':
        *act = GDB_ACT_STEP;
        p++;
        break;
    case 't':
        *act = GDB_ACT_STOP;
        p++;
        break;
    case 'C':
    case 'S': {
        uint64_t sig;
        *act = *p == 'C' ? GDB_ACT_CONTINUE : GDB_ACT_STEP;
        p++;
        if (!gdb_parse_hex(&p, end, &sig) || sig > 0xff)
            return false;
        break;
    }
    default:
        return false;
    }
    *any = p == end;
    if (*any)
        return true;
    if (*p != ':')
        return false;
    p++;
    return gdb_parse_thread(&p, end, tid) && p == end;
}

gdb_action_t gdb_parse_vcont(const char *args, uint64_t tid)
{
    const char *p = args, *end = args + str_len(args);
    gdb_action_t found = GDB_ACT_NONE;

    if (p == end)
        return GDB_ACT_NONE;
    while (p < end) {
        if (*p != ';')
            return GDB_ACT_NONE;
        const char *item = ++p;
        while (p < end && *p != ';')
            p++;
        gdb_action_t act;
        bool any;
        uint64_t t = 0;
        if (item == p || !vcont_item(item, p, &act, &any, &t))
            return GDB_ACT_NONE; /* the whole packet is rejected, not just this item */
        if (found == GDB_ACT_NONE && (any || t == tid || t == GDB_THREAD_ALL))
            found = act;
    }
    return found;
}
