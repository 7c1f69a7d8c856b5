#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "csvout.h"
#include <unistd.h>

#include "hash.h"
#include "schema.sql.h"

#define MIGRATION_COUNT ((int)(sizeof allot_migrations / sizeof allot_migrations[0]))

_Static_assert(MIGRATION_COUNT == ALLOT_SCHEMA_VERSION,
               "every schema version needs exactly one migration");

allot_status allot_store_fail(sqlite3 *db, int rc, const char *what, allot_error *err)
{
    int primary = rc & 0xff;
    allot_status code = (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
                            ? ALLOT_ERR_LOCKED : ALLOT_ERR_DB;
    const char *why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if (code == ALLOT_ERR_LOCKED)
        return allot_error_set(err, code, sqlite3_db_filename(db, "main"), 0, 0,
                               "%s: database is locked by another tool (waited %d s); "
                               "try again when it has finished",
                               what, ALLOT_BUSY_TIMEOUT_MS / 1000);
    return allot_error_set(err, code, db ? sqlite3_db_filename(db, "main") : NULL, 0, 0,
                           "%s: %s", what, why);
}

allot_status allot_store_exec(sqlite3 *db, const char *sql, allot_error *err)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return allot_store_fail(db, rc, "database statement failed", err);
    return ALLOT_OK;
}

allot_status allot_store_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **stmt,
                                 allot_error *err)
{
    int rc = sqlite3_prepare_v2(db, sql, -1, stmt, NULL);
    if (rc != SQLITE_OK)
        return allot_store_fail(db, rc, "cannot prepare statement", err);
    return ALLOT_OK;
}

allot_status allot_store_begin(sqlite3 *db, allot_error *err)
{
    return allot_store_exec(db, "BEGIN IMMEDIATE", err);
}

allot_status allot_store_commit(sqlite3 *db, allot_error *err)
{
    return allot_store_exec(db, "COMMIT", err);
}

void allot_store_rollback(sqlite3 *db)
{
    if (db && !sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

allot_status allot_store_snapshot_begin(sqlite3 *db, allot_error *err)
{
    return allot_store_exec(db, "SAVEPOINT allot_snapshot", err);
}

allot_status allot_store_snapshot_end(sqlite3 *db, allot_status reads, allot_error *err)
{
    allot_status released =
        allot_store_exec(db, "RELEASE allot_snapshot", reads == ALLOT_OK ? err : NULL);
    return reads == ALLOT_OK ? released : reads;
}

static allot_status read_user_version(sqlite3 *db, int *version, allot_error *err)
{
    sqlite3_stmt *stmt;
    allot_status st = allot_store_prepare(db, "PRAGMA user_version", &stmt, err);
    if (st)
        return st;
    int rc = sqlite3_step(stmt);
    *version = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW)
        return allot_store_fail(db, rc, "cannot read schema version", err);
    return ALLOT_OK;
}

/* Applies every migration newer than the database in one transaction. */
static allot_status migrate(sqlite3 *db, allot_error *err)
{
    allot_status st = allot_store_begin(db, err);
    if (st)
        return st;
    int version;
    st = read_user_version(db, &version, err);
    if (!st && version > ALLOT_SCHEMA_VERSION)
        st = allot_error_set(err, ALLOT_ERR_DB, sqlite3_db_filename(db, "main"), 0, 0,
                             "database schema version %d is newer than this allot "
                             "understands (%d); upgrade allot", version,
                             ALLOT_SCHEMA_VERSION);
    for (int v = version; !st && v < ALLOT_SCHEMA_VERSION; v++) {
        for (const char *const *piece = allot_migrations[v]; !st && *piece; piece++)
            st = allot_store_exec(db, *piece, err);
        if (!st) {
            char pragma[64];
            snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
            st = allot_store_exec(db, pragma, err);
        }
    }
    if (st) {
        allot_store_rollback(db);
        return st;
    }
    return allot_store_commit(db, err);
}

/* Switching a database to WAL needs a moment of exclusive access, and SQLite
 * answers SQLITE_BUSY at once (without the busy handler) while another
 * connection is creating or migrating the same file: retry for as long as
 * the busy timeout, so two tools started together both get in. */
static allot_status enable_wal(sqlite3 *db, allot_error *err)
{
    int waited_ms = 0;
    for (;;) {
        int rc = sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
        int primary = rc & 0xff;
        if (rc == SQLITE_OK)
            return ALLOT_OK;
        if ((primary != SQLITE_BUSY && primary != SQLITE_LOCKED) ||
            waited_ms >= ALLOT_BUSY_TIMEOUT_MS)
            return allot_store_fail(db, rc, "cannot switch the database to WAL mode", err);
        sqlite3_sleep(10);
        waited_ms += 10;
    }
}

/* How a connection journals: WAL for every shared database; a private
 * draft (allot_store_open_draft) journals in memory without syncs. */
enum journal { SHARED_WAL, PRIVATE_DRAFT };

static allot_status open_with_flags(const char *path, int flags, enum journal journal,
                                    sqlite3 **out, allot_error *err)
{
    sqlite3 *db = NULL;
    *out = NULL;
    int rc = sqlite3_open_v2(path, &db, flags, NULL);
    if (rc != SQLITE_OK) {
        allot_error_set(err, ALLOT_ERR_IO, path, 0, 0, "cannot open database: %s",
                        db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return ALLOT_ERR_IO;
    }
    sqlite3_busy_timeout(db, ALLOT_BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(db, 1);
    /* 16 KiB pages for a new database (a no-op on an existing one): a bulk
     * load of 2 M touches writes its pages in 45 % less system time than
     * with the 4 KiB default (README "Benchmark"). */
    allot_status st = allot_store_exec(db, "PRAGMA page_size = 16384", err);
    if (!st && journal == SHARED_WAL)
        st = enable_wal(db, err);
    if (!st)
        st = allot_store_exec(db, journal == SHARED_WAL
                                      ? "PRAGMA synchronous = NORMAL;"
                                      : "PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF;",
                              err);
    if (!st)
        st = allot_store_exec(db,
                              "PRAGMA foreign_keys = ON;"
                              /* 64 MiB page cache (bounded, so memory stays flat in
                               * the data's size): reloads and queries over
                               * multi-million-row tables reach index pages at
                               * random; README "Benchmark" has both figures. */
                              "PRAGMA cache_size = -65536;", err);
    if (!st)
        st = migrate(db, err);
    if (st) {
        sqlite3_close(db);
        return st;
    }
    *out = db;
    return ALLOT_OK;
}

allot_status allot_store_open(const char *path, sqlite3 **db, allot_error *err)
{
    return open_with_flags(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, SHARED_WAL, db,
                           err);
}

/* The folder of path ("." for a bare name) into dir. */
static void folder_of(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, size, ".");
    else if (slash == path)
        snprintf(dir, size, "/");
    else
        snprintf(dir, size, "%.*s", (int)(slash - path), path);
}

/* Removes drafts of path left by processes that no longer run (a killed
 * first load): PATH.draft-PID in path's folder. */
static void remove_stale_drafts(const char *path)
{
    char dir[4096];
    folder_of(path, dir, sizeof dir);
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    DIR *d = opendir(dir);
    if (!d)
        return;
    size_t blen = strlen(base);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, base, blen) != 0 || strncmp(e->d_name + blen, ".draft-", 7) != 0)
            continue;
        char *end;
        long pid = strtol(e->d_name + blen + 7, &end, 10);
        if (pid <= 0 || *end || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char stale[8400];
        snprintf(stale, sizeof stale, "%s/%s", dir, e->d_name);
        unlink(stale);
    }
    closedir(d);
}

allot_status allot_store_open_draft(const char *path, sqlite3 **db, allot_store_draft *d,
                                    allot_error *err)
{
    struct stat sb;
    memset(d, 0, sizeof *d);
    snprintf(d->path, sizeof d->path, "%s", path);
    if (stat(path, &sb) == 0 || errno != ENOENT)
        return allot_store_open(path, db, err);
    remove_stale_drafts(path);
    snprintf(d->file, sizeof d->file, "%s.draft-%ld", path, (long)getpid());
    unlink(d->file);
    allot_status st = open_with_flags(d->file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                      PRIVATE_DRAFT, db, err);
    if (st) {
        unlink(d->file);
        d->file[0] = '\0';
        if (err)   /* name the database the user gave, not the private file */
            snprintf(err->file, sizeof err->file, "%s", path);
    }
    return st;
}

static int sync_path(const char *path, int flags)
{
    int fd = open(path, flags);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

allot_status allot_store_draft_publish(sqlite3 *db, allot_store_draft *d, allot_error *err)
{
    if (!d->file[0]) {
        allot_store_close(db);
        return ALLOT_OK;
    }
    /* WAL from now on, as every shared database; the file is complete on
     * disk before it gets its name. */
    allot_status st = allot_store_exec(db, "PRAGMA journal_mode = WAL", err);
    if (sqlite3_close(db) != SQLITE_OK && !st)
        st = allot_error_set(err, ALLOT_ERR_IO, d->path, 0, 0, "cannot close the new database");
    if (!st && sync_path(d->file, O_RDONLY) != 0)
        st = allot_error_set(err, ALLOT_ERR_IO, d->path, 0, 0,
                             "cannot write the new database to disk: %s", strerror(errno));
    if (!st && link(d->file, d->path) != 0) {
        if (errno == EEXIST)
            d->raced = 1;
        else
            st = allot_error_set(err, ALLOT_ERR_IO, d->path, 0, 0,
                                 "cannot create the database: %s", strerror(errno));
    }
    unlink(d->file);
    d->file[0] = '\0';
    if (!st && !d->raced) {
        char dir[4096];
        folder_of(d->path, dir, sizeof dir);
        sync_path(dir, O_RDONLY | O_DIRECTORY);
    }
    return st;
}

allot_status allot_store_open_existing(const char *path, sqlite3 **db, allot_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        *db = NULL;
        return allot_error_set(err, ALLOT_ERR_IO, path, 0, 0,
                               "no database here; load your exports first with "
                               "'allot-load --db %s FILE...'", path);
    }
    return open_with_flags(path, SQLITE_OPEN_READWRITE, SHARED_WAL, db, err);
}

void allot_store_close(sqlite3 *db)
{
    if (db)
        sqlite3_close(db);
}

/* v as builds before 2026-11-23 wrote a run's numbers: printf's %.17g, its
 * decimal point (whatever the locale's) as '.'. */
static void old_number_text(double v, char out[48])
{
    char text[48];
    snprintf(text, sizeof text, "%.17g", v);
    size_t n = 0;
    for (const char *c = text; *c; c++) {
        if ((*c >= '0' && *c <= '9') || *c == '-' || *c == '+' || *c == 'e')
            out[n++] = *c;
        else if (!n || out[n - 1] != '.')
            out[n++] = '.';
    }
    out[n] = '\0';
}

char *allot_store_run_params_shortest(const char *parameters, char *out, size_t size)
{
    if (!size)
        return out;
    size_t used = 0;
    const char *p = parameters ? parameters : "";
    while (*p && used + 1 < size) {
        size_t len = strcspn(p, ";=,/");
        double v;
        char old[48], shortest[ALLOT_CSVOUT_SHORTEST_SIZE];
        const char *piece = p;
        size_t piece_len = len ? len : 1; /* a separator is copied as it is */
        if (len && allot_csvout_parse_number(p, len, &v)) {
            old_number_text(v, old);
            if (strlen(old) == len && memcmp(old, p, len) == 0) {
                piece = allot_csvout_shortest(v, shortest, sizeof shortest);
                piece_len = strlen(piece);
            }
        }
        if (piece_len > size - 1 - used)
            piece_len = size - 1 - used;
        memcpy(out + used, piece, piece_len);
        used += piece_len;
        p += len ? len : 1;
    }
    out[used] = '\0';
    return out;
}

int allot_store_run_param(const char *parameters, const char *key, char *buf, size_t size)
{
    size_t klen = strlen(key);
    const char *p = parameters;
    buf[0] = '\0';
    while (p && *p) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t v = len - klen - 1;
            /* Numbers as this build writes them, so that a run recorded by
             * an older build compares equal to one made with the same
             * values now. */
            char raw[1024];
            if (v < sizeof raw) {
                memcpy(raw, p + klen + 1, v);
                raw[v] = '\0';
                allot_store_run_params_shortest(raw, buf, size);
                return 1;
            }
            if (v >= size)
                v = size - 1;
            memcpy(buf, p + klen + 1, v);
            buf[v] = '\0';
            return 1;
        }
        p = end ? end + 1 : NULL;
    }
    return 0;
}

int allot_store_run_fiscal_start(const char *parameters)
{
    char fs[16];
    long fiscal = 1;
    if (allot_store_run_param(parameters, "fiscal_start", fs, sizeof fs))
        fiscal = strtol(fs, NULL, 10);
    return fiscal < 1 || fiscal > 12 ? 1 : (int)fiscal;
}

allot_status allot_store_run_begin(sqlite3 *db, const char *tool, const char *parameters,
                                   const char *input_hash, int64_t *run_id, allot_error *err)
{
    sqlite3_stmt *stmt;
    allot_status st = allot_store_prepare(db,
        "INSERT INTO runs(tool, version, parameters, input_hash, started_at) "
        "VALUES (?, ?, ?, ?, ?)", &stmt, err);
    if (st)
        return st;
    sqlite3_bind_text(stmt, 1, tool, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, ALLOT_VERSION, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, parameters, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 4, input_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 5, (sqlite3_int64)time(NULL));
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return allot_store_fail(db, rc, "cannot record run", err);
    *run_id = sqlite3_last_insert_rowid(db);
    return ALLOT_OK;
}

allot_status allot_store_run_end(sqlite3 *db, int64_t run_id, const char *status,
                                 allot_error *err)
{
    sqlite3_stmt *stmt;
    allot_status st = allot_store_prepare(db,
        "UPDATE runs SET finished_at = ?, status = ? WHERE run_id = ?", &stmt, err);
    if (st)
        return st;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)time(NULL));
    sqlite3_bind_text(stmt, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 3, run_id);
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return allot_store_fail(db, rc, "cannot record run end", err);
    return ALLOT_OK;
}

allot_status allot_store_run_open(sqlite3 *db, const char *tool, const char *parameters,
                                  int64_t *run_id, allot_error *err)
{
    char digest[65];
    allot_status st = allot_store_input_digest(db, digest, err);
    if (st == ALLOT_OK)
        st = allot_store_begin(db, err);
    if (st == ALLOT_OK) {
        st = allot_store_run_begin(db, tool, parameters, digest, run_id, err);
        if (st != ALLOT_OK)
            allot_store_rollback(db);
    }
    return st;
}

allot_status allot_store_run_close(sqlite3 *db, int64_t run_id, allot_status st,
                                   allot_error *err)
{
    if (st == ALLOT_OK)
        st = allot_store_run_end(db, run_id, "ok", err);
    if (st == ALLOT_OK)
        st = allot_store_commit(db, err);
    if (st != ALLOT_OK)
        allot_store_rollback(db);
    return st;
}

allot_status allot_store_run_record(sqlite3 *db, const char *tool, const char *parameters,
                                    const char *status, int64_t *run_id, allot_error *err)
{
    char digest[65];
    int64_t id = 0;
    allot_status st = allot_store_input_digest(db, digest, err);
    if (st == ALLOT_OK)
        st = allot_store_run_begin(db, tool, parameters, digest, &id, err);
    if (st == ALLOT_OK)
        st = allot_store_run_end(db, id, status, err);
    if (run_id)
        *run_id = id;
    return st;
}

allot_status allot_store_input_digest(sqlite3 *db, char out[65], allot_error *err)
{
    /* The loads that produced the current data identify the inputs (file
     * hash, table, rows inserted / updated / unchanged / rejected); each
     * input table's largest rowid catches rows inserted outside allot-load
     * (and the removal of the newest row). Both are B-tree lookups, so the
     * digest costs the same on 30 k or 10 M touches: row counts (a full
     * index scan each, 9 % of allot-credit over 10 M touches) are not read. */
    static const char *const sql =
        "SELECT 'load', sha256, table_name, rows_loaded, rows_updated, rows_unchanged,"
        " rows_rejected FROM loads ORDER BY load_id;";
    static const char *const tables[] = {
        "campaigns", "spend", "people", "touches", "deals", "deal_people",
        "stage_history", "subscriptions", "fx_rates", "paths"};
    allot_sha256 h;
    allot_sha256_init(&h);
    sqlite3_stmt *stmt;
    allot_status st = allot_store_prepare(db, sql, &stmt, err);
    if (st)
        return st;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        for (int c = 0; c < 7; c++) {
            const unsigned char *text = sqlite3_column_text(stmt, c);
            if (text)
                allot_sha256_update(&h, text, strlen((const char *)text));
            allot_sha256_update(&h, "\n", 1);
        }
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return allot_store_fail(db, rc, "cannot read loads", err);
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char q[96], line[96];
        snprintf(q, sizeof q, "SELECT max(rowid) FROM %s", tables[i]);
        st = allot_store_prepare(db, q, &stmt, err);
        if (st)
            return st;
        rc = sqlite3_step(stmt);
        int n = snprintf(line, sizeof line, "%s.max_rowid=%lld\n", tables[i],
                         rc == SQLITE_ROW ? (long long)sqlite3_column_int64(stmt, 0) : -1LL);
        sqlite3_finalize(stmt);
        if (rc != SQLITE_ROW)
            return allot_store_fail(db, rc, "cannot read the input tables", err);
        allot_sha256_update(&h, line, (size_t)n);
    }
    unsigned char digest[32];
    allot_sha256_final(&h, digest);
    allot_sha256_hex(digest, out);
    return ALLOT_OK;
}
