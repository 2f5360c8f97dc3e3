/* The IPC system calls (include/xr/ipc.h, docs/ipc.md): the message in registers, send,
 * receive, call, reply and their non-blocking forms, endpoints. Each returns the XR_* error
 * code. send, recv, call and reply_recv block until the partner comes (docs/ipc.md); nbsend,
 * poll and reply never block. */
#ifndef XR_USER_SYS_IPC_H
#define XR_USER_SYS_IPC_H

#include "sys_raw.h"

/* A message as the registers carry it: the tag, words 0..3, and (on receipt) the badge.
 * Words 4.. are in the thread's IPC buffer (xr_ipc_buffer_t). */
typedef struct xr_msg {
    uint64_t tag;
    uint64_t w[XR_MSG_REGS];
    uint64_t badge;
} xr_msg_t;

/* One IPC system call: ep in RDI, m's tag and words in RSI, RDX, R10, R8, R9; on return
 * the same registers (and RDI, the badge) are copied back into m. Returns the error.
 * nop (a constant): a 2-byte NOP instead of the syscall, so that ipcbench can time the
 * stub's own cost and subtract it from the one-way halves, as sel4bench does; m then comes
 * back as sent, with the badge ep, and the result is nr. */
static inline long xr_ipc_stub(long nr, uint64_t ep, xr_msg_t *m, int nop)
{
    register uint64_t r10 __asm__("r10") = m->w[1];
    register uint64_t r8 __asm__("r8") = m->w[2];
    register uint64_t r9 __asm__("r9") = m->w[3];
    uint64_t rax = (uint64_t)nr, rdi = ep, rsi = m->tag, rdx = m->w[0];
#define XR_IPC_ASM(insn)                                                                           \
    __asm__ volatile(insn                                                                          \
                     : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)   \
                     :                                                                             \
                     : "rcx", "r11", "memory")
    if (nop)
        XR_IPC_ASM(".byte 0x66, 0x90"); /* xchg ax, ax: a 2-byte NOP */
    else
        XR_IPC_ASM("syscall");
#undef XR_IPC_ASM
    m->badge = rdi;
    m->tag = rsi;
    m->w[0] = rdx;
    m->w[1] = r10;
    m->w[2] = r8;
    m->w[3] = r9;
    return (long)rax;
}

static inline long xr_ipc(long nr, uint64_t ep, xr_msg_t *m)
{
    return xr_ipc_stub(nr, ep, m, 0);
}

static inline long xr_send(xr_cap_t ep, xr_msg_t *m)
{
    return xr_ipc(XR_SYS_SEND, ep, m);
}

static inline long xr_nbsend(xr_cap_t ep, xr_msg_t *m)
{
    return xr_ipc(XR_SYS_NBSEND, ep, m);
}

static inline long xr_recv(xr_cap_t ep, xr_msg_t *m)
{
    return xr_ipc(XR_SYS_RECV, ep, m);
}

static inline long xr_poll(xr_cap_t ep, xr_msg_t *m)
{
    return xr_ipc(XR_SYS_POLL, ep, m);
}

static inline long xr_call(xr_cap_t ep, xr_msg_t *m)
{
    return xr_ipc(XR_SYS_CALL, ep, m);
}

static inline long xr_reply(xr_msg_t *m)
{
    return xr_ipc(XR_SYS_REPLY, 0, m);
}

static inline long xr_reply_recv(xr_cap_t ep, xr_msg_t *m)
{
    return xr_ipc(XR_SYS_REPLY_RECV, ep, m);
}

static inline long xr_endpoint_create(xr_cap_t dst)
{
    return xr_syscall1(XR_SYS_ENDPOINT_CREATE, dst);
}

#endif
