/* kmain: the C entry of the boot CPU. Parses what GRUB handed over, prints the
 * banner, brings up the subsystems in order and runs what the command line asks. */
#include "arch/arch.h"
#include "config.h"
#include "drivers/console.h"
#include "drivers/rtc.h"
#include "ipc/ipc.h"
#include "kernel/boot_screen.h"
#include "kernel/gdb.h"
#include "kernel/kernel.h"
#include "kernel/ktest.h"
#include "kernel/log.h"
#include "kernel/power.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "mm/mm.h"
#include "sched/sched.h"

#define MB2_INFO_MAX (1u << 20) /* never trust a boot-information size above 1 MiB */

config_t kconfig;
mb2_info_t kboot;

static void cmdline_warn(const char *msg, const char *word, size_t len)
{
    log_warn("cmdline: %s: '%.*s' (ignored)\n", msg, (int)len, word);
}

static void boot_parse_info(uint32_t mb_phys)
{
    const uint8_t *info = arch_phys_to_virt(mb_phys);
    uint32_t total = 0;
    if (mb_phys)
        __builtin_memcpy(&total, info, sizeof(total));
    unsigned problems =
        mb2_parse(mb_phys ? info : NULL, total < MB2_INFO_MAX ? total : MB2_INFO_MAX, &kboot);
    for (unsigned i = 0; i < kboot.warning_count; i++)
        log_warn("multiboot2: %s\n", kboot.warnings[i]);
    if (problems)
        log_warn("multiboot2: %u problem(s) in the boot information; bad parts ignored\n",
                 problems);
}

static void banner_cpu(void)
{
    const arch_cpu_info_t *c = arch_cpu_info();
    kprintf("cpu: %s \"%s\" family %u model %u stepping %u\n", c->vendor, c->model, c->family,
            c->model_id, c->stepping);
    kprintf("cpu: nx=%d smep=%d smap=%d umip=%d pcid=%d invpcid=%d x2apic=%d xsave=%d\n", c->nx,
            c->smep, c->smap, c->umip, c->pcid, c->invpcid, c->x2apic, c->xsave);
}

static void banner_acpi(void)
{
    if (!kboot.rsdp_version) {
        kprintf("acpi: no RSDP from the boot loader\n");
        return;
    }
    const uint8_t *r = kboot.rsdp;
    uint32_t rsdt;
    uint64_t xsdt = 0;
    __builtin_memcpy(&rsdt, r + 16, 4);
    if (kboot.rsdp_version == 2)
        __builtin_memcpy(&xsdt, r + 24, 8);
    kprintf("acpi: rsdp v%u at %p (copy in boot info, oem \"%.6s\") rsdt=%x xsdt=%lx\n",
            kboot.rsdp_version, (void *)arch_virt_to_phys(r), (const char *)r + 9, rsdt, xsdt);
}

static void banner(void)
{
    kprintf("\nx-realism %s (%s, %s build)\n", CONFIG_VERSION, CONFIG_COMPILER,
            CONFIG_DEBUG ? "debug" : "release");
    kprintf("boot: loader \"%s\", command line \"%s\"\n", kboot.loader, kboot.cmdline);
    kprintf("mem: %lu MiB usable in %u map entries\n", mb2_usable_bytes(&kboot) >> 20,
            kboot.mmap_count);
    kprintf("modules: %u\n", kboot.module_count);
    for (unsigned i = 0; i < kboot.module_count; i++)
        kprintf("  module %u: \"%s\" at %x-%x (%u KiB)\n", i, kboot.modules[i].name,
                kboot.modules[i].start, kboot.modules[i].end,
                (kboot.modules[i].end - kboot.modules[i].start + 1023) / 1024);
    boot_screen_banner(&kboot);
    banner_cpu();
    banner_acpi();
    kprintf("config: fastpath=%d kpti=%d pcid=%d smp=%d workers=%lx fpu=%d test=%s log=%d\n",
            kconfig.fastpath, kconfig.kpti, kconfig.pcid, kconfig.smp, kconfig.workers, kconfig.fpu,
            kconfig.test[0] ? kconfig.test : "none", kconfig.log);
}

/* Recurse until the guard page under the stack is hit: the page fault cannot be pushed
 * on the overflowed stack, so the CPU raises a double fault, which runs on its own IST
 * stack and reports. */
static volatile uint64_t overflow_limit =
    UINT64_MAX; /* volatile: the compiler cannot see the end */

static uint64_t overflow_recurse(uint64_t depth)
{
    volatile uint8_t pad[512];
    pad[0] = (uint8_t)depth;
    if (depth + pad[0] < overflow_limit)
        depth += overflow_recurse(depth + 1); /* not a tail call: each level keeps its frame */
    return depth + pad[0];
}

static void overflow_start(void *arg)
{
    (void)arg;
    overflow_recurse(0);
}

static void run_stack_overflow(void)
{
    uint64_t top = mm_kstack_alloc();
    if (!top)
        panic("test: no kernel stack");
    arch_expect_fatal_trap(8, "fault/kernel_stack_overflow_double_fault");
    arch_call_on_stack(top, overflow_start, NULL);
}

/* test=kernel runs every self-test; test=kernel/PREFIX only those under PREFIX;
 * test=boot only checks that boot got this far; test=overflow overflows a kernel
 * stack on purpose and passes when the double fault is reported; test=reboot resets the
 * machine through ACPI (kernel/power.c). */
static void run_tests(void)
{
    const char *t = kconfig.test;
    int failed;
    if (strcmp(t, "boot") == 0) {
        kprintf("ok boot/banner\n1 passed, 0 failed\n");
        failed = 0;
    } else if (strcmp(t, "reboot") == 0) {
        kprintf("ok power/reboot_requested\n1 passed, 0 failed\n");
        power_reboot(); /* QEMU -no-reboot exits on the reset */
    } else if (strcmp(t, "overflow") == 0) {
        run_stack_overflow();
        failed = 1;
    } else if (strncmp(t, "kernel", 6) == 0 && (t[6] == 0 || t[6] == '/')) {
        failed = ktest_run_all(t[6] ? t + 7 : "");
    } else {
        return; /* test=user, test=bench, ...: run by init */
    }
    arch_exit_emulator(failed == 0);
}

/* The memory map and what to keep in it, for mm_init, from the multiboot2 information. */
static const mm_boot_memory_t *boot_memory(uint32_t mb_phys)
{
    static mm_range_t ram[MB2_MAX_MMAP], keep[MB2_MAX_MODULES + 1];
    static mm_boot_memory_t mem = {ram, 0, keep, 0};
    for (unsigned i = 0; i < kboot.mmap_count; i++)
        if (kboot.mmap[i].type == MB2_MEMORY_USABLE)
            ram[mem.ram_count++] =
                (mm_range_t){kboot.mmap[i].base, kboot.mmap[i].base + kboot.mmap[i].length};
    keep[mem.keep_count++] = (mm_range_t){mb_phys, mb_phys + kboot.total_size};
    for (unsigned i = 0; i < kboot.module_count; i++)
        keep[mem.keep_count++] = (mm_range_t){kboot.modules[i].start, kboot.modules[i].end};
    return &mem;
}

void kmain(uint32_t mb_phys)
{
    console_init();
    arch_init();
    sched_bind_cpu(0);
    boot_parse_info(mb_phys);
    config_defaults(&kconfig);
    cmdline_parse(kboot.cmdline, &kconfig, cmdline_warn);
    log_set_level(kconfig.log);
    boot_screen_setup(&kboot);
    gdb_init(&kconfig); /* gdb=wait stops here */
    banner();
    mm_init(boot_memory(mb_phys), kconfig.kpti);
    boot_screen_map(&mm_kernel_pt_ops);
    unsigned cpus = smp_plan();
    power_init();
    if (cpus > 1 && kconfig.pcid)
        kprintf("smp: PCIDs off with several cores (no per-core PCID bookkeeping yet)\n");
    arch_pcid_setup(kconfig.pcid && cpus == 1);
    arch_fpu_init((unsigned)kconfig.fpu);
    arch_cpu_local_init(kconfig.kpti);
    mm_objects_init();
    process_init();
    ipc_init();
    syscall_table_check();
    ipc_fastpath_enabled = kconfig.fastpath;
    arch_syscall_fastpath(kconfig.fastpath);
    sched_init();
    arch_timer_init(SCHED_HZ, &mm_kernel_pt_ops);
    rtc_init(); /* after the timer: it needs the timestamp counter's rate */
    smp_start(cpus);
    gdb_late_init(); /* Ctrl-C from GDB: COM2's interrupt */

    if (kconfig.test[0] && strncmp(kconfig.test, "kernel", 6) == 0)
        run_tests();
    if (strcmp(kconfig.test, "boot") == 0 || strcmp(kconfig.test, "overflow") == 0 ||
        strcmp(kconfig.test, "reboot") == 0)
        run_tests();
    initproc_start();
    sched_start();
}
