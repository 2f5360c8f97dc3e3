/* fstest: directories: mkdir/rmdir errors, readdir, unusual names, renames, 1,000 entries. */
#include "fstest.h"

#define FS (&ft_fs[0])

/* Counts the entries of directory path other than "." and ".."; -1 on an error. With want,
 * also checks that every one of the n names in want is listed. */
static long count_entries(const char *path, const char *const *want, unsigned n)
{
    long h = xr_fs_open(FS, path, FS_O_READ | FS_O_DIRECTORY, 0);
    if (h < 0)
        return -1;
    long count = 0;
    uint32_t seen = 0;
    const fs_dirent_t *d;
    size_t bytes;
    long k;
    while ((k = xr_fs_readdir(FS, h, &d, &bytes)) > 0) {
        const void *end = (const uint8_t *)d + bytes;
        for (long i = 0; i < k && d; i++, d = xr_fs_dirent_next(d, end)) {
            bool dot = !strcmp(d->name, ".") || !strcmp(d->name, "..");
            count += !dot;
            for (unsigned j = 0; j < n && j < 32; j++)
                if (!strcmp(d->name, want[j]))
                    seen |= 1u << j;
        }
    }
    xr_fs_close(FS, h);
    if (k < 0 || (n && seen != (n >= 32 ? ~0u : (1u << n) - 1)))
        return -1;
    return count;
}

static void mkdir_rmdir(void)
{
    FT_EQ(xr_fs_mkdir(FS, "/d", 0755), 0);
    FT_EQ(xr_fs_mkdir(FS, "/d", 0755), -FS_EEXIST);
    FT_EQ(xr_fs_mkdir(FS, "/", 0755), -FS_EEXIST);
    FT_EQ(xr_fs_mkdir(FS, "/none/x", 0755), -FS_ENOENT);
    FT_EQ(xr_fs_mkdir(FS, "/etc/motd/x", 0755), -FS_ENOTDIR);
    FT_EQ(xr_fs_mkdir(FS, "/d/sub", 0755), 0);
    FT_EQ(xr_fs_rmdir(FS, "/d"), -FS_ENOTEMPTY);
    FT_EQ(xr_fs_rmdir(FS, "/etc/motd"), -FS_ENOTDIR);
    FT_EQ(xr_fs_rmdir(FS, "/d/none"), -FS_ENOENT);
    FT_EQ(xr_fs_rmdir(FS, "/"), -FS_EBUSY);
    FT_EQ(xr_fs_rmdir(FS, "/d/sub"), 0);
    FT_EQ(xr_fs_rmdir(FS, "/d"), 0);
    FT_EQ(xr_fs_open(FS, "/d", FS_O_READ, 0), -FS_ENOENT);
    char name[300];
    memset(name, 'n', sizeof(name));
    name[0] = '/';
    name[299] = 0;
    FT_EQ(xr_fs_mkdir(FS, name, 0755), -FS_ENAMETOOLONG);
}

static void readdir_32(void)
{
    FT_EQ(xr_fs_mkdir(FS, "/rd", 0755), 0);
    char path[32];
    for (unsigned i = 0; i < 32; i++) {
        snprintf(path, sizeof(path), "/rd/entry-%02u", i);
        FT_EQ(ft_put(FS, path, path, strlen(path)), 0);
    }
    FT_EQ(count_entries("/rd", NULL, 0), 32);
    long h = xr_fs_open(FS, "/rd", FS_O_READ | FS_O_DIRECTORY, 0);
    const fs_dirent_t *d;
    size_t bytes;
    FT_EQ(xr_fs_readdir(FS, h, &d, &bytes), 34);
    FT_EQ(strcmp(d->name, "."), 0);
    FT_EQ(d->type, FS_S_IFDIR);
    FT_EQ(xr_fs_readdir(FS, h, &d, &bytes), 0); /* the end */
    char c;
    FT_EQ(xr_fs_read(FS, h, &c, 1), -FS_EISDIR);
    xr_fs_close(FS, h);
    h = xr_fs_open(FS, "/rd/entry-00", FS_O_READ, 0);
    FT_EQ(xr_fs_readdir(FS, h, &d, &bytes), -FS_ENOTDIR);
    xr_fs_close(FS, h);
}

static const char *const odd_names[10] = {
    "with space",
    "two  spaces ",
    " leading",
    "caf\xc3\xa9",
    "\xe6\x97\xa5\xe6\x9c\xac",
    "\xf0\x9f\x93\x81 folder",
    "raw \xff\xfe bytes",
    "tab\there",
    "-dash and.dots.",
    "\xce\xbb x \xce\xbb",
};

static void odd_names_kept(void)
{
    char path[64];
    FT_EQ(xr_fs_mkdir(FS, "/names", 0755), 0);
    for (unsigned i = 0; i < 10; i++) {
        snprintf(path, sizeof(path), "/names/%s", odd_names[i]);
        if (i % 2)
            FT_EQ(xr_fs_mkdir(FS, path, 0700), 0);
        else
            FT_EQ(ft_put(FS, path, odd_names[i], strlen(odd_names[i])), 0);
    }
    FT_EQ(count_entries("/names", odd_names, 10), 10);
    for (unsigned i = 0; i < 10; i++) {
        fs_stat_t st;
        snprintf(path, sizeof(path), "/names/%s", odd_names[i]);
        FT_EQ(xr_fs_stat(FS, path, &st), 0);
        FT_EQ(st.mode & FS_S_IFMT, i % 2 ? FS_S_IFDIR : FS_S_IFREG);
    }
}

static void renames(void)
{
    fs_stat_t st;
    char buf[16] = {0};
    FT_EQ(xr_fs_mkdir(FS, "/r", 0755), 0);
    FT_EQ(xr_fs_mkdir(FS, "/r/a", 0755), 0);
    FT_EQ(xr_fs_mkdir(FS, "/r/b", 0755), 0);
    FT_EQ(ft_put(FS, "/r/a/f", "moved", 5), 0);
    FT_EQ(xr_fs_rename(FS, "/r/a/f", "/r/a/g"), 0); /* within a directory */
    FT_EQ(xr_fs_rename(FS, "/r/a/g", "/r/b/h"), 0); /* across directories */
    FT_EQ(ft_get(FS, "/r/b/h", buf, sizeof(buf)), 5);
    FT_EQ(xr_fs_stat(FS, "/r/a/g", &st), -FS_ENOENT);
    FT_EQ(xr_fs_mkdir(FS, "/r/a/dir", 0755), 0);
    FT_EQ(ft_put(FS, "/r/a/dir/inner", "in", 2), 0);
    FT_EQ(xr_fs_rename(FS, "/r/a/dir", "/r/b/dir2"), 0); /* a directory across directories */
    FT_EQ(ft_get(FS, "/r/b/dir2/inner", buf, sizeof(buf)), 2);
    FT_EQ(xr_fs_stat(FS, "/r/a", &st), 0);
    FT_EQ(st.nlink, 2); /* lost the subdirectory's ".." */
    FT_EQ(xr_fs_stat(FS, "/r/b", &st), 0);
    FT_EQ(st.nlink, 3);
    FT_EQ(ft_put(FS, "/r/b/x", "xx", 2), 0);
    FT_EQ(xr_fs_rename(FS, "/r/b/x", "/r/b/h"), 0); /* replaces a file */
    FT_EQ(ft_get(FS, "/r/b/h", buf, sizeof(buf)), 2);
    FT_EQ(xr_fs_rename(FS, "/r/b/h", "/r/b/dir2"), -FS_EISDIR);
    FT_EQ(xr_fs_rename(FS, "/r/a", "/r/b"), -FS_ENOTEMPTY);
    FT_EQ(xr_fs_rename(FS, "/r/b", "/r/b/dir2/under"), -FS_EINVAL);
    FT_EQ(xr_fs_rename(FS, "/r/none", "/r/x"), -FS_ENOENT);
    FT_EQ(xr_fs_rename(FS, "/r/b/dir2", "/r/a/back"), 0);
    FT_EQ(ft_get(FS, "/r/a/back/inner", buf, sizeof(buf)), 2);
}

static void thousand_files(void)
{
    char path[32];
    FT_EQ(xr_fs_mkdir(FS, "/many", 0755), 0);
    for (unsigned i = 0; i < 1000; i++) {
        snprintf(path, sizeof(path), "/many/file-%04u", i);
        long h = xr_fs_open(FS, path, FS_O_WRITE | FS_O_CREATE | FS_O_EXCL, 0644);
        FT_ASSERT(h >= 0);
        FT_EQ(xr_fs_close(FS, h), 0);
    }
    FT_EQ(count_entries("/many", NULL, 0), 1000);
    fs_stat_t st;
    FT_EQ(xr_fs_stat(FS, "/many/file-0999", &st), 0);
    FT_EQ(xr_fs_stat(FS, "/many/file-1000", &st), -FS_ENOENT);
    for (unsigned i = 0; i < 1000; i++) {
        snprintf(path, sizeof(path), "/many/file-%04u", i);
        FT_EQ(xr_fs_unlink(FS, path), 0);
    }
    FT_EQ(count_entries("/many", NULL, 0), 0);
    FT_EQ(xr_fs_rmdir(FS, "/many"), 0);
}

void tests_dirs(void)
{
    ft_run("mkdir_rmdir_errors", mkdir_rmdir);
    ft_run("readdir_32_entries", readdir_32);
    ft_run("names_with_spaces_and_utf8", odd_names_kept);
    ft_run("rename_files_and_directories", renames);
    ft_run("thousand_files_in_a_directory", thousand_files);
}
