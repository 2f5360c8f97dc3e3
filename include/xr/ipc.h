/* The IPC message format shared by the kernel and user space (docs/ipc.md).
 *
 * Message registers: IPC system calls take the endpoint in RDI, the tag in RSI and message
 * words 0..3 in RDX, R10, R8, R9; they return the error in RAX, the badge in RDI, the tag in
 * RSI and words 0..3 in RDX, R10, R8, R9. Words 4..63 travel in the thread's IPC buffer. */
#ifndef XR_IPC_H
#define XR_IPC_H

#include <stdint.h>

#define XR_MSG_REGS     4  /* words carried in registers */
#define XR_MSG_MAX      64 /* words in a message at most */
#define XR_MSG_MAX_CAPS 3  /* caps in a message at most */

/* tag = label << 16 | caps << 8 | length */
#define XR_TAG(label, caps, len)                                                                   \
    (((uint64_t)(label) << 16) | ((uint64_t)(caps) << 8) | (uint64_t)(len))
#define XR_TAG_LEN(tag)   ((unsigned)((tag)&0xff))
#define XR_TAG_CAPS(tag)  ((unsigned)(((tag) >> 8) & 0xff))
#define XR_TAG_LABEL(tag) ((uint64_t)(tag) >> 16)

/* Labels the kernel itself uses. */
#define XR_LABEL_NOTIFY 0xfffffff0u /* a recv woken by its bound notification: badge = the bits */
#define XR_LABEL_FAULT                                                                             \
    0xfffffff1u           /* a fault message: words = vector, error, address, rip, access */
#define XR_FAULT_RESUME 0 /* reply label: retry the faulting instruction */
#define XR_FAULT_KILL   1 /* reply label: end the faulting process */

/* Page-fault access bits (word 4 of a fault message, and the error code's low bits). */
#define XR_FAULT_PRESENT 1u
#define XR_FAULT_WRITE   2u
#define XR_FAULT_USER    4u
#define XR_FAULT_FETCH   16u

/* The per-thread IPC buffer: one page the thread owns (XR_SYS_THREAD_SET_IPCBUF). */
typedef struct xr_ipc_buffer {
    uint64_t msg[XR_MSG_MAX];             /* words 4.. of a message (0..3 are in registers) */
    uint32_t send_caps[XR_MSG_MAX_CAPS];  /* slots of the caps to send */
    uint32_t recv_slots[XR_MSG_MAX_CAPS]; /* empty slots where received caps land */
    uint32_t reserved[2];
} xr_ipc_buffer_t;

_Static_assert(sizeof(xr_ipc_buffer_t) <= 4096, "the IPC buffer is one page");

#endif
