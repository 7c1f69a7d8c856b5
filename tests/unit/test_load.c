/* Load: the connection a load is given comes back as it was. A load runs its
 * transaction with foreign keys off (lib/load.c begin_load); whatever the
 * outcome (committed, rows rejected, a file that does not exist, a dialect
 * file), foreign keys are on again afterwards, no transaction is left open,
 * and every stored row's load_id names the load that wrote it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "load.h"
#include "store.h"

static char dir[128];
static char db_path[256];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/allot-test-load-%ld", (long)getpid());
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    assert_int_equal(system(cmd), 0);
    snprintf(db_path, sizeof db_path, "%s/allot.db", dir);
    return 0;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
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

/* Foreign keys on, no transaction open, and foreign_key_check finds nothing. */
static void assert_connection_restored(sqlite3 *db)
{
    assert_int_equal(query_int(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(sqlite3_get_autocommit(db), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

static allot_status load(sqlite3 *db, const char *name, allot_load_summary *sum)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    allot_load_options opt;
    allot_load_options_init(&opt);
    allot_error err;
    memset(sum, 0, sizeof *sum);
    return allot_load_file(db, path, &opt, sum, &err);
}

#define TOUCH_HEADER "touch_id,person_id,anonymous_id,occurred_at,touch_type\n"

static void every_outcome_restores_the_connection(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/touches.csv", dir);
    write_file(path, TOUCH_HEADER
               "t-1,p-1,,2026-01-07T13:58:12Z,visit\n"
               "t-2,p-1,,2026-01-20T10:00:00Z,event\n");
    snprintf(path, sizeof path, "%s/bad.csv", dir);
    write_file(path, TOUCH_HEADER
               "t-3,p-2,,2026-02-30T00:00:00Z,visit\n");   /* no such day */
    snprintf(path, sizeof path, "%s/more.csv", dir);
    write_file(path, TOUCH_HEADER
               "t-2,p-1,,2026-01-20T11:00:00Z,event\n"     /* a newer export: updated */
               "t-4,,v-1,2026-03-01T00:00:00Z,visit\n");

    sqlite3 *db;
    allot_error err;
    assert_int_equal(allot_store_open(db_path, &db, &err), ALLOT_OK);
    assert_int_equal(query_int(db, "PRAGMA foreign_keys"), 1);

    allot_load_summary sum;
    /* First load into the empty table: the bulk path. */
    assert_int_equal(load(db, "touches.csv", &sum), ALLOT_OK);
    assert_int_equal(sum.loaded, 2);
    assert_connection_restored(db);
    int64_t first = sum.load_id;
    assert_true(first > 0);

    /* One row rejected, none allowed: nothing commits. */
    assert_int_equal(load(db, "bad.csv", &sum), ALLOT_ERR_REJECTED);
    assert_int_equal(sum.rejected, 1);
    assert_connection_restored(db);

    /* A file that is not there fails before the transaction begins. */
    assert_int_equal(load(db, "missing.csv", &sum), ALLOT_ERR_IO);
    assert_connection_restored(db);

    /* A reload into a table that has rows: the upsert path. */
    assert_int_equal(load(db, "more.csv", &sum), ALLOT_OK);
    assert_int_equal(sum.loaded, 1);
    assert_int_equal(sum.updated, 1);
    assert_connection_restored(db);
    int64_t second = sum.load_id;
    assert_true(second > first);

    /* t-1 from the first load; t-2 (updated) and t-4 from the second. */
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM touches WHERE (touch_id = 't-1' AND load_id = %lld)"
             " OR (touch_id IN ('t-2', 't-4') AND load_id = %lld)",
             (long long)first, (long long)second);
    assert_int_equal(query_int(db, sql), 3);
    assert_int_equal(query_int(db, "SELECT count(*) FROM touches"), 3);
    sqlite3_close(db);
}

/* A dialect file (HubSpot contacts) takes the other transaction's path. */
static void a_dialect_load_restores_the_connection(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/hubspot.csv", dir);
    write_file(path, "Record ID,Email,Create Date,Lifecycle Stage\n"
                     "101,ana@example.com,2026-01-07 13:58,Lead\n");
    sqlite3 *db;
    allot_error err;
    assert_int_equal(allot_store_open(db_path, &db, &err), ALLOT_OK);
    allot_load_summary sum;
    allot_status st = load(db, "hubspot.csv", &sum);
    assert_int_equal(st, ALLOT_OK);
    assert_string_equal(sum.dialect, "hubspot");
    assert_connection_restored(db);
    assert_int_equal(query_int(db, "SELECT count(*) FROM people p JOIN loads l USING (load_id)"
                                   " WHERE l.dialect = 'hubspot'"), 1);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(every_outcome_restores_the_connection, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(a_dialect_load_restores_the_connection, make_dir,
                                        remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
