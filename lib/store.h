/*
 * store.h — the SQLite database every tool shares: opening, schema,
 * migrations, transactions and run provenance.
 *
 * The schema is the contract between tools (see README "Database").
 * Conventions: money is INTEGER micros (1e-6 of the row's currency) next to
 * an ISO 4217 `currency` column, NULL when unknown (never 0); `*_at` columns
 * are INTEGER epoch seconds UTC; `*_date` columns are TEXT civil dates
 * 'YYYY-MM-DD', never shifted by a time zone; ids are TEXT.
 */
#ifndef ALLOT_STORE_H
#define ALLOT_STORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The schema version this build writes (PRAGMA user_version). */
#define ALLOT_SCHEMA_VERSION 8

/* How long a tool waits for another tool's write lock before failing. */
#define ALLOT_BUSY_TIMEOUT_MS 60000

/* Opens (creating when missing) the database at path, enables WAL, foreign
 * keys, a page cache of at most 64 MiB and the busy timeout, and migrates it
 * forward to ALLOT_SCHEMA_VERSION. A database written by a newer allot is
 * refused (ALLOT_ERR_DB).
 * On success *db is owned by the caller: release with allot_store_close. */
allot_status allot_store_open(const char *path, sqlite3 **db, allot_error *err);

/* Opens an existing database read-write without creating it; a missing file
 * is ALLOT_ERR_IO with a message suggesting allot-load. *db as allot_store_open. */
allot_status allot_store_open_existing(const char *path, sqlite3 **db, allot_error *err);

/* A database that a first load builds in a private file (allot_store_open_draft). */
typedef struct allot_store_draft {
    char path[4096];       /* where the database goes */
    char file[4200];       /* the private file it is built in; "" when path existed */
    int raced;             /* set by publish: another process created path meanwhile */
} allot_store_draft;

/* Opens path for loading. When no file is there yet, the new database is
 * built in a private file beside it (PATH.draft-PID) that no other process
 * opens, with its rollback journal in memory and no syncs: WAL would write
 * every page twice (a fifth to a third of a first load's time), and a crash
 * only leaves the private file behind (removed by the next first load; path
 * never holds a half-built database). Otherwise this is allot_store_open
 * and d->file is "". Finish with allot_store_draft_publish. */
allot_status allot_store_open_draft(const char *path, sqlite3 **db, allot_store_draft *d,
                                    allot_error *err);

/* Closes db. A private file is switched to WAL, synced and linked to its
 * path; if another process created the database meanwhile, d->raced is set,
 * the private file is removed and nothing is published: load into the
 * existing database again (allot_store_open). ALLOT_ERR_IO when the file
 * cannot be synced or linked (it is then removed too). */
allot_status allot_store_draft_publish(sqlite3 *db, allot_store_draft *d, allot_error *err);

/* Closes db; NULL is a no-op. */
void allot_store_close(sqlite3 *db);

/* Runs sql (no parameters, may hold several statements). */
allot_status allot_store_exec(sqlite3 *db, const char *sql, allot_error *err);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. begin waits for the busy timeout and
 * returns ALLOT_ERR_LOCKED when the database stays locked. rollback is safe
 * to call when no transaction is open. */
allot_status allot_store_begin(sqlite3 *db, allot_error *err);
allot_status allot_store_commit(sqlite3 *db, allot_error *err);
void allot_store_rollback(sqlite3 *db);

/* A read snapshot: every read between the two calls sees one state of the
 * database (a load that commits meanwhile is seen whole or not at all, and
 * row numbers stay put). A SAVEPOINT, so it nests, inside a write
 * transaction too. _end takes the status of the reads and returns it, or
 * the release's failure when the reads succeeded (err is left alone when
 * they had failed). */
allot_status allot_store_snapshot_begin(sqlite3 *db, allot_error *err);
allot_status allot_store_snapshot_end(sqlite3 *db, allot_status reads, allot_error *err);

/* Prepares sql; *stmt is the caller's to sqlite3_finalize. On failure fills
 * err with the SQLite message (*stmt is then NULL). */
allot_status allot_store_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **stmt,
                                 allot_error *err);

/* Maps the last SQLite error of db (rc from the failing call) to a status
 * and fills err: SQLITE_BUSY/LOCKED become ALLOT_ERR_LOCKED. */
allot_status allot_store_fail(sqlite3 *db, int rc, const char *what, allot_error *err);

/* Records the start of a tool run: tool name, parameters (a canonical
 * "key=value;..." string, sorted by key, numbers in their shortest form
 * (allot_csvout_shortest), so equal parameters give equal text) and a hash
 * over the inputs. Sets *run_id. The run row is part of
 * the caller's transaction. */
allot_status allot_store_run_begin(sqlite3 *db, const char *tool, const char *parameters,
                                   const char *input_hash, int64_t *run_id, allot_error *err);

/* The value of key in a run's "key=value;..." parameters (runs.parameters)
 * into buf (cut to size - 1 bytes), its numbers in their shortest form
 * (allot_store_run_params_shortest), so that values compare equal when the
 * numbers are equal whichever build recorded them; 0 when the key is absent
 * (buf ""). */
int allot_store_run_param(const char *parameters, const char *key, char *buf, size_t size);

/* A run's parameters as users see them and as runs are compared: each
 * number in them (a piece between the separators ; = , /) that builds
 * before 2026-11-23 wrote with printf's %.17g ("0.29999999999999999",
 * "0.40000000000000002") in the shortest form that reads back as the same
 * double, as runs are recorded now (allot_csvout_shortest: "0.3", "0.4").
 * Everything else (names, periods, time zones, numbers already in that
 * form) is copied as it is, so parameters written by this build come back
 * unchanged. Writes into out, cut to size - 1 bytes; returns out. */
char *allot_store_run_params_shortest(const char *parameters, char *out, size_t size);

/* The fiscal-year start month a run's period labels were made with: its
 * fiscal_start= parameter when it is 1..12, else 1. */
int allot_store_run_fiscal_start(const char *parameters);

/* Marks run_id finished with a status text ("ok", "failed: ..."). */
allot_status allot_store_run_end(sqlite3 *db, int64_t run_id, const char *status,
                                 allot_error *err);

/* A computing tool's run in one transaction. run_open takes the input
 * digest, opens the transaction (BEGIN IMMEDIATE) and records the run; on
 * failure nothing stays open. run_close ends it with the status of the
 * work done in between: ALLOT_OK marks the run "ok" and commits; anything
 * else (or a failed commit) rolls the whole run back, its row too. Returns
 * st, or the error of ending the run (err filled). */
allot_status allot_store_run_open(sqlite3 *db, const char *tool, const char *parameters,
                                  int64_t *run_id, allot_error *err);
allot_status allot_store_run_close(sqlite3 *db, int64_t run_id, allot_status st,
                                   allot_error *err);

/* A run recorded in one step after its work is done (renderers, which
 * change no figure): the input digest and a runs row finished at once with
 * status ("ok", "failed"). Sets *run_id when run_id is not NULL. */
allot_status allot_store_run_record(sqlite3 *db, const char *tool, const char *parameters,
                                    const char *status, int64_t *run_id, allot_error *err);

/* A digest of the inputs, for a run's input_hash: every row of `loads` (file
 * SHA-256, table, rows inserted / updated / unchanged / rejected, in load
 * order) and the largest rowid of each input table. It changes with every
 * load, and with rows inserted outside allot-load;
 * it does not see rows edited in place or older rows deleted by hand.
 * Costs a few B-tree lookups whatever the data's size. Writes 64 hex chars
 * + NUL. */
allot_status allot_store_input_digest(sqlite3 *db, char out[65], allot_error *err);

#endif
