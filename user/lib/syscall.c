/* The out-of-line system-call wrappers: those crt0.S calls, and the error-code names. */
#include "syscall.h"
#include "xr.h"

/* XR_SYS_EXIT does not return; the loop only guards against a kernel that lets it. */
void xr_exit(int code)
{
    for (;;)
        xr_syscall1(XR_SYS_EXIT, (uint64_t)(int64_t)code);
}

static const char *const error_names[XR_NERRORS] = {
    [XR_OK] = "XR_OK",           [XR_EINVAL] = "XR_EINVAL",
    [XR_ENOMEM] = "XR_ENOMEM",   [XR_EPERM] = "XR_EPERM",
    [XR_EFAULT] = "XR_EFAULT",   [XR_EBADCAP] = "XR_EBADCAP",
    [XR_ENOSYS] = "XR_ENOSYS",   [XR_EAGAIN] = "XR_EAGAIN",
    [XR_EBUSY] = "XR_EBUSY",     [XR_EEXIST] = "XR_EEXIST",
    [XR_ENOENT] = "XR_ENOENT",   [XR_ERANGE] = "XR_ERANGE",
    [XR_EDEAD] = "XR_EDEAD",     [XR_ECORRUPT] = "XR_ECORRUPT",
    [XR_EDOUBLE] = "XR_EDOUBLE", [XR_ECANCELED] = "XR_ECANCELED",
};

const char *xr_strerror(long err)
{
    if (err < 0 || err >= XR_NERRORS || error_names[err] == NULL)
        return "unknown error";
    return error_names[err];
}
