/* First marketing touches: one pass over touches in storage order, then the
 * winners' fields by row number (firsttouch.h). */
#include "firsttouch.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

void allot_touch_type_key(const char *text, char *key, size_t size)
{
    size_t j = 0;
    for (; text && *text && j + 1 < size; text++) {
        unsigned char c = (unsigned char)*text;
        if (isspace(c) || c == '_' || c == '-')
            continue;
        key[j++] = (char)tolower(c);
    }
    key[j] = '\0';
}

int allot_first_touch_before(int64_t at, const char *touch_id, const allot_first_touch *ft)
{
    return ft->at == ALLOT_NO_FIRST_TOUCH || at < ft->at ||
           (at == ft->at && strcmp(touch_id, ft->touch_id) < 0);
}

void allot_first_touches_release(allot_first_touch *firsts, size_t n)
{
    for (size_t i = 0; firsts && i < n; i++) {
        free(firsts[i].touch_id);
        free(firsts[i].channel);
        free(firsts[i].campaign_id);
        firsts[i] = (allot_first_touch){ALLOT_NO_FIRST_TOUCH, NULL, NULL, NULL};
    }
}

static int cmp_id(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char *const *)elem);
}

/* The pass: each person's earliest non-activity touch as a row number. */
typedef struct pass {
    sqlite3 *db;
    const char *const *ids;
    size_t n;
    allot_first_touch *firsts; /* .at only, during the pass */
    int64_t *rowids;
} pass;

/* The touch_id stored at rowid (a tie at one instant needs the current
 * first's id); NULL when there is no such row. */
static const char *touch_id_at(sqlite3_stmt *by_rowid, int64_t rowid)
{
    sqlite3_reset(by_rowid);
    sqlite3_bind_int64(by_rowid, 1, rowid);
    return sqlite3_step(by_rowid) == SQLITE_ROW ? (const char *)sqlite3_column_text(by_rowid, 0)
                                                : NULL;
}

static allot_status scan(pass *p, const char *activity_touch_type,
                         allot_activity_touch_fn on_activity, void *ctx, allot_error *err)
{
    sqlite3_stmt *st = NULL, *by_rowid = NULL;
    allot_status s = allot_store_prepare(
        p->db,
        "SELECT rowid, person_id, occurred_at, touch_type, touch_id FROM touches"
        " WHERE person_id IS NOT NULL",
        &st, err);
    if (s == ALLOT_OK)
        s = allot_store_prepare(p->db, "SELECT touch_id FROM touches WHERE rowid = ?", &by_rowid,
                                err);
    char want[96], type[96];
    allot_touch_type_key(activity_touch_type, want, sizeof want);
    int rc = SQLITE_DONE;
    while (s == ALLOT_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *const *hit =
            bsearch(sqlite3_column_text(st, 1), p->ids, p->n, sizeof *p->ids, cmp_id);
        if (!hit)
            continue;
        size_t i = (size_t)(hit - p->ids);
        int64_t at = sqlite3_column_int64(st, 2);
        allot_touch_type_key((const char *)sqlite3_column_text(st, 3), type, sizeof type);
        if (want[0] && strcmp(type, want) == 0) {
            if (on_activity && on_activity(ctx, i, at) != 0)
                s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0,
                                    "out of memory reading touches");
            continue;
        }
        allot_first_touch *ft = &p->firsts[i];
        int earlier = ft->at == ALLOT_NO_FIRST_TOUCH || at < ft->at;
        if (!earlier && at == ft->at) {
            const char *first_id = touch_id_at(by_rowid, p->rowids[i]);
            earlier = first_id && strcmp((const char *)sqlite3_column_text(st, 4), first_id) < 0;
        }
        if (earlier) {
            ft->at = at;
            p->rowids[i] = sqlite3_column_int64(st, 0);
        }
    }
    if (s == ALLOT_OK && rc != SQLITE_DONE)
        s = allot_store_fail(p->db, rc, "reading touches", err);
    sqlite3_finalize(by_rowid);
    sqlite3_finalize(st);
    return s;
}

/* A first touch to read: its row and its person. */
typedef struct pick {
    int64_t rowid;
    size_t i;
} pick;

static int cmp_pick(const void *a, const void *b)
{
    int64_t x = ((const pick *)a)->rowid, y = ((const pick *)b)->rowid;
    return (x > y) - (x < y);
}

/* The columns lib/taxonomy decides a touch's channel from, in this order. */
#define TOUCH_FIELDS                                                                         \
    "t.channel, c.channel, t.utm_source, t.utm_medium, t.utm_campaign, t.utm_content, "       \
    "t.utm_term, t.referrer, t.touch_type, t.click_id, t.landing_page"

/* The first touches' fields, read by row number in row order. */
static allot_status read_firsts(pass *p, const allot_taxonomy *taxonomy, allot_error *err)
{
    size_t n_picks = 0;
    pick *picks = malloc(p->n * sizeof *picks);
    if (!picks)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory reading touches");
    for (size_t i = 0; i < p->n; i++)
        if (p->firsts[i].at != ALLOT_NO_FIRST_TOUCH)
            picks[n_picks++] = (pick){p->rowids[i], i};
    qsort(picks, n_picks, sizeof *picks, cmp_pick);
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        p->db,
        "SELECT t.touch_id, t.campaign_id, " TOUCH_FIELDS
        " FROM touches t LEFT JOIN campaigns c ON c.campaign_id = t.campaign_id"
        " WHERE t.rowid = ?",
        &st, err);
    for (size_t k = 0; s == ALLOT_OK && k < n_picks; k++) {
        allot_first_touch *ft = &p->firsts[picks[k].i];
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, picks[k].rowid);
        int rc = sqlite3_step(st);
        if (rc != SQLITE_ROW) {
            /* the row read a moment ago is gone: no read transaction held */
            s = allot_store_fail(p->db, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc,
                                 "reading the first touches again", err);
            break;
        }
#define F(i) ((const char *)sqlite3_column_text(st, 2 + (i)))
        allot_touch_fields f = {F(0), F(1), F(2), F(3), F(4), F(5), F(6), F(7), F(8), F(9), F(10)};
#undef F
        const char *campaign = (const char *)sqlite3_column_text(st, 1);
        ft->touch_id = strdup((const char *)sqlite3_column_text(st, 0));
        ft->channel = strdup(allot_taxonomy_channel(taxonomy, &f));
        ft->campaign_id = campaign && *campaign ? strdup(campaign) : NULL;
        if (!ft->touch_id || !ft->channel || (campaign && *campaign && !ft->campaign_id))
            s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory reading touches");
    }
    sqlite3_finalize(st);
    free(picks);
    return s;
}

allot_status allot_first_touches(sqlite3 *db, const allot_taxonomy *taxonomy,
                                 const char *activity_touch_type,
                                 const char *const *person_ids, size_t n,
                                 allot_first_touch *firsts, allot_activity_touch_fn on_activity,
                                 void *ctx, allot_error *err)
{
    for (size_t i = 0; i < n; i++)
        firsts[i] = (allot_first_touch){ALLOT_NO_FIRST_TOUCH, NULL, NULL, NULL};
    if (n == 0)
        return ALLOT_OK;
    pass p = {db, person_ids, n, firsts, malloc(n * sizeof(int64_t))};
    if (!p.rowids)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory reading touches");
    /* the row numbers of the pass stay put until the second read */
    allot_status s = allot_store_snapshot_begin(db, err);
    if (s == ALLOT_OK) {
        s = scan(&p, activity_touch_type, on_activity, ctx, err);
        if (s == ALLOT_OK)
            s = read_firsts(&p, taxonomy, err);
        s = allot_store_snapshot_end(db, s, err);
    }
    free(p.rowids);
    if (s != ALLOT_OK)
        allot_first_touches_release(firsts, n);
    return s;
}
