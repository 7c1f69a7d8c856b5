/*
 * journey.h — customer journeys: for each deal, the ordered touches of the
 * people tied to it inside the lookback window before its conversion event,
 * with the milestones the milestone models (U, W, full path, custom) need.
 *
 * Building a journey set reads the database once: all touches of known
 * people (anonymous touches cannot be tied to a deal and are skipped),
 * bucketed by person and ordered by (occurred_at, touch_id); then people,
 * person stage history, deals and deal_people, streaming the deals in
 * deal_id order. Memory is about 30 bytes per touch plus the touch ids.
 *
 * Definitions (README "Journeys"):
 *  - Conversion instant T: revenue event → the close date's last second,
 *    23:59:59 on the reporting zone's clocks (options.zone; UTC when NULL;
 *    touches on the close date count); pipeline event → the deal's
 *    created_at.
 *  - Window: touches with T − lookback_days·86400 ≤ occurred_at ≤ T.
 *  - People of a deal: deal_people; with account_level, also every person
 *    whose people.account_id is the deal's account.
 *  - Order: (occurred_at, touch_id) ascending; a touch shared by two deals
 *    appears in both journeys.
 *  - Milestones, each the position of one journey touch:
 *      FT  the first touch;
 *      LC  the last touch at or before the lead time: the earliest lead time
 *          among the deal's deal_people who have touches (all journey people's
 *          when none of those is known), where a person's lead time is
 *          people.created_at, else their earliest person stage_history entry,
 *          else "before any touch";
 *      OC  the last touch at or before the deal's created_at;
 *      CW  the last touch at or before closed-won (close date end of day,
 *          as T);
 *      stage milestones (custom models): the last touch at or before the
 *          earliest stage_history entry of that stage name (case-insensitive)
 *          among the deal's people.
 *    A milestone with no touch at or before its event takes the earliest
 *    touch after it (flag ALLOT_MS_AFTER). An event that has not happened
 *    (CW of a deal that is not won, in the pipeline view; a stage no person
 *    reached) sits on the latest touch, flagged ALLOT_MS_PENDING.
 *  - De-duplication (dedupe_minutes > 0): a touch is dropped when the same
 *    person's previous kept touch has the same channel and campaign and is
 *    at most that many minutes earlier.
 *  - Cap (max_touches > 0): only the latest max_touches touches of a journey
 *    are kept (the ones closest to the conversion).
 *  - Channel: taxonomy.h decides (the touch's explicit channel, the
 *    configured rules, the campaign's channel, the built-in grouping).
 *  - Non-converting journeys (include_nonconverting): in the revenue view,
 *    lost deals (window before their close date) and the people (accounts,
 *    with account_level) that have touches but no deal (window ending at
 *    their last touch); in the pipeline view only the latter. A converting
 *    deal the set leaves out (event date outside [event_from, event_to), or
 *    won without a close date) is on no journey, and its people count as on
 *    a deal: they are not non-converting people. People whose only deals
 *    are open (revenue view) count as people without a deal.
 */
#ifndef ALLOT_JOURNEY_H
#define ALLOT_JOURNEY_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "taxonomy.h"
#include "zone.h"

typedef enum allot_event {
    ALLOT_EVENT_REVENUE = 0,  /* closed-won deals, close date, amount at close */
    ALLOT_EVENT_PIPELINE = 1  /* every deal, at its creation */
} allot_event;

/* Milestone slots of a journey. */
enum {
    ALLOT_MS_FT = 0,
    ALLOT_MS_LC = 1,
    ALLOT_MS_OC = 2,
    ALLOT_MS_CW = 3,
    ALLOT_MS_STAGE = 4          /* first of ALLOT_JOURNEY_MAX_STAGES stage slots */
};
#define ALLOT_JOURNEY_MAX_STAGES 4
#define ALLOT_MS_COUNT (ALLOT_MS_STAGE + ALLOT_JOURNEY_MAX_STAGES)

/* Milestone flags. */
#define ALLOT_MS_AFTER 1u   /* no touch at/before the event: earliest touch after it */
#define ALLOT_MS_PENDING 2u /* the event has not happened: parked on the latest touch */

#define ALLOT_JOURNEY_NO_DEAL UINT32_MAX
#define ALLOT_NO_CAMPAIGN 0u /* campaign index 0 is "no campaign" */

typedef struct allot_journey_options {
    allot_event event;
    int lookback_days;        /* default 90; must be > 0 */
    int account_level;        /* add every person of the deal's account */
    int dedupe_minutes;       /* 0: keep repeated touches */
    int max_touches;          /* 0: no cap */
    int include_nonconverting;
    /* The reporting zone ([general] timezone): the close date ends at its
     * last second on these clocks, a deal's created date is its day on
     * them. NULL = UTC. Borrowed for the build call only. */
    const allot_zone *zone;
    /* Converting deals whose event date (close date, or created date in the
     * reporting zone) is in [event_from, event_to); NULL bounds are open.
     * 'YYYY-MM-DD'. */
    const char *event_from;
    const char *event_to;
    /* Stage names for stage milestones (custom models), at most
     * ALLOT_JOURNEY_MAX_STAGES; the strings must outlive the build call. */
    const char *stages[ALLOT_JOURNEY_MAX_STAGES];
    int n_stages;
    /* Channel of touches without an explicit channel (taxonomy.h); NULL =
     * the built-in GA4-like rules. Borrowed for the build call only. */
    const allot_taxonomy *taxonomy;
} allot_journey_options;

/* One touch as loaded. */
typedef struct allot_touch {
    int64_t at;          /* occurred_at, epoch seconds UTC */
    uint64_t id_offset;  /* into the set's touch id text; see allot_journey_touch_id */
    uint32_t channel;    /* index into channels */
    uint32_t campaign;   /* index into campaigns; ALLOT_NO_CAMPAIGN when none */
} allot_touch;

typedef struct allot_deal {
    const char *deal_id;     /* owned by the set */
    int64_t amount_micros;
    int has_amount;          /* 0: NULL amount (counted, never summed) */
    char currency[4];        /* "" when NULL */
    int is_won, is_closed;
    int64_t created_at;
    char close_date[11];     /* "" when NULL */
    char event_date[11];     /* close date (revenue) or UTC created date (pipeline) */
} allot_deal;

typedef struct allot_journey {
    uint32_t deal;           /* index into deals, ALLOT_JOURNEY_NO_DEAL for people/accounts */
    uint32_t length;         /* touches; 0 = the deal is unattributed */
    uint64_t start;          /* first step in the set's steps[] */
    int64_t event_at;        /* conversion instant T (last touch for no-deal journeys) */
    int converted;           /* 1 for converting journeys */
    int32_t milestone[ALLOT_MS_COUNT]; /* 0-based position, -1 when unused/empty */
    uint8_t ms_flags[ALLOT_MS_COUNT];
} allot_journey;

/* Everything the models and the ledger read. Converting journeys come first
 * (in deal_id byte order, one per converting deal, including deals without
 * touches), then the non-converting ones. Owned by the caller: release with
 * allot_journey_set_free. */
typedef struct allot_journey_set {
    allot_journey_options options;
    size_t n_touches;
    allot_touch *touches;
    char *touch_ids;             /* NUL-separated text */
    size_t n_channels;
    char **channels;             /* channel names */
    size_t n_campaigns;
    char **campaigns;            /* campaign ids; [0] is "" (no campaign) */
    size_t n_deals;
    allot_deal *deals;
    char *deal_text;             /* the deal ids' storage */
    size_t n_journeys, n_converting;
    allot_journey *journeys;
    uint64_t n_steps;
    uint32_t *steps;             /* touch indices of every journey, in order */
    /* What the build saw and set aside (for the tool's summary). */
    size_t anonymous_touches;    /* touches without a person */
    size_t deduped_touches;      /* removed by dedupe_minutes */
    size_t won_without_close_date; /* won deals skipped: no close date */
    size_t capped_journeys;      /* journeys cut by max_touches */
} allot_journey_set;

void allot_journey_options_init(allot_journey_options *o);

/* Builds every journey from db. On success *out is owned by the caller.
 * Errors: ALLOT_ERR_USAGE for bad options, ALLOT_ERR_DB, ALLOT_ERR_NOMEM,
 * ALLOT_ERR_LIMIT past 2^32 touches/people, ALLOT_ERR_DATA for a deal whose
 * amount has no valid currency, or for a touch or campaign whose
 * campaign_id or channel is a reserved group label (labels.h), which an
 * older allot-load let in (allot_label_check_store, ALLOT_LABELS_TOUCHES). */
allot_status allot_journey_build(sqlite3 *db, const allot_journey_options *options,
                                 allot_journey_set **out, allot_error *err);

void allot_journey_set_free(allot_journey_set *set);

/* The touch at position pos (0-based) of journey j. */
static inline const allot_touch *allot_journey_touch(const allot_journey_set *set,
                                                     const allot_journey *j, uint32_t pos)
{
    return &set->touches[set->steps[j->start + pos]];
}

/* The text id of a touch (valid while the set lives). */
static inline const char *allot_journey_touch_id(const allot_journey_set *set,
                                                 const allot_touch *t)
{
    return set->touch_ids + t->id_offset;
}

#endif
