/* The key-value service's protocol (docs/labs/lab6.md), over the RPC layer (user/lib/rpc.h) on an
 * endpoint: the opcode is the tag's label, the payload up to RPC_EP_MAX bytes (the caller needs
 * an IPC buffer for more than RPC_EP_REGS). Keys are 1..KV_KEY_MAX bytes without NUL; values
 * 0..KV_VAL_MAX bytes of anything.
 *
 *   op      request payload                   reply payload     errors
 *   PUT     klen (1 byte), key, value          -                 EINVAL (empty key, a NUL in it,
 *           (the rest)                                           klen past the payload), ERANGE
 *                                                                (key or value too long),
 *                                                                ENOMEM (KV_ENTRIES keys held)
 *   GET     key (the whole payload)            the value         EINVAL, ERANGE, ENOENT
 *   DEL     key                                -                 EINVAL, ERANGE, ENOENT
 *   COUNT   -                                  uint32 keys held  EINVAL (a payload)
 *   KEY     uint32 index (0, 1, ...)           that key          EINVAL, ENOENT (past the last)
 *   other opcodes: ENOSYS; RPC_OP_STOP (0) ends the server. */
#ifndef XR_USER_KV_PROTO_H
#define XR_USER_KV_PROTO_H

#include <stdint.h>

#define KV_OP_PUT   1
#define KV_OP_GET   2
#define KV_OP_DEL   3
#define KV_OP_COUNT 4
#define KV_OP_KEY   5
#define KV_OPS      6

#define KV_KEY_MAX 32
#define KV_VAL_MAX 128
#define KV_ENTRIES 64
#define KV_NAME    "kv" /* the service's name (/etc/services, init's LOOKUP) */
#define KV_SLOT_EP 5    /* where kvd finds its endpoint (an "endpoint" service's slot) */

#endif
