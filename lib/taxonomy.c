#include "taxonomy.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "labels.h"

enum field {
    F_SOURCE, F_MEDIUM, F_CAMPAIGN, F_CONTENT, F_TERM, F_REFERRER, F_REFERRER_HOST,
    F_TYPE, F_CLICK_ID, F_LANDING_PAGE, F_COUNT
};

static const char *const field_names[F_COUNT] = {
    "source", "medium", "campaign", "content", "term", "referrer", "referrer_host",
    "type", "click_id", "landing_page",
};

typedef struct cond {
    enum field field;
    int exact;
    char *text;
} cond;

typedef struct rule {
    cond *conds;
    size_t n_conds;
    char *channel;
} rule;

typedef struct group_pair {
    char *channel, *group;
} group_pair;

struct allot_taxonomy {
    rule *rules;
    size_t n_rules;
    group_pair *groups;
    size_t n_groups;
    char **own_domains;
    size_t n_own_domains;
};

/* ---- matching helpers ---- */

static int glob_one(const char *p, const char *pend, const char *s)
{
    while (p < pend) {
        if (*p == '*') {
            while (p < pend && *p == '*')
                p++;
            if (p == pend)
                return 1;
            for (; *s; s++)
                if (glob_one(p, pend, s))
                    return 1;
            return 0;
        }
        if (!*s)
            return 0;
        if (*p != '?' && tolower((unsigned char)*p) != tolower((unsigned char)*s))
            return 0;
        p++;
        s++;
    }
    return !*s;
}

int allot_taxonomy_glob(const char *pattern, const char *text)
{
    if (!text)
        text = "";
    const char *p = pattern;
    for (;;) {
        const char *bar = strchr(p, '|');
        const char *end = bar ? bar : p + strlen(p);
        if (glob_one(p, end, text))
            return 1;
        if (!bar)
            return 0;
        p = bar + 1;
    }
}

static int empty(const char *s)
{
    return !s || !*s;
}

static int in_list(const char *s, const char *const *list)
{
    if (empty(s))
        return 0;
    for (; *list; list++)
        if (strcasecmp(s, *list) == 0)
            return 1;
    return 0;
}

/* The host of a URL or bare host, lower case, without "www."-like prefixes
 * ("https://www.Google.co.uk/search?q=x" -> "google.co.uk"). */
static void host_of(const char *s, char *out, size_t size)
{
    out[0] = '\0';
    if (empty(s))
        return;
    const char *scheme = strstr(s, "://");
    if (scheme)
        s = scheme + 3;
    else if (s[0] == '/' && s[1] == '/')
        s += 2;
    size_t n = 0;
    for (; *s && !strchr("/?#:", *s) && n + 1 < size; s++)
        out[n++] = (char)tolower((unsigned char)*s);
    out[n] = '\0';
    static const char *const prefixes[] = {"www.", "m.", "l.", "lm.", "mobile.", NULL};
    for (const char *const *p = prefixes; *p; p++) {
        size_t k = strlen(*p);
        if (strncmp(out, *p, k) == 0 && out[k]) {
            memmove(out, out + k, strlen(out + k) + 1);
            break;
        }
    }
}

/* Does a host or source name belong to a site family? Whole hosts are
 * compared with `hosts`; each dot label but the last (the TLD) with `labels`
 * (a single-label name such as "google" is compared too). */
static int site_match(const char *name, const char *const *hosts, const char *const *labels)
{
    char host[256];
    host_of(name, host, sizeof host);
    if (!host[0])
        return 0;
    if (in_list(host, hosts))
        return 1;
    const char *last_dot = strrchr(host, '.');
    char label[64];
    const char *p = host;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (last_dot && p > last_dot)
            break; /* the TLD */
        if (len < sizeof label) {
            memcpy(label, p, len);
            label[len] = '\0';
            if (in_list(label, labels))
                return 1;
        }
        if (!dot)
            break;
        p = dot + 1;
    }
    return 0;
}

static const char *const search_labels[] = {
    "google", "bing", "yahoo", "duckduckgo", "baidu", "yandex", "ecosia", "ask", "naver",
    "seznam", "startpage", "qwant", "aol", "sogou", "daum", "so", "brave", "kagi", NULL};
static const char *const search_hosts[] = {"search.brave.com", NULL};
static const char *const social_labels[] = {
    "facebook", "fb", "instagram", "linkedin", "twitter", "tiktok", "reddit", "pinterest",
    "snapchat", "youtube", "quora", "xing", "threads", "mastodon", "tumblr", "vk", "weibo",
    "wechat", "whatsapp", "discord", "bsky", NULL};
static const char *const social_hosts[] = {"x", "x.com", "t.co", "lnkd.in", "fb.me", "youtu.be",
                                           "ig", "bsky.app", NULL};

static int is_search(const char *s) { return site_match(s, search_hosts, search_labels); }
static int is_social(const char *s) { return site_match(s, social_hosts, social_labels); }

static int paid_medium(const char *m)
{
    return !empty(m) && allot_taxonomy_glob("*cp*|ppc|retargeting|paid*", m);
}

/* The click-id parameter name of a click id "gclid:XYZ" (a bare id is a
 * gclid), or of a landing page URL's query. Writes "" when there is none. */
static void click_kind(const allot_touch_fields *t, char *out, size_t size)
{
    out[0] = '\0';
    if (!empty(t->click_id)) {
        const char *colon = strchr(t->click_id, ':');
        size_t n = colon ? (size_t)(colon - t->click_id) : 0;
        if (colon && n > 0 && n < size) {
            for (size_t i = 0; i < n; i++)
                out[i] = (char)tolower((unsigned char)t->click_id[i]);
            out[n] = '\0';
        } else {
            strncpy(out, "gclid", size - 1);
            out[size - 1] = '\0';
        }
        return;
    }
    if (empty(t->landing_page))
        return;
    const char *q = strchr(t->landing_page, '?');
    static const char *const params[] = {"gclid", "gbraid", "wbraid", "msclkid", "yclid", "dclid",
                                         "li_fat_id", "ttclid", "twclid", "sccid", NULL};
    while (q) {
        q++;
        for (const char *const *p = params; *p; p++) {
            size_t k = strlen(*p);
            if (strncasecmp(q, *p, k) == 0 && q[k] == '=') {
                strncpy(out, *p, size - 1);
                out[size - 1] = '\0';
                return;
            }
        }
        q = strchr(q, '&');
    }
}

/* The built-in default grouping; README "Channel taxonomy" mirrors it. */
static const char *default_channel(const allot_taxonomy *tx, const allot_touch_fields *t)
{
    const char *src = t->utm_source, *med = t->utm_medium, *type = t->touch_type;
    static const char *const none_media[] = {"(none)", "(not set)", NULL};
    if (!empty(src) && strcasecmp(src, "(direct)") == 0 && (empty(med) || in_list(med, none_media)))
        return "Direct";

    static const char *const event_types[] = {"event", "webinar", "trade_show", "tradeshow",
                                              "conference", "meetup", "field_event", NULL};
    static const char *const event_media[] = {"event", "events", "webinar", "tradeshow",
                                              "trade_show", "trade-show", "conference", "field",
                                              NULL};
    if (in_list(type, event_types) || in_list(med, event_media))
        return "Events";

    static const char *const partner_media[] = {"affiliate", "affiliates", "partner", "partners",
                                                "referral_partner", "reseller", NULL};
    if (in_list(med, partner_media))
        return "Partner";

    static const char *const email_names[] = {"email", "e-mail", "e_mail", "e mail", "newsletter",
                                              NULL};
    if (in_list(src, email_names) || in_list(med, email_names) || (empty(med) && in_list(type, email_names)))
        return "Email";

    if (paid_medium(med)) {
        if (is_social(src))
            return "Paid Social";
        if (is_search(src))
            return "Paid Search";
    }
    static const char *const display_media[] = {"display", "banner", "expandable", "interstitial",
                                                "cpm", "programmatic", NULL};
    if (in_list(med, display_media))
        return "Display";
    if (paid_medium(med))
        return "Paid Other";

    if (empty(med)) {
        char kind[32];
        click_kind(t, kind, sizeof kind);
        static const char *const search_clicks[] = {"gclid", "gbraid", "wbraid", "msclkid", "yclid", NULL};
        static const char *const social_clicks[] = {"li_fat_id", "ttclid", "twclid", "sccid", NULL};
        if (in_list(kind, search_clicks))
            return "Paid Search";
        if (in_list(kind, social_clicks))
            return "Paid Social";
        if (strcmp(kind, "dclid") == 0)
            return "Display";
    }

    static const char *const social_media[] = {"social", "social-network", "social-media", "sm",
                                               "social network", "social media", "organic_social",
                                               NULL};
    if (is_social(src) || in_list(med, social_media))
        return "Organic Social";
    if (is_search(src) || (!empty(med) && strcasecmp(med, "organic") == 0))
        return "Organic Search";
    static const char *const referral_media[] = {"referral", "app", "link", NULL};
    if (in_list(med, referral_media))
        return "Referral";

    if (empty(src) && empty(med)) {
        char host[256];
        host_of(t->referrer, host, sizeof host);
        for (size_t i = 0; host[0] && i < tx->n_own_domains; i++) {
            size_t hl = strlen(host), dl = strlen(tx->own_domains[i]);
            if (hl >= dl && strcasecmp(host + hl - dl, tx->own_domains[i]) == 0 &&
                (hl == dl || host[hl - dl - 1] == '.'))
                host[0] = '\0';
        }
        if (host[0]) {
            if (is_social(host))
                return "Organic Social";
            if (is_search(host))
                return "Organic Search";
            return "Referral";
        }
    }
    if (empty(src) && empty(med) && empty(t->utm_campaign) && empty(t->utm_content) &&
        empty(t->utm_term)) {
        static const char *const direct_types[] = {"visit", "pageview", "page_view", "session",
                                                   "form", NULL};
        if (empty(type) || in_list(type, direct_types))
            return "Direct";
        if (strcasecmp(type, "ad_click") == 0)
            return "Paid Other";
    }
    return "Unassigned";
}

static const char *field_value(const allot_touch_fields *t, enum field f, char *host, size_t size)
{
    const char *v = NULL;
    switch (f) {
    case F_SOURCE: v = t->utm_source; break;
    case F_MEDIUM: v = t->utm_medium; break;
    case F_CAMPAIGN: v = t->utm_campaign; break;
    case F_CONTENT: v = t->utm_content; break;
    case F_TERM: v = t->utm_term; break;
    case F_REFERRER: v = t->referrer; break;
    case F_REFERRER_HOST: host_of(t->referrer, host, size); v = host; break;
    case F_TYPE: v = t->touch_type; break;
    case F_CLICK_ID: v = t->click_id; break;
    case F_LANDING_PAGE: v = t->landing_page; break;
    case F_COUNT: break;
    }
    return v ? v : "";
}

static int rule_matches(const rule *r, const allot_touch_fields *t)
{
    char host[256];
    for (size_t i = 0; i < r->n_conds; i++) {
        const cond *c = &r->conds[i];
        const char *v = field_value(t, c->field, host, sizeof host);
        if (c->exact ? strcasecmp(v, c->text) != 0 : !allot_taxonomy_glob(c->text, v))
            return 0;
    }
    return 1;
}

const char *allot_taxonomy_channel(const allot_taxonomy *tx, const allot_touch_fields *t)
{
    if (!empty(t->channel))
        return t->channel;
    for (size_t i = 0; i < tx->n_rules; i++)
        if (rule_matches(&tx->rules[i], t))
            return tx->rules[i].channel;
    if (!empty(t->campaign_channel))
        return t->campaign_channel;
    return default_channel(tx, t);
}

static const char *const default_groups[][2] = {
    {"Paid Search", "Paid"}, {"Paid Social", "Paid"}, {"Display", "Paid"}, {"Paid Other", "Paid"},
    {"Organic Search", "Organic"}, {"Organic Social", "Organic"}, {"Referral", "Organic"},
    {"Direct", "Organic"}, {"Email", "Owned"}, {"Events", "Events"}, {"Partner", "Partner"},
};

const char *allot_taxonomy_group(const allot_taxonomy *tx, const char *channel)
{
    if (!channel)
        return "";
    for (size_t i = 0; tx && i < tx->n_groups; i++)
        if (strcasecmp(tx->groups[i].channel, channel) == 0)
            return tx->groups[i].group;
    for (size_t i = 0; i < sizeof default_groups / sizeof default_groups[0]; i++)
        if (strcasecmp(default_groups[i][0], channel) == 0)
            return default_groups[i][1];
    return channel;
}

/* ---- construction ---- */

static char *dup_trim(const char *s, const char *end)
{
    while (s < end && isspace((unsigned char)*s))
        s++;
    while (end > s && isspace((unsigned char)end[-1]))
        end--;
    char *d = malloc((size_t)(end - s) + 1);
    if (d) {
        memcpy(d, s, (size_t)(end - s));
        d[end - s] = '\0';
    }
    return d;
}

void allot_taxonomy_free(allot_taxonomy *tx)
{
    if (!tx)
        return;
    for (size_t i = 0; i < tx->n_rules; i++) {
        for (size_t j = 0; j < tx->rules[i].n_conds; j++)
            free(tx->rules[i].conds[j].text);
        free(tx->rules[i].conds);
        free(tx->rules[i].channel);
    }
    free(tx->rules);
    for (size_t i = 0; i < tx->n_groups; i++) {
        free(tx->groups[i].channel);
        free(tx->groups[i].group);
    }
    free(tx->groups);
    allot_config_list_free(tx->own_domains, tx->n_own_domains);
    free(tx);
}

static allot_status parse_rule(const char *text, const char *file, long line, rule *r,
                               allot_error *err)
{
    memset(r, 0, sizeof *r);
    const char *arrow = strstr(text, "->");
    const char *usage = "write 'field~glob, field=text -> Channel' with fields source, medium, "
                        "campaign, content, term, referrer, referrer_host, type, click_id, "
                        "landing_page";
    if (!arrow)
        return allot_error_set(err, ALLOT_ERR_CONFIG, file, line, 0,
                               "[taxonomy] rule '%s' has no '->'; %s", text, usage);
    r->channel = dup_trim(arrow + 2, arrow + 2 + strlen(arrow + 2));
    if (!r->channel)
        return allot_error_set(err, ALLOT_ERR_NOMEM, file, line, 0, "out of memory");
    if (!r->channel[0] || strstr(r->channel, "->"))
        return allot_error_set(err, ALLOT_ERR_CONFIG, file, line, 0,
                               "[taxonomy] rule '%s' needs one channel name after '->'", text);
    const char *holds = allot_label_reserved(r->channel, strlen(r->channel));
    if (holds)
        return allot_error_set(err, ALLOT_ERR_CONFIG, file, line, 0,
                               "[taxonomy] rule '%s': '%s' is the group allot reports for %s, "
                               "and its touches would be counted in it; name the channel "
                               "otherwise",
                               text, r->channel, holds);
    size_t cap = 1;
    for (const char *c = text; c < arrow; c++)
        cap += *c == ',';
    r->conds = calloc(cap, sizeof *r->conds);
    if (!r->conds)
        return allot_error_set(err, ALLOT_ERR_NOMEM, file, line, 0, "out of memory");
    const char *p = text;
    while (p < arrow) {
        const char *comma = memchr(p, ',', (size_t)(arrow - p));
        const char *stop = comma ? comma : arrow;
        const char *op = p;
        while (op < stop && *op != '~' && *op != '=')
            op++;
        char *name = dup_trim(p, op);
        if (!name)
            return allot_error_set(err, ALLOT_ERR_NOMEM, file, line, 0, "out of memory");
        int f = -1;
        for (int i = 0; i < F_COUNT; i++)
            if (strcasecmp(name, field_names[i]) == 0)
                f = i;
        if (op == stop || f < 0) {
            allot_status st = allot_error_set(err, ALLOT_ERR_CONFIG, file, line, 0,
                                              "[taxonomy] rule '%s': bad condition '%s'; %s",
                                              text, name, usage);
            free(name);
            return st;
        }
        free(name);
        cond *c = &r->conds[r->n_conds++];
        c->field = (enum field)f;
        c->exact = *op == '=';
        c->text = dup_trim(op + 1, stop);
        if (!c->text)
            return allot_error_set(err, ALLOT_ERR_NOMEM, file, line, 0, "out of memory");
        if (!c->exact && !c->text[0])
            return allot_error_set(err, ALLOT_ERR_CONFIG, file, line, 0,
                                   "[taxonomy] rule '%s': empty glob after '~' (use 'field=' for "
                                   "an empty field)", text);
        p = comma ? comma + 1 : arrow;
    }
    if (r->n_conds == 0)
        return allot_error_set(err, ALLOT_ERR_CONFIG, file, line, 0,
                               "[taxonomy] rule '%s' has no condition; %s", text, usage);
    return ALLOT_OK;
}

static allot_status parse_group(allot_taxonomy *tx, const char *text, const char *file, long line,
                                allot_error *err)
{
    const char *arrow = strstr(text, "->");
    char *group = arrow ? dup_trim(arrow + 2, arrow + 2 + strlen(arrow + 2)) : NULL;
    if (!arrow || !group || !group[0] || strstr(group, "->")) {
        free(group);
        return allot_error_set(err, ALLOT_ERR_CONFIG, file, line, 0,
                               "[taxonomy] group '%s': write 'Channel, Channel -> Group'", text);
    }
    size_t cap = 1;
    for (const char *c = text; c < arrow; c++)
        cap += *c == ',';
    group_pair *g = realloc(tx->groups, (tx->n_groups + cap) * sizeof *g);
    if (!g) {
        free(group);
        return allot_error_set(err, ALLOT_ERR_NOMEM, file, line, 0, "out of memory");
    }
    tx->groups = g;
    const char *p = text;
    size_t added = 0;
    while (p < arrow) {
        const char *comma = memchr(p, ',', (size_t)(arrow - p));
        const char *stop = comma ? comma : arrow;
        char *ch = dup_trim(p, stop);
        char *gr = ch ? dup_trim(group, group + strlen(group)) : NULL;
        if (!ch || !gr) {
            free(ch);
            free(group);
            return allot_error_set(err, ALLOT_ERR_NOMEM, file, line, 0, "out of memory");
        }
        if (ch[0]) {
            tx->groups[tx->n_groups].channel = ch;
            tx->groups[tx->n_groups].group = gr;
            tx->n_groups++;
            added++;
        } else {
            free(ch);
            free(gr);
        }
        p = comma ? comma + 1 : arrow;
    }
    free(group);
    if (!added)
        return allot_error_set(err, ALLOT_ERR_CONFIG, file, line, 0,
                               "[taxonomy] group '%s' names no channel", text);
    return ALLOT_OK;
}

allot_status allot_taxonomy_new(const allot_config *cfg, allot_taxonomy **out, allot_error *err)
{
    *out = NULL;
    allot_taxonomy *tx = calloc(1, sizeof *tx);
    if (!tx)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    allot_status st = allot_config_get_list(cfg, "taxonomy", "own_domains", &tx->own_domains,
                                            &tx->n_own_domains, err);
    size_t n = allot_config_count(cfg, "taxonomy", "rule");
    if (st == ALLOT_OK && n) {
        tx->rules = calloc(n, sizeof *tx->rules);
        if (!tx->rules)
            st = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; st == ALLOT_OK && i < n; i++) {
        long line;
        const char *text = allot_config_nth(cfg, "taxonomy", "rule", i, &line);
        st = parse_rule(text, allot_config_name(cfg), line, &tx->rules[i], err);
        tx->n_rules = i + 1; /* freed by allot_taxonomy_free even when partial */
    }
    size_t ng = allot_config_count(cfg, "taxonomy", "group");
    for (size_t i = 0; st == ALLOT_OK && i < ng; i++) {
        long line;
        const char *text = allot_config_nth(cfg, "taxonomy", "group", i, &line);
        st = parse_group(tx, text, allot_config_name(cfg), line, err);
    }
    if (st != ALLOT_OK) {
        allot_taxonomy_free(tx);
        return st;
    }
    *out = tx;
    return ALLOT_OK;
}
