/* Kernel printing: kprintf always prints; klog prints when the level is enabled
 * (log= on the command line); panic reports and stops. */
#ifndef KERNEL_LOG_H
#define KERNEL_LOG_H

#include "config.h" /* CONFIG_DEBUG, below: without it every kassert vanished silently */
#include "lib/cmdline.h"
#include "lib/types.h"

/* printf to the console (see lib/format.h for the conversions). Takes console_lock. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
/* Print when level <= the current log level. */
void klog(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_set_level(int level);
int log_get_level(void);

#define log_error(...) klog(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  klog(LOG_WARN, __VA_ARGS__)
#define log_info(...)  klog(LOG_INFO, __VA_ARGS__)
#define log_debug(...) klog(LOG_DEBUG, __VA_ARGS__)

/* A kernel invariant is broken: print the message and a backtrace, then stop
 * (under test= the emulator exits with the failure status). Never for bad user input. */
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Checks that vanish in release builds (CONFIG_DEBUG=0). */
#if CONFIG_DEBUG
#define kassert(c)                                                                                 \
    do {                                                                                           \
        if (unlikely(!(c)))                                                                        \
            panic("assertion failed: %s at %s:%d", #c, __FILE__, __LINE__);                        \
    } while (0)
#else
#define kassert(c) ((void)0)
#endif

#endif
