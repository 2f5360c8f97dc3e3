/* ramdisk: a block driver serving a copy of a boot module (the root ext2 image) from memory. */
#include "blk_server.h"

#define IMAGE_VA 0x40000000ul  /* the module, read-only */
#define DISK_VA  0x100000000ul /* the writable copy */

static uint8_t *disk;

static long rd_read(blk_dev_t *d, uint64_t sector, uint32_t count, void *buf, uint32_t *done)
{
    (void)d;
    memcpy(buf, disk + sector * BLK_SECTOR, (size_t)count * BLK_SECTOR);
    *done = count;
    return XR_OK;
}

static long rd_write(blk_dev_t *d, uint64_t sector, uint32_t count, const void *buf, uint32_t *done)
{
    (void)d;
    memcpy(disk + sector * BLK_SECTOR, buf, (size_t)count * BLK_SECTOR);
    *done = count;
    return XR_OK;
}

/* Copies the size-byte image module into fresh anonymous pages at DISK_VA. */
static long load_image(uint64_t size)
{
    for (uint64_t off = 0; off < size; off += 4096) {
        long err = xr_map_memory(BLK_SLOT_SELF, BLK_SLOT_IMAGE, off, IMAGE_VA + off, 0);
        err = err ? err : xr_map_anon(BLK_SLOT_SELF, DISK_VA + off, XR_MAP_WRITE);
        if (err)
            return err;
        uint64_t n = size - off < 4096 ? size - off : 4096;
        memcpy((uint8_t *)DISK_VA + off, (const uint8_t *)IMAGE_VA + off, n);
        xr_unmap(BLK_SLOT_SELF, IMAGE_VA + off);
    }
    xr_cap_delete(BLK_SLOT_IMAGE);
    disk = (uint8_t *)DISK_VA;
    return XR_OK;
}

/* arg: the image's size in bytes. */
int main(uint64_t arg)
{
    blk_wait_ready();
    static blk_dev_t dev = {.name = "ramdisk", .read = rd_read, .write = rd_write};
    long err = load_image(arg);
    if (err) {
        printf("ramdisk: cannot load the image (%s)\n", xr_strerror(err));
        return 1;
    }
    dev.sectors = arg / BLK_SECTOR;
    blk_serve(&dev);
}
