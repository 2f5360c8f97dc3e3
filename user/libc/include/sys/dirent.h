/* x-realism's <sys/dirent.h> (newlib's generic one is an #error): DIR and struct dirent for the
 * system layer's opendir/readdir (user/libc/dir.c), included by newlib's <dirent.h>. */
#ifndef _SYS_DIRENT_H
#define _SYS_DIRENT_H

#include <sys/types.h>

#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10

struct dirent {
    ino_t d_ino;
    unsigned char d_type; /* DT_* */
    char d_name[256];
};

typedef struct __xr_dir DIR;

#endif
