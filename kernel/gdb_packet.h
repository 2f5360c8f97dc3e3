/* The GDB remote serial protocol's pure parts: the byte-by-byte packet decoder, reply
 * framing, and the parsers of command arguments. No hardware, no kernel state: the stub
 * (kernel/gdb.c) and the host tests (tests/host/test_gdb_packet.c) share it. */
#ifndef KERNEL_GDB_PACKET_H
#define KERNEL_GDB_PACKET_H

#include "lib/types.h"

/* The largest packet payload either side sends (advertised as PacketSize in qSupported). */
#define GDB_PACKET_MAX 4096

/* What one received byte completed. */
typedef enum gdb_rx_event {
    GDB_RX_NONE,   /* nothing yet (inside a packet, or a byte outside one ignored) */
    GDB_RX_PACKET, /* a packet with a good checksum: rx->buf[0..len) (NUL-terminated) */
    GDB_RX_BAD,    /* a packet was dropped: bad checksum, bad hex, or too long; send '-' */
    GDB_RX_ACK,    /* '+' outside a packet */
    GDB_RX_NACK,   /* '-' outside a packet */
    GDB_RX_BREAK,  /* 0x03 (Ctrl-C) outside a packet */
} gdb_rx_event_t;

typedef struct gdb_rx {
    int state; /* private: where in "$data#cc" the decoder is */
    bool overflow;
    uint8_t sum, csum;
    size_t len;
    char buf[GDB_PACKET_MAX + 1];
} gdb_rx_t;

/* Start (or restart) the decoder outside any packet. */
void gdb_rx_init(gdb_rx_t *rx);
/* Feed one byte; returns what it completed. A '$' inside a packet starts a new one (the
 * old one was truncated); an overlong packet is read to its end and reported GDB_RX_BAD.
 * The payload is unescaped ('}' x ^ 0x20); run-length encoding is not accepted. */
gdb_rx_event_t gdb_rx_feed(gdb_rx_t *rx, uint8_t c);

/* Frame payload[0..n) as "$payload#cc" into out (cap bytes). Returns the framed length, or 0
 * when it does not fit or the payload holds a byte that must not appear raw ('$', '#', '}',
 * '*'): the stub only frames text it built. */
size_t gdb_frame(const char *payload, size_t n, char *out, size_t cap);

/* The value of a hex digit, or -1. */
int gdb_hex_value(char c);
/* Parse 1..16 hex digits at *p (not past end) into *out and advance *p. False (with *p
 * unchanged) when there is no digit or the number does not fit in 64 bits. */
bool gdb_parse_hex(const char **p, const char *end, uint64_t *out);
/* Decode exactly 2 * n hex digits at hex into out[0..n). False on a bad digit. */
bool gdb_hex_decode(const char *hex, uint8_t *out, size_t n);
/* Encode in[0..n) as 2 * n lowercase hex digits at out (no NUL). */
void gdb_hex_encode(const uint8_t *in, size_t n, char *out);
/* A little-endian value of size bytes as hex (the target's byte order), at out. */
void gdb_hex_le(uint64_t v, size_t size, char *out);

/* "ADDR,LEN" (m packets), with nothing after it; LEN at most max. */
bool gdb_parse_mem(const char *args, uint64_t *addr, size_t *len, size_t max);
/* "ADDR,LEN:HEX" (M packets): the data decoded into out (cap bytes; LEN must fit). */
bool gdb_parse_mem_write(const char *args, uint64_t *addr, size_t *len, uint8_t *out, size_t cap);
/* "TYPE,ADDR,KIND" after Z or z: TYPE 0..4, anything after KIND (";cond...") ignored. */
bool gdb_parse_break(const char *args, unsigned *type, uint64_t *addr, uint64_t *kind);

/* A thread id as GDB writes it: a positive hex number, 0 (any thread) or -1 (all). */
#define GDB_THREAD_ANY 0
#define GDB_THREAD_ALL UINT64_MAX
/* Parse a thread id at *p (not past end) and advance *p; "p" process prefixes are not
 * accepted (the stub does not announce multiprocess). */
bool gdb_parse_thread(const char **p, const char *end, uint64_t *tid);

/* What vCont asks of one thread. */
typedef enum gdb_action { GDB_ACT_NONE, GDB_ACT_CONTINUE, GDB_ACT_STEP, GDB_ACT_STOP } gdb_action_t;
/* Parse "vCont;ACTION[:TID];..." (args is what follows "vCont") and return the action that
 * applies to thread tid: the first whose TID is tid or absent (C and S count as c and s;
 * their signal is ignored). GDB_ACT_NONE when the packet is malformed or names none. */
gdb_action_t gdb_parse_vcont(const char *args, uint64_t tid);

#endif
