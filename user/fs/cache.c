/* fs's block cache (write-back, LRU) and its link to the block drivers (docs/fs.md §4). */
#include "fs.h"

#define CACHE_BLOCKS 512 /* of up to EXT2_BLOCK_MAX bytes: 2 MiB */
#define HASH_SIZE    1024
#define NONE         0xffffu

typedef struct centry {
    bool valid, dirty;
    uint8_t vol;
    uint32_t blockno;
    uint64_t used; /* LRU clock */
    uint16_t next; /* hash chain */
} centry_t;

static centry_t entries[CACHE_BLOCKS];
static _Alignas(64) uint8_t data[CACHE_BLOCKS][EXT2_BLOCK_MAX];
static uint16_t hash[HASH_SIZE];
static uint64_t clock;
static bool hash_ready;

static unsigned hash_of(unsigned vol, uint32_t blockno)
{
    return (blockno * 2654435761u + vol) % HASH_SIZE;
}

/* One request to v's driver: op on count sectors at sector, data at offset 0 of the buffer. */
static long dev_io(fs_vol_t *v, unsigned op, uint64_t sector, uint32_t count)
{
    xr_msg_t m = {.tag = XR_TAG(op, 0, 3), .w = {sector, count, 0, 0}};
    long err = xr_call(v->dev.ep, &m);
    if (err)
        return err;
    err = (long)XR_TAG_LABEL(m.tag);
    return err ? err : (m.w[0] == count ? XR_OK : XR_ECORRUPT);
}

/* Reads or writes block blockno of size bsize straight through the driver. */
static int dev_block(fs_vol_t *v, unsigned op, uint32_t blockno, uint32_t bsize, void *buf)
{
    uint32_t count = bsize / BLK_SECTOR;
    uint64_t sector = (uint64_t)blockno * count;
    if (op == BLK_OP_WRITE)
        memcpy(v->dev.xfer, buf, bsize);
    if (dev_io(v, op, sector, count) != XR_OK)
        return -1;
    if (op == BLK_OP_READ)
        memcpy(buf, v->dev.xfer, bsize);
    return 0;
}

long fs_dev_open(fs_vol_t *v, uint64_t xfer_va)
{
    v->dev.ep = FS_SLOT_DEV_EP(v->id);
    long err = xr_cap_identify(v->dev.ep, NULL, NULL);
    for (uint64_t off = 0; !err && off < BLK_BUF_SIZE; off += 4096)
        err = xr_map_memory(FS_SLOT_SELF, FS_SLOT_DEV_BUF(v->id), off, xfer_va + off, XR_MAP_WRITE);
    if (err)
        return err;
    v->dev.xfer = (uint8_t *)xfer_va;
    xr_msg_t m = {.tag = XR_TAG(BLK_OP_INFO, 0, 0)};
    err = xr_call(v->dev.ep, &m);
    err = err ? err : (long)XR_TAG_LABEL(m.tag);
    if (!err && m.w[1] != BLK_SECTOR)
        err = XR_EINVAL;
    v->dev.sectors = m.w[0];
    v->dev.flags = (unsigned)m.w[2];
    return err;
}

static void hash_init(void)
{
    for (unsigned i = 0; i < HASH_SIZE; i++)
        hash[i] = NONE;
    hash_ready = true;
}

static centry_t *find(unsigned vol, uint32_t blockno)
{
    for (uint16_t i = hash[hash_of(vol, blockno)]; i != NONE; i = entries[i].next)
        if (entries[i].vol == vol && entries[i].blockno == blockno)
            return &entries[i];
    return NULL;
}

static void unhash(centry_t *e)
{
    uint16_t idx = (uint16_t)(e - entries);
    for (uint16_t *p = &hash[hash_of(e->vol, e->blockno)]; *p != NONE; p = &entries[*p].next)
        if (*p == idx) {
            *p = e->next;
            break;
        }
    e->valid = false;
}

/* Writes a dirty entry back; returns 0 or -1. */
static int write_back(centry_t *e)
{
    fs_vol_t *v = &fs_vols[e->vol];
    if (dev_block(v, BLK_OP_WRITE, e->blockno, v->bsize, data[e - entries]))
        return -1;
    e->dirty = false;
    return 0;
}

/* A free entry, evicting the least recently used one (written back first if dirty); NULL when
 * the victim cannot be written. */
static centry_t *evict(void)
{
    centry_t *victim = &entries[0];
    for (unsigned i = 0; i < CACHE_BLOCKS; i++) {
        if (!entries[i].valid)
            return &entries[i];
        if (entries[i].used < victim->used)
            victim = &entries[i];
    }
    if (victim->dirty && write_back(victim))
        return NULL;
    unhash(victim);
    return victim;
}

/* The entry of v's block blockno, read from the device when read is set and it is not cached. */
static centry_t *get(fs_vol_t *v, uint32_t blockno, bool read)
{
    if (!hash_ready)
        hash_init();
    centry_t *e = find(v->id, blockno);
    if (!e) {
        if (!(e = evict()))
            return NULL;
        if (read && dev_block(v, BLK_OP_READ, blockno, v->bsize, data[e - entries]))
            return NULL;
        *e = (centry_t){.valid = true, .vol = (uint8_t)v->id, .blockno = blockno};
        unsigned h = hash_of(v->id, blockno);
        e->next = hash[h];
        hash[h] = (uint16_t)(e - entries);
    }
    e->used = ++clock;
    return e;
}

int fs_cache_read(void *ctx, uint32_t blockno, uint32_t bsize, void *buf)
{
    fs_vol_t *v = ctx;
    if (bsize != v->bsize) /* mounting: not cached */
        return dev_block(v, BLK_OP_READ, blockno, bsize, buf);
    centry_t *e = get(v, blockno, true);
    if (!e)
        return -1;
    memcpy(buf, data[e - entries], bsize);
    return 0;
}

int fs_cache_write(void *ctx, uint32_t blockno, uint32_t bsize, const void *buf)
{
    fs_vol_t *v = ctx;
    if (bsize != v->bsize)
        return dev_block(v, BLK_OP_WRITE, blockno, bsize, (void *)buf);
    centry_t *e = get(v, blockno, false);
    if (!e)
        return -1;
    memcpy(data[e - entries], buf, bsize);
    e->dirty = true;
    return 0;
}

fs_err_t fs_cache_sync(fs_vol_t *v)
{
    fs_err_t err = FS_OK;
    for (unsigned i = 0; i < CACHE_BLOCKS; i++)
        if (entries[i].valid && entries[i].dirty && entries[i].vol == v->id &&
            write_back(&entries[i]))
            err = FS_EIO;
    xr_msg_t m = {.tag = XR_TAG(BLK_OP_FLUSH, 0, 0)};
    if (xr_call(v->dev.ep, &m) || XR_TAG_LABEL(m.tag))
        err = FS_EIO;
    return err;
}
