#include "labels.h"

#include <stdio.h>
#include <string.h>

#include "store.h"

const char *allot_label_reserved(const char *value, size_t len)
{
    static const struct {
        const char *label, *holds;
    } reserved[] = {
        {ALLOT_LABEL_NONE, "no campaign, channel or source"},
        {ALLOT_LABEL_UNATTRIBUTED, "won deals with no touch in the lookback window"},
        {ALLOT_LABEL_ALL, "the total over all groups"},
    };
    if (!value)
        return NULL;
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (strlen(reserved[i].label) == len && memcmp(value, reserved[i].label, len) == 0)
            return reserved[i].holds;
    return NULL;
}

/* Binds the three reserved labels to ?1..?3 of st. */
static void bind_labels(sqlite3_stmt *st)
{
    sqlite3_bind_text(st, 1, ALLOT_LABEL_NONE, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ALLOT_LABEL_UNATTRIBUTED, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, ALLOT_LABEL_ALL, -1, SQLITE_STATIC);
}

static allot_status refuse(allot_error *err, const char *who, const char *column,
                           const char *label)
{
    return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                           "%s has the %s '%s', the group allot reports for %s, and would be "
                           "counted in it (loaded by an older allot-load, which did not reject "
                           "it): rename the value in the export and load it again",
                           who, column, label, allot_label_reserved(label, strlen(label)));
}

allot_status allot_label_refuse_touches(const char *column, const char *label, allot_error *err)
{
    return refuse(err, "a touch or campaign", column, label);
}

/* The campaign ids and channels of touches and campaigns: one scan of each
 * table, the smallest reserved value of each column over both. */
static allot_status check_touches(sqlite3 *db, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db,
        "SELECT min(c), min(h) FROM ("
        " SELECT min(CASE WHEN campaign_id IN (?1, ?2, ?3) THEN campaign_id END) AS c,"
        "  min(CASE WHEN channel IN (?1, ?2, ?3) THEN channel END) AS h FROM touches"
        " UNION ALL"
        " SELECT min(CASE WHEN campaign_id IN (?1, ?2, ?3) THEN campaign_id END),"
        "  min(CASE WHEN channel IN (?1, ?2, ?3) THEN channel END) FROM campaigns)",
        &st, err);
    if (s != ALLOT_OK)
        return s;
    bind_labels(st);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        s = allot_store_fail(db, rc, "checking touches for reserved group labels", err);
    else if (sqlite3_column_type(st, 0) != SQLITE_NULL)
        s = allot_label_refuse_touches("campaign id", (const char *)sqlite3_column_text(st, 0),
                                       err);
    else if (sqlite3_column_type(st, 1) != SQLITE_NULL)
        s = allot_label_refuse_touches("channel", (const char *)sqlite3_column_text(st, 1), err);
    sqlite3_finalize(st);
    return s;
}

/* One CRM column: the first row (by label, then id) holding a label. */
static allot_status check_crm(sqlite3 *db, const char *sql, const char *what,
                              const char *column, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(db, sql, &st, err);
    if (s != ALLOT_OK)
        return s;
    bind_labels(st);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        char who[160];
        snprintf(who, sizeof who, "the %s '%s'", what, (const char *)sqlite3_column_text(st, 0));
        s = refuse(err, who, column, (const char *)sqlite3_column_text(st, 1));
    } else if (rc != SQLITE_DONE) {
        s = allot_store_fail(db, rc, "checking for reserved group labels", err);
    }
    sqlite3_finalize(st);
    return s;
}

allot_status allot_label_check_store(sqlite3 *db, unsigned columns, allot_error *err)
{
    allot_status s = ALLOT_OK;
    if (columns & ALLOT_LABELS_TOUCHES)
        s = check_touches(db, err);
    if (s == ALLOT_OK && (columns & ALLOT_LABELS_CRM))
        s = check_crm(db,
                      "SELECT person_id, original_source FROM people"
                      " WHERE original_source IN (?1, ?2, ?3)"
                      " ORDER BY original_source, person_id LIMIT 1",
                      "person", "original source", err);
    if (s == ALLOT_OK && (columns & ALLOT_LABELS_CRM))
        s = check_crm(db,
                      "SELECT deal_id, lead_source FROM deals WHERE lead_source IN (?1, ?2, ?3)"
                      " ORDER BY lead_source, deal_id LIMIT 1",
                      "deal", "lead source", err);
    if (s == ALLOT_OK && (columns & ALLOT_LABELS_CRM))
        s = check_crm(db,
                      "SELECT deal_id, campaign_id FROM deals WHERE campaign_id IN (?1, ?2, ?3)"
                      " ORDER BY campaign_id, deal_id LIMIT 1",
                      "deal", "campaign id", err);
    return s;
}
