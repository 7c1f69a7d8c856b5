/* dialects.c — header maps and transforms of the exports allot reads (dialect.h). */
#include "dialect.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "paths.h"
#include "store.h"
#include "value.h"

/* ---- declarative tables --------------------------------------------------- */

enum {
    SIG = 1,       /* needed to recognise the shape */
    SFID = 2,      /* Salesforce id: 15 -> 18 characters */
    MICROS = 4,    /* micros -> decimal units (Google Ads API cost_micros) */
    BRACKET = 8,   /* [123] -> 123 (Microsoft Advertising ids) */
    FILL = 16,     /* grouped report column: empty -> the value above */
    HDRCUR = 32,   /* alias "name (*)": the currency is in the header */
    INVERT = 64    /* rate -> 1 / rate (Salesforce: units per corporate unit) */
};

/* A column of a shape: field is a canonical column of the shape's table, or
 * an "@name" the shape's emitter reads; aliases are normalised header names
 * separated by '|'. */
typedef struct dcol {
    const char *field;
    const char *aliases;
    unsigned flags;
} dcol;

typedef enum kind {
    K_GENERIC,     /* one row into the table */
    K_SPEND,       /* spend: campaign id or name, joined to campaigns */
    K_SF_LEAD,     /* people from Salesforce leads */
    K_SF_CONTACT,  /* people from Salesforce contacts */
    K_SF_MEMBER,   /* touches from Salesforce campaign members */
    K_SF_ROLE,     /* deal_people from opportunity contact roles */
    K_HS_DEAL,     /* deals + deal_people + stage_history */
    K_SFR_OPP,     /* deals; closed/won from the stage when the report has no columns */
    K_HS_CONTACT,  /* people + stage_history */
    K_WEB,         /* touches from sessions/events */
    K_GA4,         /* touches from GA4 session_start events */
    K_PATHS        /* paths, normalised by lib/paths */
} kind;

typedef struct shape {
    const char *dialect;
    const char *name;
    const char *table;       /* main table fed */
    const dcol *cols;
    int ncols;
    const char *fixed;       /* "column=value;..." constants of the main table */
    kind kind;
    int date_order;          /* ALLOT_DATE_* default for slash dates */
    const char *maps;        /* one line for --list-dialects */
} shape;

#define N(a) ((int)(sizeof a / sizeof a[0]))

/* -- salesforce (API names: Data Loader, Data Export, Bulk API) -- */
static const dcol sf_opportunity[] = {
    {"deal_id", "id", SIG | SFID},
    {"name", "name", SIG},
    {"stage", "stagename", SIG},
    {"close_date", "closedate", SIG},
    {"account_id", "accountid", SFID},
    {"amount", "amount", 0},
    {"currency", "currencyisocode", 0},
    {"is_closed", "isclosed", 0},
    {"is_won", "iswon", 0},
    {"created_at", "createddate", 0},
    {"lead_source", "leadsource", 0},
    {"campaign_id", "campaignid", SFID},
    {"deal_type", "type", 0},
};
static const dcol sf_history[] = {
    {"entity_id", "opportunityid", SIG | SFID},
    {"stage", "stagename", SIG},
    {"entered_at", "createddate", SIG},
};
static const dcol sf_role[] = {
    {"deal_id", "opportunityid", SIG | SFID},
    {"@contact", "contactid", SIG | SFID},
    {"role", "role", 0},
    {"is_primary", "isprimary", 0},
};
static const dcol sf_campaign[] = {
    {"campaign_id", "id", SIG | SFID},
    {"name", "name", SIG},
    {"start_date", "startdate", SIG},
    {"end_date", "enddate", 0},
    {"type", "type", 0},
    {"parent_id", "parentid", SFID},
    {"budgeted_cost", "budgetedcost", 0},
    {"actual_cost", "actualcost", 0},
    {"currency", "currencyisocode", 0},
};
static const dcol sf_member[] = {
    {"@id", "id", SFID},
    {"campaign_id", "campaignid", SIG | SFID},
    {"@lead", "leadid", SFID},
    {"@contact", "contactid", SFID},
    {"@responded", "hasresponded", SIG},
    {"@responded_date", "firstrespondeddate", 0},
    {"@created", "createddate", SIG},
    {"@status", "status", 0},
};
static const dcol sf_lead[] = {
    {"lead_id", "id", SIG | SFID},
    {"@converted", "isconverted", SIG},
    {"email", "email", 0},
    {"created_at", "createddate", 0},
    {"converted_at", "converteddate", 0},
    {"original_source", "leadsource", 0},
    {"contact_id", "convertedcontactid", SFID},
    {"account_id", "convertedaccountid", SFID},
};
static const dcol sf_contact[] = {
    {"contact_id", "id", SIG | SFID},
    {"account_id", "accountid", SIG | SFID},
    {"email", "email", SIG},
    {"created_at", "createddate", 0},
    {"original_source", "leadsource", 0},
};
static const dcol sf_rate[] = {
    {"currency", "isocode", SIG},
    {"rate", "conversionrate", SIG | INVERT},
    {"start_date", "startdate", SIG},
    {"end_date", "nextstartdate", 0},
};

/* -- salesforce reports (display labels, 15-character ids) -- */
static const dcol sfr_opportunity[] = {
    {"name", "opportunity name", SIG},
    {"stage", "stage", SIG | FILL},
    {"close_date", "close date", SIG},
    {"deal_id", "opportunity id|opportunity id (18)", SIG | SFID},
    {"account_id", "account id", SFID | FILL},
    {"amount", "amount", 0},
    {"currency", "amount currency|opportunity currency|currency", 0},
    {"is_closed", "closed", 0},
    {"is_won", "won", 0},
    {"created_at", "created date", 0},
    {"lead_source", "lead source", FILL},
    {"campaign_id", "primary campaign id|campaign id", SFID},
    {"deal_type", "type|opportunity type", FILL},
};
static const dcol sfr_member[] = {
    {"campaign_id", "campaign id", SIG | SFID | FILL},
    {"@lead", "lead id", SFID},
    {"@contact", "contact id", SFID},
    {"@responded", "responded|has responded", SIG},
    {"@responded_date", "first responded date|first responded", 0},
    {"@created", "member first associated|created date|member created date", SIG},
    {"@status", "member status|status", 0},
    {"@id", "campaign member id", SFID},
};

/* -- hubspot -- */
static const dcol hs_deal[] = {
    {"deal_id", "record id|deal id", SIG},
    {"name", "deal name", SIG},
    {"amount", "amount", 0},
    {"currency", "currency|deal currency code|currency code", 0},
    {"stage", "deal stage", 0},
    {"pipeline", "pipeline", 0},
    {"close_date", "close date", 0},
    {"created_at", "create date", SIG},
    {"lead_source", "original source type|original source", 0},
    {"deal_type", "deal type", 0},
    {"@contacts", "associated contact ids|associated contact id|associated contacts ids", 0},
};
static const dcol hs_contact[] = {
    {"contact_id", "record id|contact id", SIG},
    {"email", "email", SIG},
    {"created_at", "create date", SIG},
    {"@lifecycle", "lifecycle stage", 0},
    {"original_source", "original source", 0},
    {"@drill1", "original source drill-down 1", 0},
    {"@drill2", "original source drill-down 2", 0},
    {"account_id", "associated company id|company id", 0},
};

/* -- ad platforms -> spend -- */
static const dcol gads_ui[] = {
    {"date", "day|date", SIG},
    {"campaign_name", "campaign", SIG},
    {"cost", "cost", SIG},
    {"campaign_id", "campaign id", 0},
    {"currency", "currency code|currency", 0},
    {"ad_account", "customer id|account id", 0},
    {"impressions", "impr.|impressions", 0},
    {"clicks", "clicks", 0},
    {"conversions", "conversions", 0},
    {"conversion_value", "conv. value|conversion value", 0},
};
static const dcol gads_api[] = {
    {"date", "segments.date|segments_date|date", SIG},
    {"cost", "metrics.cost_micros|metrics_cost_micros|cost_micros", SIG | MICROS},
    {"campaign_id", "campaign.id|campaign_id", SIG},
    {"campaign_name", "campaign.name|campaign_name", 0},
    {"currency", "customer.currency_code|customer_currency_code|currency_code", 0},
    {"ad_account", "customer.id|customer_id", 0},
    {"impressions", "metrics.impressions|metrics_impressions|impressions", 0},
    {"clicks", "metrics.clicks|metrics_clicks|clicks", 0},
    {"conversions", "metrics.conversions|metrics_conversions|conversions", 0},
    {"conversion_value",
     "metrics.conversions_value|metrics_conversions_value|conversions_value", 0},
};
static const dcol meta_ui[] = {
    {"date", "day|reporting starts|dia|inicio del informe|jour|debut des rapports|tag|"
             "berichtsbeginn|inicio dos relatorios", SIG},
    {"campaign_name", "campaign name|nombre de la campana|nom de la campagne|kampagnenname|"
                      "nome da campanha", SIG},
    {"cost", "amount spent (*)|importe gastado (*)|montant depense (*)|"
             "ausgegebener betrag (*)|valor usado (*)|valor gasto (*)", SIG | HDRCUR},
    {"campaign_id", "campaign id|identificador de la campana|identifiant de la campagne|"
                    "kampagnen-id|identificacao da campanha|id da campanha", 0},
    {"currency", "currency|divisa|moneda|devise|wahrung|moeda", 0},
    {"ad_account", "account id|identificador de la cuenta|identifiant du compte|konto-id|"
                   "identificacao da conta", 0},
    {"impressions", "impressions|impresiones|impressionen|impressoes", 0},
    {"clicks", "link clicks|clics en el enlace|clics sur un lien|link-klicks|"
               "cliques no link", 0},
    {"conversions", "results|resultados|resultats|ergebnisse", 0},
    {"@ends", "reporting ends|fin del informe|fin des rapports|berichtsende|"
              "termino dos relatorios", 0},
};
static const dcol linkedin[] = {
    {"date", "start date (in utc)", SIG},
    {"cost", "total spent", SIG},
    {"campaign_name", "campaign name|campaign", 0},
    {"campaign_id", "campaign id", 0},
    {"currency", "currency", 0},
    {"ad_account", "account id", 0},
    {"impressions", "impressions", 0},
    {"clicks", "clicks", 0},
    {"conversions", "leads|conversions", 0},
};
static const dcol msads[] = {
    {"date", "gregorian date|timeperiod|time period|date|day", SIG},
    {"cost", "spend", SIG},
    {"campaign_name", "campaign name|campaignname|campaign", SIG},
    {"campaign_id", "campaign id|campaignid", BRACKET},
    {"currency", "currency code|currencycode|currency", 0},
    {"ad_account", "account number|accountnumber|account id|accountid", BRACKET},
    {"impressions", "impr.|impressions", 0},
    {"clicks", "clicks", 0},
    {"conversions", "conv.|conversions", 0},
    {"conversion_value", "revenue", 0},
};

/* -- web sessions and GA4 -- */
static const dcol web[] = {
    {"@ts", "timestamp|session_start|session start|started_at|start_time|occurred_at|"
            "event_time|visit_time|time|datetime", SIG},
    {"@touch", "session_id|session id|event_id|visit_id|touch_id", 0},
    {"@person", "person_id|user_id|contact_id|customer_id", 0},
    {"@anon", "anonymous_id|anonymous id|visitor_id|visitor id|client_id|cookie_id|"
              "device_id", 0},
    {"@email", "email|e-mail|email_address", 0},
    {"@url", "landing_page|landing page|landing_url|landing url|page_url|url|page", 0},
    {"@referrer", "referrer|referer|page_referrer", 0},
    {"@utm_source", "utm_source", 0},
    {"@utm_medium", "utm_medium", 0},
    {"@utm_campaign", "utm_campaign", 0},
    {"@utm_content", "utm_content", 0},
    {"@utm_term", "utm_term", 0},
    {"@gclid", "gclid", 0},
    {"@msclkid", "msclkid", 0},
    {"@fbclid", "fbclid", 0},
    {"@channel", "channel", 0},
    {"@type", "touch_type|event_type|type", 0},
};
static const dcol ga4[] = {
    {"@ts", "event_timestamp", SIG},
    {"@anon", "user_pseudo_id", SIG},
    {"@event", "event_name", 0},
    {"@person", "user_id", 0},
    {"@session", "ga_session_id|event_params.ga_session_id|session_id", 0},
    {"@url", "page_location|event_params.page_location", 0},
    {"@referrer", "page_referrer|event_params.page_referrer", 0},
    {"@utm_source", "collected_traffic_source.manual_source|"
                    "collected_traffic_source_manual_source", 0},
    {"@utm_medium", "collected_traffic_source.manual_medium|"
                    "collected_traffic_source_manual_medium", 0},
    {"@utm_campaign", "collected_traffic_source.manual_campaign_name|"
                      "collected_traffic_source_manual_campaign_name", 0},
    {"@utm_content", "collected_traffic_source.manual_content|"
                     "collected_traffic_source_manual_content", 0},
    {"@utm_term", "collected_traffic_source.manual_term|collected_traffic_source_manual_term",
     0},
    {"@gclid", "collected_traffic_source.gclid|collected_traffic_source_gclid", 0},
};

/* -- attribution paths -- */
static const dcol pathcols[] = {
    {"path", "path|paths|channel_path", SIG},
    {"conversions", "total_conversions|total_conversion", SIG},
    {"value", "total_conversion_value|total_value", 0},
    {"nulls", "total_null|total_nulls|total_non_conversions", 0},
};

#define SHAPE(d, n, t, c, f, k, o, m) {d, n, t, c, N(c), f, k, o, m}
static const shape shapes[] = {
    SHAPE("salesforce", "Opportunity", "deals", sf_opportunity, "source_system=salesforce",
          K_GENERIC, 0, "Opportunity (Id, Name, StageName, CloseDate, AccountId, Amount, "
          "CurrencyIsoCode, IsClosed, IsWon, CreatedDate, LeadSource, CampaignId, Type) -> deals"),
    SHAPE("salesforce", "OpportunityHistory", "stage_history", sf_history, "entity_type=deal",
          K_GENERIC, 0, "OpportunityHistory (OpportunityId, StageName, CreatedDate) -> "
          "stage_history of the deal"),
    SHAPE("salesforce", "OpportunityContactRole", "deal_people", sf_role, NULL, K_SF_ROLE, 0,
          "OpportunityContactRole (OpportunityId, ContactId, Role, IsPrimary) -> deal_people"),
    SHAPE("salesforce", "Campaign", "campaigns", sf_campaign, "source_system=salesforce",
          K_GENERIC, 0, "Campaign (Id, Name, StartDate, EndDate, Type, ParentId, BudgetedCost, "
          "ActualCost, CurrencyIsoCode) -> campaigns"),
    SHAPE("salesforce", "CampaignMember", "touches", sf_member, NULL, K_SF_MEMBER, 0,
          "CampaignMember (Id, CampaignId, LeadId, ContactId, HasResponded, "
          "FirstRespondedDate, CreatedDate) -> touches of type campaign_member, at the "
          "first-responded date when responded, else the created date"),
    SHAPE("salesforce", "Lead", "people", sf_lead, NULL, K_SF_LEAD, 0,
          "Lead (Id, IsConverted, Email, CreatedDate, ConvertedDate, LeadSource, "
          "ConvertedContactId, ConvertedAccountId) -> people"),
    SHAPE("salesforce", "Contact", "people", sf_contact, NULL, K_SF_CONTACT, 0,
          "Contact (Id, AccountId, Email, CreatedDate, LeadSource) -> people"),
    SHAPE("salesforce", "DatedConversionRate", "fx_rates", sf_rate, NULL, K_GENERIC, 0,
          "DatedConversionRate (IsoCode, ConversionRate, StartDate, NextStartDate) -> "
          "fx_rates (rate = 1 / ConversionRate: corporate units per unit)"),
    SHAPE("salesforce-report", "Opportunity report", "deals", sfr_opportunity,
          "source_system=salesforce", K_SFR_OPP, 0,
          "opportunity report (Opportunity Name, Stage, Close Date, Opportunity ID, Account "
          "ID, Amount, Amount Currency, Closed, Won, Created Date, Lead Source, Type) -> deals"),
    SHAPE("salesforce-report", "Campaign member report", "touches", sfr_member, NULL,
          K_SF_MEMBER, 0, "campaign member report (Campaign ID, Lead ID, Contact ID, "
          "Responded, First Responded Date, Member First Associated / Created Date) -> touches"),
    SHAPE("hubspot", "Deals", "deals", hs_deal, "source_system=hubspot", K_HS_DEAL, 0,
          "deals export (Record ID, Deal Name, Amount, Currency, Deal Stage, Pipeline, Close "
          "Date, Create Date, Original Source Type, Associated Contact IDs, Date entered "
          "'<stage> (<pipeline>)') -> deals, deal_people, stage_history"),
    SHAPE("hubspot", "Contacts", "people", hs_contact, NULL, K_HS_CONTACT, 0,
          "contacts export (Record ID, Email, Create Date, Lifecycle Stage, Original Source, "
          "Became a <stage> Date) -> people, stage_history"),
    SHAPE("google-ads", "UI download", "spend", gads_ui, "source_system=google_ads", K_SPEND, 0,
          "report download (Day, Campaign, Campaign ID, Currency code, Cost, Impr., Clicks, "
          "Conversions, Conv. value) -> spend"),
    SHAPE("google-ads", "API", "spend", gads_api, "source_system=google_ads", K_SPEND, 0,
          "API/GAQL rows (segments.date, campaign.id, campaign.name, metrics.cost_micros, "
          "metrics.impressions, metrics.clicks, metrics.conversions) -> spend"),
    SHAPE("meta-ads", "Ads Manager export", "spend", meta_ui, "source_system=meta_ads",
          K_SPEND, 0, "Ads Manager export (Day or Reporting starts, Campaign name, Campaign ID, "
          "Amount spent (XXX), Impressions, Link clicks, Results; es/fr/de/pt headers) -> spend"),
    SHAPE("linkedin-ads", "Campaign Manager export", "spend", linkedin,
          "source_system=linkedin_ads", K_SPEND, ALLOT_DATE_MDY,
          "Campaign Manager export (Start Date (in UTC), Campaign Name, Campaign ID, Currency, "
          "Total Spent, Impressions, Clicks, Leads) -> spend"),
    SHAPE("microsoft-ads", "report", "spend", msads, "source_system=microsoft_ads", K_SPEND,
          ALLOT_DATE_MDY,
          "report (Gregorian date / TimePeriod, Campaign name, Campaign ID, Currency code, "
          "Spend, Impressions, Clicks, Conversions, Revenue) -> spend"),
    SHAPE("web-sessions", "sessions", "touches", web, NULL, K_WEB, 0,
          "sessions or events (a timestamp; person_id, anonymous_id or email; utm_* columns "
          "or a landing URL; gclid/msclkid/fbclid) -> touches"),
    SHAPE("web-sessions", "GA4 events", "touches", ga4, NULL, K_GA4, 0,
          "GA4 flattened events (event_timestamp in microseconds, user_pseudo_id, event_name, "
          "collected_traffic_source.*) -> touches (session_start events)"),
    SHAPE("paths", "path file", "paths", pathcols, NULL, K_PATHS, 0,
          "path;total_conversions;total_conversion_value;total_null (a > b > c) -> paths"),
};
#define NSHAPES N(shapes)

static const char *const dialect_names[] = {
    "salesforce", "salesforce-report", "hubspot", "google-ads", "meta-ads",
    "linkedin-ads", "microsoft-ads", "web-sessions", "paths",
};
#define NDIALECTS N(dialect_names)

int allot_dialect_count(void) { return NDIALECTS; }

const char *allot_dialect_name(int i)
{
    return i >= 0 && i < NDIALECTS ? dialect_names[i] : NULL;
}

const char *allot_dialect_names(void)
{
    return "salesforce, salesforce-report, hubspot, google-ads, meta-ads, linkedin-ads, "
           "microsoft-ads, web-sessions, paths";
}

int allot_dialect_find(const char *name)
{
    for (int i = 0; name && i < NDIALECTS; i++)
        if (strcasecmp(name, dialect_names[i]) == 0)
            return i;
    return -1;
}

const char *allot_dialect_shape_maps(int i, int k)
{
    if (i < 0 || i >= NDIALECTS)
        return NULL;
    for (int s = 0; s < NSHAPES; s++)
        if (strcmp(shapes[s].dialect, dialect_names[i]) == 0 && k-- == 0)
            return shapes[s].maps;
    return NULL;
}

int allot_dialect_decimal_comma(int shape)
{
    /* path files separate fields with ';' but write decimal points */
    return shape >= 0 && shape < NSHAPES && shapes[shape].kind == K_PATHS ? 0 : -1;
}

int allot_dialect_date_order(int shape)
{
    return shape >= 0 && shape < NSHAPES ? shapes[shape].date_order : 0;
}

/* ---- header names ------------------------------------------------------------ */

void allot_dialect_norm(const char *in, char *out, size_t size)
{
    static const char fold[] = "aaaaaaaceeeeiiiidnooooo ouuuuyts"   /* U+00C0..U+00DF */
                               "aaaaaaaceeeeiiiidnooooo ouuuuyty";  /* U+00E0..U+00FF */
    const unsigned char *s = (const unsigned char *)in;
    size_t o = 0;
    int space = 0;
    if (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        s += 3;
    while (*s && o + 1 < size) {
        unsigned char c = *s;
        if (c == 0xC3 && s[1] >= 0x80 && s[1] <= 0xBF) {
            char f = fold[s[1] - 0x80];
            s += 2;
            if (f == ' ')
                continue;
            if (space && o)
                out[o++] = ' ';
            space = 0;
            out[o++] = f;
            continue;
        }
        if (c == 0xC2 && s[1] == 0xA0) {   /* NBSP */
            space = 1;
            s += 2;
            continue;
        }
        if (c == 0xE2 && ((s[1] == 0x86 && (s[2] == 0x91 || s[2] == 0x93)) ||
                          (s[1] == 0x96 && (s[2] == 0xB2 || s[2] == 0xBC)))) {
            s += 3;   /* sort arrows */
            continue;
        }
        if (isspace(c)) {
            space = 1;
            s++;
            continue;
        }
        if (space && o)
            out[o++] = ' ';
        space = 0;
        out[o++] = (char)tolower(c);
        s++;
    }
    out[o] = '\0';
}

/* 1 when normalised header h equals one of the '|'-separated aliases; an
 * alias ending in "(*)" matches "prefix (XYZ)" and copies XYZ to cur. */
static int alias_match(const char *aliases, const char *h, char *cur)
{
    const char *a = aliases;
    size_t hl = strlen(h);
    while (*a) {
        const char *e = strchr(a, '|');
        size_t n = e ? (size_t)(e - a) : strlen(a);
        if (n >= 3 && strncmp(a + n - 3, "(*)", 3) == 0) {
            size_t p = n - 3;
            if (hl == p + 5 && strncmp(h, a, p) == 0 && h[p] == '(' && h[p + 4] == ')' &&
                isalpha((unsigned char)h[p + 1]) && isalpha((unsigned char)h[p + 2]) &&
                isalpha((unsigned char)h[p + 3])) {
                if (cur) {
                    for (int k = 0; k < 3; k++)
                        cur[k] = (char)toupper((unsigned char)h[p + 1 + k]);
                    cur[3] = '\0';
                }
                return 1;
            }
        } else if (n == hl && strncmp(a, h, n) == 0) {
            return 1;
        }
        a += n;
        if (*a == '|')
            a++;
    }
    return 0;
}

/* Index in h of the first header matching aliases, -1 none. */
static int find_field(const allot_csv_record *h, char (*norm)[128], const char *aliases,
                      char *cur)
{
    for (size_t i = 0; i < h->count; i++)
        if (norm[i][0] && alias_match(aliases, norm[i], cur))
            return (int)i;
    return -1;
}

#define MAX_HEADER 256

static void norm_header(const allot_csv_record *h, char (*norm)[128])
{
    for (size_t i = 0; i < h->count && i < MAX_HEADER; i++)
        allot_dialect_norm(h->fields[i].text, norm[i], 128);
}

/* Headers of shape sh present in h, and whether every signature is. */
static int shape_score(const shape *sh, const allot_csv_record *h, char (*norm)[128],
                       int *signed_ok, char *missing, size_t msize)
{
    int m = 0;
    *signed_ok = 1;
    if (missing)
        missing[0] = '\0';
    for (int c = 0; c < sh->ncols; c++) {
        int f = find_field(h, norm, sh->cols[c].aliases, NULL);
        if (f >= 0)
            m++;
        else if (sh->cols[c].flags & SIG) {
            *signed_ok = 0;
            if (missing) {
                /* the first alias, as a name to look for */
                const char *a = sh->cols[c].aliases;
                const char *e = strchr(a, '|');
                size_t n = e ? (size_t)(e - a) : strlen(a);
                size_t l = strlen(missing);
                int wild = n >= 3 && strncmp(a + n - 3, "(*)", 3) == 0;
                snprintf(missing + l, msize - l, "%s'%.*s%s'", l ? ", " : "",
                         (int)(wild ? n - 3 : n), a, wild ? "(XXX)" : "");
            }
        }
    }
    return m;
}

static int shape_allowed(int dialect, const shape *sh)
{
    return dialect < 0 || strcmp(sh->dialect, dialect_names[dialect]) == 0;
}

void allot_dialect_classify(int dialect, const allot_csv_record *h, allot_dialect_match *m)
{
    memset(m, 0, sizeof *m);
    m->shape = -1;
    if (h->count > MAX_HEADER)
        return;
    char (*norm)[128] = malloc(MAX_HEADER * sizeof *norm);
    if (!norm)
        return;
    norm_header(h, norm);
    int best = -1, best_score = 0, close = -1;
    double close_frac = -1;
    for (int s = 0; s < NSHAPES; s++) {
        if (!shape_allowed(dialect, &shapes[s]))
            continue;
        int ok;
        int sc = shape_score(&shapes[s], h, norm, &ok, NULL, 0);
        if (ok && sc > best_score) {
            best = s;
            best_score = sc;
        }
        int nsig = 0, have = 0;
        for (int c = 0; c < shapes[s].ncols; c++)
            if (shapes[s].cols[c].flags & SIG) {
                nsig++;
                have += find_field(h, norm, shapes[s].cols[c].aliases, NULL) >= 0;
            }
        double frac = nsig ? (double)have / nsig : 0;
        if (frac > close_frac) {
            close_frac = frac;
            close = s;
        }
    }
    if (best >= 0) {
        m->shape = best;
        m->score = best_score;
        m->dialect = shapes[best].dialect;
        m->shape_name = shapes[best].name;
    } else if (close >= 0 && close_frac > 0) {
        int ok;
        shape_score(&shapes[close], h, norm, &ok, m->missing, sizeof m->missing);
        m->dialect = shapes[close].dialect;
        m->shape_name = shapes[close].name;
    }
    free(norm);
}

int allot_dialect_score(int dialect, const allot_csv_record *h)
{
    allot_dialect_match m;
    allot_dialect_classify(dialect, h, &m);
    return m.shape >= 0 ? m.score : 0;
}

static int starts_ci(const char *s, const char *p)
{
    return strncasecmp(s, p, strlen(p)) == 0;
}

int allot_dialect_is_footer(void *ctx, const allot_csv_record *rec)
{
    if (allot_csv_is_total_row(ctx, rec))
        return 1;
    const char *first = NULL;
    size_t nonempty = 0;
    for (size_t i = 0; i < rec->count; i++)
        if (rec->fields[i].len) {
            nonempty++;
            if (!first)
                first = rec->fields[i].text;
        }
    if (!first)
        return 0;
    while (*first == ' ')
        first++;
    if (starts_ci(first, "\xC3\x82\xC2\xA9") || starts_ci(first, "(c)") ||
        starts_ci(first, "\xEF\xBF\xBD") || (first[0] == '\xA9'))
        return 1;
    if (nonempty == 1 && (strstr(first, "Microsoft Corporation") ||
                          strstr(first, "Confidential Information") ||
                          starts_ci(first, "Salesforce.com") || starts_ci(first, "Report Total")))
        return 1;
    return 0;
}

/* ---- Salesforce ids ----------------------------------------------------------- */

int allot_sfid18(const char *in, char *out)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    size_t n = strlen(in);
    int ok = n == 15;
    for (size_t i = 0; ok && i < 15; i++)
        ok = isalnum((unsigned char)in[i]) != 0;
    if (!ok) {
        snprintf(out, 19, "%.18s", in);
        return 0;
    }
    memcpy(out, in, 15);
    for (int chunk = 0; chunk < 3; chunk++) {
        int bits = 0;
        for (int j = 0; j < 5; j++)
            if (in[chunk * 5 + j] >= 'A' && in[chunk * 5 + j] <= 'Z')
                bits |= 1 << j;
        out[15 + chunk] = alphabet[bits];
    }
    out[18] = '\0';
    return 1;
}

/* ---- converting a file ---------------------------------------------------------- */

#define MAX_OUT 3
#define MAX_STAGES 32

typedef struct anon_link {
    char *anon, *person;
    size_t seen;                /* order in the file: the first link of an id wins */
} anon_link;

struct allot_dialect_file {
    sqlite3 *db;
    const shape *sh;
    int shape_index;
    allot_dialect_warn_fn warn;
    void *warn_ctx;
    int field[40];              /* per shape column: source field, -1 absent */
    char hdr_currency[4];
    allot_dialect_out outs[MAX_OUT];
    int nouts;
    int from[MAX_OUT][40];      /* per output column: shape column feeding it, -1 none */
    char *val[MAX_OUT][40];     /* per output column: the value being built */
    size_t cap[MAX_OUT][40];
    long src[MAX_OUT][40];
    char *fill[40];             /* FILL columns: the last non-empty value */
    char *tmp;                  /* one transformed value */
    size_t tmp_cap;
    /* stage columns (HubSpot): source field and stage name */
    int nstages;
    int stage_field[MAX_STAGES];
    char stage_name[MAX_STAGES][96];
    /* lookups */
    sqlite3_stmt *q_camp_id, *q_camp_name, *q_lead, *q_contact, *q_email, *q_anon, *q_person;
    anon_link *links;
    size_t nlinks, links_cap;
    int sorted;
    int64_t ambiguous_warned;
    int span_warned;            /* a spend row covering several days was seen */
    int frozen;                 /* outputs fixed: out_col adds no column */
    int decimal_comma;          /* how the file writes decimals (set_decimal_comma) */
    char why[160];              /* a transform refused the row's value ... */
    long why_col;               /* ... of this source column (1-based) */
};

static int out_col(allot_dialect_file *f, int out, const char *name)
{
    allot_dialect_out *o = &f->outs[out];
    for (int i = 0; i < o->ncols; i++)
        if (strcmp(o->names[i], name) == 0)
            return i;
    if (o->ncols >= 40 || f->frozen)
        return -1;
    o->names[o->ncols] = name;
    f->from[out][o->ncols] = -1;
    return o->ncols++;
}

static int add_out(allot_dialect_file *f, const char *table)
{
    f->outs[f->nouts].table = table;
    return f->nouts++;
}

/* The stage_history rows a HubSpot export's stage dates become. */
static void add_stage_history_out(allot_dialect_file *f)
{
    int o = add_out(f, "stage_history");
    out_col(f, o, "entity_type");
    out_col(f, o, "entity_id");
    out_col(f, o, "stage");
    out_col(f, o, "entered_at");
}

static int set_val(allot_dialect_file *f, int out, int col, const char *v, size_t n, long src)
{
    if (col < 0)
        return 0;
    if (n + 1 > f->cap[out][col]) {
        char *nv = realloc(f->val[out][col], n + 64);
        if (!nv)
            return -1;
        f->val[out][col] = nv;
        f->cap[out][col] = n + 64;
    }
    memcpy(f->val[out][col], v, n);
    f->val[out][col][n] = '\0';
    f->src[out][col] = src;
    return 0;
}

static int put(allot_dialect_file *f, int out, const char *name, const char *v, long src)
{
    return set_val(f, out, out_col(f, out, name), v, strlen(v), src);
}

static void clear_out(allot_dialect_file *f, int out)
{
    for (int i = 0; i < f->outs[out].ncols; i++)
        set_val(f, out, i, "", 0, 0);
}

static int shape_col(const shape *sh, const char *field)
{
    for (int c = 0; c < sh->ncols; c++)
        if (strcmp(sh->cols[c].field, field) == 0)
            return c;
    return -1;
}

static void trim_span(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* The decimal separator of the numbers a transform writes: the file's own,
 * so that the loader reads them back as it reads the file's. */
static char decimal_mark(const allot_dialect_file *f)
{
    return f->decimal_comma > 0 ? ',' : '.';
}

/* Marks the row rejected because of shape column c's value; returns "" as
 * the value. While the separator is not known (a sample pass), the value
 * passes unchanged instead. */
static const char *refuse(allot_dialect_file *f, int c, const char *why)
{
    if (f->decimal_comma < 0)
        return f->tmp;
    if (!f->why[0]) {
        snprintf(f->why, sizeof f->why, "%s", why);
        f->why_col = f->field[c] + 1;
    }
    return "";
}

/* The transformed value of shape column c in rec into f->tmp ("" when
 * absent or empty). */
static const char *colval(allot_dialect_file *f, const allot_csv_record *rec, int c)
{
    if (c < 0 || f->field[c] < 0 || (size_t)f->field[c] >= rec->count)
        return "";
    const dcol *dc = &f->sh->cols[c];
    const char *s = rec->fields[f->field[c]].text;
    size_t n = rec->fields[f->field[c]].len;
    trim_span(&s, &n);
    if (dc->flags & FILL) {
        if (n == 0 && f->fill[c]) {
            s = f->fill[c];
            n = strlen(s);
        } else if (n) {
            char *nf = realloc(f->fill[c], n + 1);
            if (nf) {
                memcpy(nf, s, n);
                nf[n] = '\0';
                f->fill[c] = nf;
                s = nf;
            }
        }
    }
    if ((dc->flags & BRACKET) && n >= 2 && s[0] == '[' && s[n - 1] == ']') {
        s++;
        n -= 2;
    }
    if (n + 64 > f->tmp_cap) {
        char *nt = realloc(f->tmp, n + 64);
        if (!nt)
            return "";
        f->tmp = nt;
        f->tmp_cap = n + 64;
    }
    memcpy(f->tmp, s, n);
    f->tmp[n] = '\0';
    if (n == 0)
        return f->tmp;
    if (dc->flags & SFID) {
        char id[19];
        allot_sfid18(f->tmp, id);
        strcpy(f->tmp, id);
    } else if (dc->flags & MICROS) {
        /* whole micros -> "units.micros" (exact) */
        int64_t v;
        if (allot_value_parse_int(f->tmp, f->decimal_comma > 0, &v, NULL) == ALLOT_VALUE_OK) {
            uint64_t a = v < 0 ? 0ULL - (uint64_t)v : (uint64_t)v;
            snprintf(f->tmp, f->tmp_cap, "%s%llu%c%06llu", v < 0 ? "-" : "",
                     (unsigned long long)(a / 1000000U), decimal_mark(f),
                     (unsigned long long)(a % 1000000U));
        } else {
            return refuse(f, c, "not a whole number of micros");
        }
    } else if (dc->flags & INVERT) {
        double d;
        if (allot_value_parse_real(f->tmp, f->decimal_comma > 0, &d, NULL) != ALLOT_VALUE_OK ||
            !(d > 0))
            return refuse(f, c, "not a positive conversion rate");
        snprintf(f->tmp, f->tmp_cap, "%.12g", 1.0 / d);
        char *point = strchr(f->tmp, '.');
        if (point)
            *point = decimal_mark(f);
    }
    return f->tmp;
}

static long colsrc(const allot_dialect_file *f, int c)
{
    return c >= 0 && f->field[c] >= 0 ? f->field[c] + 1 : 0;
}

/* Copies a shape column's value into an output column. */
static int put_col(allot_dialect_file *f, int out, const char *name,
                   const allot_csv_record *rec, const char *field)
{
    int c = shape_col(f->sh, field);
    return put(f, out, name, colval(f, rec, c), colsrc(f, c));
}

static const char *getv(allot_dialect_file *f, const allot_csv_record *rec, const char *field,
                        char *buf, size_t size)
{
    snprintf(buf, size, "%s", colval(f, rec, shape_col(f->sh, field)));
    return buf;
}

/* -- lookups (read the database through this load's connection) -- */

static int lookup1(sqlite3_stmt *st, const char *key, char *out, size_t size)
{
    int found = 0;
    out[0] = '\0';
    if (!st || !key[0])
        return 0;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        if (v && found == 0)
            snprintf(out, size, "%s", (const char *)v);
        found++;
    }
    sqlite3_reset(st);
    return found;
}

/* The person a row with these ids belongs to (see dialect.h): an existing
 * person with the contact id, the lead id or the e-mail; else "". */
static void find_person(allot_dialect_file *f, const char *lead, const char *contact,
                        const char *email, char *out, size_t size)
{
    char low[320];
    size_t i;
    for (i = 0; email[i] && i + 1 < sizeof low; i++)
        low[i] = (char)tolower((unsigned char)email[i]);
    low[i] = '\0';
    if (lookup1(f->q_contact, contact, out, size) || lookup1(f->q_lead, lead, out, size) ||
        lookup1(f->q_email, low, out, size))
        return;
    out[0] = '\0';
}

static int cmp_link_anon(const void *a, const void *b)
{
    return strcmp(((const anon_link *)a)->anon, ((const anon_link *)b)->anon);
}

static int cmp_link(const void *a, const void *b)
{
    const anon_link *x = a, *y = b;
    int c = cmp_link_anon(a, b);
    return c ? c : (x->seen > y->seen) - (x->seen < y->seen);
}

/* Sorts the links by anonymous id and keeps the first seen of each. */
static void settle_links(allot_dialect_file *f)
{
    if (f->nlinks)
        qsort(f->links, f->nlinks, sizeof *f->links, cmp_link);
    size_t kept = 0;
    for (size_t i = 0; i < f->nlinks; i++) {
        if (kept && strcmp(f->links[kept - 1].anon, f->links[i].anon) == 0) {
            free(f->links[i].anon);
            free(f->links[i].person);
            continue;
        }
        f->links[kept++] = f->links[i];
    }
    f->nlinks = kept;
    f->sorted = 1;
}

static const char *linked_person(allot_dialect_file *f, const char *anon)
{
    if (!anon[0])
        return NULL;
    if (!f->sorted)
        settle_links(f);
    anon_link key = {(char *)anon, NULL, 0};
    anon_link *l = f->nlinks ? bsearch(&key, f->links, f->nlinks, sizeof *f->links,
                                       cmp_link_anon)
                             : NULL;
    return l ? l->person : NULL;
}

static allot_status prepare(allot_dialect_file *f, const char *sql, sqlite3_stmt **st,
                            allot_error *err)
{
    if (sqlite3_prepare_v2(f->db, sql, -1, st, NULL) != SQLITE_OK)
        return allot_error_set(err, ALLOT_ERR_DB, NULL, 0, 0, "cannot prepare a lookup: %s",
                               sqlite3_errmsg(f->db));
    return ALLOT_OK;
}

/* -- setting up a file -- */

static const char *stage_of_became(const char *norm, char *out, size_t size)
{
    /* "became a marketing qualified lead date" -> "mql" */
    static const struct { const char *from, *to; } m[] = {
        {"subscriber", "subscriber"}, {"lead", "lead"}, {"marketing qualified lead", "mql"},
        {"sales qualified lead", "sql"}, {"opportunity", "opportunity"},
        {"customer", "customer"}, {"evangelist", "evangelist"}, {"other", "other"},
    };
    const char *p = norm + strlen("became a");
    if (*p == 'n')
        p++;   /* "became an ..." */
    while (*p == ' ')
        p++;
    size_t n = strlen(p);
    if (n < 5 || strcmp(p + n - 5, " date") != 0)
        return NULL;
    n -= 5;
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (strlen(m[i].from) == n && strncmp(p, m[i].from, n) == 0) {
            snprintf(out, size, "%s", m[i].to);
            return out;
        }
    snprintf(out, size, "%.*s", (int)n, p);
    return out;
}

allot_status allot_dialect_file_new(sqlite3 *db, int shape_index, const allot_csv_record *h,
                                    allot_dialect_warn_fn warn, void *warn_ctx,
                                    allot_dialect_file **out, allot_error *err)
{
    *out = NULL;
    if (shape_index < 0 || shape_index >= NSHAPES || h->count > MAX_HEADER)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0, "no such dialect shape");
    allot_dialect_file *f = calloc(1, sizeof *f);
    char (*norm)[128] = malloc(MAX_HEADER * sizeof *norm);
    if (!f || !norm) {
        free(f);
        free(norm);
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    f->db = db;
    f->sh = &shapes[shape_index];
    f->shape_index = shape_index;
    f->warn = warn;
    f->warn_ctx = warn_ctx;
    norm_header(h, norm);
    const shape *sh = f->sh;
    for (int c = 0; c < sh->ncols; c++)
        f->field[c] = find_field(h, norm, sh->cols[c].aliases,
                                 (sh->cols[c].flags & HDRCUR) ? f->hdr_currency : NULL);
    if (sh->kind == K_HS_DEAL) {
        /* date entered '<stage> (<pipeline>)' */
        for (size_t i = 0; i < h->count && f->nstages < MAX_STAGES; i++) {
            const char *t = h->fields[i].text;
            while (*t == ' ')
                t++;
            if (strncasecmp(t, "Date entered ", 13) != 0)
                continue;
            const char *s = t + 13;
            size_t n = strlen(s);
            if (n >= 2 && (s[0] == '\'' || s[0] == '"') && (s[n - 1] == '\'' || s[n - 1] == '"')) {
                s++;
                n -= 2;
            }
            /* drop " (pipeline)" */
            const char *lp = NULL;
            for (size_t k = 0; k < n; k++)
                if (s[k] == '(')
                    lp = s + k;
            if (lp && lp > s && s[n - 1] == ')')
                n = (size_t)(lp - s);
            while (n && s[n - 1] == ' ')
                n--;
            f->stage_field[f->nstages] = (int)i;
            snprintf(f->stage_name[f->nstages], sizeof f->stage_name[0], "%.*s", (int)n, s);
            f->nstages++;
        }
    }
    if (sh->kind == K_HS_CONTACT) {
        for (size_t i = 0; i < h->count && f->nstages < MAX_STAGES; i++) {
            char st[96];
            if (strncmp(norm[i], "became a", 8) == 0 &&
                stage_of_became(norm[i], st, sizeof st)) {
                f->stage_field[f->nstages] = (int)i;
                snprintf(f->stage_name[f->nstages], sizeof f->stage_name[0], "%s", st);
                f->nstages++;
            }
        }
    }
    free(norm);

    /* the main output: every plain column present, then the constants */
    int o = add_out(f, sh->table);
    for (int c = 0; c < sh->ncols; c++) {
        if (sh->cols[c].field[0] == '@' || f->field[c] < 0)
            continue;
        int k = out_col(f, o, sh->cols[c].field);
        if (k >= 0 && f->from[o][k] < 0)
            f->from[o][k] = c;
    }
    if (sh->fixed) {
        const char *p = sh->fixed;
        while (*p) {
            const char *eq = strchr(p, '=');
            const char *end = strchr(p, ';');
            if (!eq)
                break;
            /* names must outlive the file: the fixed keys are column names
             * of the canonical tables, found in a static list */
            static const char *const known[] = {"source_system", "entity_type", "touch_type"};
            for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
                if (strlen(known[k]) == (size_t)(eq - p) && strncmp(known[k], p, (size_t)(eq - p)) == 0)
                    out_col(f, o, known[k]);
            p = end ? end + 1 : p + strlen(p);
        }
    }
    allot_status st = ALLOT_OK;
    switch (sh->kind) {
    case K_SPEND:
        out_col(f, o, "campaign_id");
        out_col(f, o, "campaign_name");
        if (f->hdr_currency[0])
            out_col(f, o, "currency");
        st = prepare(f, "SELECT campaign_id FROM campaigns WHERE campaign_id = ?", &f->q_camp_id,
                     err);
        if (!st)
            st = prepare(f, "SELECT campaign_id FROM campaigns WHERE name = ? AND source_system "
                         "NOT IN ('google_ads', 'meta_ads', 'linkedin_ads', 'microsoft_ads') "
                         "ORDER BY campaign_id", &f->q_camp_name, err);
        break;
    case K_SF_LEAD:
    case K_SF_CONTACT:
    case K_HS_CONTACT:
        out_col(f, o, "person_id");
        {
            static const char *const pc[] = {"source_system", "created_at", "converted_at",
                                             "lead_id", "contact_id", "email", "account_id",
                                             "original_source"};
            for (size_t k = 0; k < sizeof pc / sizeof pc[0]; k++)
                out_col(f, o, pc[k]);
        }
        if (sh->kind == K_HS_CONTACT && f->nstages)
            add_stage_history_out(f);
        break;
    case K_SF_MEMBER:
        out_col(f, o, "touch_id");
        out_col(f, o, "source_system");
        out_col(f, o, "person_id");
        out_col(f, o, "occurred_at");
        out_col(f, o, "touch_type");
        break;
    case K_SF_ROLE:
        out_col(f, o, "person_id");
        break;
    case K_SFR_OPP:
        out_col(f, o, "is_closed");
        out_col(f, o, "is_won");
        break;
    case K_HS_DEAL: {
        out_col(f, o, "is_closed");
        out_col(f, o, "is_won");
        if (f->field[shape_col(sh, "@contacts")] >= 0) {
            int d = add_out(f, "deal_people");
            out_col(f, d, "deal_id");
            out_col(f, d, "person_id");
        }
        if (f->nstages)
            add_stage_history_out(f);
        break;
    }
    case K_WEB:
    case K_GA4: {
        static const char *const cols[] = {
            "touch_id", "source_system", "person_id", "anonymous_id", "occurred_at",
            "touch_type", "channel", "utm_source", "utm_medium", "utm_campaign", "utm_content",
            "utm_term", "click_id", "landing_page", "referrer"};
        for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
            out_col(f, o, cols[k]);
        st = prepare(f, "SELECT DISTINCT person_id FROM touches WHERE anonymous_id = ? AND "
                     "person_id IS NOT NULL ORDER BY person_id", &f->q_anon, err);
        break;
    }
    default:
        break;
    }
    if (!st && (sh->kind == K_SF_LEAD || sh->kind == K_SF_CONTACT || sh->kind == K_HS_CONTACT ||
                sh->kind == K_SF_MEMBER || sh->kind == K_SF_ROLE || sh->kind == K_HS_DEAL ||
                sh->kind == K_WEB || sh->kind == K_GA4)) {
        st = prepare(f, "SELECT person_id FROM people WHERE lead_id = ? ORDER BY person_id",
                     &f->q_lead, err);
        if (!st)
            st = prepare(f, "SELECT person_id FROM people WHERE contact_id = ? ORDER BY person_id",
                         &f->q_contact, err);
        if (!st)
            st = prepare(f, "SELECT person_id FROM people WHERE email = ? ORDER BY person_id",
                         &f->q_email, err);
        if (!st)
            st = prepare(f, "SELECT created_at, converted_at, lead_id, contact_id, email, "
                         "account_id, original_source, source_system FROM people WHERE "
                         "person_id = ?", &f->q_person, err);
    }
    if (st) {
        allot_dialect_file_free(f);
        return st;
    }
    f->frozen = 1;
    *out = f;
    return ALLOT_OK;
}

const allot_dialect_out *allot_dialect_file_outputs(const allot_dialect_file *f, int *n)
{
    *n = f->nouts;
    return f->outs;
}

void allot_dialect_file_set_decimal_comma(allot_dialect_file *f, int decimal_comma)
{
    f->decimal_comma = decimal_comma < 0 ? -1 : decimal_comma != 0;
}

int allot_dialect_file_wants_prepass(const allot_dialect_file *f)
{
    return f->sh->kind == K_WEB || f->sh->kind == K_GA4;
}

/* Pre-pass: anonymous id -> person id (or e-mail's person) seen in the file. */
allot_status allot_dialect_file_prepass(allot_dialect_file *f, const allot_csv_record *rec,
                                        allot_error *err)
{
    char anon[256], person[256], email[320];
    getv(f, rec, "@anon", anon, sizeof anon);
    if (!anon[0])
        return ALLOT_OK;
    getv(f, rec, "@person", person, sizeof person);
    if (!person[0]) {
        getv(f, rec, "@email", email, sizeof email);
        if (email[0])
            find_person(f, "", "", email, person, sizeof person);
    }
    if (!person[0])
        return ALLOT_OK;
    /* every link is kept for now; settle_links keeps the first of each id */
    if (f->nlinks == f->links_cap) {
        size_t nc = f->links_cap ? f->links_cap * 2 : 64;
        anon_link *nl = realloc(f->links, nc * sizeof *nl);
        if (!nl)
            return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        f->links = nl;
        f->links_cap = nc;
    }
    f->links[f->nlinks].anon = strdup(anon);
    f->links[f->nlinks].person = strdup(person);
    f->links[f->nlinks].seen = f->nlinks;
    if (!f->links[f->nlinks].anon || !f->links[f->nlinks].person) {
        free(f->links[f->nlinks].anon);
        free(f->links[f->nlinks].person);
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    f->nlinks++;
    f->sorted = 0;
    return ALLOT_OK;
}

/* -- URL query parameters -- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The percent-decoded value of query parameter name in url into out. */
static int url_param(const char *url, const char *name, char *out, size_t size)
{
    const char *q = strchr(url, '?');
    out[0] = '\0';
    if (!q)
        return 0;
    const char *p = q + 1;
    size_t nl = strlen(name);
    while (*p && *p != '#') {
        const char *amp = p + strcspn(p, "&#");
        if ((size_t)(amp - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == '=') {
            size_t o = 0;
            for (const char *s = p + nl + 1; s < amp && o + 1 < size; s++) {
                if (*s == '+')
                    out[o++] = ' ';
                else if (*s == '%' && s + 2 < amp + 0 + 1 && hexval(s[1]) >= 0 &&
                         hexval(s[2]) >= 0) {
                    out[o++] = (char)(hexval(s[1]) * 16 + hexval(s[2]));
                    s += 2;
                } else
                    out[o++] = *s;
            }
            out[o] = '\0';
            return 1;
        }
        p = *amp == '&' ? amp + 1 : amp;
        if (*amp == '#')
            break;
    }
    return 0;
}

/* -- rows -- */

static allot_status emit_out(allot_dialect_file *f, int o, allot_dialect_emit_fn emit, void *ctx)
{
    const char *vals[40];
    for (int i = 0; i < f->outs[o].ncols; i++)
        vals[i] = f->val[o][i] ? f->val[o][i] : "";
    return emit(ctx, o, vals, f->src[o]);
}

static void fill_generic(allot_dialect_file *f, const allot_csv_record *rec)
{
    clear_out(f, 0);
    for (int i = 0; i < f->outs[0].ncols; i++)
        if (f->from[0][i] >= 0) {
            const char *v = colval(f, rec, f->from[0][i]);
            set_val(f, 0, i, v, strlen(v), colsrc(f, f->from[0][i]));
        }
    if (f->sh->fixed) {
        const char *p = f->sh->fixed;
        while (*p) {
            const char *eq = strchr(p, '=');
            const char *end = strchr(p, ';');
            size_t vl = end ? (size_t)(end - eq - 1) : strlen(eq + 1);
            for (int i = 0; i < f->outs[0].ncols; i++)
                if (strlen(f->outs[0].names[i]) == (size_t)(eq - p) &&
                    strncmp(f->outs[0].names[i], p, (size_t)(eq - p)) == 0)
                    set_val(f, 0, i, eq + 1, vl, 0);
            p = end ? end + 1 : p + strlen(p);
        }
    }
}

static void warnf(allot_dialect_file *f, long line, long col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void warnf(allot_dialect_file *f, long line, long col, const char *fmt, ...)
{
    if (!f->warn)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    f->warn(f->warn_ctx, line, col, msg);
}

/* Warns once per file about a spend row covering several days (Meta's
 * Reporting starts/ends without the Day breakdown): it is booked on its
 * first day. */
static void warn_span(allot_dialect_file *f, const allot_csv_record *rec)
{
    int ends = shape_col(f->sh, "@ends");
    if (f->span_warned || ends < 0 || f->field[ends] < 0)
        return;
    char first[64], last[64], a[11], b[11];
    getv(f, rec, "date", first, sizeof first);
    getv(f, rec, "@ends", last, sizeof last);
    allot_date_order order = (allot_date_order)f->sh->date_order;
    if (allot_value_parse_date(first, order, a, NULL) != ALLOT_VALUE_OK ||
        allot_value_parse_date(last, order, b, NULL) != ALLOT_VALUE_OK || strcmp(a, b) == 0)
        return;
    f->span_warned = 1;
    warnf(f, rec->line, colsrc(f, ends), "this row's spend covers %s to %s, not one day: it is "
          "booked on %s, as every such row of this file is on its first day; export with "
          "the Day breakdown to book spend on the days it was spent", a, b, a);
}

static int row_spend(allot_dialect_file *f, const allot_csv_record *rec)
{
    warn_span(f, rec);
    char id[256], name[512];
    getv(f, rec, "campaign_id", id, sizeof id);
    getv(f, rec, "campaign_name", name, sizeof name);
    long idsrc = colsrc(f, shape_col(f->sh, "campaign_id"));
    long namesrc = colsrc(f, shape_col(f->sh, "campaign_name"));
    if (f->hdr_currency[0] && f->field[shape_col(f->sh, "currency")] < 0)
        put(f, 0, "currency", f->hdr_currency, 0);
    /* join: the platform id when campaigns has it, else the name */
    char found[256];
    if (id[0] && lookup1(f->q_camp_id, id, found, sizeof found))
        return put(f, 0, "campaign_id", id, idsrc);
    int n = name[0] ? lookup1(f->q_camp_name, name, found, sizeof found) : 0;
    if (n == 1)
        return put(f, 0, "campaign_id", found, namesrc);
    if (n > 1 && f->ambiguous_warned++ < 20)
        warnf(f, rec->line, namesrc, "campaign name '%s' matches %d campaigns; the spend "
              "keeps its own campaign id '%s'", name, n, id[0] ? id : name);
    return put(f, 0, "campaign_id", id[0] ? id : name, id[0] ? idsrc : namesrc);
}

/* The boolean of shape column `field` in rec: 0 when empty or a NULL token;
 * a value that is no boolean rejects the row at that column (it was read as
 * false, so a CampaignMember's 'Ja' in HasResponded silently put the touch
 * at CreatedDate instead of FirstRespondedDate). */
static int flag(allot_dialect_file *f, const allot_csv_record *rec, const char *field)
{
    int c = shape_col(f->sh, field);
    const char *v = colval(f, rec, c);
    int b = 0;
    const char *why = NULL;
    allot_value_result r = allot_value_parse_bool(v, &b, &why);
    if (r == ALLOT_VALUE_INVALID) {
        refuse(f, c, why ? why : "not a boolean");
        return 0;
    }
    return r == ALLOT_VALUE_OK && b;
}

/* An existing person matched by id or e-mail: what it already knows is
 * kept — the earliest created_at, and any id, e-mail, account, converted_at,
 * original source or source system this row does not have. */
static void merge_person(allot_dialect_file *f, const char *person)
{
    sqlite3_stmt *q = f->q_person;
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, person, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(q) != SQLITE_ROW) {
        sqlite3_reset(q);
        return;
    }
    static const char *const names[] = {"created_at", "converted_at", "lead_id", "contact_id",
                                        "email", "account_id", "original_source",
                                        "source_system"};
    for (int k = 0; k < 8; k++) {
        if (sqlite3_column_type(q, k) == SQLITE_NULL)
            continue;
        int c = out_col(f, 0, names[k]);
        if (c < 0)
            continue;
        const char *now = f->val[0][c] ? f->val[0][c] : "";
        if (k <= 1) {
            char ts[32];
            int64_t old = sqlite3_column_int64(q, k), cur;
            allot_format_timestamp(old, ts);
            if (!now[0] || (k == 0 && allot_value_parse_timestamp(now, ALLOT_DATE_AUTO, &cur,
                                                                  NULL) == ALLOT_VALUE_OK &&
                            old < cur))
                set_val(f, 0, c, ts, strlen(ts), 0);
        } else if (!now[0] || k == 7) {
            const char *v = (const char *)sqlite3_column_text(q, k);
            set_val(f, 0, c, v, strlen(v), 0);
        }
    }
    sqlite3_reset(q);
}

static int row_person(allot_dialect_file *f, const allot_csv_record *rec)
{
    char lead[64] = "", contact[64] = "", email[320], person[256];
    const shape *sh = f->sh;
    if (sh->kind == K_SF_LEAD) {
        getv(f, rec, "lead_id", lead, sizeof lead);
        if (flag(f, rec, "@converted"))
            getv(f, rec, "contact_id", contact, sizeof contact);
        put(f, 0, "contact_id", contact, colsrc(f, shape_col(sh, "contact_id")));
        put(f, 0, "source_system", "salesforce", 0);
    } else {
        getv(f, rec, "contact_id", contact, sizeof contact);
        put(f, 0, "source_system", sh->kind == K_HS_CONTACT ? "hubspot" : "salesforce", 0);
    }
    getv(f, rec, "email", email, sizeof email);
    find_person(f, lead, contact, email, person, sizeof person);
    if (!person[0])
        snprintf(person, sizeof person, "%s", sh->kind == K_SF_LEAD ? lead : contact);
    else
        merge_person(f, person);
    return put(f, 0, "person_id", person, 0);
}

static int row_member(allot_dialect_file *f, const allot_csv_record *rec)
{
    char id[64], camp[64], lead[64], contact[64], person[256];
    char when[64];
    const shape *sh = f->sh;
    getv(f, rec, "@id", id, sizeof id);
    getv(f, rec, "campaign_id", camp, sizeof camp);
    getv(f, rec, "@lead", lead, sizeof lead);
    getv(f, rec, "@contact", contact, sizeof contact);
    int responded = flag(f, rec, "@responded");
    find_person(f, lead, contact, "", person, sizeof person);
    if (!person[0])
        snprintf(person, sizeof person, "%s", contact[0] ? contact : lead);
    put(f, 0, "person_id", person, colsrc(f, shape_col(sh, contact[0] ? "@contact" : "@lead")));
    char tid[200];
    if (id[0])
        snprintf(tid, sizeof tid, "%s", id);
    else
        snprintf(tid, sizeof tid, "sfcm-%s-%s", camp, contact[0] ? contact : lead);
    put(f, 0, "touch_id", tid, colsrc(f, shape_col(sh, "@id")));
    put(f, 0, "source_system", "salesforce", 0);
    put(f, 0, "touch_type", "campaign_member", 0);
    int rc = shape_col(sh, "@responded_date");
    if (responded && colval(f, rec, rc)[0]) {
        snprintf(when, sizeof when, "%s", colval(f, rec, rc));
        return put(f, 0, "occurred_at", when, colsrc(f, rc));
    }
    int cc = shape_col(sh, "@created");
    snprintf(when, sizeof when, "%s", colval(f, rec, cc));
    return put(f, 0, "occurred_at", when, colsrc(f, cc));
}

/* Web and GA4 touches. Returns 1 when the row is ignored. */
static int row_web(allot_dialect_file *f, const allot_csv_record *rec, int *ignored)
{
    const shape *sh = f->sh;
    char ts[64], anon[256], person[256], email[320], url[2048], v[512], event[64];
    getv(f, rec, "@ts", ts, sizeof ts);
    getv(f, rec, "@anon", anon, sizeof anon);
    getv(f, rec, "@person", person, sizeof person);
    getv(f, rec, "@url", url, sizeof url);
    if (sh->kind == K_GA4) {
        getv(f, rec, "@event", event, sizeof event);
        char src[256], gclid[256];
        getv(f, rec, "@utm_source", src, sizeof src);
        getv(f, rec, "@gclid", gclid, sizeof gclid);
        if (event[0] && strcmp(event, "session_start") != 0 && strcmp(event, "first_visit") != 0) {
            *ignored = 1;
            return 0;
        }
        if (strcmp(event, "first_visit") == 0) {
            *ignored = 1;   /* every first visit also starts a session */
            return 0;
        }
        /* a web user_pseudo_id is two whole numbers joined by '.'
         * (123.456); joined by ',' a spreadsheet read it as a number and
         * wrote it in its own format, rounded (1234567890.1700000000
         * becomes 1234567890,17): the visitor would not match its other
         * visits. (App ids are hex; an exponent is refused for every
         * *_id column by the loader.) */
        size_t dig = strspn(anon, "0123456789");
        if (dig > 0 && anon[dig] == ',' && anon[dig + 1] &&
            strspn(anon + dig + 1, "0123456789") == strlen(anon + dig + 1)) {
            refuse(f, shape_col(sh, "@anon"), "a user_pseudo_id a spreadsheet turned into a "
                   "number (it is two whole numbers joined by '.'): export again and open the "
                   "file with the column as Text");
            return 0;
        }
    }
    if (!person[0] && shape_col(sh, "@email") >= 0) {
        getv(f, rec, "@email", email, sizeof email);
        if (email[0])
            find_person(f, "", "", email, person, sizeof person);
    }
    if (!person[0] && anon[0]) {
        const char *p = linked_person(f, anon);
        if (p)
            snprintf(person, sizeof person, "%s", p);
        else
            lookup1(f->q_anon, anon, person, sizeof person);
    }
    put(f, 0, "person_id", person, colsrc(f, shape_col(sh, "@person")));
    put(f, 0, "anonymous_id", anon, colsrc(f, shape_col(sh, "@anon")));
    put(f, 0, "occurred_at", ts, colsrc(f, shape_col(sh, "@ts")));
    put(f, 0, "source_system", sh->kind == K_GA4 ? "ga4" : "web", 0);
    char tid[600];
    int tc = shape_col(sh, sh->kind == K_GA4 ? "@session" : "@touch");
    if (tc >= 0 && colval(f, rec, tc)[0])
        snprintf(tid, sizeof tid, "%s%s%s", sh->kind == K_GA4 ? anon : "",
                 sh->kind == K_GA4 ? "." : "", colval(f, rec, tc));
    else
        snprintf(tid, sizeof tid, "%s@%s", anon[0] ? anon : person, ts);
    put(f, 0, "touch_id", tid, 0);
    char type[64] = "visit";
    if (sh->kind == K_WEB && shape_col(sh, "@type") >= 0) {
        getv(f, rec, "@type", v, sizeof v);
        if (v[0])
            snprintf(type, sizeof type, "%.63s", v);
    }
    put(f, 0, "touch_type", type, 0);
    if (shape_col(sh, "@channel") >= 0)
        put_col(f, 0, "channel", rec, "@channel");
    put(f, 0, "landing_page", url, colsrc(f, shape_col(sh, "@url")));
    put_col(f, 0, "referrer", rec, "@referrer");
    static const char *const utm[] = {"utm_source", "utm_medium", "utm_campaign", "utm_content",
                                      "utm_term"};
    for (int k = 0; k < 5; k++) {
        char at[32];
        snprintf(at, sizeof at, "@%s", utm[k]);
        int c = shape_col(sh, at);
        const char *cv = colval(f, rec, c);
        if (cv[0]) {
            put(f, 0, utm[k], cv, colsrc(f, c));
        } else if (url[0] && url_param(url, utm[k], v, sizeof v)) {
            put(f, 0, utm[k], v, colsrc(f, shape_col(sh, "@url")));
        }
    }
    static const char *const clicks[] = {"gclid", "msclkid", "fbclid"};
    for (int k = 0; k < 3; k++) {
        char at[32];
        snprintf(at, sizeof at, "@%s", clicks[k]);
        int c = shape_col(sh, at);
        const char *cv = colval(f, rec, c);
        if (cv[0])
            return put(f, 0, "click_id", cv, colsrc(f, c));
        if (url[0] && url_param(url, clicks[k], v, sizeof v) && v[0])
            return put(f, 0, "click_id", v, colsrc(f, shape_col(sh, "@url")));
    }
    return 0;
}

allot_status allot_dialect_file_row(allot_dialect_file *f, const allot_csv_record *rec,
                                    allot_dialect_emit_fn emit, void *emit_ctx,
                                    allot_dialect_row *res, allot_error *err)
{
    res->ignored = 0;
    res->why[0] = '\0';
    res->column = 0;
    f->why[0] = '\0';
    int *ignored = &res->ignored;
    fill_generic(f, rec);
    const shape *sh = f->sh;
    int bad = 0;
    switch (sh->kind) {
    case K_SPEND:
        bad = row_spend(f, rec);
        break;
    case K_SF_LEAD:
    case K_SF_CONTACT:
    case K_HS_CONTACT:
        bad = row_person(f, rec);
        break;
    case K_SF_MEMBER:
        bad = row_member(f, rec);
        break;
    case K_SF_ROLE: {
        char contact[64], person[256];
        getv(f, rec, "@contact", contact, sizeof contact);
        find_person(f, "", contact, "", person, sizeof person);
        bad = put(f, 0, "person_id", person[0] ? person : contact,
                  colsrc(f, shape_col(sh, "@contact")));
        break;
    }
    case K_HS_DEAL:
    case K_SFR_OPP: {
        /* "Closed Won"/"closedwon" -> closed and won, "Closed Lost" -> closed */
        char stage[256];
        getv(f, rec, "stage", stage, sizeof stage);
        int closed = strncasecmp(stage, "closed", 6) == 0;
        const char *w = stage + 6;
        while (*w == ' ')
            w++;
        int won = closed && strncasecmp(w, "won", 3) == 0;
        int ci = shape_col(sh, "is_closed"), wi = shape_col(sh, "is_won");
        if (ci < 0 || f->field[ci] < 0 || !colval(f, rec, ci)[0])
            put(f, 0, "is_closed", closed ? "1" : "0", 0);
        if (wi < 0 || f->field[wi] < 0 || !colval(f, rec, wi)[0])
            put(f, 0, "is_won", won ? "1" : "0", 0);
        break;
    }
    case K_WEB:
    case K_GA4:
        bad = row_web(f, rec, ignored);
        if (*ignored)
            return ALLOT_OK;
        break;
    case K_PATHS: {
        /* the path as lib/paths reads it: channels trimmed, " > " between */
        int pc = shape_col(sh, "path");
        const char *text = colval(f, rec, pc);
        allot_paths *p = allot_paths_new();
        allot_error perr;
        allot_error_clear(&perr);
        if (!p) {
            bad = 1;
        } else if (allot_paths_add_text(p, text, strlen(text), 0, 0, 0, &perr) != ALLOT_OK) {
            snprintf(res->why, sizeof res->why, "not a path of channel names 'a > b > c'");
            res->column = colsrc(f, pc);
        } else {
            char *joined = NULL;
            size_t len = 0;
            FILE *m = open_memstream(&joined, &len);
            if (m) {
                for (size_t k = p->start[0]; k < p->start[1]; k++)
                    fprintf(m, "%s%s", k > p->start[0] ? " > " : "", p->channels[p->steps[k]]);
                fclose(m);
                bad = put(f, 0, "path", joined ? joined : "", colsrc(f, pc));
                free(joined);
            }
        }
        allot_paths_free(p);
        break;
    }
    default:
        break;
    }
    if (bad)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (f->why[0] && !res->why[0]) {
        snprintf(res->why, sizeof res->why, "%s", f->why);
        res->column = f->why_col;
    }
    if (res->why[0])
        return ALLOT_OK;
    allot_status est = emit_out(f, 0, emit, emit_ctx);
    if (est)
        return est;
    /* further outputs */
    for (int o = 1; o < f->nouts; o++) {
        const char *t = f->outs[o].table;
        if (strcmp(t, "deal_people") == 0) {
            char deal[128], list[4096];
            getv(f, rec, "deal_id", deal, sizeof deal);
            int c = shape_col(sh, "@contacts");
            getv(f, rec, "@contacts", list, sizeof list);
            char *save = NULL;
            for (char *tok = strtok_r(list, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
                const char *id = tok;
                size_t n = strlen(tok);
                trim_span(&id, &n);
                if (!n)
                    continue;
                char cid[128], person[256];
                snprintf(cid, sizeof cid, "%.*s", (int)n, id);
                find_person(f, "", cid, "", person, sizeof person);
                clear_out(f, o);
                put(f, o, "deal_id", deal, colsrc(f, shape_col(sh, "deal_id")));
                put(f, o, "person_id", person[0] ? person : cid, colsrc(f, c));
                est = emit_out(f, o, emit, emit_ctx);
                if (est)
                    return est;
            }
        } else if (strcmp(t, "stage_history") == 0) {
            char entity[256];
            int deal = sh->kind == K_HS_DEAL;
            snprintf(entity, sizeof entity, "%s",
                     deal ? colval(f, rec, shape_col(sh, "deal_id")) : f->val[0][out_col(f, 0, "person_id")]);
            for (int k = 0; k < f->nstages; k++) {
                int fi = f->stage_field[k];
                if ((size_t)fi >= rec->count)
                    continue;
                const char *v = rec->fields[fi].text;
                size_t n = rec->fields[fi].len;
                trim_span(&v, &n);
                if (!n)
                    continue;
                clear_out(f, o);
                put(f, o, "entity_type", deal ? "deal" : "person", 0);
                put(f, o, "entity_id", entity, 0);
                put(f, o, "stage", f->stage_name[k], fi + 1);
                set_val(f, o, out_col(f, o, "entered_at"), v, n, fi + 1);
                est = emit_out(f, o, emit, emit_ctx);
                if (est)
                    return est;
            }
        }
    }
    return ALLOT_OK;
}

/* Runs sql (one statement, ?1 the load id) and sets *changed to the rows it
 * changed; ALLOT_ERR_DB "cannot WHAT: why" when it fails. */
static allot_status run_for_load(allot_dialect_file *f, const char *sql, int64_t load_id,
                                 const char *what, int64_t *changed, allot_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(f->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, load_id);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
    }
    if (rc != SQLITE_DONE)
        return allot_error_set(err, ALLOT_ERR_DB, NULL, 0, 0, "cannot %s: %s", what,
                               sqlite3_errmsg(f->db));
    *changed = sqlite3_changes(f->db);
    return ALLOT_OK;
}

allot_status allot_dialect_file_finish(allot_dialect_file *f, int64_t load_id,
                                       int64_t *created, int64_t *linked, allot_error *err)
{
    *created = *linked = 0;
    const shape *sh = f->sh;
    allot_status st = ALLOT_OK;
    if (sh->kind == K_SPEND)
        /* campaigns seen only in spend: created with the platform as source */
        st = run_for_load(f,
                "INSERT INTO campaigns(campaign_id, source_system, name, currency, load_id, "
                "source_row) SELECT s.campaign_id, s.source_system, "
                "coalesce(max(s.campaign_name), s.campaign_id), min(s.currency), s.load_id, "
                "min(s.source_row) FROM spend s WHERE s.load_id = ? AND NOT EXISTS (SELECT 1 "
                "FROM campaigns c WHERE c.campaign_id = s.campaign_id) GROUP BY s.campaign_id "
                "ORDER BY s.campaign_id", load_id, "create campaigns", created, err);
    if (st == ALLOT_OK && (sh->kind == K_WEB || sh->kind == K_GA4))
        /* earlier anonymous touches of an anonymous id now tied to one person */
        st = run_for_load(f,
                "UPDATE touches SET person_id = (SELECT min(t2.person_id) FROM touches t2 WHERE "
                "t2.anonymous_id = touches.anonymous_id AND t2.person_id IS NOT NULL) WHERE "
                "person_id IS NULL AND anonymous_id IN (SELECT anonymous_id FROM touches WHERE "
                "load_id = ? AND person_id IS NOT NULL AND anonymous_id IS NOT NULL)",
                load_id, "link visitors", linked, err);
    return st;
}

void allot_dialect_file_free(allot_dialect_file *f)
{
    if (!f)
        return;
    for (int o = 0; o < MAX_OUT; o++)
        for (int i = 0; i < 40; i++)
            free(f->val[o][i]);
    for (int c = 0; c < 40; c++)
        free(f->fill[c]);
    free(f->tmp);
    for (size_t i = 0; i < f->nlinks; i++) {
        free(f->links[i].anon);
        free(f->links[i].person);
    }
    free(f->links);
    sqlite3_finalize(f->q_camp_id);
    sqlite3_finalize(f->q_camp_name);
    sqlite3_finalize(f->q_lead);
    sqlite3_finalize(f->q_contact);
    sqlite3_finalize(f->q_email);
    sqlite3_finalize(f->q_anon);
    sqlite3_finalize(f->q_person);
    free(f);
}
