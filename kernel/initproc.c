/* The first user process: the kernel loads `init` from its GRUB module (a checked
 * ELF64), gives it its capabilities and a boot-information page, and starts it. Every
 * other process is made by init through system calls. */
#include "ipc/ipc.h"
#include "kernel/kernel.h"
#include "kernel/log.h"
#include "kernel/process.h"
#include "kernel/string.h"
#include "lib/elf.h"
#include "mm/memobj.h"
#include "sched/sched.h"

#define INIT_PRIORITY 200

static memobj_t module_objs[XR_BOOTINFO_MAX_MODULES];
static ioport_t all_ports = {{.type = XR_OBJ_IOPORT, .is_static = true}, 0, 0xffff};
static process_t *init_process;

static const mb2_module_t *find_module(const char *name)
{
    for (unsigned i = 0; i < kboot.module_count; i++)
        if (strcmp(kboot.modules[i].name, name) == 0)
            return &kboot.modules[i];
    return NULL;
}

/* Map one ELF segment into p page by page, copying its file bytes. */
static kerr_t load_segment(process_t *p, const uint8_t *file, const elf_segment_t *s)
{
    unsigned flags = (s->write ? PTF_WRITE : 0) | (s->exec ? PTF_EXEC : 0);
    uint64_t start = ALIGN_DOWN(s->vaddr, PAGE_SIZE),
             end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
    for (uint64_t va = start; va < end; va += PAGE_SIZE) {
        kerr_t err = mm_as_map_new(p->as, va, flags);
        if (err)
            return err;
        uint64_t pa;
        mm_as_query(p->as, va, &pa, NULL);
        uint8_t *page = arch_phys_to_virt(pa);
        for (uint64_t off = 0; off < PAGE_SIZE; off++) {
            uint64_t addr = va + off;
            if (addr >= s->vaddr && addr < s->vaddr + s->filesz)
                page[off] = file[s->offset + (addr - s->vaddr)];
        }
    }
    return XR_OK;
}

static kerr_t give_caps(process_t *p, thread_t *t, xr_bootinfo_t *bi)
{
    kerr_t err = cap_insert(&p->caps, XR_SLOT_SELF, XR_OBJ_PROCESS, XR_RIGHTS_ALL, 0, p);
    err = err ? err : cap_insert(&p->caps, XR_SLOT_SELF_THREAD, XR_OBJ_THREAD, XR_RIGHTS_ALL, 0, t);
    err = err ? err
              : cap_insert(&p->caps, XR_SLOT_IOPORTS, XR_OBJ_IOPORT, XR_RIGHT_READ | XR_RIGHT_WRITE,
                           0, &all_ports);
    for (unsigned i = 0; !err && i < arch_irq_lines(); i++)
        err = cap_insert(&p->caps, XR_SLOT_FIRST_IRQ + i, XR_OBJ_IRQ,
                         XR_RIGHT_READ | XR_RIGHT_WRITE, 0, &irq_lines[i]);
    for (unsigned i = 0; !err && i < kboot.module_count && i < XR_BOOTINFO_MAX_MODULES; i++) {
        const mb2_module_t *m = &kboot.modules[i];
        memobj_t *mo = &module_objs[i];
        mo->obj = (kobj_t){.type = XR_OBJ_MEMORY, .is_static = true};
        mo->phys = m->start;
        mo->pages = ALIGN_UP((uint64_t)m->end - m->start, PAGE_SIZE) / PAGE_SIZE;
        err = cap_insert(&p->caps, XR_SLOT_FIRST_MODULE + i, XR_OBJ_MEMORY,
                         XR_RIGHT_READ | XR_RIGHT_EXEC, 0, mo);
        for (size_t c = 0; m->name[c] && c < sizeof(bi->modules[i].name) - 1; c++)
            bi->modules[i].name[c] = m->name[c];
        bi->modules[i].size = m->end - m->start;
        bi->modules[i].cap = XR_SLOT_FIRST_MODULE + i;
        bi->module_count = i + 1;
    }
    return err;
}

/* init's budget: three quarters of what each pool holds free, so the kernel keeps a
 * reserve of every pool (its own page tables, slabs) that no user action can take; kernel
 * stacks are also bounded by their slots. Every other process's budget is carved from it. */
static void init_quota(mm_quota_t *q)
{
    for (unsigned i = 0; i < MM_POOLS; i++) {
        mm_pool_stats_t s;
        mm_pool_stats(i, &s);
        q->pool_limit[i] = s.free / 4 * 3;
    }
    uint64_t stacks = (uint64_t)(mm_kstack_slots() - 16) * THREAD_CHARGE;
    if (q->pool_limit[MM_POOL_KERNEL] > stacks)
        q->pool_limit[MM_POOL_KERNEL] = stacks;
    q->limit = q->pool_limit[MM_POOL_USER]; /* init's objects and tables count here too */
}

static kerr_t build_init(const uint8_t *file, const elf_image_t *img)
{
    mm_quota_t q = {0};
    init_quota(&q);
    process_t *p = process_create(NULL, &q, "init");
    if (!p)
        return XR_ENOMEM;
    kerr_t err = XR_OK;
    for (unsigned i = 0; !err && i < img->nsegments; i++)
        err = load_segment(p, file, &img->segments[i]);
    for (unsigned i = 1; !err && i <= XR_USER_STACK_PAGES; i++)
        err = mm_as_map_new(p->as, XR_USER_STACK_TOP - i * PAGE_SIZE, PTF_WRITE);
    err = err ? err : mm_as_map_new(p->as, XR_BOOTINFO_VA, 0);
    thread_t *t = err ? NULL : thread_create(p);
    if (!t)
        return err ? err : XR_ENOMEM;
    uint64_t pa;
    mm_as_query(p->as, XR_BOOTINFO_VA, &pa, NULL);
    xr_bootinfo_t *bi = arch_phys_to_virt(pa);
    bi->magic = XR_BOOTINFO_MAGIC;
    strncpy_bounded(bi->cmdline, kboot.cmdline, sizeof(bi->cmdline));
    bi->quota_frames = p->quota.limit;
    for (unsigned irq = 0; irq < 16; irq++)
        bi->isa_gsi[irq] = smp_isa_gsi(irq);
    bi->cpus = arch_cpus_online();
    if ((err = give_caps(p, t, bi)))
        return err;
    t->prio = INIT_PRIORITY;
    arch_thread_set_user(&t->arch, img->entry, XR_USER_STACK_TOP, XR_BOOTINFO_VA);
    init_process = p;
    return thread_start(t);
}

void initproc_start(void)
{
    const mb2_module_t *m = find_module("init");
    if (!m)
        panic("init: no boot module named \"init\" (see iso/grub.cfg.in)");
    const uint8_t *file = arch_phys_to_virt(m->start);
    elf_image_t img;
    const char *why = NULL;
    kerr_t err = elf_parse(file, m->end - m->start, MM_USER_END, &img, &why);
    if (err)
        panic("init: the init module is refused: %s", why ? why : "bad ELF");
    if ((err = build_init(file, &img)))
        panic("init: cannot build the init process (error %d)", err);
    log_info("init: started from module (%u KiB, entry %lx)\n", (m->end - m->start) / 1024,
             img.entry);
}

process_t *initproc_process(void)
{
    return init_process;
}

/* Called when any process ends. init's end ends a test run with its verdict. */
void initproc_terminated(process_t *p)
{
    if (p != init_process)
        return;
    if (p->status == XR_PROC_EXITED)
        log_info("init: exited with code %u\n", p->code);
    else
        log_error("init: killed (vector %u)\n", p->code);
    if (kconfig.test[0])
        arch_exit_emulator(p->status == XR_PROC_EXITED && p->code == 0);
}
