/* Error codes shared by the kernel and user space: 0 is success, the rest are positive. */
#ifndef XR_ERROR_H
#define XR_ERROR_H

#define XR_OK        0  /* success */
#define XR_EINVAL    1  /* an argument is malformed or out of range */
#define XR_ENOMEM    2  /* out of memory or over the caller's quota */
#define XR_EPERM     3  /* the capability lacks a right the call needs */
#define XR_EFAULT    4  /* a user pointer is bad */
#define XR_EBADCAP   5  /* the slot is empty or holds the wrong type */
#define XR_ENOSYS    6  /* no such system call */
#define XR_EAGAIN    7  /* would block, and the caller asked not to */
#define XR_EBUSY     8  /* the object or slot is in use */
#define XR_EEXIST    9  /* already mapped or already present */
#define XR_ENOENT    10 /* nothing there */
#define XR_ERANGE    11 /* a length or index is too large */
#define XR_EDEAD     12 /* the peer or object died */
#define XR_ECORRUPT  13 /* malformed data (an image or structure) */
#define XR_EDOUBLE   14 /* freed twice, or never allocated */
#define XR_ECANCELED 15 /* the call was dropped: its server took another without replying */
#define XR_NERRORS   16

#endif
