/* init's service start-up: block drivers, fs, and fs attachments for the programs init runs. */
#ifndef USER_INIT_SERVICES_H
#define USER_INIT_SERVICES_H

#include "init.h"

/* Starts ramdisk (serving module "rootfs"), ata when the command line says disk=N (N = 0..3:
 * primary master, primary slave, secondary master, secondary slave), and fs over them. Returns
 * an XR_* code (a missing ata driver is only reported). */
long svc_start_fs(void);
/* Gives process proc an attachment to fs: a new badge's endpoint cap (W) in ep_slot and a new
 * shared buffer in buf_slot (fs gets the same buffer for that badge). XR_ENOMEM when the
 * FS_MAX_CLIENTS badges are used up. */
long svc_give_fs(xr_cap_t proc, xr_cap_t ep_slot, xr_cap_t buf_slot);
#define SVC_OWNER_FOREVER (-1)
/* As svc_give_fs, for owner: a pid whose badge svc_release_fs(pid) hands back for reuse, or
 * SVC_OWNER_FOREVER. A free badge used before is given again with the same buffer. */
long svc_give_fs_to(int owner, xr_cap_t proc, xr_cap_t ep_slot, xr_cap_t buf_slot);
/* Frees every badge owner holds (its process has ended). */
void svc_release_fs(int owner);
/* fs's status word (xr_process_status). */
long svc_fs_alive(uint64_t *status);
/* Starts fs again on the same endpoint, with every badge's buffer: clients keep their caps. */
long svc_restart_fs(void);
/* The process cap slot of a service services.c started ("ramdisk", "ata", "fs"), or 0. */
xr_cap_t svc_proc_slot(const char *name);
/* The normal boot's service manager (manager.c): starts the services of /etc/services, then
 * serves init's protocol (init_proto.h) and supervises for ever. */
_Noreturn void svc_manage(void);
/* test=fs: starts the services and fstest, waits for it (10 minutes at most); 0 if it passed. */
int svc_run_fstest(void);

#endif
