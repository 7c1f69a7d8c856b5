/*
 * schema.sql.h — the migrations, oldest first. Migration i (1-based) moves a
 * database from user_version i-1 to i. Never edit a released migration: add
 * a new one and bump ALLOT_SCHEMA_VERSION in store.h.
 *
 * A migration is a NULL-terminated list of SQL pieces, run in order in the
 * migration's transaction; each piece is whole statements, under the 4095
 * characters a C compiler must accept in one string literal
 * (-Woverlength-strings). Splitting a released migration into pieces changes
 * nothing it does; its text stays as it was. To add migration N: a new
 * allot_migration_N list at the end, then its name in allot_migrations.
 *
 * Included only by store.c.
 */

/* 1: canonical tables, provenance, ledger. */
static const char *const allot_migration_1[] = {
    "CREATE TABLE loads ("
    "  load_id      INTEGER PRIMARY KEY,"
    "  file         TEXT NOT NULL,"          /* path as given by the user */
    "  sha256       TEXT NOT NULL,"          /* of the file's bytes */
    "  bytes        INTEGER NOT NULL,"
    "  dialect      TEXT NOT NULL,"
    "  table_name   TEXT NOT NULL,"          /* canonical table(s) it fed */
    "  loaded_at    INTEGER NOT NULL,"       /* epoch seconds UTC */
    "  rows_read    INTEGER NOT NULL DEFAULT 0,"
    "  rows_loaded  INTEGER NOT NULL DEFAULT 0,"  /* inserted */
    "  rows_updated INTEGER NOT NULL DEFAULT 0,"  /* changed existing rows */
    "  rows_unchanged INTEGER NOT NULL DEFAULT 0,"
    "  rows_rejected INTEGER NOT NULL DEFAULT 0,"
    "  rows_dropped INTEGER NOT NULL DEFAULT 0,"  /* footers / totals */
    "  warnings     INTEGER NOT NULL DEFAULT 0,"
    "  tool_version TEXT NOT NULL"
    ");"
    "CREATE TABLE rejects ("
    "  reject_id   INTEGER PRIMARY KEY,"
    "  load_id     INTEGER NOT NULL REFERENCES loads(load_id),"
    "  file        TEXT NOT NULL,"
    "  line        INTEGER NOT NULL,"
    "  column_no   INTEGER,"
    "  column_name TEXT,"
    "  value       TEXT,"
    "  reason      TEXT NOT NULL,"
    "  raw         TEXT"                     /* the whole input record */
    ");"
    "CREATE TABLE load_warnings ("
    "  load_id INTEGER NOT NULL REFERENCES loads(load_id),"
    "  line    INTEGER, column_no INTEGER, message TEXT NOT NULL"
    ");"
    "CREATE TABLE runs ("
    "  run_id      INTEGER PRIMARY KEY,"
    "  tool        TEXT NOT NULL,"
    "  version     TEXT NOT NULL,"
    "  parameters  TEXT NOT NULL,"
    "  input_hash  TEXT NOT NULL,"
    "  started_at  INTEGER NOT NULL,"
    "  finished_at INTEGER,"
    "  status      TEXT NOT NULL DEFAULT 'running'"
    ");"
    /* Every canonical row keeps provenance: load_id + source_row. Rows are
     * keyed by their text id (unique across the database); source_system
     * says where the id came from. */
    "CREATE TABLE campaigns ("
    "  campaign_id  TEXT PRIMARY KEY,"
    "  source_system TEXT NOT NULL DEFAULT 'canonical',"
    "  name         TEXT NOT NULL,"
    "  parent_id    TEXT,"
    "  type         TEXT,"
    "  channel      TEXT,"                   /* explicit channel, else taxonomy */
    "  start_date   TEXT, end_date TEXT,"
    "  budgeted_cost_micros INTEGER, actual_cost_micros INTEGER, currency TEXT,"
    "  utm_source TEXT, utm_medium TEXT, utm_campaign TEXT,"
    "  load_id INTEGER REFERENCES loads(load_id), source_row INTEGER"
    ");"
    "CREATE INDEX campaigns_name ON campaigns(name);"
    "CREATE TABLE spend ("                   /* additive: campaign x day x account */
    "  date         TEXT NOT NULL,"
    "  source_system TEXT NOT NULL,"
    "  ad_account   TEXT NOT NULL DEFAULT '',"
    "  campaign_id  TEXT NOT NULL,"
    "  campaign_name TEXT,"
    "  cost_micros  INTEGER NOT NULL,"
    "  currency     TEXT NOT NULL,"
    "  impressions  INTEGER, clicks INTEGER,"
    "  conversions  REAL,"                   /* platform-reported, fractional */
    "  conversion_value_micros INTEGER,"
    "  load_id INTEGER REFERENCES loads(load_id), source_row INTEGER,"
    "  PRIMARY KEY (source_system, ad_account, campaign_id, date)"
    ");"
    "CREATE TABLE people ("
    "  person_id    TEXT PRIMARY KEY,"
    "  source_system TEXT NOT NULL DEFAULT 'canonical',"
    "  lead_id      TEXT, contact_id TEXT,"
    "  email        TEXT,"                   /* normalised: trimmed, lower case */
    "  email_sha256 TEXT,"
    "  account_id   TEXT,"
    "  created_at   INTEGER,"
    "  converted_at INTEGER,"
    "  original_source TEXT,"
    "  load_id INTEGER REFERENCES loads(load_id), source_row INTEGER"
    ");"
    "CREATE INDEX people_email ON people(email);"
    "CREATE INDEX people_account ON people(account_id);"
    "CREATE TABLE touches ("
    "  touch_id     TEXT PRIMARY KEY,"
    "  source_system TEXT NOT NULL DEFAULT 'canonical',"
    "  person_id    TEXT,"                   /* NULL for anonymous visitors */
    "  anonymous_id TEXT,"
    "  occurred_at  INTEGER NOT NULL,"
    "  touch_type   TEXT NOT NULL,"          /* visit, form, campaign_member, ad_click, email, event, offline */
    "  channel      TEXT,"                   /* explicit channel, else taxonomy */
    "  campaign_id  TEXT,"
    "  utm_source TEXT, utm_medium TEXT, utm_campaign TEXT, utm_content TEXT, utm_term TEXT,"
    "  click_id     TEXT,"
    "  landing_page TEXT,"
    "  referrer     TEXT,"
    "  load_id INTEGER REFERENCES loads(load_id), source_row INTEGER"
    ");"
    "CREATE INDEX touches_person_time ON touches(person_id, occurred_at);"
    "CREATE INDEX touches_anonymous ON touches(anonymous_id) WHERE anonymous_id IS NOT NULL;"
    "CREATE TABLE deals ("
    "  deal_id      TEXT PRIMARY KEY,"
    "  source_system TEXT NOT NULL DEFAULT 'canonical',"
    "  account_id   TEXT,"
    "  name         TEXT,"
    "  amount_micros INTEGER,"               /* NULL stays NULL */
    "  currency     TEXT,"
    "  stage        TEXT,"
    "  is_closed    INTEGER NOT NULL DEFAULT 0,"
    "  is_won       INTEGER NOT NULL DEFAULT 0,"
    "  created_at   INTEGER NOT NULL,"
    "  close_date   TEXT,"
    "  pipeline     TEXT,"
    "  lead_source  TEXT,"
    "  campaign_id  TEXT,"                   /* primary campaign */
    "  deal_type    TEXT,"
    "  load_id INTEGER REFERENCES loads(load_id), source_row INTEGER"
    ");"
    "CREATE INDEX deals_close ON deals(close_date);"
    ,
    "CREATE TABLE deal_people ("
    "  deal_id    TEXT NOT NULL,"
    "  person_id  TEXT NOT NULL,"
    "  role       TEXT,"
    "  is_primary INTEGER NOT NULL DEFAULT 0,"
    "  load_id INTEGER REFERENCES loads(load_id), source_row INTEGER,"
    "  PRIMARY KEY (deal_id, person_id)"
    ");"
    "CREATE INDEX deal_people_person ON deal_people(person_id);"
    "CREATE TABLE stage_history ("
    "  entity_type TEXT NOT NULL CHECK (entity_type IN ('person','deal')),"
    "  entity_id   TEXT NOT NULL,"
    "  stage       TEXT NOT NULL,"
    "  entered_at  INTEGER NOT NULL,"
    "  load_id INTEGER REFERENCES loads(load_id), source_row INTEGER,"
    "  PRIMARY KEY (entity_type, entity_id, stage, entered_at)"
    ");"
    /* One row per span of constant recurring revenue of an account: a new
     * subscription, a renewal, an expansion or contraction starts a row;
     * end_date (exclusive) NULL while active; a row ending with no successor
     * for the account is churn. */
    "CREATE TABLE subscriptions ("
    "  subscription_id TEXT PRIMARY KEY,"
    "  source_system TEXT NOT NULL DEFAULT 'canonical',"
    "  account_id  TEXT NOT NULL,"
    "  product     TEXT,"
    "  start_date  TEXT NOT NULL,"
    "  end_date    TEXT,"
    "  mrr_micros  INTEGER NOT NULL,"
    "  currency    TEXT NOT NULL,"
    "  load_id INTEGER REFERENCES loads(load_id), source_row INTEGER"
    ");"
    "CREATE INDEX subscriptions_account ON subscriptions(account_id, start_date);"
    /* rate: units of the reporting currency per unit of `currency`, valid
     * from start_date (inclusive) to end_date (exclusive, NULL open). */
    "CREATE TABLE fx_rates ("
    "  currency   TEXT NOT NULL,"
    "  start_date TEXT NOT NULL,"
    "  end_date   TEXT,"
    "  rate       REAL NOT NULL CHECK (rate > 0),"
    "  load_id INTEGER REFERENCES loads(load_id), source_row INTEGER,"
    "  PRIMARY KEY (currency, start_date)"
    ");"
    /* Aggregated journeys from path files (ChannelAttribution format). */
    "CREATE TABLE paths ("
    "  path        TEXT PRIMARY KEY,"        /* 'a > b > c' */
    "  conversions REAL NOT NULL,"
    "  value       REAL NOT NULL DEFAULT 0,"
    "  nulls       REAL NOT NULL DEFAULT 0,"
    "  load_id INTEGER REFERENCES loads(load_id), source_row INTEGER"
    ");"
    /* The credit ledger: one row per run x model x deal x touch. credit_minor
     * is in the minor unit of `currency` (ISO 4217 exponent); the credits of
     * a deal under a model sum exactly to its amount. Deals with no touch in
     * the window have one row with touch_id NULL and channel '(unattributed)'. */
    "CREATE TABLE ledger ("
    "  run_id      INTEGER NOT NULL REFERENCES runs(run_id),"
    "  model       TEXT NOT NULL,"
    "  deal_id     TEXT NOT NULL,"
    "  touch_id    TEXT,"
    "  position    INTEGER NOT NULL,"        /* 1-based order in the journey */
    "  channel     TEXT NOT NULL,"
    "  campaign_id TEXT,"
    "  weight      REAL NOT NULL,"
    "  credit_minor INTEGER NOT NULL,"
    "  currency    TEXT NOT NULL,"
    "  rule        TEXT NOT NULL,"           /* e.g. 'W:LC', 'linear' */
    "  period      TEXT NOT NULL,"           /* e.g. '2026Q3' */
    "  PRIMARY KEY (run_id, model, deal_id, position)"
    ") WITHOUT ROWID;"
    ,
    NULL
};

/* 2: credit ledger extras and rollups (allot-credit). Each ledger row
 * also carries its credit in the reporting currency (the deal amount
 * converted at the rate valid on the deal's event date, then split by the
 * same weights with the same largest-remainder rule), so every rollup is
 * a GROUP BY over the ledger. */
static const char *const allot_migration_2[] = {
    "ALTER TABLE ledger ADD COLUMN reporting_minor INTEGER;"
    "ALTER TABLE ledger ADD COLUMN reporting_currency TEXT;"
    /* Converting deals with a NULL amount: counted, never summed. */
    "CREATE TABLE ledger_null_amount ("
    "  run_id   INTEGER NOT NULL REFERENCES runs(run_id),"
    "  deal_id  TEXT NOT NULL,"
    "  period   TEXT NOT NULL,"
    "  touches  INTEGER NOT NULL,"
    "  PRIMARY KEY (run_id, deal_id)"
    ") WITHOUT ROWID;"
    /* Credit per model, period and channel in the reporting currency's minor
     * unit; channel '(unattributed)' holds deals with no touch in the window.
     * deals: deals with an amount giving the channel a positive weight;
     * null_amount_deals: the same for NULL-amount deals; share: of the
     * period's booked amount. */
    "CREATE TABLE rollup_channel ("
    "  run_id    INTEGER NOT NULL REFERENCES runs(run_id),"
    "  model     TEXT NOT NULL,"
    "  period    TEXT NOT NULL,"
    "  channel   TEXT NOT NULL,"
    "  deals     INTEGER NOT NULL,"
    "  null_amount_deals INTEGER NOT NULL,"
    "  credited_minor INTEGER NOT NULL,"
    "  currency  TEXT NOT NULL,"
    "  share     REAL NOT NULL,"
    "  PRIMARY KEY (run_id, model, period, channel)"
    ") WITHOUT ROWID;"
    /* The same per campaign within its channel; campaign_id '(none)' for
     * touches without a campaign. */
    "CREATE TABLE rollup_campaign ("
    "  run_id    INTEGER NOT NULL REFERENCES runs(run_id),"
    "  model     TEXT NOT NULL,"
    "  period    TEXT NOT NULL,"
    "  channel   TEXT NOT NULL,"
    "  campaign_id TEXT NOT NULL,"
    "  deals     INTEGER NOT NULL,"
    "  null_amount_deals INTEGER NOT NULL,"
    "  credited_minor INTEGER NOT NULL,"
    "  currency  TEXT NOT NULL,"
    "  share     REAL NOT NULL,"
    "  PRIMARY KEY (run_id, model, period, channel, campaign_id)"
    ") WITHOUT ROWID;"
    /* Per model and period: booked = credited + unattributed, exactly. */
    "CREATE TABLE rollup_period ("
    "  run_id    INTEGER NOT NULL REFERENCES runs(run_id),"
    "  model     TEXT NOT NULL,"
    "  period    TEXT NOT NULL,"
    "  deals     INTEGER NOT NULL,"          /* converting deals with an amount */
    "  attributed_deals INTEGER NOT NULL,"
    "  unattributed_deals INTEGER NOT NULL,"
    "  null_amount_deals INTEGER NOT NULL,"
    "  booked_minor INTEGER NOT NULL,"
    "  credited_minor INTEGER NOT NULL,"
    "  unattributed_minor INTEGER NOT NULL,"
    "  currency  TEXT NOT NULL,"
    "  PRIMARY KEY (run_id, model, period)"
    ") WITHOUT ROWID;"
    ,
    NULL
};

/* 3: raw figures of the data-driven models (markov, shapley) beside the
 * ledger: per run, model and channel the removal effect or Shapley value
 * (score), the normalised weight the ledger split deals by, the
 * attributed conversions, the journeys touching the channel (low_support
 * when below the minimum) and, with a bootstrap, the 95 % interval of the
 * attributed conversions. */
static const char *const allot_migration_3[] = {
    "CREATE TABLE model_scores ("
    "  run_id      INTEGER NOT NULL REFERENCES runs(run_id),"
    "  model       TEXT NOT NULL,"
    "  method      TEXT NOT NULL,"           /* 'markov order 1', 'shapley exact' */
    "  channel     TEXT NOT NULL,"
    "  score       REAL NOT NULL,"
    "  weight      REAL NOT NULL,"
    "  conversions REAL NOT NULL,"
    "  journeys    REAL NOT NULL,"
    "  low_support INTEGER NOT NULL,"
    "  lower       REAL,"
    "  upper       REAL,"
    "  PRIMARY KEY (run_id, model, channel)"
    ") WITHOUT ROWID;"
    ,
    NULL
};

/* 4: the channel group of each channel rollup row (taxonomy.h groups;
 * '(unattributed)' for the unattributed bucket), so the rollups go
 * touch -> campaign -> channel -> channel group. */
static const char *const allot_migration_4[] = {
    "ALTER TABLE rollup_channel ADD COLUMN channel_group TEXT;"
    ,
    NULL
};

/* 5: the time zone a load read its timestamps without a UTC offset in
 * (allot-load --timezone; 'UTC' by default; NULL for loads made before). */
static const char *const allot_migration_5[] = {
    "ALTER TABLE loads ADD COLUMN time_zone TEXT;"
    ,
    NULL
};

/* 6: visitors' touches by (anonymous_id, person_id): finding the person
 * an anonymous id is known to belong to seeks past its anonymous touches
 * (a visitor id shared by thousands of sessions made web-sessions loads
 * quadratic), and the index holds the answer. */
static const char *const allot_migration_6[] = {
    "DROP INDEX touches_anonymous;"
    "CREATE INDEX touches_anonymous ON touches(anonymous_id, person_id) "
    "WHERE anonymous_id IS NOT NULL;"
    ,
    NULL
};

/* 7: people by their CRM ids: a Salesforce or HubSpot export finds each
 * row's existing person by lead id, contact id or e-mail, and without these
 * indexes every lookup read the whole people table (a 200 000-lead export
 * did not finish in 10 minutes). */
static const char *const allot_migration_7[] = {
    "CREATE INDEX people_lead ON people(lead_id) WHERE lead_id IS NOT NULL;"
    "CREATE INDEX people_contact ON people(contact_id) WHERE contact_id IS NOT NULL;"
    ,
    NULL
};

/* 8: no index of touches by person. Its one reader left, a seek per person
 * for a first touch, became a pass over touches in storage order
 * (lib/firsttouch, for the funnel and retention; allot-credit's journeys
 * always read touches in storage order), and allot-load rebuilt it after
 * every first load: about a quarter of a 2 M-touch load's time. IF EXISTS:
 * a user may have dropped it by hand to load faster. */
static const char *const allot_migration_8[] = {
    "DROP INDEX IF EXISTS touches_person_time;"
    ,
    NULL
};

static const char *const *const allot_migrations[] = {
    allot_migration_1,
    allot_migration_2,
    allot_migration_3,
    allot_migration_4,
    allot_migration_5,
    allot_migration_6,
    allot_migration_7,
    allot_migration_8,
};
