/*
 * labels.h — the group labels allot reports for what has no name of its own.
 *
 * Figures are grouped by campaign, channel or source. Three groups are not
 * a campaign or channel of the data but a state, and are reported under
 * labels in parentheses, as GA writes its placeholders:
 *
 *   "(none)"          no campaign (touches without one; allot-roi,
 *                     allot-restate, rollup_campaign), no channel or no
 *                     source (allot-funnel, allot-retention: no touch)
 *   "(unattributed)"  won deals with no touch in the lookback window (the
 *                     ledger's channel, allot-roi, allot-restate)
 *   "(all)"           the row over all groups (allot-funnel,
 *                     allot-retention, allot-clv)
 *
 * A campaign id or channel that reads exactly like one of them would be
 * counted in that group and change its figures (or, in rollup_campaign,
 * collide with its key). So these values are reserved: allot-load rejects a
 * row whose campaign_id, channel, original_source or lead_source is one
 * (with file, line, column and what to do), a [taxonomy] rule may not name
 * such a channel, and the tools that group by these columns (allot-credit,
 * allot-funnel, allot-retention, allot-clv, the workbook and the PDF through
 * them) refuse a database that holds one (loaded by an older allot):
 * allot_label_check_store.
 *
 * GA's own placeholders are not reserved and load as the text they are:
 * "(direct)", "(none)", "(not set)", "(organic)", "(referral)" in utm
 * source and medium are what the taxonomy reads ("(direct)" with medium
 * empty, "(none)" or "(not set)" is Direct); no dialect maps a utm value to
 * a campaign id or channel. "(not set)" is NULL only in typed columns
 * (numbers, dates; value.h): as a campaign id or channel it is a group of
 * its own, "(not set)", never merged with "(none)".
 */
#ifndef ALLOT_LABELS_H
#define ALLOT_LABELS_H

#include <sqlite3.h>
#include <stddef.h>

#include "error.h"

#define ALLOT_LABEL_NONE "(none)"
#define ALLOT_LABEL_UNATTRIBUTED "(unattributed)"
#define ALLOT_LABEL_ALL "(all)"

/* The same as SQL string literals, for queries that name them. */
#define ALLOT_SQL_LABEL_NONE "'" ALLOT_LABEL_NONE "'"
#define ALLOT_SQL_LABEL_UNATTRIBUTED "'" ALLOT_LABEL_UNATTRIBUTED "'"

/* When the len bytes at value are exactly one of the reserved labels, what
 * its group holds ("won deals with no touch in the lookback window"); else
 * NULL. */
const char *allot_label_reserved(const char *value, size_t len);

/* The columns allot_label_check_store reads. */
#define ALLOT_LABELS_TOUCHES 1u /* touches.campaign_id, touches.channel,
                                   campaigns.campaign_id, campaigns.channel */
#define ALLOT_LABELS_CRM 2u     /* people.original_source, deals.lead_source,
                                   deals.campaign_id */

/* Refuses a database that holds a reserved label in one of the columns
 * (ALLOT_LABELS_* or-ed), which an allot-load before 2026-11-23 did not
 * reject: ALLOT_ERR_DATA naming the value, the column and the group it would
 * join ("a touch or campaign has the campaign id '(none)', the group allot
 * reports for ...", "the person 'p3' has the original source '(all)', ...";
 * touches and campaigns are checked first, campaign ids before channels,
 * then people, then deals; of several labels the first in byte order, of
 * several rows the first id). ALLOT_ERR_DB when a query fails. One scan of
 * each table read (no index on these columns). */
allot_status allot_label_check_store(sqlite3 *db, unsigned columns, allot_error *err);

/* allot_label_check_store's refusal of a touch's or campaign's value
 * (column "campaign id" or "channel"), for a reader that already holds
 * every such value it uses (allot-credit's journeys check the campaign ids
 * and channels they interned instead of scanning touches a second time). */
allot_status allot_label_refuse_touches(const char *column, const char *label, allot_error *err);

#endif
