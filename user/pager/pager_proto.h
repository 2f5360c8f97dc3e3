/* The pager's start argument and its one request besides faults (docs/ipc.md §6, lab 2).
 * Faults arrive as kernel fault messages (label XR_LABEL_FAULT) on the pager's endpoint,
 * badged with the client's number. */
#ifndef XR_USER_PAGER_PROTO_H
#define XR_USER_PAGER_PROTO_H

/* The argument the pager is spawned with: 0 = demand-zero pages without a bound (the normal
 * boot); otherwise each of clients 0..PAGER_WS_CLIENTS-1 keeps at most ws pages mapped (1..
 * PAGER_WS_MAX), the others paged out to a backing memory object of PAGER_WS_BACKING pages,
 * and with trace each fault is printed as a "pager: trace" line. */
#define PAGER_ARG(ws, trace) ((uint64_t)(ws) | ((trace) ? 1ul << 16 : 0))
#define PAGER_WS_MAX         32
#define PAGER_WS_CLIENTS     8
#define PAGER_WS_BACKING     128

/* A call with this label (no words) asks for the caller's badge's counters; the reply's words:
 * faults served, pages evicted, pages mapped now, the most ever mapped at once. */
#define PAGER_LABEL_STATS 0x5057u

#endif
