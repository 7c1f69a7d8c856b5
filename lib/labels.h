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
 * row whose campaign_id or channel is one (with file, line, column and what
 * to do), a [taxonomy] rule may not name such a channel, and allot-credit
 * refuses a database that holds one (loaded by an older allot).
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

#include <stddef.h>

#define ALLOT_LABEL_NONE "(none)"
#define ALLOT_LABEL_UNATTRIBUTED "(unattributed)"
#define ALLOT_LABEL_ALL "(all)"

/* When the len bytes at value are exactly one of the reserved labels, what
 * its group holds ("won deals with no touch in the lookback window"); else
 * NULL. */
const char *allot_label_reserved(const char *value, size_t len);

#endif
