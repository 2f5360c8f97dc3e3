/* ata: a PIO block driver for one ATA disk; interrupts arrive through a notification. */
#include "blk_server.h"

/* Registers, as offsets from the channel's command block (0x1f0 or 0x170). */
#define REG_DATA   0
#define REG_ERROR  1
#define REG_COUNT  2
#define REG_LBA0   3
#define REG_LBA1   4
#define REG_LBA2   5
#define REG_DRIVE  6
#define REG_STATUS 7 /* read: status (clears the interrupt); write: command */
#define ST_ERR     0x01
#define ST_DRQ     0x08
#define ST_DF      0x20
#define ST_BSY     0x80
#define CMD_READ   0x20
#define CMD_WRITE  0x30
#define CMD_FLUSH  0xe7
#define CMD_IDENT  0xec
#define POLL_TRIES 1000000
#define SLOT_NTFN  8 /* our notification, bound to the interrupt line */

static unsigned base, ctrl, slave;

static uint32_t inb(unsigned port)
{
    uint32_t v = 0xff;
    xr_ioport_in(BLK_SLOT_IOPORTS, port, 1, &v);
    return v;
}

static void outb(unsigned port, uint32_t v)
{
    xr_ioport_out(BLK_SLOT_IOPORTS, port, 1, v);
}

/* Polls the alternate status (which leaves the interrupt alone) until BSY clears; returns the
 * status, or ST_ERR on a time-out. */
static uint32_t wait_not_busy(void)
{
    for (int i = 0; i < POLL_TRIES; i++) {
        uint32_t st = inb(ctrl);
        if (!(st & ST_BSY))
            return st;
        if (i > 64)
            xr_yield();
    }
    return ST_ERR;
}

/* Waits for the device's interrupt, then returns the status (reading it acknowledges it). */
static uint32_t wait_irq(void)
{
    uint64_t bits;
    xr_wait(SLOT_NTFN, &bits);
    wait_not_busy();
    return inb(base + REG_STATUS);
}

static void drain_irq(void)
{
    uint64_t bits;
    xr_notify_poll(SLOT_NTFN, &bits);
}

/* Selects the drive and programs an LBA28 transfer of count sectors, then issues cmd. */
static void issue(uint8_t cmd, uint64_t lba, uint32_t count)
{
    wait_not_busy();
    outb(base + REG_DRIVE, 0xe0 | slave << 4 | ((lba >> 24) & 0x0f));
    inb(ctrl); /* a little settle time after selecting: four status reads */
    inb(ctrl);
    inb(ctrl);
    inb(ctrl);
    drain_irq();
    outb(base + REG_COUNT, count & 0xff);
    outb(base + REG_LBA0, lba & 0xff);
    outb(base + REG_LBA1, (lba >> 8) & 0xff);
    outb(base + REG_LBA2, (lba >> 16) & 0xff);
    outb(base + REG_STATUS, cmd);
}

static void read_words(uint32_t *dst)
{
    for (unsigned i = 0; i < BLK_SECTOR / 4; i++)
        xr_ioport_in(BLK_SLOT_IOPORTS, base + REG_DATA, 4, &dst[i]);
}

static void write_words(const uint32_t *src)
{
    for (unsigned i = 0; i < BLK_SECTOR / 4; i++)
        xr_ioport_out(BLK_SLOT_IOPORTS, base + REG_DATA, 4, src[i]);
}

static long ata_read(blk_dev_t *d, uint64_t sector, uint32_t count, void *buf, uint32_t *done)
{
    (void)d;
    issue(CMD_READ, sector, count);
    for (*done = 0; *done < count; (*done)++) {
        uint32_t st = wait_irq();
        if ((st & (ST_ERR | ST_DF)) || !(st & ST_DRQ))
            return XR_ECORRUPT;
        read_words((uint32_t *)buf + *done * (BLK_SECTOR / 4));
    }
    return XR_OK;
}

static long ata_write(blk_dev_t *d, uint64_t sector, uint32_t count, const void *buf,
                      uint32_t *done)
{
    (void)d;
    issue(CMD_WRITE, sector, count);
    uint32_t st = wait_not_busy(); /* the first sector is asked for without an interrupt */
    for (*done = 0; *done < count; (*done)++) {
        if ((st & (ST_ERR | ST_DF)) || !(st & ST_DRQ))
            return XR_ECORRUPT;
        write_words((const uint32_t *)buf + *done * (BLK_SECTOR / 4));
        st = wait_irq();
        if (st & (ST_ERR | ST_DF))
            return XR_ECORRUPT;
    }
    return XR_OK;
}

static long ata_flush(blk_dev_t *d)
{
    (void)d;
    issue(CMD_FLUSH, 0, 0);
    return wait_irq() & (ST_ERR | ST_DF) ? XR_ECORRUPT : XR_OK;
}

/* IDENTIFY by polling (the line is not bound yet): the sector count of an ATA disk, or 0 when
 * the position is empty or holds an ATAPI device (the CD-ROM). */
static uint64_t identify(void)
{
    outb(base + REG_DRIVE, 0xa0 | slave << 4);
    for (int i = 0; i < 4; i++)
        inb(ctrl);
    if (inb(base + REG_STATUS) == 0xff)
        return 0; /* nothing on the channel: the bus floats high */
    outb(base + REG_COUNT, 0);
    outb(base + REG_LBA0, 0);
    outb(base + REG_LBA1, 0);
    outb(base + REG_LBA2, 0);
    outb(base + REG_STATUS, CMD_IDENT);
    if (inb(base + REG_STATUS) == 0)
        return 0;
    uint32_t st = wait_not_busy();
    if (inb(base + REG_LBA1) || inb(base + REG_LBA2) || (st & ST_ERR) || !(st & ST_DRQ))
        return 0;
    static uint32_t id[BLK_SECTOR / 4];
    read_words(id);
    inb(base + REG_STATUS);
    return id[30]; /* words 60-61: sectors addressable with LBA28 */
}

/* arg: the drive, 0..3 = primary master, primary slave, secondary master, secondary slave. The
 * interrupt line for its channel (14 or 15) is in BLK_SLOT_IRQ. */
int main(uint64_t arg)
{
    static blk_dev_t dev = {
        .name = "ata", .read = ata_read, .write = ata_write, .flush = ata_flush};
    blk_wait_ready();
    base = arg < 2 ? 0x1f0 : 0x170;
    ctrl = arg < 2 ? 0x3f6 : 0x376;
    slave = arg & 1;
    dev.sectors = arg < 4 ? identify() : 0;
    if (dev.sectors == 0) {
        printf("ata: no ATA disk at drive %lu\n", arg);
        return 1;
    }
    outb(ctrl, 0); /* nIEN = 0: the device interrupts */
    long err = xr_notify_create(SLOT_NTFN);
    err = err ? err : xr_irq_bind(BLK_SLOT_IRQ, SLOT_NTFN);
    if (err) {
        printf("ata: cannot take the interrupt (%s)\n", xr_strerror(err));
        return 1;
    }
    blk_serve(&dev);
}
