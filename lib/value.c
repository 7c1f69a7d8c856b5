#include "value.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "money.h"

#define WHY(text) do { if (why) *why = (text); } while (0)

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Length of a Unicode space at p (NBSP, thin spaces) or 0. */
static size_t unicode_space(const char *p, const char *e)
{
    const unsigned char *u = (const unsigned char *)p;
    if (e - p >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
        return 2;                                   /* U+00A0 */
    if (e - p >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x89 || u[2] == 0xAF))
        return 3;                                   /* U+2009, U+202F */
    return 0;
}

static const char *trim(const char *s, const char **end)
{
    const char *e = s + strlen(s);
    for (;;) {
        size_t k;
        if (s < e && is_space((unsigned char)*s))
            s++;
        else if ((k = unicode_space(s, e)) > 0)
            s += k;
        else
            break;
    }
    for (;;) {
        if (e > s && is_space((unsigned char)e[-1]))
            e--;
        else if (e - s >= 2 && (unsigned char)e[-2] == 0xC2 && (unsigned char)e[-1] == 0xA0)
            e -= 2;
        else if (e - s >= 3 && unicode_space(e - 3, e) == 3)
            e -= 3;
        else
            break;
    }
    *end = e;
    return s;
}

static int token_is(const char *p, const char *e, const char *tok)
{
    size_t n = strlen(tok);
    return (size_t)(e - p) == n && strncasecmp(p, tok, n) == 0;
}

int allot_value_is_null(const char *s)
{
    const char *e;
    const char *p = trim(s, &e);
    if (p == e)
        return 1;
    static const char *const tokens[] = {"-", "--", "n/a", "#n/a", "null", "(not set)"};
    for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++)
        if (token_is(p, e, tokens[i]))
            return 1;
    return 0;
}

/* ---- numbers ------------------------------------------------------------ */

static const struct { const char *text; const char *code; } currency_symbols[] = {
    {"US$", "USD"}, {"CA$", "CAD"}, {"AU$", "AUD"}, {"NZ$", "NZD"}, {"HK$", "HKD"},
    {"MX$", "MXN"}, {"R$", "BRL"}, {"C$", "CAD"}, {"A$", "AUD"}, {"S$", "SGD"},
    {"\xE2\x82\xAC", "EUR"}, {"\xC2\xA3", "GBP"}, {"\xE2\x82\xB9", "INR"},
    {"\xE2\x82\xA9", "KRW"}, {"\xE2\x82\xBD", "RUB"}, {"\xE2\x82\xBA", "TRY"},
    {"\xE2\x82\xAA", "ILS"}, {"\xE2\x82\xAB", "VND"}, {"\xE2\x82\xB1", "PHP"},
    {"z\xC5\x82", "PLN"}, {"$", ""}, {"\xC2\xA5", ""}, {"kr", ""},
};

/* Length of a currency symbol or ISO code at p, filling out; 0 if none. */
static size_t currency_token(const char *p, const char *e, allot_number *out)
{
    if (e - p >= 3 && isupper((unsigned char)p[0]) && isupper((unsigned char)p[1]) &&
        isupper((unsigned char)p[2]) && (e - p == 3 || !isalpha((unsigned char)p[3]))) {
        char code[4] = {p[0], p[1], p[2], 0};
        if (allot_currency_valid(code)) {
            memcpy(out->currency, code, 4);
            memcpy(out->symbol, code, 4);
            return 3;
        }
    }
    for (size_t i = 0; i < sizeof currency_symbols / sizeof currency_symbols[0]; i++) {
        size_t n = strlen(currency_symbols[i].text);
        if ((size_t)(e - p) >= n && memcmp(p, currency_symbols[i].text, n) == 0) {
            snprintf(out->symbol, sizeof out->symbol, "%s", currency_symbols[i].text);
            snprintf(out->currency, sizeof out->currency, "%s", currency_symbols[i].code);
            return n;
        }
    }
    return 0;
}

static const char *skip_spaces(const char *p, const char *e)
{
    for (;;) {
        size_t k;
        if (p < e && is_space((unsigned char)*p))
            p++;
        else if ((k = unicode_space(p, e)) > 0)
            p += k;
        else
            return p;
    }
}

/* Length of a separator at p: '.', ',', '\'', ' ', NBSP, thin spaces,
 * U+2019; *kind gets '.', ',' or 'g' (grouping only). 0 if none. */
static size_t separator(const char *p, const char *e, char *kind)
{
    if (p >= e)
        return 0;
    if (*p == '.' || *p == ',') {
        *kind = *p;
        return 1;
    }
    if (*p == '\'' || *p == ' ') {
        *kind = 'g';
        return 1;
    }
    size_t k = unicode_space(p, e);
    if (!k && e - p >= 3 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
        (unsigned char)p[2] == 0x99)
        k = 3;
    if (k)
        *kind = 'g';
    return k;
}

allot_value_result allot_value_parse_number(const char *s, int decimal_comma,
                                            allot_number *out, const char **why)
{
    memset(out, 0, sizeof *out);
    if (allot_value_is_null(s))
        return ALLOT_VALUE_NULL;
    const char *e;
    const char *p = trim(s, &e);
    int neg = 0, sign_seen = 0, paren = 0;
    if (*p == '(') {
        paren = 1;
        p = skip_spaces(p + 1, e);
    }
    if (p < e && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        sign_seen = 1;
        p = skip_spaces(p + 1, e);
    }
    size_t k = currency_token(p, e, out);
    if (k)
        p = skip_spaces(p + k, e);
    if (!sign_seen && p < e && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        sign_seen = 1;
        p++;
    }

    /* Digits and separators. */
    char digits[64];
    size_t nd = 0;
    struct { size_t at; char kind; } seps[32];
    size_t ns = 0;
    while (p < e) {
        if (isdigit((unsigned char)*p)) {
            /* the normalised text holds a sign, the digits, a point and
             * the NUL (more digits wrote past allot_number.text) */
            if (nd >= sizeof out->text - 3) {
                WHY("too many digits");
                return ALLOT_VALUE_INVALID;
            }
            digits[nd++] = *p++;
            continue;
        }
        char kind;
        size_t sl = separator(p, e, &kind);
        if (!sl)
            break;
        /* A separator counts only when a digit follows ("5 EUR" ends at the
         * space). */
        const char *after = p + sl;
        int digit_follows = after < e && isdigit((unsigned char)*after);
        if (!digit_follows)
            break;
        if (ns >= sizeof seps / sizeof seps[0]) {
            WHY("too many separators");
            return ALLOT_VALUE_INVALID;
        }
        seps[ns].at = nd;
        seps[ns].kind = kind;
        ns++;
        p = after;
    }
    if (nd == 0) {
        WHY("not a number");
        return ALLOT_VALUE_INVALID;
    }
    char exponent[8] = "";
    if (p < e && (*p == 'e' || *p == 'E')) {
        const char *q = p + 1;
        size_t m = 0;
        char ex[8];
        if (q < e && (*q == '-' || *q == '+'))
            ex[m++] = *q++;
        size_t first_digit = m;
        while (q < e && isdigit((unsigned char)*q) && m < sizeof ex - 1)
            ex[m++] = *q++;
        if (m > first_digit) {
            ex[m] = 0;
            memcpy(exponent, ex, m + 1);
            p = q;
        }
    }
    p = skip_spaces(p, e);
    if (p < e && !out->symbol[0]) {
        k = currency_token(p, e, out);
        if (k)
            p = skip_spaces(p + k, e);
    }
    if (p < e && *p == '%') {
        out->percent = 1;
        p = skip_spaces(p + 1, e);
    }
    if (paren) {
        if (p >= e || *p != ')' || sign_seen) {
            WHY("unbalanced parenthesis");
            return ALLOT_VALUE_INVALID;
        }
        neg = 1;
        p = skip_spaces(p + 1, e);
    }
    if (!sign_seen && !paren && p < e && *p == '-') {
        neg = 1;
        p++;
    }
    if (p != e) {
        /* French Excel groups thousands with U+202F; saved as "CSV" in
         * Windows-1252, which has no such character, it writes '?' (other
         * converters U+FFFD): 48?000,00 */
        int lost = p > s && isdigit((unsigned char)p[-1]) &&
                   ((*p == '?' && p + 1 < e && isdigit((unsigned char)p[1])) ||
                    (e - p > 3 && memcmp(p, "\xEF\xBF\xBD", 3) == 0 &&
                     isdigit((unsigned char)p[3])));
        WHY(lost ? "not a number: a '?' or U+FFFD stands between digits, where a thousands "
                   "separator was lost when the file was saved in an encoding without it "
                   "(save it again as CSV UTF-8)"
                 : "not a number");
        return ALLOT_VALUE_INVALID;
    }

    /* Which separator is the decimal one. */
    size_t dots = 0, commas = 0;
    for (size_t i = 0; i < ns; i++) {
        dots += seps[i].kind == '.';
        commas += seps[i].kind == ',';
    }
    char decimal = 0;
    if (dots && commas) {
        decimal = seps[ns - 1].kind;
        if (decimal == 'g' || (decimal == '.' ? dots : commas) != 1) {
            WHY("mixes '.' and ',' in a way that is not a number");
            return ALLOT_VALUE_INVALID;
        }
    } else if (dots == 1 && !decimal_comma) {
        decimal = '.';
    } else if (commas == 1 && decimal_comma) {
        decimal = ',';
    }
    size_t int_digits = nd, group_seps = ns;
    if (decimal) {
        if (seps[ns - 1].kind != decimal) {
            WHY("a thousands separator follows the decimal separator");
            return ALLOT_VALUE_INVALID;
        }
        int_digits = seps[ns - 1].at;
        group_seps = ns - 1;
    }
    /* The hint names the flag that would read the value as the user meant:
     * in a ';' file (decimal comma by default) '1.0842' wants --decimal-point. */
    const char *groups_why = decimal_comma ? "thousands groups must have 3 digits (use "
                                             "--decimal-point for decimal points)"
                                           : "thousands groups must have 3 digits (use "
                                             "--decimal-comma for decimal commas)";
    if (group_seps) {
        char gk = seps[0].kind;
        size_t prev = 0;
        size_t middle = 0;   /* size of the middle groups: 2 or 3 */
        for (size_t i = 0; i < group_seps; i++) {
            if (seps[i].kind != gk) {
                WHY("mixes different thousands separators");
                return ALLOT_VALUE_INVALID;
            }
            size_t g = seps[i].at - prev;
            if (i == 0) {
                if (g < 1 || g > 3) {
                    WHY(groups_why);
                    return ALLOT_VALUE_INVALID;
                }
            } else {
                if (!middle)
                    middle = g;
                if (g != middle || (g != 2 && g != 3)) {
                    WHY(groups_why);
                    return ALLOT_VALUE_INVALID;
                }
            }
            prev = seps[i].at;
        }
        if (int_digits - prev != 3) {
            WHY(groups_why);
            return ALLOT_VALUE_INVALID;
        }
    }
    /* Normalised text. */
    size_t t = 0;
    if (neg)
        out->text[t++] = '-';
    size_t lead = 0;
    while (lead + 1 < int_digits && digits[lead] == '0')
        lead++;
    if (int_digits == 0) {
        out->text[t++] = '0';
    } else {
        memcpy(out->text + t, digits + lead, int_digits - lead);
        t += int_digits - lead;
    }
    if (nd > int_digits) {
        out->text[t++] = '.';
        memcpy(out->text + t, digits + int_digits, nd - int_digits);
        t += nd - int_digits;
    }
    if (exponent[0]) {
        if (t + 1 + strlen(exponent) >= sizeof out->text) {
            WHY("too many digits");
            return ALLOT_VALUE_INVALID;
        }
        out->text[t++] = 'e';
        memcpy(out->text + t, exponent, strlen(exponent));
        t += strlen(exponent);
    }
    if (t >= sizeof out->text) {
        WHY("too many digits");
        return ALLOT_VALUE_INVALID;
    }
    out->text[t] = '\0';
    return ALLOT_VALUE_OK;
}

allot_value_result allot_value_parse_money(const char *s, int decimal_comma, int64_t *micros,
                                           char *currency, const char **why)
{
    allot_number n;
    allot_value_result r = allot_value_parse_number(s, decimal_comma, &n, why);
    if (r != ALLOT_VALUE_OK)
        return r;
    if (n.percent) {
        WHY("a percentage is not an amount of money");
        return ALLOT_VALUE_INVALID;
    }
    if (strchr(n.text, 'e')) {
        WHY("an amount of money cannot use an exponent");
        return ALLOT_VALUE_INVALID;
    }
    if (allot_money_parse_micros(n.text, micros) != ALLOT_OK) {
        WHY("amount has more than 6 decimals or is too large");
        return ALLOT_VALUE_INVALID;
    }
    if (currency)
        memcpy(currency, n.currency, 4);
    return ALLOT_VALUE_OK;
}

allot_value_result allot_value_parse_int(const char *s, int decimal_comma, int64_t *out,
                                         const char **why)
{
    allot_number n;
    allot_value_result r = allot_value_parse_number(s, decimal_comma, &n, why);
    if (r != ALLOT_VALUE_OK)
        return r;
    if (n.percent || n.symbol[0] || strchr(n.text, 'e')) {
        WHY("not a whole number");
        return ALLOT_VALUE_INVALID;
    }
    const char *dot = strchr(n.text, '.');
    if (dot) {
        for (const char *q = dot + 1; *q; q++)
            if (*q != '0') {
                WHY("not a whole number");
                return ALLOT_VALUE_INVALID;
            }
    }
    const char *q = n.text;
    int neg = *q == '-';
    if (neg)
        q++;
    uint64_t v = 0;
    for (; *q && *q != '.'; q++) {
        unsigned d = (unsigned)(*q - '0');
        if (v > (UINT64_C(9223372036854775808) - d) / 10) {
            WHY("number too large");
            return ALLOT_VALUE_INVALID;
        }
        v = v * 10 + d;
    }
    if (!neg && v > (uint64_t)INT64_MAX) {
        WHY("number too large");
        return ALLOT_VALUE_INVALID;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return ALLOT_VALUE_OK;
}

allot_value_result allot_value_parse_real(const char *s, int decimal_comma, double *out,
                                          const char **why)
{
    allot_number n;
    allot_value_result r = allot_value_parse_number(s, decimal_comma, &n, why);
    if (r != ALLOT_VALUE_OK)
        return r;
    if (n.symbol[0]) {
        WHY("a currency amount where a plain number was expected");
        return ALLOT_VALUE_INVALID;
    }
    errno = 0;
    char *end;
    double v = strtod(n.text, &end);
    if (*end || !isfinite(v) || errno == ERANGE) {
        WHY("number out of range");
        return ALLOT_VALUE_INVALID;
    }
    *out = v;
    return ALLOT_VALUE_OK;
}

allot_value_result allot_value_parse_bool(const char *s, int *out, const char **why)
{
    if (allot_value_is_null(s))
        return ALLOT_VALUE_NULL;
    const char *e;
    const char *p = trim(s, &e);
    /* After the English words, the TRUE/FALSE a spreadsheet writes in its
     * own language when it saves a CSV (Excel, LibreOffice): German, French,
     * Spanish, Italian, Dutch, Portuguese. A Salesforce export re-saved by a
     * German Excel has WAHR/FALSCH in IsWon. */
    static const char *const yes[] = {"true", "t", "yes", "y", "1",
                                      "wahr", "vrai", "verdadero", "vero", "waar", "verdadeiro"};
    static const char *const no[] = {"false", "f", "no", "n", "0",
                                     "falsch", "faux", "falso", "onwaar", "falso", "falso"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (token_is(p, e, yes[i])) {
            *out = 1;
            return ALLOT_VALUE_OK;
        }
        if (token_is(p, e, no[i])) {
            *out = 0;
            return ALLOT_VALUE_OK;
        }
    }
    WHY("not a boolean (true/false, yes/no, 1/0)");
    return ALLOT_VALUE_INVALID;
}

/* ---- calendar ----------------------------------------------------------- */

/* Private: the public civil-date API is period.h (allot_days_from_civil takes
 * int there; two exported definitions would collide at link time). */
static inline int64_t days_from_civil(int64_t y, int m, int d)
{
    /* Eras of 400 years (146097 days), March-based years so that the leap
     * day is the last day of the year. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int allot_civil_date_valid(int y, int m, int d)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

char *allot_format_timestamp(int64_t epoch, char *buf)
{
    int64_t days = epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400);
    int64_t secs = epoch - days * 86400;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, m, d,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    memcpy(buf, tmp, 21);
    buf[20] = '\0';
    return buf;
}

/* ---- date and time text ------------------------------------------------- */

/* Reads between min and max digits at *p; -1 if fewer than min. */
static long digits_at(const char **p, const char *e, int min, int max)
{
    long v = 0;
    int n = 0;
    while (*p < e && n < max && isdigit((unsigned char)**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n >= min ? v : -1;
}

/* The months' names in English, French, German, Spanish, Italian, Dutch and
 * Portuguese, lower case, UTF-8: the full names of glibc's locales (mon) and
 * of the spreadsheets that save CSVs in those languages, the spellings
 * without accents people type (fevrier, aout, maerz, marco), and the
 * abbreviations that do not begin a name: nl "mrt", a German Excel's "Mrz".
 * Every other abbreviation is the beginning of a name (month_word). */
static const struct month_spelling {
    const char *text;
    int month;
} month_spellings[] = {
    {"january", 1}, {"janvier", 1}, {"januar", 1}, {"j\xC3\xA4nner", 1}, {"jaenner", 1},
    {"januari", 1}, {"enero", 1}, {"gennaio", 1}, {"janeiro", 1},
    {"february", 2}, {"f\xC3\xA9vrier", 2}, {"fevrier", 2}, {"februar", 2},
    {"februari", 2}, {"febrero", 2}, {"febbraio", 2}, {"fevereiro", 2},
    {"march", 3}, {"mars", 3}, {"m\xC3\xA4rz", 3}, {"maerz", 3}, {"marz", 3}, {"mrz", 3},
    {"maart", 3}, {"mrt", 3}, {"marzo", 3}, {"mar\xC3\xA7o", 3}, {"marco", 3},
    {"april", 4}, {"avril", 4}, {"abril", 4}, {"aprile", 4},
    {"may", 5}, {"mai", 5}, {"mei", 5}, {"mayo", 5}, {"maggio", 5}, {"maio", 5},
    {"june", 6}, {"juin", 6}, {"juni", 6}, {"junio", 6}, {"giugno", 6}, {"junho", 6},
    {"july", 7}, {"juillet", 7}, {"juli", 7}, {"julio", 7}, {"luglio", 7}, {"julho", 7},
    {"august", 8}, {"ao\xC3\xBBt", 8}, {"aout", 8}, {"augustus", 8}, {"agosto", 8},
    {"september", 9}, {"septembre", 9}, {"septiembre", 9}, {"setiembre", 9},
    {"settembre", 9}, {"setembro", 9},
    {"october", 10}, {"octobre", 10}, {"oktober", 10}, {"octubre", 10}, {"ottobre", 10},
    {"outubro", 10},
    {"november", 11}, {"novembre", 11}, {"noviembre", 11}, {"novembro", 11},
    {"december", 12}, {"d\xC3\xA9" "cembre", 12}, {"decembre", 12}, {"dezember", 12},
    {"diciembre", 12}, {"dicembre", 12}, {"dezembro", 12},
};

const char *allot_value_month_spelling(size_t i, int *month)
{
    if (i >= sizeof month_spellings / sizeof month_spellings[0])
        return NULL;
    *month = month_spellings[i].month;
    return month_spellings[i].text;
}

/* Byte i of the UTF-8 word w in lower case: ASCII letters, and the Latin-1
 * capitals U+00C0..U+00DE (C3 80..C3 9E, but U+00D7 '×') whose small
 * letter is 0x20 further on (É C3 89 -> é C3 A9). */
static unsigned char folded(const unsigned char *w, size_t i)
{
    unsigned char c = w[i];
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 0x20) : c;
    if (i > 0 && w[i - 1] == 0xC3 && c <= 0x9E && c != 0x97)
        return (unsigned char)(c + 0x20);
    return c;
}

int allot_value_month_word(const char *word, size_t len)
{
    const unsigned char *w = (const unsigned char *)word;
    size_t letters = 0;
    for (size_t i = 0; i < len; i++)
        letters += (w[i] & 0xC0) != 0x80;   /* not a UTF-8 continuation byte */
    if (letters < 3)
        return 0;
    int month = 0;
    unsigned char first = folded(w, 0);
    for (size_t k = 0; k < sizeof month_spellings / sizeof month_spellings[0]; k++) {
        const char *t = month_spellings[k].text;
        if ((unsigned char)t[0] != first)
            continue;                       /* most spellings: one compare */
        size_t i = 0;
        while (i < len && t[i] && folded(w, i) == (unsigned char)t[i])
            i++;
        /* the word is the beginning of t, ending on a whole character */
        if (i < len || ((unsigned char)t[i] & 0xC0) == 0x80)
            continue;
        if (month && month != month_spellings[k].month)
            return 0;                       /* "jui": juin or juillet */
        month = month_spellings[k].month;
    }
    return month;
}

/* The weekdays' names that dates written in full begin with, lower case,
 * UTF-8, Monday = 1: glibc 2.36's day and abday of en_US, fr_FR, de_DE,
 * es_ES, it_IT, nl_NL, pt_PT and pt_BR; the English "Tues", "Thur",
 * "Thurs"; Portuguese with "-feira" (Excel's and LibreOffice's long dates);
 * and the accented ones without their accent (miercoles, lunedi, sabado,
 * terca). Read as whole words only, never by their beginning. */
static const struct weekday_spelling {
    const char *text;
    int weekday;
} weekday_spellings[] = {
    {"monday", 1}, {"mon", 1}, {"lundi", 1}, {"lun", 1}, {"montag", 1}, {"mo", 1},
    {"lunes", 1}, {"luned\xC3\xAC", 1}, {"lunedi", 1}, {"maandag", 1}, {"ma", 1},
    {"segunda-feira", 1}, {"segunda", 1}, {"seg", 1},
    {"tuesday", 2}, {"tue", 2}, {"tues", 2}, {"mardi", 2}, {"mar", 2}, {"dienstag", 2},
    {"di", 2}, {"martes", 2}, {"marted\xC3\xAC", 2}, {"martedi", 2}, {"dinsdag", 2},
    {"ter\xC3\xA7" "a-feira", 2}, {"terca-feira", 2}, {"ter\xC3\xA7" "a", 2}, {"terca", 2},
    {"ter", 2},
    {"wednesday", 3}, {"wed", 3}, {"mercredi", 3}, {"mer", 3}, {"mittwoch", 3}, {"mi", 3},
    {"mi\xC3\xA9rcoles", 3}, {"miercoles", 3}, {"mi\xC3\xA9", 3}, {"mie", 3},
    {"mercoled\xC3\xAC", 3}, {"mercoledi", 3}, {"woensdag", 3}, {"wo", 3},
    {"quarta-feira", 3}, {"quarta", 3}, {"qua", 3},
    {"thursday", 4}, {"thu", 4}, {"thur", 4}, {"thurs", 4}, {"jeudi", 4}, {"jeu", 4},
    {"donnerstag", 4}, {"do", 4}, {"jueves", 4}, {"jue", 4}, {"gioved\xC3\xAC", 4},
    {"giovedi", 4}, {"gio", 4}, {"donderdag", 4}, {"quinta-feira", 4}, {"quinta", 4},
    {"qui", 4},
    {"friday", 5}, {"fri", 5}, {"vendredi", 5}, {"ven", 5}, {"freitag", 5}, {"fr", 5},
    {"viernes", 5}, {"vie", 5}, {"venerd\xC3\xAC", 5}, {"venerdi", 5}, {"vrijdag", 5},
    {"vr", 5}, {"sexta-feira", 5}, {"sexta", 5}, {"sex", 5},
    {"saturday", 6}, {"sat", 6}, {"samedi", 6}, {"sam", 6}, {"samstag", 6},
    {"sonnabend", 6}, {"sa", 6}, {"s\xC3\xA1" "bado", 6}, {"sabado", 6}, {"s\xC3\xA1" "b", 6},
    {"sab", 6}, {"sabato", 6}, {"zaterdag", 6}, {"za", 6},
    {"sunday", 7}, {"sun", 7}, {"dimanche", 7}, {"dim", 7}, {"sonntag", 7}, {"so", 7},
    {"domingo", 7}, {"dom", 7}, {"domenica", 7}, {"zondag", 7}, {"zo", 7},
};

const char *allot_value_weekday_spelling(size_t i, int *weekday)
{
    if (i >= sizeof weekday_spellings / sizeof weekday_spellings[0])
        return NULL;
    *weekday = weekday_spellings[i].weekday;
    return weekday_spellings[i].text;
}

int allot_value_weekday_word(const char *word, size_t len)
{
    const unsigned char *w = (const unsigned char *)word;
    if (len == 0)
        return 0;
    unsigned char first = folded(w, 0);
    for (size_t k = 0; k < sizeof weekday_spellings / sizeof weekday_spellings[0]; k++) {
        const char *t = weekday_spellings[k].text;
        if ((unsigned char)t[0] != first)
            continue;
        size_t i = 0;
        while (i < len && t[i] && folded(w, i) == (unsigned char)t[i])
            i++;
        if (i == len && !t[i])
            return weekday_spellings[k].weekday;
    }
    return 0;
}

/* The weekday (1 Monday .. 7 Sunday) of a civil date. */
static int weekday_of(int y, int m, int d)
{
    int64_t days = days_from_civil(y, m, d);      /* 1970-01-01 was a Thursday (4) */
    return (int)(((days + 3) % 7 + 7) % 7) + 1;
}

/* A weekday's name at *p (allot_value_weekday_word; a word here may hold
 * '-' between letters: "quarta-feira") with an optional '.' and ',', then
 * spaces: 1..7, *p moved to what follows the spaces; 0 when there is
 * none. */
static int weekday_at(const char **pp, const char *e)
{
    const char *q = *pp;
    while (q < e && (isalpha((unsigned char)*q) ||
                     ((unsigned char)*q >= 0x80 && !unicode_space(q, e)) ||
                     (*q == '-' && q > *pp && q + 1 < e && isalpha((unsigned char)q[1]))))
        q++;
    int wd = allot_value_weekday_word(*pp, (size_t)(q - *pp));
    if (!wd)
        return 0;
    if (q < e && *q == '.')
        q++;
    if (q < e && *q == ',')
        q++;
    const char *after = skip_spaces(q, e);
    if (after == q)
        return 0;
    *pp = after;
    return wd;
}

/* A month's name at *p (allot_value_month_word) with an optional '.'
 * ("Jan", "janv.", "FÉVR.", "Sept."): 1..12, *p moved past it; 0 when
 * there is none. A word is ASCII letters and non-ASCII characters but the
 * Unicode spaces. */
static int month_name_at(const char **pp, const char *e)
{
    const char *q = *pp;
    while (q < e && (isalpha((unsigned char)*q) ||
                     ((unsigned char)*q >= 0x80 && !unicode_space(q, e))))
        q++;
    int month = allot_value_month_word(*pp, (size_t)(q - *pp));
    if (month)
        *pp = q < e && *q == '.' ? q + 1 : q;
    return month;
}

/* A year of 4 digits, or of 2 when two_digits (20YY), ending the date;
 * -1 otherwise. */
static long year_at(const char **p, const char *e, int two_digits)
{
    const char *ys = *p;
    long yy = digits_at(p, e, two_digits ? 2 : 4, 4);
    if (yy < 0 || *p - ys == 3 || (*p < e && isdigit((unsigned char)**p)))
        return -1;
    return *p - ys == 2 ? yy + 2000 : yy;
}

/* Past the spaces at p and the Spanish and Portuguese "de" with its spaces
 * ("7 de enero de 2026"), or "del" when before_year ("7 de enero del
 * 2026", as Latin America writes it). */
static const char *skip_spaces_de(const char *p, const char *e, int before_year)
{
    p = skip_spaces(p, e);
    if (e - p >= 3 && (p[0] == 'd' || p[0] == 'D') && (p[1] == 'e' || p[1] == 'E')) {
        size_t n = before_year && e - p >= 4 && (p[2] == 'l' || p[2] == 'L') ? 3 : 2;
        if (p[n] == ' ')
            p = skip_spaces(p + n, e);
    }
    return p;
}

/* Past the ordinal ending written after the day dd at p: the English one
 * that number takes ("1st", "2nd", "3rd", "11th", "22nd", "7th"), and for
 * the first of the month the French "1er", the Portuguese and Spanish
 * "1º", "1.º" (and "1°", the degree sign typed for º); any case. p when
 * there is none. */
static const char *past_ordinal(const char *p, const char *e, long dd)
{
    static const char endings[4][3] = {"th", "st", "nd", "rd"};
    const unsigned char *u = (const unsigned char *)p;
    const char *en = endings[dd % 10 <= 3 && (dd % 100 < 11 || dd % 100 > 13) ? dd % 10 : 0];
    if (e - p >= 2 && tolower(u[0]) == en[0] && tolower(u[1]) == en[1])
        return p + 2;
    if (dd != 1)
        return p;
    if (e - p >= 2 && tolower(u[0]) == 'e' && tolower(u[1]) == 'r')
        return p + 2;
    if (e - p >= 3 && u[0] == '.' && u[1] == 0xC2 && u[2] == 0xBA)
        return p + 3;
    if (e - p >= 2 && u[0] == 0xC2 && (u[1] == 0xBA || u[1] == 0xB0))
        return p + 2;
    return p;
}

/* The dates a spreadsheet or a report writes with the month's name:
 * "Jan 7, 2026", "January 7 2026" (month first, 4-digit year) and
 * "7 Jan 2026", "07-Jan-2026", "7-Jan-26", "31/Dec/2026" (day first, the
 * separator repeated, 2-digit years are 20YY), also "7. Januar 2026" (the
 * German day) and "7 de enero de 2026" (Spanish, Portuguese). Nothing is
 * ambiguous in them. */
static int parse_named_month(const char **pp, const char *e, int *y, int *m, int *d)
{
    const char *p = *pp;
    long yy, dd;
    int mm;
    if ((mm = month_name_at(&p, e)) != 0) {
        if (p == e || *p != ' ')
            return 0;
        p = skip_spaces(p, e);
        if ((dd = digits_at(&p, e, 1, 2)) < 0)
            return 0;
        p = past_ordinal(p, e, dd);             /* "January 7th, 2026" */
        if (p < e && *p == ',')
            p++;
        if (p == e || *p != ' ')
            return 0;
        p = skip_spaces(p, e);
        yy = year_at(&p, e, 0);
    } else {
        if ((dd = digits_at(&p, e, 1, 2)) < 0 || p == e)
            return 0;
        const char *o = past_ordinal(p, e, dd);   /* "1er janvier", "7th Jan" */
        if (o != p && (o == e || *o != ' '))
            return 0;
        p = o;
        if (*p == '.' && p + 1 < e && p[1] == ' ')
            p++;                            /* "7. Jan. 2026" */
        char sep = *p;
        if (sep != ' ' && sep != '-' && sep != '/')
            return 0;
        p = sep == ' ' ? skip_spaces_de(p, e, 0) : p + 1;
        if ((mm = month_name_at(&p, e)) == 0 || p == e || *p != sep)
            return 0;
        p = sep == ' ' ? skip_spaces_de(p, e, 1) : p + 1;
        yy = year_at(&p, e, 1);
    }
    if (yy < 0)
        return 0;
    *y = (int)yy;
    *m = mm;
    *d = (int)dd;
    *pp = p;
    return 1;
}

/* Why a date's weekday is refused, by the weekday the date has. */
static const char *const weekday_mismatch[7] = {
    "the weekday written is not the date's: that date is a Monday",
    "the weekday written is not the date's: that date is a Tuesday",
    "the weekday written is not the date's: that date is a Wednesday",
    "the weekday written is not the date's: that date is a Thursday",
    "the weekday written is not the date's: that date is a Friday",
    "the weekday written is not the date's: that date is a Saturday",
    "the weekday written is not the date's: that date is a Sunday",
};

/* Parses the date at *p. Forms: YYYY-MM-DD (/ or .), YYYYMMDD (only when
 * eight digits stand alone), A/B/YYYY (/ . -), and with the month's name
 * (parse_named_month). When weekday_first, a weekday may begin each ("Wed,
 * 7 Jan 2026", "Mi., 07.01.2026"), and must be the date's. A word that is
 * both a month and a weekday ("mar": March, and Tuesday in French, Spanish
 * and Italian) is a month
 * when the text reads as a date with it as the month ("Mar 7, 2026"), a
 * weekday otherwise ("mar. 6 janv. 2026"). */
static int parse_date_part(const char **pp, const char *e, allot_date_order order, int *y,
                           int *m, int *d, const char **why, int weekday_first)
{
    const char *p = *pp;
    const char *q = p;
    while (q < e && isdigit((unsigned char)*q))
        q++;
    size_t lead = (size_t)(q - p);
    int wd = 0;
    if ((lead == 0 || lead == 1 || lead == 2) && parse_named_month(&p, e, y, m, d)) {
        /* checked as a calendar date below */
    } else if (lead == 0 && weekday_first && (wd = weekday_at(&p, e)) != 0) {
        /* "Wed, 7 Jan 2026", or in digits: "Mi., 07.01.2026" */
        if (!parse_date_part(&p, e, order, y, m, d, why, 0))
            return 0;
    } else if (lead == 4 && q < e && (*q == '-' || *q == '/' || *q == '.')) {
        char sep = *q;
        long yy = digits_at(&p, e, 4, 4);
        p++;
        long mm = digits_at(&p, e, 1, 2);
        if (mm < 0 || p >= e || *p != sep) {
            WHY("not a date (expected YYYY-MM-DD)");
            return 0;
        }
        p++;
        long dd = digits_at(&p, e, 1, 2);
        if (dd < 0 || (p < e && isdigit((unsigned char)*p))) {
            WHY("not a date (expected YYYY-MM-DD)");
            return 0;
        }
        *y = (int)yy;
        *m = (int)mm;
        *d = (int)dd;
    } else if (lead == 8 && (q == e || *q == 'T' || *q == ' ')) {
        long v = digits_at(&p, e, 8, 8);
        *y = (int)(v / 10000);
        *m = (int)(v / 100 % 100);
        *d = (int)(v % 100);
    } else if ((lead == 1 || lead == 2) && q < e && (*q == '/' || *q == '.' || *q == '-')) {
        char sep = *q;
        long a = digits_at(&p, e, 1, 2);
        p++;
        long b = digits_at(&p, e, 1, 2);
        if (b < 0 || p >= e || *p != sep) {
            WHY("not a date");
            return 0;
        }
        p++;
        long yy = year_at(&p, e, 1);
        if (yy < 0) {
            WHY("not a date (year must have 4 or 2 digits)");
            return 0;
        }
        if (order == ALLOT_DATE_AUTO) {
            if (a > 12 && b <= 12)
                order = ALLOT_DATE_DMY;
            else if (b > 12 && a <= 12)
                order = ALLOT_DATE_MDY;
            else {
                WHY("day and month order is ambiguous; set it with --date-order");
                return 0;
            }
        }
        *y = (int)yy;
        *m = (int)(order == ALLOT_DATE_MDY ? a : b);
        *d = (int)(order == ALLOT_DATE_MDY ? b : a);
        if (*m > 12) {
            WHY(order == ALLOT_DATE_MDY ? "month > 12 in an M/D/Y date"
                                         : "month > 12 in a D/M/Y date");
            return 0;
        }
    } else {
        WHY("not a date");
        return 0;
    }
    if (!allot_civil_date_valid(*y, *m, *d)) {
        WHY("no such calendar date");
        return 0;
    }
    if (wd && wd != weekday_of(*y, *m, *d)) {
        WHY(weekday_mismatch[weekday_of(*y, *m, *d) - 1]);
        return 0;
    }
    *pp = p;
    return 1;
}

int allot_value_date_evidence(const char *s)
{
    const char *e;
    const char *p = trim(s, &e);
    if (p < e && isalpha((unsigned char)*p) && !weekday_at(&p, e))
        return -1;                          /* "Mi., 07.01.2026" tells as 07.01.2026 */
    long a = digits_at(&p, e, 1, 2);
    if (a < 0 || p >= e || (*p != '/' && *p != '.' && *p != '-'))
        return -1;
    char sep = *p++;
    long b = digits_at(&p, e, 1, 2);
    if (b < 0 || p >= e || *p != sep)
        return -1;
    p++;
    const char *ys = p;
    if (digits_at(&p, e, 2, 4) < 0 || p - ys == 3)
        return -1;
    if (a > 12 && b > 12)
        return -1;
    if (a > 12)
        return ALLOT_DATE_DMY;
    if (b > 12)
        return ALLOT_DATE_MDY;
    /* Dates with dots are day first wherever they are written (German,
     * Swiss, Austrian, Nordic, Polish, Czech, Russian, Turkish: 01.11.2026),
     * month first nowhere: a LinkedIn export saved again by a German Excel
     * has 01.11.26 for 11/1/2026. */
    if (sep == '.')
        return ALLOT_DATE_DMY;
    return ALLOT_DATE_AUTO;
}

int allot_value_decimal_evidence(const char *s)
{
    const char *e;
    const char *p = trim(s, &e);
    int dots = 0, commas = 0, digits = 0, after_last = 0, zero_lead = 1;
    char last = 0;
    for (; p < e; p++) {
        if (*p >= '0' && *p <= '9') {
            digits++;
            after_last++;
            if (!last && *p != '0')
                zero_lead = 0;   /* "0.084", ".5": no thousands group before */
        } else if (*p == '.' || *p == ',') {
            dots += *p == '.';
            commas += *p == ',';
            last = *p;
            after_last = 0;
        }
    }
    if (!digits || !last)
        return 0;
    int decimal = 0;
    if (dots && commas)          /* "1,234.56", "1.234,56": the last one */
        decimal = last;
    else if (dots + commas == 1 && (after_last != 3 || zero_lead))   /* groups have 3 digits */
        decimal = last;
    return decimal == '.' ? ALLOT_DECIMAL_POINT : decimal == ',' ? ALLOT_DECIMAL_COMMA : 0;
}

allot_value_result allot_value_parse_date(const char *s, allot_date_order order, char *out,
                                          const char **why)
{
    if (allot_value_is_null(s))
        return ALLOT_VALUE_NULL;
    const char *e;
    const char *p = trim(s, &e);
    int y, m, d;
    if (!parse_date_part(&p, e, order, &y, &m, &d, why, 1))
        return ALLOT_VALUE_INVALID;
    if (p < e && *p != 'T' && *p != ' ' && !(*p == ',' && p + 1 < e && p[1] == ' ')) {
        WHY("not a date");
        return ALLOT_VALUE_INVALID;
    }
    /* "YYYY-MM-DD" by hand: snprintf cost more than the parse (y is
     * 1..9999, a valid date) */
    char *o = out;
    *o++ = (char)('0' + y / 1000);
    *o++ = (char)('0' + y / 100 % 10);
    *o++ = (char)('0' + y / 10 % 10);
    *o++ = (char)('0' + y % 10);
    *o++ = '-';
    *o++ = (char)('0' + m / 10);
    *o++ = (char)('0' + m % 10);
    *o++ = '-';
    *o++ = (char)('0' + d / 10);
    *o++ = (char)('0' + d % 10);
    *o = '\0';
    return ALLOT_VALUE_OK;
}

/* Past the word the long date-and-time formats put between the date and
 * the time, at q, and the spaces after it: "at", "à", "um", "om", "às",
 * "a las", "alle ore", "alle" (en, fr, de, nl, pt, es, it; ICU's and
 * Excel's long formats). q when there is none. */
static const char *past_time_word(const char *q, const char *e)
{
    static const char *const words[] = {"at",    "\xC3\xA0", "um", "om", "\xC3\xA0s",
                                        "a las", "alle ore",  "alle"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i]), j = 0;
        if ((size_t)(e - q) <= n || q[n] != ' ')
            continue;
        while (j < n && folded((const unsigned char *)q, j) == (unsigned char)words[i][j])
            j++;
        if (j == n)
            return skip_spaces(q + n, e);
    }
    return q;
}

/* Parses "HH:MM[:SS[.fff]]" and, when twelve_hour, " AM"/" PM". */
static int parse_time_part(const char **pp, const char *e, int *h, int *mi, int *se,
                           const char **why)
{
    const char *p = *pp;
    long hh = digits_at(&p, e, 1, 2);
    if (hh < 0 || p >= e || *p != ':') {
        WHY("not a time (expected HH:MM[:SS])");
        return 0;
    }
    p++;
    long mm = digits_at(&p, e, 2, 2);
    long ss = 0;
    if (mm < 0) {
        WHY("not a time (expected HH:MM[:SS])");
        return 0;
    }
    if (p < e && *p == ':') {
        p++;
        ss = digits_at(&p, e, 2, 2);
        if (ss < 0) {
            WHY("not a time (expected HH:MM:SS)");
            return 0;
        }
        if (p < e && (*p == '.' || *p == ',')) {
            p++;
            if (digits_at(&p, e, 1, 9) < 0) {
                WHY("not a time (bad fraction of a second)");
                return 0;
            }
            while (p < e && isdigit((unsigned char)*p))
                p++;
        }
    }
    if (hh > 23 || mm > 59 || ss > 59) {
        WHY("no such time of day");
        return 0;
    }
    *h = (int)hh;
    *mi = (int)mm;
    *se = (int)ss;
    *pp = p;
    return 1;
}

allot_value_result allot_value_parse_timestamp(const char *s, allot_date_order order,
                                               int64_t *epoch, const char **why)
{
    int fixed;
    return allot_value_parse_instant(s, order, epoch, &fixed, why);
}

allot_value_result allot_value_parse_instant(const char *s, allot_date_order order,
                                             int64_t *epoch, int *fixed, const char **why)
{
    *fixed = ALLOT_INSTANT_FIXED;
    if (allot_value_is_null(s))
        return ALLOT_VALUE_NULL;
    const char *e;
    const char *p = trim(s, &e);

    /* Epoch numbers (and YYYYMMDD). */
    const char *q = p;
    while (q < e && isdigit((unsigned char)*q))
        q++;
    size_t nd = (size_t)(q - p);
    if (nd >= 9 && (q == e || (*q == '.' && q + 1 < e))) {
        const char *f = q;
        if (f < e) {
            f++;
            while (f < e && isdigit((unsigned char)*f))
                f++;
            if (f != e) {
                WHY("not a timestamp");
                return ALLOT_VALUE_INVALID;
            }
        }
        if (nd > 17) {
            WHY("epoch number too large");
            return ALLOT_VALUE_INVALID;
        }
        int64_t v = 0;
        for (const char *d = p; d < q; d++)
            v = v * 10 + (*d - '0');
        if (v < INT64_C(100000000000))
            *epoch = v;
        else if (v < INT64_C(100000000000000))
            *epoch = v / 1000;
        else
            *epoch = v / 1000000;
        return ALLOT_VALUE_OK;
    }

    int y, m, d, h = 0, mi = 0, se = 0;
    /* AM/PM follows dates as people write them (3/4/2026, 7-Jan-26,
     * Jan 7, 2026), never ISO ones. */
    int slash = nd == 1 || nd == 2 || (p < e && isalpha((unsigned char)*p));
    if (!parse_date_part(&p, e, order, &y, &m, &d, why, 1))
        return ALLOT_VALUE_INVALID;
    long offset = 0;
    if (p == e)
        *fixed = ALLOT_INSTANT_DATE;
    if (p < e) {
        /* the time: after 'T', spaces, or for a date as people write it
         * ", " or a word (past_time_word) */
        const char *t = NULL;
        if (*p == 'T')
            t = p + 1;
        else if (*p == ' ')
            t = skip_spaces(p, e);
        else if (*p == ',' && slash && (t = skip_spaces(p + 1, e)) == p + 1)
            t = NULL;
        if (t && slash && *p == ' ' && t < e && !isdigit((unsigned char)*t))
            t = past_time_word(t, e);
        if (t) {
            p = t;
            if (!parse_time_part(&p, e, &h, &mi, &se, why))
                return ALLOT_VALUE_INVALID;
            *fixed = ALLOT_INSTANT_LOCAL; /* unless an offset follows */
            const char *z = skip_spaces(p, e);
            if (slash && e - z >= 2 && (strncasecmp(z, "AM", 2) == 0 ||
                                        strncasecmp(z, "PM", 2) == 0)) {
                if (h < 1 || h > 12) {
                    WHY("hour must be 1 to 12 with AM/PM");
                    return ALLOT_VALUE_INVALID;
                }
                int pm = toupper((unsigned char)z[0]) == 'P';
                h = h % 12 + (pm ? 12 : 0);
                p = z + 2;
                z = skip_spaces(p, e);
            }
            p = z;
            if (p < e) {
                *fixed = ALLOT_INSTANT_FIXED;
                /* "GMT+0100" and "UTC+01:00": JavaScript's Date string */
                int zoned = 0;
                if (*p == 'Z' && p + 1 == e) {
                    p++;
                } else if (e - p >= 3 && ((*p | 0x20) == 'u' || (*p | 0x20) == 'g') &&
                           (strncasecmp(p, "UTC", 3) == 0 || strncasecmp(p, "GMT", 3) == 0)) {
                    p += 3;
                    zoned = 1;
                }
                if (p < e && (*p == '+' || *p == '-')) {
                    int sign = *p == '-' ? -1 : 1;
                    p++;
                    long oh = digits_at(&p, e, 2, 2), om = 0;
                    if (oh >= 0 && p < e && *p == ':')
                        p++;
                    if (oh >= 0 && p < e)
                        om = digits_at(&p, e, 2, 2);
                    if (oh < 0 || om < 0 || oh > 14 || om > 59) {
                        WHY("bad UTC offset (expected Z, +HH:MM or -HHMM)");
                        return ALLOT_VALUE_INVALID;
                    }
                    offset = sign * (oh * 3600 + om * 60);
                    zoned = 1;
                }
                /* the zone's name in parentheses: "+0100 (CET)" (RFC 2822),
                 * "GMT+0100 (Central European Standard Time)" */
                const char *c = zoned && p < e ? skip_spaces(p, e) : p;
                if (c > p && c < e && *c == '(' && e[-1] == ')' &&
                    !memchr(c + 1, ')', (size_t)(e - c - 2)))
                    p = e;
            }
        }
        if (p != e) {
            WHY("not a timestamp (expected ISO 8601, e.g. 2026-03-01T09:30:00Z)");
            return ALLOT_VALUE_INVALID;
        }
    }
    *epoch = days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + se - offset;
    return ALLOT_VALUE_OK;
}

int allot_value_salesforce_id18(const char *id, char *out)
{
    size_t n = strlen(id);
    if (n != 15 && n != 18)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)id[i]))
            return 0;
    memcpy(out, id, n);
    if (n == 15) {
        static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
        for (int chunk = 0; chunk < 3; chunk++) {
            int bits = 0;
            for (int j = 0; j < 5; j++)
                if (isupper((unsigned char)id[chunk * 5 + j]))
                    bits |= 1 << j;
            out[15 + chunk] = alphabet[bits];
        }
    }
    out[18] = '\0';
    return 1;
}
