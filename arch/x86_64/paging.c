/* x86_64 four-level page tables: map, unmap, protect, query and walk, the kernel's
 * own tables (direct map, W^X image, kernel-stack area) and the page-table-isolation
 * shadow of the entry pages. Locks: none here; callers serialise on their address space. */
#include "arch/x86_64/paging.h"
#include "arch/arch.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/x86.h"
#include "kernel/log.h"
#include "kernel/string.h"

extern const char _text_start[], _text_end[], _rodata_start[], _rodata_end[];
extern const char _data_start[], _data_end[], _ksyms_start[], _kernel_end[];
extern const char _entry_text_start[], _entry_text_end[], _entry_data_start[], _entry_data_end[];

static uint64_t kernel_root;
static uint64_t direct_end;       /* the direct map covers [0, direct_end) */
static uint64_t kpti_shadow_pdpt; /* slot 511 of every user-view root: entry pages only */
static bool nx_on, pcid_on;
static bool global_on = true; /* PTF_GLOBAL honoured; off with page-table isolation */

static uint64_t *table(uint64_t entry)
{
    return arch_phys_to_virt(entry & PTE_ADDR);
}

static uint64_t flags_to_pte(unsigned f)
{
    uint64_t e = PTE_P;
    if (f & PTF_WRITE)
        e |= PTE_W;
    if (!(f & PTF_EXEC) && nx_on)
        e |= PTE_NX;
    if (f & PTF_USER)
        e |= PTE_U;
    if ((f & PTF_GLOBAL) && global_on)
        e |= PTE_G;
    if (f & PTF_NOCACHE)
        e |= PTE_PCD | PTE_PWT;
    if (f & PTF_OWNED)
        e |= PTE_OWNED;
    return e;
}

static unsigned pte_to_flags(uint64_t e, int level)
{
    unsigned f = 0;
    if (e & PTE_W)
        f |= PTF_WRITE;
    if (!(e & PTE_NX))
        f |= PTF_EXEC;
    if (e & PTE_U)
        f |= PTF_USER;
    if (e & PTE_G)
        f |= PTF_GLOBAL;
    if (e & PTE_PCD)
        f |= PTF_NOCACHE;
    if (e & PTE_OWNED)
        f |= PTF_OWNED;
    if (level > 0)
        f |= PTF_LARGE;
    return f;
}

static bool is_user_va(uint64_t va)
{
    return va < 0x0000800000000000ul;
}

static bool table_empty(const uint64_t *t)
{
    for (int i = 0; i < PT_ENTRIES; i++)
        if (t[i] & PTE_P)
            return false;
    return true;
}

/* Find the entry for va at leaf level (0: 4 KiB, 1: 2 MiB). With ops, missing tables are
 * created; their physical addresses are recorded in created[] so a failure can undo them.
 * Returns NULL when a table is missing (and cannot be made) or a large page is in the way. */
static uint64_t *pt_lookup(uint64_t root, uint64_t va, int leaf, const pt_ops_t *ops, kerr_t *err)
{
    uint64_t *t = arch_phys_to_virt(root);
    uint64_t created[3], *linked[3];
    int ncreated = 0;
    for (int level = 3; level > leaf; level--) {
        uint64_t *e = &t[PT_INDEX(va, level)];
        if (*e & PTE_P) {
            if (*e & PTE_PS) {
                *err = XR_EEXIST;
                return NULL;
            }
        } else {
            uint64_t phys = ops ? ops->alloc(ops->ctx) : 0;
            if (!phys) {
                *err = ops ? XR_ENOMEM : XR_ENOENT;
                /* undo: the tables made for this walk are still empty */
                for (int i = ncreated - 1; i >= 0; i--) {
                    *linked[i] = 0;
                    ops->free(ops->ctx, created[i]);
                }
                return NULL;
            }
            *e = phys | PTE_P | PTE_W | (is_user_va(va) ? PTE_U : 0);
            created[ncreated] = phys;
            linked[ncreated++] = e;
        }
        t = table(*e);
    }
    return &t[PT_INDEX(va, leaf)];
}

kerr_t arch_pt_map(uint64_t root, uint64_t va, uint64_t pa, unsigned flags, const pt_ops_t *ops)
{
    int leaf = flags & PTF_LARGE ? 1 : 0;
    kerr_t err = XR_OK;
    uint64_t *e = pt_lookup(root, va, leaf, ops, &err);
    if (!e)
        return err;
    if (*e & PTE_P)
        return XR_EEXIST;
    *e = (pa & PTE_ADDR) | flags_to_pte(flags) | (leaf ? PTE_PS : 0);
    return XR_OK;
}

/* Walk without creating; fills path[level] with the table holding va's entry at each
 * level and returns the leaf level (0 or 1 or 2), or -1 when va is not mapped. */
static int pt_find(uint64_t root, uint64_t va, uint64_t *path[4])
{
    uint64_t *t = arch_phys_to_virt(root);
    for (int level = 3; level >= 0; level--) {
        path[level] = t;
        uint64_t e = t[PT_INDEX(va, level)];
        if (!(e & PTE_P))
            return -1;
        if (level == 0 || (e & PTE_PS))
            return level;
        t = table(e);
    }
    return -1;
}

kerr_t arch_pt_query(uint64_t root, uint64_t va, uint64_t *pa, unsigned *flags)
{
    uint64_t *path[4];
    int level = pt_find(root, va, path);
    if (level < 0)
        return XR_ENOENT;
    uint64_t e = path[level][PT_INDEX(va, level)];
    uint64_t size = 1ul << (12 + 9 * level);
    if (pa)
        *pa = (e & PTE_ADDR & ~(size - 1)) | (va & (size - 1) & ~0xffful);
    if (flags)
        *flags = pte_to_flags(e, level);
    return XR_OK;
}

kerr_t arch_pt_protect(uint64_t root, uint64_t va, unsigned flags)
{
    uint64_t *path[4];
    int level = pt_find(root, va, path);
    if (level < 0)
        return XR_ENOENT;
    uint64_t *e = &path[level][PT_INDEX(va, level)];
    uint64_t keep = *e & (PTE_ADDR | PTE_PS | PTE_OWNED);
    *e = keep | flags_to_pte(flags & ~PTF_OWNED);
    return XR_OK;
}

kerr_t arch_pt_unmap(uint64_t root, uint64_t va, uint64_t *pa, unsigned *flags, const pt_ops_t *ops)
{
    uint64_t *path[4];
    int level = pt_find(root, va, path);
    if (level < 0)
        return XR_ENOENT;
    uint64_t *e = &path[level][PT_INDEX(va, level)];
    if (pa)
        *pa = *e & PTE_ADDR;
    if (flags)
        *flags = pte_to_flags(*e, level);
    *e = 0;
    /* give back tables that became empty; the kernel half's tables are shared: keep them */
    if (!ops || !is_user_va(va))
        return XR_OK;
    for (int l = level; l < 3 && table_empty(path[l]); l++) {
        path[l + 1][PT_INDEX(va, l + 1)] = 0;
        ops->free(ops->ctx, arch_virt_to_phys(path[l]));
    }
    return XR_OK;
}

static void walk_table(uint64_t phys, int level, uint64_t va, pt_visit_t fn, void *ctx)
{
    const uint64_t *t = arch_phys_to_virt(phys);
    for (int i = 0; i < PT_ENTRIES; i++) {
        uint64_t e = t[i];
        if (!(e & PTE_P))
            continue;
        uint64_t sub = va | ((uint64_t)i << (12 + 9 * level));
        if (level == 0 || (e & PTE_PS))
            fn(ctx, e & PTE_ADDR, -1 - level, pte_to_flags(e, level)); /* a leaf */
        else
            walk_table(e & PTE_ADDR, level - 1, sub, fn, ctx);
    }
    fn(ctx, phys, level, 0);
}

/* Leaves are reported with level -1 (4 KiB), -2 (2 MiB) or -3 (1 GiB); tables with 0..2. */
void arch_pt_walk(uint64_t root, unsigned first, unsigned last, pt_visit_t fn, void *ctx)
{
    const uint64_t *pml4 = arch_phys_to_virt(root);
    for (unsigned i = first; i <= last && i < PT_ENTRIES; i++) {
        if (!(pml4[i] & PTE_P))
            continue;
        uint64_t va = (uint64_t)i << 39;
        if (i >= 256)
            va |= 0xffff000000000000ul;
        walk_table(pml4[i] & PTE_ADDR, 2, va, fn, ctx);
    }
}

struct free_ctx {
    const pt_ops_t *ops;
};

static void free_visit(void *ctx, uint64_t phys, int level, unsigned flags)
{
    (void)flags;
    const pt_ops_t *ops = ((struct free_ctx *)ctx)->ops;
    if (level >= 0)
        ops->free(ops->ctx, phys);
}

void arch_pt_free_tables(uint64_t root, unsigned first, unsigned last, const pt_ops_t *ops)
{
    struct free_ctx fc = {ops};
    arch_pt_walk(root, first, last, free_visit, &fc);
    uint64_t *pml4 = arch_phys_to_virt(root);
    for (unsigned i = first; i <= last && i < PT_ENTRIES; i++)
        pml4[i] = 0;
}

uint64_t arch_kernel_root(void)
{
    return kernel_root;
}
void arch_pt_init_user_roots(uint64_t root, uint64_t user_root)
{
    uint64_t *k = arch_phys_to_virt(root), *u = arch_phys_to_virt(user_root);
    const uint64_t *kernel = arch_phys_to_virt(arch_kernel_root());
    memcpy(k + PT_USER_SLOTS, kernel + PT_USER_SLOTS, PT_USER_SLOTS * sizeof(uint64_t));
    u[PT_ENTRIES - 1] = kpti_shadow_pdpt | PTE_P | PTE_W; /* the leaves decide */
}

void arch_pt_sync_user_view(uint64_t root, uint64_t user_root, uint64_t va)
{
    unsigned slot = (unsigned)PT_INDEX(va, 3);
    ((uint64_t *)arch_phys_to_virt(user_root))[slot] =
        ((const uint64_t *)arch_phys_to_virt(root))[slot];
}

static void map_or_panic(uint64_t root, uint64_t va, uint64_t pa, unsigned f, const pt_ops_t *ops)
{
    kerr_t err = arch_pt_map(root, va, pa, f, ops);
    if (err)
        panic("paging: cannot map %lx -> %lx (error %d)", va, pa, err);
}

/* Permissions of a kernel-image page, by section: text RX, rodata/ksyms R, data RW. */
static unsigned image_flags(uint64_t va)
{
    if (va >= (uint64_t)_text_start && va < (uint64_t)_text_end)
        return PTF_EXEC | PTF_GLOBAL;
    if (va >= (uint64_t)_data_start && va < (uint64_t)_data_end)
        return PTF_WRITE | PTF_GLOBAL;
    return PTF_GLOBAL;
}

/* The direct map: 2 MiB pages RW NX, except 4 KiB pages over the kernel image, where
 * the alias of each image page is never writable unless the page itself is. */
static void map_direct(uint64_t root, uint64_t phys_end, const pt_ops_t *ops)
{
    uint64_t img_lo = arch_virt_to_phys(_text_start), img_hi = arch_virt_to_phys(_kernel_end);
    for (uint64_t pa = 0; pa < phys_end; pa += LARGE_PAGE_SIZE) {
        uint64_t va = (uint64_t)arch_phys_to_virt(pa);
        if (pa + LARGE_PAGE_SIZE <= img_lo || pa >= img_hi) {
            map_or_panic(root, va, pa, PTF_WRITE | PTF_GLOBAL | PTF_LARGE, ops);
            continue;
        }
        for (uint64_t p = pa; p < pa + LARGE_PAGE_SIZE; p += PAGE_SIZE) {
            unsigned f = PTF_WRITE | PTF_GLOBAL;
            if (p >= img_lo && p < img_hi)
                f = image_flags(p + KERNEL_BASE) & ~PTF_EXEC;
            map_or_panic(root, (uint64_t)arch_phys_to_virt(p), p, f, ops);
        }
    }
}

static void map_image(uint64_t root, const pt_ops_t *ops)
{
    for (uint64_t va = (uint64_t)_text_start; va < (uint64_t)_kernel_end; va += PAGE_SIZE)
        map_or_panic(root, va, va - KERNEL_BASE, image_flags(va), ops);
}

/* The user-view roots of page-table isolation share one PDPT for slot 511 that maps only
 * the entry pages (trap stubs, GDT, IDT, TSS, entry stacks) at their usual addresses. */
static void build_kpti_shadow(const pt_ops_t *ops)
{
    uint64_t shadow_root = ops->alloc(ops->ctx);
    if (!shadow_root)
        panic("paging: no frame for the isolation shadow");
    for (uint64_t va = (uint64_t)_entry_text_start; va < (uint64_t)_entry_text_end; va += PAGE_SIZE)
        map_or_panic(shadow_root, va, va - KERNEL_BASE, image_flags(va) & ~PTF_GLOBAL, ops);
    for (uint64_t va = (uint64_t)_entry_data_start; va < (uint64_t)_entry_data_end; va += PAGE_SIZE)
        map_or_panic(shadow_root, va, va - KERNEL_BASE, image_flags(va) & ~PTF_GLOBAL, ops);
    uint64_t *r = arch_phys_to_virt(shadow_root);
    kpti_shadow_pdpt = r[511] & PTE_ADDR;
    r[511] = 0;
    ops->free(ops->ctx, shadow_root);
}

void arch_paging_init(uint64_t phys_end, const pt_ops_t *ops, bool isolate)
{
    nx_on = arch_cpu_info()->nx;
    global_on = !isolate; /* global entries would outlive the switch to the user view */
    uint64_t root = ops->alloc(ops->ctx);
    if (!root)
        panic("paging: no frame for the kernel root table");
    /* the kernel half's PDPTs exist from the start and are never freed, so every address
     * space can share them by copying PML4 slots 256..511 once */
    uint64_t *pml4 = arch_phys_to_virt(root);
    for (unsigned i = 256; i < PT_ENTRIES; i++) {
        uint64_t t = ops->alloc(ops->ctx);
        if (!t)
            panic("paging: no frame for kernel PDPT %u", i);
        pml4[i] = t | PTE_P | PTE_W;
    }
    direct_end = ALIGN_UP(phys_end, LARGE_PAGE_SIZE);
    map_direct(root, direct_end, ops);
    map_image(root, ops);
    build_kpti_shadow(ops);
    kernel_root = root;
    write_cr3(root);
}

/* PCIDs are used only with INVPCID, which can drop another PCID's entries (the user
 * view's, for page-table isolation) without loading it. */
void arch_pcid_setup(bool want)
{
    pcid_on = want && arch_cpu_info()->pcid && arch_cpu_info()->invpcid;
    if (pcid_on)
        write_cr4(read_cr4() | CR4_PCIDE);
}

bool arch_pcid_enabled(void)
{
    return pcid_on;
}

static void invpcid_single(unsigned pcid)
{
    struct {
        uint64_t pcid, addr;
    } desc = {pcid, 0};
    __asm__ volatile("invpcid %0, %1" ::"m"(desc), "r"(1ul) : "memory");
}

/* With PCIDs, a flush drops both views' entries (pcid, and pcid | 0x800 for the user
 * view of page-table isolation); without, every CR3 load flushes the non-global entries. */
uint64_t arch_root_value(uint64_t root, unsigned pcid)
{
    if (!pcid_on)
        return root;
    pcid &= 0x7ff;
    return pcid ? root | pcid | 1ul << 63 : 0;
}

void arch_switch_root(uint64_t root, unsigned pcid, bool flush)
{
    struct cpu_local *c = this_cpu();
    if (!pcid_on) {
        c->exit_cr3 = root | c->user_cr3_bits;
        write_cr3(root);
        return;
    }
    pcid &= 0x7ff;
    if (flush) {
        invpcid_single(pcid);
        invpcid_single(pcid | 0x800);
    }
    c->exit_cr3 = root | pcid | 1ul << 63 | c->user_cr3_bits;
    write_cr3(root | pcid | 1ul << 63);
}

void arch_tlb_flush_page(uint64_t va)
{
    __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

bool arch_direct_mapped(uint64_t phys, uint64_t len)
{
    return phys < direct_end && len <= direct_end - phys;
}
