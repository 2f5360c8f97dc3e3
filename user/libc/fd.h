/* Private header of the system layer's descriptors (user/libc): open file descriptions, the
 * per-process table, and what files.c, pipe.c, console.c and proc.c offer each other.
 * Lock: fd_lock guards the table and every description's reference count; fs_lock (files.c)
 * serialises use of the fs attachment. Order: fd_lock before fs_lock. */
#ifndef XR_USER_LIBC_FD_H
#define XR_USER_LIBC_FD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "user/init/init_proto.h"
#include "xr/cap.h"

#define FD_MAX 64 /* OPEN_MAX: descriptors per process */

enum ofd_kind { OFD_CONSOLE = 1, OFD_FILE, OFD_DIR, OFD_PIPE_R, OFD_PIPE_W };

struct xr_pipe; /* pipe.c */

/* An open file description: what open() made, shared by dup'd descriptors. */
typedef struct ofd {
    int refs;
    enum ofd_kind kind;
    int oflags;           /* O_ACCMODE | O_APPEND | O_NONBLOCK */
    long handle;          /* OFD_FILE, OFD_DIR: the fs handle, tagged (files_open_abs) */
    char *path;           /* OFD_FILE, OFD_DIR: the absolute path (malloc'd), for children */
    struct xr_pipe *pipe; /* OFD_PIPE_*: the mapped pipe */
} ofd_t;

/* The description behind fd, or NULL (errno EBADF). Takes no reference. */
ofd_t *fd_get(int fd);
/* Puts a new description of kind into the lowest free descriptor >= min; returns it, or -1 with
 * errno EMFILE (the description is then freed) or ENOMEM. */
int fd_install(ofd_t *o, int min);
/* A zeroed description with one reference, or NULL (ENOMEM). */
ofd_t *ofd_new(enum ofd_kind kind, int oflags);
/* Closes every descriptor (at exit). */
void fd_close_all(void);
/* Start-up: descriptors from the spawn page, else the console on 0, 1 and 2. */
void fd_init(void);
/* Whether fd is marked close-on-exec (spawn leaves it out of the child). */
bool fd_cloexec(int fd);

/* files.c */
int sys_fs_errno(long fs_err);                               /* a negative fs error as an errno */
int files_resolve(const char *path, char *out, size_t size); /* absolute, clean; -1 + errno */
/* The fs handle tagged with the attachment's generation (a restart of fs makes it stale: EIO), or
 * -errno. */
long files_open_abs(const char *abs, int oflags, unsigned mode, bool dir);
int files_close(ofd_t *o);
ssize_t files_read(ofd_t *o, void *buf, size_t n);
ssize_t files_write(ofd_t *o, const void *buf, size_t n);
off_t files_lseek(ofd_t *o, off_t off, int whence);
int files_fstat(ofd_t *o, struct stat *st);
const char *files_cwd(void);
/* The next READDIR batch of directory handle t (tagged) copied to out; bytes, 0 at the end, -1 +
 * errno. */
long files_readdir(long t, void *out, size_t size);
void files_set_cwd(const char *abs);

/* pipe.c */
ssize_t pipe_read(ofd_t *o, void *buf, size_t n);
ssize_t pipe_write(ofd_t *o, const void *buf, size_t n);
void pipe_close(ofd_t *o);
/* Adds one reference to o's end for a child that inherits it, and the memory cap's slot. */
xr_cap_t pipe_share(ofd_t *o);
/* Takes back a reference pipe_share gave, when the child was not started after all. */
void pipe_unshare(ofd_t *o);
/* Adopts the pipe whose memory cap is in slot (a child's start): a description, or NULL. */
ofd_t *pipe_adopt(xr_cap_t slot, bool write_end);

/* console.c */
ssize_t console_read(void *buf, size_t n);
ssize_t console_write(const void *buf, size_t n);

/* proc.c */
/* A free slot of the caller's cap table (PROC_SLOT_DYNAMIC..255), or 0 when none is. */
xr_cap_t slot_alloc(void);
void slot_free(xr_cap_t slot);
/* The spawn page, or NULL when the program was started without one. */
const proc_spawn_t *proc_spawn_info(void);
/* Calls init (label op, words w, replies into w); an XR_* code (XR_EBADCAP with no init cap). */
long proc_init_call(unsigned op, uint64_t w[4]);

#endif
