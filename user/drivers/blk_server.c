/* The block drivers' shared server loop: checks every request, then calls the device. */
#include "blk_server.h"

#define BLK_BUF_VA 0x30000000ul

static uint8_t *xfer; /* the transfer buffer as mapped here */

void blk_wait_ready(void)
{
    while (xr_cap_identify(BLK_SLOT_EP, NULL, NULL) != XR_OK)
        xr_sleep_us(1000);
}

static long map_buffer(void)
{
    for (uint64_t off = 0; off < BLK_BUF_SIZE; off += 4096) {
        long err = xr_map_memory(BLK_SLOT_SELF, BLK_SLOT_BUF, off, BLK_BUF_VA + off, XR_MAP_WRITE);
        if (err)
            return err;
    }
    xfer = (uint8_t *)BLK_BUF_VA;
    return XR_OK;
}

static long op_info(blk_dev_t *d, xr_msg_t *m)
{
    m->w[0] = d->sectors;
    m->w[1] = BLK_SECTOR;
    m->w[2] = d->flags;
    m->w[3] = BLK_MAX_COUNT;
    return XR_OK;
}

/* Decodes a read or write: every check before the device is touched. */
static long check_io(const blk_dev_t *d, const xr_msg_t *m)
{
    uint64_t sector = m->w[0], count = m->w[1], off = m->w[2];
    if (count == 0 || off % BLK_SECTOR)
        return XR_EINVAL;
    if (count > BLK_MAX_COUNT || off > BLK_BUF_SIZE || count * BLK_SECTOR > BLK_BUF_SIZE - off)
        return XR_ERANGE;
    if (sector >= d->sectors || count > d->sectors - sector)
        return XR_ERANGE;
    return XR_OK;
}

static long op_read(blk_dev_t *d, xr_msg_t *m)
{
    long err = check_io(d, m);
    uint32_t done = 0;
    if (!err)
        err = d->read(d, m->w[0], (uint32_t)m->w[1], xfer + m->w[2], &done);
    m->w[0] = done;
    return err;
}

static long op_write(blk_dev_t *d, xr_msg_t *m)
{
    long err = check_io(d, m);
    uint32_t done = 0;
    if (!err && (d->flags & BLK_F_RDONLY))
        err = XR_EPERM;
    if (!err)
        err = d->write(d, m->w[0], (uint32_t)m->w[1], xfer + m->w[2], &done);
    m->w[0] = done;
    return err;
}

static long op_flush(blk_dev_t *d, xr_msg_t *m)
{
    (void)m;
    return d->flush ? d->flush(d) : XR_OK;
}

typedef long (*blk_handler_t)(blk_dev_t *d, xr_msg_t *m);
static const blk_handler_t handlers[BLK_OP_COUNT] = {
    [BLK_OP_INFO] = op_info,
    [BLK_OP_READ] = op_read,
    [BLK_OP_WRITE] = op_write,
    [BLK_OP_FLUSH] = op_flush,
};

_Noreturn void blk_serve(blk_dev_t *dev)
{
    long err = map_buffer();
    if (err) {
        printf("%s: cannot map the transfer buffer (%s)\n", dev->name, xr_strerror(err));
        xr_exit(1);
    }
    printf("%s: %lu sectors%s, serving\n", dev->name, dev->sectors,
           dev->flags & BLK_F_RDONLY ? " (read-only)" : "");
    xr_msg_t m = {0};
    err = xr_recv(BLK_SLOT_EP, &m);
    for (;;) {
        uint64_t op = XR_TAG_LABEL(m.tag);
        long status = XR_ENOSYS;
        if (err == XR_OK && op < BLK_OP_COUNT && handlers[op])
            status = handlers[op](dev, &m);
        else
            m.w[0] = m.w[1] = m.w[2] = m.w[3] = 0;
        m.tag = XR_TAG(status, 0, 4);
        err = xr_reply_recv(BLK_SLOT_EP, &m);
    }
}
