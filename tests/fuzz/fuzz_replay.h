/* Shared main() for the replay builds of the fuzz targets (ALLOT_FUZZ_REPLAY):
 * runs LLVMFuzzerTestOneInput on every file named on the command line, so
 * ctest replays each seed corpus and every crash kept in
 * tests/cases/hostile/ under ASan+UBSan without clang. */
#ifndef ALLOT_FUZZ_REPLAY_H
#define ALLOT_FUZZ_REPLAY_H
#ifdef ALLOT_FUZZ_REPLAY
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "cannot open %s\n", argv[i]);
            return 1;
        }
        size_t cap = 1 << 16, n = 0;
        uint8_t *buf = malloc(cap);
        for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
            n += got;
            if (n == cap) {
                uint8_t *more = realloc(buf, cap *= 2);
                if (!more) {
                    free(buf);
                    buf = NULL;
                }
                buf = more;
            }
        }
        fclose(f);
        if (!buf)
            return 1;
        LLVMFuzzerTestOneInput(buf, n);
        free(buf);
    }
    printf("replayed %d inputs\n", argc - 1);
    return 0;
}
#endif
#endif
