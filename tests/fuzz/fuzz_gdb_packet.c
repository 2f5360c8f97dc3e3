/* libFuzzer harness of the GDB stub's packet decoder and argument parsers (kernel/gdb_packet.c):
 * the input is the byte stream GDB (or line noise) sends; every decoded packet is parsed the
 * way the stub dispatches it, and the decoder's promises are checked. */
#include <string.h>

#include "kernel/gdb_packet.h"
#include "tests/fuzz/fuzz.h"

static gdb_rx_t rx; /* re-initialised for every input */

static void parse_packet(const char *p, size_t n)
{
    uint64_t addr, kind, tid;
    size_t len;
    unsigned type;
    static uint8_t data[GDB_PACKET_MAX / 2];
    const char *q = p + 1, *end = p + n;

    FUZZ_ASSERT(p[n] == '\0' && n <= GDB_PACKET_MAX);
    if (n == 0)
        return;
    switch (p[0]) {
    case 'm':
        if (gdb_parse_mem(p + 1, &addr, &len, sizeof(data)))
            FUZZ_ASSERT(len <= sizeof(data));
        break;
    case 'M':
        if (gdb_parse_mem_write(p + 1, &addr, &len, data, sizeof(data)))
            FUZZ_ASSERT(len <= sizeof(data));
        break;
    case 'Z':
    case 'z':
        if (gdb_parse_break(p + 1, &type, &addr, &kind))
            FUZZ_ASSERT(type <= 4);
        break;
    case 'H':
    case 'T':
        if (gdb_parse_thread(&q, end, &tid))
            FUZZ_ASSERT(q > p + 1 && q <= end);
        break;
    case 'v':
        if (n > 5 && memcmp(p, "vCont", 5) == 0)
            FUZZ_ASSERT(gdb_parse_vcont(p + 5, 1) <= GDB_ACT_STOP);
        break;
    default:
        if (n % 2 == 0)
            (void)gdb_hex_decode(p, data, n / 2 < sizeof(data) ? n / 2 : sizeof(data));
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char framed[GDB_PACKET_MAX + 8];
    gdb_rx_init(&rx);
    for (size_t i = 0; i < size; i++) {
        gdb_rx_event_t ev = gdb_rx_feed(&rx, data[i]);
        FUZZ_ASSERT(rx.len <= GDB_PACKET_MAX);
        if (ev != GDB_RX_PACKET)
            continue;
        parse_packet(rx.buf, rx.len);
        /* what the stub would frame back decodes to itself, when framing accepts it */
        size_t n = gdb_frame(rx.buf, rx.len, framed, sizeof(framed));
        if (n) {
            gdb_rx_t back;
            gdb_rx_event_t last = GDB_RX_NONE;
            gdb_rx_init(&back);
            for (size_t k = 0; k < n; k++)
                last = gdb_rx_feed(&back, (uint8_t)framed[k]);
            FUZZ_ASSERT(last == GDB_RX_PACKET && back.len == rx.len);
        }
    }
    return 0;
}
