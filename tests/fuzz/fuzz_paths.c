/* Fuzz target for the path-file parser (lib/paths.h): any bytes give a path
 * set or a clean ALLOT_ERR_PARSE/DATA; a parsed set's totals are finite
 * sums. Corpus: tests/fuzz/corpus/paths/. */
#include <stdint.h>
#include <stdlib.h>

#include "paths.h"
#include "fuzz_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    allot_paths *p = NULL;
    allot_error err;
    if (allot_paths_parse((const char *)data, size, "fuzz.csv", &p, &err) == ALLOT_OK) {
        double c, v, n;
        allot_paths_totals(p, &c, &v, &n);
        for (size_t i = 0; i < p->n_paths; i++)
            for (size_t s = p->start[i]; s < p->start[i + 1]; s++)
                if (p->steps[s] >= p->n_channels)
                    abort();
    }
    allot_paths_free(p);
    return 0;
}
