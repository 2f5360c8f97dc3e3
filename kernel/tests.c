/* Self-tests of the generic kernel foundation: formatting, command line, boot
 * information, symbols and string routines. */
#include "arch/arch.h"
#include "kernel/kernel.h"
#include "kernel/ksyms.h"
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "lib/format.h"

KTEST(kernel, format)
{
    char buf[64];
    format_snprintf(buf, sizeof(buf), "%d|%5u|%-4x|%08lx|%s|%c|%%", -42, 7u, 0xabu, 0xbeefUL, "hi",
                    'z');
    KT_ASSERT(strcmp(buf, "-42|    7|ab  |0000beef|hi|z|%") == 0);
    format_snprintf(buf, sizeof(buf), "%p", (void *)0xffffffff80100000ul);
    KT_ASSERT(strcmp(buf, "0xffffffff80100000") == 0);
    KT_EQ(format_snprintf(buf, 4, "%s", "truncated"), 9);
    KT_ASSERT(strcmp(buf, "tru") == 0);
}

KTEST(kernel, cmdline)
{
    config_t c;
    config_defaults(&c);
    int warnings = cmdline_parse("kpti=0 fastpath=0 smp=2 bogus=1 test=kernel log=debug", &c, NULL);
    KT_EQ(warnings, 1);
    KT_EQ(c.kpti, 0);
    KT_EQ(c.fastpath, 0);
    KT_EQ(c.smp, 2);
    KT_EQ(c.log, LOG_DEBUG);
    KT_ASSERT(strcmp(c.test, "kernel") == 0);
}

KTEST(boot, multiboot2_info)
{
    KT_ASSERT(kboot.mmap_count > 0);
    KT_ASSERT(mb2_usable_bytes(&kboot) >= (16u << 20));
    KT_ASSERT(kboot.total_size >= 16);
    KT_ASSERT(strncmp(kconfig.test, "kernel", 6) == 0); /* the command line reached kconfig */
}

KTEST(kernel, ksyms)
{
    uint64_t off = 1;
    const char *name = ksyms_lookup((uint64_t)kmain + 3, &off);
    KT_ASSERT(ksyms_count() > 10);
    KT_ASSERT(name && strcmp(name, "kmain") == 0);
    KT_EQ(off, 3);
    KT_EQ(ksyms_address("kmain"), (uint64_t)kmain);
    KT_ASSERT(ksyms_lookup(0x1000, &off) == NULL);
}

KTEST(kernel, string)
{
    char b[16] = "abcdefgh";
    memmove(b + 2, b, 6);
    KT_ASSERT(memcmp(b, "ababcdef", 8) == 0);
    memmove(b, b + 2, 6);
    KT_ASSERT(memcmp(b, "abcdefef", 8) == 0);
    KT_EQ(strnlen("abc", 2), 2);
    KT_ASSERT(strcmp("a", "b") < 0 && strncmp("abx", "aby", 2) == 0);
}

/* GRUB loaded the "motd" module (iso/motd.txt) and passed its name. */
KTEST(boot, module_named)
{
    const mb2_module_t *m = NULL;
    for (unsigned i = 0; i < kboot.module_count; i++)
        if (strcmp(kboot.modules[i].name, "motd") == 0)
            m = &kboot.modules[i];
    KT_ASSERT(m);
    KT_ASSERT(m->end > m->start && m->start % 4096 == 0); /* page-aligned, as the header asks */
    KT_ASSERT(memcmp(arch_phys_to_virt(m->start), "x-realism boot module", 21) == 0);
}
