/* The smallest user program: prints a greeting, to check the user build and the loader. */
#include "xr.h"

int main(uint64_t arg)
{
    (void)arg;
    printf("hello from user space\n");
    return 0;
}
