/* The QEMU TCG plugin (QEMU 7.2, plugin API 1): decodes each instruction as it is translated and
 * feeds every execution and memory access of vCPU 0 to the cost model (model.h). Output goes
 * through qemu_plugin_outs, so QEMU needs `-d plugin -D FILE`. Arguments (`-plugin
 * libxrcostmodel.so,arg=value,...`):
 *   pcid=0|1         the PCID what-if: CR3 writes flush nothing (default 0)
 *   global=0|1       upper-half pages are global, as x-realism maps them without kpti (default 1)
 *   dmap_small_mb=N  the first N MiB of the direct map use 4 KiB pages (default 2)
 *   linux=1          Linux's x86-64 layout instead of x-realism's (scripts/model-linux): the
 *                    direct map at 0xffff888000000000 and the kernel image, both 2 MiB pages
 *   start=mark       price nothing until the guest executes the START marker (model.h): until
 *                    then only markers are instrumented, so a long boot runs several times
 *                    faster; the caches and TLBs start cold there
 *   table=1          print the cost table first
 * docs/bench/model.md describes the model and the output lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "qemu_abi.h"

QEMU_ABI_EXPORT int qemu_plugin_version = QEMU_ABI_VERSION;

/* x-realism's layout (arch/x86_64/asm.h): the kernel image at KERNEL_BASE + its physical
 * address, the direct map at DIRECT_MAP_BASE + physical. */
#define KERNEL_BASE     0xffffffff80000000ull
#define DIRECT_MAP_BASE 0xffff800000000000ull
#define DIRECT_MAP_SIZE (512ull << 30)

/* Linux's (Documentation/x86/x86_64/mm.rst, 4-level paging, not randomised, as after a PVH
 * boot): the direct map and the kernel image, both mapped with large pages; the image, like
 * x-realism's, sits at KERNEL_BASE + its physical address. */
#define LINUX_DIRECT_MAP_BASE 0xffff888000000000ull
#define LINUX_DIRECT_MAP_SIZE (64ull << 40)
#define LINUX_KIMAGE_SIZE     (1ull << 30)

static model_t model;
static qemu_plugin_id_t plugin_id;
static bool started; /* the START marker ran (start=mark) */

/* Host address of guest RAM minus guest physical address, learnt from the first kernel-image
 * instruction (whose physical address its virtual one gives); instructions translated before
 * that get no physical address and skip the fetch model. */
static intptr_t ram_offset;
static bool ram_offset_known;

static void emit(const char *line)
{
    qemu_plugin_outs(line);
}

static uint64_t insn_paddr(struct qemu_plugin_insn *insn, uint64_t vaddr)
{
    uintptr_t h = (uintptr_t)qemu_plugin_insn_haddr(insn);

    if (!h)
        return MODEL_NO_PADDR;
    if (!ram_offset_known && vaddr >= KERNEL_BASE) {
        ram_offset = (intptr_t)(h - (vaddr - KERNEL_BASE));
        ram_offset_known = true;
    }
    return ram_offset_known ? (uint64_t)(h - (uintptr_t)ram_offset) : MODEL_NO_PADDR;
}

static void on_exec(unsigned int vcpu, void *udata)
{
    if (vcpu == 0)
        model_exec(&model, udata);
}

static void on_mem(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
    if (vcpu != 0)
        return;
    struct qemu_plugin_hwaddr *hw = qemu_plugin_get_hwaddr(info, vaddr);
    if (!hw)
        return;
    model_mem(&model, udata, vaddr, qemu_plugin_hwaddr_phys_addr(hw),
              qemu_plugin_mem_is_store(info), qemu_plugin_hwaddr_is_io(hw));
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);

    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        model_insn_t *d = malloc(sizeof(*d)); /* lives as long as the translation: never freed */
        if (!d)
            abort();
        d->vaddr = qemu_plugin_insn_vaddr(insn);
        d->paddr = insn_paddr(insn, d->vaddr);
        d->info = decode_insn(qemu_plugin_insn_data(insn), qemu_plugin_insn_size(insn));
        qemu_plugin_register_vcpu_insn_exec_cb(insn, on_exec, QEMU_PLUGIN_CB_NO_REGS, d);
        qemu_plugin_register_vcpu_mem_cb(insn, on_mem, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW,
                                         d);
    }
}

static void on_exit(qemu_plugin_id_t id, void *udata)
{
    (void)id;
    (void)udata;
    model_finish(&model);
}

/* Full instrumentation from now on: QEMU has dropped every translation made so far. */
static void on_reset(qemu_plugin_id_t id)
{
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, on_exit, NULL);
}

static void on_start(unsigned int vcpu, void *udata)
{
    (void)udata;
    if (vcpu == 0 && !started) {
        started = true;
        qemu_plugin_reset(plugin_id, on_reset);
    }
}

/* start=mark, before the START marker: instrument that marker alone. */
static void on_translate_idle(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);

    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        insn_info_t info = decode_insn(qemu_plugin_insn_data(insn), qemu_plugin_insn_size(insn));
        if (info.marker == MODEL_MARK_START)
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_start, QEMU_PLUGIN_CB_NO_REGS, NULL);
    }
}

static void print_table(void)
{
    unsigned count;
    const cost_row_t *t = costs_table(&count);
    char line[512];

    for (unsigned i = 0; i < count; i++) {
        snprintf(line, sizeof(line), "R %s %.2f %.4f %s\n", decode_class_name(t[i].cls),
                 (double)t[i].cost / COST_ONE, (double)t[i].per_byte / COST_ONE, t[i].source);
        emit(line);
    }
}

/* Parses "name=N" into *value; returns whether arg was that option. */
static bool option(const char *arg, const char *name, unsigned long *value)
{
    size_t len = strlen(name);
    if (strncmp(arg, name, len) != 0 || arg[len] != '=')
        return false;
    *value = strtoul(arg + len + 1, NULL, 0);
    return true;
}

QEMU_ABI_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                        char **argv)
{
    unsigned long pcid = 0, global = 1, small_mb = 2, table = 0, linux = 0;
    bool at_mark = false;
    char line[256];

    if (!info->system_emulation || strcmp(info->target_name, "x86_64") != 0) {
        fprintf(stderr, "costmodel: needs qemu-system-x86_64\n");
        return 1;
    }
    plugin_id = id;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "start=mark") == 0) {
            at_mark = true;
            continue;
        }
        if (!option(argv[i], "pcid", &pcid) && !option(argv[i], "global", &global) &&
            !option(argv[i], "dmap_small_mb", &small_mb) && !option(argv[i], "table", &table) &&
            !option(argv[i], "linux", &linux)) {
            fprintf(stderr, "costmodel: unknown argument %s\n", argv[i]);
            return 1;
        }
    }
    tlb_config_t cfg = {.pcid = pcid != 0,
                        .global_kernel = global != 0,
                        .dmap_base = DIRECT_MAP_BASE,
                        .dmap_end = DIRECT_MAP_BASE + DIRECT_MAP_SIZE,
                        .dmap_small_end = DIRECT_MAP_BASE + (small_mb << 20)};
    if (linux) {
        cfg.dmap_base = cfg.dmap_small_end = LINUX_DIRECT_MAP_BASE;
        cfg.dmap_end = LINUX_DIRECT_MAP_BASE + LINUX_DIRECT_MAP_SIZE;
        cfg.kimage_base = KERNEL_BASE;
        cfg.kimage_end = KERNEL_BASE + LINUX_KIMAGE_SIZE;
    }
    if (!model_init(&model, &cfg, emit)) {
        fprintf(stderr, "costmodel: out of memory\n");
        return 1;
    }
    snprintf(line, sizeof(line),
             "H xr-costmodel 1 skylake pcid=%lu global=%lu dmap_small_mb=%lu%s\n", pcid, global,
             small_mb, linux ? " linux=1" : "");
    emit(line);
    if (table)
        print_table();
    if (at_mark)
        qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate_idle);
    else
        on_reset(id);
    return 0;
}
