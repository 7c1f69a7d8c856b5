/*
 * config.h — the allot.ini file: what a company sets once.
 *
 * Format (see README "Configuration" for every key):
 *
 *   # comment            ; comment too (whole lines only: '#' and ';' may
 *   [section]              appear inside values, e.g. in a subject line)
 *   key = value          surrounding blanks trimmed; value may be empty
 *
 * Every key is optional and has a documented default. The keys allot knows
 * are registered in one table in config.c (section, key, default, kind,
 * meaning); the README and sample-data/allot.ini list the same keys, and a
 * unit test checks the sample shows every one. A key name in the table may
 * be a pattern with '*' (e.g. "[funnel] *.mql" for per-system stage names,
 * "[okr] *" for free-form targets).
 *
 * Unknown sections and keys are not fatal: they are collected as warnings
 * ("allot.ini:12: unknown key 'lookback' in [general]") so a tool can print
 * them and a typo is visible. Malformed lines (no '=', no closing ']', a key
 * before any section) are errors with file:line.
 *
 * A repeatable key ("[taxonomy] rule", "[taxonomy] group") may appear many
 * times, in order; read it with allot_config_count/allot_config_nth. Any
 * other key given twice: the later value wins, with a warning.
 *
 * Typed getters read a registered key: when the file sets it, its value is
 * parsed and an error names file:line and the key
 * ("allot.ini:7: [models] w_shaped = '30/30': expected 4 percentages ...",
 * ALLOT_ERR_CONFIG); when absent, the registered default is returned.
 * Asking for a key that is not registered is a programming error
 * (ALLOT_ERR_USAGE, "internal: ... not registered in config.c"): add the key
 * to the table (and to the README and sample-data/allot.ini) first.
 *
 * A NULL allot_config* is valid everywhere and means "no file: all defaults".
 */
#ifndef ALLOT_CONFIG_H
#define ALLOT_CONFIG_H

#include <stddef.h>

#include "error.h"
#include "zone.h"

typedef struct allot_config allot_config;

/* Reads and parses the INI file at path. On success *cfg is owned by the
 * caller (allot_config_free). ALLOT_ERR_IO when the file cannot be read,
 * ALLOT_ERR_CONFIG (with file:line) when a line is malformed. */
allot_status allot_config_load(const char *path, allot_config **cfg, allot_error *err);

/* Same from memory; name is used in messages (e.g. "allot.ini"). */
allot_status allot_config_parse(const char *text, size_t len, const char *name,
                                allot_config **cfg, allot_error *err);

/* Frees cfg; NULL is a no-op. */
void allot_config_free(allot_config *cfg);

/* The file name given to load/parse ("" for NULL cfg). */
const char *allot_config_name(const allot_config *cfg);

/* Warnings collected while parsing (unknown section/key, duplicate key),
 * each "name:line: message". Strings are owned by cfg. */
size_t allot_config_warning_count(const allot_config *cfg);
const char *allot_config_warning(const allot_config *cfg, size_t i);

/* The raw value of section/key as written (last occurrence), or NULL when
 * absent (defaults are NOT applied). *line gets its line when line != NULL. */
const char *allot_config_raw(const allot_config *cfg, const char *section,
                             const char *key, long *line);

/* Every entry of the file in order (to iterate free-form sections such as
 * [okr]). Returns 0 when i is out of range; pointers are owned by cfg. */
int allot_config_entry(const allot_config *cfg, size_t i, const char **section,
                       const char **key, const char **value, long *line);

/* Repeatable keys: how many times section/key occurs, and the i-th value
 * (0-based, file order) with its line. */
size_t allot_config_count(const allot_config *cfg, const char *section, const char *key);
const char *allot_config_nth(const allot_config *cfg, const char *section, const char *key,
                             size_t i, long *line);

/* ---- typed getters (registered keys; default when absent) ---- */

/* Text as written (trimmed). *out is owned by cfg or static; valid until
 * allot_config_free. */
allot_status allot_config_get_string(const allot_config *cfg, const char *section,
                                     const char *key, const char **out, allot_error *err);

/* A decimal integer; the table gives the allowed range (e.g. 1..12). */
allot_status allot_config_get_int(const allot_config *cfg, const char *section,
                                  const char *key, long *out, allot_error *err);

/* A finite decimal number within the table's range. */
allot_status allot_config_get_double(const allot_config *cfg, const char *section,
                                     const char *key, double *out, allot_error *err);

/* yes/no, true/false, on/off, 1/0 (case-insensitive). */
allot_status allot_config_get_bool(const allot_config *cfg, const char *section,
                                   const char *key, int *out, allot_error *err);

/* Percentages separated by '/' ("30/30/30/10"), returned as fractions
 * (0.30, ...). n must equal the registered count. Each value is in
 * [0, 100]; they must sum to 100 (within 1e-9), except for keys registered
 * as "rest implied" (u_shaped = FT/LC), whose sum must be <= 100 and whose
 * rest (1 - sum) is the caller's to use. */
allot_status allot_config_get_percents(const allot_config *cfg, const char *section,
                                       const char *key, double *out, size_t n,
                                       allot_error *err);

/* Named percentages "FT:30, LC:30, OC:30, rest:10": names are 1..15 chars
 * [A-Za-z0-9_], unique; values in [0, 100] summing to 100; returned as
 * fractions in file order. At most max entries (more is ALLOT_ERR_CONFIG). */
typedef struct allot_named_weight {
    char name[16];
    double weight;
} allot_named_weight;
allot_status allot_config_get_named(const allot_config *cfg, const char *section,
                                    const char *key, allot_named_weight *out, size_t max,
                                    size_t *n, allot_error *err);

/* A comma-separated list ("Direct, Unassigned"), items trimmed, empty items
 * dropped. *items is a malloc'd array of malloc'd strings owned by the
 * caller: release with allot_config_list_free. An empty value gives n = 0. */
allot_status allot_config_get_list(const allot_config *cfg, const char *section,
                                   const char *key, char ***items, size_t *n,
                                   allot_error *err);
void allot_config_list_free(char **items, size_t n);

/* An ISO 4217 code known to money.h (e.g. reporting_currency). */
allot_status allot_config_get_currency(const allot_config *cfg, const char *section,
                                       const char *key, const char **out, allot_error *err);

/* ---- the [general] section in one call ---- */
typedef struct allot_general {
    char reporting_currency[4];   /* USD */
    int fiscal_year_start_month;  /* 1..12, 1 = calendar year */
    int lookback_days;            /* 90 */
    int max_touches_per_journey;  /* 0 = no cap */
    char timezone[64];            /* UTC; checked like allot_config_zone */
} allot_general;
allot_status allot_config_general(const allot_config *cfg, allot_general *out,
                                  allot_error *err);

/* The company's time zone, [general] timezone: reports count days, months
 * and quarters of timestamps on its clocks (zone.h). *out is NULL for UTC
 * (the default), else a zone the caller frees with allot_zone_free.
 * ALLOT_ERR_CONFIG with file:line when the system knows no such zone. */
allot_status allot_config_zone(const allot_config *cfg, allot_zone **out, allot_error *err);

/* ---- the registry (for documentation, samples and tests) ---- */
typedef enum allot_config_kind {
    ALLOT_CFG_STRING, ALLOT_CFG_INT, ALLOT_CFG_DOUBLE, ALLOT_CFG_BOOL,
    ALLOT_CFG_PERCENTS, ALLOT_CFG_NAMED, ALLOT_CFG_LIST, ALLOT_CFG_CURRENCY,
    ALLOT_CFG_MULTI   /* repeatable; read with allot_config_count/_nth */
} allot_config_kind;

typedef struct allot_config_key {
    const char *section;
    const char *key;        /* may contain '*' */
    const char *def;        /* default as it would be written in the file */
    allot_config_kind kind;
    double min, max;        /* INT/DOUBLE range */
    int count;              /* PERCENTS: number of values; negative = rest implied */
    const char *meaning;    /* one line for the README */
} allot_config_key;

size_t allot_config_key_count(void);
const allot_config_key *allot_config_key_at(size_t i);

#endif
