/* x-realism's <sys/stat.h>: newlib's, plus lstat, which newlib declares only for some systems
 * (the system layer implements it, user/libc/files.c). */
#ifndef XR_SYS_STAT_H
#define XR_SYS_STAT_H

#include_next <sys/stat.h>

int lstat(const char *__restrict path, struct stat *__restrict st);

#endif
