/* Lab 1's graded tests (docs/labs/lab1.md): XR_SYS_PROTECT from the wrapper to the page table. */
#include "user/child/child_modes.h"
#include "utest.h"

#define PAGE    CHILD_HEAP_BASE /* where the child's CHILD_TOUCH mode writes 0x55 */
#define SCRATCH 0x72000000ul    /* a page of the test program's own */

/* What an earlier failed test may have left: its child, its page, its scratch cap. */
static void clean(void)
{
    ut_child_end(0);
    xr_unmap(XR_SLOT_SELF, SCRATCH);
    xr_cap_delete(UT_SLOT_SCRATCH);
}

/* A read-only page made writable: the child's write then goes through and it exits with 0x55.
 * The child (priority 100) runs only when this thread (200) waits in ut_child_end. */
UTEST(lab1, protect_makes_page_writable)
{
    clean();
    UT_EQ(ut_child_spawn(CHILD_TOUCH, CHILD_QUOTA, 100), XR_OK);
    UT_EQ(xr_map_anon(UT_SLOT_PROC, PAGE, 0), XR_OK);
    UT_EQ(xr_protect(UT_SLOT_PROC, PAGE, XR_MAP_WRITE), XR_OK);
    uint64_t st = ut_child_end(2000);
    UT_EQ(xr_status_state(st), XR_PROC_EXITED);
    UT_EQ(xr_status_code(st), 0x55);
}

/* A writable page made read-only: the child's write faults (vector 14) and kills it. */
UTEST(lab1, protect_makes_page_readonly)
{
    clean();
    UT_EQ(ut_child_spawn(CHILD_TOUCH, CHILD_QUOTA, 100), XR_OK);
    UT_EQ(xr_map_anon(UT_SLOT_PROC, PAGE, XR_MAP_WRITE), XR_OK);
    UT_EQ(xr_protect(UT_SLOT_PROC, PAGE, 0), XR_OK);
    uint64_t st = ut_child_end(2000);
    UT_EQ(xr_status_state(st), XR_PROC_KILLED);
    UT_EQ(xr_status_code(st), 14);
}

/* Every bad argument is refused with its documented code (docs/syscalls.md), and a refused
 * call changes nothing: the page stays writable. */
UTEST(lab1, protect_refuses_bad_arguments)
{
    clean();
    ut_snapshot_t before = ut_snapshot();
    UT_EQ(xr_map_anon(XR_SLOT_SELF, SCRATCH, XR_MAP_WRITE), XR_OK);
    UT_EQ(xr_protect(XR_SLOT_SELF, SCRATCH, XR_MAP_WRITE | XR_MAP_EXEC), XR_EINVAL); /* W^X */
    UT_EQ(xr_protect(XR_SLOT_SELF, SCRATCH, 0x80), XR_EINVAL);           /* unknown flag */
    UT_EQ(xr_protect(XR_SLOT_SELF, SCRATCH + 0x1000, 0), XR_ENOENT);     /* nothing mapped */
    UT_EQ(xr_protect(XR_SLOT_SELF, 0xffffffff80000000ul, 0), XR_EINVAL); /* the kernel half */
    UT_EQ(xr_protect(300, SCRATCH, 0), XR_ERANGE);                       /* no such slot */
    UT_EQ(xr_protect(UT_SLOT_SCRATCH, SCRATCH, 0), XR_EBADCAP);          /* an empty slot */
    UT_EQ(xr_protect(XR_SLOT_IOPORTS, SCRATCH, 0), XR_EBADCAP);          /* not a process */
    UT_EQ(xr_cap_copy(XR_SLOT_SELF, UT_SLOT_SCRATCH, XR_RIGHT_READ, 0), XR_OK);
    UT_EQ(xr_protect(UT_SLOT_SCRATCH, SCRATCH, 0), XR_EPERM); /* a process cap without W */
    UT_EQ(xr_cap_delete(UT_SLOT_SCRATCH), XR_OK);
    *(volatile uint8_t *)SCRATCH = 1; /* still writable after all these refusals */
    UT_EQ(xr_unmap(XR_SLOT_SELF, SCRATCH), XR_OK);
    UT_SAME(before, ut_snapshot());
}

/* A page of a memory object is not the process's to change: it keeps the rights its memory
 * cap allowed (XR_EPERM), even through a process cap with every right. */
UTEST(lab1, protect_refuses_shared_pages)
{
    clean();
    UT_EQ(xr_map_memory(XR_SLOT_SELF, XR_SLOT_FIRST_MODULE, 0, SCRATCH, 0), XR_OK);
    UT_EQ(xr_protect(XR_SLOT_SELF, SCRATCH, XR_MAP_WRITE), XR_EPERM);
    UT_EQ(xr_protect(XR_SLOT_SELF, SCRATCH, 0), XR_EPERM);
    UT_EQ(xr_unmap(XR_SLOT_SELF, SCRATCH), XR_OK);
}

/* The call is reached by its number too, not only through the wrapper. */
UTEST(lab1, protect_raw_system_call)
{
    clean();
    UT_EQ(xr_map_anon(XR_SLOT_SELF, SCRATCH, 0), XR_OK);
    UT_EQ(xr_syscall3(XR_SYS_PROTECT, XR_SLOT_SELF, SCRATCH, XR_MAP_WRITE), XR_OK);
    *(volatile uint8_t *)SCRATCH = 1;
    UT_EQ(xr_syscall3(XR_SYS_PROTECT, XR_SLOT_SELF, SCRATCH, 0x40), XR_EINVAL);
    UT_EQ(xr_unmap(XR_SLOT_SELF, SCRATCH), XR_OK);
}

/* Code written into a data page runs once the page is made executable (and no longer
 * writable: W^X). Last, because a page that does not become executable kills the test
 * program. */
UTEST(lab1, protect_makes_page_executable)
{
    clean();
    static const uint8_t code[] = {0xb8, 42, 0, 0, 0, 0xc3}; /* mov eax, 42; ret */
    UT_EQ(xr_map_anon(XR_SLOT_SELF, SCRATCH, XR_MAP_WRITE), XR_OK);
    memcpy((void *)SCRATCH, code, sizeof(code));
    UT_EQ(xr_protect(XR_SLOT_SELF, SCRATCH, XR_MAP_EXEC), XR_OK);
    int (*fn)(void) = (int (*)(void))SCRATCH;
    UT_EQ(fn(), 42);
    UT_EQ(xr_protect(XR_SLOT_SELF, SCRATCH, XR_MAP_WRITE), XR_OK); /* writable again */
    *(volatile uint8_t *)(SCRATCH + 1) = 7;
    UT_EQ(xr_unmap(XR_SLOT_SELF, SCRATCH), XR_OK);
}
