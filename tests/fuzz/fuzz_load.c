/* Fuzz target for the loader and the dialect mappers (lib/load.h,
 * lib/dialect.h): the input becomes a file loaded into a fresh in-memory
 * database, with the dialect chosen by the first byte (0: recognised from
 * the header, else canonical or one of dialect.h's), so every mapper sees
 * arbitrary headers and rows. Any bytes give a committed load or a clean
 * error; never a crash, leak or undefined behaviour.
 * Corpus: tests/fuzz/corpus/load/ (first byte: the dialect). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dialect.h"
#include "load.h"
#include "store.h"
#include "fuzz_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char dir[64], path[96];
    snprintf(dir, sizeof dir, "/tmp/allot-fuzz-load-%ld", (long)getpid());
    snprintf(path, sizeof path, "%s/in.csv", dir);
    mkdir(dir, 0700);
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    sqlite3 *db = NULL;
    allot_error err;
    if (allot_store_open(":memory:", &db, &err) == ALLOT_OK) {
        allot_load_options opt;
        allot_load_options_init(&opt);
        opt.rejects_dir = dir;
        opt.max_rejects = data[0] & 0x80 ? 1000000 : 0;
        int n = allot_dialect_count();
        int pick = (data[0] & 0x7f) % (n + 2);
        opt.dialect = pick == 0 ? NULL : pick == 1 ? "canonical" : allot_dialect_name(pick - 2);
        allot_load_summary sum;
        allot_load_file(db, path, &opt, &sum, &err);
        if (sum.rejects_path[0])
            unlink(sum.rejects_path);
    }
    allot_store_close(db);
    char rej[128];
    snprintf(rej, sizeof rej, "%s/in.csv.rejects.csv", dir);
    unlink(rej);
    unlink(path);
    rmdir(dir);
    return 0;
}
