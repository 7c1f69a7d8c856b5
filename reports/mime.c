#include "mime.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hash.h"

/* Lines we fold to; RFC 5322 allows 78 plus CRLF, we keep 2 in hand. */
#define LINE_MAX_CHARS 76

/* ---- a growable byte buffer; an allocation failure sticks in .oom ---- */

typedef struct buf {
    char *p;
    size_t len, cap;
    int oom;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

static void putc_(buf *b, char c) { put(b, &c, 1); }

/* Hands the buffer's bytes to the caller (NULL when an allocation failed). */
static char *take(buf *b)
{
    if (b->oom) {
        free(b->p);
        return NULL;
    }
    if (!b->p)
        put(b, "", 0);
    if (b->oom)
        return NULL;
    return b->p;
}

/* ---- checks ---- */

/* Length of the valid UTF-8 sequence at s (1-4), 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0; /* overlong */
        if (c == 0xED && s[1] >= 0xA0)
            return 0; /* surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90)
            return 0;
        if (c == 0xF4 && s[1] >= 0x90)
            return 0;
        return 4;
    }
    return 0;
}

allot_status allot_mime_check_header_text(const char *value, const char *field,
                                          allot_error *err)
{
    if (!value)
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0, "%s: missing value", field);
    size_t n = strlen(value);
    if (n > ALLOT_MIME_MAX_HEADER)
        return allot_error_set(err, ALLOT_ERR_LIMIT, NULL, 0, 0,
                               "%s: %zu bytes is longer than the %d allowed in a mail header",
                               field, n, ALLOT_MIME_MAX_HEADER);
    const unsigned char *s = (const unsigned char *)value;
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        if (c == '\r' || c == '\n')
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "%s: contains a line break (%s) at byte %zu; refusing to put "
                                   "it in a mail header (header injection); remove the line "
                                   "break from the value",
                                   field, c == '\r' ? "CR" : "LF", i + 1);
        if (c < 0x20 || c == 0x7F)
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "%s: contains the control character 0x%02X at byte %zu; "
                                   "refusing to put it in a mail header",
                                   field, c, i + 1);
        size_t l = utf8_len(s + i);
        if (l == 0)
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "%s: is not valid UTF-8 at byte %zu", field, i + 1);
        i += l;
    }
    return ALLOT_OK;
}

static int is_atext(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static int is_ldh(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-';
}

/* A pragmatic addr-spec: dot-atom local part (<= 64), '@', a domain of LDH
 * labels (1-63 each, no leading or trailing '-', <= 253 in all). */
static allot_status check_addr_spec(const char *a, size_t n, const char *field,
                                    const char *whole, allot_error *err)
{
    const char *at = memchr(a, '@', n);
    if (!at)
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                               "%s: '%s' is not an e-mail address (no '@')", field, whole);
    size_t local = (size_t)(at - a), domain = n - local - 1;
    if (n > 254)
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                               "%s: the address is longer than 254 characters", field);
    if (local == 0 || local > 64)
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                               "%s: '%s': the part before '@' must be 1 to 64 characters",
                               field, whole);
    for (size_t i = 0; i < local; i++) {
        int c = (unsigned char)a[i];
        if (c == '.' && (i == 0 || i + 1 == local || a[i - 1] == '.'))
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "%s: '%s': misplaced '.' before '@'", field, whole);
        if (c != '.' && !is_atext(c))
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "%s: '%s': character '%c' is not allowed before '@' "
                                   "(quoted local parts and non-ASCII addresses are not "
                                   "supported)",
                                   field, whole, c >= 0x21 && c < 0x7F ? c : '?');
    }
    if (domain == 0 || domain > 253)
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                               "%s: '%s': the domain must be 1 to 253 characters", field, whole);
    const char *d = at + 1;
    size_t label = 0;
    for (size_t i = 0; i <= domain; i++) {
        int c = i < domain ? (unsigned char)d[i] : '.';
        if (c == '.') {
            if (label == 0 || label > 63 || d[i - 1] == '-' || d[i - label] == '-')
                return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                       "%s: '%s': '%.*s' is not a valid domain", field, whole,
                                       (int)domain, d);
            label = 0;
        } else if (!is_ldh(c)) {
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "%s: '%s': '%.*s' is not a valid domain (letters, digits, "
                                   "'-' and '.' only)",
                                   field, whole, (int)domain, d);
        } else {
            label++;
        }
    }
    return ALLOT_OK;
}

/* Splits "Name <a@b>" / "\"Name\" <a@b>" / "a@b" into name (malloc'ed,
 * possibly empty) and the addr-spec's position. */
typedef struct parsed_address {
    char *name;
    const char *spec;
    size_t spec_len;
} parsed_address;

static int is_space(int c) { return c == ' ' || c == '\t'; }

static allot_status parse_address(const char *address, const char *field, parsed_address *pa,
                                  allot_error *err)
{
    memset(pa, 0, sizeof *pa);
    allot_status st = allot_mime_check_header_text(address, field, err);
    if (st != ALLOT_OK)
        return st;
    const char *s = address, *e = address + strlen(address);
    while (s < e && is_space((unsigned char)*s))
        s++;
    while (e > s && is_space((unsigned char)e[-1]))
        e--;
    if (s == e)
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0, "%s: empty address", field);
    const char *lt = memchr(s, '<', (size_t)(e - s));
    const char *name_s = s, *name_e = s;
    if (lt) {
        if (e[-1] != '>' || memchr(lt + 1, '<', (size_t)(e - lt - 1)) ||
            memchr(lt + 1, '>', (size_t)(e - lt - 2)))
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "%s: '%s' is not of the form 'Name <local@domain>'", field,
                                   address);
        pa->spec = lt + 1;
        pa->spec_len = (size_t)(e - 1 - pa->spec);
        name_e = lt;
        while (name_e > name_s && is_space((unsigned char)name_e[-1]))
            name_e--;
    } else {
        pa->spec = s;
        pa->spec_len = (size_t)(e - s);
    }
    st = check_addr_spec(pa->spec, pa->spec_len, field, address, err);
    if (st != ALLOT_OK)
        return st;
    /* A fully quoted display name loses its quotes and backslash escapes. */
    size_t nl = (size_t)(name_e - name_s);
    pa->name = malloc(nl + 1);
    if (!pa->name)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (nl >= 2 && name_s[0] == '"' && name_e[-1] == '"') {
        size_t o = 0;
        for (const char *p = name_s + 1; p < name_e - 1; p++) {
            if (*p == '\\' && p + 1 < name_e - 1)
                p++;
            pa->name[o++] = *p;
        }
        pa->name[o] = '\0';
    } else {
        memcpy(pa->name, name_s, nl);
        pa->name[nl] = '\0';
    }
    return ALLOT_OK;
}

allot_status allot_mime_check_address(const char *address, const char *field, char *addr_spec,
                                      size_t size, allot_error *err)
{
    parsed_address pa;
    allot_status st = parse_address(address, field, &pa, err);
    if (st == ALLOT_OK && addr_spec) {
        if (pa.spec_len + 1 > size)
            st = allot_error_set(err, ALLOT_ERR_LIMIT, NULL, 0, 0, "%s: address too long", field);
        else {
            memcpy(addr_spec, pa.spec, pa.spec_len);
            addr_spec[pa.spec_len] = '\0';
        }
    }
    free(pa.name);
    return st;
}

/* ---- encoders ---- */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_base64(buf *b, const unsigned char *d, size_t n, size_t line_len)
{
    size_t col = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)d[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)d[i + 1] << 8;
        if (i + 2 < n)
            v |= d[i + 2];
        char q[4] = {b64_alphabet[(v >> 18) & 63], b64_alphabet[(v >> 12) & 63],
                     i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=',
                     i + 2 < n ? b64_alphabet[v & 63] : '='};
        put(b, q, 4);
        col += 4;
        if (line_len && col >= line_len) {
            put(b, "\r\n", 2);
            col = 0;
        }
    }
    if (line_len && col > 0)
        put(b, "\r\n", 2);
}

char *allot_mime_base64(const unsigned char *data, size_t size, size_t line_len)
{
    buf b = {0};
    put_base64(&b, data, size, line_len ? line_len - line_len % 4 : 0);
    return take(&b);
}

char *allot_mime_quoted_printable(const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    buf b = {0};
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    size_t col = 0;
    while (*s) {
        if (*s == '\r' || *s == '\n') {
            if (s[0] == '\r' && s[1] == '\n')
                s++;
            s++;
            put(&b, "\r\n", 2);
            col = 0;
            continue;
        }
        unsigned c = *s;
        int at_eol = s[1] == '\0' || s[1] == '\r' || s[1] == '\n';
        int literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_eol);
        /* A line starting with '.' or "From " survives any MTA unchanged. */
        if (col == 0 && (c == '.' || (c == 'F' && strncmp((const char *)s, "From ", 5) == 0)))
            literal = 0;
        size_t need = literal ? 1 : 3;
        /* Soft break when the token and a final '=' would pass 76; at the end
         * of a line the token itself may take the 76th column. */
        size_t limit = at_eol ? LINE_MAX_CHARS : LINE_MAX_CHARS - 1;
        if (col + need > limit) {
            put(&b, "=\r\n", 3);
            col = 0;
            if (c == '.' || (c == 'F' && strncmp((const char *)s, "From ", 5) == 0)) {
                literal = 0;
                need = 3;
            }
        }
        if (literal) {
            putc_(&b, (char)c);
        } else {
            char e[3] = {'=', hex[c >> 4], hex[c & 15]};
            put(&b, e, 3);
        }
        col += need;
        s++;
    }
    if (col > 0)
        put(&b, "\r\n", 2);
    return take(&b);
}

/* Appends encoded words for value to a header whose current line is col
 * characters long; each word is preceded by a space or by CRLF + space. */
static void put_encoded_words(buf *b, const char *value, size_t *col)
{
    const unsigned char *s = (const unsigned char *)value;
    size_t n = strlen(value), i = 0;
    do {
        /* " =?UTF-8?B?" + base64 + "?=" must fit in what is left of the line. */
        size_t room = *col + 1 + 12 < LINE_MAX_CHARS ? LINE_MAX_CHARS - *col - 1 - 12 : 0;
        size_t max_bytes = room / 4 * 3, take_n = 0;
        while (i + take_n < n) {
            size_t l = utf8_len(s + i + take_n);
            if (l == 0)
                l = 1; /* checked before; never split what is there */
            if (take_n + l > max_bytes)
                break;
            take_n += l;
        }
        if (take_n == 0 && *col > 1) {
            put(b, "\r\n", 2);
            *col = 0;
            continue;
        }
        if (take_n == 0) /* a character longer than a line: impossible at 76 */
            take_n = utf8_len(s + i) ? utf8_len(s + i) : 1;
        puts_(b, " =?UTF-8?B?");
        size_t before = b->len;
        put_base64(b, s + i, take_n, 0);
        puts_(b, "?=");
        *col += 1 + 10 + (b->len - before - 2) + 2;
        i += take_n;
    } while (i < n);
}

/* Plain ASCII that can be folded at spaces: printable, no "=?" (which a
 * reader would try to decode), no word too long for a line of its own, no
 * leading, trailing or doubled space. */
static int foldable_ascii(const char *v)
{
    size_t word = 0, n = strlen(v);
    /* spaces that unfolding or readers could lose go encoded */
    if (n && (v[0] == ' ' || v[n - 1] == ' ' || strstr(v, "  ")))
        return 0;
    for (const char *p = v; *p; p++) {
        unsigned c = (unsigned char)*p;
        if (c < 0x20 || c > 0x7E)
            return 0;
        if (p[0] == '=' && p[1] == '?')
            return 0;
        word = c == ' ' ? 0 : word + 1;
        if (word > LINE_MAX_CHARS - 2)
            return 0;
    }
    return 1;
}

/* Appends space-separated words, folding before a word that would pass the
 * line; never folds before an empty word (runs of spaces stay on a line). */
static void put_folded_words(buf *b, const char *v, size_t *col)
{
    const char *p = v;
    for (;;) {
        const char *sp = strchr(p, ' ');
        size_t wl = sp ? (size_t)(sp - p) : strlen(p);
        if (wl > 0 && *col + 1 + wl > LINE_MAX_CHARS && *col > 1) {
            put(b, "\r\n", 2);
            *col = 0;
        }
        putc_(b, ' ');
        (*col)++;
        put(b, p, wl);
        *col += wl;
        if (!sp)
            break;
        p = sp + 1;
    }
}

char *allot_mime_header_text(const char *name, const char *value)
{
    buf b = {0};
    puts_(&b, name);
    putc_(&b, ':');
    size_t col = strlen(name) + 1;
    if (!value || !*value)
        putc_(&b, ' ');
    else if (foldable_ascii(value))
        put_folded_words(&b, value, &col);
    else
        put_encoded_words(&b, value, &col);
    put(&b, "\r\n", 2);
    return take(&b);
}

static int is_attribute_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$&+-.^_`|~", c) != NULL);
}

char *allot_mime_filename_param(const char *param, const char *filename)
{
    static const char hex[] = "0123456789ABCDEF";
    buf b = {0};
    size_t plen = strlen(param), n = strlen(filename);
    int plain = n > 0;
    for (const char *p = filename; *p; p++) {
        unsigned c = (unsigned char)*p;
        if (c < 0x20 || c > 0x7E || c == '"' || c == '\\')
            plain = 0;
    }
    /* " name=\"...\";" on a continuation line */
    if (plain && 1 + plen + 3 + n + 1 <= LINE_MAX_CHARS) {
        puts_(&b, param);
        puts_(&b, "=\"");
        puts_(&b, filename);
        putc_(&b, '"');
        return take(&b);
    }
    /* RFC 2231: percent-encode, keep each character's triplets together. */
    buf enc = {0};
    size_t *cuts = calloc(n + 1, sizeof *cuts), ncuts = 0;
    if (!cuts)
        return NULL;
    const unsigned char *s = (const unsigned char *)filename;
    for (size_t i = 0; i < n;) {
        size_t l = utf8_len(s + i);
        if (l == 0)
            l = 1;
        for (size_t k = 0; k < l; k++) {
            unsigned c = s[i + k];
            if (l == 1 && is_attribute_char((int)c)) {
                putc_(&enc, (char)c);
            } else {
                char e[3] = {'%', hex[c >> 4], hex[c & 15]};
                put(&enc, e, 3);
            }
        }
        cuts[ncuts++] = enc.len; /* a section may end after each character */
        i += l;
    }
    const char *charset = "UTF-8''";
    if (!enc.oom && 1 + plen + 2 + strlen(charset) + enc.len + 1 <= LINE_MAX_CHARS) {
        puts_(&b, param);
        puts_(&b, "*=");
        puts_(&b, charset);
        put(&b, enc.p ? enc.p : "", enc.len);
    } else if (!enc.oom) {
        size_t start = 0, section = 0, k = 0;
        while (start < enc.len) {
            char head[64];
            int hl = snprintf(head, sizeof head, "%s*%zu*=%s", param, section,
                              section == 0 ? charset : "");
            /* " head<chunk>;" must fit a line */
            size_t room = LINE_MAX_CHARS - 1 - (size_t)hl - 1, end = start;
            while (k < ncuts && cuts[k] - start <= room)
                end = cuts[k++];
            if (end == start) /* cannot happen for room >= 12 */
                end = cuts[k++];
            if (section > 0)
                puts_(&b, ";\r\n ");
            puts_(&b, head);
            put(&b, enc.p + start, end - start);
            start = end;
            section++;
        }
    }
    if (enc.oom)
        b.oom = 1;
    free(enc.p);
    free(cuts);
    return take(&b);
}

const char *allot_mime_type_for(const char *filename)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".pdf", "application/pdf"},
        {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {".png", "image/png"},
        {".svg", "image/svg+xml"},
        {".csv", "text/csv"},
        {".txt", "text/plain"},
    };
    size_t n = filename ? strlen(filename) : 0;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t el = strlen(types[i].ext);
        if (n > el) {
            const char *e = filename + n - el;
            size_t k = 0;
            while (k < el && (e[k] | 0x20) == types[i].ext[k])
                k++;
            if (k == el)
                return types[i].type;
        }
    }
    return "application/octet-stream";
}

char *allot_mime_date(int64_t epoch, char buf[32])
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)epoch;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 1900 || tm.tm_year + 1900 > 9999) {
        snprintf(buf, 32, "Thu, 01 Jan 1970 00:00:00 +0000");
        return buf;
    }
    char wide[80];
    snprintf(wide, sizeof wide, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
             tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    memcpy(buf, wide, 31);
    buf[31] = '\0';
    return buf;
}

/* ---- the message ---- */

/* "Name words" as atoms when they are plain, a quoted string when printable
 * ASCII, encoded words otherwise; then "<addr-spec>". */
static void put_address(buf *b, const parsed_address *pa, size_t *col)
{
    const char *name = pa->name;
    if (name[0]) {
        int atoms = 1, printable = 1;
        for (const char *p = name; *p; p++) {
            unsigned c = (unsigned char)*p;
            if (c < 0x20 || c > 0x7E)
                printable = atoms = 0;
            else if (c != ' ' && !is_atext((int)c))
                atoms = 0;
        }
        if (strstr(name, "=?") || strstr(name, "  ") || name[0] == ' ')
            atoms = 0;
        for (const char *p = name, *sp; atoms && *p; p = sp + 1) {
            sp = strchr(p, ' ');
            if ((sp ? (size_t)(sp - p) : strlen(p)) > 60)
                atoms = 0; /* a word that long could not be folded */
            if (!sp)
                break;
        }
        if (atoms) {
            put_folded_words(b, name, col);
        } else if (printable && strlen(name) + 3 < LINE_MAX_CHARS - 2) {
            buf q = {0};
            putc_(&q, '"');
            for (const char *p = name; *p; p++) {
                if (*p == '"' || *p == '\\')
                    putc_(&q, '\\');
                putc_(&q, *p);
            }
            putc_(&q, '"');
            if (!q.oom) {
                if (*col + 1 + q.len > LINE_MAX_CHARS && *col > 1) {
                    put(b, "\r\n", 2);
                    *col = 0;
                }
                putc_(b, ' ');
                put(b, q.p, q.len);
                *col += 1 + q.len;
            } else {
                b->oom = 1;
            }
            free(q.p);
        } else {
            put_encoded_words(b, name, col);
        }
    }
    size_t need = 1 + pa->spec_len + (name[0] ? 2 : 0);
    if (*col + need > LINE_MAX_CHARS && *col > 1) {
        put(b, "\r\n", 2);
        *col = 0;
    }
    putc_(b, ' ');
    if (name[0])
        putc_(b, '<');
    put(b, pa->spec, pa->spec_len);
    if (name[0])
        putc_(b, '>');
    *col += need;
}

static void put_address_header(buf *b, const char *header, const parsed_address *pas, size_t n)
{
    puts_(b, header);
    putc_(b, ':');
    size_t col = strlen(header) + 1;
    for (size_t i = 0; i < n; i++) {
        put_address(b, &pas[i], &col);
        if (i + 1 < n) {
            putc_(b, ',');
            col++;
        }
    }
    put(b, "\r\n", 2);
}

static void free_addresses(parsed_address *pas, size_t n)
{
    if (!pas)
        return;
    for (size_t i = 0; i < n; i++)
        free(pas[i].name);
    free(pas);
}

static allot_status parse_list(const char *const *list, size_t n, const char *field,
                               parsed_address **out, allot_error *err)
{
    *out = calloc(n ? n : 1, sizeof **out);
    if (!*out)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        allot_status st = parse_address(list[i], field, &(*out)[i], err);
        if (st != ALLOT_OK)
            return st;
    }
    return ALLOT_OK;
}

static void hash_field(allot_sha256 *h, const void *data, size_t len)
{
    unsigned char n[8];
    for (int i = 0; i < 8; i++)
        n[i] = (unsigned char)((uint64_t)len >> (8 * i));
    allot_sha256_update(h, n, sizeof n);
    allot_sha256_update(h, data, len);
}

static void hash_str(allot_sha256 *h, const char *s)
{
    hash_field(h, s ? s : "", s ? strlen(s) : 0);
}

static int valid_content_type(const char *t)
{
    int slashes = 0;
    if (!t[0] || strlen(t) > 127)
        return 0;
    for (const char *p = t; *p; p++) {
        if (*p == '/')
            slashes++;
        else if (!is_attribute_char((unsigned char)*p))
            return 0;
    }
    return slashes == 1 && t[0] != '/' && t[strlen(t) - 1] != '/';
}

static allot_status check_message(const allot_mime_message *m, allot_error *err)
{
    allot_status st;
    if (m->n_to + m->n_cc == 0)
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                               "no recipients: give at least one 'to' address");
    if ((st = allot_mime_check_header_text(m->subject ? m->subject : "", "subject", err)))
        return st;
    const char *text = m->text ? m->text : "";
    for (size_t i = 0; text[i];) {
        size_t l = utf8_len((const unsigned char *)text + i);
        if (l == 0)
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "message text: not valid UTF-8 at byte %zu", i + 1);
        i += l;
    }
    for (size_t i = 0; i < m->n_attachments; i++) {
        const allot_mime_attachment *a = &m->attachments[i];
        if ((st = allot_mime_check_header_text(a->filename, "attachment file name", err)))
            return st;
        if (!a->filename[0] || strchr(a->filename, '/') || strchr(a->filename, '\\'))
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "attachment file name '%s': must be a plain name without "
                                   "a directory",
                                   a->filename);
        if (a->content_type && !valid_content_type(a->content_type))
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "attachment '%s': '%s' is not a content type", a->filename,
                                   a->content_type);
        if (a->size > 0 && !a->data)
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "attachment '%s': no data", a->filename);
    }
    if (m->message_id) {
        const char *id = m->message_id;
        size_t n = strlen(id);
        int ok = n >= 5 && n < 250 && id[0] == '<' && id[n - 1] == '>' &&
                 memchr(id, '@', n) != NULL;
        for (size_t i = 1; ok && i + 1 < n; i++)
            if (id[i] <= ' ' || id[i] > '~' || id[i] == '<' || id[i] == '>')
                ok = 0;
        if (!ok)
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "message id '%s' is not of the form <id@domain>", id);
    } else {
        const char *l = m->id_label ? m->id_label : "allot";
        size_t n = strlen(l);
        int ok = n > 0 && n <= 100;
        for (size_t i = 0; ok && i < n; i++) {
            char c = l[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '-' || c == '_'))
                ok = 0;
        }
        if (!ok)
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "message id label '%s': use letters, digits, '.', '-' "
                                   "and '_' only",
                                   l);
    }
    return ALLOT_OK;
}

static void put_part_header(buf *b, const char *boundary, const char *type,
                            const char *filename)
{
    puts_(b, "--");
    puts_(b, boundary);
    puts_(b, "\r\n");
    /* The long xlsx type does not fit after "Content-Type: " with a ';'. */
    puts_(b, strlen("Content-Type: ") + strlen(type) + 1 > LINE_MAX_CHARS ? "Content-Type:\r\n "
                                                                          : "Content-Type: ");
    puts_(b, type);
    char *name = allot_mime_filename_param("name", filename);
    char *fname = allot_mime_filename_param("filename", filename);
    if (!name || !fname)
        b->oom = 1;
    else {
        puts_(b, ";\r\n ");
        puts_(b, name);
        puts_(b, "\r\nContent-Disposition: attachment;\r\n ");
        puts_(b, fname);
        puts_(b, "\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    }
    free(name);
    free(fname);
}

allot_status allot_mime_build(const allot_mime_message *m, char **out, size_t *len,
                              allot_error *err)
{
    *out = NULL;
    *len = 0;
    parsed_address from = {0}, *to = NULL, *cc = NULL;
    allot_status st = check_message(m, err);
    if (st == ALLOT_OK)
        st = parse_address(m->from, "from", &from, err);
    if (st == ALLOT_OK)
        st = parse_list(m->to, m->n_to, "to", &to, err);
    if (st == ALLOT_OK)
        st = parse_list(m->cc, m->n_cc, "cc", &cc, err);
    if (st != ALLOT_OK) {
        free(from.name);
        free_addresses(to, m->n_to);
        free_addresses(cc, m->n_cc);
        return st;
    }

    /* Everything that makes the message goes into its identity. */
    allot_sha256 h;
    allot_sha256_init(&h);
    hash_str(&h, "allot-mime-1");
    hash_str(&h, m->from);
    for (size_t i = 0; i < m->n_to; i++)
        hash_str(&h, m->to[i]);
    hash_str(&h, "cc");
    for (size_t i = 0; i < m->n_cc; i++)
        hash_str(&h, m->cc[i]);
    hash_str(&h, m->subject);
    char date[32];
    allot_mime_date(m->date, date);
    hash_str(&h, date);
    hash_str(&h, m->message_id);
    hash_str(&h, m->id_label);
    hash_str(&h, m->text);
    for (size_t i = 0; i < m->n_attachments; i++) {
        const allot_mime_attachment *a = &m->attachments[i];
        hash_str(&h, a->filename);
        hash_str(&h, a->content_type ? a->content_type : allot_mime_type_for(a->filename));
        hash_field(&h, a->data ? (const void *)a->data : "", a->size);
    }
    unsigned char digest[32];
    char hex[65];
    allot_sha256_final(&h, digest);
    allot_sha256_hex(digest, hex);

    char boundary[64];
    snprintf(boundary, sizeof boundary, "=_allot_%.24s", hex);

    buf b = {0};
    put_address_header(&b, "From", &from, 1);
    if (m->n_to)
        put_address_header(&b, "To", to, m->n_to);
    if (m->n_cc)
        put_address_header(&b, "Cc", cc, m->n_cc);
    char *subject = allot_mime_header_text("Subject", m->subject ? m->subject : "");
    if (!subject)
        b.oom = 1;
    else
        puts_(&b, subject);
    free(subject);
    puts_(&b, "Date: ");
    puts_(&b, date);
    buf id = {0};
    if (m->message_id) {
        puts_(&id, m->message_id);
    } else {
        const char *at = memchr(from.spec, '@', from.spec_len);
        puts_(&id, "<");
        puts_(&id, m->id_label ? m->id_label : "allot");
        putc_(&id, '.');
        put(&id, hex, 24);
        put(&id, at, from.spec_len - (size_t)(at - from.spec));
        puts_(&id, ">");
    }
    if (id.oom)
        b.oom = 1;
    else {
        puts_(&b, strlen("Message-ID: ") + id.len > LINE_MAX_CHARS ? "\r\nMessage-ID:\r\n "
                                                                   : "\r\nMessage-ID: ");
        put(&b, id.p, id.len);
    }
    free(id.p);
    puts_(&b, "\r\nMIME-Version: 1.0\r\n");
    puts_(&b, "Content-Type: multipart/mixed;\r\n boundary=\"");
    puts_(&b, boundary);
    puts_(&b, "\"\r\n\r\nThis is a message in MIME format: a text part and ");
    char count[32];
    snprintf(count, sizeof count, "%zu", m->n_attachments);
    puts_(&b, count);
    puts_(&b, m->n_attachments == 1 ? " attachment.\r\n" : " attachments.\r\n");

    puts_(&b, "--");
    puts_(&b, boundary);
    puts_(&b, "\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n"
              "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    char *qp = allot_mime_quoted_printable(m->text);
    if (!qp)
        b.oom = 1;
    else
        puts_(&b, qp);
    free(qp);

    for (size_t i = 0; i < m->n_attachments; i++) {
        const allot_mime_attachment *a = &m->attachments[i];
        put_part_header(&b, boundary,
                        a->content_type ? a->content_type : allot_mime_type_for(a->filename),
                        a->filename);
        put_base64(&b, a->data, a->size, LINE_MAX_CHARS);
    }
    puts_(&b, "--");
    puts_(&b, boundary);
    puts_(&b, "--\r\n");

    free(from.name);
    free_addresses(to, m->n_to);
    free_addresses(cc, m->n_cc);
    size_t n = b.len;
    char *p = take(&b);
    if (!p)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0,
                               "out of memory while building the message");
    *out = p;
    *len = n;
    return ALLOT_OK;
}
