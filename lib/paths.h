/*
 * paths.h — a set of aggregated journeys: the input of the data-driven
 * models (Markov removal effects, Shapley values).
 *
 * A path is an ordered sequence of channel ids (a > b > c) with the number
 * of journeys that followed it and converted (`conversions`), their total
 * conversion value, and the number that followed it and did not convert
 * (`nulls`). Counts are doubles because path files may carry fractional
 * conversions; they must be finite and >= 0.
 *
 * Channel ids are dense (0 .. n_channels-1) and index `channels`. After
 * allot_paths_read/_parse (or an explicit allot_paths_sort_channels) the ids
 * follow the byte order of the channel names, so results do not depend on
 * the order of the input rows.
 *
 * The ChannelAttribution path file format is read:
 *
 *   path;total_conversions;total_conversion_value;total_null
 *   Email > Paid Search;12;3400.5;80
 *
 * The separator is `;`, `,` or TAB (chosen from the header line); fields may
 * be double-quoted (RFC 4180). Header names are compared case-insensitively:
 * path (`path`, `paths`, `channel_path`), conversions (`total_conversions`,
 * `conversions`, `total_conversion`, `conv`), value (`total_conversion_value`,
 * `conversion_value`, `total_value`, `value`, `revenue`) and nulls
 * (`total_null`, `total_nulls`, `null`, `nulls`, `total_non_conversions`,
 * `non_conversions`). path and conversions are required; value and nulls
 * default to 0. Channel names inside a path are separated by `>` and trimmed.
 */
#ifndef ALLOT_PATHS_H
#define ALLOT_PATHS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct allot_paths {
    size_t n_channels;
    char **channels;      /* names, NUL-terminated, owned; id = index */
    size_t n_paths;
    size_t *start;        /* path p is steps[start[p] .. start[p+1]-1] */
    uint32_t *steps;      /* channel ids */
    double *conversions;  /* per path */
    double *value;        /* per path: total conversion value */
    double *nulls;        /* per path: non-converting journeys */
    long *line;           /* per path: source line (0 when not from a file) */
    /* private */
    size_t cap_channels, cap_paths, cap_steps;
    uint32_t *table;      /* open addressing: name hash -> id + 1, 0 empty */
    size_t table_cap;
} allot_paths;

/* An empty set. NULL when out of memory. Release with allot_paths_free. */
allot_paths *allot_paths_new(void);

/* Frees p and everything it owns; NULL is a no-op. */
void allot_paths_free(allot_paths *p);

/* The id of channel `name` (len bytes, not necessarily NUL-terminated),
 * adding it when new. ALLOT_ERR_USAGE for an empty name. */
allot_status allot_paths_channel(allot_paths *p, const char *name, size_t len, uint32_t *id);

/* Appends one path of len >= 1 channel ids (each < n_channels) with its
 * counts (finite, >= 0). ALLOT_ERR_USAGE otherwise, ALLOT_ERR_NOMEM. */
allot_status allot_paths_add(allot_paths *p, const uint32_t *steps, size_t len,
                             double conversions, double value, double nulls);

/* Appends a path written as text ("a > b > c"), interning its channels.
 * An empty path or an empty channel name is ALLOT_ERR_PARSE. */
allot_status allot_paths_add_text(allot_paths *p, const char *text, size_t len,
                                  double conversions, double value, double nulls,
                                  allot_error *err);

/* Renumbers the channels in byte order of their names (stable results). */
allot_status allot_paths_sort_channels(allot_paths *p);

/* Parses a path file held in memory; `name` is used in error messages.
 * On success *out is a new set owned by the caller (channels sorted).
 * Errors: ALLOT_ERR_PARSE (bad header, field count, number, empty path)
 * with line and column; ALLOT_ERR_DATA when the file holds no journey
 * (every count zero); ALLOT_ERR_NOMEM. */
allot_status allot_paths_parse(const char *data, size_t len, const char *name,
                               allot_paths **out, allot_error *err);

/* Reads and parses a path file. ALLOT_ERR_IO when it cannot be read. */
allot_status allot_paths_read(const char *file, allot_paths **out, allot_error *err);

/* Sums of conversions, value and nulls over all paths (any may be NULL). */
void allot_paths_totals(const allot_paths *p, double *conversions, double *value,
                        double *nulls);

#endif
