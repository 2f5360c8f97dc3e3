/* A main for the harnesses without libFuzzer: replays each file named on the command line. */
#include <stdio.h>
#include <stdlib.h>

#include "tests/fuzz/fuzz.h"

/* Reads the whole file into an exactly-sized heap block, so ASan sees any read past its end. */
static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    long len = -1;
    uint8_t *buf = NULL;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0)
        len = ftell(f);
    rewind(f);
    if (len >= 0)
        buf = malloc(len > 0 ? (size_t)len : 1);
    if (buf != NULL && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = (size_t)len;
    return buf;
}

int main(int argc, char **argv)
{
    int failed = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...  (replays each input through the harness)\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        size_t size = 0;
        uint8_t *data = read_file(argv[i], &size);
        if (data == NULL) {
            printf("not ok %s: cannot read\n", argv[i]);
            failed++;
            continue;
        }
        LLVMFuzzerTestOneInput(data, size);
        free(data);
        printf("ok %s (%zu bytes)\n", argv[i], size);
    }
    printf("%d passed, %d failed\n", argc - 1 - failed, failed);
    return failed != 0;
}
