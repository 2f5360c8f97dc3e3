/* libFuzzer harness for lib/ext2: each input is an ext2 image to mount, walk and change. */
#include "tests/fuzz/ext2_exercise.h"

#include <stdio.h>
#include <stdlib.h>

#define IMAGE_MAX (1u << 20)

/*
 * The device is the input zero-extended to the size its superblock claims (at most IMAGE_MAX),
 * so that seeds can be stored with their trailing zero blocks cut off. An input longer than
 * IMAGE_MAX is skipped.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ext2_vol_t vol;
    static uint8_t buf[16384];
    if (size > IMAGE_MAX)
        return 0;
    size_t dev_size = size;
    if (size >= 1024 + 28) {
        uint32_t blocks, log;
        memcpy(&blocks, data + 1024 + 4, 4);
        memcpy(&log, data + 1024 + 24, 4);
        uint64_t want = log <= 2 ? (uint64_t)blocks << (10 + log) : 0;
        if (want > dev_size)
            dev_size = want < IMAGE_MAX ? (size_t)want : IMAGE_MAX;
    }
    ext2x_mem_t m = {calloc(1, dev_size ? dev_size : 1), dev_size};
    if (!m.data)
        return 0;
    memcpy(m.data, data, size);
    ext2_dev_t dev = ext2x_dev(&m);
    if (ext2_mount(&vol, &dev, 0) == EXT2_OK) {
        ext2x_walk_all(&vol, buf, sizeof(buf));
        ext2x_mutate(&vol, buf, 3000);
        ext2x_walk_all(&vol, buf, sizeof(buf));
    }
    free(m.data);
    return 0;
}

#ifdef XR_FUZZ_STANDALONE
/* Replays the files named on the command line through the harness (no libFuzzer needed). */
int main(int argc, char **argv)
{
    static uint8_t input[IMAGE_MAX + 1];
    int replayed = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 2;
        }
        size_t n = fread(input, 1, sizeof(input), f);
        fclose(f);
        LLVMFuzzerTestOneInput(input, n);
        replayed++;
    }
    printf("%d inputs replayed\n", replayed);
    return 0;
}
#endif
