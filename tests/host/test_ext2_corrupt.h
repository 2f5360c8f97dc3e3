/* Part of test_ext2.c (included once): corrupt images are refused or reported, never a crash. */

static uint8_t *base;
static size_t base_size;

/* Builds the small image the corruption tests start from: files, a tree, links. */
static void make_base(void)
{
    char src[128], path[300], image[128];
    snprintf(src, sizeof(src), "%s/basesrc", tmpdir);
    run("mkdir -p %s/d/sub %s/p/q", src, src);
    fill(big, 40000);
    snprintf(path, sizeof(path), "%s/big", src);
    put_file(path, big, 40000);
    snprintf(path, sizeof(path), "%s/d/small", src);
    put_file(path, "small", 5);
    snprintf(path, sizeof(path), "%s/d/other", src);
    put_file(path, "other", 5);
    run("cd %s && ln -s d/small lnk", src);
    snprintf(image, sizeof(image), "%s/base.img", tmpdir);
    mkfs(image, 1024, 512, src);
    base_size = img.size;
    base = malloc(base_size);
    memcpy(base, img.data, base_size);
}

/* Restores the pristine image. */
static void reset(void)
{
    img.size = base_size;
    memcpy(img.data, base, base_size);
}

static ext2_super_t *sbp(void)
{
    return (ext2_super_t *)(img.data + 1024);
}

static void test_bad_super(void)
{
    make_base();
    CHECK(mount_img(0) == EXT2_OK && !vol.readonly);
    reset();
    sbp()->magic = 0x1234;
    CHECK(mount_img(0) == EXT2_EINVAL);
    reset();
    sbp()->log_block_size = 3;
    CHECK(mount_img(0) == EXT2_EINVAL);
    reset();
    sbp()->rev_level = 0;
    CHECK(mount_img(0) == EXT2_EINVAL);
    reset();
    sbp()->feature_incompat |= 0x40; /* extents */
    CHECK(mount_img(0) == EXT2_EINVAL);
    reset();
    sbp()->feature_ro_compat |= 0x8000;
    uint32_t ino;
    CHECK(mount_img(0) == EXT2_OK && vol.readonly);
    CHECK(ext2_create(&vol, ROOT, NAME("x"), 0644, 0, 0, &ino) == EXT2_EROFS);
    reset();
    img.size = base_size / 2; /* truncated image */
    CHECK(mount_img(0) == EXT2_EIO);
    img.size = 1000;
    CHECK(mount_img(0) == EXT2_EIO);
    reset();
    sbp()->blocks_count = 0xFFFFFFF0u;
    CHECK(mount_img(0) == EXT2_EIO);
    reset();
    sbp()->inodes_per_group = 0;
    CHECK(mount_img(0) == EXT2_EIO);
    reset();
    sbp()->inodes_count += 8;
    CHECK(mount_img(0) == EXT2_EIO);
    reset();
    sbp()->inode_size = 100;
    CHECK(mount_img(0) == EXT2_EIO);
    reset();
    sbp()->first_data_block = 0;
    CHECK(mount_img(0) == EXT2_EIO);
    reset();
    sbp()->blocks_per_group = 0;
    CHECK(mount_img(0) == EXT2_EIO);
    reset();
    ext2_gd_t *gd = (ext2_gd_t *)(img.data + 2048);
    gd->inode_table = sbp()->blocks_count - 1; /* table runs off the end */
    CHECK(mount_img(0) == EXT2_EIO);
    reset();
    gd->block_bitmap = 0;
    CHECK(mount_img(0) == EXT2_EIO);
    reset();
    gd->free_inodes_count = 60000;
    CHECK(mount_img(0) == EXT2_EIO);
    reset();
    /* The root inode is not a directory. */
    uint8_t *root = img.data + gd->inode_table * 1024 + sbp()->inode_size;
    ((ext2_inode_t *)root)->mode = EXT2_S_IFREG | 0644;
    CHECK(mount_img(0) == EXT2_EIO);
    reset();
    /* A failed mount leaves a volume every call refuses. */
    sbp()->magic = 0;
    CHECK(mount_img(0) == EXT2_EINVAL && walk_err("/d") != EXT2_OK);
    reset();
}

/* Reads inode ino, lets the caller change it through *in, writes it back. */
static ext2_inode_t raw;
static void raw_get(uint32_t ino)
{
    ext2_inode_read(&vol, ino, &raw);
}
static void raw_put(uint32_t ino)
{
    ext2_inode_write(&vol, ino, &raw);
}

/* Points the dirent at byte off of directory dir's first block to new contents. */
static uint8_t *dir_block0(uint32_t dir)
{
    raw_get(dir);
    return img.data + (size_t)raw.block[0] * 1024;
}

/* The record called name in directory dir's first block (it must be there). */
static ext2_dirent_disk_t *find_rec(uint32_t dir, const char *name)
{
    uint8_t *blk = dir_block0(dir);
    ext2_dirent_disk_t *de;
    for (uint32_t off = 0; off < 1024; off += de->rec_len) {
        de = (ext2_dirent_disk_t *)(blk + off);
        if (de->name_len == strlen(name) && memcmp(blk + off + 8, name, de->name_len) == 0)
            return de;
    }
    abort();
}

static void test_bad_meta(void)
{
    uint32_t ino, big_ino, d, small, p, q;
    size_t done;
    ext2_dirent_disk_t *de;
    reset();
    CHECK(mount_img(0) == EXT2_OK);
    big_ino = walk("/big");
    d = walk("/d");
    small = walk("/d/small");
    p = walk("/p");
    q = walk("/p/q");
    CHECK(big_ino && d && small && p && q);

    /* A direct block number out of range. */
    raw_get(small);
    raw.block[0] = 0xFFFFFF;
    raw_put(small);
    CHECK(ext2_read(&vol, small, 0, back, 10, &done) == EXT2_EIO);
    CHECK(ext2_write(&vol, small, 0, "x", 1, &done) == EXT2_EIO);
    CHECK(ext2_unlink(&vol, d, NAME("small")) == EXT2_EIO);
    reset();
    /* Indirect block entries out of range. */
    raw_get(big_ino);
    memset(img.data + (size_t)raw.block[EXT2_IND] * 1024, 0xFF, 1024);
    CHECK(ext2_read(&vol, big_ino, 0, back, 40000, &done) == EXT2_EIO && done == 12 * 1024);
    CHECK(ext2_truncate(&vol, big_ino, 0) == EXT2_EIO);
    reset();
    raw_get(big_ino);
    raw.block[EXT2_IND] = sbp()->blocks_count + 5;
    raw_put(big_ino);
    CHECK(ext2_read(&vol, big_ino, 13 * 1024, back, 10, &done) == EXT2_EIO);
    reset();
    /* An indirect tree that points at itself: bounded depth, the double free is reported. */
    raw_get(big_ino);
    uint32_t ind = raw.block[EXT2_IND];
    raw.block[EXT2_DIND] = ind;
    raw_put(big_ino);
    memcpy(img.data + (size_t)ind * 1024, &ind, 4);
    CHECK(ext2_truncate(&vol, big_ino, 0) == EXT2_EIO);
    reset();
    /* Two files sharing a block: the second free is refused. */
    raw_get(small);
    uint32_t shared = raw.block[0];
    raw_get(walk("/d/other"));
    raw.block[0] = shared;
    raw_put(walk("/d/other"));
    CHECK(ext2_unlink(&vol, d, NAME("small")) == EXT2_OK);
    CHECK(ext2_unlink(&vol, d, NAME("other")) == EXT2_EIO);
    reset();

    /* Directory records: zero length, past the block, name past the record, bad inode. */
    de = (ext2_dirent_disk_t *)dir_block0(d);
    de->rec_len = 0;
    CHECK(ext2_lookup(&vol, d, NAME("small"), &ino) == EXT2_EIO);
    CHECK(walk_err("/d/small") == EXT2_EIO);
    CHECK(ext2_create(&vol, d, NAME("new"), 0644, 0, 0, &ino) == EXT2_EIO);
    uint64_t cursor = 0;
    ext2_dirent_t ent;
    CHECK(ext2_readdir(&vol, d, &cursor, &ent) == EXT2_EIO);
    reset();
    de->rec_len = 1028;
    CHECK(ext2_lookup(&vol, d, NAME("small"), &ino) == EXT2_EIO);
    reset();
    de->rec_len = 14;
    CHECK(ext2_lookup(&vol, d, NAME("small"), &ino) == EXT2_EIO);
    reset();
    de->name_len = 200;
    CHECK(ext2_rmdir(&vol, ROOT, NAME("d")) == EXT2_EIO);
    reset();
    de->inode = sbp()->inodes_count + 1;
    CHECK(ext2_readdir(&vol, d, &cursor, &ent) == EXT2_EIO);
    reset();
    /* An entry naming a reserved inode, one naming a free inode. */
    CHECK(ext2_rename(&vol, d, NAME("small"), d, NAME("s")) == EXT2_OK);
    reset();
    de = find_rec(d, "small");
    de->inode = 5;
    CHECK(walk_err("/d/small") == EXT2_EIO && walk("/d/other") != 0);
    de->inode = sbp()->inodes_count; /* a free inode */
    CHECK(walk_err("/d/small") == EXT2_EIO);
    CHECK(ext2_unlink(&vol, d, NAME("small")) == EXT2_EIO);
    reset();
    /* Directory size not a whole number of blocks; a hole in a directory. */
    raw_get(d);
    raw.size = 1000;
    raw_put(d);
    CHECK(walk_err("/d/small") == EXT2_EIO);
    reset();
    raw_get(d);
    raw.block[0] = 0;
    raw_put(d);
    CHECK(walk_err("/d/small") == EXT2_EIO && ext2_rmdir(&vol, ROOT, NAME("d")) == EXT2_EIO);
    reset();

    /* ".." loop: p's parent is q, q's is p. Renaming a directory under q must not spin. */
    find_rec(p, "..")->inode = q;
    CHECK(ext2_rename(&vol, ROOT, NAME("d"), q, NAME("d")) == EXT2_EIO);
    CHECK(walk("/p/q/../../../..") == q);
    reset();
    /* An entry naming its own directory: walks stay bounded by the path, rmdir refuses. */
    CHECK(ext2_link(&vol, small, p, NAME("selfish")) == EXT2_OK);
    find_rec(p, "selfish")->inode = p;
    CHECK(walk("/p/selfish/selfish/selfish/q") == q);
    CHECK(ext2_rmdir(&vol, p, NAME("selfish")) == EXT2_EIO);
    CHECK(ext2_rename(&vol, p, NAME("selfish"), ROOT, NAME("x")) == EXT2_EINVAL);
    reset();
    /* Inode numbers out of range through the API. */
    CHECK(ext2_stat(&vol, 0xFFFFFFFFu, &(ext2_stat_t){0}) == EXT2_EINVAL);
    CHECK(ext2_lookup(&vol, 0xFFFFFF, NAME("x"), &ino) == EXT2_EINVAL);
    CHECK(ext2_link(&vol, 1u << 30, ROOT, NAME("x")) == EXT2_EINVAL);
    CHECK(ext2_readdir(&vol, 1, &cursor, &ent) != EXT2_OK);
}

/* Metadata blocks of the base image: up to the end of group 0's inode table, directory and
 * indirect blocks. */
static unsigned meta_blocks(uint32_t *list, unsigned max)
{
    unsigned n = 0;
    ext2_gd_t gd;
    ext2_gd_get(&vol, 0, &gd);
    for (uint32_t b = 1; b < gd.inode_table + vol.itable_blocks && n < max; b++)
        list[n++] = b;
    for (uint32_t ino = 1; ino <= vol.inodes_count && n < max; ino++) {
        ext2_inode_t in;
        if (ext2_inode_get(&vol, ino, &in))
            continue;
        if (ext2_is_dir(&in))
            list[n++] = in.block[0];
        else if (!ext2_inode_fast_link(&vol, &in) && in.block[EXT2_IND])
            list[n++] = in.block[EXT2_IND];
    }
    return n;
}

/* Random byte changes in metadata, then mount, walk everything, change things. */
static void test_mutation(int iterations)
{
    uint32_t list[512];
    static uint8_t buf[64 * 1024];
    reset();
    CHECK(mount_img(0) == EXT2_OK);
    unsigned n = meta_blocks(list, 512), mounted = 0, entries = 0;
    rng = 12345;
    for (int it = 0; it < iterations; it++) {
        reset();
        int flips = 1 + rnd() % 8;
        for (int k = 0; k < flips; k++) {
            size_t at = (size_t)list[rnd() % n] * 1024 + rnd() % 1024;
            switch (rnd() % 4) {
            case 0:
                img.data[at] ^= (uint8_t)(1u << (rnd() % 8));
                break;
            case 1:
                img.data[at] = (uint8_t)rnd();
                break;
            case 2:
                img.data[at] = 0;
                break;
            default:
                img.data[at] = 0xFF;
            }
        }
        if (mount_img(0) != EXT2_OK)
            continue;
        mounted++;
        entries += ext2x_walk_all(&vol, buf, sizeof(buf));
        ext2x_mutate(&vol, buf, 3000);
        ext2x_walk_all(&vol, buf, sizeof(buf));
    }
    printf("# mutation: %d images, %u mounted, %u entries walked, %u metadata blocks\n", iterations,
           mounted, entries, n);
    CHECK(mounted > 0);
}
