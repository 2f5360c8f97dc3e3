/* Part of test_ext2.c (included once): host images read back, every operation, error cases. */

/* Files written on the host with mke2fs -d read back identically through the library. */
static void test_host_to_ext2(unsigned bsize)
{
    char src[128], path[300], image[128];
    /* 1 KiB blocks: past 12 + 256 blocks; 4 KiB: past 12 + 1024 blocks (double indirect). */
    size_t bigsize = bsize == 1024 ? 400000 : 4500000;
    static const char hello[] = "hello, world\n";
    static const char deep[] = "deep inside\n";
    char longtarget[200] = "";
    for (int i = 0; i < 40; i++)
        strcat(longtarget, "./");
    strcat(longtarget, "hello.txt");

    snprintf(src, sizeof(src), "%s/src%u", tmpdir, bsize);
    run("mkdir -p %s/dir/sub", src);
    snprintf(path, sizeof(path), "%s/hello.txt", src);
    put_file(path, hello, strlen(hello));
    snprintf(path, sizeof(path), "%s/empty", src);
    put_file(path, "", 0);
    snprintf(path, sizeof(path), "%s/dir/sub/deep.txt", src);
    put_file(path, deep, strlen(deep));
    snprintf(path, sizeof(path), "%s/with space \xc3\xa9.txt", src);
    put_file(path, deep, 5);
    fill(big, bigsize);
    snprintf(path, sizeof(path), "%s/big.bin", src);
    put_file(path, big, bigsize);
    run("cd %s && ln -s hello.txt lnk && ln -s %s longlnk && truncate -s 1000000 sparse && "
        "printf x >> sparse",
        src, longtarget);

    snprintf(image, sizeof(image), "%s/host%u.img", tmpdir, bsize);
    mkfs(image, bsize, bsize == 1024 ? 4096 : 16384, src);
    CHECK(mount_img(0) == EXT2_OK);
    CHECK(vol.bsize == bsize);
    CHECK(same("/hello.txt", hello, strlen(hello)));
    CHECK(same("/empty", "", 0));
    CHECK(same("/dir/sub/deep.txt", deep, strlen(deep)));
    CHECK(same("/dir/./sub/../sub/deep.txt", deep, strlen(deep)));
    CHECK(same("/with space \xc3\xa9.txt", deep, 5));
    CHECK(same("/big.bin", big, bigsize));
    CHECK(same("/lnk", hello, strlen(hello)));
    CHECK(same("/longlnk", hello, strlen(hello)));
    memset(big, 0, 1000000);
    big[1000000] = 'x';
    CHECK(same("/sparse", big, 1000001));

    char buf[256];
    size_t len;
    uint32_t ino;
    CHECK(ext2_walk(&vol, ROOT, NAME("/lnk"), false, &ino) == EXT2_OK);
    CHECK(ext2_readlink(&vol, ino, buf, sizeof(buf), &len) == EXT2_OK && len == 9 &&
          memcmp(buf, "hello.txt", 9) == 0);
    CHECK(ext2_walk(&vol, ROOT, NAME("/longlnk"), false, &ino) == EXT2_OK);
    CHECK(ext2_readlink(&vol, ino, buf, sizeof(buf), &len) == EXT2_OK &&
          len == strlen(longtarget) && memcmp(buf, longtarget, len) == 0);

    struct stat hs;
    ext2_stat_t st;
    snprintf(path, sizeof(path), "%s/hello.txt", src);
    stat(path, &hs);
    CHECK(ext2_stat(&vol, walk("/hello.txt"), &st) == EXT2_OK);
    CHECK(st.mode == (hs.st_mode & 0xFFFF) && st.nlink == 1 && st.mtime == (uint32_t)hs.st_mtime);
    CHECK(ext2_stat(&vol, walk("/dir"), &st) == EXT2_OK &&
          (st.mode & EXT2_S_IFMT) == EXT2_S_IFDIR && st.nlink == 3);
    /* Root: . .. lost+found hello.txt empty dir with-space big.bin lnk longlnk sparse */
    CHECK(count_entries(ROOT) == 11);
}

/* Every operation on a fresh image, then e2fsck -fn and debugfs agree with the library. */
static void test_ops(unsigned bsize)
{
    char image[128];
    snprintf(image, sizeof(image), "%s/ops%u.img", tmpdir, bsize);
    mkfs(image, bsize, bsize == 1024 ? 8192 : 32768, NULL);
    CHECK(mount_img(0) == EXT2_OK);
    uint32_t free0 = free_blocks();

    /* create, write, read, stat */
    uint32_t a = mkfile("/a.txt", "abc", 3);
    ext2_stat_t st;
    CHECK(a != 0 && same("/a.txt", "abc", 3));
    CHECK(ext2_stat(&vol, a, &st) == EXT2_OK && st.mode == (EXT2_S_IFREG | 0644) && st.nlink == 1 &&
          st.uid == 1000 && st.gid == 1000 && st.mtime == 1700000000u && st.ctime == 1700000000u &&
          st.atime == 1700000000u && st.blocks == bsize / 512);
    CHECK(ext2_chmod(&vol, a, 0600) == EXT2_OK);
    CHECK(ext2_stat(&vol, a, &st) == EXT2_OK && st.mode == (EXT2_S_IFREG | 0600));

    /* A file through direct, single and double indirect blocks, written in odd chunks. */
    uint64_t apb = bsize / 4, nblk = 12 + apb + 300;
    size_t bigsize = nblk * bsize - 123;
    fill(big, bigsize);
    uint32_t b = mkfile("/big", "", 0);
    size_t off = 0, done;
    while (off < bigsize) {
        size_t n = 1 + rnd() % (3 * bsize);
        if (n > bigsize - off)
            n = bigsize - off;
        CHECK(ext2_write(&vol, b, off, big + off, n, &done) == EXT2_OK && done == n);
        off += n;
    }
    CHECK(same("/big", big, bigsize));
    uint64_t meta = 1 + 1 + (300 + apb - 1) / apb; /* single, double root, double leaves */
    CHECK(ext2_stat(&vol, b, &st) == EXT2_OK && st.blocks == (nblk + meta) * (bsize / 512));
    CHECK(ext2_read(&vol, b, bigsize - 10, back, 100, &done) == EXT2_OK && done == 10);
    CHECK(ext2_read(&vol, b, bigsize + 10, back, 100, &done) == EXT2_OK && done == 0);

    /* Sparse writes read zeros in the holes. */
    uint32_t s = mkfile("/sparse", "", 0);
    CHECK(ext2_write(&vol, s, 5 * bsize + 7, "xyz", 3, &done) == EXT2_OK);
    CHECK(ext2_write(&vol, s, (12 + apb + 5) * bsize, "end", 3, &done) == EXT2_OK);
    CHECK(ext2_read(&vol, s, 0, back, 5 * bsize + 10, &done) == EXT2_OK);
    CHECK(back[0] == 0 && back[5 * bsize + 6] == 0 && memcmp(back + 5 * bsize + 7, "xyz", 3) == 0);
    CHECK(ext2_stat(&vol, s, &st) == EXT2_OK && st.size == (12 + apb + 5) * bsize + 3 &&
          st.blocks == 4 * (bsize / 512));

    /* truncate: shrink into the single-indirect range, grow back as a hole. */
    uint32_t before = free_blocks();
    CHECK(ext2_truncate(&vol, b, 20 * bsize + 5) == EXT2_OK);
    CHECK(free_blocks() == before + (nblk - 21) + meta - 1);
    CHECK(ext2_truncate(&vol, b, 40 * bsize) == EXT2_OK);
    CHECK(ext2_read(&vol, b, 0, back, 40 * bsize, &done) == EXT2_OK && done == 40 * bsize);
    CHECK(memcmp(back, big, 20 * bsize + 5) == 0 && back[20 * bsize + 5] == 0 &&
          back[40 * bsize - 1] == 0);
    CHECK(ext2_truncate(&vol, b, 0) == EXT2_OK && ext2_stat(&vol, b, &st) == EXT2_OK &&
          st.size == 0 && st.blocks == 0);
    CHECK(ext2_write(&vol, b, 0, big, bigsize, &done) == EXT2_OK && done == bigsize);

    /* Directories, links and renames. */
    uint32_t d1 = mkdirp("/d1"), d2 = mkdirp("/d1/d2"), d3 = mkdirp("/d3");
    CHECK(d1 && d2 && d3 && walk("/d1/d2/..") == d1 && walk("/d1/d2/../../d3/.") == d3);
    CHECK(ext2_stat(&vol, d1, &st) == EXT2_OK && st.nlink == 3 && st.size == bsize);
    CHECK(mkfile("/d1/d2/f", "file f", 6) != 0);
    CHECK(ext2_rename(&vol, d2, NAME("f"), d3, NAME("g")) == EXT2_OK);
    CHECK(walk_err("/d1/d2/f") == EXT2_ENOENT && same("/d3/g", "file f", 6));
    CHECK(ext2_rename(&vol, d1, NAME("d2"), d3, NAME("d2moved")) == EXT2_OK);
    CHECK(walk("/d3/d2moved/..") == d3 && walk("/d3/d2moved") == d2);
    CHECK(ext2_stat(&vol, d1, &st) == EXT2_OK && st.nlink == 2);
    CHECK(ext2_stat(&vol, d3, &st) == EXT2_OK && st.nlink == 3);
    CHECK(ext2_rename(&vol, d3, NAME("d2moved"), d3, NAME("d2")) == EXT2_OK &&
          walk("/d3/d2") == d2);
    /* Replace a file, replace an empty directory. */
    mkfile("/d1/x", "old", 3);
    mkfile("/d1/y", "new", 3);
    CHECK(ext2_rename(&vol, d1, NAME("y"), d1, NAME("x")) == EXT2_OK && same("/d1/x", "new", 3) &&
          walk_err("/d1/y") == EXT2_ENOENT);
    uint32_t e = mkdirp("/d1/empty");
    CHECK(e && ext2_rename(&vol, d3, NAME("d2"), d1, NAME("empty")) == EXT2_OK);
    CHECK(walk("/d1/empty") == d2 && walk("/d1/empty/..") == d1 && ext2_stat(&vol, e, &st) != 0);
    CHECK(ext2_stat(&vol, d1, &st) == EXT2_OK && st.nlink == 3);
    CHECK(ext2_stat(&vol, d3, &st) == EXT2_OK && st.nlink == 2);
    /* A directory replacing an empty sibling: the parent loses one link. */
    uint32_t r1 = mkdirp("/d3/r1"), r2 = mkdirp("/d3/r2");
    CHECK(r1 && r2 && ext2_rename(&vol, d3, NAME("r1"), d3, NAME("r2")) == EXT2_OK);
    CHECK(walk("/d3/r2") == r1 && walk("/d3/r2/..") == d3 && ext2_stat(&vol, r2, &st) != 0);
    CHECK(ext2_stat(&vol, d3, &st) == EXT2_OK && st.nlink == 3);
    CHECK(ext2_rmdir(&vol, d3, NAME("r2")) == EXT2_OK);
    /* Hard links. */
    CHECK(ext2_link(&vol, a, d3, NAME("a-link")) == EXT2_OK);
    CHECK(ext2_stat(&vol, a, &st) == EXT2_OK && st.nlink == 2);
    CHECK(ext2_rename(&vol, ROOT, NAME("a.txt"), d3, NAME("a-link")) == EXT2_OK); /* no-op */
    CHECK(walk("/a.txt") == a);
    CHECK(ext2_unlink(&vol, ROOT, NAME("a.txt")) == EXT2_OK && same("/d3/a-link", "abc", 3));
    CHECK(ext2_stat(&vol, a, &st) == EXT2_OK && st.nlink == 1);
    /* Symbolic links, fast and slow. */
    char target[300];
    memset(target, 'a', sizeof(target));
    memcpy(target, "../d3/a-link", 12);
    CHECK(ext2_symlink(&vol, d1, NAME("fast"), "../d3/a-link", 12, 0, 0, NULL) == EXT2_OK);
    for (int i = 0; i < 40; i++)
        memcpy(target + 3 * i, "../", 3);
    memcpy(target + 120, "d3/a-link", 9);
    CHECK(ext2_symlink(&vol, d1, NAME("slow"), target, 129, 0, 0, NULL) == EXT2_OK);
    CHECK(same("/d1/fast", "abc", 3) && same("/d1/slow", "abc", 3));
    /* unlink and rmdir free everything again. */
    mkfile("/d1/empty/tmp", big, 5000);
    CHECK(ext2_rmdir(&vol, d1, NAME("empty")) == EXT2_ENOTEMPTY);
    CHECK(ext2_unlink(&vol, d2, NAME("tmp")) == EXT2_OK);
    CHECK(ext2_rmdir(&vol, d1, NAME("empty")) == EXT2_OK && walk_err("/d1/empty") == EXT2_ENOENT);
    CHECK(ext2_stat(&vol, d1, &st) == EXT2_OK && st.nlink == 2);

    CHECK(fsck(image) == 0);
    CHECK(debugfs_same(image, "/big", big, bigsize));
    CHECK(debugfs_same(image, "/d3/a-link", "abc", 3));
    CHECK(debugfs_same(image, "/d1/x", "new", 3));
    CHECK(debugfs_same(image, "/d1/slow", target, 129)); /* cat shows a link's target */
    /* Everything removed: back to the free count of the empty file system. */
    const char *files[] = {"/big",  "/sparse",  "/d3/a-link", "/d3/g",
                           "/d1/x", "/d1/fast", "/d1/slow"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        uint32_t dir;
        const char *n;
        size_t nl;
        CHECK(ext2_walk_parent(&vol, ROOT, files[i], strlen(files[i]), &dir, &n, &nl) == EXT2_OK &&
              ext2_unlink(&vol, dir, n, nl) == EXT2_OK);
    }
    CHECK(ext2_rmdir(&vol, ROOT, NAME("d1")) == EXT2_OK);
    CHECK(ext2_rmdir(&vol, ROOT, NAME("d3")) == EXT2_OK);
    CHECK(free_blocks() == free0);
    CHECK(fsck(image) == 0);
}

/* Every documented error of every operation. */
static void test_errors(void)
{
    char image[128], name[300];
    snprintf(image, sizeof(image), "%s/err.img", tmpdir);
    mkfs(image, 1024, 2048, NULL);
    CHECK(mount_img(0) == EXT2_OK);
    uint32_t f = mkfile("/f", "data", 4), d = mkdirp("/d"), ino;
    mkfile("/d/in", "x", 1);
    uint32_t e = mkdirp("/e");
    size_t done;
    memset(name, 'n', sizeof(name));
    /* create / mkdir / symlink */
    CHECK(ext2_create(&vol, ROOT, NAME("f"), 0644, 0, 0, &ino) == EXT2_EEXIST);
    CHECK(ext2_create(&vol, ROOT, NAME("."), 0644, 0, 0, &ino) == EXT2_EEXIST);
    CHECK(ext2_create(&vol, ROOT, name, 256, 0644, 0, 0, &ino) == EXT2_ENAMETOOLONG);
    CHECK(ext2_create(&vol, ROOT, name, 255, 0644, 0, 0, &ino) == EXT2_OK);
    CHECK(ext2_create(&vol, ROOT, NAME("a/b"), 0644, 0, 0, &ino) == EXT2_EINVAL);
    CHECK(ext2_create(&vol, ROOT, "", 0, 0644, 0, 0, &ino) == EXT2_EINVAL);
    CHECK(ext2_create(&vol, f, NAME("x"), 0644, 0, 0, &ino) == EXT2_ENOTDIR);
    CHECK(ext2_mkdir(&vol, ROOT, NAME("d"), 0755, 0, 0, &ino) == EXT2_EEXIST);
    CHECK(ext2_symlink(&vol, ROOT, NAME("s"), "", 0, 0, 0, &ino) == EXT2_EINVAL);
    CHECK(ext2_symlink(&vol, ROOT, NAME("s"), (const char *)big, 1024, 0, 0, &ino) ==
          EXT2_ENAMETOOLONG);
    /* walk */
    CHECK(walk_err("/nope") == EXT2_ENOENT && walk_err("") == EXT2_ENOENT);
    CHECK(walk_err("/f/x") == EXT2_ENOTDIR && walk_err("/f/") == EXT2_ENOTDIR);
    CHECK(walk_err("/d/") == EXT2_OK && walk("/") == ROOT && walk("/..") == ROOT);
    CHECK(ext2_lookup(&vol, ROOT, name, 256, &ino) == EXT2_ENAMETOOLONG);
    ext2_symlink(&vol, ROOT, NAME("loop1"), NAME("loop2"), 0, 0, NULL);
    ext2_symlink(&vol, ROOT, NAME("loop2"), NAME("/loop1"), 0, 0, NULL);
    CHECK(walk_err("/loop1") == EXT2_ELOOP && walk_err("/loop1/x") == EXT2_ELOOP);
    CHECK(ext2_walk(&vol, ROOT, NAME("/loop1"), false, &ino) == EXT2_OK);
    /* read / write / truncate / readlink */
    CHECK(ext2_read(&vol, d, 0, big, 10, &done) == EXT2_EISDIR);
    CHECK(ext2_write(&vol, d, 0, big, 10, &done) == EXT2_EISDIR);
    CHECK(ext2_truncate(&vol, d, 0) == EXT2_EISDIR);
    CHECK(ext2_read(&vol, ino, 0, big, 10, &done) == EXT2_EINVAL); /* a symbolic link */
    CHECK(ext2_write(&vol, f, 1ull << 40, "x", 1, &done) == EXT2_EFBIG);
    CHECK(ext2_truncate(&vol, f, 1ull << 40) == EXT2_EFBIG);
    CHECK(ext2_readlink(&vol, f, name, 10, &done) == EXT2_EINVAL);
    CHECK(ext2_stat(&vol, 0, &(ext2_stat_t){0}) == EXT2_EINVAL);
    CHECK(ext2_stat(&vol, vol.inodes_count + 1, &(ext2_stat_t){0}) == EXT2_EINVAL);
    CHECK(ext2_stat(&vol, vol.inodes_count, &(ext2_stat_t){0}) == EXT2_EIO); /* unused */
    /* unlink / rmdir */
    CHECK(ext2_unlink(&vol, ROOT, NAME("d")) == EXT2_EISDIR);
    CHECK(ext2_unlink(&vol, ROOT, NAME("nope")) == EXT2_ENOENT);
    CHECK(ext2_unlink(&vol, f, NAME("x")) == EXT2_ENOTDIR);
    CHECK(ext2_rmdir(&vol, ROOT, NAME("d")) == EXT2_ENOTEMPTY);
    CHECK(ext2_rmdir(&vol, ROOT, NAME("f")) == EXT2_ENOTDIR);
    CHECK(ext2_rmdir(&vol, d, NAME(".")) == EXT2_EINVAL);
    CHECK(ext2_rmdir(&vol, d, NAME("..")) == EXT2_EINVAL);
    CHECK(ext2_rmdir(&vol, ROOT, NAME("nope")) == EXT2_ENOENT);
    /* link */
    CHECK(ext2_link(&vol, d, ROOT, NAME("dl")) == EXT2_EPERM);
    CHECK(ext2_link(&vol, f, ROOT, NAME("d")) == EXT2_EEXIST);
    CHECK(ext2_link(&vol, f, f, NAME("x")) == EXT2_ENOTDIR);
    /* rename */
    CHECK(ext2_rename(&vol, ROOT, NAME("nope"), ROOT, NAME("x")) == EXT2_ENOENT);
    CHECK(ext2_rename(&vol, ROOT, NAME("f"), ROOT, NAME("d")) == EXT2_EISDIR);
    CHECK(ext2_rename(&vol, ROOT, NAME("e"), ROOT, NAME("f")) == EXT2_ENOTDIR);
    CHECK(ext2_rename(&vol, ROOT, NAME("e"), ROOT, NAME("d")) == EXT2_ENOTEMPTY);
    CHECK(ext2_rename(&vol, ROOT, NAME("d"), d, NAME("sub")) == EXT2_EINVAL);
    CHECK(ext2_rename(&vol, ROOT, NAME("d"), e, NAME("..")) == EXT2_EINVAL);
    CHECK(ext2_rename(&vol, ROOT, NAME("."), e, NAME("x")) == EXT2_EINVAL);
    uint32_t deep = mkdirp("/d/deeper");
    CHECK(ext2_rename(&vol, ROOT, NAME("d"), deep, NAME("x")) == EXT2_EINVAL);
    CHECK(ext2_rename(&vol, ROOT, NAME("f"), ROOT, name, 256) == EXT2_ENAMETOOLONG);
    CHECK(ext2_rename(&vol, ROOT, NAME("e"), d, NAME("e")) == EXT2_OK);
    /* readdir past the end */
    uint64_t cursor = 1u << 30;
    ext2_dirent_t ent;
    CHECK(ext2_readdir(&vol, ROOT, &cursor, &ent) == EXT2_ENOENT);
    CHECK(ext2_readdir(&vol, f, &cursor, &ent) == EXT2_ENOTDIR);
    CHECK(fsck(image) == 0);
    /* read-only */
    CHECK(mount_img(EXT2_MOUNT_RDONLY) == EXT2_OK);
    CHECK(same("/f", "data", 4));
    CHECK(ext2_create(&vol, ROOT, NAME("ro"), 0644, 0, 0, &ino) == EXT2_EROFS);
    CHECK(ext2_write(&vol, f, 0, "x", 1, &done) == EXT2_EROFS);
    CHECK(ext2_truncate(&vol, f, 0) == EXT2_EROFS && ext2_chmod(&vol, f, 0) == EXT2_EROFS);
    CHECK(ext2_unlink(&vol, ROOT, NAME("f")) == EXT2_EROFS);
    CHECK(ext2_rename(&vol, ROOT, NAME("f"), ROOT, NAME("g")) == EXT2_EROFS);
    CHECK(ext2_mkdir(&vol, ROOT, NAME("x"), 0, 0, 0, &ino) == EXT2_EROFS);
    CHECK(ext2_rmdir(&vol, ROOT, NAME("d")) == EXT2_EROFS);
    CHECK(ext2_link(&vol, f, ROOT, NAME("h")) == EXT2_EROFS);
}

/* 1,000 files in one directory, names with spaces and non-ASCII bytes; resumable readdir. */
static void test_many(unsigned bsize)
{
    char image[128], name[64], data[64];
    snprintf(image, sizeof(image), "%s/many.img", tmpdir);
    mkfs(image, bsize, 8192, NULL);
    CHECK(mount_img(0) == EXT2_OK);
    uint32_t dir = mkdirp("/many"), ino;
    int ok = 0;
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof(name), "file with space %04d \xc3\xa9\xe2\x82\xac", i);
        snprintf(data, sizeof(data), "contents of %d", i);
        ok += mkfile2(dir, name, data) != 0;
    }
    CHECK(ok == 1000 && count_entries(dir) == 1002);
    ok = 0;
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof(name), "file with space %04d \xc3\xa9\xe2\x82\xac", i);
        ok += ext2_lookup(&vol, dir, name, strlen(name), &ino) == EXT2_OK;
    }
    CHECK(ok == 1000);
    /* List while removing every third file: no entry twice, every survivor seen. */
    static uint8_t seen[1000];
    memset(seen, 0, sizeof(seen));
    uint64_t cursor = 0;
    ext2_dirent_t ent;
    int dup = 0, n = 0;
    for (int i = 0; i < 1000; i += 3) {
        snprintf(name, sizeof(name), "file with space %04d \xc3\xa9\xe2\x82\xac", i);
        while (n < 2 * i / 3 && ext2_readdir(&vol, dir, &cursor, &ent) == EXT2_OK) {
            int k;
            if (sscanf(ent.name, "file with space %d", &k) == 1 && k >= 0 && k < 1000)
                dup += seen[k]++ != 0;
            n++;
        }
        CHECK(ext2_unlink(&vol, dir, name, strlen(name)) == EXT2_OK);
    }
    while (ext2_readdir(&vol, dir, &cursor, &ent) == EXT2_OK) {
        int k;
        if (sscanf(ent.name, "file with space %d", &k) == 1 && k >= 0 && k < 1000)
            dup += seen[k]++ != 0;
    }
    int missing = 0;
    for (int i = 0; i < 1000; i++)
        missing += i % 3 != 0 && !seen[i];
    CHECK(dup == 0 && missing == 0);
    CHECK(count_entries(dir) == 1002 - 334);
    CHECK(fsck(image) == 0);
    CHECK(debugfs_same(image, "/many/file with space 0500 \xc3\xa9\xe2\x82\xac", "contents of 500",
                       15));
}

/* Filling the disk gives ENOSPC with a partial count; freeing gives every block back. */
static void test_enospc(void)
{
    char image[128];
    snprintf(image, sizeof(image), "%s/full.img", tmpdir);
    mkfs(image, 1024, 1024, NULL);
    CHECK(mount_img(0) == EXT2_OK);
    uint32_t free0 = free_blocks(), ino;
    CHECK(ext2_create(&vol, ROOT, NAME("fill"), 0644, 0, 0, &ino) == EXT2_OK);
    size_t done;
    fill(big, 2u << 20);
    CHECK(ext2_write(&vol, ino, 0, big, 2u << 20, &done) == EXT2_ENOSPC);
    CHECK(done > 0 && done < (1u << 20) && free_blocks() == 0);
    CHECK(same("/fill", big, done));
    CHECK(ext2_mkdir(&vol, ROOT, NAME("nd"), 0755, 0, 0, &ino) == EXT2_ENOSPC);
    CHECK(fsck(image) == 0);
    CHECK(ext2_unlink(&vol, ROOT, NAME("fill")) == EXT2_OK && free_blocks() == free0);
    /* Out of inodes. */
    char name[32];
    ext2_err_t err = EXT2_OK;
    for (int i = 0; i < 100000 && !err; i++) {
        snprintf(name, sizeof(name), "i%d", i);
        err = ext2_create(&vol, ROOT, name, strlen(name), 0644, 0, 0, &ino);
    }
    CHECK(err == EXT2_ENOSPC);
    CHECK(fsck(image) == 0);
}
