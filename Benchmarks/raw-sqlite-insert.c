/*
 * The yardstick for scripts/bench-events.sh: how many single-row insert transactions per second
 * SQLite itself commits into a WAL file on this disk, with the server's pragmas
 * (journal_mode=WAL, synchronous=NORMAL). One prepared INSERT, one BEGIN IMMEDIATE ... COMMIT
 * per row, one connection, no server, no TLS, no evaluation.
 *
 * Build: cc -O2 -o raw-sqlite-insert Benchmarks/raw-sqlite-insert.c -lsqlite3
 * Usage: raw-sqlite-insert DB_PATH [SECONDS (default 5)]
 * Prints: "raw_insert_tx_per_s <rate> rows <n> seconds <s> p50_us <x> p99_us <y>" on stdout.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check(int rc, sqlite3 *db, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "raw-sqlite-insert: %s: %s\n", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        exit(1);
    }
}

static void exec(sqlite3 *db, const char *sql) {
    char *error = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &error) != SQLITE_OK) {
        fprintf(stderr, "raw-sqlite-insert: %s: %s\n", sql, error ? error : "?");
        exit(1);
    }
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s DB_PATH [SECONDS]\n", argv[0]);
        return 2;
    }
    double seconds = argc > 2 ? atof(argv[2]) : 5.0;
    if (seconds <= 0) seconds = 5.0;

    sqlite3 *db = NULL;
    check(sqlite3_open(argv[1], &db), db, "open");
    sqlite3_busy_timeout(db, 10000);
    exec(db, "PRAGMA journal_mode = WAL");
    exec(db, "PRAGMA synchronous = NORMAL");
    /* A row about the size of the server's event row: text ids, type, value, dates. */
    exec(db, "CREATE TABLE IF NOT EXISTS event ("
             " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
             " userId TEXT NOT NULL, eventId TEXT NOT NULL, type TEXT NOT NULL, value TEXT,"
             " occurredAt TEXT NOT NULL, localDay INTEGER NOT NULL, receivedAt TEXT NOT NULL,"
             " UNIQUE (userId, eventId))");

    sqlite3_stmt *begin, *insert, *commit;
    check(sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL), db, "prepare begin");
    check(sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL), db, "prepare commit");
    check(sqlite3_prepare_v2(db,
                             "INSERT INTO event (userId, eventId, type, value, occurredAt, localDay, receivedAt)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?)",
                             -1, &insert, NULL),
          db, "prepare insert");

    size_t capacity = 1 << 16, n = 0;
    double *latencies = malloc(capacity * sizeof(double));
    if (!latencies) return 1;
    static const char *types[] = {"mood", "sleep", "symptom"};
    char user[32], event[48];
    double start = now_seconds(), end = start + seconds, t = start;
    while (t < end) {
        double t0 = now_seconds();
        snprintf(user, sizeof user, "user-%zu", n % 8);
        snprintf(event, sizeof event, "raw-%zu-%ld", n, (long)start);
        check(sqlite3_step(begin), db, "begin");
        sqlite3_reset(begin);
        sqlite3_bind_text(insert, 1, user, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 2, event, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 3, types[n % 3], -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 4, "good", -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 5, "2026-01-01 07:12:30.000", -1, SQLITE_STATIC);
        sqlite3_bind_int(insert, 6, 20454);
        sqlite3_bind_text(insert, 7, "2026-01-01 07:12:31.000", -1, SQLITE_STATIC);
        check(sqlite3_step(insert), db, "insert");
        sqlite3_reset(insert);
        check(sqlite3_step(commit), db, "commit");
        sqlite3_reset(commit);
        t = now_seconds();
        if (n == capacity) {
            capacity *= 2;
            latencies = realloc(latencies, capacity * sizeof(double));
            if (!latencies) return 1;
        }
        latencies[n++] = (t - t0) * 1e6;
    }
    double elapsed = t - start;
    qsort(latencies, n, sizeof(double), compare_doubles);
    printf("raw_insert_tx_per_s %.0f rows %zu seconds %.3f p50_us %.1f p99_us %.1f\n", (double)n / elapsed, n, elapsed,
           latencies[n / 2], latencies[(size_t)((double)n * 0.99)]);
    sqlite3_finalize(begin);
    sqlite3_finalize(insert);
    sqlite3_finalize(commit);
    sqlite3_close(db);
    free(latencies);
    return 0;
}
