/* Self-tests of the memory manager: frame pools, bad frees, slab isolation and misuse
 * detection, mappings, W^X of the kernel, page-table pool separation, quotas, leaks. */
#include "config.h"
#include "kernel/kernel.h"
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "mm/mm.h"

extern const char _text_start[], _text_end[], _data_start[], _kernel_end[];
extern const char trap_stubs_start[];
#define TEST_VA 0x0000000040000000ul

KTEST(mm, frame_alloc_free_counts)
{
    mm_pool_stats_t before, during, after;
    mm_pool_stats(MM_POOL_KERNEL, &before);
    uint64_t a = mm_frame_alloc(MM_POOL_KERNEL, 0), b = mm_frame_alloc(MM_POOL_KERNEL, 3);
    KT_ASSERT(a && b && (b % (8 * PAGE_SIZE)) == 0);
    KT_EQ(mm_pool_of(a), MM_POOL_KERNEL);
    mm_pool_stats(MM_POOL_KERNEL, &during);
    KT_EQ(during.free, before.free - 9);
    KT_EQ(mm_frame_free(MM_POOL_KERNEL, a, 0), XR_OK);
    KT_EQ(mm_frame_free(MM_POOL_KERNEL, b, 3), XR_OK);
    mm_pool_stats(MM_POOL_KERNEL, &after);
    KT_EQ(after.free, before.free);
}

KTEST(mm, frame_4mib_block)
{
    uint64_t big = mm_frame_alloc(MM_POOL_USER, 10);
    KT_ASSERT(big && big % (4ul << 20) == 0);
    const uint8_t *p = arch_phys_to_virt(big);
    KT_ASSERT(p[0] == 0 && p[(4ul << 20) - 1] == 0); /* handed out zeroed */
    KT_EQ(mm_frame_free(MM_POOL_USER, big, 10), XR_OK);
}

KTEST(mm, double_free_detected)
{
    mm_pool_stats_t before, after;
    uint64_t a = mm_frame_alloc(MM_POOL_USER, 0);
    KT_ASSERT(a);
    KT_EQ(mm_frame_free(MM_POOL_USER, a, 0), XR_OK);
    mm_pool_stats(MM_POOL_USER, &before);
    mm_bad_free_tolerate = true;
    kerr_t twice = mm_frame_free(MM_POOL_USER, a, 0);
    kerr_t never = mm_frame_free(MM_POOL_USER, arch_virt_to_phys(_text_start), 0);
    kerr_t wrong_order = XR_OK;
    uint64_t c = mm_frame_alloc(MM_POOL_USER, 1);
    if (c)
        wrong_order = mm_frame_free(MM_POOL_USER, c, 0);
    mm_bad_free_tolerate = false;
    if (c)
        mm_frame_free(MM_POOL_USER, c, 1);
    mm_pool_stats(MM_POOL_USER, &after);
    KT_EQ(twice, XR_EDOUBLE);
    KT_EQ(never, XR_EDOUBLE);
    KT_EQ(wrong_order, XR_EDOUBLE);
    KT_EQ(after.free, before.free);
    KT_EQ(after.bad_frees, before.bad_frees + 3);
}

static kcache_t test_cache_a, test_cache_b;

static bool test_caches(void)
{
    if (!test_cache_a.slab.name && (mm_cache_create(&test_cache_a, "test.a", 48) ||
                                    mm_cache_create(&test_cache_b, "test.b", 48)))
        return false;
    return true;
}

KTEST(mm, slab_caches_never_share_pages)
{
    KT_ASSERT(test_caches());
    void *a[64], *b[64];
    for (int i = 0; i < 64; i++) {
        a[i] = mm_cache_alloc(&test_cache_a);
        b[i] = mm_cache_alloc(&test_cache_b);
        KT_ASSERT(a[i] && b[i]);
    }
    for (int i = 0; i < 64; i++)
        for (int j = 0; j < 64; j++)
            KT_ASSERT(((uint64_t)a[i] >> 12) != ((uint64_t)b[j] >> 12));
    for (int i = 0; i < 64; i++) {
        KT_EQ(mm_cache_free(&test_cache_a, a[i]), XR_OK);
        KT_EQ(mm_cache_free(&test_cache_b, b[i]), XR_OK);
    }
    KT_ASSERT(slab_check(&test_cache_a.slab) && slab_check(&test_cache_b.slab));
}

KTEST(mm, slab_misuse_detected)
{
    if (!CONFIG_DEBUG)
        return; /* poisoning and red zones exist in debug builds */
    KT_ASSERT(test_caches());
    kheap_report_count = true;
    uint64_t reports = kheap_reports;
    uint8_t *o = mm_cache_alloc(&test_cache_a);
    o[48] = 0xee; /* one byte past the end: the red zone */
    mm_cache_free(&test_cache_a, o);
    uint64_t after_overrun = kheap_reports;
    o[3] = 0x11; /* write after free */
    void *again = NULL;
    for (int i = 0; i < 64 && again != o; i++)
        again = mm_cache_alloc(&test_cache_a); /* leaks a few test objects until o returns */
    uint64_t after_uaf = kheap_reports;
    kerr_t dbl = mm_cache_free(&test_cache_b, o); /* not an object of cache b */
    kheap_report_count = false;
    KT_EQ(after_overrun, reports + 1);
    KT_ASSERT(again == o);
    KT_EQ(after_uaf, after_overrun + 1);
    KT_ASSERT(dbl != XR_OK);
    KT_ASSERT(slab_check(&test_cache_a.slab));
}

static mm_quota_t test_quota;
/* An address space on a quota of pt page-table frames and user frames (one at a time). */
static mm_as_t *test_as(uint64_t pt, uint64_t user)
{
    test_quota = (mm_quota_t){.limit = pt + user, .pool_limit = {[MM_POOL_PT] = pt}};
    return mm_as_create(&test_quota);
}

KTEST(mm, map_query_unmap)
{
    mm_as_t *as = test_as(64, 64);
    KT_ASSERT(as);
    KT_EQ(mm_as_map_new(as, TEST_VA, PTF_WRITE), XR_OK);
    uint64_t pa;
    unsigned flags;
    KT_EQ(mm_as_query(as, TEST_VA, &pa, &flags), XR_OK);
    KT_EQ(mm_pool_of(pa), MM_POOL_USER);
    KT_ASSERT((flags & PTF_WRITE) && (flags & PTF_USER) && !(flags & PTF_EXEC));
    KT_EQ(mm_as_query(as, TEST_VA + PAGE_SIZE, &pa, &flags), XR_ENOENT);
    KT_EQ(mm_as_map_new(as, TEST_VA, PTF_WRITE), XR_EEXIST);
    KT_EQ(mm_as_unmap(as, TEST_VA), XR_OK);
    KT_EQ(mm_as_query(as, TEST_VA, &pa, &flags), XR_ENOENT);
    KT_EQ(mm_as_unmap(as, TEST_VA), XR_ENOENT);
    mm_as_destroy(as);
}

KTEST(mm, protect_and_wx)
{
    mm_as_t *as = test_as(64, 64);
    KT_ASSERT(as);
    unsigned flags;
    KT_EQ(mm_as_map_new(as, TEST_VA, PTF_WRITE | PTF_EXEC), XR_EINVAL);
    KT_EQ(mm_as_map_new(as, TEST_VA, PTF_WRITE), XR_OK);
    KT_EQ(mm_as_protect(as, TEST_VA, PTF_EXEC), XR_OK);
    KT_EQ(mm_as_query(as, TEST_VA, NULL, &flags), XR_OK);
    KT_ASSERT((flags & PTF_EXEC) && !(flags & PTF_WRITE) && (flags & PTF_OWNED));
    KT_EQ(mm_as_protect(as, TEST_VA, PTF_WRITE | PTF_EXEC), XR_EINVAL);
    KT_EQ(mm_as_protect(as, TEST_VA + PAGE_SIZE, 0), XR_ENOENT);
    mm_as_destroy(as);
}

KTEST(mm, bad_arguments_refused)
{
    mm_as_t *as = test_as(64, 64);
    KT_ASSERT(as);
    KT_EQ(mm_as_map_new(as, (uint64_t)kmain & ~0xffful, 0), XR_EINVAL); /* kernel half */
    KT_EQ(mm_as_map_new(as, TEST_VA + 12, 0), XR_EINVAL);               /* unaligned */
    KT_EQ(mm_as_map_new(as, MM_USER_END, 0), XR_EINVAL);
    KT_EQ(mm_as_map(as, TEST_VA, 0x1234, 0), XR_EINVAL);
    KT_EQ(mm_as_map_new(as, TEST_VA, 0x80), XR_EINVAL);                          /* unknown flag */
    KT_EQ(mm_as_map(as, TEST_VA, arch_virt_to_phys(_text_start), 0), XR_EINVAL); /* kernel image */
    KT_EQ(mm_as_map(as, TEST_VA, as->root, 0), XR_EINVAL);                       /* a page table */
    uint64_t kframe = mm_frame_alloc(MM_POOL_KERNEL, 0);
    KT_ASSERT(kframe);
    kerr_t kerr = mm_as_map(as, TEST_VA, kframe, 0);
    mm_frame_free(MM_POOL_KERNEL, kframe, 0);
    KT_EQ(kerr, XR_EINVAL);                                         /* a kernel-pool frame */
    KT_EQ(mm_as_map(as, TEST_VA, 0x5000000, PTF_OWNED), XR_EINVAL); /* ownership is not given */
    KT_EQ(as->tables, 2);
    KT_EQ(as->quota->used, 2);
    mm_as_destroy(as);
}

struct wx_scan {
    uint64_t leaves, wx, text_writable, text_pages, data_exec;
};

static void wx_visit(void *ctx, uint64_t phys, int level, unsigned flags)
{
    struct wx_scan *s = ctx;
    if (level >= 0)
        return;
    s->leaves++;
    if ((flags & PTF_WRITE) && (flags & PTF_EXEC))
        s->wx++;
    uint64_t text_lo = arch_virt_to_phys(_text_start), text_hi = arch_virt_to_phys(_text_end);
    if (level == -1 && phys >= text_lo && phys < text_hi) {
        if (flags & PTF_WRITE)
            s->text_writable++; /* text, or its direct-map alias, writable */
        if (flags & PTF_EXEC)
            s->text_pages++;
    }
    if (level == -1 && phys >= arch_virt_to_phys(_data_start) &&
        phys < arch_virt_to_phys(_kernel_end) && (flags & PTF_EXEC))
        s->data_exec++;
}

KTEST(mm, kernel_wx)
{
    struct wx_scan s = {0};
    arch_pt_walk(arch_kernel_root(), 0, 511, wx_visit, &s);
    KT_ASSERT(s.leaves > 100);
    KT_EQ(s.wx, 0);
    KT_EQ(s.text_writable, 0);
    KT_EQ(s.text_pages, (uint64_t)(_text_end - _text_start) / PAGE_SIZE); /* mapped once, RX */
    KT_EQ(s.data_exec, 0);
    unsigned flags;
    KT_EQ(arch_pt_query(arch_kernel_root(), (uint64_t)kmain, NULL, &flags), XR_OK);
    KT_ASSERT((flags & PTF_EXEC) && !(flags & PTF_WRITE));
    KT_EQ(arch_pt_query(arch_kernel_root(), (uint64_t)&s & ~0xffful, NULL, &flags), XR_OK);
    KT_ASSERT(!(flags & PTF_EXEC)); /* the stack */
    KT_EQ(arch_pt_query(arch_kernel_root(), 0x100000, NULL, &flags),
          XR_ENOENT); /* no identity map */
}

struct sep_scan {
    uint64_t tables, tables_outside_pool, user_frames, user_outside_pool, min_gap;
    bool user;
};

static void sep_visit(void *ctx, uint64_t phys, int level, unsigned flags)
{
    struct sep_scan *s = ctx;
    if (level >= 0) {
        s->tables++;
        s->tables_outside_pool += mm_pool_of(phys) != MM_POOL_PT;
    } else if (s->user && (flags & PTF_USER)) {
        mm_pool_stats_t pt;
        mm_pool_stats(MM_POOL_PT, &pt);
        s->user_frames++;
        s->user_outside_pool += mm_pool_of(phys) != MM_POOL_USER;
        uint64_t gap = phys >= pt.end ? phys - pt.end : pt.base - phys - PAGE_SIZE;
        s->min_gap = gap < s->min_gap ? gap : s->min_gap;
    }
}

/* Every page-table frame, kernel and user, is in the page-table pool; every user frame
 * is in the user pool, at least the guard gap away from any page-table frame. */
KTEST(mm, pt_pool_separation)
{
    mm_as_t *as = test_as(256, 256);
    KT_ASSERT(as);
    for (int i = 0; i < 32; i++)
        KT_EQ(mm_as_map_new(as, TEST_VA + (uint64_t)i * 0x200000, PTF_WRITE), XR_OK);
    struct sep_scan s = {.min_gap = UINT64_MAX};
    arch_pt_walk(arch_kernel_root(), 256, 511, sep_visit, &s);
    s.user = true;
    arch_pt_walk(as->root, 0, 255, sep_visit, &s);
    mm_as_destroy(as);
    KT_ASSERT(s.tables > 256);
    KT_EQ(s.tables_outside_pool, 0);
    KT_EQ(s.user_frames, 32);
    KT_EQ(s.user_outside_pool, 0);
    KT_ASSERT(s.min_gap >= ((uint64_t)CONFIG_PT_GUARD_GAP_MB << 20));
}

KTEST(mm, quota_exhaustion_is_an_error)
{
    uint64_t free_before = mm_frames_free();
    mm_as_t *as = test_as(5, 5); /* 2 roots + 3 tables, 5 frames */
    KT_ASSERT(as);
    int mapped = 0;
    kerr_t err = XR_OK;
    for (int i = 0; i < 100 && err == XR_OK; i++) {
        err = mm_as_map_new(as, TEST_VA + (uint64_t)i * PAGE_SIZE, PTF_WRITE);
        mapped += err == XR_OK;
    }
    KT_EQ(err, XR_ENOMEM);
    KT_EQ(mapped, 5);
    KT_EQ(as->quota->used, 10);
    /* a mapping whose tables do not fit fails and leaves no table behind */
    KT_EQ(mm_as_unmap(as, TEST_VA), XR_OK);
    KT_EQ(mm_as_map_new(as, 0x0000100000000000ul, PTF_WRITE), XR_ENOMEM);
    KT_EQ(as->tables, 5);
    mm_as_destroy(as);
    KT_EQ(mm_frames_free(), free_before);
}

KTEST(mm, empty_tables_freed)
{
    mm_as_t *as = test_as(64, 64);
    KT_ASSERT(as);
    KT_EQ(mm_as_map_new(as, 0x00007f0000000000ul, PTF_WRITE), XR_OK);
    KT_EQ(as->tables, 5);
    KT_EQ(as->quota->used, 6);
    KT_EQ(mm_as_unmap(as, 0x00007f0000000000ul), XR_OK);
    KT_EQ(as->tables, 2);
    KT_EQ(as->quota->used, 2);
    mm_as_destroy(as);
}

KTEST(mm, as_create_destroy_1000_no_leak)
{
    uint64_t shared = mm_frame_alloc(MM_POOL_USER, 0); /* mapped, not owned: must survive */
    KT_ASSERT(shared);
    uint64_t free_before = mm_frames_free(), alive = mm_as_count();
    for (int i = 0; i < 1000; i++) {
        mm_as_t *as = test_as(64, 64);
        KT_ASSERT(as);
        for (uint64_t p = 0; p < 4; p++)
            KT_EQ(mm_as_map_new(as, TEST_VA + p * 0x1000000, p & 1 ? PTF_EXEC : PTF_WRITE), XR_OK);
        KT_EQ(mm_as_map(as, TEST_VA + PAGE_SIZE, shared, 0), XR_OK);
        mm_as_destroy(as);
    }
    KT_EQ(mm_as_count(), alive);
    KT_EQ(mm_frames_free(), free_before);
    KT_EQ(mm_frame_free(MM_POOL_USER, shared, 0), XR_OK);
}

KTEST(mm, kstack_guard_page)
{
    mm_kstack_free(mm_kstack_alloc()); /* the area's own tables are made once, and kept */
    uint64_t free_before = mm_frames_free();
    uint64_t top = mm_kstack_alloc();
    KT_ASSERT(top);
    unsigned flags;
    uint64_t lowest = top - KSTACK_PAGES * PAGE_SIZE;
    KT_EQ(arch_pt_query(arch_kernel_root(), lowest, NULL, &flags), XR_OK);
    KT_ASSERT((flags & PTF_WRITE) && !(flags & PTF_EXEC));
    KT_EQ(arch_pt_query(arch_kernel_root(), top - PAGE_SIZE, NULL, NULL), XR_OK);
    KT_EQ(arch_pt_query(arch_kernel_root(), lowest - PAGE_SIZE, NULL, NULL), XR_ENOENT);
    uint8_t v;
    KT_EQ(arch_probe_read8((void *)(lowest - 1), &v), XR_EFAULT); /* one byte under: faults */
    mm_kstack_free(top);
    KT_EQ(arch_pt_query(arch_kernel_root(), lowest, NULL, NULL), XR_ENOENT);
    KT_EQ(mm_frames_free(), free_before);
}

/* The user view of page-table isolation maps the user half and the entry pages only. */
KTEST(mm, kpti_user_view)
{
    mm_as_t *as = test_as(64, 64);
    KT_ASSERT(as);
    KT_EQ(mm_as_map_new(as, TEST_VA, PTF_WRITE), XR_OK);
    KT_EQ(arch_pt_query(as->user_root, TEST_VA, NULL, NULL), XR_OK);
    KT_EQ(arch_pt_query(as->user_root, (uint64_t)trap_stubs_start, NULL, NULL), XR_OK);
    KT_EQ(arch_pt_query(as->user_root, (uint64_t)kmain, NULL, NULL), XR_ENOENT);
    KT_EQ(arch_pt_query(as->user_root, (uint64_t)arch_phys_to_virt(0x200000), NULL, NULL),
          XR_ENOENT);
    KT_EQ(arch_pt_query(as->root, (uint64_t)kmain, NULL, NULL), XR_OK);
    mm_as_destroy(as);
}

KTEST(mm, switch_address_space)
{
    mm_as_t *as = test_as(64, 64);
    KT_ASSERT(as);
    KT_EQ(mm_as_map_new(as, TEST_VA, PTF_WRITE), XR_OK);
    mm_as_switch(as);
    uint8_t v = 1;
    kerr_t err = arch_probe_read8(arch_phys_to_virt(0x200000), &v); /* kernel half still there */
    mm_as_switch(NULL);
    KT_EQ(err, XR_OK);
    mm_as_destroy(as);
}

/* With page-table isolation the kernel's mappings are not global, so no TLB entry of
 * theirs outlives the switch to a user view; without it they are. */
KTEST(mm, global_pages_follow_kpti)
{
    unsigned flags;
    KT_EQ(arch_pt_query(arch_kernel_root(), (uint64_t)kmain, NULL, &flags), XR_OK);
    KT_EQ(!!(flags & PTF_GLOBAL), !kconfig.kpti);
    KT_EQ(arch_pt_query(arch_kernel_root(), (uint64_t)arch_phys_to_virt(0x8000000), NULL, &flags),
          XR_OK);
    KT_EQ(!!(flags & PTF_GLOBAL), !kconfig.kpti);
}
