/* x86_64 page-table entry format, private to arch/x86_64. */
#ifndef ARCH_X86_64_PAGING_H
#define ARCH_X86_64_PAGING_H

#include "lib/types.h"

#define PTE_P     (1ul << 0)
#define PTE_W     (1ul << 1)
#define PTE_U     (1ul << 2)
#define PTE_PWT   (1ul << 3)
#define PTE_PCD   (1ul << 4)
#define PTE_A     (1ul << 5)
#define PTE_D     (1ul << 6)
#define PTE_PS    (1ul << 7)
#define PTE_G     (1ul << 8)
#define PTE_OWNED (1ul << 9) /* software bit: the mapping owns its frame (freed on unmap) */
#define PTE_NX    (1ul << 63)
#define PTE_ADDR  0x000ffffffffff000ul

#define PT_ENTRIES          512
#define PT_INDEX(va, level) (((va) >> (12 + 9 * (level))) & 0x1ff) /* level 3 = PML4 */

#endif
