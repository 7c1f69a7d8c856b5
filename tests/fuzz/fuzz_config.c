/* Fuzz target for the configuration parser (lib/config.h): any bytes parse
 * or fail with ALLOT_ERR_CONFIG; every registered key then reads through its
 * typed getter (a default, a value or a clean error).
 * Corpus: tests/fuzz/corpus/config/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    allot_config *cfg = NULL;
    allot_error err;
    if (allot_config_parse((const char *)data, size, "fuzz.ini", &cfg, &err) != ALLOT_OK) {
        allot_config_free(cfg);
        return 0;
    }
    for (size_t i = 0; i < allot_config_warning_count(cfg); i++)
        (void)strlen(allot_config_warning(cfg, i));
    const char *section, *key, *value;
    long line;
    for (size_t i = 0; allot_config_entry(cfg, i, &section, &key, &value, &line); i++)
        (void)allot_config_raw(cfg, section, key, &line);
    for (size_t i = 0; i < allot_config_key_count(); i++) {
        const allot_config_key *k = allot_config_key_at(i);
        if (strchr(k->key, '*'))
            continue;
        const char *s;
        long l;
        double d, w[8];
        int b;
        allot_named_weight nw[16];
        size_t n;
        char **items;
        switch (k->kind) {
        case ALLOT_CFG_STRING: allot_config_get_string(cfg, k->section, k->key, &s, &err); break;
        case ALLOT_CFG_INT: allot_config_get_int(cfg, k->section, k->key, &l, &err); break;
        case ALLOT_CFG_DOUBLE: allot_config_get_double(cfg, k->section, k->key, &d, &err); break;
        case ALLOT_CFG_BOOL: allot_config_get_bool(cfg, k->section, k->key, &b, &err); break;
        case ALLOT_CFG_PERCENTS:
            if (abs(k->count) <= 8)
                allot_config_get_percents(cfg, k->section, k->key, w, (size_t)abs(k->count), &err);
            break;
        case ALLOT_CFG_NAMED:
            allot_config_get_named(cfg, k->section, k->key, nw, 16, &n, &err);
            break;
        case ALLOT_CFG_LIST:
            if (allot_config_get_list(cfg, k->section, k->key, &items, &n, &err) == ALLOT_OK)
                allot_config_list_free(items, n);
            break;
        case ALLOT_CFG_CURRENCY: allot_config_get_currency(cfg, k->section, k->key, &s, &err); break;
        case ALLOT_CFG_MULTI:
            for (size_t j = 0; j < allot_config_count(cfg, k->section, k->key); j++)
                (void)allot_config_nth(cfg, k->section, k->key, j, &l);
            break;
        }
    }
    allot_general g;
    allot_config_general(cfg, &g, &err);
    allot_config_free(cfg);
    return 0;
}
