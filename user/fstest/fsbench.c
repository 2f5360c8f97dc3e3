/* fsbench: guest-instruction costs of common fs operations (run with fstest=bench). */
#include "fstest.h"

int fsbench(void)
{
    printf("fsbench: not built yet\n");
    return 1;
}
