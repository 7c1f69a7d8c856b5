/* MIME pack message: base64, quoted-printable, RFC 2047/2231, header safety,
 * line lengths, CRLF, boundary, determinism.
 *
 * Expected strings come from RFC 4648 section 10 (base64 vectors) and from
 * Python's standard library (/usr/bin/python3, Debian 12), e.g.
 *   base64.b64encode("Pack für Q3".encode())            -> b'UGFjayBmw7xyIFEz'
 *   email.utils.encode_rfc2231("Übersicht.png","utf-8")  -> utf-8''%C3%9Cbersicht.png
 *   quopri.encodestring("Grüße = 100 % \n".encode())     -> b'Gr=C3=BC=C3=9Fe =3D 100 %=20\n'
 *   email.utils.formatdate(1790812800, usegmt=True)      -> Thu, 01 Oct 2026 00:00:00 GMT
 * (allot writes +0000 for GMT, RFC 5322 section 3.3.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mime.h"

static void check_b64(const char *in, const char *want)
{
    char *s = allot_mime_base64((const unsigned char *)in, strlen(in), 0);
    assert_non_null(s);
    assert_string_equal(s, want);
    free(s);
}

static void base64_rfc4648_vectors(void **state)
{
    (void)state;
    check_b64("", "");
    check_b64("f", "Zg==");
    check_b64("fo", "Zm8=");
    check_b64("foo", "Zm9v");
    check_b64("foob", "Zm9vYg==");
    check_b64("fooba", "Zm9vYmE=");
    check_b64("foobar", "Zm9vYmFy");
    /* all 256 byte values: python3 -c "import base64;print(base64.b64encode(bytes(range(256)))[:16], base64.b64encode(bytes(range(256)))[-12:])" */
    unsigned char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    char *s = allot_mime_base64(all, sizeof all, 0);
    assert_int_equal(strlen(s), 344);
    assert_memory_equal(s, "AAECAwQFBgcICQoL", 16);
    assert_string_equal(s + 344 - 12, "+fr7/P3+/w==");
    free(s);
}

static void base64_wraps_at_76(void **state)
{
    (void)state;
    unsigned char d[58];
    memset(d, 0, sizeof d);
    /* 57 bytes -> exactly one full line of 76 characters */
    char *s = allot_mime_base64(d, 57, 76);
    assert_int_equal(strlen(s), 78);
    assert_memory_equal(s + 76, "\r\n", 3);
    free(s);
    /* 58 bytes -> 76 + CRLF + "AA==" + CRLF */
    s = allot_mime_base64(d, 58, 76);
    assert_int_equal(strlen(s), 76 + 2 + 4 + 2);
    assert_string_equal(s + 78, "AA==\r\n");
    free(s);
}

static void quoted_printable_encodes(void **state)
{
    (void)state;
    char *s = allot_mime_quoted_printable("Grüße = 100 % \n");
    assert_string_equal(s, "Gr=C3=BC=C3=9Fe =3D 100 %=20\r\n");
    free(s);
    /* a leading '.' or "From " is encoded so that no MTA changes the line */
    s = allot_mime_quoted_printable(".\nFrom me\r\nok");
    assert_string_equal(s, "=2E\r\n=46rom me\r\nok\r\n");
    free(s);
    /* 80 'a': soft break after 75 characters ("=" is the 76th) */
    char line[81];
    memset(line, 'a', 80);
    line[80] = '\0';
    s = allot_mime_quoted_printable(line);
    assert_int_equal(strlen(s), 75 + 3 + 5 + 2);
    assert_memory_equal(s + 75, "=\r\naaaaa\r\n", 10);
    free(s);
    /* an encoded triplet is never split by a soft break */
    char mixed[200] = "";
    for (int i = 0; i < 40; i++)
        strcat(mixed, "é");
    s = allot_mime_quoted_printable(mixed);
    for (char *p = s; *p;) {
        char *eol = strstr(p, "\r\n");
        assert_non_null(eol);
        assert_true(eol - p <= 76);
        if (eol - p == 76 || (eol > p && eol[-1] == '='))
            assert_true((eol - p) % 3 == 1); /* k triplets + '=' */
        p = eol + 2;
    }
    free(s);
}

static void encoded_word_subjects(void **state)
{
    (void)state;
    char *s = allot_mime_header_text("Subject", "Pack für Q3");
    assert_string_equal(s, "Subject: =?UTF-8?B?UGFjayBmw7xyIFEz?=\r\n");
    free(s);
    /* ASCII stays readable */
    s = allot_mime_header_text("Subject", "allot pack 2026-Q3");
    assert_string_equal(s, "Subject: allot pack 2026-Q3\r\n");
    free(s);
    /* Long non-ASCII: split into words on character boundaries, one per line.
     * Derivation (python3): b = s.encode(); chunks of at most 39 bytes on the
     * first line and 45 after, never inside a UTF-8 sequence:
     * ['Umsatzzuordnung Q3 2026 — Übersicht ', 'für die Geschäftsführung ✓'];
     * each "=?UTF-8?B?" + base64.b64encode(chunk) + "?="; and
     * email.header.decode_header() of the result gives back s. */
    s = allot_mime_header_text("Subject",
                               "Umsatzzuordnung Q3 2026 — Übersicht für die Geschäftsführung ✓");
    assert_string_equal(s, "Subject: =?UTF-8?B?VW1zYXR6enVvcmRudW5nIFEzIDIwMjYg4oCUIMOcYmVyc2ljaHQg?=\r\n"
                           " =?UTF-8?B?ZsO8ciBkaWUgR2VzY2jDpGZ0c2bDvGhydW5nIOKckw==?=\r\n");
    free(s);
    /* "=?" in ASCII would be decoded by readers: encoded instead */
    s = allot_mime_header_text("Subject", "=?x?");
    assert_string_equal(s, "Subject: =?UTF-8?B?PT94Pw==?=\r\n");
    free(s);
    /* leading, trailing or doubled spaces survive only encoded */
    s = allot_mime_header_text("Subject", "Q3  pack");
    assert_string_equal(s, "Subject: =?UTF-8?B?UTMgIHBhY2s=?=\r\n");
    free(s);
    /* long ASCII folds greedily at spaces, each line <= 76 characters: the
     * first line is 76 long with "with", 81 with "every" */
    s = allot_mime_header_text("Subject", "the quarterly revenue attribution pack for the "
                                          "leadership team with every chart and the workbook");
    assert_string_equal(s, "Subject: the quarterly revenue attribution pack for the leadership team with\r\n"
                           " every chart and the workbook\r\n");
    free(s);
}

/* A base64 decoder written for the test (RFC 4648 alphabet), so that the
 * encoder's output is checked by something that is not the encoder. */
static size_t unbase64(const char *s, size_t n, unsigned char *out)
{
    static const char *alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    unsigned v = 0;
    int bits = 0;
    for (size_t i = 0; i < n && s[i] != '='; i++) {
        const char *p = strchr(alphabet, s[i]);
        assert_non_null(p);
        v = (v << 6) | (unsigned)(p - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(v >> bits);
        }
    }
    return o;
}

/* Property: for random UTF-8 subjects (ASCII, 2-, 3- and 4-byte
 * characters, spaces), the header has lines of at most 76 characters, and
 * decoding its encoded words (or unfolding it, when plain) gives back the
 * exact bytes; no encoded word splits a character. Fixed seed. */
static void encoded_words_round_trip(void **state)
{
    (void)state;
    static const char *pieces[] = {"a", "Z", " ", "-", "é", "Ü", "—", "✓", "€", "😀", "x=?y", "_"};
    unsigned seed = 12345;
    for (int round = 0; round < 500; round++) {
        char subject[1200] = "";
        seed = seed * 1103515245u + 12345u;
        int n = (int)(seed >> 16) % 120;
        for (int k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            strcat(subject, pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])]);
        }
        char *h = allot_mime_header_text("Subject", subject);
        assert_non_null(h);
        assert_int_equal(strncmp(h, "Subject:", 8), 0);
        unsigned char decoded[1200];
        size_t dl = 0;
        int encoded = strstr(h, "=?UTF-8?B?") != NULL;
        const char *p = h + 8;
        size_t col = 0;
        for (const char *q = h; *q; q++) {
            if (q[0] == '\r') {
                assert_int_equal(q[1], '\n');
                if (col > 76)
                    print_error("too long: [%s]\n", h);
                assert_true(col <= 76);
                col = 0;
                q++;
            } else {
                col++;
            }
        }
        if (encoded) {
            const char *w;
            while ((w = strstr(p, "=?UTF-8?B?")) != NULL) {
                const char *e = strstr(w + 10, "?=");
                assert_non_null(e);
                unsigned char part[100];
                size_t pl = unbase64(w + 10, (size_t)(e - w - 10), part);
                /* each word holds whole characters: valid UTF-8 on its own */
                for (size_t i = 0; i < pl;) {
                    size_t l = part[i] < 0x80 ? 1 : part[i] < 0xE0 ? 2 : part[i] < 0xF0 ? 3 : 4;
                    assert_true(i + l <= pl);
                    i += l;
                }
                memcpy(decoded + dl, part, pl);
                dl += pl;
                p = e + 2;
            }
        } else {
            /* plain: unfold (drop CRLF before a space), drop the one space after ':' */
            assert_true(p[0] == ' ');
            p++;
            for (; *p; p++)
                if (!(p[0] == '\r' && p[1] == '\n'))
                    decoded[dl++] = (unsigned char)*p;
                else
                    p++;
            /* the header's own final CRLF is already skipped; an empty subject is " " */
        }
        decoded[dl] = '\0';
        if (n == 0)
            assert_true(dl == 0 || (dl == 0 && !encoded));
        else
            assert_string_equal((char *)decoded, subject);
        free(h);
    }
}

static void rfc2231_file_names(void **state)
{
    (void)state;
    char *s = allot_mime_filename_param("filename", "allot-pack.pdf");
    assert_string_equal(s, "filename=\"allot-pack.pdf\"");
    free(s);
    /* python: email.utils.encode_rfc2231("Übersicht.png","utf-8") = utf-8''%C3%9Cbersicht.png */
    s = allot_mime_filename_param("filename", "Übersicht.png");
    assert_string_equal(s, "filename*=UTF-8''%C3%9Cbersicht.png");
    free(s);
    /* python: encode_rfc2231("Zoë's report.pdf","utf-8") = utf-8''Zo%C3%AB%27s%20report.pdf */
    s = allot_mime_filename_param("filename", "Zoë's report.pdf");
    assert_string_equal(s, "filename*=UTF-8''Zo%C3%AB%27s%20report.pdf");
    free(s);
    /* '"' forces the encoded form (no quoted-string escapes to get wrong) */
    s = allot_mime_filename_param("name", "a\"b.pdf");
    assert_string_equal(s, "name*=UTF-8''a%22b.pdf");
    free(s);
    /* long: numbered sections, a character's triplets never split */
    s = allot_mime_filename_param(
        "filename", "Übersicht — Kanäle und Kampagnen im dritten Quartal 2026 (vollständig).png");
    assert_string_equal(s,
                        "filename*0*=UTF-8''%C3%9Cbersicht%20%E2%80%94%20Kan%C3%A4le%20und%20Kampag;\r\n"
                        " filename*1*=nen%20im%20dritten%20Quartal%202026%20%28vollst%C3%A4ndig%29.p;\r\n"
                        " filename*2*=ng");
    free(s);
}

static void dates_and_types(void **state)
{
    (void)state;
    char d[32];
    assert_string_equal(allot_mime_date(0, d), "Thu, 01 Jan 1970 00:00:00 +0000");
    assert_string_equal(allot_mime_date(1790812800, d), "Thu, 01 Oct 2026 00:00:00 +0000");
    assert_string_equal(allot_mime_date(951782400, d), "Tue, 29 Feb 2000 00:00:00 +0000");
    assert_string_equal(allot_mime_type_for("a.PDF"), "application/pdf");
    assert_string_equal(allot_mime_type_for("allot-report.xlsx"),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_string_equal(allot_mime_type_for("c.png"), "image/png");
    assert_string_equal(allot_mime_type_for("noext"), "application/octet-stream");
}

static allot_status check_addr(const char *a)
{
    allot_error err;
    char spec[300];
    return allot_mime_check_address(a, "to", spec, sizeof spec, &err);
}

static void addresses_are_validated(void **state)
{
    (void)state;
    allot_error err;
    char spec[300];
    assert_int_equal(allot_mime_check_address(" Ada Lovelace <ada@example.com> ", "to", spec,
                                              sizeof spec, &err),
                     ALLOT_OK);
    assert_string_equal(spec, "ada@example.com");
    assert_int_equal(check_addr("\"Doe, John\" <j.doe+q3@mail.example.org>"), ALLOT_OK);
    assert_int_equal(check_addr("Zoë <zoe@example.net>"), ALLOT_OK);
    assert_int_equal(check_addr("root@localhost"), ALLOT_OK);
    assert_int_equal(check_addr(""), ALLOT_ERR_DATA);
    assert_int_equal(check_addr("ada"), ALLOT_ERR_DATA);
    assert_int_equal(check_addr("@example.com"), ALLOT_ERR_DATA);
    assert_int_equal(check_addr("ada@"), ALLOT_ERR_DATA);
    assert_int_equal(check_addr("a..b@example.com"), ALLOT_ERR_DATA);
    assert_int_equal(check_addr(".a@example.com"), ALLOT_ERR_DATA);
    assert_int_equal(check_addr("a b@example.com"), ALLOT_ERR_DATA);
    assert_int_equal(check_addr("a@b@example.com"), ALLOT_ERR_DATA);
    assert_int_equal(check_addr("a@-example.com"), ALLOT_ERR_DATA);
    assert_int_equal(check_addr("a@example-.com"), ALLOT_ERR_DATA);
    assert_int_equal(check_addr("a@example..com"), ALLOT_ERR_DATA);
    assert_int_equal(check_addr("a@exa_mple.com"), ALLOT_ERR_DATA);
    assert_int_equal(check_addr("Ada <ada@example.com"), ALLOT_ERR_DATA);
    assert_int_equal(check_addr("Ada <ada@example.com> x"), ALLOT_ERR_DATA);
    assert_int_equal(check_addr("Ada <<ada@example.com>>"), ALLOT_ERR_DATA);
    assert_int_equal(check_addr("zoë@example.net"), ALLOT_ERR_DATA);
    char longest[300];
    memset(longest, 'a', 64);
    longest[64] = '@';
    for (int i = 65; i < 255; i += 2) {
        longest[i] = 'b';
        longest[i + 1] = '.';
    }
    longest[254] = 'c';
    longest[255] = '\0'; /* 255 characters */
    assert_int_equal(check_addr(longest), ALLOT_ERR_DATA);
    longest[254] = '\0';
    longest[253] = 'c'; /* 254 */
    assert_int_equal(check_addr(longest), ALLOT_OK);
    /* injection through an address or a display name */
    assert_int_equal(check_addr("ada@example.com\r\nBcc: eve@evil.example"), ALLOT_ERR_DATA);
    assert_int_equal(allot_mime_check_address("Ada\n <ada@example.com>", "to", NULL, 0, &err),
                     ALLOT_ERR_DATA);
    assert_non_null(strstr(err.message, "line break"));
}

static void header_text_refuses_injection(void **state)
{
    (void)state;
    allot_error err;
    assert_int_equal(allot_mime_check_header_text("Q3 pack", "subject", &err), ALLOT_OK);
    assert_int_equal(allot_mime_check_header_text("Q3\r\nBcc: eve@evil.example", "subject", &err),
                     ALLOT_ERR_DATA);
    assert_non_null(strstr(err.message, "subject: contains a line break (CR)"));
    assert_int_equal(allot_mime_check_header_text("Q3\nX: y", "subject", &err), ALLOT_ERR_DATA);
    assert_non_null(strstr(err.message, "(LF)"));
    assert_int_equal(allot_mime_check_header_text("bell\a", "subject", &err), ALLOT_ERR_DATA);
    assert_int_equal(allot_mime_check_header_text("tab\there", "subject", &err), ALLOT_ERR_DATA);
    assert_int_equal(allot_mime_check_header_text("bad \xC3\x28", "subject", &err),
                     ALLOT_ERR_DATA);
    assert_non_null(strstr(err.message, "UTF-8"));
    assert_int_equal(allot_mime_check_header_text("\xED\xA0\x80", "subject", &err),
                     ALLOT_ERR_DATA); /* a surrogate */
    assert_int_equal(allot_mime_check_header_text("\xC0\xAF", "subject", &err),
                     ALLOT_ERR_DATA); /* overlong '/' */
}

/* ---- whole messages ---- */

static unsigned char blob[5000];
static const char *tos[] = {"Ada Lovelace <ada@example.com>", "Zoë Ünïcode <zoe@example.net>"};
static const char *ccs[] = {"cfo@example.com"};

static allot_mime_message sample(allot_mime_attachment *att)
{
    for (size_t i = 0; i < sizeof blob; i++)
        blob[i] = (unsigned char)(i * 131 + 7);
    att[0] = (allot_mime_attachment){"allot-pack.pdf", NULL, blob, 4000};
    att[1] = (allot_mime_attachment){"allot-report.xlsx", NULL, blob + 1, 999};
    att[2] = (allot_mime_attachment){"Kanäle.png", NULL, blob + 2, 57};
    return (allot_mime_message){.from = "allot <reports@example.com>",
                                .to = tos,
                                .n_to = 2,
                                .cc = ccs,
                                .n_cc = 1,
                                .subject = "Attribution pack 2026-Q3 — Übersicht",
                                .date = 1790812800,
                                .id_label = "allot-pack.2026-Q3",
                                .text = "Headline numbers\n  Revenue: USD 1,234.00\n",
                                .attachments = att,
                                .n_attachments = 3};
}

static void message_is_well_formed(void **state)
{
    (void)state;
    allot_mime_attachment att[3];
    allot_mime_message m = sample(att);
    char *out;
    size_t len;
    allot_error err;
    assert_int_equal(allot_mime_build(&m, &out, &len, &err), ALLOT_OK);
    assert_int_equal(strlen(out), len);
    /* CRLF everywhere: no bare CR, no bare LF; every line <= 78 characters */
    size_t col = 0, lines = 0;
    for (size_t i = 0; i < len; i++) {
        if (out[i] == '\r') {
            assert_true(i + 1 < len && out[i + 1] == '\n');
            assert_true(col <= 78);
            col = 0;
            lines++;
            i++;
        } else {
            assert_true(out[i] != '\n');
            col++;
        }
    }
    assert_int_equal(col, 0);
    assert_true(lines > 60);
    /* headers, in order */
    const char *order[] = {"From: allot <reports@example.com>\r\n",
                           "To: Ada Lovelace <ada@example.com>,",
                           "Cc: cfo@example.com\r\n",
                           "Subject: =?UTF-8?B?",
                           "Date: Thu, 01 Oct 2026 00:00:00 +0000\r\n",
                           "Message-ID: <allot-pack.2026-Q3.",
                           "MIME-Version: 1.0\r\n",
                           "Content-Type: multipart/mixed;\r\n boundary=\"=_allot_"};
    const char *p = out;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *q = strstr(p, order[i]);
        assert_non_null(q);
        p = q;
    }
    /* the boundary occurs only as the 4 delimiters, the close and the header */
    const char *b = strstr(out, "boundary=\"") + 10;
    char boundary[80];
    size_t bl = (size_t)(strchr(b, '"') - b);
    memcpy(boundary, b, bl);
    boundary[bl] = '\0';
    assert_int_equal(strncmp(boundary, "=_allot_", 8), 0);
    int seen = 0;
    for (const char *q = out; (q = strstr(q, boundary)) != NULL; q += bl)
        seen++;
    assert_int_equal(seen, 1 + 4 + 1);
    char close[100];
    snprintf(close, sizeof close, "\r\n--%s--\r\n", boundary);
    assert_int_equal(strcmp(out + len - strlen(close), close), 0);
    /* the attachments' parts */
    assert_non_null(strstr(out, "Content-Type: application/pdf;\r\n name=\"allot-pack.pdf\"\r\n"
                                "Content-Disposition: attachment;\r\n filename=\"allot-pack.pdf\"\r\n"
                                "Content-Transfer-Encoding: base64\r\n\r\n"));
    assert_non_null(strstr(out, "Content-Type:\r\n application/vnd.openxmlformats-officedocument."
                                "spreadsheetml.sheet;\r\n name=\"allot-report.xlsx\"\r\n"));
    assert_non_null(strstr(out, "Content-Type: image/png;\r\n name*=UTF-8''Kan%C3%A4le.png\r\n"
                                "Content-Disposition: attachment;\r\n filename*=UTF-8''Kan%C3%A4le.png\r\n"));
    /* the 57-byte PNG is exactly one 76-character base64 line */
    char *b64 = allot_mime_base64(blob + 2, 57, 76);
    assert_int_equal(strlen(b64), 78);
    assert_non_null(strstr(out, b64));
    free(b64);
    assert_non_null(strstr(out, "Content-Type: text/plain; charset=\"utf-8\"\r\n"
                                "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                                "Headline numbers\r\n  Revenue: USD 1,234.00\r\n--"));
    free(out);
}

static void message_is_deterministic(void **state)
{
    (void)state;
    allot_mime_attachment att[3];
    allot_mime_message m = sample(att);
    char *a, *b;
    size_t la, lb;
    allot_error err;
    assert_int_equal(allot_mime_build(&m, &a, &la, &err), ALLOT_OK);
    assert_int_equal(allot_mime_build(&m, &b, &lb, &err), ALLOT_OK);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(b);
    /* one changed attachment byte is another message: new Message-ID */
    static unsigned char other[4000];
    memcpy(other, blob, sizeof other);
    other[1234] ^= 1;
    att[0].data = other;
    assert_int_equal(allot_mime_build(&m, &b, &lb, &err), ALLOT_OK);
    const char *ida = strstr(a, "Message-ID: "), *idb = strstr(b, "Message-ID: ");
    assert_non_null(ida);
    assert_non_null(idb);
    assert_memory_not_equal(ida, idb, 60);
    free(b);
    /* a given Message-ID is used as is */
    m.message_id = "<fixed.1@example.com>";
    assert_int_equal(allot_mime_build(&m, &b, &lb, &err), ALLOT_OK);
    assert_non_null(strstr(b, "\r\nMessage-ID: <fixed.1@example.com>\r\n"));
    free(b);
    free(a);
}

static void message_refuses_unsafe_values(void **state)
{
    (void)state;
    allot_mime_attachment att[3];
    allot_mime_message m = sample(att);
    char *out = (char *)1;
    size_t len;
    allot_error err;
    m.subject = "Q3\r\nBcc: eve@evil.example";
    assert_int_equal(allot_mime_build(&m, &out, &len, &err), ALLOT_ERR_DATA);
    assert_null(out);
    assert_non_null(strstr(err.message, "subject"));
    m = sample(att);
    const char *bad_to[] = {"ada@example.com\nBcc: eve@evil.example"};
    m.to = bad_to;
    m.n_to = 1;
    assert_int_equal(allot_mime_build(&m, &out, &len, &err), ALLOT_ERR_DATA);
    assert_non_null(strstr(err.message, "to: "));
    m = sample(att);
    m.from = "Eve\r <eve@evil.example>";
    assert_int_equal(allot_mime_build(&m, &out, &len, &err), ALLOT_ERR_DATA);
    m = sample(att);
    att[1].filename = "x.xlsx\r\nContent-Type: text/html";
    assert_int_equal(allot_mime_build(&m, &out, &len, &err), ALLOT_ERR_DATA);
    m = sample(att);
    att[1].filename = "../etc/passwd";
    assert_int_equal(allot_mime_build(&m, &out, &len, &err), ALLOT_ERR_DATA);
    m = sample(att);
    att[1].content_type = "text/html\r\nX: y";
    assert_int_equal(allot_mime_build(&m, &out, &len, &err), ALLOT_ERR_DATA);
    m = sample(att);
    m.message_id = "<a@b>\r\nBcc: x@y";
    assert_int_equal(allot_mime_build(&m, &out, &len, &err), ALLOT_ERR_DATA);
    m = sample(att);
    m.id_label = "a b";
    assert_int_equal(allot_mime_build(&m, &out, &len, &err), ALLOT_ERR_DATA);
    m = sample(att);
    m.n_to = 0;
    m.n_cc = 0;
    assert_int_equal(allot_mime_build(&m, &out, &len, &err), ALLOT_ERR_DATA);
    assert_non_null(strstr(err.message, "no recipients"));
    m = sample(att);
    m.text = "bad \xFF";
    assert_int_equal(allot_mime_build(&m, &out, &len, &err), ALLOT_ERR_DATA);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base64_rfc4648_vectors),
        cmocka_unit_test(base64_wraps_at_76),
        cmocka_unit_test(quoted_printable_encodes),
        cmocka_unit_test(encoded_word_subjects),
        cmocka_unit_test(encoded_words_round_trip),
        cmocka_unit_test(rfc2231_file_names),
        cmocka_unit_test(dates_and_types),
        cmocka_unit_test(addresses_are_validated),
        cmocka_unit_test(header_text_refuses_injection),
        cmocka_unit_test(message_is_well_formed),
        cmocka_unit_test(message_is_deterministic),
        cmocka_unit_test(message_refuses_unsafe_values),
    };
    return cmocka_run_group_tests_name("mime", tests, NULL, NULL);
}
