/*
 * firsttouch.h — the first marketing touch of each of a set of people.
 *
 * A person's first marketing touch is their earliest touch that is not a
 * sales activity (touch_type equal to the configured sales-activity type as
 * allot_touch_type_key compares them), of several at the same instant the
 * one with the smallest touch_id: the order the credit journeys use. The
 * funnel (a lead's and a deal's first-touch channel and campaign) and
 * retention (a customer's acquisition channel) read it here.
 *
 * How: one pass over touches in storage order keeps each person's first
 * touch as a row number, then those rows' fields are read by row number, in
 * order. touches has no index by person (allot-load would build it on every
 * load for this one question); a pass in storage order reads each page once.
 * Both reads are in one snapshot of the database (allot_store_snapshot_begin),
 * so the row numbers stay put between them.
 */
#ifndef ALLOT_FIRSTTOUCH_H
#define ALLOT_FIRSTTOUCH_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "taxonomy.h"

/* A person's first marketing touch. at is ALLOT_NO_FIRST_TOUCH when the
 * person has none (the strings are then NULL). Strings owned:
 * allot_first_touches_release. */
#define ALLOT_NO_FIRST_TOUCH INT64_MIN
typedef struct allot_first_touch {
    int64_t at;        /* occurred_at, epoch seconds UTC */
    char *touch_id;
    char *channel;     /* the taxonomy's channel for the touch */
    char *campaign_id; /* NULL when the touch has none */
} allot_first_touch;

/* Called for each sales-activity touch of person i (an index into
 * person_ids) with its time; nonzero stops the pass (out of memory). */
typedef int (*allot_activity_touch_fn)(void *ctx, size_t i, int64_t at);

/* Fills firsts[i] for each person_ids[i] (n ids sorted by strcmp, no id
 * twice; firsts holds n). activity_touch_type NULL or "" means no touch is
 * a sales activity; on_activity may be NULL. ALLOT_ERR_DB when a query
 * fails, ALLOT_ERR_NOMEM; firsts is then released. */
allot_status allot_first_touches(sqlite3 *db, const allot_taxonomy *taxonomy,
                                 const char *activity_touch_type,
                                 const char *const *person_ids, size_t n,
                                 allot_first_touch *firsts, allot_activity_touch_fn on_activity,
                                 void *ctx, allot_error *err);

void allot_first_touches_release(allot_first_touch *firsts, size_t n);

/* Whether a touch at `at` with id `touch_id` comes before ft (always when
 * ft has none). */
int allot_first_touch_before(int64_t at, const char *touch_id, const allot_first_touch *ft);

/* The key touch types and stage names are compared by: lower case, blanks,
 * '_' and '-' removed ("Sales Activity" and "sales_activity" are one),
 * truncated to size - 1 bytes. */
void allot_touch_type_key(const char *text, char *key, size_t size);

#endif
