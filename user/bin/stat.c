/* stat: prints what stat(2) says about each FILE (lstat: a link itself). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *type(mode_t m)
{
    return S_ISDIR(m)    ? "directory"
           : S_ISLNK(m)  ? "symbolic link"
           : S_ISREG(m)  ? "regular file"
           : S_ISFIFO(m) ? "fifo"
           : S_ISCHR(m)  ? "character device"
                         : "other";
}

int main(int argc, char **argv)
{
    int rc = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: stat FILE...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (lstat(argv[i], &st) != 0) {
            fprintf(stderr, "stat: %s: %s\n", argv[i], strerror(errno));
            rc = 1;
            continue;
        }
        printf("  File: %s\n  Size: %ld  Blocks: %ld  IO Block: %ld  %s\n", argv[i],
               (long)st.st_size, (long)st.st_blocks, (long)st.st_blksize, type(st.st_mode));
        printf("Device: %lu  Inode: %lu  Links: %lu  Mode: %04o  Uid: %d  Gid: %d\n",
               (unsigned long)st.st_dev, (unsigned long)st.st_ino, (unsigned long)st.st_nlink,
               (unsigned)(st.st_mode & 07777), (int)st.st_uid, (int)st.st_gid);
    }
    return rc;
}
