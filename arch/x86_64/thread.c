/* x86_64 threads: the initial kernel stacks of new threads, the switch between threads
 * (FPU state, the per-CPU entry stack pointer), and the system-call glue between the
 * entry code and the generic kernel. */
#include "arch/arch.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"
#include "kernel/string.h"
#include "xr/syscall.h"

_Static_assert(ASM_SYS_CALL == XR_SYS_CALL && ASM_SYS_REPLY_RECV == XR_SYS_REPLY_RECV &&
                   ASM_SYS_COUNT == XR_SYS_COUNT,
               "asm.h's copies of the system-call numbers");
_Static_assert(XR_TAG_CAPS(ASM_TAG_CAPS_MASK) == 0xff && XR_TAG_CAPS(~ASM_TAG_CAPS_MASK) == 0 &&
                   XR_TAG_LEN(0xff) == 0xff && XR_TAG_LEN(0x100) == 0 &&
                   ASM_MSG_REGS == XR_MSG_REGS && ASM_MSG_MAX == XR_MSG_MAX,
               "asm.h's copies of the tag layout: the entry code tests the fastpath's tags");
_Static_assert(__builtin_offsetof(arch_thread_t, kstack_top) == ARCH_THREAD_KSTACK_TOP,
               "trap_entry.S finds a thread's frame through it");

bool smap_enabled;

/* Lay out the six callee-saved registers and a return address for arch_context_switch. */
static uint64_t push_switch_frame(uint64_t sp, void (*ret)(void), uint64_t r12, uint64_t r13)
{
    uint64_t *s = (uint64_t *)sp;
    *--s = (uint64_t)ret;
    *--s = 0;   /* rbp */
    *--s = 0;   /* rbx */
    *--s = r12; /* r12 */
    *--s = r13; /* r13 */
    *--s = 0;   /* r14 */
    *--s = 0;   /* r15 */
    return (uint64_t)s;
}

static struct trap_frame *user_frame(arch_thread_t *t)
{
    return (struct trap_frame *)(t->kstack_top - sizeof(struct trap_frame));
}

void arch_thread_init_user(arch_thread_t *t, uint64_t kstack_top, void *fpu_page)
{
    t->kstack_top = kstack_top;
    t->fpu = fpu_page;
    t->fpu_eager = 0; /* lazy until its first FPU instruction */
    arch_fpu_area_init(fpu_page);
    struct trap_frame *f = user_frame(t);
    memset(f, 0, sizeof(*f));
    f->cs = SEL_UCODE;
    f->ss = SEL_UDATA;
    f->rflags = 0x202; /* IF */
    f->vector = VECTOR_SYSCALL;
    t->ksp = push_switch_frame((uint64_t)f, thread_user_start, 0, 0);
}

void arch_thread_init_kernel(arch_thread_t *t, uint64_t kstack_top, void (*fn)(void *), void *arg)
{
    t->kstack_top = kstack_top;
    t->fpu = NULL;
    t->fpu_eager = 0; /* never: the kernel does not use the FPU */
    t->ksp = push_switch_frame(kstack_top - 16, thread_kernel_start, (uint64_t)fn, (uint64_t)arg);
}

void arch_thread_set_user(arch_thread_t *t, uint64_t rip, uint64_t rsp, uint64_t arg)
{
    struct trap_frame *f = user_frame(t);
    f->rip = rip;
    f->rsp = rsp;
    f->rdi = arg;
}

/* The entry code's dispatch tables and labels (trap_entry.S), one set per entry point:
 * suffix smp, then kpti. */
typedef void (*entry_label_t)(void);
#define ENTRY_SET(sk)                                                                              \
    extern entry_label_t syscall_jump##sk[ASM_SYS_COUNT];                                          \
    extern void syscall_slow##sk(void), syscall_call##sk(void), syscall_reply_recv##sk(void)
ENTRY_SET(00);
ENTRY_SET(01);
ENTRY_SET(10);
ENTRY_SET(11);

static const struct {
    entry_label_t *jump, slow, call, reply_recv;
} entry_sets[] = {
    {syscall_jump00, syscall_slow00, syscall_call00, syscall_reply_recv00},
    {syscall_jump01, syscall_slow01, syscall_call01, syscall_reply_recv01},
    {syscall_jump10, syscall_slow10, syscall_call10, syscall_reply_recv10},
    {syscall_jump11, syscall_slow11, syscall_call11, syscall_reply_recv11},
};

void arch_syscall_fastpath(bool on)
{
    for (unsigned i = 0; i < sizeof entry_sets / sizeof entry_sets[0]; i++) {
        entry_sets[i].jump[XR_SYS_CALL] = on ? entry_sets[i].call : entry_sets[i].slow;
        entry_sets[i].jump[XR_SYS_REPLY_RECV] = on ? entry_sets[i].reply_recv : entry_sets[i].slow;
    }
}

/* arch_thread_park (arch.h) only marks the thread: its stack may still be in use (the
 * fastpath runs on it); the resume frame is laid out when something switches to it. */
void arch_switch(arch_thread_t *from, arch_thread_t *to)
{
    arch_fpu_switch(from, to);
    if (to->fpu)
        this_cpu()->kstack = to->kstack_top;
    if (to->parked) {
        to->ksp = push_switch_frame((uint64_t)user_frame(to), thread_syscall_resume, 0, 0);
        to->parked = false;
    }
    arch_context_switch(&from->ksp, to->ksp);
}

static bool kpti_on;

uint64_t syscall_entry_for(bool smp)
{
    static const entry_label_t entries[2][2] = {{syscall_entry, syscall_entry_kpti},
                                                {syscall_entry_smp, syscall_entry_smp_kpti}};
    return (uint64_t)entries[smp][kpti_on];
}

void cpu_local_setup(unsigned cpu)
{
    struct cpu_local *c = percpu_of(cpu);
    c->kpti = kpti_on;
    wrmsr(MSR_LSTAR, syscall_entry_for(cpu != 0)); /* smp.c switches 0 */
    c->cr3_noflush = arch_pcid_enabled() ? 1ul << 63 : 0;
    c->user_cr3_bits = 0x1000 | (arch_pcid_enabled() ? 0x800 : 0);
}

void arch_cpu_local_init(bool kpti)
{
    kpti_on = kpti;
    cpu_local_setup(0);
    smap_enabled = arch_cpu_info()->smap;
}

static bool user_range_ok(uint64_t addr, size_t n)
{
    return addr + n >= addr && addr + n <= 0x0000800000000000ul;
}

kerr_t arch_copy_from_user(void *dst, uint64_t usrc, size_t n)
{
    if (!user_range_ok(usrc, n))
        return XR_EFAULT;
    return arch_copy_user(dst, (const void *)usrc, n);
}

kerr_t arch_copy_to_user(uint64_t udst, const void *src, size_t n)
{
    if (!user_range_ok(udst, n))
        return XR_EFAULT;
    return arch_copy_user((void *)udst, src, n);
}
