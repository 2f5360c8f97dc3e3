/* kprintf, klog and panic on top of the format engine and the console. */
#include "kernel/log.h"
#include "arch/arch.h"
#include "drivers/console.h"
#include "kernel/gdb.h"
#include "kernel/kernel.h"
#include "lib/format.h"

#define LINE_MAX 256

static int log_level = LOG_INFO;

struct line_buf {
    char buf[LINE_MAX];
    size_t len;
};

static void line_put(char c, void *arg)
{
    struct line_buf *lb = arg;
    if (lb->len == sizeof(lb->buf)) {
        console_write(lb->buf, lb->len);
        lb->len = 0;
    }
    lb->buf[lb->len++] = c;
}

int kvprintf(const char *fmt, va_list ap)
{
    struct line_buf lb;
    lb.len = 0;
    int n = format_v(line_put, &lb, fmt, ap);
    console_write(lb.buf, lb.len);
    return n;
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}

void klog(int level, const char *fmt, ...)
{
    if (level > log_level)
        return;
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

void log_set_level(int level)
{
    log_level = level;
}
int log_get_level(void)
{
    return log_level;
}

void panic(const char *fmt, ...)
{
    arch_irq_disable();
    kprintf("\nPANIC: ");
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf("\n");
    arch_backtrace(0, 0, 16);
    gdb_panic(); /* with gdb=com2 or gdb=wait: wait for GDB to inspect the crash */
    if (kconfig.test[0]) {
        kprintf("0 passed, 1 failed\n");
        arch_exit_emulator(false);
    }
    arch_halt_forever();
}
