#include "synth.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv.h"
#include "period.h"
#include "value.h"
#include "taxonomy.h"

/* ------------------------------------------------------------------ */
/* Random numbers: splitmix64 seeds xoshiro256** (Blackman & Vigna).   */

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* A stream of its own for (seed, stream): accounts, campaigns, fx. */
static void rng_init(rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * UINT64_C(0xD1B54A32D192ED03));
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, 1). */
static double unif(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n). */
static int64_t below(rng *r, int64_t n)
{
    return (int64_t)(unif(r) * (double)n);
}

static double expo(rng *r, double mean)
{
    return -mean * log1p(-unif(r));
}

static double normal(rng *r)
{
    double u = unif(r), v = unif(r);
    return sqrt(-2.0 * log1p(-u)) * cos(6.283185307179586 * v);
}

static double sigmoid(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

/* ------------------------------------------------------------------ */
/* Buffered CSV output.                                                */

typedef struct out {
    FILE *f;
    char *buf;
    size_t used;
    int64_t rows, bytes;
    int failed;
} out;

#define OUT_BUF (1u << 20)

static void out_flush(out *o)
{
    if (o->used && !o->failed && fwrite(o->buf, 1, o->used, o->f) != o->used)
        o->failed = errno ? errno : EIO;
    o->bytes += (int64_t)o->used;
    o->used = 0;
}

static void out_reserve(out *o, size_t n)
{
    if (o->used + n > OUT_BUF)
        out_flush(o);
}

static void put_raw(out *o, const char *s, size_t n)
{
    if (n > OUT_BUF / 2) {
        out_flush(o);
        if (!o->failed && fwrite(s, 1, n, o->f) != n)
            o->failed = errno ? errno : EIO;
        o->bytes += (int64_t)n;
        return;
    }
    out_reserve(o, n);
    memcpy(o->buf + o->used, s, n);
    o->used += n;
}

static void put_sep(out *o)
{
    out_reserve(o, 1);
    o->buf[o->used++] = ',';
}

static void end_row(out *o)
{
    out_reserve(o, 1);
    o->buf[o->used++] = '\n';
    o->rows++;
}

/* A text field, quoted when it holds a delimiter, quote or line break. */
static void put_str(out *o, const char *s)
{
    if (!s)
        return;
    size_t n = strlen(s);
    if (strpbrk(s, ",\"\r\n") == NULL) {
        put_raw(o, s, n);
        return;
    }
    put_raw(o, "\"", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            put_raw(o, "\"", 1);
        put_raw(o, p, 1);
    }
    put_raw(o, "\"", 1);
}

static void put_int(out *o, int64_t v)
{
    char tmp[24];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    out_reserve(o, (size_t)n + 1);
    if (v < 0)
        o->buf[o->used++] = '-';
    while (n)
        o->buf[o->used++] = tmp[--n];
}

/* Zero-padded digits. */
static void put_pad(out *o, int64_t v, int width)
{
    out_reserve(o, (size_t)width);
    for (int i = width - 1; i >= 0; i--) {
        o->buf[o->used + (size_t)i] = (char)('0' + v % 10);
        v /= 10;
    }
    o->used += (size_t)width;
}

static void put_id(out *o, const char *prefix, int64_t n, int width)
{
    put_raw(o, prefix, strlen(prefix));
    put_pad(o, n, width);
}

static void put_date(out *o, int64_t day)
{
    int y, m, d;
    allot_civil_from_days(day, &y, &m, &d);
    put_pad(o, y, 4);
    put_raw(o, "-", 1);
    put_pad(o, m, 2);
    put_raw(o, "-", 1);
    put_pad(o, d, 2);
}

/* ISO 8601 UTC: 2026-07-01T09:30:00Z */
static void put_ts(out *o, int64_t t)
{
    int64_t day = allot_day_of_epoch(t);
    int64_t sec = t - day * 86400;
    put_date(o, day);
    put_raw(o, "T", 1);
    put_pad(o, sec / 3600, 2);
    put_raw(o, ":", 1);
    put_pad(o, sec / 60 % 60, 2);
    put_raw(o, ":", 1);
    put_pad(o, sec % 60, 2);
    put_raw(o, "Z", 1);
}

/* Money in major units with exactly two decimals, from cents. */
static void put_cents(out *o, int64_t cents)
{
    if (cents < 0) {
        put_raw(o, "-", 1);
        cents = -cents;
    }
    put_int(o, cents / 100);
    put_raw(o, ".", 1);
    put_pad(o, cents % 100, 2);
}

/* A non-negative real with `decimals` decimals (rounded). */
static void put_fixed(out *o, double v, int decimals)
{
    int64_t scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    int64_t n = (int64_t)llround(v * (double)scale);
    put_int(o, n / scale);
    if (decimals) {
        put_raw(o, ".", 1);
        put_pad(o, n % scale, decimals);
    }
}

/* ------------------------------------------------------------------ */
/* The company's model. README "Sample company" documents these.       */

enum channel {
    CH_PAID_SEARCH, CH_ORGANIC_SEARCH, CH_PAID_SOCIAL, CH_ORGANIC_SOCIAL, CH_EMAIL,
    CH_DISPLAY, CH_REFERRAL, CH_PARTNER, CH_EVENTS, CH_DIRECT, CH_COUNT
};

static const char *const channel_names[CH_COUNT] = {
    "Paid Search", "Organic Search", "Paid Social", "Organic Social", "Email",
    "Display", "Referral", "Partner", "Events", "Direct",
};

/* Planted effects: log-odds added per distinct channel in a person's journey
 * (repeats add a quarter each) to the MQL and SQL decisions ... */
static const double lift_conv[CH_COUNT] = {
    0.35, 0.40, -0.20, 0.10, 0.30, -0.50, 1.00, 0.70, 1.30, 0.25};
/* ... per distinct channel before deal creation to the win decision ... */
static const double lift_win[CH_COUNT] = {
    0.20, 0.20, -0.40, 0.00, 0.10, -0.60, 0.80, 0.50, 0.90, 0.10};
/* ... and the churn hazard multiplier by the deal's lead source. */
static const double churn_mult[CH_COUNT] = {
    1.00, 0.90, 1.60, 1.10, 1.00, 1.80, 0.50, 0.70, 0.45, 0.90};

/* Channel mix of a journey's first touch and of later touches (weights). */
static const double first_mix[CH_COUNT] = {22, 24, 16, 7, 2, 12, 7, 4, 3, 3};
static const double later_mix[CH_COUNT] = {14, 13, 12, 5, 20, 9, 4, 3, 6, 14};

#define REPEAT_PROB 0.30
#define MQL_BASE (-1.1)
#define CONTACT_PROB 0.88
#define SQL_BASE (-0.3)
#define SQL_SLOPE 0.6
#define OPP_PROB 0.85
#define WIN_BASE (-1.3)
#define CHURN_MONTHLY 0.04
#define EUR_SHARE 0.30
#define ANNUAL_SHARE 0.5
#define AMOUNT_MEDIAN 24000.0
#define SPEND_TOUCH_UNIT 50000.0  /* spend scales with touches / this */

enum camp_kind { ALWAYS_ON, WEBINAR, TRADE_SHOW };

typedef struct camp_template {
    const char *name, *type;
    enum channel channel;
    const char *utm_source, *utm_medium;
    const char *platform, *ad_account, *currency;
    enum camp_kind kind;
    double daily;     /* daily spend (before scale and growth), 0 none */
    double fixed;     /* one-off cost on the first day, 0 none */
    double cpc, ctr, cvr;
    double weight;    /* share of its channel's touches */
    int day_offset;   /* events: day within the quarter */
} camp_template;

static const camp_template templates[] = {
    {"Brand Search", "Paid Search", CH_PAID_SEARCH, "google", "cpc", "google_ads", "123-456-7890",
     "USD", ALWAYS_ON, 350, 0, 3.2, 0.06, 0.05, 3, 0},
    {"Generic Search", "Paid Search", CH_PAID_SEARCH, "google", "cpc", "google_ads", "123-456-7890",
     "USD", ALWAYS_ON, 800, 0, 7.5, 0.035, 0.025, 4, 0},
    {"Competitor Search", "Paid Search", CH_PAID_SEARCH, "bing", "cpc", "microsoft_ads", "B-2201",
     "USD", ALWAYS_ON, 200, 0, 5.0, 0.03, 0.02, 1.5, 0},
    {"LinkedIn Lead Gen", "Paid Social", CH_PAID_SOCIAL, "linkedin", "paid_social", "linkedin_ads",
     "LI-5081", "USD", ALWAYS_ON, 300, 0, 4.5, 0.006, 0.012, 3, 0},
    {"Meta Retargeting EU", "Paid Social", CH_PAID_SOCIAL, "facebook", "paid_social", "meta_ads",
     "act_88231", "EUR", ALWAYS_ON, 150, 0, 0.9, 0.011, 0.006, 4, 0},
    {"Programmatic Display", "Display", CH_DISPLAY, "dv360", "display", "dv360", "DV-3301", "USD",
     ALWAYS_ON, 250, 0, 0.8, 0.0012, 0.002, 3, 0},
    {"Display Retargeting", "Display", CH_DISPLAY, "criteo", "display", "criteo", "CR-778", "USD",
     ALWAYS_ON, 120, 0, 0.6, 0.002, 0.003, 2, 0},
    {"Newsletter", "Email", CH_EMAIL, "hubspot", "email", NULL, NULL, "USD", ALWAYS_ON, 0, 0, 0, 0, 0,
     2, 0},
    {"Nurture", "Email", CH_EMAIL, "hubspot", "email", NULL, NULL, "USD", ALWAYS_ON, 0, 0, 0, 0, 0, 3, 0},
    {"Webinar: Attribution Basics", "Webinar", CH_EVENTS, "zoom", "webinar", "manual", "", "USD",
     WEBINAR, 0, 2500, 0, 0, 0, 1, 24},
    {"Webinar: Revenue Ops Live", "Webinar", CH_EVENTS, "zoom", "webinar", "manual", "", "USD",
     WEBINAR, 0, 2500, 0, 0, 0, 1, 59},
    {"Trade Show", "Trade Show", CH_EVENTS, "saastr-annual", "event", "manual", "", "USD", TRADE_SHOW,
     0, 45000, 0, 0, 0, 1, 40},
    {"Partner Co-marketing", "Partner", CH_PARTNER, "partner-network", "partner", "manual", "", "USD",
     ALWAYS_ON, 0, 6000, 0, 0, 0, 1, 0},
    {"LinkedIn Organic", "Social", CH_ORGANIC_SOCIAL, "linkedin", "social", NULL, NULL, "USD",
     ALWAYS_ON, 0, 0, 0, 0, 0, 1, 0},
    {"Customer Referral Program", "Referral", CH_REFERRAL, "referral-program", "referral", NULL, NULL,
     "USD", ALWAYS_ON, 0, 0, 0, 0, 0, 1, 0},
};

#define N_TEMPLATES ((int)(sizeof templates / sizeof templates[0]))

typedef struct campaign {
    int64_t start, end;   /* days, inclusive end */
    int quarter;
    const camp_template *tpl;
    char name[96];
    char utm_campaign[96];
    const char *channel;  /* from the default taxonomy */
} campaign;

typedef struct company {
    uint64_t seed;
    int64_t start, asof;        /* days; asof exclusive */
    int quarters;
    int64_t *quarter_start;     /* quarters + 1 entries */
    campaign *camps;
    int n_camps;
    int *events;                /* campaign indexes of webinars/trade shows, by date */
    int n_events;
    double scale;
    out files[9];
} company;

enum { F_FX, F_CAMPAIGNS, F_SPEND, F_PEOPLE, F_TOUCHES, F_DEALS, F_DEAL_PEOPLE, F_STAGES, F_SUBS };

const char *const allot_synth_files[] = {
    "fx_rates.csv", "campaigns.csv", "spend.csv", "people.csv", "touches.csv",
    "deals.csv", "deal_people.csv", "stage_history.csv", "subscriptions.csv", NULL,
};

static const char *const headers[] = {
    "currency,start_date,end_date,rate",
    "campaign_id,name,parent_id,type,channel,start_date,end_date,budgeted_cost,"
    "actual_cost,currency,utm_source,utm_medium,utm_campaign",
    "date,source_system,ad_account,campaign_id,campaign_name,cost,currency,impressions,clicks,"
    "conversions,conversion_value",
    "person_id,lead_id,contact_id,email,account_id,created_at,converted_at,"
    "original_source",
    "touch_id,person_id,anonymous_id,occurred_at,touch_type,channel,campaign_id,"
    "utm_source,utm_medium,utm_campaign,utm_content,utm_term,click_id,landing_page,referrer",
    "deal_id,account_id,name,amount,currency,stage,is_closed,is_won,created_at,"
    "close_date,pipeline,lead_source,campaign_id,deal_type",
    "deal_id,person_id,role,is_primary",
    "entity_type,entity_id,stage,entered_at",
    "subscription_id,account_id,product,start_date,end_date,mrr,currency",
};

static int quarter_of_day(const company *c, int64_t day)
{
    for (int q = 0; q < c->quarters; q++)
        if (day < c->quarter_start[q + 1])
            return q;
    return c->quarters - 1;
}

static void slugify(const char *s, char *out, size_t size)
{
    size_t n = 0;
    int dash = 0;
    for (; *s && n + 2 < size; s++) {
        char ch = *s;
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
            if (dash && n)
                out[n++] = '-';
            out[n++] = ch;
            dash = 0;
        } else {
            dash = 1;
        }
    }
    out[n] = '\0';
}

static allot_status build_campaigns(company *c, allot_error *err)
{
    c->n_camps = c->quarters * N_TEMPLATES;
    c->camps = calloc((size_t)c->n_camps, sizeof *c->camps);
    c->events = calloc((size_t)c->n_camps, sizeof *c->events);
    if (!c->camps || !c->events)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    allot_taxonomy *tx;
    allot_status st = allot_taxonomy_new(NULL, &tx, err);
    if (st)
        return st;
    for (int q = 0; q < c->quarters; q++) {
        allot_period qp;
        allot_period_quarter_of(c->quarter_start[q], 1, &qp);
        for (int j = 0; j < N_TEMPLATES; j++) {
            campaign *k = &c->camps[q * N_TEMPLATES + j];
            const camp_template *t = &templates[j];
            k->tpl = t;
            k->quarter = q;
            if (t->kind == ALWAYS_ON) {
                k->start = c->quarter_start[q];
                k->end = c->quarter_start[q + 1] - 1;
            } else {
                k->start = c->quarter_start[q] + t->day_offset;
                k->end = k->start + (t->kind == TRADE_SHOW ? 2 : 0);
            }
            snprintf(k->name, sizeof k->name, "%s %s", qp.label, t->name);
            slugify(k->name, k->utm_campaign, sizeof k->utm_campaign);
            allot_touch_fields f = {0};
            f.utm_source = t->utm_source;
            f.utm_medium = t->utm_medium;
            f.touch_type = t->kind == WEBINAR ? "webinar" : t->kind == TRADE_SHOW ? "event" : NULL;
            k->channel = allot_taxonomy_channel(tx, &f); /* static strings of the defaults */
            if (strcmp(k->channel, channel_names[t->channel]) != 0) {
                allot_taxonomy_free(tx);
                return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                                       "internal: campaign '%s' classifies as %s, planned %s",
                                       k->name, k->channel, channel_names[t->channel]);
            }
            k->channel = channel_names[t->channel];
        }
    }
    allot_taxonomy_free(tx);
    /* event campaigns by date (insertion sort: a few dozen) */
    c->n_events = 0;
    for (int i = 0; i < c->n_camps; i++) {
        if (c->camps[i].tpl->kind == ALWAYS_ON)
            continue;
        int j = c->n_events++;
        while (j > 0 && c->camps[c->events[j - 1]].start > c->camps[i].start) {
            c->events[j] = c->events[j - 1];
            j--;
        }
        c->events[j] = i;
    }
    return ALLOT_OK;
}

/* Spend of one campaign: writes rows when o is non-NULL; returns the total
 * in cents. Its own random stream, so two calls give the same rows. */
static int64_t campaign_spend(const company *c, int idx, out *o)
{
    const campaign *k = &c->camps[idx];
    const camp_template *t = k->tpl;
    if (t->daily == 0 && t->fixed == 0)
        return 0;
    rng r;
    rng_init(&r, c->seed, UINT64_C(0x5000000000) + (uint64_t)idx);
    double growth = pow(1.06, k->quarter);
    int64_t total = 0;
    for (int64_t day = k->start; day <= k->end && day < c->asof; day++) {
        double cost;
        if (t->daily > 0)
            cost = t->daily * c->scale * growth * (0.75 + 0.5 * unif(&r));
        else if (day == k->start)
            cost = t->fixed * c->scale * growth * (0.9 + 0.2 * unif(&r));
        else
            continue;
        int64_t cents = llround(cost * 100);
        if (cents <= 0)
            continue;
        total += cents;
        if (!o)
            continue;
        put_date(o, day);
        put_sep(o);
        put_str(o, t->platform);
        put_sep(o);
        put_str(o, t->ad_account);
        put_sep(o);
        put_id(o, "C", idx + 1, 4);
        put_sep(o);
        put_str(o, k->name);
        put_sep(o);
        put_cents(o, cents);
        put_sep(o);
        put_str(o, t->currency);
        put_sep(o);
        if (t->cpc > 0) {
            double clicks = floor((double)cents / 100.0 / (t->cpc * (0.85 + 0.3 * unif(&r))));
            double impressions = floor(clicks / (t->ctr * (0.8 + 0.4 * unif(&r))));
            put_int(o, (int64_t)impressions);
            put_sep(o);
            put_int(o, (int64_t)clicks);
            put_sep(o);
            put_fixed(o, clicks * t->cvr * (0.7 + 0.6 * unif(&r)), 2);
        } else {
            put_sep(o);
            put_sep(o);
        }
        put_sep(o);
        end_row(o);
    }
    return total;
}

static void write_campaigns_and_spend(company *c)
{
    for (int i = 0; i < c->n_camps; i++) {
        const campaign *k = &c->camps[i];
        const camp_template *t = k->tpl;
        int64_t actual = campaign_spend(c, i, &c->files[F_SPEND]);
        double growth = pow(1.06, k->quarter);
        double planned = t->daily > 0 ? t->daily * (double)(k->end - k->start + 1) : t->fixed;
        int64_t budget = llround(planned * c->scale * growth / 100.0) * 10000; /* whole hundreds */
        out *o = &c->files[F_CAMPAIGNS];
        put_id(o, "C", i + 1, 4);
        put_sep(o);
        put_str(o, k->name);
        put_sep(o);
        put_sep(o); /* parent_id */
        put_str(o, t->type);
        put_sep(o);
        put_str(o, k->channel);
        put_sep(o);
        put_date(o, k->start);
        put_sep(o);
        put_date(o, k->end);
        put_sep(o);
        put_cents(o, budget);
        put_sep(o);
        put_cents(o, actual);
        put_sep(o);
        put_str(o, t->currency);
        put_sep(o);
        put_str(o, t->utm_source);
        put_sep(o);
        put_str(o, t->utm_medium);
        put_sep(o);
        put_str(o, k->utm_campaign);
        end_row(o);
    }
}

/* EUR per month (a slow wave plus noise, 4 decimals) from one quarter
 * before the start; USD is the reporting currency at 1. */
static void write_fx(company *c)
{
    out *o = &c->files[F_FX];
    put_raw(o, "USD,2000-01-01,,1", 17);
    end_row(o);
    rng r;
    rng_init(&r, c->seed, UINT64_C(0x6000000000));
    int64_t day = allot_add_months(c->start, -3);
    int i = 0;
    while (day < c->asof) {
        int64_t next = allot_add_months(day, 1);
        double rate = 1.08 + 0.04 * sin(i / 4.0) + 0.01 * (unif(&r) - 0.5);
        put_str(o, "EUR");
        put_sep(o);
        put_date(o, day);
        put_sep(o);
        if (next < c->asof)
            put_date(o, next);
        put_sep(o);
        put_fixed(o, rate, 4);
        end_row(o);
        day = next;
        i++;
    }
}

/* ------------------------------------------------------------------ */
/* Accounts, people, journeys, deals, subscriptions.                   */

#define MAX_PEOPLE 5
#define MAX_TOUCHES 30

typedef struct touch {
    int64_t t;
    enum channel ch;
    int camp;        /* campaign index or -1 */
    int form;        /* the touch that created the lead */
} touch;

typedef struct person {
    int64_t id;
    int n;
    touch touches[MAX_TOUCHES];
    int lead_touch;
    int64_t lead_t, mql_t, contacted_t, sql_t, opp_t; /* 0 = never */
    double score;
    int in_deal, primary;
    const char *role;
} person;

static const char *const first_names[] = {
    "Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kira",
    "Liam", "Maya", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera",
    "Wei", "Ximena", "Yusuf", "Zoe", "Anika", "Bruno", "Carla", "Dmitri"};
static const char *const last_names[] = {
    "Adams", "Berger", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hansen", "Ito",
    "Jensen", "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Patel", "Quist", "Rossi",
    "Schmidt", "Tanaka", "Urban", "Varga", "Weber", "Xu", "Yilmaz", "Zhang", "Novak", "Silva",
    "Murphy", "Khan"};
static const char *const name_a[] = {
    "Northwind", "Bluepeak", "Copperline", "Brightwave", "Ironleaf", "Silverlake", "Redstone",
    "Greenfield", "Clearpath", "Starling", "Oakridge", "Helix", "Quantum", "Summit", "Vertex",
    "Lumen", "Harbor", "Falcon", "Cobalt", "Meridian"};
static const char *const name_b[] = {
    "Analytics", "Logistics", "Health", "Software", "Robotics", "Foods", "Energy", "Finance",
    "Media", "Labs", "Systems", "Retail", "Security", "Mobility", "Insurance", "Cloud"};
static const char *const roles[] = {"Influencer", "Evaluator", "Technical Buyer", "Economic Buyer",
                                    "Champion"};
static const char *const keywords[] = {"marketing attribution", "revenue attribution software",
                                       "multi touch attribution", "b2b attribution",
                                       "attribution model", "marketing roi tool"};
static const char *const posts[] = {"w-shaped-attribution", "markov-chains-for-marketers",
                                    "cac-payback-explained", "speed-to-lead", "nrr-vs-grr"};
static const char *const referrers[] = {"https://www.g2.com/products/allot-demo/reviews",
                                        "https://news.ycombinator.com/item?id=4242",
                                        "https://www.capterra.com/p/4242/allot-demo/",
                                        "https://blog.revops-weekly.example/tools-2026"};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int pick_weighted(rng *r, const double *w, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += w[i];
    double u = unif(r) * sum;
    for (int i = 0; i < n; i++) {
        if (u < w[i])
            return i;
        u -= w[i];
    }
    return n - 1;
}

/* An always-on campaign of channel ch in quarter q, by template weight;
 * -1 when the channel has none. */
static int pick_campaign(const company *c, rng *r, enum channel ch, int q)
{
    double w[N_TEMPLATES];
    double sum = 0;
    for (int j = 0; j < N_TEMPLATES; j++) {
        w[j] = templates[j].channel == ch && templates[j].kind == ALWAYS_ON ? templates[j].weight : 0;
        sum += w[j];
    }
    if (sum == 0)
        return -1;
    (void)c;
    return q * N_TEMPLATES + pick_weighted(r, w, N_TEMPLATES);
}

/* The next webinar or trade show starting after day `after` within 45 days. */
static int next_event(const company *c, rng *r, int64_t after)
{
    for (int i = 0; i < c->n_events; i++) {
        const campaign *k = &c->camps[c->events[i]];
        if (k->start > after) {
            if (k->start > after + 45)
                return -1;
            if (i + 1 < c->n_events && unif(r) < 0.3 &&
                c->camps[c->events[i + 1]].start <= after + 45)
                return c->events[i + 1];
            return c->events[i];
        }
    }
    return -1;
}

/* A working-hours time on a day (UTC 08:00-18:00). */
static int64_t time_on(rng *r, int64_t day)
{
    return day * 86400 + 8 * 3600 + below(r, 10 * 3600);
}

static void simulate_person(const company *c, rng *r, person *p, int64_t start_t)
{
    int len;
    if (unif(r) < 0.2)
        len = 1 + (unif(r) < 0.5);
    else
        len = 1 + (int)expo(r, 6.0);
    if (len > MAX_TOUCHES)
        len = MAX_TOUCHES;
    int64_t asof_t = c->asof * 86400;
    int64_t t = start_t;
    p->n = 0;
    for (int i = 0; i < len; i++) {
        enum channel ch;
        if (i > 0 && p->touches[i - 1].ch != CH_EVENTS && unif(r) < REPEAT_PROB)
            ch = p->touches[i - 1].ch;
        else
            ch = (enum channel)pick_weighted(r, i == 0 ? first_mix : later_mix, CH_COUNT);
        if (i > 0)
            t += 3600 + (int64_t)expo(r, 5.0 * 86400);
        int camp = -1;
        if (ch == CH_EVENTS) {
            camp = next_event(c, r, allot_day_of_epoch(t) - (i == 0));
            if (camp < 0) {
                ch = CH_EMAIL;
            } else {
                const campaign *k = &c->camps[camp];
                t = time_on(r, k->start + below(r, k->end - k->start + 1));
            }
        }
        if (t >= asof_t)
            break;
        int q = quarter_of_day(c, allot_day_of_epoch(t));
        if (ch == CH_ORGANIC_SOCIAL)
            camp = unif(r) < 0.5 ? pick_campaign(c, r, ch, q) : -1;
        else if (ch == CH_REFERRAL)
            camp = unif(r) < 0.4 ? pick_campaign(c, r, ch, q) : -1;
        else if (ch != CH_EVENTS)
            camp = pick_campaign(c, r, ch, q);
        touch *tc = &p->touches[p->n++];
        tc->t = t;
        tc->ch = ch;
        tc->camp = camp;
        tc->form = 0;
    }
    if (p->n == 0)
        return;
    /* the lead is created at one of the first four touches, not by an e-mail */
    int k = (int)below(r, p->n < 4 ? p->n : 4);
    while (k > 0 && p->touches[k].ch == CH_EMAIL)
        k--;
    p->lead_touch = k;
    p->touches[k].form = 1;
    p->lead_t = p->touches[k].t;

    int seen[CH_COUNT] = {0};
    double s = 0;
    for (int i = 0; i < p->n; i++) {
        enum channel ch = p->touches[i].ch;
        s += seen[ch]++ ? 0.25 * lift_conv[ch] : lift_conv[ch];
    }
    p->score = s;
    p->mql_t = p->contacted_t = p->sql_t = p->opp_t = 0;
    if (unif(r) < sigmoid(MQL_BASE + s)) {
        p->mql_t = p->lead_t + 3600 + (int64_t)expo(r, 3 * 86400.0);
        if (unif(r) < CONTACT_PROB)
            p->contacted_t = p->mql_t + 300 + (int64_t)(9 * 3600 * exp(1.2 * normal(r)));
        if (p->contacted_t && unif(r) < sigmoid(SQL_BASE + SQL_SLOPE * s)) {
            p->sql_t = p->contacted_t + 3600 + (int64_t)expo(r, 6 * 86400.0);
            if (unif(r) < OPP_PROB)
                p->opp_t = p->sql_t + 3600 + (int64_t)expo(r, 4 * 86400.0);
        }
    }
}

typedef struct gen {
    company *c;
    int64_t next_touch, next_person, next_anon;
    allot_synth_counts *counts;
} gen;

static const char *touch_type_of(const touch *t, const campaign *k)
{
    if (k && k->tpl->kind == WEBINAR)
        return "webinar";
    if (k && k->tpl->kind == TRADE_SHOW)
        return "event";
    if (t->form)
        return "form";
    switch (t->ch) {
    case CH_PAID_SEARCH: case CH_PAID_SOCIAL: case CH_DISPLAY: return "ad_click";
    case CH_EMAIL: return "email";
    default: return "visit";
    }
}

static void random_token(rng *r, char *buf, int n)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < n; i++)
        buf[i] = alphabet[below(r, 62)];
    buf[n] = '\0';
}

static void write_touch(gen *g, rng *r, const touch *t, int64_t person_id, int64_t anon_id)
{
    company *c = g->c;
    out *o = &c->files[F_TOUCHES];
    const campaign *k = t->camp >= 0 ? &c->camps[t->camp] : NULL;
    put_id(o, "T", ++g->next_touch, 9);
    put_sep(o);
    if (person_id)
        put_id(o, "P", person_id, 7);
    put_sep(o);
    if (anon_id)
        put_id(o, "V", anon_id, 7);
    put_sep(o);
    put_ts(o, t->t);
    put_sep(o);
    put_str(o, touch_type_of(t, k));
    put_sep(o);
    put_sep(o); /* channel: left to the taxonomy */
    if (k)
        put_id(o, "C", t->camp + 1, 4);
    put_sep(o);
    char token[24];
    const char *content = NULL, *term = NULL, *click = NULL, *referrer = NULL;
    char page[128] = "";
    if (k) {
        put_str(o, k->tpl->utm_source);
        put_sep(o);
        put_str(o, k->tpl->utm_medium);
        put_sep(o);
        put_str(o, k->utm_campaign);
    } else {
        put_sep(o);
        put_sep(o);
    }
    put_sep(o);
    switch (t->ch) {
    case CH_PAID_SEARCH:
        term = keywords[below(r, COUNT(keywords))];
        if (unif(r) < 0.8)
            click = "gclid:";
        snprintf(page, sizeof page, "https://www.allot-demo.example/lp/attribution");
        break;
    case CH_PAID_SOCIAL:
        content = unif(r) < 0.5 ? "carousel-a" : "video-15s";
        if (k && strcmp(k->tpl->utm_source, "linkedin") == 0 && unif(r) < 0.5)
            click = "li_fat_id:";
        snprintf(page, sizeof page, "https://www.allot-demo.example/lp/demo");
        break;
    case CH_DISPLAY:
        content = unif(r) < 0.5 ? "banner-300x250" : "banner-728x90";
        break;
    case CH_ORGANIC_SEARCH: {
        double u = unif(r);
        referrer = u < 0.8 ? "https://www.google.com/" : u < 0.95 ? "https://www.bing.com/"
                                                                   : "https://duckduckgo.com/";
        snprintf(page, sizeof page, "https://www.allot-demo.example/blog/%s",
                 posts[below(r, COUNT(posts))]);
        break;
    }
    case CH_ORGANIC_SOCIAL:
        if (!k)
            referrer = unif(r) < 0.7 ? "https://www.linkedin.com/" : "https://t.co/";
        break;
    case CH_REFERRAL:
        if (!k)
            referrer = referrers[below(r, COUNT(referrers))];
        break;
    case CH_DIRECT:
        if (unif(r) < 0.3)
            snprintf(page, sizeof page, "https://www.allot-demo.example/pricing");
        break;
    default:
        break;
    }
    put_str(o, content);
    put_sep(o);
    put_str(o, term);
    put_sep(o);
    if (click) {
        random_token(r, token, 16);
        put_str(o, click);
        put_str(o, token);
    }
    put_sep(o);
    if (page[0])
        put_str(o, page);
    put_sep(o);
    put_str(o, referrer);
    end_row(o);
}

static void stage_row(out *o, const char *type, const char *prefix, int64_t id, int width,
                      const char *stage, int64_t t)
{
    put_str(o, type);
    put_sep(o);
    put_id(o, prefix, id, width);
    put_sep(o);
    put_str(o, stage);
    put_sep(o);
    put_ts(o, t);
    end_row(o);
}

static void write_subscriptions(gen *g, rng *r, int64_t acct, int64_t close_day, int64_t cents,
                                const char *currency, enum channel source)
{
    company *c = g->c;
    out *o = &c->files[F_SUBS];
    int64_t start = close_day + 1 + below(r, 14);
    if (start >= c->asof)
        return;
    int annual = unif(r) < ANNUAL_SHARE;
    double h = CHURN_MONTHLY * churn_mult[source];
    int64_t mrr = (cents + 6) / 12; /* cents, rounded */
    int n = 0;
    int64_t span_start = start;
    for (int m = 1;; m++) {
        int64_t date = allot_add_months(start, m);
        int churn = 0;
        int64_t next_mrr = mrr;
        if (date < c->asof) {
            if (!annual) {
                double u = unif(r);
                if (u < h)
                    churn = 1;
                else if (u < h + 0.025)
                    next_mrr = llround((double)mrr * (1.1 + 0.4 * unif(r)));
                else if (u < h + 0.035)
                    next_mrr = llround((double)mrr * (0.7 + 0.2 * unif(r)));
            } else if (m % 12 == 0) {
                double u = unif(r);
                double p_churn = 1 - pow(1 - h, 12);
                if (u < p_churn)
                    churn = 1;
                else if (u < p_churn + 0.30)
                    next_mrr = llround((double)mrr * (1.1 + 0.4 * unif(r)));
                else if (u < p_churn + 0.40)
                    next_mrr = llround((double)mrr * (0.7 + 0.2 * unif(r)));
            }
        }
        int open = date >= c->asof;
        if (open || churn || next_mrr != mrr) {
            put_raw(o, "S", 1);
            put_pad(o, acct, 6);
            put_raw(o, "-", 1);
            put_int(o, ++n);
            put_sep(o);
            put_id(o, "A", acct, 6);
            put_sep(o);
            put_str(o, "Platform");
            put_sep(o);
            put_date(o, span_start);
            put_sep(o);
            if (!open)
                put_date(o, date);
            put_sep(o);
            put_cents(o, mrr);
            put_sep(o);
            put_str(o, currency);
            end_row(o);
            if (open || churn)
                return;
            span_start = date;
            mrr = next_mrr;
        }
    }
}

static void simulate_account(gen *g, int64_t acct)
{
    company *c = g->c;
    rng r;
    rng_init(&r, c->seed, (uint64_t)acct);
    /* account start: density rising 60% over the window (growth) */
    double u = unif(&r), a = 0.6;
    double x = (-1 + sqrt(1 + 2 * a * u * (1 + a / 2))) / a;
    int64_t span = c->asof - c->start;
    int64_t a0 = c->start + (int64_t)(x * (double)span);
    char name[64], slug[64];
    snprintf(name, sizeof name, "%s %s", name_a[below(&r, COUNT(name_a))],
             name_b[below(&r, COUNT(name_b))]);
    slugify(name, slug, sizeof slug);
    int eur = unif(&r) < EUR_SHARE;
    const char *currency = eur ? "EUR" : "USD";

    int np = 1;
    while (np < MAX_PEOPLE && unif(&r) < 0.45)
        np++;
    person people[MAX_PEOPLE];
    int kept = 0;
    for (int i = 0; i < np; i++) {
        person *p = &people[kept];
        memset(p, 0, sizeof *p);
        int64_t day = a0 + (i == 0 ? 0 : below(&r, 60));
        simulate_person(c, &r, p, time_on(&r, day));
        if (p->n > 0)
            kept++;
    }
    if (kept == 0)
        return;
    g->counts->accounts++;
    int64_t asof_t = c->asof * 86400;

    /* the deal: created when the first person reaches opportunity */
    int primary = -1;
    for (int i = 0; i < kept; i++)
        if (people[i].opp_t && people[i].opp_t < asof_t &&
            (primary < 0 || people[i].opp_t < people[primary].opp_t))
            primary = i;
    for (int i = 0; i < kept; i++) {
        people[i].id = ++g->next_person;
        if (i != primary)
            people[i].opp_t = 0; /* one deal per account: others stop at SQL */
    }
    int64_t created = primary >= 0 ? people[primary].opp_t : 0;
    if (primary >= 0) {
        for (int i = 0; i < kept; i++) {
            people[i].in_deal = i == primary || people[i].touches[0].t <= created;
            people[i].primary = i == primary;
            people[i].role = i == primary ? "Decision Maker" : roles[below(&r, COUNT(roles))];
        }
    }

    for (int i = 0; i < kept; i++) {
        person *p = &people[i];
        out *o = &c->files[F_PEOPLE];
        put_id(o, "P", p->id, 7);
        put_sep(o);
        put_id(o, "L", p->id, 7);
        put_sep(o);
        if (p->in_deal)
            put_id(o, "CT", p->id, 7);
        put_sep(o);
        char email[160];
        snprintf(email, sizeof email, "%s.%s.%lld@%s.example",
                 first_names[below(&r, COUNT(first_names))], last_names[below(&r, COUNT(last_names))],
                 (long long)p->id, slug);
        for (char *ch = email; *ch; ch++)
            if (*ch >= 'A' && *ch <= 'Z')
                *ch = (char)(*ch - 'A' + 'a');
        put_str(o, email);
        put_sep(o);
        put_id(o, "A", acct, 6);
        put_sep(o);
        put_ts(o, p->lead_t);
        put_sep(o);
        if (p->opp_t && p->opp_t < asof_t)
            put_ts(o, p->opp_t);
        put_sep(o);
        put_str(o, channel_names[p->touches[0].ch]);
        end_row(o);

        for (int j = 0; j < p->n; j++)
            write_touch(g, &r, &p->touches[j], p->id, 0);
        out *s = &c->files[F_STAGES];
        const int64_t times[5] = {p->lead_t, p->mql_t, p->contacted_t, p->sql_t, p->opp_t};
        static const char *const names[5] = {"lead", "mql", "contacted", "sql", "opportunity"};
        for (int j = 0; j < 5; j++)
            if (times[j] && times[j] < asof_t)
                stage_row(s, "person", "P", p->id, 7, names[j], times[j]);
    }
    /* anonymous visitors of the account's website, never identified */
    if (unif(&r) < 0.25) {
        int n = 1 + (int)below(&r, 3);
        int64_t anon = ++g->next_anon;
        int64_t t = time_on(&r, a0 + below(&r, 30));
        for (int j = 0; j < n && t < asof_t; j++) {
            touch tc = {t, unif(&r) < 0.6 ? CH_DIRECT : CH_ORGANIC_SEARCH, -1, 0};
            write_touch(g, &r, &tc, 0, anon);
            g->counts->anonymous_touches++;
            t += 3600 + (int64_t)expo(&r, 4 * 86400.0);
        }
    }
    if (primary < 0)
        return;

    /* deal outcome from the channels the deal's people saw before it */
    person *pp = &people[primary];
    int seen[CH_COUNT] = {0};
    for (int i = 0; i < kept; i++)
        for (int j = 0; people[i].in_deal && j < people[i].n; j++)
            if (people[i].touches[j].t <= created)
                seen[people[i].touches[j].ch] = 1;
    double w = WIN_BASE;
    for (int ch = 0; ch < CH_COUNT; ch++)
        w += seen[ch] ? lift_win[ch] : 0;
    int won = unif(&r) < sigmoid(w);
    double cycle = 50 * 86400.0 * exp(0.5 * normal(&r));
    int64_t close_t = created + (int64_t)cycle;
    int closed = close_t < asof_t;
    double amount = AMOUNT_MEDIAN * exp(0.55 * normal(&r)) * (seen[CH_EVENTS] ? 1.25 : 1.0) *
                    (eur ? 0.92 : 1.0);
    int64_t cents = llround(amount / 100.0) * 10000;
    if (cents < 100000)
        cents = 100000;
    int null_amount = (!closed && unif(&r) < 0.02) || (closed && !won && unif(&r) < 0.01);
    const char *stage;
    if (closed)
        stage = won ? "won" : "lost";
    else {
        double f = (double)(asof_t - created) / cycle;
        stage = f < 0.35 ? "qualification" : f < 0.7 ? "proposal" : "negotiation";
    }
    int64_t deal = g->counts->deals + 1;
    out *o = &c->files[F_DEALS];
    put_id(o, "D", deal, 6);
    put_sep(o);
    put_id(o, "A", acct, 6);
    put_sep(o);
    put_str(o, name);
    put_raw(o, " - New Business", 15);
    put_sep(o);
    if (!null_amount)
        put_cents(o, cents);
    put_sep(o);
    put_str(o, currency);
    put_sep(o);
    put_str(o, stage);
    put_sep(o);
    put_int(o, closed);
    put_sep(o);
    put_int(o, closed && won);
    put_sep(o);
    put_ts(o, created);
    put_sep(o);
    put_date(o, allot_day_of_epoch(close_t));
    put_sep(o);
    put_str(o, "New Business");
    put_sep(o);
    const touch *lt = &pp->touches[pp->lead_touch];
    put_str(o, channel_names[lt->ch]);
    put_sep(o);
    if (lt->camp >= 0)
        put_id(o, "C", lt->camp + 1, 4);
    put_sep(o);
    put_str(o, "New Business");
    end_row(o);
    g->counts->deals++;
    if (!closed)
        g->counts->deals_open++;
    else if (won)
        g->counts->deals_won++;
    else
        g->counts->deals_lost++;

    for (int i = 0; i < kept; i++) {
        if (!people[i].in_deal)
            continue;
        out *d = &c->files[F_DEAL_PEOPLE];
        put_id(d, "D", deal, 6);
        put_sep(d);
        put_id(d, "P", people[i].id, 7);
        put_sep(d);
        put_str(d, people[i].role);
        put_sep(d);
        put_int(d, people[i].primary);
        end_row(d);
    }
    out *s = &c->files[F_STAGES];
    stage_row(s, "deal", "D", deal, 6, "qualification", created);
    double lost_at = closed && !won ? unif(&r) : 1.0; /* lost deals drop out on the way */
    if (created + (int64_t)(0.35 * cycle) < asof_t && lost_at > 0.3)
        stage_row(s, "deal", "D", deal, 6, "proposal", created + (int64_t)(0.35 * cycle));
    if (created + (int64_t)(0.7 * cycle) < asof_t && lost_at > 0.6)
        stage_row(s, "deal", "D", deal, 6, "negotiation", created + (int64_t)(0.7 * cycle));
    if (closed)
        stage_row(s, "deal", "D", deal, 6, won ? "won" : "lost", close_t);
    if (closed && won)
        write_subscriptions(g, &r, acct, allot_day_of_epoch(close_t), cents, currency, lt->ch);
}

/* ------------------------------------------------------------------ */

void allot_synth_options_init(allot_synth_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->seed = 1;
    opt->touches = 50000;
    opt->start_day = allot_days_from_civil(2024, 10, 1);
    opt->quarters = 8;
}

/* ---- the same company as the platforms export it (exports/) -------------
 * Written from the canonical files just written, so the generator's random
 * streams are untouched: exports/google-ads.csv holds spend.csv's google_ads
 * rows as a Google Ads report download (two title lines, the display
 * headers, platform campaign ids 21000000000 + n, thousands separators,
 * '--' for no value, a 'Total: Account' row); exports/salesforce-
 * opportunities.csv holds deals.csv as a Salesforce Opportunity export
 * (API names, every value quoted, true/false, .000Z timestamps). */

const char *const allot_synth_exports[] = {
    "exports/google-ads.csv", "exports/salesforce-opportunities.csv", NULL,
};

static void put_q(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* Digits with ',' between thousands, then tail (e.g. ".16"); quoted when
 * a ',' was needed. */
static void put_grouped_tail(FILE *f, const char *digits, const char *tail)
{
    size_t n = strlen(digits);
    if (n <= 3) {
        fprintf(f, "%s%s", digits, tail);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            fputc(',', f);
        fputc(digits[i], f);
    }
    fprintf(f, "%s\"", tail);
}

static void put_grouped(FILE *f, const char *digits)
{
    put_grouped_tail(f, digits, "");
}

static void put_money_grouped(FILE *f, int64_t micros)
{
    char units[32], tail[8];
    snprintf(units, sizeof units, "%lld", (long long)(micros / 1000000));
    snprintf(tail, sizeof tail, ".%02lld", (long long)(micros % 1000000 / 10000));
    put_grouped_tail(f, units, tail);
}

static allot_status open_canonical(const char *dir, const char *name, allot_csv_reader **r,
                                   allot_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    allot_csv_options o;
    allot_csv_options_init(&o);
    o.delimiter = ',';
    o.header_line = 1;
    o.encoding = ALLOT_CSV_ENC_UTF8;
    return allot_csv_open(path, &o, r, err);
}

static void long_date(const char *iso, char *out, size_t size)
{
    static const char *const months[] = {"January", "February", "March", "April", "May",
                                         "June", "July", "August", "September", "October",
                                         "November", "December"};
    int y = 0, m = 1, d = 1;
    sscanf(iso, "%d-%d-%d", &y, &m, &d);
    snprintf(out, size, "%s %d, %d", months[(m - 1) % 12], d, y);
}

static allot_status write_google_ads(const char *dir, FILE *f, allot_error *err)
{
    allot_csv_reader *r;
    allot_status st = open_canonical(dir, "spend.csv", &r, err);
    if (st)
        return st;
    /* first pass: the date range for the title */
    const allot_csv_record *rec;
    char first[11] = "", last[11] = "";
    while (!(st = allot_csv_next(r, &rec, err)) && rec) {
        if (rec->count < 11 || strcmp(rec->fields[1].text, "google_ads") != 0)
            continue;
        if (!first[0] || strcmp(rec->fields[0].text, first) < 0)
            snprintf(first, sizeof first, "%.10s", rec->fields[0].text);
        if (strcmp(rec->fields[0].text, last) > 0)
            snprintf(last, sizeof last, "%.10s", rec->fields[0].text);
    }
    if (!st)
        st = allot_csv_rewind(r, err);
    if (st) {
        allot_csv_free(r);
        return st;
    }
    char a[40], b[40];
    long_date(first[0] ? first : "2024-01-01", a, sizeof a);
    long_date(last[0] ? last : "2024-01-01", b, sizeof b);
    fprintf(f, "Campaign report\n\"%s - %s\"\n", a, b);
    fputs("Day,Campaign,Campaign ID,Customer ID,Currency code,Cost,Impr.,Clicks,Conversions,"
          "Conv. value\n", f);
    int64_t cost = 0, impr = 0, clicks = 0;
    double conv = 0;
    char currency[4] = "USD";
    while (!(st = allot_csv_next(r, &rec, err)) && rec) {
        const allot_csv_field *v = rec->fields;
        if (rec->count < 11 || strcmp(v[1].text, "google_ads") != 0)
            continue;
        /* date, source_system, ad_account, campaign_id, campaign_name, cost,
         * currency, impressions, clicks, conversions, conversion_value */
        long n = strtol(v[3].text + 1, NULL, 10);
        fprintf(f, "%s,", v[0].text);
        if (strpbrk(v[4].text, ",\""))
            put_q(f, v[4].text);
        else
            fputs(v[4].text, f);
        fprintf(f, ",%lld,%s,%s,", 21000000000LL + n, v[2].text, v[6].text);
        int64_t micros = 0;
        allot_value_parse_money(v[5].text, 0, &micros, NULL, NULL);
        cost += micros;
        snprintf(currency, sizeof currency, "%.3s", v[6].text);
        /* cost with a thousands separator, like the UI */
        put_money_grouped(f, micros);
        fputc(',', f);
        if (v[7].len)
            put_grouped(f, v[7].text);
        else
            fputs("--", f);
        fputc(',', f);
        fputs(v[8].len ? v[8].text : "--", f);
        fputc(',', f);
        fputs(v[9].len ? v[9].text : "--", f);
        fputc(',', f);
        fputs(v[10].len ? v[10].text : "--", f);
        fputc('\n', f);
        impr += atoll(v[7].text);
        clicks += atoll(v[8].text);
        conv += atof(v[9].text);
    }
    allot_csv_free(r);
    if (st)
        return st;
    char digits[32];
    fprintf(f, "Total: Account,--,--,--,%s,", currency);
    put_money_grouped(f, cost);
    fputc(',', f);
    snprintf(digits, sizeof digits, "%lld", (long long)impr);
    put_grouped(f, digits);
    fprintf(f, ",%lld,%.2f,--\n", (long long)clicks, conv);
    return ALLOT_OK;
}

static allot_status write_salesforce(const char *dir, FILE *f, allot_error *err)
{
    allot_csv_reader *r;
    allot_status st = open_canonical(dir, "deals.csv", &r, err);
    if (st)
        return st;
    fputs("\"Id\",\"AccountId\",\"Name\",\"Amount\",\"CurrencyIsoCode\",\"CloseDate\","
          "\"StageName\",\"IsClosed\",\"IsWon\",\"CreatedDate\",\"LeadSource\",\"CampaignId\","
          "\"Type\"\n", f);
    const allot_csv_record *rec;
    while (!(st = allot_csv_next(r, &rec, err)) && rec) {
        const allot_csv_field *v = rec->fields;
        if (rec->count < 14)
            continue;
        /* deal_id, account_id, name, amount, currency, stage, is_closed, is_won,
         * created_at, close_date, pipeline, lead_source, campaign_id, deal_type */
        char created[40];
        snprintf(created, sizeof created, "%s", v[8].text);
        size_t n = strlen(created);
        if (n == 20 && created[19] == 'Z')
            snprintf(created + 19, sizeof created - 19, ".000Z");
        const char *cols[13] = {v[0].text, v[1].text, v[2].text, v[3].text, v[4].text,
                                v[9].text, v[5].text,
                                strcmp(v[6].text, "1") == 0 ? "true" : "false",
                                strcmp(v[7].text, "1") == 0 ? "true" : "false",
                                created, v[11].text, v[12].text, v[13].text};
        for (int i = 0; i < 13; i++) {
            if (i)
                fputc(',', f);
            put_q(f, cols[i]);
        }
        fputc('\n', f);
    }
    allot_csv_free(r);
    return st;
}

static allot_status write_exports(const char *dir, allot_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/exports", dir);
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return allot_error_set(err, ALLOT_ERR_IO, path, 0, 0, "cannot create: %s",
                               strerror(errno));
    for (int i = 0; allot_synth_exports[i]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, allot_synth_exports[i]);
        FILE *f = fopen(path, "wb");
        if (!f)
            return allot_error_set(err, ALLOT_ERR_IO, path, 0, 0, "cannot write: %s",
                                   strerror(errno));
        allot_status st = i == 0 ? write_google_ads(dir, f, err) : write_salesforce(dir, f, err);
        if (fclose(f) != 0 && !st)
            st = allot_error_set(err, ALLOT_ERR_IO, path, 0, 0, "cannot write: %s",
                                 strerror(errno));
        if (st)
            return st;
    }
    return ALLOT_OK;
}

allot_status allot_synth_write(const char *dir, const allot_synth_options *opt,
                               allot_synth_counts *counts, allot_error *err)
{
    memset(counts, 0, sizeof *counts);
    if (opt->touches < 1 || opt->quarters < 1 || opt->quarters > 40)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "touches must be >= 1 and quarters 1..40");
    int y, m, d;
    allot_civil_from_days(opt->start_day, &y, &m, &d);
    if (y < 1900 || y > 9000)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0, "start date must be 1900..9000");
    company c;
    memset(&c, 0, sizeof c);
    c.seed = opt->seed;
    c.start = opt->start_day;
    c.quarters = opt->quarters;
    c.scale = (double)opt->touches / SPEND_TOUCH_UNIT;
    c.quarter_start = calloc((size_t)c.quarters + 1, sizeof *c.quarter_start);
    allot_status st = ALLOT_OK;
    if (!c.quarter_start) {
        st = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (int q = 0; q <= c.quarters; q++)
        c.quarter_start[q] = allot_add_months(c.start, 3 * q);
    c.asof = c.quarter_start[c.quarters];
    if ((st = build_campaigns(&c, err)))
        goto done;

    for (int i = 0; allot_synth_files[i]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, allot_synth_files[i]);
        c.files[i].buf = malloc(OUT_BUF);
        c.files[i].f = fopen(path, "wb");
        if (!c.files[i].buf || !c.files[i].f) {
            st = allot_error_set(err, c.files[i].buf ? ALLOT_ERR_IO : ALLOT_ERR_NOMEM, path, 0, 0,
                                 "cannot write: %s", strerror(errno));
            goto done;
        }
        put_raw(&c.files[i], headers[i], strlen(headers[i]));
        put_raw(&c.files[i], "\n", 1);
    }

    write_fx(&c);
    gen g = {&c, 0, 0, 0, counts};
    int64_t next_report = 1000000;
    for (int64_t acct = 1; g.next_touch < opt->touches; acct++) {
        simulate_account(&g, acct);
        if (opt->progress && g.next_touch >= next_report) {
            opt->progress(opt->progress_ctx, g.next_touch, opt->touches);
            next_report += 1000000;
        }
        for (int i = 0; allot_synth_files[i]; i++)
            if (c.files[i].failed)
                goto done;
    }
    write_campaigns_and_spend(&c);

done:
    for (int i = 0; allot_synth_files[i]; i++) {
        out *o = &c.files[i];
        if (o->f) {
            out_flush(o);
            if (fclose(o->f) != 0 && !o->failed)
                o->failed = errno ? errno : EIO;
            if (o->failed && st == ALLOT_OK)
                st = allot_error_set(err, ALLOT_ERR_IO, allot_synth_files[i], 0, 0,
                                     "cannot write into %s: %s", dir, strerror(o->failed));
        }
        free(o->buf);
        counts->bytes += o->bytes;
    }
    counts->fx_rates = c.files[F_FX].rows;
    counts->campaigns = c.files[F_CAMPAIGNS].rows;
    counts->spend = c.files[F_SPEND].rows;
    counts->people = c.files[F_PEOPLE].rows;
    counts->touches = c.files[F_TOUCHES].rows;
    counts->deal_people = c.files[F_DEAL_PEOPLE].rows;
    counts->stage_history = c.files[F_STAGES].rows;
    counts->subscriptions = c.files[F_SUBS].rows;
    free(c.quarter_start);
    free(c.camps);
    free(c.events);
    if (st == ALLOT_OK)
        st = write_exports(dir, err);
    return st;
}
