/* The IPC subsystem's start-up: each of its object types registers with the object
 * layer and makes its cache before any object exists (memory objects: mm/memobj.c). */
#include "ipc/ipc.h"

void ipc_init(void)
{
    endpoint_init();
    notification_init();
    irq_init();
}
