/* Power-off and reset through ACPI (the FADT's PM1 control blocks with the \_S5 sleep type,
 * and its reset register), with the legacy fall-backs where ACPI says nothing. */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

#include "lib/types.h"

/* Read the FADT and the DSDT's \_S5 through the boot information's RSDP; once, after mm_init
 * (the tables are read through the direct map). Prints one banner line. */
void power_init(void);
/* Reset the machine: the FADT's reset register, then the keyboard controller's reset line,
 * then a triple fault. Never returns. */
_Noreturn void power_reboot(void);

#endif
