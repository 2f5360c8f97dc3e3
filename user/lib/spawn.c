/* The user-space ELF loader: checks an image, builds a process from it page by page, starts it. */
#include "lib/elf.h"
#include "startup.h"
#include "xr.h"

#define PAGE_SIZE 4096ul
/* The end of the lower half: the most a user address space can hold. */
#define USER_END     0x0000800000000000ul
#define STACK_BOTTOM (XR_USER_STACK_TOP - XR_USER_STACK_PAGES * PAGE_SIZE)

/* The XR_MAP_* flags of a segment's pages (elf_parse guarantees not both write and exec). */
static unsigned segment_flags(const elf_segment_t *seg)
{
    if (seg->write)
        return XR_MAP_WRITE;
    return seg->exec ? XR_MAP_EXEC : 0;
}

/* Maps the page at va for seg and copies into it the part of seg's file bytes that falls there;
 * the rest of the page stays zero, which is all bss needs. */
static long load_page(xr_cap_t proc, const uint8_t *image, const elf_segment_t *seg, uint64_t va)
{
    long err = xr_map_anon(proc, va, segment_flags(seg));
    if (err != XR_OK)
        return err;
    uint64_t lo = va > seg->vaddr ? va : seg->vaddr;
    uint64_t file_end = seg->vaddr + seg->filesz;
    uint64_t hi = va + PAGE_SIZE < file_end ? va + PAGE_SIZE : file_end;
    if (lo >= hi)
        return XR_OK;
    return xr_mem_write(proc, lo, image + seg->offset + (lo - seg->vaddr), hi - lo);
}

static long load_segment(xr_cap_t proc, const uint8_t *image, const elf_segment_t *seg)
{
    uint64_t end = ALIGN_UP(seg->vaddr + seg->memsz, PAGE_SIZE);

    for (uint64_t va = ALIGN_DOWN(seg->vaddr, PAGE_SIZE); va < end; va += PAGE_SIZE) {
        long err = load_page(proc, image, seg, va);
        if (err != XR_OK)
            return err;
    }
    return XR_OK;
}

static long map_stack(xr_cap_t proc)
{
    for (uint64_t va = STACK_BOTTOM; va < XR_USER_STACK_TOP; va += PAGE_SIZE) {
        long err = xr_map_anon(proc, va, XR_MAP_WRITE);
        if (err != XR_OK)
            return err;
    }
    return XR_OK;
}

/* Checks the image as elf_parse does, and that no segment touches a stack page. */
static long check_image(const void *image, size_t size, elf_image_t *img)
{
    const char *why;
    long err = elf_parse(image, size, USER_END, img, &why);

    for (unsigned i = 0; err == XR_OK && i < img->nsegments; i++) {
        const elf_segment_t *seg = &img->segments[i];
        if (seg->vaddr < XR_USER_STACK_TOP && seg->vaddr + seg->memsz > STACK_BOTTOM) {
            err = XR_ERANGE;
            why = "segment overlaps the stack";
        }
    }
    if (err != XR_OK)
        printf("spawn: refusing the ELF image: %s (%s)\n", why, xr_strerror(err));
    return err;
}

/* Maps img's segments and the stack into the empty process proc. */
static long load_image(xr_cap_t proc, const uint8_t *image, const elf_image_t *img)
{
    for (unsigned i = 0; i < img->nsegments; i++) {
        long err = load_segment(proc, image, &img->segments[i]);
        if (err != XR_OK)
            return err;
    }
    return map_stack(proc);
}

/* Creates proc's first thread in the empty slot thread_slot and (if run) starts it at entry with
 * RSP = top - 8 and RDI = arg; on failure empties thread_slot again. */
static long start_thread(xr_cap_t proc, xr_cap_t thread_slot, uint64_t entry, uint64_t top,
                         uint64_t arg, unsigned prio, bool run)
{
    long err = xr_thread_create(proc, thread_slot);
    if (err != XR_OK)
        return err;
    /* rsp = top - 8 is where a call would have left it: entry code sees a return address slot
     * (zero, so returning faults cleanly) above a 16-byte aligned frame, as the ABI expects. */
    err = xr_thread_set_regs(thread_slot, entry, top - 8, arg);
    if (err == XR_OK)
        err = xr_thread_set_prio(thread_slot, prio);
    if (err == XR_OK && run)
        err = xr_thread_start(thread_slot);
    if (err != XR_OK)
        xr_cap_delete(thread_slot);
    return err;
}

/* Counts the NULL-terminated vector v (NULL counts as empty) and adds the bytes of its strings,
 * NULs included, to *bytes. */
static uint64_t vec_count(char *const *v, uint64_t *bytes)
{
    uint64_t n = 0;
    for (; v != NULL && v[n] != NULL; n++)
        *bytes += strlen(v[n]) + 1;
    return n;
}

/* Copies the strings of v to buf at *str (advancing it) and stores their child addresses
 * (base + offset) in ptrs, then a NULL. */
static void vec_copy(char *const *v, uint64_t n, uint8_t *buf, uint64_t *str, uint64_t base,
                     uint64_t *ptrs)
{
    for (uint64_t i = 0; i < n; i++) {
        size_t len = strlen(v[i]) + 1;
        memcpy(buf + *str, v[i], len);
        ptrs[i] = base + *str;
        *str += len;
    }
    ptrs[n] = 0;
}

/* Lays out the start block (startup.h) for argv and envp in buf as it will sit at the top of the
 * child's stack; stores its child address in *base. XR_ERANGE when it exceeds XR_START_MAX. */
static long build_start(char *const argv[], char *const envp[], uint64_t arg, uint8_t *buf,
                        uint64_t *size, uint64_t *base)
{
    uint64_t strings = 0;
    uint64_t argc = vec_count(argv, &strings), envc = vec_count(envp, &strings);
    uint64_t ptrs = sizeof(xr_start_t) + (argc + envc + 2) * sizeof(uint64_t);
    if (ptrs + strings > XR_START_MAX)
        return XR_ERANGE;
    *size = ALIGN_UP(ptrs + strings, 16);
    *base = XR_USER_STACK_TOP - *size;
    uint64_t *argp = (uint64_t *)(buf + sizeof(xr_start_t)), *envpp = argp + argc + 1;
    xr_start_t *st = (xr_start_t *)buf;
    st->magic = XR_START_MAGIC;
    st->argc = argc;
    st->argv = (char **)(*base + sizeof(xr_start_t));
    st->envp = (char **)(*base + sizeof(xr_start_t) + (argc + 1) * sizeof(uint64_t));
    st->arg = arg;
    uint64_t str = ptrs;
    vec_copy(argv, argc, buf, &str, *base, argp);
    vec_copy(envp, envc, buf, &str, *base, envpp);
    return XR_OK;
}

/* Both spawns: start is the start block to write at the stack's top (NULL: none, RDI = arg). */
static long spawn(const void *image, size_t size, uint64_t quota_frames, uint64_t arg, int prio,
                  xr_cap_t proc_slot, xr_cap_t thread_slot, const uint8_t *start,
                  uint64_t start_size, bool run)
{
    elf_image_t img;
    long err = check_image(image, size, &img);
    if (err != XR_OK)
        return err;
    if (prio < 0 || prio > 255) {
        printf("spawn: priority %d is outside 0..255\n", prio);
        return XR_EINVAL;
    }
    err = xr_process_create(quota_frames, proc_slot);
    if (err != XR_OK) {
        printf("spawn: cannot create the process: %s\n", xr_strerror(err));
        return err;
    }
    uint64_t top = XR_USER_STACK_TOP - start_size;
    err = load_image(proc_slot, image, &img);
    if (err == XR_OK && start != NULL)
        err = xr_mem_write(proc_slot, top, start, start_size);
    if (err == XR_OK)
        err = start_thread(proc_slot, thread_slot, img.entry, top, start ? top : arg,
                           (unsigned)prio, run);
    if (err != XR_OK) {
        printf("spawn: cannot load the process: %s\n", xr_strerror(err));
        xr_process_kill(proc_slot);
        xr_cap_delete(proc_slot);
    }
    return err;
}

long xr_spawn_elf(const void *image, size_t size, uint64_t quota_frames, uint64_t arg, int prio,
                  xr_cap_t proc_slot, xr_cap_t thread_slot)
{
    return spawn(image, size, quota_frames, arg, prio, proc_slot, thread_slot, NULL, 0, true);
}

/* Both argv spawns; run says whether the thread starts. */
static long spawn_argv(const void *image, size_t size, uint64_t quota_frames, char *const argv[],
                       char *const envp[], uint64_t arg, int prio, xr_cap_t proc_slot,
                       xr_cap_t thread_slot, bool run)
{
    static _Alignas(16) uint8_t buf[XR_START_MAX]; /* too big for a thread's 16 KiB stack */
    static volatile int busy;
    uint64_t start_size, base;
    while (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE))
        xr_yield();
    memset(buf, 0, sizeof(buf));
    long err = build_start(argv, envp, arg, buf, &start_size, &base);
    if (err == XR_OK)
        err = spawn(image, size, quota_frames, arg, prio, proc_slot, thread_slot, buf, start_size,
                    run);
    else
        printf("spawn: arguments and environment exceed %d bytes\n", XR_START_MAX);
    __atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
    return err;
}

long xr_spawn_elf_argv(const void *image, size_t size, uint64_t quota_frames, char *const argv[],
                       char *const envp[], uint64_t arg, int prio, xr_cap_t proc_slot,
                       xr_cap_t thread_slot)
{
    return spawn_argv(image, size, quota_frames, argv, envp, arg, prio, proc_slot, thread_slot,
                      true);
}

long xr_spawn_elf_stopped(const void *image, size_t size, uint64_t quota_frames, char *const argv[],
                          char *const envp[], uint64_t arg, int prio, xr_cap_t proc_slot,
                          xr_cap_t thread_slot)
{
    return spawn_argv(image, size, quota_frames, argv, envp, arg, prio, proc_slot, thread_slot,
                      false);
}
