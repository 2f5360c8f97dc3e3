/* The skeleton every block driver shares: start-up, receive loop, a table of handlers. */
#ifndef XR_USER_DRIVERS_BLK_SERVER_H
#define XR_USER_DRIVERS_BLK_SERVER_H

#include <stdint.h>

#include "blk.h"
#include "xr.h"

/* What a driver supplies. read/write move count (1..BLK_MAX_COUNT) sectors starting at sector
 * (already checked against sectors) between the device and buf; they return XR_OK or
 * XR_ECORRUPT and store the sectors moved in *done. flush may be NULL (nothing cached). */
typedef struct blk_dev {
    const char *name;
    uint64_t sectors;
    unsigned flags; /* BLK_F_* */
    long (*read)(struct blk_dev *d, uint64_t sector, uint32_t count, void *buf, uint32_t *done);
    long (*write)(struct blk_dev *d, uint64_t sector, uint32_t count, const void *buf,
                  uint32_t *done);
    long (*flush)(struct blk_dev *d);
} blk_dev_t;

/* Waits until init has given the driver its endpoint (BLK_SLOT_EP, the last cap it gives). */
void blk_wait_ready(void);

/* Maps the transfer buffer, then answers block requests on BLK_SLOT_EP for ever. */
_Noreturn void blk_serve(blk_dev_t *dev);

#endif
