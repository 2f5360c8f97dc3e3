/* Capability ABI shared by the kernel and user space: slot indexes, rights bits, object types. */
#ifndef XR_CAP_H
#define XR_CAP_H

#include <stdint.h>

/* A capability as user space names it: the index of a slot in its process's table. */
typedef uint32_t xr_cap_t;

/* Rights a cap grants on its object; a copy may have fewer, never more. */
#define XR_RIGHT_READ  1u /* receive, read, inspect */
#define XR_RIGHT_WRITE 2u /* send, write, modify */
#define XR_RIGHT_GRANT 4u /* pass caps through the object (cap transfer over IPC) */
#define XR_RIGHT_EXEC  8u /* map memory executable */
#define XR_RIGHTS_ALL  (XR_RIGHT_READ | XR_RIGHT_WRITE | XR_RIGHT_GRANT | XR_RIGHT_EXEC)

/* Kernel object types a cap can name. The numbers are ABI: append, never renumber. */
enum xr_obj_type {
    XR_OBJ_NONE = 0,          /* empty slot */
    XR_OBJ_UNTYPED_QUOTA = 1, /* a budget of kernel memory to create objects from */
    XR_OBJ_ENDPOINT = 2,      /* synchronous IPC endpoint (badgeable) */
    XR_OBJ_NOTIFICATION = 3,  /* asynchronous signal word (badgeable) */
    XR_OBJ_THREAD = 4,        /* a thread: suspend, resume, registers, priority */
    XR_OBJ_PROCESS = 5,       /* a process: its cap table and threads */
    XR_OBJ_ADDRSPACE = 6,     /* an address space: map and unmap memory */
    XR_OBJ_MEMORY = 7,        /* a memory object: frames that can be mapped */
    XR_OBJ_IOPORT = 8,        /* a range of x86 I/O ports */
    XR_OBJ_IRQ = 9,           /* an interrupt line, delivered through a notification */
    XR_OBJ_REPLY = 10,        /* a one-shot right to answer a call */
    XR_OBJ_COUNT              /* number of types, not a type */
};

_Static_assert(sizeof(xr_cap_t) == 4, "xr_cap_t travels in 32-bit message words");

#endif
