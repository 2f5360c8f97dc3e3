/* The block protocol spoken between fs and the user-space block drivers (docs/fs.md §3). */
#ifndef XR_USER_DRIVERS_BLK_H
#define XR_USER_DRIVERS_BLK_H

/*
 * One client (fs) per driver. Requests are register messages (no IPC buffer, no caps, so the
 * fastpath may carry them) on the driver's endpoint; data moves through a transfer buffer of
 * BLK_BUF_PAGES pages, a memory object that init creates and maps into both processes' tables
 * (neither side can then take the other's mapping away). A sector is BLK_SECTOR bytes.
 *
 *   request label    words                               reply label / words
 *   BLK_OP_INFO      -                                   status; w0 sectors, w1 BLK_SECTOR,
 *                                                        w2 BLK_F_*, w3 most sectors a request
 *   BLK_OP_READ      w0 first sector, w1 count,          status; w0 sectors moved
 *   BLK_OP_WRITE     w2 byte offset in the buffer
 *   BLK_OP_FLUSH     -                                   status (the device's cache is written)
 *
 * Status is an XR_* code: XR_OK; XR_ENOSYS unknown label; XR_EINVAL count 0 or an offset that
 * is not a sector multiple; XR_ERANGE past the device's end or the buffer's; XR_EPERM a write
 * to a read-only device; XR_ECORRUPT the device reported an error (w0 then says how many
 * sectors were moved before it).
 */

#define BLK_SECTOR    512u
#define BLK_BUF_PAGES 16u
#define BLK_BUF_SIZE  (BLK_BUF_PAGES * 4096u)
#define BLK_MAX_COUNT (BLK_BUF_SIZE / BLK_SECTOR)

enum blk_op { BLK_OP_INFO = 1, BLK_OP_READ, BLK_OP_WRITE, BLK_OP_FLUSH, BLK_OP_COUNT };

#define BLK_F_RDONLY 1u

/* The slots a driver finds its caps in (init puts them there). */
#define BLK_SLOT_SELF    1 /* its own process (W): to map memory into itself */
#define BLK_SLOT_IOPORTS 3 /* ata: the I/O-port cap */
#define BLK_SLOT_IRQ     4 /* ata: the channel's interrupt line */
#define BLK_SLOT_BUF     6 /* the transfer buffer (R|W) */
#define BLK_SLOT_IMAGE   7 /* ramdisk: the image's boot module (R) */
#define BLK_SLOT_EP      5 /* the endpoint it serves (R); given last */

#endif
