#include "paths.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

allot_paths *allot_paths_new(void)
{
    allot_paths *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->start = malloc(sizeof *p->start);
    if (!p->start) {
        free(p);
        return NULL;
    }
    p->start[0] = 0;
    return p;
}

void allot_paths_free(allot_paths *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_channels; i++)
        free(p->channels[i]);
    free(p->channels);
    free(p->start);
    free(p->steps);
    free(p->conversions);
    free(p->value);
    free(p->nulls);
    free(p->line);
    free(p->table);
    free(p);
}

static uint64_t name_hash(const char *s, size_t len)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

static int table_rebuild(allot_paths *p, size_t cap)
{
    uint32_t *t = calloc(cap, sizeof *t);
    if (!t)
        return -1;
    for (size_t id = 0; id < p->n_channels; id++) {
        size_t h = (size_t)name_hash(p->channels[id], strlen(p->channels[id])) & (cap - 1);
        while (t[h])
            h = (h + 1) & (cap - 1);
        t[h] = (uint32_t)id + 1;
    }
    free(p->table);
    p->table = t;
    p->table_cap = cap;
    return 0;
}

allot_status allot_paths_channel(allot_paths *p, const char *name, size_t len, uint32_t *id)
{
    if (len == 0)
        return ALLOT_ERR_USAGE;
    if (!p->table && table_rebuild(p, 64) != 0)
        return ALLOT_ERR_NOMEM;
    size_t mask = p->table_cap - 1;
    size_t h = (size_t)name_hash(name, len) & mask;
    while (p->table[h]) {
        const char *have = p->channels[p->table[h] - 1];
        /* a name may hold NUL bytes: compare lengths first (strncmp stopped
         * at the NUL and have[len] was read past a shorter name) */
        if (strnlen(have, len + 1) == len && memcmp(have, name, len) == 0) {
            *id = p->table[h] - 1;
            return ALLOT_OK;
        }
        h = (h + 1) & mask;
    }
    if (p->n_channels >= UINT32_MAX - 1)
        return ALLOT_ERR_USAGE;
    if (p->n_channels == p->cap_channels) {
        size_t cap = p->cap_channels ? 2 * p->cap_channels : 16;
        char **c = realloc(p->channels, cap * sizeof *c);
        if (!c)
            return ALLOT_ERR_NOMEM;
        p->channels = c;
        p->cap_channels = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return ALLOT_ERR_NOMEM;
    memcpy(copy, name, len);
    copy[len] = '\0';
    p->channels[p->n_channels] = copy;
    p->table[h] = (uint32_t)p->n_channels + 1;
    *id = (uint32_t)p->n_channels++;
    if (2 * p->n_channels > p->table_cap && table_rebuild(p, 2 * p->table_cap) != 0)
        return ALLOT_ERR_NOMEM;
    return ALLOT_OK;
}

static int grow_paths(allot_paths *p)
{
    size_t cap = p->cap_paths ? 2 * p->cap_paths : 256;
    size_t *s = realloc(p->start, (cap + 1) * sizeof *s);
    if (!s)
        return -1;
    p->start = s;
    double *c = realloc(p->conversions, cap * sizeof *c);
    if (!c)
        return -1;
    p->conversions = c;
    double *v = realloc(p->value, cap * sizeof *v);
    if (!v)
        return -1;
    p->value = v;
    double *n = realloc(p->nulls, cap * sizeof *n);
    if (!n)
        return -1;
    p->nulls = n;
    long *l = realloc(p->line, cap * sizeof *l);
    if (!l)
        return -1;
    p->line = l;
    p->cap_paths = cap;
    return 0;
}

static int grow_steps(allot_paths *p, size_t need)
{
    size_t cap = p->cap_steps ? p->cap_steps : 1024;
    while (cap < need)
        cap *= 2;
    uint32_t *s = realloc(p->steps, cap * sizeof *s);
    if (!s)
        return -1;
    p->steps = s;
    p->cap_steps = cap;
    return 0;
}

static int count_ok(double x)
{
    return isfinite(x) && x >= 0;
}

/* Opens a new path at the end; its steps are pushed by the caller. */
static allot_status path_begin(allot_paths *p)
{
    if (p->n_paths == p->cap_paths && grow_paths(p) != 0)
        return ALLOT_ERR_NOMEM;
    return ALLOT_OK;
}

allot_status allot_paths_add(allot_paths *p, const uint32_t *steps, size_t len,
                             double conversions, double value, double nulls)
{
    if (len == 0 || !count_ok(conversions) || !count_ok(value) || !count_ok(nulls))
        return ALLOT_ERR_USAGE;
    for (size_t i = 0; i < len; i++)
        if (steps[i] >= p->n_channels)
            return ALLOT_ERR_USAGE;
    if (path_begin(p) != ALLOT_OK)
        return ALLOT_ERR_NOMEM;
    size_t base = p->start[p->n_paths];
    if (base + len > p->cap_steps && grow_steps(p, base + len) != 0)
        return ALLOT_ERR_NOMEM;
    memcpy(p->steps + base, steps, len * sizeof *steps);
    size_t i = p->n_paths++;
    p->start[i + 1] = base + len;
    p->conversions[i] = conversions;
    p->value[i] = value;
    p->nulls[i] = nulls;
    p->line[i] = 0;
    return ALLOT_OK;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Interns the channels of text[0..len) as steps after the current end of
 * steps; *count gets their number. An empty channel name is
 * ALLOT_ERR_PARSE with its byte offset in *bad_offset. */
static allot_status split_path(allot_paths *p, const char *text, size_t len, size_t *count,
                               size_t *bad_offset)
{
    size_t base = p->start[p->n_paths];
    size_t n = 0;
    size_t i = 0;
    for (;;) {
        size_t b = i;
        while (b < len && text[b] != '>')
            b++;
        size_t s = i, e = b;
        while (s < e && is_space(text[s]))
            s++;
        while (e > s && is_space(text[e - 1]))
            e--;
        if (s == e) {
            *bad_offset = i;
            return ALLOT_ERR_PARSE;
        }
        uint32_t id;
        allot_status st = allot_paths_channel(p, text + s, e - s, &id);
        if (st != ALLOT_OK)
            return st;
        if (base + n + 1 > p->cap_steps && grow_steps(p, base + n + 1) != 0)
            return ALLOT_ERR_NOMEM;
        p->steps[base + n++] = id;
        if (b >= len)
            break;
        i = b + 1;
    }
    *count = n;
    return ALLOT_OK;
}

static allot_status finish_path(allot_paths *p, size_t n, double conversions, double value,
                                double nulls, long line)
{
    size_t i = p->n_paths++;
    p->start[i + 1] = p->start[i] + n;
    p->conversions[i] = conversions;
    p->value[i] = value;
    p->nulls[i] = nulls;
    p->line[i] = line;
    return ALLOT_OK;
}

allot_status allot_paths_add_text(allot_paths *p, const char *text, size_t len,
                                  double conversions, double value, double nulls,
                                  allot_error *err)
{
    if (!count_ok(conversions) || !count_ok(value) || !count_ok(nulls))
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "path counts must be finite and not negative");
    if (path_begin(p) != ALLOT_OK)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t n = 0, bad = 0;
    allot_status st = split_path(p, text, len, &n, &bad);
    if (st == ALLOT_ERR_PARSE)
        return allot_error_set(err, st, NULL, 0, 0,
                               "path '%.*s' has an empty channel name at character %zu",
                               (int)(len > 200 ? 200 : len), text, bad + 1);
    if (st != ALLOT_OK)
        return allot_error_set(err, st, NULL, 0, 0, "out of memory");
    return finish_path(p, n, conversions, value, nulls, 0);
}

/* qsort without a context argument: sort (name, id) pairs. */
typedef struct name_id {
    const char *name;
    uint32_t id;
} name_id;

static int cmp_name_id(const void *a, const void *b)
{
    const name_id *x = a, *y = b;
    return strcmp(x->name, y->name);
}

allot_status allot_paths_sort_channels(allot_paths *p)
{
    size_t n = p->n_channels;
    if (n < 2)
        return ALLOT_OK;
    name_id *order = malloc(n * sizeof *order);
    uint32_t *remap = malloc(n * sizeof *remap);
    char **names = malloc(n * sizeof *names);
    if (!order || !remap || !names) {
        free(order);
        free(remap);
        free(names);
        return ALLOT_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        order[i].name = p->channels[i];
        order[i].id = (uint32_t)i;
    }
    qsort(order, n, sizeof *order, cmp_name_id);
    for (size_t i = 0; i < n; i++) {
        remap[order[i].id] = (uint32_t)i;
        names[i] = p->channels[order[i].id];
    }
    memcpy(p->channels, names, n * sizeof *names);
    size_t total = p->start[p->n_paths];
    for (size_t i = 0; i < total; i++)
        p->steps[i] = remap[p->steps[i]];
    free(order);
    free(remap);
    free(names);
    if (table_rebuild(p, p->table_cap) != 0)
        return ALLOT_ERR_NOMEM;
    return ALLOT_OK;
}

void allot_paths_totals(const allot_paths *p, double *conversions, double *value, double *nulls)
{
    double c = 0, v = 0, n = 0;
    for (size_t i = 0; i < p->n_paths; i++) {
        c += p->conversions[i];
        v += p->value[i];
        n += p->nulls[i];
    }
    if (conversions)
        *conversions = c;
    if (value)
        *value = v;
    if (nulls)
        *nulls = n;
}

/* ---- file parsing ------------------------------------------------------ */

typedef struct field {
    const char *s; /* content (quotes removed only when no doubled quote) */
    size_t len;
    int quoted_escape; /* contains "" that must be unescaped */
} field;

enum { COL_PATH, COL_CONV, COL_VALUE, COL_NULL, COL_OTHER };

static int name_is(const char *s, size_t len, const char *const *names)
{
    for (; *names; names++) {
        size_t n = strlen(*names);
        if (n != len)
            continue;
        size_t i = 0;
        while (i < n) {
            char c = s[i];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c == ' ' || c == '-' || c == '.')
                c = '_';
            if (c != (*names)[i])
                break;
            i++;
        }
        if (i == n)
            return 1;
    }
    return 0;
}

static int header_kind(const char *s, size_t len)
{
    static const char *const path_names[] = {"path", "paths", "channel_path", NULL};
    static const char *const conv_names[] = {"total_conversions", "conversions",
                                             "total_conversion", "conv", NULL};
    static const char *const value_names[] = {"total_conversion_value", "conversion_value",
                                              "total_value", "value", "revenue", NULL};
    static const char *const null_names[] = {"total_null", "total_nulls", "null", "nulls",
                                             "total_non_conversions", "non_conversions", NULL};
    while (len && is_space(*s)) {
        s++;
        len--;
    }
    while (len && is_space(s[len - 1]))
        len--;
    if (name_is(s, len, path_names))
        return COL_PATH;
    if (name_is(s, len, conv_names))
        return COL_CONV;
    if (name_is(s, len, value_names))
        return COL_VALUE;
    if (name_is(s, len, null_names))
        return COL_NULL;
    return COL_OTHER;
}

/* Splits line [s, e) into fields. Returns the count, or -1 (with *bad_col)
 * on an unterminated quote. Fields beyond max are counted, not stored. */
static long split_fields(const char *s, const char *e, char sep, field *f, size_t max,
                         long *bad_col)
{
    long n = 0;
    const char *c = s;
    for (;;) {
        field cur = {c, 0, 0};
        if (c < e && *c == '"') {
            const char *q = c + 1;
            for (;;) {
                if (q >= e) {
                    *bad_col = n + 1;
                    return -1;
                }
                if (*q == '"') {
                    if (q + 1 < e && q[1] == '"') {
                        cur.quoted_escape = 1;
                        q += 2;
                        continue;
                    }
                    break;
                }
                q++;
            }
            cur.s = c + 1;
            cur.len = (size_t)(q - (c + 1));
            c = q + 1;
            while (c < e && *c != sep)
                c++; /* tolerate spaces after a closing quote */
        } else {
            const char *b = c;
            while (b < e && *b != sep)
                b++;
            cur.len = (size_t)(b - c);
            c = b;
        }
        if ((size_t)n < max)
            f[n] = cur;
        n++;
        if (c >= e)
            break;
        c++; /* separator */
    }
    return n;
}

/* Parses a non-negative count. Returns 0 on success. Empty -> def_ok. */
static int parse_count(const char *s, size_t len, double *out, int empty_ok)
{
    while (len && is_space(*s)) {
        s++;
        len--;
    }
    while (len && is_space(s[len - 1]))
        len--;
    if (len == 0) {
        *out = 0;
        return empty_ok ? 0 : -1;
    }
    /* fast path: plain digits */
    uint64_t v = 0;
    size_t i = 0;
    while (i < len && i < 18 && s[i] >= '0' && s[i] <= '9')
        v = v * 10 + (uint64_t)(s[i++] - '0');
    if (i == len) {
        *out = (double)v;
        return 0;
    }
    char buf[64];
    if (len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    double d = strtod(buf, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(d) || d < 0)
        return -1;
    *out = d;
    return 0;
}

#define MAX_FIELDS 64

allot_status allot_paths_parse(const char *data, size_t len, const char *name,
                               allot_paths **out, allot_error *err)
{
    *out = NULL;
    const char *s = data, *end = data + len;
    if (len >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
        (unsigned char)s[2] == 0xBF)
        s += 3;
    allot_paths *p = allot_paths_new();
    if (!p)
        return allot_error_set(err, ALLOT_ERR_NOMEM, name, 0, 0, "out of memory");
    field f[MAX_FIELDS];
    int kind[MAX_FIELDS];
    long n_cols = 0;
    int col[4] = {-1, -1, -1, -1};
    char sep = ';';
    long line = 0;
    char *unescape = NULL;
    size_t unescape_cap = 0;
    allot_status st = ALLOT_OK;

    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        line++;
        if (e > s && e[-1] == '\r')
            e--;
        /* a NUL byte would cut a channel name short (two channels printing
         * the same); refuse it like the CSV loader does */
        const char *nul = e > s ? memchr(s, '\0', (size_t)(e - s)) : NULL;
        if (nul) {
            st = allot_error_set(err, ALLOT_ERR_PARSE, name, line, 0,
                                 "the line contains a NUL byte (byte %ld of the line); "
                                 "is this a text file?", (long)(nul - s) + 1);
            goto fail;
        }
        const char *t = s;
        while (t < e && is_space(*t))
            t++;
        if (t == e) { /* blank line */
            s = next;
            continue;
        }
        if (n_cols == 0) {
            /* header: choose the separator, then map the columns */
            size_t semi = 0, comma = 0, tab = 0;
            for (const char *c = s; c < e; c++) {
                semi += *c == ';';
                comma += *c == ',';
                tab += *c == '\t';
            }
            sep = semi ? ';' : tab ? '\t' : comma ? ',' : ';';
            long bad = 0;
            n_cols = split_fields(s, e, sep, f, MAX_FIELDS, &bad);
            if (n_cols < 0) {
                st = allot_error_set(err, ALLOT_ERR_PARSE, name, line, bad,
                                     "unterminated quote in the header");
                goto fail;
            }
            if (n_cols > MAX_FIELDS) {
                st = allot_error_set(err, ALLOT_ERR_PARSE, name, line, MAX_FIELDS + 1,
                                     "the header has more than %d columns; is this a path "
                                     "file (path;total_conversions;total_conversion_value;"
                                     "total_null)?",
                                     MAX_FIELDS);
                goto fail;
            }
            for (long i = 0; i < n_cols; i++) {
                kind[i] = header_kind(f[i].s, f[i].len);
                if (kind[i] != COL_OTHER) {
                    if (col[kind[i]] >= 0) {
                        st = allot_error_set(err, ALLOT_ERR_PARSE, name, line, i + 1,
                                             "column '%.*s' repeats column %d",
                                             (int)f[i].len, f[i].s, col[kind[i]] + 1);
                        goto fail;
                    }
                    col[kind[i]] = (int)i;
                }
            }
            if (col[COL_PATH] < 0 || col[COL_CONV] < 0) {
                st = allot_error_set(
                    err, ALLOT_ERR_PARSE, name, line, 0,
                    "the header needs a 'path' and a 'total_conversions' column (found "
                    "'%.*s'); expected path;total_conversions;total_conversion_value;"
                    "total_null",
                    (int)((e - s) > 200 ? 200 : (e - s)), s);
                goto fail;
            }
            s = next;
            continue;
        }
        long bad = 0;
        long n = split_fields(s, e, sep, f, MAX_FIELDS, &bad);
        if (n < 0) {
            st = allot_error_set(err, ALLOT_ERR_PARSE, name, line, bad, "unterminated quote");
            goto fail;
        }
        if (n != n_cols) {
            st = allot_error_set(err, ALLOT_ERR_PARSE, name, line, n > n_cols ? n_cols + 1 : n,
                                 "%ld fields where the header has %ld (separator '%s')", n,
                                 n_cols, sep == '\t' ? "\\t" : (char[]){sep, 0});
            goto fail;
        }
        double v[4] = {0, 0, 0, 0};
        for (int k = COL_CONV; k <= COL_NULL; k++) {
            if (col[k] < 0)
                continue;
            const field *fk = &f[col[k]];
            if (parse_count(fk->s, fk->len, &v[k], k != COL_CONV) != 0) {
                st = allot_error_set(err, ALLOT_ERR_PARSE, name, line, col[k] + 1,
                                     "'%.*s' is not a count (a number >= 0 with '.' as the "
                                     "decimal point)",
                                     (int)(fk->len > 60 ? 60 : fk->len), fk->s);
                goto fail;
            }
        }
        const field *fp = &f[col[COL_PATH]];
        const char *ptext = fp->s;
        size_t plen = fp->len;
        if (fp->quoted_escape) {
            if (plen + 1 > unescape_cap) {
                free(unescape);
                unescape_cap = plen + 1;
                unescape = malloc(unescape_cap);
                if (!unescape) {
                    st = allot_error_set(err, ALLOT_ERR_NOMEM, name, line, 0, "out of memory");
                    goto fail;
                }
            }
            size_t o = 0;
            for (size_t i = 0; i < plen; i++) {
                unescape[o++] = ptext[i];
                if (ptext[i] == '"' && i + 1 < plen && ptext[i + 1] == '"')
                    i++;
            }
            ptext = unescape;
            plen = o;
        }
        if (path_begin(p) != ALLOT_OK) {
            st = allot_error_set(err, ALLOT_ERR_NOMEM, name, line, 0, "out of memory");
            goto fail;
        }
        size_t count = 0, off = 0;
        st = split_path(p, ptext, plen, &count, &off);
        if (st == ALLOT_ERR_PARSE) {
            if (plen == 0)
                st = allot_error_set(err, ALLOT_ERR_PARSE, name, line, col[COL_PATH] + 1,
                                     "empty path");
            else
                st = allot_error_set(err, ALLOT_ERR_PARSE, name, line, col[COL_PATH] + 1,
                                     "empty channel name at character %zu of the path "
                                     "(channels are separated by '>')",
                                     off + 1);
            goto fail;
        }
        if (st != ALLOT_OK) {
            st = allot_error_set(err, st, name, line, 0, "out of memory");
            goto fail;
        }
        finish_path(p, count, v[COL_CONV], v[COL_VALUE], v[COL_NULL], line);
        s = next;
    }
    free(unescape);
    unescape = NULL;
    if (n_cols == 0) {
        st = allot_error_set(err, ALLOT_ERR_DATA, name, 0, 0,
                             "the file is empty; expected a header "
                             "path;total_conversions;total_conversion_value;total_null");
        goto fail;
    }
    double c, nu;
    allot_paths_totals(p, &c, NULL, &nu);
    if (p->n_paths == 0 || c + nu <= 0) {
        st = allot_error_set(err, ALLOT_ERR_DATA, name, 0, 0,
                             "the file holds no journeys (no rows, or every conversion and "
                             "null count is 0)");
        goto fail;
    }
    if (allot_paths_sort_channels(p) != ALLOT_OK) {
        st = allot_error_set(err, ALLOT_ERR_NOMEM, name, 0, 0, "out of memory");
        goto fail;
    }
    *out = p;
    return ALLOT_OK;
fail:
    free(unescape);
    allot_paths_free(p);
    return st;
}

allot_status allot_paths_read(const char *file, allot_paths **out, allot_error *err)
{
    *out = NULL;
    FILE *fp = fopen(file, "rb");
    if (!fp)
        return allot_error_set(err, ALLOT_ERR_IO, file, 0, 0, "cannot open: %s",
                               strerror(errno));
    size_t cap = 1 << 20, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(fp);
        return allot_error_set(err, ALLOT_ERR_NOMEM, file, 0, 0, "out of memory");
    }
    for (;;) {
        if (len == cap) {
            char *b = realloc(buf, cap * 2);
            if (!b) {
                free(buf);
                fclose(fp);
                return allot_error_set(err, ALLOT_ERR_NOMEM, file, 0, 0, "out of memory");
            }
            buf = b;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0)
            break;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        return allot_error_set(err, ALLOT_ERR_IO, file, 0, 0, "read error");
    }
    allot_status st = allot_paths_parse(buf, len, file, out, err);
    free(buf);
    return st;
}
