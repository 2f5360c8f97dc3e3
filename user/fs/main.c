/* fs: the file-system server. Start-up (mount the volumes), a receive loop, a table of handlers. */
#include "fs.h"

#define XFER_VA   0x30000000ul /* volume i's transfer buffer at XFER_VA + i * 128 KiB */
#define CLIENT_VA 0x40000000ul /* client b's buffer at CLIENT_VA + b * 128 KiB (gaps between) */
#define VA_STRIDE 0x20000ul

fs_vol_t fs_vols[FS_VOLS];
fs_client_t fs_clients[FS_MAX_CLIENTS + 1];

/* Inode and superblock times: Unix seconds, from the C library's clock (lib/clock.c). */
static uint32_t now_unix(void *ctx)
{
    (void)ctx;
    return (uint32_t)(xr_clock_unix_us() / 1000000);
}

/* Connects volume i to its driver and mounts it; a missing driver leaves it unmounted. */
static void mount(unsigned i, const char *where)
{
    fs_vol_t *v = &fs_vols[i];
    v->id = i;
    v->where = where;
    long err = fs_dev_open(v, XFER_VA + i * VA_STRIDE);
    if (err) {
        if (i == 0 || err != XR_EBADCAP)
            printf("fs: no device for %s (%s)\n", where, xr_strerror(err));
        return;
    }
    ext2_dev_t dev = {.ctx = v,
                      .read_block = fs_cache_read,
                      .write_block = fs_cache_write,
                      .now = now_unix,
                      .size_bytes = v->dev.sectors * BLK_SECTOR};
    unsigned flags = v->dev.flags & BLK_F_RDONLY ? EXT2_MOUNT_RDONLY : 0;
    ext2_err_t e = ext2_mount(&v->ext2, &dev, flags);
    if (e) {
        printf("fs: cannot mount %s: %s\n", where, ext2_strerror(e));
        return;
    }
    v->bsize = v->ext2.bsize; /* from here on, blocks go through the cache */
    v->mounted = true;
    ext2_statfs_t st;
    ext2_statfs(&v->ext2, &st);
    printf("fs: mounted %s: %u blocks of %u bytes, %u free; %u inodes, %u free%s\n", where,
           st.blocks, st.bsize, st.free_blocks, st.inodes, st.free_inodes,
           v->ext2.readonly ? " (read-only)" : "");
}

/* HELLO: map the client's buffer (once) and start it afresh, without handles. */
static fs_err_t op_hello(fs_client_t *c, unsigned badge, xr_msg_t *m)
{
    if (m->w[0] != FS_PROTO_VERSION)
        return FS_EPROTO;
    uint64_t va = CLIENT_VA + badge * VA_STRIDE;
    for (uint64_t off = 0; !c->buf && off < FS_BUF_SIZE; off += 4096) {
        long err = xr_map_memory(FS_SLOT_SELF, FS_SLOT_BUF(badge), off, va + off, XR_MAP_WRITE);
        if (err && err != XR_EEXIST)
            return FS_EPROTO; /* init gave no buffer for this badge (or a short one) */
    }
    c->buf = (uint8_t *)va;
    memset(c->h, 0, sizeof(c->h));
    c->hello = true;
    m->w[0] = FS_BUF_SIZE;
    m->w[1] = FS_MAX_HANDLES;
    return FS_OK;
}

static fs_err_t op_bye(fs_client_t *c, xr_msg_t *m)
{
    (void)m;
    memset(c->h, 0, sizeof(c->h));
    return FS_OK;
}

static const fs_handler_t handlers[FS_OP_COUNT] = {
    [FS_OP_OPEN] = fs_op_open,           [FS_OP_CLOSE] = fs_op_close,
    [FS_OP_READ] = fs_op_read,           [FS_OP_WRITE] = fs_op_write,
    [FS_OP_PREAD] = fs_op_pread,         [FS_OP_PWRITE] = fs_op_pwrite,
    [FS_OP_SEEK] = fs_op_seek,           [FS_OP_FSTAT] = fs_op_fstat,
    [FS_OP_STAT] = fs_op_stat,           [FS_OP_READDIR] = fs_op_readdir,
    [FS_OP_MKDIR] = fs_op_mkdir,         [FS_OP_RMDIR] = fs_op_rmdir,
    [FS_OP_UNLINK] = fs_op_unlink,       [FS_OP_LINK] = fs_op_link,
    [FS_OP_RENAME] = fs_op_rename,       [FS_OP_SYMLINK] = fs_op_symlink,
    [FS_OP_READLINK] = fs_op_readlink,   [FS_OP_TRUNCATE] = fs_op_truncate,
    [FS_OP_FTRUNCATE] = fs_op_ftruncate, [FS_OP_CHMOD] = fs_op_chmod,
    [FS_OP_FSYNC] = fs_op_fsync,         [FS_OP_SYNC] = fs_op_sync,
    [FS_OP_STATFS] = fs_op_statfs,       [FS_OP_BYE] = op_bye,
};

/* How many reply words each operation defines; the others are sent as 0. */
static const uint8_t reply_words[FS_OP_COUNT] = {
    [FS_OP_HELLO] = 2,  [FS_OP_OPEN] = 1,     [FS_OP_READ] = 1, [FS_OP_WRITE] = 1,
    [FS_OP_PREAD] = 1,  [FS_OP_PWRITE] = 1,   [FS_OP_SEEK] = 1, [FS_OP_READDIR] = 2,
    [FS_OP_STATFS] = 4, [FS_OP_READLINK] = 1,
};

/* Decodes one request (who sent it, which operation, in what shape) and runs its handler. */
static fs_err_t dispatch(xr_msg_t *m)
{
    uint64_t op = XR_TAG_LABEL(m->tag), badge = m->badge;
    if (badge == 0 || badge > FS_MAX_CLIENTS || XR_TAG_CAPS(m->tag))
        return FS_EPROTO;
    fs_client_t *c = &fs_clients[badge];
    if (op == FS_OP_HELLO)
        return op_hello(c, (unsigned)badge, m);
    if (op >= FS_OP_COUNT || !handlers[op])
        return FS_ENOSYS;
    if (!c->hello)
        return FS_ENOTCONN;
    for (unsigned i = XR_TAG_LEN(m->tag); i < XR_MSG_REGS; i++)
        m->w[i] = 0; /* words the client did not send read as 0, whatever the registers held */
    return handlers[op](c, m);
}

int main(uint64_t arg)
{
    (void)arg;
    while (xr_cap_identify(FS_SLOT_EP, NULL, NULL) != XR_OK)
        xr_sleep_us(1000); /* init gives the endpoint last */
    mount(0, "/");
    mount(1, "/disk");
    printf("fs: serving\n");
    xr_msg_t m = {0};
    long err = xr_recv(FS_SLOT_EP, &m);
    for (;;) {
        fs_err_t status = err ? FS_EPROTO : dispatch(&m);
        uint64_t op = XR_TAG_LABEL(m.tag);
        unsigned keep = status || op >= FS_OP_COUNT ? 0 : reply_words[op];
        for (unsigned i = keep; i < XR_MSG_REGS; i++)
            m.w[i] = 0;
        m.tag = XR_TAG(status, 0, 4);
        err = xr_reply_recv(FS_SLOT_EP, &m);
    }
}
