/* The first program init starts: greets, then uses memory nobody mapped for it (a heap
 * page and a deep stack), which the pager provides on demand. */
#include "xr.h"

#define HEAP_BASE 0x10000000ul

static uint64_t deep(unsigned n)
{
    volatile uint8_t frame[2048];
    frame[0] = (uint8_t)n;
    return n ? deep(n - 1) + frame[0] : 0;
}

int main(uint64_t arg)
{
    (void)arg;
    printf("hello from user space\n");
    volatile uint64_t *heap = (volatile uint64_t *)HEAP_BASE;
    heap[0] = 42;            /* a page fault the pager answers with a zeroed page */
    heap[512] = 43;          /* the next page */
    uint64_t sum = deep(64); /* 128 KiB of stack: more than the 64 KiB it started with */
    printf("hello: heap %lu %lu, stack sum %lu: demand paging works\n", heap[0], heap[512], sum);
    return 0;
}
