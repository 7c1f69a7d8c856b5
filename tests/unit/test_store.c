/* Store: schema creation, migrations, WAL, SHA-256 vectors, run records. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "hash.h"
#include "store.h"
#include "schema.sql.h"

static char db_path[256];

static int make_path(void **state)
{
    (void)state;
    snprintf(db_path, sizeof db_path, "/tmp/allot-test-store-%ld.db", (long)getpid());
    unlink(db_path);
    return 0;
}

static int remove_db(void **state)
{
    (void)state;
    char p[300];
    unlink(db_path);
    snprintf(p, sizeof p, "%s-wal", db_path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db_path);
    unlink(p);
    return 0;
}

static int64_t query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

static void sha256_known_vectors(void **state)
{
    (void)state;
    /* FIPS 180-2 appendix B vectors. */
    unsigned char d[32];
    char hex[65];
    allot_sha256 h;
    allot_sha256_init(&h);
    allot_sha256_update(&h, "abc", 3);
    allot_sha256_final(&h, d);
    allot_sha256_hex(d, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    allot_sha256_init(&h);
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    for (const char *p = two_blocks; *p; p++) /* byte by byte: buffering */
        allot_sha256_update(&h, p, 1);
    allot_sha256_final(&h, d);
    allot_sha256_hex(d, hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    allot_sha256_init(&h);
    allot_sha256_final(&h, d);
    allot_sha256_hex(d, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* allot_sha256_file (libcrypto): the empty file, "abc", and 3,000,000 'a'
 * bytes, which cross the 1 MiB read chunk. References from coreutils:
 *   head -c 3000000 /dev/zero | tr '\\0' a | sha256sum
 *   -> 2a152c894398719c0570f83fac34ac03a0f6e8e474b995c2403aa5434f7b9dd4 */
static void sha256_of_files(void **state)
{
    (void)state;
    char path[256], hex[65];
    int64_t bytes = -1;
    allot_error err;
    snprintf(path, sizeof path, "/tmp/allot-test-hash-%ld", (long)getpid());
    struct { size_t n; char c; const char *want; } cases[] = {
        {0, 'a', "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {3000000, 'a', "2a152c894398719c0570f83fac34ac03a0f6e8e474b995c2403aa5434f7b9dd4"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        for (size_t i = 0; i < cases[k].n; i++)
            fputc(cases[k].c, f);
        fclose(f);
        allot_error_clear(&err);
        assert_int_equal(allot_sha256_file(path, hex, &bytes, &err), ALLOT_OK);
        assert_string_equal(hex, cases[k].want);
        assert_int_equal(bytes, (int64_t)cases[k].n);
    }
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("abc", f);
    fclose(f);
    assert_int_equal(allot_sha256_file(path, hex, &bytes, &err), ALLOT_OK);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(bytes, 3);
    unlink(path);
    assert_int_equal(allot_sha256_file(path, hex, &bytes, &err), ALLOT_ERR_IO);
    assert_non_null(strstr(err.message, "cannot open"));
}

static void creates_schema_in_wal_mode(void **state)
{
    (void)state;
    sqlite3 *db;
    allot_error err;
    assert_int_equal(allot_store_open(db_path, &db, &err), ALLOT_OK);
    assert_int_equal(query_int(db, "PRAGMA user_version"), ALLOT_SCHEMA_VERSION);
    /* touches' indexes: the key and visitors' (anonymous_id, person_id);
     * none by person (migration 8) */
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND"
                                   " tbl_name = 'touches' AND sql IS NOT NULL"), 1);
    const char *tables[] = {"campaigns", "spend", "people", "touches", "deals",
                            "deal_people", "stage_history", "subscriptions", "fx_rates",
                            "loads", "runs", "rejects", "ledger", "paths"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[128];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM sqlite_schema WHERE type='table' AND name='%s'",
                 tables[i]);
        assert_int_equal(query_int(db, sql), 1);
    }
    sqlite3_stmt *stmt;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "wal");
    sqlite3_finalize(stmt);
    allot_store_close(db);
    /* Reopening an up-to-date database migrates nothing and keeps data. */
    assert_int_equal(allot_store_open(db_path, &db, &err), ALLOT_OK);
    assert_int_equal(allot_store_exec(db,
        "INSERT INTO fx_rates(currency,start_date,rate) VALUES('EUR','2026-01-01',1.1)", &err),
        ALLOT_OK);
    allot_store_close(db);
    assert_int_equal(allot_store_open(db_path, &db, &err), ALLOT_OK);
    assert_int_equal(query_int(db, "SELECT count(*) FROM fx_rates"), 1);
    allot_store_close(db);
}

static int64_t plan_uses(sqlite3 *db, const char *sql, const char *words)
{
    sqlite3_stmt *stmt;
    int64_t found = 0;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW)
        found += strstr((const char *)sqlite3_column_text(stmt, 3), words) != NULL;
    sqlite3_finalize(stmt);
    return found;
}

/* Writes db_path as allot schema VERSION would have (its migrations, run
 * by hand), then runs SQL on it (rows, user_version, changes by hand). */
static void write_old_database(int version, const char *sql)
{
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(db_path, &raw), SQLITE_OK);
    for (int v = 0; v < version; v++)
        for (const char *const *piece = allot_migrations[v]; *piece; piece++)
            assert_int_equal(sqlite3_exec(raw, *piece, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
}

/* A database written with schema 4 (before loads.time_zone, the visitor
 * index on (anonymous_id, person_id) and people by lead and contact id)
 * is migrated when opened, its rows kept; the lookups of dialect loads then
 * use the new indexes. */
static void migrates_a_version_4_database(void **state)
{
    (void)state;
    write_old_database(4,
        "PRAGMA user_version = 4;"
        "INSERT INTO loads(file, sha256, bytes, dialect, table_name, loaded_at, tool_version)"
        " VALUES ('people.csv', 'ab', 10, 'canonical', 'people', 1, 'old');"
        "INSERT INTO people(person_id, lead_id, contact_id, email)"
        " VALUES ('p1', 'L1', 'C1', 'a@example.com');"
        "INSERT INTO touches(touch_id, person_id, anonymous_id, occurred_at, touch_type)"
        " VALUES ('t1', 'p1', 'v1', 1, 'visit'), ('t2', NULL, 'v1', 2, 'visit');");

    sqlite3 *db;
    allot_error err;
    assert_int_equal(allot_store_open(db_path, &db, &err), ALLOT_OK);
    assert_int_equal(query_int(db, "PRAGMA user_version"), ALLOT_SCHEMA_VERSION);
    assert_int_equal(query_int(db, "SELECT count(*) FROM loads WHERE time_zone IS NULL"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM people"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM touches"), 2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND"
                                   " name IN ('people_lead', 'people_contact')"), 2);
    /* migration 8: touches have no index by person (lib/firsttouch) */
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND"
                                   " name = 'touches_person_time'"), 0);
    assert_int_equal(plan_uses(db, "EXPLAIN QUERY PLAN SELECT DISTINCT person_id FROM touches"
                                   " WHERE anonymous_id = 'v1' AND person_id IS NOT NULL"
                                   " ORDER BY person_id",
                               "COVERING INDEX touches_anonymous"), 1);
    assert_int_equal(plan_uses(db, "EXPLAIN QUERY PLAN SELECT person_id FROM people"
                                   " WHERE lead_id = 'L1' ORDER BY person_id",
                               "INDEX people_lead"), 1);
    assert_int_equal(plan_uses(db, "EXPLAIN QUERY PLAN SELECT person_id FROM people"
                                   " WHERE contact_id = 'C1' ORDER BY person_id",
                               "INDEX people_contact"), 1);
    allot_store_close(db);
}

/* A schema-7 database whose index by person was dropped by hand (to load
 * faster) still opens and migrates to the current schema. */
static void migrates_a_version_7_database_without_the_person_index(void **state)
{
    (void)state;
    write_old_database(7,
        "DROP INDEX touches_person_time;"
        "PRAGMA user_version = 7;"
        "INSERT INTO touches(touch_id, person_id, occurred_at, touch_type)"
        " VALUES ('t1', 'p1', 1, 'visit');");

    sqlite3 *db;
    allot_error err;
    assert_int_equal(allot_store_open(db_path, &db, &err), ALLOT_OK);
    assert_int_equal(query_int(db, "PRAGMA user_version"), ALLOT_SCHEMA_VERSION);
    assert_int_equal(query_int(db, "SELECT count(*) FROM touches"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND"
                                   " name = 'touches_person_time'"), 0);
    allot_store_close(db);
}

/* A snapshot hides a commit made meanwhile on another connection, nests,
 * and its end passes the reads' status through. */
static void snapshot_sees_one_state(void **state)
{
    (void)state;
    sqlite3 *db, *writer;
    allot_error err;
    assert_int_equal(allot_store_open(db_path, &db, &err), ALLOT_OK);
    assert_int_equal(allot_store_open(db_path, &writer, &err), ALLOT_OK);
    assert_int_equal(allot_store_snapshot_begin(db, &err), ALLOT_OK);
    assert_int_equal(query_int(db, "SELECT count(*) FROM campaigns"), 0);
    assert_int_equal(allot_store_exec(writer, "INSERT INTO campaigns(campaign_id, name) VALUES ('c1', 'one')",
                                      &err),
                     ALLOT_OK);
    assert_int_equal(allot_store_snapshot_begin(db, &err), ALLOT_OK); /* nested */
    assert_int_equal(query_int(db, "SELECT count(*) FROM campaigns"), 0);
    assert_int_equal(allot_store_snapshot_end(db, ALLOT_OK, &err), ALLOT_OK);
    assert_int_equal(query_int(db, "SELECT count(*) FROM campaigns"), 0);
    /* a failed read's status comes back, its message untouched */
    allot_error_set(&err, ALLOT_ERR_DATA, NULL, 0, 0, "the reads' message");
    assert_int_equal(allot_store_snapshot_end(db, ALLOT_ERR_DATA, &err), ALLOT_ERR_DATA);
    assert_string_equal(err.message, "the reads' message");
    assert_int_equal(query_int(db, "SELECT count(*) FROM campaigns"), 1);
    /* no snapshot left to end: the release fails, and says so when the
     * reads succeeded */
    assert_int_equal(allot_store_snapshot_end(db, ALLOT_ERR_DATA, &err), ALLOT_ERR_DATA);
    assert_string_equal(err.message, "the reads' message");
    assert_int_not_equal(allot_store_snapshot_end(db, ALLOT_OK, &err), ALLOT_OK);
    allot_store_close(writer);
    allot_store_close(db);
}

static void refuses_newer_schema(void **state)
{
    (void)state;
    sqlite3 *db;
    allot_error err;
    assert_int_equal(allot_store_open(db_path, &db, &err), ALLOT_OK);
    assert_int_equal(allot_store_exec(db, "PRAGMA user_version = 999", &err), ALLOT_OK);
    allot_store_close(db);
    assert_int_equal(allot_store_open(db_path, &db, &err), ALLOT_ERR_DB);
    assert_null(db);
    assert_non_null(strstr(err.message, "newer"));
}

static void missing_database_is_an_environment_error(void **state)
{
    (void)state;
    sqlite3 *db;
    allot_error err;
    assert_int_equal(allot_store_open_existing("/nonexistent/allot.db", &db, &err),
                     ALLOT_ERR_IO);
    assert_int_equal(allot_exit_code(err.code), 3);
    assert_non_null(strstr(err.message, "allot-load"));
}

static void records_runs(void **state)
{
    (void)state;
    sqlite3 *db;
    allot_error err;
    char digest[65];
    int64_t run_id = 0;
    assert_int_equal(allot_store_open(db_path, &db, &err), ALLOT_OK);
    assert_int_equal(allot_store_input_digest(db, digest, &err), ALLOT_OK);
    assert_int_equal(strlen(digest), 64);
    assert_int_equal(allot_store_run_begin(db, "allot-test", "model=linear", digest, &run_id,
                                           &err), ALLOT_OK);
    assert_true(run_id > 0);
    assert_int_equal(allot_store_run_end(db, run_id, "ok", &err), ALLOT_OK);
    assert_int_equal(query_int(db, "SELECT count(*) FROM runs WHERE status='ok' "
                                   "AND parameters='model=linear'"), 1);
    /* The digest changes when the data changes. */
    char after[65];
    assert_int_equal(allot_store_exec(db,
        "INSERT INTO fx_rates(currency,start_date,rate) VALUES('EUR','2026-01-01',1.1)", &err),
        ALLOT_OK);
    assert_int_equal(allot_store_input_digest(db, after, &err), ALLOT_OK);
    assert_string_not_equal(digest, after);
    allot_store_close(db);
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static char *text_of(sqlite3 *db, const char *sql, char *out, size_t size)
{
    sqlite3_stmt *stmt;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    snprintf(out, size, "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return out;
}

/* A first load builds a new database in PATH.draft-PID, journaled in memory;
 * publishing makes it a WAL database at PATH and removes the draft. */
static void draft_is_published_in_wal_mode(void **state)
{
    (void)state;
    sqlite3 *db;
    allot_store_draft d;
    allot_error err;
    char text[64], draft[400];
    assert_int_equal(allot_store_open_draft(db_path, &db, &d, &err), ALLOT_OK);
    snprintf(draft, sizeof draft, "%s.draft-%ld", db_path, (long)getpid());
    assert_string_equal(d.file, draft);
    assert_true(exists(draft));
    assert_false(exists(db_path));   /* nobody sees a half-built database */
    assert_string_equal(text_of(db, "PRAGMA journal_mode", text, sizeof text), "memory");
    assert_int_equal(query_int(db, "PRAGMA page_size"), 16384);
    assert_int_equal(allot_store_exec(db, "INSERT INTO fx_rates(currency, start_date, rate) "
                                          "VALUES ('EUR', '2026-01-02', 0.9)", &err), ALLOT_OK);
    assert_int_equal(allot_store_draft_publish(db, &d, &err), ALLOT_OK);
    assert_false(d.raced);
    assert_false(exists(draft));
    assert_true(exists(db_path));
    assert_int_equal(allot_store_open(db_path, &db, &err), ALLOT_OK);
    assert_string_equal(text_of(db, "PRAGMA journal_mode", text, sizeof text), "wal");
    assert_int_equal(query_int(db, "SELECT count(*) FROM fx_rates"), 1);
    allot_store_close(db);

    /* An existing database is opened as it is: no draft. */
    assert_int_equal(allot_store_open_draft(db_path, &db, &d, &err), ALLOT_OK);
    assert_string_equal(d.file, "");
    assert_int_equal(query_int(db, "SELECT count(*) FROM fx_rates"), 1);
    assert_int_equal(allot_store_draft_publish(db, &d, &err), ALLOT_OK);
}

/* Another process creates the database while the draft is built: publishing
 * leaves that database alone, removes the draft and says so (raced). */
static void draft_loses_a_race_cleanly(void **state)
{
    (void)state;
    sqlite3 *db, *other;
    allot_store_draft d;
    allot_error err;
    assert_int_equal(allot_store_open_draft(db_path, &db, &d, &err), ALLOT_OK);
    assert_int_equal(allot_store_exec(db, "INSERT INTO fx_rates(currency, start_date, rate) "
                                          "VALUES ('EUR', '2026-01-02', 0.9)", &err), ALLOT_OK);
    assert_int_equal(allot_store_open(db_path, &other, &err), ALLOT_OK);
    char draft[sizeof d.file];
    snprintf(draft, sizeof draft, "%s", d.file);
    assert_int_equal(allot_store_draft_publish(db, &d, &err), ALLOT_OK);
    assert_true(d.raced);
    assert_false(exists(draft));
    assert_int_equal(query_int(other, "SELECT count(*) FROM fx_rates"), 0);
    allot_store_close(other);
}

/* Drafts of processes that are gone (a killed load) are removed by the next
 * first load; a running process's draft is left alone. */
static void stale_drafts_are_removed(void **state)
{
    (void)state;
    char dead[400], alive[400];
    snprintf(dead, sizeof dead, "%s.draft-2147483647", db_path);
    snprintf(alive, sizeof alive, "%s.draft-%ld", db_path, (long)getppid());
    FILE *f = fopen(dead, "w");
    assert_non_null(f);
    fclose(f);
    f = fopen(alive, "w");
    assert_non_null(f);
    fclose(f);
    sqlite3 *db;
    allot_store_draft d;
    allot_error err;
    assert_int_equal(allot_store_open_draft(db_path, &db, &d, &err), ALLOT_OK);
    assert_false(exists(dead));
    assert_true(exists(alive));
    assert_int_equal(allot_store_draft_publish(db, &d, &err), ALLOT_OK);
    assert_true(exists(db_path));
    unlink(alive);
}

/* runs.parameters is "key=value;..." sorted by key: a key is matched whole
 * ("model" is not "models"), a value is cut to the buffer. */
static void run_parameters_are_read_by_key(void **state)
{
    (void)state;
    const char *params = "event=revenue;fiscal_start=4;models=linear,w_shaped;model=linear";
    char buf[8];
    assert_int_equal(allot_store_run_param(params, "model", buf, sizeof buf), 1);
    assert_string_equal(buf, "linear");
    assert_int_equal(allot_store_run_param(params, "models", buf, sizeof buf), 1);
    assert_string_equal(buf, "linear,");   /* 7 bytes of "linear,w_shaped" */
    assert_int_equal(allot_store_run_param(params, "event", buf, sizeof buf), 1);
    assert_string_equal(buf, "revenue");
    assert_int_equal(allot_store_run_param(params, "timezone", buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    assert_int_equal(allot_store_run_param(NULL, "model", buf, sizeof buf), 0);
    assert_int_equal(allot_store_run_fiscal_start(params), 4);
    assert_int_equal(allot_store_run_fiscal_start("fiscal_start=13;model=linear"), 1);
    assert_int_equal(allot_store_run_fiscal_start("model=linear"), 1);
    assert_int_equal(allot_store_run_fiscal_start(NULL), 1);
}

/* What allot-credit recorded before 2026-11-23 for the sample's
 * configuration (custom = FT:30, LC:30, OC:30, rest:10; position_based =
 * 40/20/40), the numbers written with %.17g: copied from the runs row a
 * build of main at 2efdcac wrote (sqlite3 out/allot.db "SELECT parameters
 * FROM runs WHERE tool = 'allot-credit'"), models lists shortened. */
static const char *const old_params =
    "account_level=0;bootstrap=0;bootstrap_seed=1;currency=USD;custom=FT=0.29999999999999999,"
    "LC=0.29999999999999999,OC=0.29999999999999999,middle=0.10000000000000001;"
    "dedupe_minutes=0;event=revenue;fiscal_start=1;half_life_days=7;ledger_models=linear;"
    "lookback_days=90;markov_keep_repeats=0;markov_order=1;max_touches=0;models=linear;"
    "period=;position=0.40000000000000002/0.20000000000000001/0.40000000000000002;"
    "shapley=auto;timezone=UTC";
/* The same run recorded now (allot-credit writes allot_csvout_shortest). */
static const char *const new_params =
    "account_level=0;bootstrap=0;bootstrap_seed=1;currency=USD;custom=FT=0.3,LC=0.3,OC=0.3,"
    "middle=0.1;dedupe_minutes=0;event=revenue;fiscal_start=1;half_life_days=7;"
    "ledger_models=linear;lookback_days=90;markov_keep_repeats=0;markov_order=1;"
    "max_touches=0;models=linear;period=;position=0.4/0.2/0.4;shapley=auto;timezone=UTC";

/* Old runs read as new ones: each number an older build wrote with %.17g
 * becomes its shortest form; text already in that form, and text that is
 * not such a number, is left as it is. */
static void run_parameters_read_in_shortest_form(void **state)
{
    (void)state;
    char out[1024];
    assert_string_equal(allot_store_run_params_shortest(old_params, out, sizeof out),
                        new_params);
    assert_string_equal(allot_store_run_params_shortest(new_params, out, sizeof out),
                        new_params);
    /* 0.1 + 0.2 is another double than 0.3: its 17 digits stay. */
    assert_string_equal(allot_store_run_params_shortest(
                            "custom=FT=0.30000000000000004,middle=0.69999999999999996", out,
                            sizeof out),
                        "custom=FT=0.30000000000000004,middle=0.7");
    /* Only the text %.17g writes changes: "0.300" and "1e-7" were not
     * written by allot, so they are the user's text and stay; a period,
     * time zones with digits and empty values are not numbers. */
    const char *others =
        "a=0.300;b=1e-7;c=9.9999999999999995e-08;period=2026Q3;timezone=Etc/GMT+5;x=;"
        "y=-0;z=1/3;w=;;=;,";
    assert_string_equal(allot_store_run_params_shortest(others, out, sizeof out),
                        "a=0.300;b=1e-7;c=1e-07;period=2026Q3;timezone=Etc/GMT+5;x=;"
                        "y=-0;z=1/3;w=;;=;,");
    assert_string_equal(allot_store_run_params_shortest(NULL, out, sizeof out), "");
    char small[12];
    assert_string_equal(allot_store_run_params_shortest(old_params, small, sizeof small),
                        "account_lev");
    /* allot_store_run_param gives the value in its shortest form, so that
     * old and new runs' values compare equal. */
    char a[256], b[256];
    assert_int_equal(allot_store_run_param(old_params, "custom", a, sizeof a), 1);
    assert_int_equal(allot_store_run_param(new_params, "custom", b, sizeof b), 1);
    assert_string_equal(a, "FT=0.3,LC=0.3,OC=0.3,middle=0.1");
    assert_string_equal(b, a);
    assert_int_equal(allot_store_run_param(old_params, "position", a, sizeof a), 1);
    assert_string_equal(a, "0.4/0.2/0.4");
    assert_int_equal(allot_store_run_param(old_params, "position", a, 6), 1);
    assert_string_equal(a, "0.4/0"); /* cut after the shortening */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha256_known_vectors),
        cmocka_unit_test(run_parameters_are_read_by_key),
        cmocka_unit_test(run_parameters_read_in_shortest_form),
        cmocka_unit_test(sha256_of_files),
        cmocka_unit_test_setup_teardown(creates_schema_in_wal_mode, make_path, remove_db),
        cmocka_unit_test_setup_teardown(migrates_a_version_4_database, make_path, remove_db),
        cmocka_unit_test_setup_teardown(migrates_a_version_7_database_without_the_person_index,
                                        make_path, remove_db),
        cmocka_unit_test_setup_teardown(snapshot_sees_one_state, make_path, remove_db),
        cmocka_unit_test_setup_teardown(refuses_newer_schema, make_path, remove_db),
        cmocka_unit_test(missing_database_is_an_environment_error),
        cmocka_unit_test_setup_teardown(records_runs, make_path, remove_db),
        cmocka_unit_test_setup_teardown(draft_is_published_in_wal_mode, make_path, remove_db),
        cmocka_unit_test_setup_teardown(draft_loses_a_race_cleanly, make_path, remove_db),
        cmocka_unit_test_setup_teardown(stale_drafts_are_removed, make_path, remove_db),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
