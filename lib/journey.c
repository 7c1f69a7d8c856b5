#include "journey.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "labels.h"
#include "money.h"
#include "period.h"
#include "store.h"

#define SECONDS_PER_DAY INT64_C(86400)
#define NO_TIME INT64_MIN
#define NONE UINT32_MAX


/* ---- string interning ---------------------------------------------------- */

/* Strings back to back in one buffer, found again through an open-addressing
 * table of indices. Index i's text starts at chars + offs[i]. */
typedef struct strtab {
    char *chars;
    size_t len, cap;
    size_t *offs;
    uint32_t n, cap_n;
    uint32_t *slots; /* index + 1; 0 = empty */
    size_t nslots;   /* power of two */
} strtab;

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(1099511628211);
    }
    /* FNV's low bits mix poorly for ids that differ in their last digits
     * (P0000001, P0000002, ...); finish with MurmurHash3's fmix64. */
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    return h ^ (h >> 33);
}

static void strtab_release(strtab *t)
{
    free(t->chars);
    free(t->offs);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static const char *strtab_str(const strtab *t, uint32_t i)
{
    return t->chars + t->offs[i];
}

static int strtab_grow_slots(strtab *t)
{
    size_t nslots = t->nslots ? t->nslots * 2 : 1024;
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return -1;
    for (uint32_t i = 0; i < t->n; i++) {
        const char *s = strtab_str(t, i);
        size_t k = hash_bytes(s, strlen(s)) & (nslots - 1);
        while (slots[k])
            k = (k + 1) & (nslots - 1);
        slots[k] = i + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    return 0;
}

/* The index of s (n bytes), or NONE. */
static uint32_t strtab_find(const strtab *t, const char *s, size_t n)
{
    if (!t->nslots)
        return NONE;
    size_t k = hash_bytes(s, n) & (t->nslots - 1);
    for (; t->slots[k]; k = (k + 1) & (t->nslots - 1)) {
        const char *c = strtab_str(t, t->slots[k] - 1);
        if (memcmp(c, s, n) == 0 && c[n] == '\0')
            return t->slots[k] - 1;
    }
    return NONE;
}

/* strtab_find that first tries *hint and *hint + 1: tables read in the
 * order their ids were first seen (people after touches, usually both by
 * person) then cost one comparison instead of a random probe. */
static uint32_t strtab_find_hint(const strtab *t, const char *s, size_t n, uint32_t *hint)
{
    for (uint32_t k = *hint; k <= *hint + 1 && k < t->n; k++) {
        const char *c = strtab_str(t, k);
        if (memcmp(c, s, n) == 0 && c[n] == '\0') {
            *hint = k;
            return k;
        }
    }
    uint32_t found = strtab_find(t, s, n);
    if (found != NONE)
        *hint = found;
    return found;
}

/* The index of s, added when new; NONE when out of memory or past 2^32-2. */
static uint32_t strtab_intern(strtab *t, const char *s, size_t n)
{
    uint32_t found = strtab_find(t, s, n);
    if (found != NONE)
        return found;
    if (t->n >= NONE - 1)
        return NONE;
    if ((size_t)(t->n + 1) * 2 > t->nslots && strtab_grow_slots(t))
        return NONE;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 4096;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *c = realloc(t->chars, cap);
        if (!c)
            return NONE;
        t->chars = c;
        t->cap = cap;
    }
    if (t->n == t->cap_n) {
        uint32_t cap_n = t->cap_n ? t->cap_n * 2 : 256;
        size_t *o = realloc(t->offs, cap_n * sizeof *o);
        if (!o)
            return NONE;
        t->offs = o;
        t->cap_n = cap_n;
    }
    memcpy(t->chars + t->len, s, n);
    t->chars[t->len + n] = '\0';
    t->offs[t->n] = t->len;
    t->len += n + 1;
    size_t k = hash_bytes(s, n) & (t->nslots - 1);
    while (t->slots[k])
        k = (k + 1) & (t->nslots - 1);
    t->slots[k] = t->n + 1;
    return t->n++;
}

/* Copies the strings of t into a NULL-free array of owned strings. */
static char **strtab_export(const strtab *t)
{
    char **v = malloc((t->n ? t->n : 1) * sizeof *v);
    if (!v)
        return NULL;
    for (uint32_t i = 0; i < t->n; i++) {
        v[i] = strdup(strtab_str(t, i));
        if (!v[i]) {
            while (i--)
                free(v[i]);
            free(v);
            return NULL;
        }
    }
    return v;
}

/* ---- growable arrays ----------------------------------------------------- */

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

/* ---- build state --------------------------------------------------------- */

typedef struct person {
    uint64_t first;        /* into order[] */
    uint32_t count;
    uint32_t account;      /* NONE when unknown */
    int64_t lead_at;       /* NO_TIME: before any touch */
    int has_deal;
} person;

typedef struct builder {
    sqlite3 *db;
    allot_journey_options o;
    allot_journey_set *set;
    allot_error *err;
    strtab person_ids, channel_names, campaign_ids, account_ids, deal_ids;
    const allot_taxonomy *taxonomy;
    allot_taxonomy *own_taxonomy; /* built-in rules when the caller gave none */
    char *ids;             /* touch id text */
    size_t ids_len, ids_cap;
    size_t touch_cap, touch_person_cap;
    uint32_t *touch_person;
    uint32_t *order;       /* touch indices grouped by person, each sorted */
    person *people;
    int64_t *stage_at;     /* people x n_stages, earliest entry; NO_TIME none */
    uint64_t *acct_first;  /* account -> range of acct_people */
    uint32_t *acct_people;
    size_t journey_cap, step_cap;
    uint32_t *tmp;         /* a journey being assembled */
    size_t tmp_cap;
    uint32_t *deal_people_first; /* deal -> range in deal_people_list */
    uint32_t *deal_people_list;
} builder;

static int64_t date_end(const builder *b, const char *date);

static allot_status nomem(builder *b)
{
    return allot_error_set(b->err, ALLOT_ERR_NOMEM, NULL, 0, 0,
                           "out of memory while building journeys");
}

static allot_status db_fail(builder *b, int rc, const char *what)
{
    return allot_store_fail(b->db, rc, what, b->err);
}

static int touch_before(const builder *b, uint32_t x, uint32_t y)
{
    const allot_touch *tx = &b->set->touches[x], *ty = &b->set->touches[y];
    if (tx->at != ty->at)
        return tx->at < ty->at;
    return strcmp(b->ids + tx->id_offset, b->ids + ty->id_offset) < 0;
}

/* Sorts touch indices by (time, touch id): insertion sort for the short runs
 * people usually have, merge sort through scratch for long ones. */
static void sort_steps(const builder *b, uint32_t *a, size_t n, uint32_t *scratch)
{
    if (n <= 24) {
        for (size_t i = 1; i < n; i++) {
            uint32_t v = a[i];
            size_t j = i;
            for (; j > 0 && touch_before(b, v, a[j - 1]); j--)
                a[j] = a[j - 1];
            a[j] = v;
        }
        return;
    }
    size_t h = n / 2;
    sort_steps(b, a, h, scratch);
    sort_steps(b, a + h, n - h, scratch);
    if (!touch_before(b, a[h], a[h - 1]))
        return;
    memcpy(scratch, a, h * sizeof *a);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        a[k++] = touch_before(b, a[j], scratch[i]) ? a[j++] : scratch[i++];
    while (i < h)
        a[k++] = scratch[i++];
}

static allot_status prepare(builder *b, const char *sql, sqlite3_stmt **stmt)
{
    return allot_store_prepare(b->db, sql, stmt, b->err);
}

static const char *col_text(sqlite3_stmt *s, int i, size_t *n)
{
    const char *t = (const char *)sqlite3_column_text(s, i);
    *n = t ? (size_t)sqlite3_column_bytes(s, i) : 0;
    return t;
}

/* Campaign channels, for touches without an explicit channel. */
static allot_status load_campaign_channels(builder *b, uint32_t **campaign_channel)
{
    sqlite3_stmt *s;
    allot_status st = prepare(b, "SELECT campaign_id, channel FROM campaigns "
                                 "WHERE channel IS NOT NULL AND channel <> ''", &s);
    if (st)
        return st;
    int rc;
    size_t cap = 0;
    uint32_t *map = NULL;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        size_t n1, n2;
        const char *id = col_text(s, 0, &n1), *ch = col_text(s, 1, &n2);
        uint32_t c = strtab_intern(&b->campaign_ids, id, n1);
        uint32_t h = strtab_intern(&b->channel_names, ch, n2);
        size_t old = cap;
        if (c == NONE || h == NONE || grow((void **)&map, &cap, (size_t)c + 1, sizeof *map)) {
            sqlite3_finalize(s);
            free(map);
            return nomem(b);
        }
        for (size_t i = old; i < cap; i++)
            map[i] = NONE;
        map[c] = h;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        free(map);
        return db_fail(b, rc, "cannot read campaigns");
    }
    *campaign_channel = map;
    return ALLOT_OK;
}

static allot_status load_touches(builder *b)
{
    allot_journey_set *set = b->set;
    /* Campaign 0 is "no campaign"; channel "Unassigned" is resolved lazily. */
    if (strtab_intern(&b->campaign_ids, "", 0) != ALLOT_NO_CAMPAIGN)
        return nomem(b);
    uint32_t *campaign_channel = NULL;
    uint32_t n_mapped = 0;
    allot_status st = load_campaign_channels(b, &campaign_channel);
    if (st)
        return st;
    n_mapped = b->campaign_ids.n;
    sqlite3_stmt *s;
    st = prepare(b, "SELECT person_id, occurred_at, touch_id, channel, campaign_id, "
                    "utm_source, utm_medium, utm_campaign, utm_content, utm_term, referrer, "
                    "touch_type, click_id, landing_page FROM touches", &s);
    if (st) {
        free(campaign_channel);
        return st;
    }
    int rc;
    uint32_t last_person = NONE, last_campaign = NONE;
    char last_pid[128], last_camp[128];
    size_t last_len = 0, last_clen = 0;
    const char *seen_name[64];
    uint32_t seen_channel[64];
    size_t n_seen = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        size_t np, ni, nc, nk;
        const char *pid = col_text(s, 0, &np);
        if (!pid) {
            set->anonymous_touches++;
            continue;
        }
        if (set->n_touches >= NONE - 1) {
            st = allot_error_set(b->err, ALLOT_ERR_LIMIT, NULL, 0, 0,
                                 "more than 4294967294 touches; split the database");
            break;
        }
        const char *tid = col_text(s, 2, &ni);
        const char *ch = col_text(s, 3, &nc);
        const char *camp = col_text(s, 4, &nk);
        /* Exports usually list a person's touches together: skip the hash
         * lookup when the person repeats. */
        uint32_t p;
        if (last_person != NONE && np == last_len && memcmp(pid, last_pid, np) == 0) {
            p = last_person;
        } else {
            p = strtab_intern(&b->person_ids, pid, np);
            last_person = p;
            last_len = np < sizeof last_pid ? np : 0;
            if (last_len)
                memcpy(last_pid, pid, np);
            else
                last_person = NONE;
        }
        uint32_t c = ALLOT_NO_CAMPAIGN;
        if (camp && last_campaign != NONE && nk == last_clen && memcmp(camp, last_camp, nk) == 0) {
            c = last_campaign;
        } else if (camp) {
            c = strtab_intern(&b->campaign_ids, camp, nk);
            last_campaign = nk < sizeof last_camp ? c : NONE;
            last_clen = nk;
            if (last_campaign != NONE)
                memcpy(last_camp, camp, nk);
        }
        uint32_t h = NONE;
        if (ch && nc) {
            h = strtab_intern(&b->channel_names, ch, nc);
        } else if (c != NONE) {
            allot_touch_fields f;
            memset(&f, 0, sizeof f);
            if (c != ALLOT_NO_CAMPAIGN && c < n_mapped && campaign_channel[c] != NONE)
                f.campaign_channel = strtab_str(&b->channel_names, campaign_channel[c]);
            f.utm_source = (const char *)sqlite3_column_text(s, 5);
            f.utm_medium = (const char *)sqlite3_column_text(s, 6);
            f.utm_campaign = (const char *)sqlite3_column_text(s, 7);
            f.utm_content = (const char *)sqlite3_column_text(s, 8);
            f.utm_term = (const char *)sqlite3_column_text(s, 9);
            f.referrer = (const char *)sqlite3_column_text(s, 10);
            f.touch_type = (const char *)sqlite3_column_text(s, 11);
            f.click_id = (const char *)sqlite3_column_text(s, 12);
            f.landing_page = (const char *)sqlite3_column_text(s, 13);
            /* The campaign_channel pointer points into channel_names, which
             * interning may move: resolve the name before interning. */
            const char *name = allot_taxonomy_channel(b->taxonomy, &f);
            if (f.campaign_channel && name == f.campaign_channel) {
                h = campaign_channel[c];
            } else {
                /* Any other answer is a string the taxonomy owns (it never
                 * points into the row here: the touch has no channel), so
                 * the pointer itself identifies the channel. */
                size_t k = 0;
                while (k < n_seen && seen_name[k] != name)
                    k++;
                if (k < n_seen) {
                    h = seen_channel[k];
                } else {
                    char copy[256];
                    snprintf(copy, sizeof copy, "%s", name);
                    h = strtab_intern(&b->channel_names, copy, strlen(copy));
                    if (n_seen < sizeof seen_name / sizeof seen_name[0]) {
                        seen_name[n_seen] = name;
                        seen_channel[n_seen++] = h;
                    }
                }
            }
        }
        if (p == NONE || c == NONE || h == NONE ||
            grow((void **)&set->touches, &b->touch_cap, set->n_touches + 1,
                 sizeof *set->touches) ||
            grow((void **)&b->touch_person, &b->touch_person_cap, set->n_touches + 1,
                 sizeof *b->touch_person) ||
            grow((void **)&b->ids, &b->ids_cap, b->ids_len + ni + 1, 1)) {
            st = nomem(b);
            break;
        }
        allot_touch *t = &set->touches[set->n_touches];
        t->at = sqlite3_column_int64(s, 1);
        t->id_offset = b->ids_len;
        t->channel = h;
        t->campaign = c;
        memcpy(b->ids + b->ids_len, tid ? tid : "", ni);
        b->ids[b->ids_len + ni] = '\0';
        b->ids_len += ni + 1;
        b->touch_person[set->n_touches++] = p;
    }
    sqlite3_finalize(s);
    free(campaign_channel);
    if (st)
        return st;
    if (rc != SQLITE_DONE)
        return db_fail(b, rc, "cannot read touches");
    return ALLOT_OK;
}

/* Buckets touch indices by person (counting sort), orders each person's
 * touches by (time, id) and drops repeats when de-duplication is on. */
static allot_status group_by_person(builder *b)
{
    allot_journey_set *set = b->set;
    size_t np = b->person_ids.n;
    b->people = calloc(np ? np : 1, sizeof *b->people);
    b->order = malloc((set->n_touches ? set->n_touches : 1) * sizeof *b->order);
    if (!b->people || !b->order)
        return nomem(b);
    for (size_t t = 0; t < set->n_touches; t++)
        b->people[b->touch_person[t]].count++;
    uint64_t at = 0, longest = 0;
    for (size_t p = 0; p < np; p++) {
        b->people[p].first = at;
        at += b->people[p].count;
        if (b->people[p].count > longest)
            longest = b->people[p].count;
        b->people[p].count = 0;
        b->people[p].account = NONE;
        b->people[p].lead_at = NO_TIME;
    }
    for (size_t t = 0; t < set->n_touches; t++) {
        person *p = &b->people[b->touch_person[t]];
        b->order[p->first + p->count++] = (uint32_t)t;
    }
    free(b->touch_person);
    b->touch_person = NULL;
    uint32_t *scratch = malloc((longest / 2 + 1) * sizeof *scratch);
    if (!scratch)
        return nomem(b);
    for (size_t p = 0; p < np; p++)
        sort_steps(b, b->order + b->people[p].first, b->people[p].count, scratch);
    free(scratch);
    if (b->o.dedupe_minutes > 0) {
        int64_t gap = (int64_t)b->o.dedupe_minutes * 60;
        uint64_t w = 0;
        for (size_t p = 0; p < np; p++) {
            person *pp = &b->people[p];
            uint64_t first = w;
            const allot_touch *kept = NULL;
            for (uint64_t k = pp->first; k < pp->first + pp->count; k++) {
                const allot_touch *t = &set->touches[b->order[k]];
                if (kept && t->channel == kept->channel && t->campaign == kept->campaign &&
                    t->at - kept->at <= gap) {
                    set->deduped_touches++;
                    continue;
                }
                b->order[w++] = b->order[k];
                kept = t;
            }
            pp->first = first;
            pp->count = (uint32_t)(w - first);
        }
    }
    return ALLOT_OK;
}

/* Lead times and accounts from people, then from person stage history. */
static allot_status load_people(builder *b)
{
    sqlite3_stmt *s;
    allot_status st = prepare(b, "SELECT person_id, created_at, account_id FROM people", &s);
    if (st)
        return st;
    int rc;
    uint32_t hint = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        size_t n, na;
        const char *id = col_text(s, 0, &n);
        uint32_t p = id ? strtab_find_hint(&b->person_ids, id, n, &hint) : NONE;
        if (p == NONE)
            continue;
        if (sqlite3_column_type(s, 1) != SQLITE_NULL)
            b->people[p].lead_at = sqlite3_column_int64(s, 1);
        const char *acct = col_text(s, 2, &na);
        if (b->o.account_level && acct && na) {
            uint32_t a = strtab_intern(&b->account_ids, acct, na);
            if (a == NONE) {
                sqlite3_finalize(s);
                return nomem(b);
            }
            b->people[p].account = a;
        }
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return db_fail(b, rc, "cannot read people");

    size_t np = b->person_ids.n, ns = (size_t)b->o.n_stages;
    /* A person without created_at takes the earliest stage entry; people
     * with created_at keep it (flagged by lead_known). */
    unsigned char *lead_known = malloc(np ? np : 1);
    if (!lead_known)
        return nomem(b);
    for (size_t p = 0; p < np; p++)
        lead_known[p] = b->people[p].lead_at != NO_TIME;
    if (ns) {
        b->stage_at = malloc(np * ns * sizeof *b->stage_at + 1);
        if (!b->stage_at) {
            free(lead_known);
            return nomem(b);
        }
        for (size_t i = 0; i < np * ns; i++)
            b->stage_at[i] = NO_TIME;
    }
    /* Stage history is only needed for stage milestones and for people
     * without created_at; a large export often needs neither. */
    size_t unknown = 0;
    for (size_t p = 0; p < np; p++)
        unknown += !lead_known[p];
    if (ns == 0 && unknown == 0) {
        free(lead_known);
        goto accounts;
    }
    st = prepare(b, "SELECT entity_id, stage, entered_at FROM stage_history "
                    "WHERE entity_type = 'person'", &s);
    if (st) {
        free(lead_known);
        return st;
    }
    hint = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        size_t n, ng;
        const char *id = col_text(s, 0, &n);
        uint32_t p = id ? strtab_find_hint(&b->person_ids, id, n, &hint) : NONE;
        if (p == NONE)
            continue;
        int64_t at = sqlite3_column_int64(s, 2);
        if (!lead_known[p] && (b->people[p].lead_at == NO_TIME || at < b->people[p].lead_at))
            b->people[p].lead_at = at;
        const char *stage = col_text(s, 1, &ng);
        for (size_t k = 0; k < ns && stage; k++) {
            int64_t *slot = &b->stage_at[p * ns + k];
            if (strcasecmp(stage, b->o.stages[k]) == 0 && (*slot == NO_TIME || at < *slot))
                *slot = at;
        }
    }
    sqlite3_finalize(s);
    free(lead_known);
    if (rc != SQLITE_DONE)
        return db_fail(b, rc, "cannot read stage history");
accounts:
    if (b->o.account_level) {
        size_t na = b->account_ids.n;
        b->acct_first = calloc(na + 1, sizeof *b->acct_first);
        b->acct_people = malloc((np ? np : 1) * sizeof *b->acct_people);
        if (!b->acct_first || !b->acct_people)
            return nomem(b);
        for (size_t p = 0; p < np; p++)
            if (b->people[p].account != NONE)
                b->acct_first[b->people[p].account + 1]++;
        for (size_t a = 0; a < na; a++)
            b->acct_first[a + 1] += b->acct_first[a];
        uint64_t *fill = calloc(na ? na : 1, sizeof *fill);
        if (!fill)
            return nomem(b);
        for (size_t p = 0; p < np; p++) {
            uint32_t a = b->people[p].account;
            if (a != NONE)
                b->acct_people[b->acct_first[a] + fill[a]++] = (uint32_t)p;
        }
        free(fill);
    }
    return ALLOT_OK;
}

typedef struct deal_row {
    allot_deal d;
    uint32_t name;      /* index in deal_ids */
    uint32_t account;   /* NONE unknown */
    int converting;
} deal_row;

static int by_deal_id(const void *x, const void *y)
{
    const deal_row *a = x, *b = y;
    return strcmp(a->d.deal_id, b->d.deal_id);
}

/* Pipeline view: every deal converts at creation. Revenue view: won deals
 * with a close date convert; closed lost ones are kept as non-converting. */
static allot_status load_deals(builder *b, deal_row **rows_out, size_t *n_out)
{
    sqlite3_stmt *s;
    allot_status st = prepare(b,
        "SELECT deal_id, account_id, amount_micros, currency, is_won, is_closed, "
        "created_at, close_date FROM deals", &s);
    if (st)
        return st;
    deal_row *rows = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        deal_row r;
        memset(&r, 0, sizeof r);
        size_t ni, na, nc, nd;
        const char *id = col_text(s, 0, &ni);
        const char *acct = col_text(s, 1, &na);
        const char *cur = col_text(s, 3, &nc);
        const char *close = col_text(s, 7, &nd);
        r.d.is_won = sqlite3_column_int(s, 4) != 0;
        r.d.is_closed = sqlite3_column_int(s, 5) != 0 || r.d.is_won;
        r.d.created_at = sqlite3_column_int64(s, 6);
        int64_t close_day;
        if (close && allot_date_parse(close, &close_day) == ALLOT_OK)
            memcpy(r.d.close_date, close, 11);
        int left_out = 0; /* a conversion this set leaves out (see below) */
        if (b->o.event == ALLOT_EVENT_PIPELINE) {
            r.converting = 1;
            allot_date_format(allot_zone_day_of(b->o.zone, r.d.created_at), r.d.event_date);
        } else if (r.d.is_won) {
            if (!r.d.close_date[0]) {
                b->set->won_without_close_date++;
                left_out = 1;
            }
            r.converting = 1;
            memcpy(r.d.event_date, r.d.close_date, 11);
        } else if (r.d.is_closed && r.d.close_date[0] && b->o.include_nonconverting) {
            r.converting = 0;
            memcpy(r.d.event_date, r.d.close_date, 11);
        } else {
            continue;
        }
        if (r.converting && ((b->o.event_from && strcmp(r.d.event_date, b->o.event_from) < 0) ||
                             (b->o.event_to && strcmp(r.d.event_date, b->o.event_to) >= 0)))
            left_out = 1;
        if (left_out) {
            /* A conversion outside the period (or without a close date) is
             * no journey of this set, but its people are on a deal: they are
             * not "people with touches and no deal" (non-converting). The id
             * is interned so that load_deal_people can tell. */
            if (b->o.include_nonconverting &&
                strtab_intern(&b->deal_ids, id ? id : "", ni) == NONE) {
                sqlite3_finalize(s);
                free(rows);
                return nomem(b);
            }
            continue;
        }
        r.d.has_amount = sqlite3_column_type(s, 2) != SQLITE_NULL;
        r.d.amount_micros = sqlite3_column_int64(s, 2);
        if (cur && nc == 3)
            memcpy(r.d.currency, cur, 4);
        if (r.converting && r.d.has_amount && !allot_currency_valid(r.d.currency)) {
            sqlite3_finalize(s);
            free(rows);
            return allot_error_set(b->err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "deal '%s' has an amount but no valid ISO 4217 currency "
                                   "('%s'); fix the deal export and reload it",
                                   id ? id : "", cur ? cur : "");
        }
        r.name = strtab_intern(&b->deal_ids, id ? id : "", ni);
        r.account = NONE;
        if (b->o.account_level && acct && na)
            r.account = strtab_find(&b->account_ids, acct, na);
        if (r.name == NONE || grow((void **)&rows, &cap, n + 1, sizeof *rows)) {
            sqlite3_finalize(s);
            free(rows);
            return nomem(b);
        }
        rows[n++] = r;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        free(rows);
        return db_fail(b, rc, "cannot read deals");
    }
    for (size_t i = 0; i < n; i++)
        rows[i].d.deal_id = strtab_str(&b->deal_ids, rows[i].name);
    /* Converting deals first, each group in deal_id order. */
    size_t nconv = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].converting) {
            deal_row t = rows[nconv];
            rows[nconv++] = rows[i];
            rows[i] = t;
        }
    if (nconv > 1)
        qsort(rows, nconv, sizeof *rows, by_deal_id);
    if (n - nconv > 1)
        qsort(rows + nconv, n - nconv, sizeof *rows, by_deal_id);
    *rows_out = rows;
    *n_out = n;
    b->set->n_converting = nconv;
    return ALLOT_OK;
}

/* deal_people as a CSR index: kept deal -> people with touches. Marks the
 * people tied to a kept deal, or to a conversion load_deals left out. */
static allot_status load_deal_people(builder *b, deal_row *rows, size_t n)
{
    uint32_t *kept = malloc((b->deal_ids.n ? b->deal_ids.n : 1) * sizeof *kept);
    b->deal_people_first = calloc(n + 1, sizeof *b->deal_people_first);
    if (!kept || !b->deal_people_first) {
        free(kept);
        return nomem(b);
    }
    for (size_t i = 0; i < b->deal_ids.n; i++)
        kept[i] = NONE;
    for (size_t i = 0; i < n; i++)
        kept[rows[i].name] = (uint32_t)i;
    sqlite3_stmt *s;
    allot_status st = prepare(b, "SELECT deal_id, person_id FROM deal_people", &s);
    if (st) {
        free(kept);
        return st;
    }
    uint32_t *pairs = NULL;
    size_t np = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        size_t nd, npp;
        const char *d = col_text(s, 0, &nd), *p = col_text(s, 1, &npp);
        uint32_t di = d ? strtab_find(&b->deal_ids, d, nd) : NONE;
        uint32_t pi = p ? strtab_find(&b->person_ids, p, npp) : NONE;
        if (di == NONE || pi == NONE)
            continue;
        if (kept[di] == NONE) { /* a deal left out of the set (load_deals) */
            b->people[pi].has_deal = 1;
            continue;
        }
        if (grow((void **)&pairs, &cap, 2 * np + 2, sizeof *pairs)) {
            sqlite3_finalize(s);
            free(kept);
            free(pairs);
            return nomem(b);
        }
        pairs[2 * np] = kept[di];
        pairs[2 * np + 1] = pi;
        np++;
        b->people[pi].has_deal = 1;
    }
    sqlite3_finalize(s);
    free(kept);
    if (rc != SQLITE_DONE) {
        free(pairs);
        return db_fail(b, rc, "cannot read deal_people");
    }
    b->deal_people_list = malloc((np ? np : 1) * sizeof *b->deal_people_list);
    if (!b->deal_people_list) {
        free(pairs);
        return nomem(b);
    }
    for (size_t i = 0; i < np; i++)
        b->deal_people_first[pairs[2 * i] + 1]++;
    for (size_t i = 0; i < n; i++)
        b->deal_people_first[i + 1] += b->deal_people_first[i];
    /* Stable fill keeps the order deal_people was read in; the journey is
     * sorted afterwards, so that order never shows. */
    uint32_t *fill = calloc(n ? n : 1, sizeof *fill);
    if (!fill) {
        free(pairs);
        return nomem(b);
    }
    for (size_t i = 0; i < np; i++) {
        uint32_t d = pairs[2 * i];
        b->deal_people_list[b->deal_people_first[d] + fill[d]++] = pairs[2 * i + 1];
    }
    free(fill);
    free(pairs);
    if (b->o.account_level)
        for (size_t i = 0; i < n; i++)
            if (rows[i].account != NONE)
                for (uint64_t k = b->acct_first[rows[i].account];
                     k < b->acct_first[rows[i].account + 1]; k++)
                    b->people[b->acct_people[k]].has_deal = 1;
    return ALLOT_OK;
}

/* Appends person p's touches inside [lo, hi] to the journey being built. */
static allot_status gather(builder *b, uint32_t p, int64_t lo, int64_t hi, size_t *len)
{
    const person *pp = &b->people[p];
    const uint32_t *run = b->order + pp->first;
    size_t l = 0, r = pp->count;
    while (l < r) {
        size_t m = (l + r) / 2;
        if (b->set->touches[run[m]].at < lo)
            l = m + 1;
        else
            r = m;
    }
    for (; l < pp->count && b->set->touches[run[l]].at <= hi; l++) {
        if (grow((void **)&b->tmp, &b->tmp_cap, *len + 1, sizeof *b->tmp))
            return nomem(b);
        b->tmp[(*len)++] = run[l];
    }
    return ALLOT_OK;
}

/* Position of the last step at or before e, or -1. */
static int32_t last_at_or_before(const allot_journey_set *set, const uint32_t *steps,
                                 uint32_t len, int64_t e)
{
    size_t l = 0, r = len;
    while (l < r) {
        size_t m = (l + r) / 2;
        if (set->touches[steps[m]].at <= e)
            l = m + 1;
        else
            r = m;
    }
    return (int32_t)l - 1;
}

static void place(allot_journey *j, const allot_journey_set *set, const uint32_t *steps,
                  int slot, int happened, int64_t e)
{
    if (!happened) {
        j->milestone[slot] = (int32_t)j->length - 1;
        j->ms_flags[slot] = ALLOT_MS_PENDING;
        return;
    }
    int32_t pos = last_at_or_before(set, steps, j->length, e);
    if (pos < 0) {
        j->milestone[slot] = 0;
        j->ms_flags[slot] = ALLOT_MS_AFTER;
    } else {
        j->milestone[slot] = pos;
    }
}

static allot_status add_journey(builder *b, uint32_t deal, int converted, int64_t event_at,
                                size_t len, int multi, allot_journey **out)
{
    allot_journey_set *set = b->set;
    if (multi && len > 1) {
        uint32_t *scratch = malloc((len / 2 + 1) * sizeof *scratch);
        if (!scratch)
            return nomem(b);
        sort_steps(b, b->tmp, len, scratch);
        free(scratch);
    }
    size_t skip = 0;
    if (b->o.max_touches > 0 && len > (size_t)b->o.max_touches) {
        skip = len - (size_t)b->o.max_touches;
        set->capped_journeys++;
    }
    if (len - skip > UINT32_MAX)
        return allot_error_set(b->err, ALLOT_ERR_LIMIT, NULL, 0, 0, "journey too long");
    if (grow((void **)&set->journeys, &b->journey_cap, set->n_journeys + 1,
             sizeof *set->journeys) ||
        grow((void **)&set->steps, &b->step_cap, set->n_steps + len - skip, sizeof *set->steps))
        return nomem(b);
    allot_journey *j = &set->journeys[set->n_journeys++];
    memset(j, 0, sizeof *j);
    j->deal = deal;
    j->converted = converted;
    j->event_at = event_at;
    j->start = set->n_steps;
    j->length = (uint32_t)(len - skip);
    if (len > skip)
        memcpy(set->steps + set->n_steps, b->tmp + skip, (len - skip) * sizeof *b->tmp);
    set->n_steps += len - skip;
    for (int k = 0; k < ALLOT_MS_COUNT; k++)
        j->milestone[k] = -1;
    *out = j;
    return ALLOT_OK;
}

/* A deal's journey and its milestones. */
static allot_status deal_journey(builder *b, deal_row *rows, uint32_t d, uint32_t *stamp)
{
    const allot_deal *deal = &rows[d].d;
    int64_t t_event = b->o.event == ALLOT_EVENT_PIPELINE
                          ? deal->created_at
                          : date_end(b, deal->event_date);
    int64_t lo = t_event - (int64_t)b->o.lookback_days * SECONDS_PER_DAY;
    size_t len = 0, persons = 0;
    allot_status st;
    int64_t lead = NO_TIME, lead_any = NO_TIME;
    size_t ns = (size_t)b->o.n_stages;
    int64_t stage_e[ALLOT_JOURNEY_MAX_STAGES];
    for (size_t k = 0; k < ns; k++)
        stage_e[k] = NO_TIME;
    for (int pass = 0; pass < 2; pass++) {
        const uint32_t *list;
        uint64_t from, to;
        if (pass == 0) {
            list = b->deal_people_list;
            from = b->deal_people_first[d];
            to = b->deal_people_first[d + 1];
        } else {
            if (!b->o.account_level || rows[d].account == NONE)
                break;
            list = b->acct_people;
            from = b->acct_first[rows[d].account];
            to = b->acct_first[rows[d].account + 1];
        }
        for (uint64_t k = from; k < to; k++) {
            uint32_t p = list[k];
            if (stamp[p] == d + 1)
                continue;
            stamp[p] = d + 1;
            persons++;
            int64_t la = b->people[p].lead_at;
            if (la != NO_TIME) {
                if (pass == 0 && (lead == NO_TIME || la < lead))
                    lead = la;
                if (lead_any == NO_TIME || la < lead_any)
                    lead_any = la;
            }
            for (size_t s = 0; s < ns; s++) {
                int64_t e = b->stage_at[p * ns + s];
                if (e != NO_TIME && (stage_e[s] == NO_TIME || e < stage_e[s]))
                    stage_e[s] = e;
            }
            if ((st = gather(b, p, lo, t_event, &len)))
                return st;
        }
    }
    if (lead == NO_TIME)
        lead = lead_any;
    allot_journey *j;
    if ((st = add_journey(b, d, rows[d].converting, t_event, len, persons > 1, &j)))
        return st;
    if (!j->converted || j->length == 0)
        return ALLOT_OK;
    const uint32_t *steps = b->set->steps + j->start;
    j->milestone[ALLOT_MS_FT] = 0;
    /* Unknown lead time: the person became a lead before any touch. */
    place(j, b->set, steps, ALLOT_MS_LC, 1, lead == NO_TIME ? INT64_MIN + 1 : lead);
    place(j, b->set, steps, ALLOT_MS_OC, 1, deal->created_at);
    if (b->o.event == ALLOT_EVENT_REVENUE)
        place(j, b->set, steps, ALLOT_MS_CW, 1, t_event);
    else
        place(j, b->set, steps, ALLOT_MS_CW, deal->is_won && deal->close_date[0],
              date_end(b, deal->close_date));
    for (size_t s = 0; s < ns; s++)
        place(j, b->set, steps, ALLOT_MS_STAGE + (int)s, stage_e[s] != NO_TIME, stage_e[s]);
    return ALLOT_OK;
}

/* People (or accounts) with touches and no deal: one journey each, the
 * window ending at their last touch. */
static allot_status people_journeys(builder *b)
{
    size_t np = b->person_ids.n;
    unsigned char *done = NULL;
    if (b->o.account_level) {
        done = calloc(b->account_ids.n ? b->account_ids.n : 1, 1);
        if (!done)
            return nomem(b);
    }
    allot_status st = ALLOT_OK;
    for (size_t p = 0; p < np && !st; p++) {
        person *pp = &b->people[p];
        if (pp->has_deal || pp->count == 0)
            continue;
        uint32_t self = (uint32_t)p;
        const uint32_t *members = &self;
        size_t nm = 1;
        if (b->o.account_level && pp->account != NONE) {
            if (done[pp->account])
                continue;
            done[pp->account] = 1;
            members = b->acct_people + b->acct_first[pp->account];
            nm = b->acct_first[pp->account + 1] - b->acct_first[pp->account];
        }
        int64_t last = NO_TIME;
        for (size_t m = 0; m < nm; m++) {
            const person *q = &b->people[members[m]];
            if (q->count) {
                int64_t at = b->set->touches[b->order[q->first + q->count - 1]].at;
                if (at > last)
                    last = at;
            }
        }
        size_t len = 0;
        for (size_t m = 0; m < nm && !st; m++)
            st = gather(b, members[m], last - (int64_t)b->o.lookback_days * SECONDS_PER_DAY,
                        last, &len);
        allot_journey *j;
        if (!st)
            st = add_journey(b, ALLOT_JOURNEY_NO_DEAL, 0, last, len, nm > 1, &j);
    }
    free(done);
    return st;
}

void allot_journey_options_init(allot_journey_options *o)
{
    memset(o, 0, sizeof *o);
    o->event = ALLOT_EVENT_REVENUE;
    o->lookback_days = 90;
}

static void builder_release(builder *b)
{
    strtab_release(&b->person_ids);
    strtab_release(&b->channel_names);
    strtab_release(&b->campaign_ids);
    strtab_release(&b->account_ids);
    strtab_release(&b->deal_ids);
    free(b->ids);
    free(b->touch_person);
    free(b->order);
    free(b->people);
    free(b->stage_at);
    free(b->acct_first);
    free(b->acct_people);
    free(b->tmp);
    free(b->deal_people_first);
    free(b->deal_people_list);
    allot_taxonomy_free(b->own_taxonomy);
}

void allot_journey_set_free(allot_journey_set *set)
{
    if (!set)
        return;
    free(set->touches);
    free(set->touch_ids);
    for (size_t i = 0; i < set->n_channels; i++)
        free(set->channels[i]);
    free(set->channels);
    for (size_t i = 0; i < set->n_campaigns; i++)
        free(set->campaigns[i]);
    free(set->campaigns);
    free(set->deal_text);
    free(set->deals);
    free(set->journeys);
    free(set->steps);
    free(set);
}

/* A campaign id or channel that reads like one of the reports' group
 * labels (labels.h) would be counted in that group. allot-load rejects
 * them; a database loaded by an older allot may still hold one. Every
 * campaign id and channel the journeys use is interned by now (touches,
 * campaigns' channels, the taxonomy's): looked up there, as
 * allot_label_check_store reports them (campaign ids first, the first label
 * in byte order), instead of a second scan of touches (0.25 s in the
 * sqlite3 shell on the benchmark's 2 M touches, where allot-credit
 * --model linear takes 1.6-2.0 s). */
static allot_status check_reserved(builder *b)
{
    static const char *const labels[] = {ALLOT_LABEL_ALL, ALLOT_LABEL_NONE,
                                         ALLOT_LABEL_UNATTRIBUTED}; /* byte order */
    const struct {
        const strtab *values;
        const char *column;
    } columns[] = {{&b->campaign_ids, "campaign id"}, {&b->channel_names, "channel"}};
    for (size_t c = 0; c < sizeof columns / sizeof columns[0]; c++)
        for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
            if (strtab_find(columns[c].values, labels[i], strlen(labels[i])) != NONE)
                return allot_label_refuse_touches(columns[c].column, labels[i], b->err);
    return ALLOT_OK;
}

static allot_status build(builder *b)
{
    allot_journey_set *set = b->set;
    allot_status st;
    if ((st = load_touches(b)) || (st = check_reserved(b)) || (st = group_by_person(b)) ||
        (st = load_people(b)))
        return st;
    deal_row *rows = NULL;
    size_t n = 0;
    if ((st = load_deals(b, &rows, &n)) || (st = load_deal_people(b, rows, n))) {
        free(rows);
        return st;
    }
    uint32_t *stamp = calloc(b->person_ids.n ? b->person_ids.n : 1, sizeof *stamp);
    if (!stamp) {
        free(rows);
        return nomem(b);
    }
    for (uint32_t d = 0; d < n && !st; d++)
        st = deal_journey(b, rows, d, stamp);
    free(stamp);
    if (!st && b->o.include_nonconverting)
        st = people_journeys(b);
    if (st) {
        free(rows);
        return st;
    }
    /* Hand the deal ids over as one block, the deals in journey order. */
    set->deals = malloc((n ? n : 1) * sizeof *set->deals);
    if (!set->deals) {
        free(rows);
        return nomem(b);
    }
    set->deal_text = b->deal_ids.chars;
    b->deal_ids.chars = NULL;
    for (size_t i = 0; i < n; i++) {
        set->deals[i] = rows[i].d;
        set->deals[i].deal_id = set->deal_text + b->deal_ids.offs[rows[i].name];
    }
    set->n_deals = n;
    free(rows);
    set->touch_ids = b->ids;
    b->ids = NULL;
    set->n_channels = b->channel_names.n;
    set->channels = strtab_export(&b->channel_names);
    set->n_campaigns = b->campaign_ids.n;
    set->campaigns = strtab_export(&b->campaign_ids);
    if (!set->channels || !set->campaigns) {
        free(set->channels);
        free(set->campaigns);
        set->channels = NULL;
        set->campaigns = NULL;
        set->n_channels = set->n_campaigns = 0;
        return nomem(b);
    }
    return ALLOT_OK;
}

allot_status allot_journey_build(sqlite3 *db, const allot_journey_options *options,
                                 allot_journey_set **out, allot_error *err)
{
    *out = NULL;
    if (options->lookback_days <= 0 || options->lookback_days > 36600)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "lookback must be 1..36600 days, not %d", options->lookback_days);
    if (options->dedupe_minutes < 0 || options->max_touches < 0 || options->n_stages < 0 ||
        options->n_stages > ALLOT_JOURNEY_MAX_STAGES)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "de-duplication minutes, touch cap and stage count must be "
                               "non-negative (at most %d stages)", ALLOT_JOURNEY_MAX_STAGES);
    builder b;
    memset(&b, 0, sizeof b);
    b.db = db;
    b.o = *options;
    b.err = err;
    b.set = calloc(1, sizeof *b.set);
    if (!b.set)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    b.set->options = *options;
    b.set->options.taxonomy = NULL;
    b.set->options.zone = NULL;
    allot_status st = ALLOT_OK;
    b.taxonomy = options->taxonomy;
    if (!b.taxonomy) {
        st = allot_taxonomy_new(NULL, &b.own_taxonomy, err);
        b.taxonomy = b.own_taxonomy;
    }
    if (!st)
        st = build(&b);
    builder_release(&b);
    if (st) {
        allot_journey_set_free(b.set);
        return st;
    }
    *out = b.set;
    return ALLOT_OK;
}

/* The last second of a 'YYYY-MM-DD' date on the reporting zone's clocks
 * (an event on that date happened by then); -1 when malformed. */
static int64_t date_end(const builder *b, const char *date)
{
    int64_t day;
    if (allot_date_parse(date, &day) != ALLOT_OK)
        return -1;
    return allot_zone_day_end(b->o.zone, day);
}
