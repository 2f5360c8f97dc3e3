/* Interrupt lines as capabilities: a process holding an IRQ cap binds the line to a
 * notification, and every interrupt on the line signals it (how user-space drivers
 * hear their devices). Lines are edge-triggered, so no acknowledgement is needed. */
#include "ipc/ipc.h"
#include "kernel/log.h"
#include "kernel/syscall.h"

irq_line_t irq_lines[ARCH_IRQ_LINES];

void irq_init(void)
{
    for (unsigned i = 0; i < ARCH_IRQ_LINES; i++) {
        irq_lines[i].obj = (kobj_t){.type = XR_OBJ_IRQ, .is_static = true};
        irq_lines[i].line = i;
    }
}

kerr_t irq_bind(irq_line_t *irq, notification_t *n, uint64_t badge)
{
    if (irq->line >= arch_irq_lines())
        return XR_ENOENT;
    if (n && irq->ntfn)
        return XR_EBUSY;
    if (irq->ntfn) { /* unbind */
        arch_irq_route(irq->line, false);
        kobj_unref(&irq->ntfn->obj);
        irq->ntfn = NULL;
    }
    if (n) {
        kobj_ref(&n->obj); /* a bound notification lives while the line points at it */
        irq->ntfn = n;
        irq->badge = badge ? badge : 1;
        arch_irq_route(irq->line, true);
    }
    return XR_OK;
}

void kernel_irq(unsigned line)
{
    irq_line_t *irq = &irq_lines[line];
    irq->count++;
    if (irq->ntfn)
        notification_signal(irq->ntfn, irq->badge);
}

SYSCALL(irq_bind)
{
    kerr_t err;
    irq_line_t *irq = sys_object(a[0], XR_OBJ_IRQ, XR_RIGHT_WRITE, &err);
    if (!irq)
        return err;
    cap_slot_t *s = NULL;
    if (a[1] && !(s = sys_cap(process_current(), a[1], XR_OBJ_NOTIFICATION, XR_RIGHT_WRITE, &err)))
        return err;
    return irq_bind(irq, s ? s->object : NULL, s ? s->badge : 0);
}
