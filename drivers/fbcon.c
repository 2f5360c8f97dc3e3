/* The framebuffer text console: a grid of cells (a Latin-1 byte and a VGA attribute, as in
 * EGA text mode) drawn with the 8x16 font. Drawing is lazy: writes change the grid, and
 * fbcon_flush draws only the cells that differ from what the screen shows, so the
 * framebuffer (mapped uncached) is never read and a scroll costs one redraw.
 * Lock: none here; console.c calls everything under console_lock. */
#include "drivers/fbcon.h"
#include "drivers/font.h"
#include "kernel/ktest.h"
#include "kernel/string.h"

#define FB_MAX_COLS  240  /* 1920 pixels; a wider screen uses its left part */
#define FB_MAX_ROWS  100  /* 1600 pixels */
#define ATTR_DEFAULT 0x07 /* light grey on black, as the EGA console writes */
#define BLANK        ((uint16_t)(ATTR_DEFAULT << 8 | ' '))
#define BOOT_MAP_END (4ul << 30) /* the boot page tables map the first 4 GiB */
/* uncached (the framebuffer is a device), writable, never executable */
#define FB_FLAGS (PTF_WRITE | PTF_NOCACHE | PTF_GLOBAL)

/* The 16 colours of the VGA text palette, as 0xRRGGBB. */
static const uint32_t vga_rgb[16] = {
    0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa,
    0x555555, 0x5555ff, 0x55ff55, 0x55ffff, 0xff5555, 0xff55ff, 0xffff55, 0xffffff,
};

static console_screen_t fb;
static uint8_t *pixels; /* the framebuffer at its direct-map address */
static unsigned bytes_pp, cols, rows, row, col;
static bool mapped;  /* fbcon_map put it into the kernel's tables */
static bool cleared; /* the whole framebuffer was painted black once */
static uint32_t palette[16];
static uint16_t cells[FB_MAX_ROWS * FB_MAX_COLS]; /* what the screen should show */
static uint16_t shown[FB_MAX_ROWS * FB_MAX_COLS]; /* what it shows */
static bool row_dirty[FB_MAX_ROWS];

static uint64_t fb_bytes(void)
{
    return (uint64_t)fb.pitch * fb.height;
}

/* The framebuffer can be written now: through the kernel's tables once mapped, or through
 * the boot tables (no kernel root yet) when it lies in the 4 GiB they map. */
static bool drawable(void)
{
    return mapped || (arch_kernel_root() == 0 && fb.phys + fb_bytes() <= BOOT_MAP_END);
}

/* The channel's share of an 8-bit intensity, placed at its bits. */
static uint32_t channel(uint32_t v8, uint8_t pos, uint8_t size)
{
    return (v8 >> (8 - size)) << pos;
}

static bool channel_ok(uint8_t pos, uint8_t size, unsigned bpp)
{
    return size >= 1 && size <= 8 && pos + size <= bpp;
}

static bool layout_ok(const console_screen_t *s)
{
    unsigned bytes = s->bpp / 8;
    if (s->bpp != 16 && s->bpp != 24 && s->bpp != 32)
        return false;
    if (s->width < FONT_WIDTH || s->height < FONT_HEIGHT || s->pitch % (bytes == 3 ? 1 : bytes))
        return false;
    if ((uint64_t)s->width * bytes > s->pitch || s->phys % 4 != 0)
        return false;
    if (s->phys + (uint64_t)s->pitch * s->height < s->phys)
        return false;
    return channel_ok(s->red.pos, s->red.size, s->bpp) &&
           channel_ok(s->green.pos, s->green.size, s->bpp) &&
           channel_ok(s->blue.pos, s->blue.size, s->bpp);
}

static void put_pixel(uint8_t *p, uint32_t v)
{
    if (bytes_pp == 4) {
        *(volatile uint32_t *)p = v;
    } else if (bytes_pp == 2) {
        *(volatile uint16_t *)p = (uint16_t)v;
    } else {
        volatile uint8_t *b = p;
        b[0] = (uint8_t)v;
        b[1] = (uint8_t)(v >> 8);
        b[2] = (uint8_t)(v >> 16);
    }
}

static void draw_cell(unsigned r, unsigned c, uint16_t cell)
{
    const uint8_t *glyph = font_8x16[cell & 0xff];
    uint32_t fg = palette[cell >> 8 & 0xf], bg = palette[cell >> 12 & 0xf];
    uint8_t *line = pixels + (uint64_t)r * FONT_HEIGHT * fb.pitch + c * FONT_WIDTH * bytes_pp;
    for (unsigned y = 0; y < FONT_HEIGHT; y++, line += fb.pitch)
        for (unsigned x = 0; x < FONT_WIDTH; x++)
            put_pixel(line + x * bytes_pp, glyph[y] & (0x80 >> x) ? fg : bg);
}

/* Paint every pixel black (also the margin right and below the grid). */
static void clear_all(void)
{
    for (uint32_t y = 0; y < fb.height; y++) {
        uint8_t *line = pixels + (uint64_t)y * fb.pitch;
        for (uint32_t x = 0; x < fb.width; x++)
            put_pixel(line + x * bytes_pp, palette[0]);
    }
    for (unsigned i = 0; i < rows * cols; i++)
        shown[i] = BLANK;
    cleared = true;
}

bool fbcon_init(const console_screen_t *s)
{
    if (s->kind != CONSOLE_SCREEN_FB || !layout_ok(s))
        return false;
    fb = *s;
    pixels = arch_phys_to_virt(fb.phys);
    bytes_pp = fb.bpp / 8;
    cols = fb.width / FONT_WIDTH < FB_MAX_COLS ? fb.width / FONT_WIDTH : FB_MAX_COLS;
    rows = fb.height / FONT_HEIGHT < FB_MAX_ROWS ? fb.height / FONT_HEIGHT : FB_MAX_ROWS;
    for (unsigned i = 0; i < 16; i++) {
        uint32_t rgb = vga_rgb[i];
        palette[i] = channel(rgb >> 16 & 0xff, fb.red.pos, fb.red.size) |
                     channel(rgb >> 8 & 0xff, fb.green.pos, fb.green.size) |
                     channel(rgb & 0xff, fb.blue.pos, fb.blue.size);
    }
    for (unsigned i = 0; i < rows * cols; i++)
        cells[i] = shown[i] = BLANK;
    row = col = 0;
    mapped = cleared = false;
    fbcon_flush();
    return true;
}

kerr_t fbcon_map(const pt_ops_t *ops)
{
    uint64_t root = arch_kernel_root();
    uint64_t pa = ALIGN_DOWN(fb.phys, PAGE_SIZE), end = ALIGN_UP(fb.phys + fb_bytes(), PAGE_SIZE);
    while (pa < end) {
        uint64_t va = (uint64_t)arch_phys_to_virt(pa), step = PAGE_SIZE;
        kerr_t err = arch_pt_map(root, va, pa, FB_FLAGS, ops);
        if (err == XR_EEXIST) {
            /* the direct map covers it (RAM above the framebuffer): make that uncached */
            uint64_t old_pa;
            unsigned old;
            if (arch_pt_query(root, va, &old_pa, &old) || old_pa != pa)
                return XR_EEXIST;
            err = arch_pt_protect(root, va, (old & PTF_LARGE) | FB_FLAGS);
            if (old & PTF_LARGE)
                step = LARGE_PAGE_SIZE - (pa & (LARGE_PAGE_SIZE - 1));
        }
        if (err)
            return err;
        arch_tlb_flush_page(va);
        pa += step;
    }
    mapped = true;
    fbcon_flush();
    return XR_OK;
}

static void scroll(void)
{
    memmove(cells, cells + cols, (size_t)(rows - 1) * cols * sizeof(cells[0]));
    for (unsigned c = 0; c < cols; c++)
        cells[(rows - 1) * cols + c] = BLANK;
    for (unsigned r = 0; r < rows; r++)
        row_dirty[r] = true;
    row = rows - 1;
}

void fbcon_putc(char ch)
{
    if (!cols)
        return;
    if (ch == '\n') {
        col = 0;
        row++;
    } else if (ch == '\r') {
        col = 0;
    } else if (ch == '\b') {
        col = col ? col - 1 : 0;
    } else {
        cells[row * cols + col] = (uint16_t)(ATTR_DEFAULT << 8 | (uint8_t)ch);
        row_dirty[row] = true;
        if (++col == cols) {
            col = 0;
            row++;
        }
    }
    if (row == rows)
        scroll();
}

void fbcon_flush(void)
{
    if (!cols || !drawable())
        return;
    if (!cleared)
        clear_all();
    for (unsigned r = 0; r < rows; r++) {
        if (!row_dirty[r])
            continue;
        for (unsigned c = 0; c < cols; c++) {
            unsigned i = r * cols + c;
            if (cells[i] != shown[i]) {
                draw_cell(r, c, cells[i]);
                shown[i] = cells[i];
            }
        }
        row_dirty[r] = false;
    }
}

void fbcon_geometry(unsigned *c, unsigned *r)
{
    *c = cols;
    *r = rows;
}

/* The live framebuffer console (when there is one): mapped writable, uncached and never
 * executable, and the top-left cell's pixels are its glyph in the console's colours. */
KTEST(drivers, fbcon_mapping_and_glyph)
{
    if (!cols) {
        kprintf("  no framebuffer console in this boot: nothing to check\n");
        return;
    }
    uint64_t pa;
    unsigned flags;
    KT_ASSERT(mapped);
    KT_EQ(arch_pt_query(arch_kernel_root(), (uint64_t)pixels, &pa, &flags), XR_OK);
    KT_EQ(pa, ALIGN_DOWN(fb.phys, PAGE_SIZE));
    KT_ASSERT((flags & PTF_WRITE) && (flags & PTF_NOCACHE) && !(flags & PTF_EXEC));
    uint16_t cell = shown[0];
    const uint8_t *glyph = font_8x16[cell & 0xff];
    unsigned wrong = 0;
    for (unsigned y = 0; y < FONT_HEIGHT; y++) {
        const uint8_t *line = pixels + (uint64_t)y * fb.pitch;
        for (unsigned x = 0; x < FONT_WIDTH; x++) {
            const volatile uint8_t *p = line + x * bytes_pp;
            uint32_t v = p[0] | (uint32_t)p[1] << 8 | (bytes_pp > 2 ? (uint32_t)p[2] << 16 : 0);
            uint32_t want = glyph[y] & (0x80 >> x) ? palette[cell >> 8 & 0xf] : palette[cell >> 12];
            wrong += v != (want & (bytes_pp > 2 ? 0xffffff : 0xffff));
        }
    }
    KT_EQ(wrong, 0u);
}
