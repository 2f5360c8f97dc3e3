/* uname(): the system's name and version (POSIX sys/utsname.h, which newlib lacks for bare
 * targets; user/libc/posix.c implements it). */
#ifndef XR_SYS_UTSNAME_H
#define XR_SYS_UTSNAME_H

#define XR_UTSNAME_LEN 65

struct utsname {
    char sysname[XR_UTSNAME_LEN];
    char nodename[XR_UTSNAME_LEN];
    char release[XR_UTSNAME_LEN];
    char version[XR_UTSNAME_LEN];
    char machine[XR_UTSNAME_LEN];
};

/* Fills *u ("x-realism", ..., "x86_64"); returns 0. */
int uname(struct utsname *u);

#endif
