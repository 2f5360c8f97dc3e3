/* Host tests of the GDB stub's packet decoder, framing and argument parsers
 * (kernel/gdb_packet.c), with malformed input: bad checksums, truncation, overlong and bad hex. */
#include <stdlib.h>
#include <string.h>

#include "kernel/gdb_packet.h"
#include "tests/host/check.h"

static gdb_rx_t rx;

/* Feed s; return the last event that was not GDB_RX_NONE (GDB_RX_NONE if none). */
static gdb_rx_event_t feed(const char *s, size_t n)
{
    gdb_rx_event_t last = GDB_RX_NONE;
    for (size_t i = 0; i < n; i++) {
        gdb_rx_event_t ev = gdb_rx_feed(&rx, (uint8_t)s[i]);
        if (ev != GDB_RX_NONE)
            last = ev;
    }
    return last;
}

static gdb_rx_event_t feeds(const char *s)
{
    return feed(s, strlen(s));
}

static void test_decoder(void)
{
    gdb_rx_init(&rx);
    CHECK(feeds("$g#67") == GDB_RX_PACKET && strcmp(rx.buf, "g") == 0);
    CHECK(feeds("$?#3f") == GDB_RX_PACKET && strcmp(rx.buf, "?") == 0);
    CHECK(feeds("$?#3F") == GDB_RX_PACKET); /* upper-case checksum digits */
    CHECK(feeds("$g#68") == GDB_RX_BAD);    /* wrong checksum */
    CHECK(feeds("$g#6z") == GDB_RX_BAD);    /* bad hex in the checksum */
    CHECK(feeds("$g#z7") == GDB_RX_BAD);
    CHECK(feeds("+") == GDB_RX_ACK && feeds("-") == GDB_RX_NACK && feeds("\x03") == GDB_RX_BREAK);
    CHECK(feeds("garbage") == GDB_RX_NONE);
    /* a truncated packet is dropped when the next one starts */
    CHECK(feeds("$m1234,$g#67") == GDB_RX_PACKET && strcmp(rx.buf, "g") == 0);
    /* 0x03 inside a packet is data, not a break */
    CHECK(feeds("$\x03#03") == GDB_RX_PACKET && rx.len == 1 && rx.buf[0] == 3);
    /* escapes: "}]" is ']' ^ 0x20 = '}' */
    CHECK(feeds("$X}]#32") == GDB_RX_PACKET && strcmp(rx.buf, "X}") == 0);
    CHECK(feeds("$#00") == GDB_RX_PACKET && rx.len == 0);
    /* the decoder recovers after a bad packet */
    CHECK(feeds("$g#00$g#67") == GDB_RX_PACKET);
}

static void test_overlong(void)
{
    size_t n = GDB_PACKET_MAX + 10;
    char *p = malloc(n + 4);
    unsigned sum = 0;
    p[0] = '$';
    for (size_t i = 0; i < n; i++) {
        p[1 + i] = 'a';
        sum += 'a';
    }
    p[n + 1] = '#';
    p[n + 2] = "0123456789abcdef"[(sum >> 4) & 15];
    p[n + 3] = "0123456789abcdef"[sum & 15];
    gdb_rx_init(&rx);
    CHECK(feed(p, n + 4) == GDB_RX_BAD); /* checksum right, but cut off: refused */
    CHECK(feeds("$g#67") == GDB_RX_PACKET);
    /* exactly GDB_PACKET_MAX bytes fit */
    sum = 0;
    p[0] = '$';
    for (size_t i = 0; i < GDB_PACKET_MAX; i++)
        sum += (uint8_t)(p[1 + i] = 'b');
    p[GDB_PACKET_MAX + 1] = '#';
    p[GDB_PACKET_MAX + 2] = "0123456789abcdef"[(sum >> 4) & 15];
    p[GDB_PACKET_MAX + 3] = "0123456789abcdef"[sum & 15];
    CHECK(feed(p, GDB_PACKET_MAX + 4) == GDB_RX_PACKET && rx.len == GDB_PACKET_MAX);
    free(p);
}

static void test_random(void)
{
    /* random bytes never overrun the buffer and keep buf NUL-terminated on a packet */
    bool ok = true;
    int packets = 0;
    srand(16);
    gdb_rx_init(&rx);
    for (int i = 0; i < 200000; i++) {
        uint8_t c = (uint8_t)(rand() % 8 == 0 ? "$#+-}\x03"[rand() % 6] : rand());
        gdb_rx_event_t ev = gdb_rx_feed(&rx, c);
        ok &= rx.len <= GDB_PACKET_MAX;
        if (ev == GDB_RX_PACKET) {
            ok &= rx.buf[rx.len] == '\0';
            packets++;
        }
    }
    CHECK(ok);
    CHECK(packets < 2000); /* a random checksum rarely matches */
}

static void test_frame(void)
{
    char out[32];
    CHECK(gdb_frame("OK", 2, out, sizeof(out)) == 6 && memcmp(out, "$OK#9a", 6) == 0);
    CHECK(gdb_frame("", 0, out, sizeof(out)) == 4 && memcmp(out, "$#00", 4) == 0);
    CHECK(gdb_frame("a#b", 3, out, sizeof(out)) == 0); /* raw '#' refused */
    CHECK(gdb_frame("a$", 2, out, sizeof(out)) == 0);
    CHECK(gdb_frame("a*", 2, out, sizeof(out)) == 0);
    CHECK(gdb_frame("abcd", 4, out, 7) == 0); /* does not fit */
    CHECK(gdb_frame("abc", 3, out, 7) == 7);
    CHECK(gdb_frame("x", 1, out, 3) == 0);
    /* framed output decodes back */
    size_t n = gdb_frame("T05thread:1;", 12, out, sizeof(out));
    gdb_rx_init(&rx);
    CHECK(feed(out, n) == GDB_RX_PACKET && strcmp(rx.buf, "T05thread:1;") == 0);
}

static void test_hex(void)
{
    const char *s = "ffffffff80100000,40", *p = s;
    uint64_t v = 0;
    uint8_t b[4];
    char enc[9] = {0};
    CHECK(gdb_parse_hex(&p, s + strlen(s), &v) && v == 0xffffffff80100000ull && *p == ',');
    p = "10000000000000000";
    CHECK(!gdb_parse_hex(&p, p + 17, &v)); /* 17 digits: does not fit */
    p = "xyz";
    CHECK(!gdb_parse_hex(&p, p + 3, &v) && *p == 'x');
    p = "12";
    CHECK(gdb_parse_hex(&p, p + 1, &v) && v == 1); /* stops at end */
    CHECK(gdb_hex_decode("deadBEEF", b, 4) && b[0] == 0xde && b[3] == 0xef);
    CHECK(!gdb_hex_decode("de!d", b, 2));
    CHECK(!gdb_hex_decode("d", b, 1)); /* reads 2 chars: "d" then the NUL, which is bad */
    CHECK(!gdb_hex_decode("0g", b, 1));
    gdb_hex_encode((const uint8_t[]){0x01, 0xab, 0xff, 0x00}, 4, enc);
    CHECK(strcmp(enc, "01abff00") == 0);
    char le[17] = {0};
    gdb_hex_le(0x0102, 4, le);
    CHECK(strcmp(le, "02010000") == 0);
    gdb_hex_le(0x1122334455667788ull, 8, le);
    CHECK(strcmp(le, "8877665544332211") == 0);
}

static void test_args(void)
{
    uint64_t addr, kind;
    size_t len;
    unsigned type;
    uint8_t data[8];
    CHECK(gdb_parse_mem("ffffffff80100000,40", &addr, &len, 2048) && len == 0x40);
    CHECK(!gdb_parse_mem("ffffffff80100000,4000", &addr, &len, 2048)); /* too long */
    CHECK(!gdb_parse_mem("1234", &addr, &len, 2048));
    CHECK(!gdb_parse_mem("1234,", &addr, &len, 2048));
    CHECK(!gdb_parse_mem(",10", &addr, &len, 2048));
    CHECK(!gdb_parse_mem("10,10x", &addr, &len, 2048));
    CHECK(!gdb_parse_mem("", &addr, &len, 2048));
    CHECK(gdb_parse_mem_write("1000,2:cc90", &addr, &len, data, 8) && len == 2 && data[0] == 0xcc);
    CHECK(!gdb_parse_mem_write("1000,2:cc9", &addr, &len, data, 8));    /* truncated data */
    CHECK(!gdb_parse_mem_write("1000,2:cc9000", &addr, &len, data, 8)); /* too much data */
    CHECK(!gdb_parse_mem_write("1000,9:", &addr, &len, data, 8));       /* over the buffer */
    CHECK(!gdb_parse_mem_write("1000,1:zz", &addr, &len, data, 8));
    CHECK(!gdb_parse_mem_write("1000,1", &addr, &len, data, 8));
    CHECK(gdb_parse_mem_write("1000,0:", &addr, &len, data, 8) && len == 0);
    CHECK(gdb_parse_break("0,ffffffff80100000,1", &type, &addr, &kind) && type == 0 && kind == 1);
    CHECK(gdb_parse_break("2,1000,8;X1,0", &type, &addr, &kind) && type == 2 && kind == 8);
    CHECK(!gdb_parse_break("5,1000,1", &type, &addr, &kind));
    CHECK(!gdb_parse_break("0,1000", &type, &addr, &kind));
    CHECK(!gdb_parse_break("0,1000,1x", &type, &addr, &kind));
    CHECK(!gdb_parse_break("", &type, &addr, &kind));
}

static void test_threads_vcont(void)
{
    const char *s = "-1", *p = s;
    uint64_t tid;
    CHECK(gdb_parse_thread(&p, s + 2, &tid) && tid == GDB_THREAD_ALL && p == s + 2);
    s = "-";
    p = s;
    CHECK(!gdb_parse_thread(&p, s + 1, &tid));
    s = "1a2b";
    p = s;
    CHECK(gdb_parse_thread(&p, s + 4, &tid) && tid == 0x1a2b);
    CHECK(gdb_parse_vcont(";c", 5) == GDB_ACT_CONTINUE);
    CHECK(gdb_parse_vcont(";s:5;c", 5) == GDB_ACT_STEP);
    CHECK(gdb_parse_vcont(";s:6;c", 5) == GDB_ACT_CONTINUE);
    CHECK(gdb_parse_vcont(";S05:5", 5) == GDB_ACT_STEP);
    CHECK(gdb_parse_vcont(";C05", 5) == GDB_ACT_CONTINUE);
    CHECK(gdb_parse_vcont(";c:-1", 5) == GDB_ACT_CONTINUE);
    CHECK(gdb_parse_vcont(";s:6", 5) == GDB_ACT_NONE);
    CHECK(gdb_parse_vcont("", 5) == GDB_ACT_NONE);
    CHECK(gdb_parse_vcont(";", 5) == GDB_ACT_NONE);
    CHECK(gdb_parse_vcont(";x", 5) == GDB_ACT_NONE);
    CHECK(gdb_parse_vcont(";c;", 5) == GDB_ACT_NONE);
    CHECK(gdb_parse_vcont(";s:5x", 5) == GDB_ACT_NONE);
    CHECK(gdb_parse_vcont(";C", 5) == GDB_ACT_NONE);
    CHECK(gdb_parse_vcont("c", 5) == GDB_ACT_NONE);
}

int main(void)
{
    CHECK_GROUP("gdb_packet/decoder", test_decoder());
    CHECK_GROUP("gdb_packet/overlong", test_overlong());
    CHECK_GROUP("gdb_packet/random_bytes", test_random());
    CHECK_GROUP("gdb_packet/frame", test_frame());
    CHECK_GROUP("gdb_packet/hex", test_hex());
    CHECK_GROUP("gdb_packet/args", test_args());
    CHECK_GROUP("gdb_packet/threads_vcont", test_threads_vcont());
    return check_done();
}
