/* The system-call ABI: numbers, argument registers, flags and the boot-information page
 * the kernel gives init. Shared by the kernel and user space; docs/syscalls.md explains it.
 *
 * Convention: `syscall` with the number in RAX and up to six arguments in RDI, RSI, RDX,
 * R10, R8, R9. The kernel returns an error code (XR_OK or XR_E*, include/xr/error.h) in
 * RAX and a result value in RDX; it preserves every other register except RCX and R11,
 * which the instruction itself clobbers. Caps are slot numbers (xr_cap_t). */
#ifndef XR_SYSCALL_H
#define XR_SYSCALL_H

#include <stdint.h>

#include "xr/cap.h"
#include "xr/error.h"
#include "xr/ipc.h"
#include "xr/slots.h" /* XR_SLOT_*, XR_SLOTS and the protocols' well-known slots */

enum xr_syscall {
    XR_SYS_NULL = 0,         /* () -> nothing: the cheapest round trip, for benchmarks */
    XR_SYS_DEBUG_WRITE,      /* (const char *buf, len) print on the kernel console (len <= 1024) */
    XR_SYS_EXIT,             /* (code) end the calling process; does not return */
    XR_SYS_YIELD,            /* () give the CPU to the next thread of the same priority */
    XR_SYS_SLEEP,            /* (microseconds) block at least that long */
    XR_SYS_INFO,             /* (what) -> value, what = XR_INFO_* */
    XR_SYS_CAP_COPY,         /* (src, dst, rights_mask, badge) derived copy in the caller's table */
    XR_SYS_CAP_MOVE,         /* (src, dst) */
    XR_SYS_CAP_DELETE,       /* (slot) */
    XR_SYS_CAP_REVOKE,       /* (slot) delete every cap derived from slot */
    XR_SYS_CAP_IDENTIFY,     /* (slot) -> type | rights << 8 */
    XR_SYS_PROCESS_CREATE,   /* (quota_frames, dst, kernel_frames, pt_frames) new empty process
                                with a budget of quota_frames, of which at most kernel_frames
                                kernel-pool and pt_frames page-table frames (0: a default);
                                all three are carved from the caller's */
    XR_SYS_PROCESS_STATUS,   /* (proc) -> XR_PROC_* | code << 8 */
    XR_SYS_PROCESS_KILL,     /* (proc) */
    XR_SYS_PROCESS_GIVE_CAP, /* (proc, src, dst, rights_mask) copy one of the caller's caps into
                                proc */
    XR_SYS_MAP_ANON,         /* (proc, va, flags) a new zeroed page at va, charged to proc */
    XR_SYS_MAP_MEMORY,       /* (proc, mem, offset, va, flags) a page of a memory object */
    XR_SYS_UNMAP,            /* (proc, va) */
    XR_SYS_PROTECT,          /* (proc, va, flags) */
    XR_SYS_MEM_WRITE,        /* (proc, va, const void *buf, len) copy caller bytes into proc */
    XR_SYS_THREAD_CREATE,    /* (proc, dst) a new thread, stopped */
    XR_SYS_THREAD_SET_REGS,  /* (thread, rip, rsp, arg) rdi = arg at start */
    XR_SYS_THREAD_SET_PRIO,  /* (thread, priority 0..255, higher runs first) */
    XR_SYS_THREAD_SET_AFFINITY, /* (thread, cpu) the CPU it runs on (XR_CPU_ANY: the least loaded
                                   at its start); a new thread runs on its creator's */
    XR_SYS_THREAD_START,        /* (thread) */
    XR_SYS_THREAD_STATUS,       /* (thread) -> XR_THREAD_* */
    XR_SYS_IOPORT_IN,           /* (ioport, port, width 1|2|4) -> value */
    XR_SYS_IOPORT_OUT,          /* (ioport, port, width, value) */
    XR_SYS_THREAD_EXIT, /* () end the calling thread; the last one ends the process (code 0) */
    /* IPC (include/xr/ipc.h, docs/ipc.md): the message-register convention */
    XR_SYS_SEND,              /* (ep, tag, w0..w3) */
    XR_SYS_NBSEND,            /* (ep, tag, w0..w3) XR_EAGAIN when no receiver waits */
    XR_SYS_RECV,              /* (ep) -> badge, tag, w0..w3 */
    XR_SYS_POLL,              /* (ep) XR_EAGAIN when no sender waits */
    XR_SYS_CALL,              /* (ep, tag, w0..w3) -> the reply */
    XR_SYS_REPLY,             /* (-, tag, w0..w3) to the last caller */
    XR_SYS_REPLY_RECV,        /* (ep, tag, w0..w3) reply, then receive */
    XR_SYS_ENDPOINT_CREATE,   /* (dst) a new endpoint, charged to the caller */
    XR_SYS_NOTIFY_CREATE,     /* (dst) a new notification */
    XR_SYS_SIGNAL,            /* (ntfn) OR the cap's badge into the word (badge 0: bit 0) */
    XR_SYS_WAIT,              /* (ntfn) -> the bits in w0, cleared */
    XR_SYS_NOTIFY_POLL,       /* (ntfn) -> the bits in w0, cleared; XR_EAGAIN when none */
    XR_SYS_NOTIFY_BIND,       /* (ntfn, thread) a recv of that thread also returns on a signal */
    XR_SYS_THREAD_SET_IPCBUF, /* (thread, va) its IPC buffer: a writable page it owns */
    XR_SYS_THREAD_SET_FAULT,  /* (thread, ep) its faults become calls on ep (0: none) */
    XR_SYS_MEMORY_CREATE,     /* (pages 1..1024, dst) a memory object of zeroed frames, charged
                                 to the caller; its cap (R|W|G) goes to dst */
    XR_SYS_IRQ_BIND,          /* (irq, ntfn) each interrupt on the line signals ntfn (its
                                 cap's badge, 0: bit 0); ntfn 0 unbinds and masks the line */
    XR_SYS_PROCESS_WATCH,     /* (proc, ntfn, bits) when proc ends, OR bits into ntfn (at once if
                                 it has ended); XR_PROC_WATCHES watchers per process */
    XR_SYS_COUNT
};

/* Mapping flags (XR_SYS_MAP_*, XR_SYS_PROTECT): readable always; write and exec never together. */
#define XR_MAP_WRITE 1u
#define XR_MAP_EXEC  2u

/* XR_SYS_INFO */
enum xr_info {
    XR_INFO_FRAMES_FREE = 0, /* free physical frames, all pools */
    XR_INFO_QUOTA_USED,      /* frames charged to the calling process */
    XR_INFO_QUOTA_LIMIT,
    XR_INFO_TICKS,   /* timer ticks since boot */
    XR_INFO_TICK_US, /* microseconds per tick */
    XR_INFO_CPU,     /* the CPU the caller runs on */
    XR_INFO_OBJECTS, /* kernel objects alive (processes + threads + others) */
    XR_INFO_PROCESSES,
    XR_INFO_THREADS,
    XR_INFO_FASTPATH,           /* 1 when the IPC fastpath is on (fastpath= on the command line) */
    XR_INFO_FASTPATH_HITS,      /* IPCs the fastpath has handled */
    XR_INFO_KERNEL_CACHED,      /* frames the kernel's object caches hold (slabs, spares too) */
    XR_INFO_QUOTA_KERNEL_USED,  /* the caller's frames, per pool: kernel objects and stacks */
    XR_INFO_QUOTA_PT_USED,      /* page tables */
    XR_INFO_QUOTA_USER_USED,    /* user frames (bounded by XR_INFO_QUOTA_LIMIT alone) */
    XR_INFO_QUOTA_KERNEL_LIMIT, /* the limits of the two small pools, inside the total */
    XR_INFO_QUOTA_PT_LIMIT,
    XR_INFO_REAP_LONGEST,   /* the most objects one teardown has handled (iteratively) */
    XR_INFO_CPUS,           /* CPUs online */
    XR_INFO_SHOOTDOWNS,     /* TLB shootdown requests sent to other CPUs since boot */
    XR_INFO_CPU_TICKS,      /* timer interrupts the caller's CPU has taken since boot */
    XR_INFO_WORKERS,        /* the worker cores (bit n: CPU n), workers= on the command line */
    XR_INFO_CPU_IDLE_TICKS, /* of the caller CPU's ticks, those taken while it was idle */
    XR_INFO_CPU_BUSY_TICKS, /* ... and while it ran a thread (idle + busy = XR_INFO_CPU_TICKS) */
    XR_INFO_CPU_SWITCHES,   /* thread switches the caller's CPU has made since boot */
    XR_INFO_TIMESTAMP_HZ,   /* the timestamp counter's (rdtsc) ticks per second */
    XR_INFO_BOOT_UNIX,      /* Unix time the CMOS clock gave at boot (0 if it was no date)... */
    XR_INFO_BOOT_TIMESTAMP, /* ...and the timestamp counter at that moment */
    XR_INFO_FPU_TRAPS,      /* FPU first uses by threads running lazily (#NM), all CPUs */
    XR_INFO_COUNT
};

/* XR_SYS_THREAD_SET_AFFINITY: any CPU, the least loaded when the thread starts. */
#define XR_CPU_ANY 0xffffffffu

/* The largest budget XR_SYS_PROCESS_CREATE accepts (larger: XR_ENOMEM). */
#define XR_QUOTA_MAX (1ul << 40)

/* XR_SYS_PROCESS_WATCH: how many notifications may watch one process (its parent and init). */
#define XR_PROC_WATCHES 2

/* XR_SYS_PROCESS_STATUS: low byte; the exit code or fault vector in bits 8.. */
#define XR_PROC_RUNNING 1u
#define XR_PROC_EXITED  2u /* called XR_SYS_EXIT; code in bits 8.. */
#define XR_PROC_KILLED                                                                             \
    3u /* a fault with no handler (vector in bits 8..) or XR_SYS_PROCESS_KILL (0xff) */

/* XR_SYS_THREAD_STATUS */
#define XR_THREAD_STOPPED  1u
#define XR_THREAD_RUNNABLE 2u
#define XR_THREAD_BLOCKED  3u
#define XR_THREAD_DEAD     4u

/* The boot-information page the kernel maps read-only into init at XR_BOOTINFO_VA; its
 * address also arrives in RDI at init's entry. */
#define XR_BOOTINFO_VA          0x0000000000200000ul
#define XR_BOOTINFO_MAX_MODULES 16
typedef struct xr_bootinfo {
    uint64_t magic; /* XR_BOOTINFO_MAGIC */
    char cmdline[256];
    uint32_t module_count;
    uint32_t reserved;
    struct {
        char name[32];
        uint64_t size; /* bytes */
        xr_cap_t cap;  /* memory cap of the module */
        uint32_t reserved;
    } modules[XR_BOOTINFO_MAX_MODULES];
    uint64_t quota_frames; /* init's quota */
    uint8_t isa_gsi[16];   /* the interrupt line (GSI, slot XR_SLOT_FIRST_IRQ + n) of ISA IRQ i,
                            * after the ACPI MADT's overrides (the PIT's IRQ 0 is often GSI 2) */
    uint32_t cpus;         /* CPUs online */
} xr_bootinfo_t;
#define XR_BOOTINFO_MAGIC 0x6f666e69746f6f62ul /* "bootinfo" */
_Static_assert(sizeof(xr_bootinfo_t) <= 4096, "the boot information fits one page");

/* Where a user program's initial stack ends (it grows down from here). */
#define XR_USER_STACK_TOP   0x00007ffffff00000ul
#define XR_USER_STACK_PAGES 16

#endif
