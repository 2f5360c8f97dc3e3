/* The FPU state switch used on the IPC fastpath, inline (arch/x86_64/fpu.c owns the state). */
#ifndef ARCH_X86_64_FPU_H
#define ARCH_X86_64_FPU_H

#include "lib/types.h"

extern bool use_xsave;
extern uint64_t xcr0;

/* Save the outgoing thread's FPU/SSE/AVX state and load the incoming one's. */
static inline void fpu_switch(void *from, const void *to)
{
    uint32_t lo = (uint32_t)xcr0, hi = (uint32_t)(xcr0 >> 32);
    if (use_xsave) {
        __asm__ volatile("xsave64 (%0)" ::"r"(from), "a"(lo), "d"(hi) : "memory");
        __asm__ volatile("xrstor64 (%0)" ::"r"(to), "a"(lo), "d"(hi) : "memory");
    } else {
        __asm__ volatile("fxsave64 (%0)\n\tfxrstor64 (%1)" ::"r"(from), "r"(to) : "memory");
    }
}

#endif
