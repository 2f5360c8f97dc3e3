/* User tests of basic IPC between threads of init: message integrity at every length,
 * badges, FIFO order, non-blocking forms, reply-once, cap transfer with and without the
 * grant right, cancellation when an endpoint goes, notifications, and bad input. */
#include "echo.h"
#include "utest.h"

#define EP  111 /* the endpoint most tests use */
#define EP2 112
#define EPB 113 /* badged or reduced copies */
#define NT  114
#define NT2 115
#define T0  UT_SLOT_THREADS

static xr_ipc_buffer_t *const my_buf = (xr_ipc_buffer_t *)UT_SELF_IPCBUF;
static volatile long t_err;
static volatile uint64_t t_val[8];

static xr_ipc_buffer_t *buf_of(uint64_t slot)
{
    return (xr_ipc_buffer_t *)ut_ipcbuf((xr_cap_t)slot);
}

/* An echo server thread: every word + 1, the label + 1; label XR_ECHO_STOP ends it. */
static void echo_server(uint64_t slot)
{
    xr_msg_t m = {0};
    long err = xr_recv(EP, &m);
    if (err == XR_OK)
        err = xr_echo_serve(EP, buf_of(slot), &m, 1, XR_ECHO_ANY);
    xr_reply(&m);
    t_err = err;
}

static void stop_echo(void)
{
    xr_msg_t m = {.tag = XR_TAG(XR_ECHO_STOP, 0, 0)};
    xr_call(EP, &m);
}

UTEST(ipc, endpoint_create)
{
    UT_EQ(xr_map_anon(XR_SLOT_SELF, UT_SELF_IPCBUF, XR_MAP_WRITE), XR_OK);
    UT_EQ(xr_thread_set_ipcbuf(XR_SLOT_SELF_THREAD, UT_SELF_IPCBUF), XR_OK);
    UT_EQ(xr_endpoint_create(EP), XR_OK);
    unsigned type, rights;
    UT_EQ(xr_cap_identify(EP, &type, &rights), XR_OK);
    UT_EQ(type, XR_OBJ_ENDPOINT);
    UT_EQ(rights, XR_RIGHTS_ALL);
}

/* Every length from 0 to 64 words arrives intact, registers and IPC buffer alike. */
UTEST(ipc, message_integrity_every_length)
{
    UT_EQ(ut_thread(echo_server, T0, 150, T0), XR_OK);
    for (unsigned len = 0; len <= XR_MSG_MAX; len++) {
        xr_msg_t m = {.tag = XR_TAG(len + 1000, 0, len)};
        for (unsigned i = 0; i < XR_MSG_REGS; i++)
            m.w[i] = len * 1000 + i;
        for (unsigned i = XR_MSG_REGS; i < len; i++)
            my_buf->msg[i] = len * 1000 + i;
        UT_EQ(xr_call(EP, &m), XR_OK);
        UT_EQ(XR_TAG_LABEL(m.tag), len + 1001);
        UT_EQ(XR_TAG_LEN(m.tag), len);
        for (unsigned i = 0; i < len; i++)
            UT_EQ(i < XR_MSG_REGS ? m.w[i] : my_buf->msg[i], len * 1000 + i + 1);
        for (unsigned i = len; i < XR_MSG_REGS; i++)
            UT_EQ(m.w[i], 0); /* words past the length are cleared, not leaked */
    }
    stop_echo();
    UT_ASSERT(ut_thread_join(T0, 1000));
    UT_EQ(t_err, XR_OK);
}

static void badged_sender(uint64_t w)
{
    xr_msg_t m = {.tag = XR_TAG(1, 0, 1), .w = {w}};
    t_err = xr_send(EPB, &m);
}

UTEST(ipc, badges)
{
    UT_EQ(xr_cap_copy(EP, EPB, XR_RIGHT_WRITE, 7), XR_OK);
    UT_EQ(ut_thread(badged_sender, 42, 150, T0), XR_OK);
    xr_msg_t m = {0};
    UT_EQ(xr_recv(EP, &m), XR_OK);
    UT_EQ(m.badge, 7);
    UT_EQ(m.w[0], 42);
    UT_ASSERT(ut_thread_join(T0, 1000));
    UT_EQ(t_err, XR_OK);
    UT_EQ(xr_cap_copy(EPB, EPB + 1, XR_RIGHT_WRITE, 9), XR_EPERM); /* no re-badging */
    UT_EQ(xr_cap_copy(EPB, EPB + 1, XR_RIGHT_WRITE, 0), XR_OK);    /* keeps badge 7 */
    UT_EQ(ut_thread(badged_sender, 43, 150, T0), XR_OK);
    UT_EQ(xr_recv(EP, &m), XR_OK);
    UT_EQ(m.badge, 7);
    UT_ASSERT(ut_thread_join(T0, 1000));
    UT_EQ(xr_cap_delete(EPB + 1), XR_OK);
    UT_EQ(xr_cap_delete(EPB), XR_OK);
}

static void fifo_sender(uint64_t id)
{
    xr_msg_t m = {.tag = XR_TAG(1, 0, 1), .w = {id}};
    t_err = xr_send(EP, &m);
}

/* Senders blocked in the order 1, 2, 3 are received in that order. */
UTEST(ipc, fifo_order)
{
    for (uint64_t i = 0; i < 3; i++) {
        UT_EQ(ut_thread(fifo_sender, i + 1, 150, T0 + i), XR_OK);
        xr_sleep_us(10000); /* it runs and blocks before the next one starts */
    }
    for (uint64_t i = 0; i < 3; i++) {
        xr_msg_t m = {0};
        UT_EQ(xr_recv(EP, &m), XR_OK);
        UT_EQ(m.w[0], i + 1);
    }
    for (int i = 0; i < 3; i++)
        UT_ASSERT(ut_thread_join(T0 + i, 1000));
}

UTEST(ipc, nonblocking_send_and_poll)
{
    xr_msg_t m = {.tag = XR_TAG(1, 0, 0)};
    UT_EQ(xr_nbsend(EP, &m), XR_EAGAIN);
    UT_EQ(xr_poll(EP, &m), XR_EAGAIN);
    UT_EQ(ut_thread(fifo_sender, 5, 150, T0), XR_OK);
    xr_sleep_us(10000);
    UT_EQ(xr_poll(EP, &m), XR_OK); /* now a sender waits */
    UT_EQ(m.w[0], 5);
    UT_ASSERT(ut_thread_join(T0, 1000));
}

static void reply_twice_server(uint64_t unused)
{
    (void)unused;
    xr_msg_t m = {0};
    xr_recv(EP, &m);
    m.tag = XR_TAG(0, 0, 1);
    m.w[0] = 11;
    t_val[0] = (uint64_t)xr_reply(&m);
    t_val[1] = (uint64_t)xr_reply(&m);
}

UTEST(ipc, reply_once)
{
    xr_msg_t m = {.tag = XR_TAG(0, 0, 0)};
    UT_EQ(xr_reply(&m), XR_ENOENT); /* nothing to answer */
    UT_EQ(ut_thread(reply_twice_server, 0, 150, T0), XR_OK);
    m.tag = XR_TAG(1, 0, 0);
    UT_EQ(xr_call(EP, &m), XR_OK);
    UT_EQ(m.w[0], 11);
    UT_ASSERT(ut_thread_join(T0, 1000));
    UT_EQ(t_val[0], XR_OK);
    UT_EQ(t_val[1], XR_ENOENT);
}

static void cap_receiver(uint64_t slot)
{
    buf_of(slot)->recv_slots[0] = 130;
    xr_msg_t m = {0};
    t_err = xr_recv(EP, &m);
    t_val[0] = XR_TAG_CAPS(m.tag);
    unsigned type = 0, rights = 0;
    t_val[1] = (uint64_t)xr_cap_identify(130, &type, &rights);
    t_val[2] = type;
    t_val[3] = rights;
}

UTEST(ipc, cap_transfer_with_grant)
{
    UT_EQ(ut_thread(cap_receiver, T0, 150, T0), XR_OK);
    xr_sleep_us(10000);
    my_buf->send_caps[0] = XR_SLOT_IOPORTS;
    xr_msg_t m = {.tag = XR_TAG(1, 1, 0)};
    UT_EQ(xr_send(EP, &m), XR_OK);
    UT_ASSERT(ut_thread_join(T0, 1000));
    UT_EQ(t_err, XR_OK);
    UT_EQ(t_val[0], 1);
    UT_EQ(t_val[1], XR_OK);
    UT_EQ(t_val[2], XR_OBJ_IOPORT);
    UT_EQ(t_val[3], XR_RIGHT_READ | XR_RIGHT_WRITE);
    /* the landing slot is now full: the next transfer delivers the message, no cap */
    UT_EQ(ut_thread(cap_receiver, T0, 150, T0), XR_OK);
    xr_sleep_us(10000);
    UT_EQ(xr_send(EP, &m), XR_OK);
    UT_ASSERT(ut_thread_join(T0, 1000));
    UT_EQ(t_val[0], 0);
    UT_EQ(xr_cap_delete(130), XR_OK);
}

UTEST(ipc, cap_transfer_without_grant_refused)
{
    UT_EQ(xr_cap_copy(EP, EPB, XR_RIGHT_WRITE, 0), XR_OK);
    my_buf->send_caps[0] = XR_SLOT_IOPORTS;
    xr_msg_t m = {.tag = XR_TAG(1, 1, 0)};
    UT_EQ(xr_send(EPB, &m), XR_EPERM);
    UT_EQ(xr_cap_delete(EPB), XR_OK);
}

static void blocked_receiver(uint64_t unused)
{
    (void)unused;
    xr_msg_t m = {0};
    t_err = xr_recv(EP2, &m);
}

/* The last cap to an endpoint goes while a thread waits on it: the wait ends in XR_EDEAD. */
UTEST(ipc, endpoint_deleted_while_blocked)
{
    t_err = 12345;
    UT_EQ(xr_endpoint_create(EP2), XR_OK);
    UT_EQ(ut_thread(blocked_receiver, 0, 150, T0), XR_OK);
    xr_sleep_us(20000);
    UT_EQ(t_err, 12345); /* blocked */
    UT_EQ(xr_cap_delete(EP2), XR_OK);
    UT_ASSERT(ut_thread_join(T0, 1000));
    UT_EQ(t_err, XR_EDEAD);
}

UTEST(ipc, bad_caps_rights_lengths)
{
    xr_msg_t m = {.tag = XR_TAG(1, 0, 0)};
    UT_EQ(xr_call(120, &m), XR_EBADCAP);          /* empty slot */
    UT_EQ(xr_call(XR_SLOT_SELF, &m), XR_EBADCAP); /* not an endpoint */
    UT_EQ(xr_call(300, &m), XR_ERANGE);
    UT_EQ(xr_cap_copy(EP, EPB, XR_RIGHT_READ, 0), XR_OK);
    UT_EQ(xr_send(EPB, &m), XR_EPERM); /* no write right */
    UT_EQ(xr_cap_delete(EPB), XR_OK);
    UT_EQ(xr_cap_copy(EP, EPB, XR_RIGHT_WRITE, 0), XR_OK);
    UT_EQ(xr_recv(EPB, &m), XR_EPERM); /* no read right */
    UT_EQ(xr_cap_delete(EPB), XR_OK);
    m.tag = XR_TAG(1, 0, XR_MSG_MAX + 1);
    UT_EQ(xr_nbsend(EP, &m), XR_ERANGE); /* too long */
    m.tag = XR_TAG(1, XR_MSG_MAX_CAPS + 1, 0);
    UT_EQ(xr_nbsend(EP, &m), XR_ERANGE);     /* too many caps */
    UT_EQ(xr_endpoint_create(EP), XR_EBUSY); /* slot taken */
}

UTEST(ipc, bad_ipc_buffer)
{
    UT_EQ(xr_thread_set_ipcbuf(XR_SLOT_SELF_THREAD, 0x70000000), XR_EFAULT); /* unmapped */
    UT_EQ(xr_thread_set_ipcbuf(XR_SLOT_SELF_THREAD, 0xffff800000000000ul), XR_EFAULT); /* kernel */
    UT_EQ(xr_thread_set_ipcbuf(XR_SLOT_SELF_THREAD, UT_SELF_IPCBUF + 8), XR_EFAULT); /* unaligned */
    UT_EQ(xr_thread_set_ipcbuf(XR_SLOT_SELF_THREAD, 0x400000),
          XR_EFAULT);                                           /* init's text: not writable */
    UT_EQ(xr_thread_set_ipcbuf(XR_SLOT_SELF_THREAD, 0), XR_OK); /* none */
    xr_msg_t m = {.tag = XR_TAG(1, 0, 10)};
    UT_EQ(xr_nbsend(EP, &m), XR_EFAULT); /* words in a buffer it does not have */
    UT_EQ(xr_thread_set_ipcbuf(XR_SLOT_SELF_THREAD, UT_SELF_IPCBUF), XR_OK);
}

#define SPARE_IPCBUF 0x0000000051000000ul

/* The kernel keeps where a thread's IPC buffer is (no page walk per message) only while the
 * address space's mappings are unchanged: a buffer page unmapped after use is a buffer the
 * thread no longer has, and the page mapped there again is the one used. */
UTEST(ipc, ipc_buffer_unmapped_after_use)
{
    xr_msg_t m = {.tag = XR_TAG(1, 0, 10)};
    UT_EQ(xr_map_anon(XR_SLOT_SELF, SPARE_IPCBUF, XR_MAP_WRITE), XR_OK);
    UT_EQ(xr_thread_set_ipcbuf(XR_SLOT_SELF_THREAD, SPARE_IPCBUF), XR_OK);
    UT_EQ(xr_nbsend(EP, &m), XR_EAGAIN); /* the buffer is found (nobody receives) */
    UT_EQ(xr_unmap(XR_SLOT_SELF, SPARE_IPCBUF), XR_OK);
    UT_EQ(xr_nbsend(EP, &m), XR_EFAULT); /* gone: not a stale kernel pointer */
    UT_EQ(xr_map_anon(XR_SLOT_SELF, SPARE_IPCBUF, 0), XR_OK);
    UT_EQ(xr_nbsend(EP, &m), XR_EFAULT); /* mapped again read-only: still not a buffer */
    UT_EQ(xr_protect(XR_SLOT_SELF, SPARE_IPCBUF, XR_MAP_WRITE), XR_OK);
    UT_EQ(xr_nbsend(EP, &m), XR_EAGAIN); /* writable again */
    UT_EQ(xr_thread_set_ipcbuf(XR_SLOT_SELF_THREAD, UT_SELF_IPCBUF), XR_OK);
    UT_EQ(xr_unmap(XR_SLOT_SELF, SPARE_IPCBUF), XR_OK);
}

static void waiter(uint64_t slot)
{
    uint64_t bits = 0;
    t_err = xr_wait((xr_cap_t)slot, &bits);
    t_val[0] = bits;
}

UTEST(ipc, notification_signal_wait_poll)
{
    uint64_t bits;
    UT_EQ(xr_notify_create(NT), XR_OK);
    UT_EQ(xr_notify_poll(NT, &bits), XR_EAGAIN);
    UT_EQ(xr_cap_copy(NT, NT + 10, XR_RIGHT_WRITE, 2), XR_OK);
    UT_EQ(xr_cap_copy(NT, NT + 11, XR_RIGHT_WRITE, 4), XR_OK);
    UT_EQ(xr_signal(NT + 10), XR_OK);
    UT_EQ(xr_signal(NT + 11), XR_OK);
    UT_EQ(xr_wait(NT, &bits), XR_OK); /* both signals, ORed, without blocking */
    UT_EQ(bits, 6);
    UT_EQ(xr_notify_poll(NT, &bits), XR_EAGAIN); /* and cleared */
    UT_EQ(xr_signal(NT + 10 + 20), XR_EBADCAP);
    UT_EQ(xr_cap_copy(NT, NT + 12, XR_RIGHT_READ, 0), XR_OK);
    UT_EQ(xr_signal(NT + 12), XR_EPERM); /* no write right */
    UT_EQ(xr_cap_delete(NT + 12), XR_OK);
}

UTEST(ipc, notification_wakes_waiter)
{
    t_val[0] = 0;
    UT_EQ(ut_thread(waiter, NT, 150, T0), XR_OK);
    xr_sleep_us(10000);
    UT_EQ(t_val[0], 0);
    UT_EQ(xr_signal(NT + 11), XR_OK);
    UT_ASSERT(ut_thread_join(T0, 1000));
    UT_EQ(t_err, XR_OK);
    UT_EQ(t_val[0], 4);
}

static void bound_receiver(uint64_t unused)
{
    (void)unused;
    xr_msg_t m = {0};
    t_err = xr_recv(EP, &m);
    t_val[0] = XR_TAG_LABEL(m.tag);
    t_val[1] = m.badge;
}

/* A thread bound to a notification, blocked in an endpoint receive, wakes on a signal. */
UTEST(ipc, notification_bound_to_receiver)
{
    UT_EQ(xr_notify_create(NT2), XR_OK);
    UT_EQ(ut_thread(bound_receiver, 0, 150, T0), XR_OK);
    UT_EQ(xr_notify_bind(NT2, T0), XR_OK);
    UT_EQ(xr_notify_bind(NT2, T0), XR_EBUSY);
    xr_sleep_us(10000);
    UT_EQ(xr_cap_copy(NT2, NT2 + 20, XR_RIGHT_WRITE, 0x40), XR_OK);
    UT_EQ(xr_signal(NT2 + 20), XR_OK);
    UT_ASSERT(ut_thread_join(T0, 1000));
    UT_EQ(t_err, XR_OK);
    UT_EQ(t_val[0], XR_LABEL_NOTIFY);
    UT_EQ(t_val[1], 0x40);
    for (xr_cap_t s = NT; s <= NT2 + 20; s++)
        xr_cap_delete(s);
}

static volatile long c_err[2];

static void dropping_server(uint64_t unused)
{
    (void)unused;
    xr_msg_t m = {0};
    xr_recv(EP, &m); /* the first caller's call: never answered */
    xr_recv(EP, &m); /* taking the next one drops the first */
    m.tag = XR_TAG(0, 0, 1);
    m.w[0] = 77;
    xr_reply(&m);
}

static void client(uint64_t i)
{
    xr_msg_t m = {.tag = XR_TAG(1, 0, 0)};
    c_err[i] = xr_call(EP, &m);
    if (!c_err[i] && m.w[0] != 77)
        c_err[i] = 1000;
}

/* A server that receives again without answering drops the earlier call, which fails
 * with XR_ECANCELED instead of waiting forever; the later call is answered. */
UTEST(ipc, recv_again_drops_unanswered_call)
{
    c_err[0] = c_err[1] = 12345;
    UT_EQ(ut_thread(dropping_server, 0, 150, T0), XR_OK);
    UT_EQ(ut_thread(client, 0, 140, T0 + 1), XR_OK);
    xr_sleep_us(20000);
    UT_EQ(c_err[0], 12345); /* still waiting */
    UT_EQ(ut_thread(client, 1, 140, T0 + 2), XR_OK);
    for (int i = 0; i < 3; i++)
        UT_ASSERT(ut_thread_join(T0 + i, 1000));
    UT_EQ(c_err[0], XR_ECANCELED);
    UT_EQ(c_err[1], XR_OK);
}

static void cap_replier(uint64_t slot)
{
    xr_msg_t m = {0};
    xr_recv(EP, &m);
    buf_of(slot)->send_caps[0] = XR_SLOT_IOPORTS;
    m.tag = XR_TAG(0, 1, 0);
    t_val[0] = (uint64_t)xr_reply(&m); /* a reply may not carry caps */
    m.tag = XR_TAG(0, 0, 0);
    t_val[1] = (uint64_t)xr_reply(&m);
}

UTEST(ipc, reply_carries_no_caps)
{
    UT_EQ(ut_thread(cap_replier, T0, 150, T0), XR_OK);
    xr_msg_t m = {.tag = XR_TAG(1, 0, 0)};
    UT_EQ(xr_call(EP, &m), XR_OK);
    UT_EQ(XR_TAG_CAPS(m.tag), 0);
    UT_ASSERT(ut_thread_join(T0, 1000));
    UT_EQ(t_val[0], XR_EPERM);
    UT_EQ(t_val[1], XR_OK);
}

static void null_slot_receiver(uint64_t slot)
{
    buf_of(slot)->recv_slots[0] = XR_SLOT_NULL;
    xr_msg_t m = {0};
    t_err = xr_recv(EP, &m);
    t_val[0] = XR_TAG_CAPS(m.tag);
}

/* Slot 0 stays empty: a receiver naming it gets the message and no cap. */
UTEST(ipc, caps_never_land_in_slot_zero)
{
    UT_EQ(ut_thread(null_slot_receiver, T0, 150, T0), XR_OK);
    xr_sleep_us(10000);
    my_buf->send_caps[0] = XR_SLOT_IOPORTS;
    xr_msg_t m = {.tag = XR_TAG(1, 1, 0)};
    UT_EQ(xr_send(EP, &m), XR_OK);
    UT_ASSERT(ut_thread_join(T0, 1000));
    UT_EQ(t_err, XR_OK);
    UT_EQ(t_val[0], 0);
    unsigned type, rights;
    UT_EQ(xr_cap_identify(XR_SLOT_NULL, &type, &rights), XR_EBADCAP);
}

#define NTI     118
#define PIT_GSI (ut_isa_gsi(0)) /* ISA IRQ 0, remapped by the MADT (GSI 2 in QEMU and Bochs) */

static void pit_out(unsigned port, unsigned v)
{
    xr_ioport_out(XR_SLOT_IOPORTS, port, 1, v);
}

/* A user-space driver's view of interrupts: the PIT (programmed through the I/O-port
 * cap) interrupts on its line, and the line's cap delivers each one as a signal. */
UTEST(ipc, irq_signals_notification)
{
    xr_cap_t irq = XR_SLOT_FIRST_IRQ + PIT_GSI;
    unsigned type, rights;
    UT_EQ(xr_cap_identify(irq, &type, &rights), XR_OK);
    UT_EQ(type, XR_OBJ_IRQ);
    UT_EQ(xr_notify_create(NTI), XR_OK);
    UT_EQ(xr_irq_bind(irq, XR_SLOT_IOPORTS), XR_EBADCAP); /* not a notification */
    UT_EQ(xr_irq_bind(irq, NTI), XR_OK);
    UT_EQ(xr_irq_bind(irq, NTI), XR_EBUSY);
    pit_out(0x43, 0x34); /* channel 0, rate generator, divisor 11932: about 100 Hz */
    pit_out(0x40, 11932 & 0xff);
    pit_out(0x40, 11932 >> 8);
    uint64_t bits = 0;
    for (int i = 0; i < 3; i++) {
        UT_EQ(xr_wait(NTI, &bits), XR_OK);
        UT_EQ(bits, 1);
    }
    UT_EQ(xr_irq_bind(irq, 0), XR_OK); /* unbound: the line is masked again */
    pit_out(0x43, 0x30);               /* channel 0 back to a one-shot that stays quiet */
    pit_out(0x40, 0xff);
    pit_out(0x40, 0xff);
    UT_EQ(xr_cap_delete(NTI), XR_OK);
    UT_EQ(xr_irq_bind(XR_SLOT_FIRST_IRQ + 30, 0), XR_EBADCAP); /* no such line: empty slot */
}
