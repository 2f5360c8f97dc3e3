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
/* test=fs: starts the services and fstest, waits for it (10 minutes at most); 0 if it passed. */
int svc_run_fstest(void);

#endif
