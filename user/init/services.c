/* init's service start-up: the block drivers and fs, and programs given attachments to fs. */
#include "services.h"

#include "user/drivers/blk.h"
#include "user/fs/fs_proto.h"

/* init's slots for the services (32..59 are free of tests and the pager). */
#define S_RD_PROC    32
#define S_RD_THREAD  33
#define S_RD_EP      34
#define S_RD_BUF     35
#define S_ATA_PROC   36
#define S_ATA_THREAD 37
#define S_ATA_EP     38
#define S_ATA_BUF    39
#define S_FS_PROC    40
#define S_FS_THREAD  41
#define S_FS_EP      42
#define S_TMP        43
#define S_TMP2       44

#define S_BADGE_BUF(b) (195 + (b)) /* init keeps each badge's buffer, to hand the badge on */

/* Who holds each fs badge: 0 free, SVC_OWNER_FOREVER for a program init never takes it back
 * from, else the pid of a registered process (released when it ends). */
static int badge_owner[FS_MAX_CLIENTS + 1];

static long module_cap(const char *name, xr_cap_t *cap, uint64_t *size)
{
    for (uint32_t i = 0; i < init_bootinfo->module_count; i++)
        if (strcmp(init_bootinfo->modules[i].name, name) == 0) {
            *cap = init_bootinfo->modules[i].cap;
            *size = init_bootinfo->modules[i].size;
            return XR_OK;
        }
    return XR_ENOENT;
}

/* Spawns module name (quota frames, priority prio, argument arg) at proc/thread. */
static long spawn(const char *name, uint64_t quota, uint64_t arg, int prio, xr_cap_t proc,
                  xr_cap_t thread)
{
    size_t size;
    const void *image = init_module(name, &size);
    return image ? xr_spawn_elf(image, size, quota, arg, prio, proc, thread) : XR_ENOENT;
}

/* Starts a block driver: its process, an endpoint (ep) and a transfer buffer (buf), of which
 * the driver gets its own process (W), the buffer and, last, the endpoint (R). */
static long start_driver(const char *name, uint64_t quota, uint64_t arg, xr_cap_t base)
{
    xr_cap_t proc = base, ep = base + 2, buf = base + 3;
    long err = spawn(name, quota, arg, 170, proc, base + 1);
    err = err ? err : xr_endpoint_create(ep);
    err = err ? err : xr_memory_create(BLK_BUF_PAGES, buf);
    err = err ? err : xr_process_give_cap(proc, proc, BLK_SLOT_SELF, XR_RIGHT_WRITE);
    err = err ? err : xr_process_give_cap(proc, buf, BLK_SLOT_BUF, XR_RIGHT_READ | XR_RIGHT_WRITE);
    return err;
}

static long start_ramdisk(void)
{
    xr_cap_t image;
    uint64_t size;
    long err = module_cap("rootfs", &image, &size);
    err = err ? err : start_driver("ramdisk", size / 4096 + 64, size, S_RD_PROC);
    err = err ? err : xr_process_give_cap(S_RD_PROC, image, BLK_SLOT_IMAGE, XR_RIGHT_READ);
    return err ? err : xr_process_give_cap(S_RD_PROC, S_RD_EP, BLK_SLOT_EP, XR_RIGHT_READ);
}

/* The ATA driver for drive (0..3) gets the I/O ports and its channel's interrupt line. The
 * kernel's I/O-port cap cannot be narrowed to a range, so it gets all of them. */
static long start_ata(unsigned drive)
{
    unsigned line = drive < 2 ? 14 : 15;
    long err = start_driver("ata", 64, drive, S_ATA_PROC);
    err = err ? err
              : xr_process_give_cap(S_ATA_PROC, XR_SLOT_IOPORTS, BLK_SLOT_IOPORTS,
                                    XR_RIGHT_READ | XR_RIGHT_WRITE);
    err = err ? err
              : xr_process_give_cap(S_ATA_PROC, XR_SLOT_FIRST_IRQ + line, BLK_SLOT_IRQ,
                                    XR_RIGHT_WRITE);
    return err ? err : xr_process_give_cap(S_ATA_PROC, S_ATA_EP, BLK_SLOT_EP, XR_RIGHT_READ);
}

/* The drive named by "disk=N" on the command line, or -1. */
static int disk_drive(void)
{
    for (int d = 0; d < 4; d++) {
        char word[8] = "disk=0";
        word[5] = (char)('0' + d);
        if (init_cmdline_has(word))
            return d;
    }
    return -1;
}

static long give_fs_devices(void);

long svc_start_fs(void)
{
    int drive = disk_drive();
    long err = start_ramdisk();
    if (err)
        return err;
    if (drive >= 0 && (err = start_ata((unsigned)drive)))
        printf("init: no ata driver (%s)\n", xr_strerror(err));
    err = spawn("fs", 1024, 0, 160, S_FS_PROC, S_FS_THREAD);
    err = err ? err : xr_endpoint_create(S_FS_EP);
    err = err ? err : give_fs_devices();
    return err ? err : xr_process_give_cap(S_FS_PROC, S_FS_EP, FS_SLOT_EP, XR_RIGHT_READ);
}

/* fs's own cap and its volumes' drivers and buffers (all but the endpoint). */
static long give_fs_devices(void)
{
    int drive = disk_drive();
    long err = xr_process_give_cap(S_FS_PROC, S_FS_PROC, FS_SLOT_SELF, XR_RIGHT_WRITE);
    err = err ? err : xr_process_give_cap(S_FS_PROC, S_RD_EP, FS_SLOT_DEV_EP(0), XR_RIGHT_WRITE);
    err = err ? err
              : xr_process_give_cap(S_FS_PROC, S_RD_BUF, FS_SLOT_DEV_BUF(0),
                                    XR_RIGHT_READ | XR_RIGHT_WRITE);
    if (!err && drive >= 0 && xr_cap_identify(S_ATA_EP, NULL, NULL) == XR_OK) {
        err = xr_process_give_cap(S_FS_PROC, S_ATA_EP, FS_SLOT_DEV_EP(1), XR_RIGHT_WRITE);
        err = err ? err
                  : xr_process_give_cap(S_FS_PROC, S_ATA_BUF, FS_SLOT_DEV_BUF(1),
                                        XR_RIGHT_READ | XR_RIGHT_WRITE);
    }
    return err;
}

long svc_give_fs(xr_cap_t proc, xr_cap_t ep_slot, xr_cap_t buf_slot)
{
    return svc_give_fs_to(SVC_OWNER_FOREVER, proc, ep_slot, buf_slot);
}

long svc_give_fs_to(int owner, xr_cap_t proc, xr_cap_t ep_slot, xr_cap_t buf_slot)
{
    unsigned b = 1;
    while (b <= FS_MAX_CLIENTS && badge_owner[b] != 0)
        b++;
    if (b > FS_MAX_CLIENTS)
        return XR_ENOMEM;
    long err = XR_OK;
    /* A badge used before keeps its buffer: fs has it mapped already, and the new holder's
     * HELLO closes what the old one left open. */
    if (xr_cap_identify(S_BADGE_BUF(b), NULL, NULL) != XR_OK) {
        err = xr_memory_create(FS_BUF_PAGES, S_BADGE_BUF(b));
        err = err ? err
                  : xr_process_give_cap(S_FS_PROC, S_BADGE_BUF(b), FS_SLOT_BUF(b),
                                        XR_RIGHT_READ | XR_RIGHT_WRITE);
    }
    err = err ? err : xr_cap_copy(S_FS_EP, S_TMP, XR_RIGHT_WRITE, b);
    err = err ? err
              : xr_process_give_cap(proc, S_BADGE_BUF(b), buf_slot, XR_RIGHT_READ | XR_RIGHT_WRITE);
    err = err ? err : xr_process_give_cap(proc, S_TMP, ep_slot, XR_RIGHT_WRITE);
    xr_cap_delete(S_TMP); /* the copy lives on in the client */
    if (!err)
        badge_owner[b] = owner;
    return err;
}

void svc_release_fs(int owner)
{
    for (unsigned b = 1; b <= FS_MAX_CLIENTS; b++)
        if (badge_owner[b] == owner)
            badge_owner[b] = 0;
}

long svc_fs_alive(uint64_t *status)
{
    return xr_process_status(S_FS_PROC, status);
}

long svc_restart_fs(void)
{
    xr_cap_delete(S_FS_THREAD);
    xr_cap_delete(S_FS_PROC);
    long err = spawn("fs", 1024, 0, 160, S_FS_PROC, S_FS_THREAD);
    err = err ? err : give_fs_devices();
    /* Every badge's buffer again: clients keep their caps and say HELLO anew. */
    for (unsigned b = 1; !err && b <= FS_MAX_CLIENTS; b++)
        if (xr_cap_identify(S_BADGE_BUF(b), NULL, NULL) == XR_OK)
            err = xr_process_give_cap(S_FS_PROC, S_BADGE_BUF(b), FS_SLOT_BUF(b),
                                      XR_RIGHT_READ | XR_RIGHT_WRITE);
    return err ? err : xr_process_give_cap(S_FS_PROC, S_FS_EP, FS_SLOT_EP, XR_RIGHT_READ);
}

/* test=fs: starts the services, then fstest with four attachments (endpoint caps in its slots
 * 10..13, buffers in 20..23) and its own process cap in slot 1 (last: fstest waits for it). */
int svc_run_fstest(void)
{
    uint64_t arg = (disk_drive() >= 0 ? 2 : 0) | (init_cmdline_has("fstest=readback") ? 1 : 0) |
                   (init_cmdline_has("fstest=bench") ? 4 : 0) |
                   (init_cmdline_has("fstest=lab") ? 8 : 0); /* labs' tests: docs/labs/lab7.md */
    long err = svc_start_fs();
    err = err ? err : spawn("fstest", 2048, arg, 100, INIT_SLOT_PROC, INIT_SLOT_THREAD);
    for (unsigned i = 0; !err && i < 4; i++)
        err = svc_give_fs(INIT_SLOT_PROC, 10 + i, 20 + i);
    err = err ? err : xr_process_give_cap(INIT_SLOT_PROC, INIT_SLOT_PROC, 1, XR_RIGHT_WRITE);
    uint64_t st = 0;
    for (int i = 0; !err && i < 6000; i++) {
        xr_process_status(INIT_SLOT_PROC, &st);
        if (xr_status_state(st) != XR_PROC_RUNNING)
            break;
        xr_sleep_us(100000);
    }
    printf("init: fstest %s (status %lx)\n", err ? xr_strerror(err) : "ended", st);
    return !err && xr_status_state(st) == XR_PROC_EXITED && xr_status_code(st) == 0 ? 0 : 1;
}

xr_cap_t svc_proc_slot(const char *name)
{
    if (strcmp(name, "ramdisk") == 0)
        return S_RD_PROC;
    if (strcmp(name, "ata") == 0)
        return xr_cap_identify(S_ATA_PROC, NULL, NULL) == XR_OK ? S_ATA_PROC : 0;
    if (strcmp(name, "fs") == 0)
        return S_FS_PROC;
    return 0;
}
