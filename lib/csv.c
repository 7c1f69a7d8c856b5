#include "csv.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Field flags found while scanning. */
enum { F_QUOTED = 1, F_ESCAPED = 2, F_HIGH = 4 };

/* Scanner outcomes. */
enum { SCAN_OK, SCAN_NEED, SCAN_EOF, SCAN_TOO_MANY, SCAN_UNTERMINATED };

/* Bytes of decoded text wanted in the buffer before sniffing. */
#define SNIFF_BYTES (256u << 10)
/* Records looked at to choose the delimiter. */
#define SNIFF_RECORDS 40

typedef struct span {
    size_t off;     /* content start in buf (after an opening quote) */
    size_t len;     /* content length before "" are collapsed */
    unsigned flags;
} span;

/* A decoding warning found before the delimiter is known (while the
 * encoding is sniffed or the first block decoded): its place under each
 * delimiter it may turn out to be, emitted once the delimiter is chosen. */
#define PLACE_CANDIDATES 5
typedef struct pending_warning {
    char delim[PLACE_CANDIDATES];   /* ',', TAB, ';', '|', a `sep=` line's */
    long line[PLACE_CANDIDATES], field[PLACE_CANDIDATES];
    char message[160];
} pending_warning;

typedef struct scan_out {
    size_t nfields;
    size_t next;    /* offset just after the record's line break */
    long lines;     /* line breaks consumed, embedded ones included */
    size_t bad_col; /* 1-based field with text after its closing quote, 0 none */
    size_t col;     /* field being read when the scan stopped */
} scan_out;

struct allot_csv_reader {
    char *path;
    int fd;
    allot_csv_options opt;
    allot_csv_sniffed sniffed;
    off_t raw_skip;            /* byte-order mark bytes at the file start */

    iconv_t cd;                /* UTF-16 -> UTF-8, or (iconv_t)-1 */
    unsigned char *raw;        /* undecoded bytes (non-UTF-8 encodings) */
    size_t raw_len, raw_cap;
    int raw_eof;
    int bad_utf16_warned;
    int quiet;                 /* no warnings while sniffing */
    pending_warning pending[2];
    int n_pending;

    char *buf;                 /* decoded UTF-8; one spare byte past cap */
    size_t cap, start, end;
    int eof;
    long line;                 /* physical line of buf[start] */
    int64_t bytes_read;

    unsigned char cls[256];    /* 1 ends an unquoted field, 2 flags it */
    span *spans;
    size_t spans_cap;
    allot_csv_field *fields;
    size_t fields_cap;
    allot_csv_record rec;
    char *scratch;             /* Windows-1252 fallbacks of the current record */
    size_t scratch_cap;

    long skip_records;         /* records from the stream start to the first data record */
    allot_csv_record header;
    allot_csv_field *header_fields;
    char *header_text;
    int64_t dropped;
};

void allot_csv_options_init(allot_csv_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

const char *allot_csv_encoding_name(allot_csv_encoding enc)
{
    switch (enc) {
    case ALLOT_CSV_ENC_UTF8: return "utf-8";
    case ALLOT_CSV_ENC_UTF16LE: return "utf-16le";
    case ALLOT_CSV_ENC_UTF16BE: return "utf-16be";
    case ALLOT_CSV_ENC_CP1252: return "cp1252";
    case ALLOT_CSV_ENC_AUTO: break;
    }
    return "auto";
}

int allot_csv_encoding_parse(const char *name)
{
    static const struct { const char *name; allot_csv_encoding enc; } names[] = {
        {"auto", ALLOT_CSV_ENC_AUTO}, {"utf-8", ALLOT_CSV_ENC_UTF8}, {"utf8", ALLOT_CSV_ENC_UTF8},
        {"utf-16le", ALLOT_CSV_ENC_UTF16LE}, {"utf16le", ALLOT_CSV_ENC_UTF16LE},
        {"utf-16be", ALLOT_CSV_ENC_UTF16BE}, {"utf16be", ALLOT_CSV_ENC_UTF16BE},
        {"cp1252", ALLOT_CSV_ENC_CP1252}, {"windows-1252", ALLOT_CSV_ENC_CP1252},
        {"latin1", ALLOT_CSV_ENC_CP1252}, {"iso-8859-1", ALLOT_CSV_ENC_CP1252},
    };
    if (!name)
        return -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i].name) == 0)
            return (int)names[i].enc;
    return -1;
}

/* ---- encodings ---------------------------------------------------------- */

int allot_utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned min;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1; cp = c & 0x1F; min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2; cp = c & 0x0F; min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3; cp = c & 0x07; min = 0x10000;
        } else {
            return 0;
        }
        if (n - i <= need)
            return 0;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += need + 1;
    }
    return 1;
}

/* Offset of the first invalid byte, ignoring a sequence cut by the end of
 * the block when more input follows; n when all valid. */
static size_t utf8_first_invalid(const unsigned char *s, size_t n, int at_eof)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t len = s[i] >= 0xF0 ? 4 : s[i] >= 0xE0 ? 3 : 2;
        if (i + len > n)
            return at_eof ? i : n;
        if (!allot_utf8_valid(s + i, len))
            return i;
        i += len;
    }
    return n;
}

/* Windows-1252 0x80..0x9F; the five undefined bytes map to the C1 control
 * of the same value, as Windows does. */
static const unsigned short cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

size_t allot_cp1252_to_utf8(const unsigned char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned cp = in[i];
        if (cp >= 0x80 && cp < 0xA0)
            cp = cp1252_high[cp - 0x80];
        if (cp < 0x80) {
            out[o++] = (char)cp;
        } else if (cp < 0x800) {
            out[o++] = (char)(0xC0 | (cp >> 6));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[o++] = (char)(0xE0 | (cp >> 12));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    out[o] = '\0';
    return o;
}

static void warn(allot_csv_reader *r, long line, long column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void warn(allot_csv_reader *r, long line, long column, const char *fmt, ...)
{
    if (!r->opt.warn || r->quiet)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->opt.warn(r->opt.warn_ctx, line, column, msg);
}

/* Where byte n of text that starts a record falls: *lines physical line
 * breaks after the record's first line (CRLF, LF or a lone CR, as the
 * scanner counts them) and the 1-based *field, with the scanner's quoting
 * (a quote opens a field only at its start; "" inside is a quote). */
static void place_of(const char *text, size_t n, char delim, long *lines, long *field)
{
    int quoted = 0, at_start = 1;
    *lines = 0;
    *field = 1;
    for (size_t i = 0; i < n; i++) {
        char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < n && text[i + 1] == '"')
                    i++;
                else
                    quoted = 0;
            } else if (c == '\n' || (c == '\r' && !(i + 1 < n && text[i + 1] == '\n'))) {
                ++*lines;
            }
        } else if (c == '"' && at_start) {
            quoted = 1;
            at_start = 0;
        } else if (delim && c == delim) {
            ++*field;
            at_start = 1;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < n && text[i + 1] == '\n')
                i++;
            ++*lines;
            *field = 1;
            at_start = 1;
        } else {
            at_start = 0;
        }
    }
}

/* A decoding warning about byte n of text, which starts a record on
 * physical line `line`: reported at its line and field, at once when the
 * delimiter is known, else kept until it is (emit_pending). */
static void warn_at(allot_csv_reader *r, const char *text, size_t n, long line, const char *msg)
{
    long lines, field;
    if (r->sniffed.delimiter) {
        place_of(text, n, r->sniffed.delimiter, &lines, &field);
        warn(r, line + lines, field, "%s", msg);
        return;
    }
    if (r->n_pending == (int)(sizeof r->pending / sizeof r->pending[0]))
        return;
    pending_warning *w = &r->pending[r->n_pending++];
    static const char candidates[] = {',', '\t', ';', '|'};
    memcpy(w->delim, candidates, sizeof candidates);
    /* a `sep=X` first line names the delimiter (start_stream reads it later) */
    w->delim[4] = n > 4 && line == 1 && strncasecmp(text, "sep=", 4) == 0 && text[4] != '\r' &&
                          text[4] != '\n'
                      ? text[4]
                      : 0;
    for (int k = 0; k < PLACE_CANDIDATES; k++) {
        place_of(text, n, w->delim[k], &lines, &w->field[k]);
        w->line[k] = line + lines;
    }
    snprintf(w->message, sizeof w->message, "%s", msg);
}

/* The kept warnings, placed under the delimiter now chosen. */
static void emit_pending(allot_csv_reader *r)
{
    for (int i = 0; i < r->n_pending; i++) {
        const pending_warning *w = &r->pending[i];
        int k = 0;
        while (k < PLACE_CANDIDATES && w->delim[k] != r->sniffed.delimiter)
            k++;
        if (k < PLACE_CANDIDATES)
            warn(r, w->line[k], w->field[k], "%s", w->message);
        else   /* cannot happen: the delimiter is one of the candidates */
            warn(r, w->line[0], 0, "%s", w->message);
    }
    r->n_pending = 0;
}

/* ---- input -------------------------------------------------------------- */

static ssize_t read_some(allot_csv_reader *r, void *dst, size_t n)
{
    for (;;) {
        ssize_t got = read(r->fd, dst, n);
        if (got >= 0) {
            r->bytes_read += got;
            return got;
        }
        if (errno != EINTR)
            return -1;
    }
}

static allot_status io_error(allot_csv_reader *r, allot_error *err)
{
    return allot_error_set(err, ALLOT_ERR_IO, r->path, 0, 0, "cannot read: %s",
                           strerror(errno));
}

/* Decodes raw bytes into buf[end..cap). Returns bytes produced. */
static size_t decode_raw(allot_csv_reader *r)
{
    size_t space = r->cap - r->end;
    size_t used = 0, produced = 0;
    if (r->sniffed.encoding == ALLOT_CSV_ENC_CP1252) {
        size_t take = r->raw_len < space / 3 ? r->raw_len : space / 3;
        /* allot_cp1252_to_utf8 writes a NUL: the spare byte past cap holds it. */
        produced = allot_cp1252_to_utf8(r->raw, take, r->buf + r->end);
        used = take;
    } else {
        char *in = (char *)r->raw;
        size_t inleft = r->raw_len;
        char *out = r->buf + r->end;
        size_t outleft = space;
        while (inleft > 0) {
            size_t rc = iconv(r->cd, &in, &inleft, &out, &outleft);
            if (rc != (size_t)-1)
                break;
            if (errno == E2BIG)
                break;
            if (errno == EINVAL) {      /* sequence cut at the end of the input */
                if (!r->raw_eof)
                    break;
            }
            /* invalid (or truncated at the end): U+FFFD, skip one code unit */
            if (outleft < 3)
                break;
            memcpy(out, "\xEF\xBF\xBD", 3);
            out += 3;
            outleft -= 3;
            size_t skip = inleft >= 2 ? 2 : inleft;
            in += skip;
            inleft -= skip;
            if (!r->bad_utf16_warned) {
                r->bad_utf16_warned = 1;
                /* buf[start] starts a record on physical line r->line */
                warn_at(r, r->buf + r->start, (size_t)(out - 3 - (r->buf + r->start)), r->line,
                        "invalid UTF-16 code unit replaced by U+FFFD (the first one)");
            }
        }
        used = r->raw_len - inleft;
        produced = space - outleft;
    }
    memmove(r->raw, r->raw + used, r->raw_len - used);
    r->raw_len -= used;
    return produced;
}

/* Moves the unread text to the front and appends more decoded input,
 * growing the buffer when one record fills it. Sets eof at the end. */
static allot_status fill(allot_csv_reader *r, allot_error *err)
{
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->eof)
        return ALLOT_OK;
    if (r->cap - r->end < 16) {
        size_t limit = r->opt.max_record_bytes + ALLOT_CSV_BLOCK;
        if (r->cap >= limit)
            return allot_error_set(err, ALLOT_ERR_LIMIT, r->path, r->line, 0,
                                   "record is longer than %zu bytes", r->opt.max_record_bytes);
        size_t ncap = r->cap * 2 > limit ? limit : r->cap * 2;
        char *nb = realloc(r->buf, ncap + 1);
        if (!nb)
            return allot_error_set(err, ALLOT_ERR_NOMEM, r->path, r->line, 0, "out of memory");
        r->buf = nb;
        r->cap = ncap;
    }
    if (r->sniffed.encoding == ALLOT_CSV_ENC_UTF8) {
        ssize_t got = read_some(r, r->buf + r->end, r->cap - r->end);
        if (got < 0)
            return io_error(r, err);
        if (got == 0)
            r->eof = 1;
        r->end += (size_t)got;
        return ALLOT_OK;
    }
    for (;;) {
        if (!r->raw_eof && r->raw_len < r->raw_cap / 2) {
            ssize_t got = read_some(r, r->raw + r->raw_len, r->raw_cap - r->raw_len);
            if (got < 0)
                return io_error(r, err);
            if (got == 0)
                r->raw_eof = 1;
            r->raw_len += (size_t)got;
        }
        size_t produced = decode_raw(r);
        r->end += produced;
        if (r->raw_eof && (r->raw_len == 0 || produced == 0)) {
            if (r->raw_len > 0) {
                char msg[96];
                snprintf(msg, sizeof msg, "%zu undecodable byte(s) at the end of the file ignored",
                         r->raw_len);
                warn_at(r, r->buf + r->start, r->end - r->start, r->line, msg);
            }
            r->raw_len = 0;
            r->eof = 1;
            return ALLOT_OK;
        }
        if (produced > 0)
            return ALLOT_OK;
        if (r->cap - r->end < 16)
            return fill(r, err);   /* output full: grow */
    }
}

/* ---- scanning ----------------------------------------------------------- */

static int grow_spans(allot_csv_reader *r, size_t n)
{
    if (n < r->spans_cap)
        return 1;
    size_t ncap = r->spans_cap ? r->spans_cap * 2 : 64;
    span *ns = realloc(r->spans, ncap * sizeof *ns);
    if (!ns)
        return 0;
    r->spans = ns;
    r->spans_cap = ncap;
    return 1;
}

/* Finds the extent and fields of one record starting at pos, without
 * changing the buffer (so a record cut by the block end can be rescanned). */
static int scan_record(allot_csv_reader *r, const unsigned char *cls, char delim, size_t pos,
                       scan_out *o)
{
    const char *b = r->buf;
    size_t end = r->end, p = pos, n = 0;
    int eof = r->eof;
    long lines = 0;
    o->bad_col = 0;
    o->col = 1;
    if (p >= end)
        return eof ? SCAN_EOF : SCAN_NEED;
    for (;;) {
        o->col = n + 1;
        if (n >= r->opt.max_columns)
            return SCAN_TOO_MANY;
        if (!grow_spans(r, n))
            return -1;
        span *s = &r->spans[n];
        if (p < end && b[p] == '"') {
            size_t q = p + 1;
            unsigned fl = F_QUOTED;
            for (;;) {
                if (q >= end)
                    return eof ? SCAN_UNTERMINATED : SCAN_NEED;
                unsigned char c = (unsigned char)b[q];
                if (c == '"') {
                    if (q + 1 >= end && !eof)
                        return SCAN_NEED;
                    if (q + 1 < end && b[q + 1] == '"') {
                        fl |= F_ESCAPED;
                        q += 2;
                        continue;
                    }
                    break;
                }
                if (c == '\n') {
                    lines++;
                } else if (c == '\r') {
                    if (q + 1 >= end && !eof)
                        return SCAN_NEED;
                    if (!(q + 1 < end && b[q + 1] == '\n'))
                        lines++;
                } else if (cls[c] == 2) {
                    fl |= F_HIGH;
                }
                q++;
            }
            s->off = p + 1;
            s->len = q - (p + 1);
            s->flags = fl;
            p = q + 1;
            if (p < end && b[p] != delim && b[p] != '\r' && b[p] != '\n') {
                if (!o->bad_col)
                    o->bad_col = n + 1;
                while (p < end && b[p] != delim && b[p] != '\r' && b[p] != '\n')
                    p++;
                if (p >= end && !eof)
                    return SCAN_NEED;
            }
        } else {
            size_t q = p;
            unsigned fl = 0;
            while (q < end) {
                unsigned char k = cls[(unsigned char)b[q]];
                if (k == 1)
                    break;
                if (k)
                    fl = F_HIGH;
                q++;
            }
            if (q >= end && !eof)
                return SCAN_NEED;
            s->off = p;
            s->len = q - p;
            s->flags = fl;
            p = q;
        }
        n++;
        if (p >= end)
            break;
        char c = b[p];
        if (c == delim) {
            p++;
            if (p >= end && !eof)
                return SCAN_NEED;
            continue;
        }
        if (c == '\r') {
            if (p + 1 >= end && !eof)
                return SCAN_NEED;
            p += (p + 1 < end && b[p + 1] == '\n') ? 2 : 1;
        } else {
            p++;
        }
        lines++;
        break;
    }
    o->nfields = n;
    o->next = p;
    o->lines = lines;
    return SCAN_OK;
}

static int blank_record(const allot_csv_reader *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (r->spans[i].len > 0 || (r->spans[i].flags & F_QUOTED))
            return 0;
    return 1;
}

static void set_classes(unsigned char cls[256], char delim)
{
    memset(cls, 0, 256);
    for (int c = 0x80; c < 256; c++)
        cls[c] = 2;
    cls[0] = 2;   /* NUL: flagged, rejected at finalisation */
    cls['\r'] = 1;
    cls['\n'] = 1;
    cls[(unsigned char)delim] = 1;
}

/* Turns the spans of a scanned record into NUL-terminated fields in place. */
static allot_status finalize(allot_csv_reader *r, size_t n, long line, size_t bad_col,
                             allot_error *err)
{
    if (n > r->fields_cap) {
        size_t ncap = r->fields_cap ? r->fields_cap : 64;
        while (ncap < n)
            ncap *= 2;
        allot_csv_field *nf = realloc(r->fields, ncap * sizeof *nf);
        if (!nf)
            return allot_error_set(err, ALLOT_ERR_NOMEM, r->path, line, 0, "out of memory");
        r->fields = nf;
        r->fields_cap = ncap;
    }
    allot_csv_record *rec = &r->rec;
    rec->line = line;
    rec->count = n;
    rec->fields = r->fields;
    rec->error = NULL;
    rec->error_column = 0;
    if (bad_col) {
        rec->error = "text after the closing quote of a quoted field";
        rec->error_column = (long)bad_col;
    }
    size_t fallback_bytes = 0;
    for (size_t i = 0; i < n; i++) {
        span *s = &r->spans[i];
        char *p = r->buf + s->off;
        size_t len = s->len;
        if (s->flags & F_ESCAPED) {
            size_t w = 0;
            for (size_t k = 0; k < len; k++) {
                p[w++] = p[k];
                if (p[k] == '"')
                    k++;
            }
            len = w;
        }
        if (len > r->opt.max_field_bytes)
            return allot_error_set(err, ALLOT_ERR_LIMIT, r->path, line, (long)i + 1,
                                   "field is longer than %zu bytes", r->opt.max_field_bytes);
        p[len] = '\0';
        r->fields[i].text = p;
        r->fields[i].len = len;
        r->fields[i].quoted = (s->flags & F_QUOTED) != 0;
        if (s->flags & F_HIGH) {
            if (memchr(p, '\0', len)) {
                if (!rec->error) {
                    rec->error = "field contains a NUL byte";
                    rec->error_column = (long)i + 1;
                }
            } else if (r->sniffed.encoding == ALLOT_CSV_ENC_UTF8 &&
                       !allot_utf8_valid((const unsigned char *)p, len)) {
                fallback_bytes += 3 * len + 1;
                s->flags |= 8;   /* needs the Windows-1252 fallback */
            }
        }
    }
    if (fallback_bytes) {
        if (fallback_bytes > r->scratch_cap) {
            char *ns = realloc(r->scratch, fallback_bytes);
            if (!ns)
                return allot_error_set(err, ALLOT_ERR_NOMEM, r->path, line, 0, "out of memory");
            r->scratch = ns;
            r->scratch_cap = fallback_bytes;
        }
        size_t used = 0;
        for (size_t i = 0; i < n; i++) {
            if (!(r->spans[i].flags & 8))
                continue;
            char *dst = r->scratch + used;
            size_t len = allot_cp1252_to_utf8((const unsigned char *)r->fields[i].text,
                                              r->fields[i].len, dst);
            r->fields[i].text = dst;
            r->fields[i].len = len;
            used += len + 1;
            warn(r, line, (long)i + 1, "field is not valid UTF-8; read as Windows-1252");
        }
    }
    return ALLOT_OK;
}

/* The next non-blank record of the stream, in r->rec; *got 0 at the end. */
static allot_status next_record(allot_csv_reader *r, int *got, allot_error *err)
{
    *got = 0;
    for (;;) {
        scan_out o;
        int rc = scan_record(r, r->cls, r->sniffed.delimiter, r->start, &o);
        switch (rc) {
        case SCAN_EOF:
            return ALLOT_OK;
        case SCAN_NEED: {
            if (r->end - r->start >= r->opt.max_record_bytes)
                return allot_error_set(err, ALLOT_ERR_LIMIT, r->path, r->line, (long)o.col,
                                       "record is longer than %zu bytes (a quoted field "
                                       "that never closes?)", r->opt.max_record_bytes);
            allot_status st = fill(r, err);
            if (st)
                return st;
            continue;
        }
        case SCAN_TOO_MANY:
            return allot_error_set(err, ALLOT_ERR_LIMIT, r->path, r->line, (long)o.col,
                                   "record has more than %zu fields", r->opt.max_columns);
        case SCAN_UNTERMINATED:
            return allot_error_set(err, ALLOT_ERR_PARSE, r->path, r->line, (long)o.col,
                                   "quoted field never closes; check the quotes on "
                                   "this line");
        case SCAN_OK:
            break;
        default:
            return allot_error_set(err, ALLOT_ERR_NOMEM, r->path, r->line, 0, "out of memory");
        }
        long line = r->line;
        r->line += o.lines;
        r->start = o.next;
        if (blank_record(r, o.nfields))
            continue;
        allot_status st = finalize(r, o.nfields, line, o.bad_col, err);
        if (st)
            return st;
        *got = 1;
        return ALLOT_OK;
    }
}

/* ---- sniffing ----------------------------------------------------------- */

static allot_csv_encoding sniff_encoding(const unsigned char *b, size_t n, int at_eof,
                                         int *bom, size_t *bad_at)
{
    *bom = 0;
    *bad_at = (size_t)-1;
    if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        *bom = 3;
        return ALLOT_CSV_ENC_UTF8;
    }
    if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
        *bom = 2;
        return ALLOT_CSV_ENC_UTF16LE;
    }
    if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
        *bom = 2;
        return ALLOT_CSV_ENC_UTF16BE;
    }
    size_t m = n < 4096 ? n : 4096;
    size_t even = 0, odd = 0;
    for (size_t i = 0; i + 1 < m; i += 2) {
        even += b[i] == 0;
        odd += b[i + 1] == 0;
    }
    size_t pairs = m / 2;
    if (pairs >= 2) {
        if (odd * 4 > pairs && even * 4 < odd)
            return ALLOT_CSV_ENC_UTF16LE;
        if (even * 4 > pairs && odd * 4 < even)
            return ALLOT_CSV_ENC_UTF16BE;
    }
    size_t bad = utf8_first_invalid(b, n, at_eof);
    if (bad < n) {
        *bad_at = bad;
        return ALLOT_CSV_ENC_CP1252;
    }
    return ALLOT_CSV_ENC_UTF8;
}

/* Restarts decoding at the first byte after the byte-order mark and skips
 * a `sep=` line. first: detect the `sep=` line instead of knowing it. */
static allot_status start_stream(allot_csv_reader *r, int first, allot_error *err)
{
    if (lseek(r->fd, r->raw_skip, SEEK_SET) < 0)
        return io_error(r, err);
    r->raw_len = 0;
    r->raw_eof = 0;
    r->start = r->end = 0;
    r->eof = 0;
    r->line = 1;
    r->bytes_read = r->raw_skip;
    if (r->cd != (iconv_t)-1)
        iconv(r->cd, NULL, NULL, NULL, NULL);
    while (!r->eof && r->end < SNIFF_BYTES) {
        allot_status st = fill(r, err);
        if (st)
            return st;
    }
    const char *b = r->buf + r->start;
    size_t n = r->end - r->start;
    int has_sep = n >= 5 && strncasecmp(b, "sep=", 4) == 0 && b[4] != '\r' && b[4] != '\n' &&
                  (n == 5 || b[5] == '\r' || b[5] == '\n');
    if (first) {
        r->sniffed.sep_line = has_sep;
        if (has_sep && !r->opt.delimiter)
            r->sniffed.delimiter = b[4];
    }
    if (r->sniffed.sep_line && has_sep) {
        size_t p = 5;
        if (p < n && b[p] == '\r')
            p++;
        if (p < n && b[p] == '\n')
            p++;
        r->start += p;
        r->line = 2;
    }
    return ALLOT_OK;
}

/* Scores a delimiter over the first records of the sample: how many share
 * the most common field count (>= 2). */
static int delimiter_score(allot_csv_reader *r, char delim)
{
    unsigned char cls[256];
    set_classes(cls, delim);
    size_t counts[SNIFF_RECORDS];
    int k = 0;
    size_t pos = r->start;
    while (k < SNIFF_RECORDS) {
        scan_out o;
        int rc = scan_record(r, cls, delim, pos, &o);
        if (rc != SCAN_OK)
            break;
        pos = o.next;
        if (blank_record(r, o.nfields))
            continue;
        counts[k++] = o.nfields;
    }
    int best = 0;
    for (int i = 0; i < k; i++) {
        if (counts[i] < 2)
            continue;
        int f = 0;
        for (int j = 0; j < k; j++)
            f += counts[j] == counts[i];
        if (f > best)
            best = f;
    }
    return best;
}

static allot_status keep_header(allot_csv_reader *r, allot_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < r->rec.count; i++)
        total += r->rec.fields[i].len + 1;
    r->header_text = malloc(total ? total : 1);
    r->header_fields = malloc(r->rec.count * sizeof *r->header_fields);
    if (!r->header_text || !r->header_fields)
        return allot_error_set(err, ALLOT_ERR_NOMEM, r->path, 0, 0, "out of memory");
    size_t used = 0;
    for (size_t i = 0; i < r->rec.count; i++) {
        memcpy(r->header_text + used, r->rec.fields[i].text, r->rec.fields[i].len + 1);
        r->header_fields[i] = r->rec.fields[i];
        r->header_fields[i].text = r->header_text + used;
        used += r->rec.fields[i].len + 1;
    }
    r->header = r->rec;
    r->header.fields = r->header_fields;
    r->header.error = NULL;
    return ALLOT_OK;
}

/* Reads the first records (at most the header scan window, or up to the
 * forced header line) and picks the header. Leaves the stream after it. */
static allot_status find_header(allot_csv_reader *r, allot_error *err)
{
    /* Pass 1 over a copy of the sample decides; pass 2 re-reads for real,
     * since finalising records changes the buffer. */
    size_t sample_len = r->end - r->start;
    char *saved = malloc(sample_len + 1);
    if (!saved)
        return allot_error_set(err, ALLOT_ERR_NOMEM, r->path, 0, 0, "out of memory");
    memcpy(saved, r->buf + r->start, sample_len);
    size_t saved_start = r->start;
    long saved_line = r->line;
    int saved_eof = r->eof;
    size_t saved_end = r->end;

    long best_index = -1, index = 0;
    int best_score = 0;
    size_t counts[ALLOT_CSV_HEADER_SCAN];
    allot_status st = ALLOT_OK;
    long limit = r->opt.header_line ? 1000000 : ALLOT_CSV_HEADER_SCAN;
    r->quiet = 1;
    while (index < limit) {
        /* Stay inside the sample: the stream must not refill during pass 1. */
        scan_out o;
        int rc = scan_record(r, r->cls, r->sniffed.delimiter, r->start, &o);
        if (rc == SCAN_TOO_MANY)
            st = allot_error_set(err, ALLOT_ERR_LIMIT, r->path, r->line, (long)o.col,
                                 "record has more than %zu fields", r->opt.max_columns);
        if (rc != SCAN_OK)
            break;
        long line = r->line;
        r->line += o.lines;
        r->start = o.next;
        if (blank_record(r, o.nfields))
            continue;
        st = finalize(r, o.nfields, line, o.bad_col, err);
        if (st)
            break;
        if (r->opt.header_line) {
            if (line == r->opt.header_line) {
                best_index = index;
                break;
            }
            if (line > r->opt.header_line)
                break;
        } else {
            counts[index] = o.nfields;
            if (r->opt.score_header) {
                int s = r->opt.score_header(r->opt.score_ctx, &r->rec);
                if (s > best_score) {
                    best_score = s;
                    best_index = index;
                }
            }
        }
        index++;
    }
    if (!st && !r->opt.header_line && !r->opt.score_header && index > 0) {
        /* The first record with the most common field count. */
        size_t mode = counts[0];
        int mode_f = 0;
        for (long i = 0; i < index; i++) {
            int f = 0;
            for (long j = 0; j < index; j++)
                f += counts[j] == counts[i];
            if (f > mode_f || (f == mode_f && counts[i] > mode)) {
                mode_f = f;
                mode = counts[i];
            }
        }
        for (long i = 0; i < index; i++)
            if (counts[i] == mode) {
                best_index = i;
                break;
            }
    }
    r->quiet = 0;
    memcpy(r->buf + saved_start, saved, sample_len);
    free(saved);
    r->start = saved_start;
    r->end = saved_end;
    r->eof = saved_eof;
    r->line = saved_line;
    if (st)
        return st;
    if (best_index < 0) {
        if (index == 0)
            return allot_error_set(err, ALLOT_ERR_PARSE, r->path, 0, 0,
                                   "the file has no records (empty or only blank lines)");
        if (r->opt.header_line)
            return allot_error_set(err, ALLOT_ERR_PARSE, r->path, r->opt.header_line, 0,
                                   "no record starts on header line %ld",
                                   r->opt.header_line);
        return allot_error_set(err, ALLOT_ERR_PARSE, r->path, 0, 0,
                               "no header row found in the first %d rows; check the file "
                               "type or name the header line with --header-line",
                               ALLOT_CSV_HEADER_SCAN);
    }
    r->skip_records = best_index + 1;
    int got = 0;
    for (long i = 0; i <= best_index; i++) {
        st = next_record(r, &got, err);
        if (st)
            return st;
        if (!got)
            return allot_error_set(err, ALLOT_ERR_PARSE, r->path, 0, 0, "header vanished");
    }
    r->sniffed.header_line = r->rec.line;
    return keep_header(r, err);
}

allot_status allot_csv_open(const char *path, const allot_csv_options *opt,
                            allot_csv_reader **out, allot_error *err)
{
    *out = NULL;
    allot_csv_reader *r = calloc(1, sizeof *r);
    if (!r)
        return allot_error_set(err, ALLOT_ERR_NOMEM, path, 0, 0, "out of memory");
    r->fd = -1;
    r->cd = (iconv_t)-1;
    if (opt)
        r->opt = *opt;
    if (!r->opt.max_field_bytes)
        r->opt.max_field_bytes = ALLOT_CSV_MAX_FIELD_BYTES;
    if (!r->opt.max_record_bytes)
        r->opt.max_record_bytes = ALLOT_CSV_MAX_RECORD_BYTES;
    if (!r->opt.max_columns)
        r->opt.max_columns = ALLOT_CSV_MAX_COLUMNS;
    allot_status st = ALLOT_OK;
    r->path = strdup(path);
    r->cap = ALLOT_CSV_BLOCK;
    r->buf = malloc(r->cap + 1);
    if (!r->path || !r->buf) {
        st = allot_error_set(err, ALLOT_ERR_NOMEM, path, 0, 0, "out of memory");
        goto fail;
    }
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        st = allot_error_set(err, ALLOT_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
        goto fail;
    }

    /* Encoding, from the first block. */
    size_t n = 0;
    int at_eof = 0;
    while (n < ALLOT_CSV_BLOCK) {
        ssize_t got = read_some(r, r->buf + n, ALLOT_CSV_BLOCK - n);
        if (got < 0) {
            st = io_error(r, err);
            goto fail;
        }
        if (got == 0) {
            at_eof = 1;
            break;
        }
        n += (size_t)got;
    }
    if (n == 0) {
        st = allot_error_set(err, ALLOT_ERR_PARSE, path, 0, 0, "the file is empty");
        goto fail;
    }
    int bom;
    size_t bad_at;
    allot_csv_encoding enc = sniff_encoding((unsigned char *)r->buf, n, at_eof, &bom, &bad_at);
    if (r->opt.encoding != ALLOT_CSV_ENC_AUTO) {
        allot_csv_encoding forced = r->opt.encoding;
        int bom_matches = (forced == ALLOT_CSV_ENC_UTF8 && bom == 3 && enc == forced) ||
                          (bom == 2 && enc == forced);
        if (!bom_matches)
            bom = 0;
        enc = forced;
    } else if (enc == ALLOT_CSV_ENC_CP1252) {
        warn_at(r, r->buf, bad_at, 1,
                "the file is not valid UTF-8 (first bad byte in this field); "
                "read as Windows-1252 (force with --encoding)");
    }
    r->sniffed.encoding = enc;
    r->sniffed.bom = bom != 0;
    r->raw_skip = bom;
    if (enc == ALLOT_CSV_ENC_UTF16LE || enc == ALLOT_CSV_ENC_UTF16BE) {
        r->cd = iconv_open("UTF-8", enc == ALLOT_CSV_ENC_UTF16LE ? "UTF-16LE" : "UTF-16BE");
        if (r->cd == (iconv_t)-1) {
            st = allot_error_set(err, ALLOT_ERR_IO, path, 0, 0,
                                 "cannot convert from %s: %s (is glibc's iconv installed?)",
                                 allot_csv_encoding_name(enc), strerror(errno));
            goto fail;
        }
    }
    if (enc != ALLOT_CSV_ENC_UTF8) {
        r->raw_cap = ALLOT_CSV_BLOCK;
        r->raw = malloc(r->raw_cap);
        if (!r->raw) {
            st = allot_error_set(err, ALLOT_ERR_NOMEM, path, 0, 0, "out of memory");
            goto fail;
        }
    }
    st = start_stream(r, 1, err);
    if (st)
        goto fail;

    /* Delimiter. */
    if (r->opt.delimiter)
        r->sniffed.delimiter = r->opt.delimiter;
    if (!r->sniffed.delimiter) {
        static const char candidates[] = {',', '\t', ';', '|'};
        int best = -1;
        r->sniffed.delimiter = ',';
        for (size_t i = 0; i < sizeof candidates; i++) {
            int s = delimiter_score(r, candidates[i]);
            if (s > best) {
                best = s;
                r->sniffed.delimiter = candidates[i];
            }
        }
    }
    set_classes(r->cls, r->sniffed.delimiter);
    emit_pending(r);

    st = find_header(r, err);
    if (st)
        goto fail;
    *out = r;
    return ALLOT_OK;
fail:
    allot_csv_free(r);
    return st;
}

allot_status allot_csv_next(allot_csv_reader *r, const allot_csv_record **rec,
                            allot_error *err)
{
    *rec = NULL;
    for (;;) {
        int got;
        allot_status st = next_record(r, &got, err);
        if (st || !got)
            return st;
        if (r->opt.is_footer && r->opt.is_footer(r->opt.footer_ctx, &r->rec)) {
            r->dropped++;
            continue;
        }
        *rec = &r->rec;
        return ALLOT_OK;
    }
}

allot_status allot_csv_rewind(allot_csv_reader *r, allot_error *err)
{
    allot_status st = start_stream(r, 0, err);
    if (st)
        return st;
    r->dropped = 0;
    r->quiet = 1;   /* the header area was reported on the first read */
    for (long i = 0; i < r->skip_records && !st; i++) {
        int got;
        st = next_record(r, &got, err);
        if (!got)
            break;
    }
    r->quiet = 0;
    return st;
}

const allot_csv_record *allot_csv_header(const allot_csv_reader *r)
{
    return &r->header;
}

const allot_csv_sniffed *allot_csv_sniff_result(const allot_csv_reader *r)
{
    return &r->sniffed;
}

int64_t allot_csv_dropped(const allot_csv_reader *r)
{
    return r->dropped;
}

int64_t allot_csv_bytes_read(const allot_csv_reader *r)
{
    return r->bytes_read;
}

void allot_csv_free(allot_csv_reader *r)
{
    if (!r)
        return;
    if (r->fd >= 0)
        close(r->fd);
    if (r->cd != (iconv_t)-1)
        iconv_close(r->cd);
    free(r->path);
    free(r->raw);
    free(r->buf);
    free(r->spans);
    free(r->fields);
    free(r->scratch);
    free(r->header_fields);
    free(r->header_text);
    free(r);
}

/* ---- footers ------------------------------------------------------------ */

static int starts_with_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

int allot_csv_is_total_row(void *ctx, const allot_csv_record *rec)
{
    (void)ctx;
    size_t nonempty = 0;
    const char *first = NULL;
    for (size_t i = 0; i < rec->count; i++) {
        if (rec->fields[i].len == 0)
            continue;
        nonempty++;
        if (!first)
            first = rec->fields[i].text;
    }
    if (!first)
        return 0;
    while (*first == ' ' || *first == '\t')
        first++;
    if (starts_with_ci(first, "Total") || starts_with_ci(first, "Grand Total") ||
        starts_with_ci(first, "\xC2\xA9") || starts_with_ci(first, "Copyright"))
        return 1;
    if (nonempty == 1 && (starts_with_ci(first, "Generated ") ||
                          starts_with_ci(first, "Confidential")))
        return 1;
    return 0;
}

/* ---- header names -------------------------------------------------------- */

/* ASCII folding of U+00C0..U+00FF ("" keeps the character). */
static const char *const latin1_fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
};

char *allot_csv_header_key(const char *name, char *out, size_t size)
{
    const unsigned char *p = (const unsigned char *)name;
    size_t o = 0;
    int pending_space = 0;
    if (size == 0)
        return out;
    while (*p) {
        const char *emit = NULL;
        char one[2] = {0, 0};
        size_t adv = 1;
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
            pending_space = o > 0;
            p++;
            continue;
        }
        if (p[0] == 0xC2 && p[1] == 0xA0) {                 /* NBSP */
            pending_space = o > 0;
            p += 2;
            continue;
        }
        if (p[0] == 0xE2 && ((p[1] == 0x86 && (p[2] == 0x91 || p[2] == 0x93)) ||
                             (p[1] == 0x96 && (p[2] == 0xB2 || p[2] == 0xBC)))) {
            p += 3;                                          /* sort arrows */
            continue;
        }
        if ((p[0] == 0xC3) && p[1] >= 0x80 && p[1] <= 0xBF &&
            latin1_fold[p[1] - 0x80][0]) {
            emit = latin1_fold[p[1] - 0x80];
            adv = 2;
        } else {
            one[0] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
            emit = one;
        }
        size_t n = strlen(emit);
        if (o + pending_space + n >= size)
            break;
        if (pending_space)
            out[o++] = ' ';
        pending_space = 0;
        memcpy(out + o, emit, n);
        o += n;
        p += adv;
    }
    out[o] = '\0';
    return out;
}
