/* The memory manager's public interface: physical frames in three pools, kernel
 * object caches, kernel stacks with guard pages, and user address spaces with quotas. */
#ifndef MM_MM_H
#define MM_MM_H

#include "arch/arch.h"
#include "kernel/spinlock.h"
#include "lib/types.h"
#include "mm/slab.h"

/* ---- frames (mm/frame.c) ---- */
typedef enum mm_pool {
    MM_POOL_KERNEL, /* kernel objects and kernel stacks */
    MM_POOL_PT,     /* page tables only, apart from user frames by the guard gap */
    MM_POOL_USER,   /* frames mapped into user address spaces */
    MM_POOLS
} mm_pool_t;

typedef struct mm_pool_stats {
    uint64_t base, end;   /* physical range of the pool */
    uint64_t total, free; /* frames */
    uint64_t bad_frees;   /* double frees and frees of frames never allocated */
} mm_pool_stats_t;

/* Physical memory as the boot loader described it: the usable RAM, and the ranges in it
 * to keep (modules, the boot information). kmain builds it from the multiboot2 tags. */
typedef struct mm_range {
    uint64_t start, end; /* bytes, end excluded */
} mm_range_t;
typedef struct mm_boot_memory {
    const mm_range_t *ram;
    unsigned ram_count;
    const mm_range_t *keep;
    unsigned keep_count;
} mm_boot_memory_t;

/* Set up the pools from the boot memory (low memory, the kernel image and the ranges to
 * keep reserved), then the kernel's page tables (isolate: page-table isolation is on, so
 * no global kernel mappings). Called once by kmain. */
void mm_init(const mm_boot_memory_t *boot, bool isolate);
/* Allocate 2^order zeroed frames from pool; returns the physical address or 0. Takes the pool lock.
 */
uint64_t mm_frame_alloc(mm_pool_t pool, unsigned order);
/* Free frames from mm_frame_alloc. A double free or a free of a frame never allocated
 * panics in debug builds (unless mm_bad_free_tolerate is set, for the tests) and is
 * counted and ignored otherwise; returns XR_OK or XR_EDOUBLE. */
kerr_t mm_frame_free(mm_pool_t pool, uint64_t phys, unsigned order);
void mm_pool_stats(mm_pool_t pool, mm_pool_stats_t *out);
/* Free frames over all pools. */
uint64_t mm_frames_free(void);
/* The pool whose address range holds phys, or MM_POOLS. */
mm_pool_t mm_pool_of(uint64_t phys);
/* True for memory kept from the allocator at boot (low memory, the kernel image, the
 * boot information, modules, the allocator's own records). */
bool mm_frame_reserved(uint64_t phys);
extern bool mm_bad_free_tolerate;
/* Set up the address-space cache and the memory-object type; once, after mm_init and
 * before any address space or process is made. */
void mm_objects_init(void);
/* Page-table frames for the kernel's own tables (from the page-table pool, uncharged). */
extern const pt_ops_t mm_kernel_pt_ops;

/* ---- kernel object caches (mm/kheap.c) ---- */
typedef struct kcache {
    spinlock_t lock;
    slab_cache_t slab;
} kcache_t;
/* Create a cache for one object type of a subsystem; its slabs come from the kernel
 * pool and are never shared with another cache. Debug builds poison and red-zone, and
 * misuse panics (kheap_report_count: count in kheap_reports instead, for the tests). */
kerr_t mm_cache_create(kcache_t *c, const char *name, size_t size);
/* One object (contents undefined) or NULL. Takes the cache's lock. */
void *mm_cache_alloc(kcache_t *c);
/* XR_OK, or XR_EINVAL/XR_EDOUBLE for a pointer that is not a live object of c. */
kerr_t mm_cache_free(kcache_t *c, void *obj);
/* Frames held by all caches (objects in use, and spare slabs). */
uint64_t mm_cache_pages(void);
/* A table of every cache, for the tests. */
unsigned mm_cache_count(void);
kcache_t *mm_cache_get(unsigned i);
extern uint64_t kheap_reports;
extern bool kheap_report_count;

/* ---- kernel stacks (mm/kstack.c) ---- */
#define KSTACK_PAGES 4
/* A kernel stack of KSTACK_PAGES pages with an unmapped guard page below it; returns
 * the top (initial stack pointer), or 0 when out of memory. */
uint64_t mm_kstack_alloc(void);
void mm_kstack_free(uint64_t top);
/* How many kernel stacks can exist at once. */
unsigned mm_kstack_slots(void);

/* ---- address spaces (mm/as.c) ---- */
/* A memory quota in frames. Every frame a user action makes the kernel allocate (page
 * tables, user frames, kernel objects, kernel stacks) is charged to one, against its
 * total limit and, for the two small pools (kernel, page-table), also against that
 * pool's own limit: so no process can empty a small pool that others need. A child's
 * limits are carved from its parent's (the total from the total, each pool limit from
 * the same pool limit), and init's from what the pools hold at boot, so the limits of
 * all live processes fit in the pools. The user pool has no limit of its own (the
 * total bounds it). */
typedef struct mm_quota {
    uint64_t limit, used;                               /* all pools together */
    uint64_t pool_limit[MM_POOLS], pool_used[MM_POOLS]; /* pool_limit[MM_POOL_USER] unused */
} mm_quota_t;
/* Charge frames of pool to q: XR_ENOMEM (nothing charged) when over a limit. */
kerr_t mm_quota_charge(mm_quota_t *q, mm_pool_t pool, uint64_t frames);
void mm_quota_uncharge(mm_quota_t *q, mm_pool_t pool, uint64_t frames);
/* Carve child's limits out of q (all or nothing, XR_ENOMEM), and give them back. */
kerr_t mm_quota_carve(mm_quota_t *q, const mm_quota_t *child);
void mm_quota_return(mm_quota_t *q, const mm_quota_t *child);

typedef struct mm_as {
    uint64_t root;      /* kernel-view PML4 (even page of an 8 KiB pair) */
    uint64_t user_root; /* user-view PML4 (root + 4096); used when kpti=1 */
    unsigned pcid;
    bool tlb_stale;    /* entries of this PCID may be stale: flush at the next switch */
    uint64_t cr3;      /* arch_root_value(root, pcid) once mm_as_switch has run; 0 before and
                        * while tlb_stale: the fastpath's switch then takes mm_as_switch */
    mm_quota_t *quota; /* page tables from MM_POOL_PT, owned frames from MM_POOL_USER */
    uint64_t tables;   /* page-table frames held, the root pair included */
    uint64_t map_gen;  /* bumped by every unmap and protect: translations cached elsewhere
                        * (a thread's IPC buffer) stay valid while it is unchanged */
    uint64_t frames;   /* owned user frames mapped */
} mm_as_t;

/* The end of user mappings: the last page below the canonical boundary stays unmapped, so
 * no syscall instruction can end there and return to a non-canonical address. */
#define MM_USER_END 0x00007ffffffff000ul

/* Create an address space charged to quota (its root pair: two page-table frames). */
mm_as_t *mm_as_create(mm_quota_t *quota);
/* Unmap everything, free every table and owned frame, uncharge, free the object. */
void mm_as_destroy(mm_as_t *as);
/* Map the frame pa (not owned: the caller keeps it) at the user address va. flags:
 * PTF_WRITE, PTF_EXEC, never both. XR_EINVAL for a kernel or unaligned va, an unknown
 * flag, or a frame of the kernel pool, the page-table pool or the kernel image;
 * XR_EEXIST if mapped; XR_ENOMEM over quota. */
kerr_t mm_as_map(mm_as_t *as, uint64_t va, uint64_t pa, unsigned flags);
/* Allocate a zeroed user frame (charged, owned: freed on unmap) and map it at va. */
kerr_t mm_as_map_new(mm_as_t *as, uint64_t va, unsigned flags);
kerr_t mm_as_unmap(mm_as_t *as, uint64_t va);
kerr_t mm_as_protect(mm_as_t *as, uint64_t va, unsigned flags);
kerr_t mm_as_query(mm_as_t *as, uint64_t va, uint64_t *pa, unsigned *flags);
/* Run on as (the kernel's own tables when as is NULL). */
void mm_as_switch(mm_as_t *as);
/* The address space whose tables are loaded. */
/* Each CPU's is the last word of its per-CPU hot area (arch_cpu_hot), which the scheduler's
 * sched_hot_t leaves free: one instruction through GS for the fastpath. */
#define MM_HOT_LOADED ((ARCH_CPU_HOT_WORDS - 1) * 8)
static inline mm_as_t *mm_as_current(void)
{
    return arch_cpu_hot_read64(MM_HOT_LOADED);
}
/* CPU cpu's (any CPU's; the shootdown reads the others'). */
static inline mm_as_t *volatile *mm_loaded_of(unsigned cpu)
{
    return (mm_as_t *volatile *)((char *)arch_cpu_hot_of(cpu) + MM_HOT_LOADED);
}
/* mm_as_switch for the IPC fastpath: with nothing to flush, the precomputed value goes
 * straight to arch_switch_root_fast (one CR3 write, none with page-table isolation). */
static inline void mm_as_switch_fast(mm_as_t *as)
{
    uint64_t cr3 = as->cr3;
    if (unlikely(!cr3)) { /* a flush owed: the general switch, called without a frame */
        arch_call_saving_all((void *)mm_as_switch, as);
    } else if (!arch_cpu_hot_is64(MM_HOT_LOADED, as)) {
        arch_cpu_hot_write64(MM_HOT_LOADED, as);
        arch_switch_root_fast(cr3);
    }
}

/* ---- TLB shootdown (mm/tlb.c) ---- */
/* With several CPUs: make every other CPU that has as loaded (as NULL: every other CPU)
 * drop its stale translations before this returns: a flush, or (drop) leaving as for the
 * kernel's own tables, as its page tables are about to be freed. Kernel lock held. */
void mm_tlb_shootdown(mm_as_t *as, bool drop);
extern uint64_t mm_tlb_shootdowns; /* requests sent, for XR_INFO_SHOOTDOWNS */
/* Carry out this CPU's pending shootdown request, if any; returns true when it dropped an
 * address space the interrupted code ran on. Lock-free: from the TLB interrupt and from
 * the kernel lock's spin. */
bool mm_tlb_poll(void);
/* Address spaces alive, for leak checks. */
uint64_t mm_as_count(void);

#endif
