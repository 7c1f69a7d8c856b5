/*
 * taxonomy.h — which channel a touch belongs to, and which channel group a
 * channel belongs to.
 *
 * Order of decision for a touch (first that applies wins):
 *   1. the touch's own explicit channel (a non-empty `channel` column);
 *   2. the [taxonomy] rule lines of the configuration, in file order;
 *   3. the campaign's explicit channel (campaign_channel), when given;
 *   4. the built-in GA4-like default grouping (README "Channel taxonomy"
 *      gives the exact rules and source lists).
 * The built-in channels are: Paid Search, Organic Search, Paid Social,
 * Organic Social, Email, Display, Referral, Partner (affiliates and
 * partners), Events, Direct, plus Paid Other (a paid medium from an unknown
 * source) and Unassigned (utm present but matching nothing).
 *
 * Rule syntax (repeatable `[taxonomy] rule = ...`):
 *
 *   rule = source~google|bing, medium~cpc|ppc|paid* -> Paid Search
 *   rule = type=webinar -> Events
 *   rule = campaign~*abm* -> ABM
 *
 * Conditions are separated by ',' and all must hold. `field~glob` matches a
 * case-insensitive glob ('*' any run, '?' one character, '|' separates
 * alternatives); `field=text` compares case-insensitively and exactly
 * (`field=` matches an empty or missing field). Fields: source, medium,
 * campaign, content, term, referrer (whole URL), referrer_host (host without
 * "www."), type (touch type), click_id, landing_page. A missing field is "".
 *
 * Channel groups (`[taxonomy] group = Paid Search, Display -> Paid`, also
 * repeatable; the first group naming a channel wins) override the built-in
 * groups: Paid (Paid Search, Paid Social, Display, Paid Other), Organic
 * (Organic Search, Organic Social, Referral, Direct), Owned (Email),
 * Events (Events), Partner (Partner); any other channel is its own group.
 */
#ifndef ALLOT_TAXONOMY_H
#define ALLOT_TAXONOMY_H

#include "config.h"
#include "error.h"

typedef struct allot_taxonomy allot_taxonomy;

/* The fields of a touch that decide its channel. Any pointer may be NULL
 * (same as ""). Strings are only read during the call. */
typedef struct allot_touch_fields {
    const char *channel;          /* explicit channel on the touch row */
    const char *campaign_channel; /* explicit channel of the touch's campaign */
    const char *utm_source, *utm_medium, *utm_campaign, *utm_content, *utm_term;
    const char *referrer;         /* URL or host */
    const char *touch_type;       /* visit, form, ad_click, email, event, webinar, ... */
    const char *click_id;         /* "gclid:XYZ" style (see README); a bare id counts as gclid */
    const char *landing_page;     /* URL; its query's click-id parameters count too */
} allot_touch_fields;

/* Builds the taxonomy from cfg's [taxonomy] section (cfg may be NULL: the
 * built-in rules only). A malformed rule or group line is ALLOT_ERR_CONFIG
 * with file:line. *tx is owned by the caller: allot_taxonomy_free. */
allot_status allot_taxonomy_new(const allot_config *cfg, allot_taxonomy **tx, allot_error *err);
void allot_taxonomy_free(allot_taxonomy *tx);

/* The channel of a touch. Never NULL; the string is owned by tx (or is
 * static, or is t->channel / t->campaign_channel trimmed of nothing) and
 * stays valid while tx and t's strings live. Pure: no state changes, so
 * several threads may share one tx. */
const char *allot_taxonomy_channel(const allot_taxonomy *tx, const allot_touch_fields *t);

/* The group of a channel name (never NULL; the channel itself when it has
 * no group). */
const char *allot_taxonomy_group(const allot_taxonomy *tx, const char *channel);

/* Case-insensitive glob with '*', '?' and '|' alternatives, as rules use it. */
int allot_taxonomy_glob(const char *pattern, const char *text);

#endif
