/* User tests of the system-call boundary: bad pointers, bad numbers, bad arguments all
 * return errors; then a child makes 10,000 random system calls and the kernel is still
 * healthy afterwards, with nothing leaked. */
#include "user/child/child_modes.h"
#include "utest.h"

#define FUZZ_CALLS  10000
#define FUZZ_VICTIM 120

UTEST(user, syscall_bad_pointers)
{
    char ok[8] = "x";
    UT_EQ(xr_debug_write((const char *)0xffffffff80100000ul, 10), XR_EFAULT);
    UT_EQ(xr_debug_write((const char *)0x70000000ul, 10), XR_EFAULT);       /* unmapped */
    UT_EQ(xr_debug_write((const char *)0x7ffffffffff0ul, 0x20), XR_EFAULT); /* past the end */
    UT_EQ(xr_debug_write((const char *)~0ul, 2), XR_EFAULT);                /* wraps */
    UT_EQ(xr_debug_write(ok, 5000), XR_ERANGE);
    UT_EQ(xr_process_create(64, UT_SLOT_PROC), XR_OK);
    UT_EQ(xr_map_anon(UT_SLOT_PROC, 0x400000, 0), XR_OK);
    UT_EQ(xr_mem_write(UT_SLOT_PROC, 0x400000, (const void *)0xffff800000000000ul, 8), XR_EFAULT);
    UT_EQ(xr_mem_write(UT_SLOT_PROC, 0x400000, (const void *)0x70000000ul, 8), XR_EFAULT);
    UT_EQ(xr_mem_write(UT_SLOT_PROC, 0x401000, ok, 8), XR_EFAULT); /* not mapped there */
    UT_EQ(xr_mem_write(UT_SLOT_PROC, 0x400ffc, ok, 8), XR_EFAULT); /* runs off the page */
    UT_EQ(xr_mem_write(UT_SLOT_PROC, 0x400000, ok, 8), XR_OK);
    UT_EQ(xr_process_kill(UT_SLOT_PROC), XR_OK);
    UT_EQ(xr_cap_delete(UT_SLOT_PROC), XR_OK);
}

UTEST(user, syscall_bad_arguments)
{
    UT_EQ(xr_syscall0(XR_SYS_COUNT), XR_ENOSYS);
    UT_EQ(xr_syscall0(1000), XR_ENOSYS);
    UT_EQ(xr_syscall0(-1), XR_ENOSYS);
    UT_EQ(xr_syscall1(XR_SYS_INFO, 999), XR_EINVAL);
    UT_EQ(xr_map_anon(XR_SLOT_SELF, 0xffffffff80000000ul, 0), XR_EINVAL); /* kernel half */
    UT_EQ(xr_map_anon(XR_SLOT_SELF, 0x70000123, 0), XR_EINVAL);           /* unaligned */
    UT_EQ(xr_map_anon(XR_SLOT_SELF, 0x70000000, XR_MAP_WRITE | XR_MAP_EXEC), XR_EINVAL); /* W^X */
    UT_EQ(xr_map_anon(XR_SLOT_SELF, 0x70000000, 0x80), XR_EINVAL);
    UT_EQ(xr_map_anon(XR_SLOT_SELF, 0x7ffffffff000ul, 0), XR_EINVAL); /* the last page */
    UT_EQ(xr_map_anon(XR_SLOT_SELF, 0x70000000, XR_MAP_WRITE), XR_OK);
    UT_EQ(xr_protect(XR_SLOT_SELF, 0x70000000, XR_MAP_WRITE | XR_MAP_EXEC), XR_EINVAL);
    UT_EQ(xr_map_anon(XR_SLOT_SELF, 0x70000000, XR_MAP_WRITE), XR_EEXIST);
    UT_EQ(xr_unmap(XR_SLOT_SELF, 0x70000000), XR_OK);
    UT_EQ(xr_unmap(XR_SLOT_SELF, 0x70000000), XR_ENOENT);
    UT_EQ(xr_thread_create(XR_SLOT_SELF, XR_SLOT_SELF), XR_EBUSY); /* the slot is taken */
    UT_EQ(xr_cap_copy(XR_SLOT_SELF, XR_SLOT_NULL, XR_RIGHTS_ALL, 0), XR_ERANGE);
    UT_EQ(xr_cap_copy(XR_SLOT_SELF, 130, 0x100, 0), XR_EINVAL);
    uint32_t v;
    UT_EQ(xr_ioport_in(XR_SLOT_IOPORTS, 0x80, 3, &v), XR_EINVAL);
    UT_EQ(xr_ioport_in(XR_SLOT_IOPORTS, 0xffff, 2, &v), XR_EPERM); /* runs past the range */
    UT_EQ(xr_map_memory(XR_SLOT_SELF, XR_SLOT_FIRST_MODULE, 1ul << 40, 0x70000000, 0), XR_ERANGE);
}

UTEST(user, sysret_hole_closed)
{
    /* a thread may not be sent to a non-canonical or kernel address */
    UT_EQ(xr_thread_create(XR_SLOT_SELF, UT_SLOT_SCRATCH), XR_OK);
    UT_EQ(xr_thread_set_regs(UT_SLOT_SCRATCH, 0x800000000000ul, 0, 0), XR_EINVAL);
    UT_EQ(xr_thread_set_regs(UT_SLOT_SCRATCH, 0xffffffff80100000ul, 0, 0), XR_EINVAL);
    UT_EQ(xr_thread_set_regs(UT_SLOT_SCRATCH, 0x7ffffffff000ul, 0, 0), XR_EINVAL);
    UT_EQ(xr_cap_delete(UT_SLOT_SCRATCH), XR_OK); /* a stopped thread with no cap left */
}

/* 10,000 random calls from a child that holds a full cap to a victim process, a memory
 * cap and nothing else; it must finish them all (never be killed by the kernel's doing),
 * and afterwards the kernel must still work and every frame must be back. */
UTEST(user, syscall_fuzz_10000)
{
    size_t size;
    UT_ASSERT(ut_module("child", &size)); /* mapped before the counts: its tables stay */
    /* the endpoint, notification and memory-object caches keep one slab page once used:
     * make them now */
    UT_EQ(xr_syscall1(XR_SYS_ENDPOINT_CREATE, UT_SLOT_SCRATCH), XR_OK);
    UT_EQ(xr_syscall1(XR_SYS_NOTIFY_CREATE, UT_SLOT_SCRATCH + 1), XR_OK);
    UT_EQ(xr_memory_create(1, UT_SLOT_SCRATCH + 2), XR_OK);
    UT_EQ(xr_cap_delete(UT_SLOT_SCRATCH), XR_OK);
    UT_EQ(xr_cap_delete(UT_SLOT_SCRATCH + 1), XR_OK);
    UT_EQ(xr_cap_delete(UT_SLOT_SCRATCH + 2), XR_OK);
    uint64_t frames = xr_info(XR_INFO_FRAMES_FREE), objects = xr_info(XR_INFO_OBJECTS);
    UT_EQ(xr_process_create(64, FUZZ_VICTIM), XR_OK);
    UT_EQ(ut_child_spawn(CHILD_FUZZ | 12345ul << 8, 512, 100), XR_OK);
    UT_EQ(xr_process_give_cap(UT_SLOT_PROC, FUZZ_VICTIM, XR_CHILD_SLOT_FUZZ_VICTIM, XR_RIGHTS_ALL),
          XR_OK);
    UT_EQ(xr_process_give_cap(UT_SLOT_PROC, XR_SLOT_FIRST_MODULE, XR_CHILD_SLOT_FUZZ_MEMORY,
                              XR_RIGHTS_ALL),
          XR_OK);
    uint64_t st = 0;
    for (int i = 0; i < 3000; i++) {
        xr_process_status(UT_SLOT_PROC, &st);
        if (xr_status_state(st) != XR_PROC_RUNNING)
            break;
        xr_sleep_us(10000);
    }
    UT_EQ(xr_status_state(st), XR_PROC_EXITED);
    UT_EQ(xr_status_code(st), FUZZ_CALLS);
    xr_process_kill(FUZZ_VICTIM); /* may be dead already */
    UT_EQ(xr_cap_delete(FUZZ_VICTIM), XR_OK);
    UT_EQ(xr_cap_delete(UT_SLOT_THREAD), XR_OK);
    UT_EQ(xr_cap_delete(UT_SLOT_PROC), XR_OK);
    /* still healthy: calls work, and everything came back */
    UT_EQ(xr_null(), XR_OK);
    UT_EQ(xr_info(XR_INFO_FRAMES_FREE), frames);
    UT_EQ(xr_info(XR_INFO_OBJECTS), objects);
}
