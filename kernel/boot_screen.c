/* From the boot information to the console's screen: which one GRUB left (EGA text or a
 * framebuffer), and the banner lines about the firmware and the screen. */
#include "kernel/boot_screen.h"
#include "drivers/console.h"
#include "kernel/log.h"

#define LEGACY_TEXT_PHYS 0xb8000 /* the EGA text buffer of a BIOS PC */

static console_screen_t from_tag(const mb2_info_t *mb)
{
    console_screen_t s = {.kind = CONSOLE_SCREEN_NONE};
    if (mb->fb_type == MB2_FB_EGA) {
        s = (console_screen_t){.kind = CONSOLE_SCREEN_TEXT,
                               .phys = mb->fb_addr,
                               .width = mb->fb_width,
                               .height = mb->fb_height};
    } else if (mb->fb_type == MB2_FB_RGB) {
        s = (console_screen_t){.kind = CONSOLE_SCREEN_FB,
                               .phys = mb->fb_addr,
                               .width = mb->fb_width,
                               .height = mb->fb_height,
                               .pitch = mb->fb_pitch,
                               .bpp = mb->fb_bpp};
        s.red.pos = mb->fb_red.pos;
        s.red.size = mb->fb_red.size;
        s.green.pos = mb->fb_green.pos;
        s.green.size = mb->fb_green.size;
        s.blue.pos = mb->fb_blue.pos;
        s.blue.size = mb->fb_blue.size;
    }
    return s;
}

void boot_screen_setup(const mb2_info_t *mb)
{
    console_screen_t s = {.kind = CONSOLE_SCREEN_NONE};
    if (mb->has_fb)
        s = from_tag(mb);
    else if (!mb->efi)
        s = (console_screen_t){
            .kind = CONSOLE_SCREEN_TEXT, .phys = LEGACY_TEXT_PHYS, .width = 80, .height = 25};
    if (!console_set_screen(&s))
        log_warn("console: cannot draw on the %ux%u %u-bit framebuffer (type %u); serial only\n",
                 mb->fb_width, mb->fb_height, mb->fb_bpp, mb->fb_type);
}

void boot_screen_map(const pt_ops_t *ops)
{
    kerr_t err = console_map_screen(ops);
    if (err)
        log_warn("console: cannot map the framebuffer (error %d)\n", err);
}

void boot_screen_banner(const mb2_info_t *mb)
{
    if (mb->efi)
        kprintf("firmware: UEFI, system table at %lx, boot services %s; memory map %s (%u "
                "EFI descriptors)\n",
                mb->efi_systab, mb->efi_bs_active ? "running" : "exited",
                mb->mmap_from_efi ? "from the EFI map" : "from GRUB", mb->efi_mmap_count);
    else
        kprintf("firmware: BIOS (no EFI tags)\n");
    console_screen_t s;
    unsigned cols, rows;
    console_screen_info(&s, &cols, &rows);
    if (s.kind == CONSOLE_SCREEN_FB)
        kprintf("screen: framebuffer %ux%u, %u bpp, pitch %u, at %lx; console %ux%u (8x16 font)\n",
                s.width, s.height, s.bpp, s.pitch, s.phys, cols, rows);
    else if (s.kind == CONSOLE_SCREEN_TEXT)
        kprintf("screen: EGA text %ux%u at %lx\n", cols, rows, s.phys);
    else
        kprintf("screen: none, serial console only\n");
}
