#!/usr/bin/env bash
# Event intake benchmark (issue 3). Prints each figure beside what it is compared with, all
# measured in this run, on this machine:
#   1. seeds the worst case over the API: one employer with 20 active programs (8
#      consecutive-days, 6 total-events, 6 event-reported; 9 repeatable), USERS users with 7,300
#      events each over about two years (10 a day, types mood/sleep/symptom, about one date in 15
#      missing so runs break), with the server's grace window raised to 800 days so the history
#      is evaluated and earns its achievements as it arrives;
#   2. drives POST /v1/events (a new event each request, users round-robin) over HTTPS
#      keep-alive with `wrk -t2 -c16 --latency` (Benchmarks/events.lua) and prints throughput,
#      p50 and p99;
#   3. beside it, the rate of raw single-row insert transactions into a SQLite WAL file with the
#      server's pragmas (journal_mode=WAL, synchronous=NORMAL) in the same directory
#      (Benchmarks/raw-sqlite-insert.c, cc ... -lsqlite3), and the ratio;
#   4. evaluation cost at 100, 1,000 and 7,300 historical events per user, in process on a real
#      SQLite file (Benchmarks/EvaluationBench, product evaluation-bench).
# Targets (DESIGN/issue 3): p99 <= 2.5 ms; throughput >= 0.5 x the raw insert rate; evaluation
# cost does not grow with history (7,300 / 100 close to 1).
#
# Usage: scripts/bench-events.sh
# Environment: DURATION (wrk measured run, default 15s), WARMUP (default 3s),
#              THREADS (wrk -t, default 2), CONNECTIONS (wrk -c, default 16),
#              USERS (seeded users, default 8), EVENTS_PER_USER (default 7300),
#              RAW_SECONDS (raw SQLite insert run, default 5),
#              EVAL_EVENTS (timed events per history size in evaluation-bench, default 2000),
#              EVAL_USERS (users per history size in evaluation-bench, default 2),
#              SKIP_EVAL=1 (skip evaluation-bench), IDLE_WAIT (seconds to wait for idle CPUs, default 120),
#              SCRATCH (swift build scratch path, default .build-release),
#              BENCH_PREBUILT=1 (do not build; use the binaries already in $SCRATCH, as scripts/bench-all.sh does),
#              BENCH_RESULTS (a file: also append machine-readable results, see scripts/bench-lib.sh).
# Exits 0 when everything ran (even if a target is missed); non-zero if the server fails to
# start, seeding fails, or wrk does not run.
set -euo pipefail

DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-3s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
USERS=${USERS:-8}
EVENTS_PER_USER=${EVENTS_PER_USER:-7300}
RAW_SECONDS=${RAW_SECONDS:-5}
EVAL_EVENTS=${EVAL_EVENTS:-2000}
EVAL_USERS=${EVAL_USERS:-2}
SKIP_EVAL=${SKIP_EVAL:-0}
IDLE_WAIT=${IDLE_WAIT:-120}
SCRATCH=${SCRATCH:-.build-release}

cd "$(dirname "$0")/.."
ROOT=$PWD
source scripts/bench-lib.sh
COMMAND="scripts/bench-events.sh"
[[ $DURATION == 15s ]] || COMMAND="DURATION=$DURATION $COMMAND"

say() { printf '\n== %s\n' "$*"; }
die() { printf 'bench-events: %s\n' "$*" >&2; exit 1; }

# --- 1. Tools (wrk and curl come with bench_build) -------------------------------------------
bench_need cc:gcc /usr/include/sqlite3.h:libsqlite3-dev
if [[ -x $ROOT/.venv/bin/python ]] && "$ROOT/.venv/bin/python" -c 'import requests' 2>/dev/null; then
    PYTHON=$ROOT/.venv/bin/python
else
    VENV=$ROOT/.build-bench-venv
    if ! [[ -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c 'import requests' 2>/dev/null; then
        say "creating $VENV with requests"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install --quiet requests
    fi
    PYTHON=$VENV/bin/python
fi

# --- 2. Temp dir (server data, raw SQLite file and evaluation-bench file on the same disk) ----
bench_tmpdir bench-events # on exit it stops the server and removes $TMP
printf 'temp dir %s on %s (%s)\n' "$TMP" "$(df --output=source "$TMP" | tail -1)" "$(df --output=fstype "$TMP" | tail -1 | tr -d ' ')"

# --- 3. Build (own scratch path, so the developers' .build is not locked) --------------------
say "building incentives and evaluation-bench (release, scratch path $SCRATCH; log in $TMP/build.log)"
PRODUCTS=(incentives)
[[ $SKIP_EVAL == 1 ]] || PRODUCTS+=(evaluation-bench)
bench_build "${PRODUCTS[@]}" >>"$TMP/build.log" 2>&1 || { tail -40 "$TMP/build.log" >&2; die "release build failed"; }
printf 'built %s (%s)\n' "$BIN" "$(date -r "$BIN" '+%Y-%m-%d %H:%M')"

say "compiling Benchmarks/raw-sqlite-insert.c (SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo '?'))"
cc -O2 -o "$TMP/raw-sqlite-insert" "$ROOT/Benchmarks/raw-sqlite-insert.c" -lsqlite3

bench_free_port PORT
# shellcheck disable=SC2153 # PORT is set by bench_free_port
BASE=https://127.0.0.1:$PORT

# --- 4. Server ---------------------------------------------------------------------------------
say "starting the server on $BASE (grace window 800 days)"
API_KEY=$("$BIN" apikey create --scope admin --scope events:write --data-dir "$TMP/data" 2>"$TMP/apikey.err") ||
    die "apikey create failed: $(cat "$TMP/apikey.err")"
[[ -n $API_KEY ]] || die "apikey create printed no key"
bench_start server "$PORT" "$TMP/data" --grace-window-days 800 || die "the server did not start"
SERVER_PID=$BENCH_PID
CA=$TMP/certs/dev-ca.pem

# --- 5. Seed the worst case over the API ------------------------------------------------------
say "seeding: employer, 20 programs, $USERS users x $EVENTS_PER_USER events over the API"
export BENCH_BASE=$BASE BENCH_CA=$CA BENCH_API_KEY=$API_KEY BENCH_USERS=$USERS BENCH_EVENTS_PER_USER=$EVENTS_PER_USER
export BENCH_USER_PREFIX=bench-user-
"$PYTHON" - <<'PYTHON' > >(tee "$TMP/seed.txt") || die "seeding failed"
import collections, datetime, json, os, random, sys, threading, time
from concurrent.futures import ThreadPoolExecutor

import requests

base = os.environ["BENCH_BASE"]
ca = os.environ["BENCH_CA"]
headers = {"Authorization": "Bearer " + os.environ["BENCH_API_KEY"], "Content-Type": "application/json"}
users = int(os.environ["BENCH_USERS"])
per_user = int(os.environ["BENCH_EVENTS_PER_USER"])
prefix = os.environ["BENCH_USER_PREFIX"]
local = threading.local()


def session():
    if not hasattr(local, "session"):
        local.session = requests.Session()
        local.session.trust_env = False  # else REQUESTS_CA_BUNDLE would override verify
        local.session.verify = ca
        local.session.headers.update(headers)
    return local.session


def post(path, body, expect=(201,)):
    response = session().post(base + path, data=json.dumps(body))
    if response.status_code not in expect:
        sys.exit(f"POST {path} {json.dumps(body)} -> {response.status_code} {response.text[:500]}")
    return response


# The same 20 programs as Benchmarks/EvaluationBench/main.swift.
def cd(name, days, types, value=None, repeatable=False):
    parameters = {"days": days, "types": types}
    if value is not None:
        parameters["value"] = value
    return name, "consecutive-days", parameters, repeatable


def te(name, count, types=None, value=None, repeatable=False):
    parameters = {"count": count}
    if types is not None:
        parameters["types"] = types
    if value is not None:
        parameters["value"] = value
    return name, "total-events", parameters, repeatable


def er(name, type_, value=None, repeatable=False):
    parameters = {"type": type_}
    if value is not None:
        parameters["value"] = value
    return name, "event-reported", parameters, repeatable


programs = [
    cd("mood 5 days", 5, ["mood"], repeatable=True),
    cd("sleep 7 days", 7, ["sleep"]),
    cd("mood or sleep 3 days", 3, ["mood", "sleep"], repeatable=True),
    cd("symptom 30 days", 30, ["symptom"]),
    cd("good mood 10 days", 10, ["mood"], "good"),
    cd("anything 60 days", 60, ["mood", "sleep", "symptom"], repeatable=True),
    cd("symptom 2 days", 2, ["symptom"], repeatable=True),
    cd("sleep 8h 14 days", 14, ["sleep"], "8h"),
    te("100 events", 100, repeatable=True),
    te("1000 moods", 1000, ["mood"]),
    te("50 sleeps", 50, ["sleep"], repeatable=True),
    te("10000 events", 10000),
    te("500 headaches", 500, ["symptom"], "headache", repeatable=True),
    te("25 good moods", 25, ["mood"], "good"),
    er("birth", "fact", "gave birth"),
    er("marathon", "fact", "ran a marathon", repeatable=True),
    er("headache reported", "symptom", "headache", repeatable=True),
    er("low mood reported", "mood", "low"),
    er("sleep reported", "sleep"),
    er("quit smoking", "fact", "quit smoking"),
]
assert len(programs) == 20

post("/v1/employers", {"id": "bench-employer", "name": "Bench employer"})
for name, incentive, parameters, repeatable in programs:
    post("/v1/employers/bench-employer/programs", {
        "name": name, "incentive": incentive, "parameters": parameters,
        "reward": {"name": name + " reward"}, "repeatable": repeatable})
for n in range(1, users + 1):
    post("/v1/users", {"id": f"{prefix}{n}", "employer_id": "bench-employer", "timezone": "UTC"})

types = ["mood", "sleep", "symptom"]
values = {"mood": ["good", "ok", "low"], "sleep": ["7h", "8h", "6h"], "symptom": ["headache", "none", "cough"]}
today = datetime.datetime.now(datetime.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)


def seed_user(n):
    """One user's history, oldest first (as the app would have sent it): 10 events a day on the
    days before today; about one date in 15 has none (never the last 3, so today extends a run)."""
    rng = random.Random(n)
    dates, remaining, days_ago = [], per_user, 1
    while remaining > 0:
        if days_ago <= 3 or rng.randrange(15) != 0:
            dates.append(days_ago)
            remaining -= min(10, remaining)
        days_ago += 1
    statuses, awards, counter = collections.Counter(), 0, 0
    remaining = per_user
    for days_ago in reversed(dates):
        day = today - datetime.timedelta(days=days_ago)
        for slot in range(min(10, remaining)):
            kind = types[counter % 3]
            at = day + datetime.timedelta(hours=7 + slot, seconds=rng.randrange(3000))
            response = post("/v1/events", {
                "event_id": f"seed-{n}-{counter}", "user_id": f"{prefix}{n}", "type": kind,
                "value": rng.choice(values[kind]), "occurred_at": at.strftime("%Y-%m-%dT%H:%M:%SZ")},
                expect=(201, 202))
            statuses[response.status_code] += 1
            awards += len(response.json().get("achievements", []))
            counter += 1
        remaining -= min(10, remaining)
    return statuses, awards, len(dates), dates[-1]


start = time.monotonic()
with ThreadPoolExecutor(max_workers=users) as pool:
    results = list(pool.map(seed_user, range(1, users + 1)))
elapsed = time.monotonic() - start
statuses = sum((r[0] for r in results), collections.Counter())
total = sum(statuses.values())
print(f"seeded {total} events for {users} users in {elapsed:.1f} s ({total / elapsed:.0f} events/s over the API, "
      f"{users} keep-alive sessions, one per user, each user's events in order)")
print(f"  statuses: {dict(sorted(statuses.items()))} (202 = evaluation passed its budget, left to a job); "
      f"{sum(r[1] for r in results)} achievements earned by the history")
print(f"  per user: {per_user} events on {results[0][2]} dates spanning {results[0][3]} days (gaps break the runs)")
PYTHON

# --- 6. One request by hand, to show what wrk will send and get -----------------------------------
OCCURRED_AT=$(date -u -d '-1 min' +%Y-%m-%dT%H:%M:%SZ)
RUN_TAG=$(date +%s)-$$
say "one POST /v1/events by hand (occurred_at $OCCURRED_AT, used by every wrk request)"
sample_body="{\"event_id\":\"by-hand-$RUN_TAG\",\"user_id\":\"bench-user-1\",\"type\":\"mood\",\"value\":\"good\",\"occurred_at\":\"$OCCURRED_AT\"}"
curl -sS --cacert "$CA" -o "$TMP/sample.json" -w 'HTTP %{http_code} in %{time_total} s (new TLS connection)\n' \
    -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' -d "$sample_body" "$BASE/v1/events"
printf '  %s\n' "$(head -c 600 "$TMP/sample.json")"

# --- 7. wrk ----------------------------------------------------------------------------------------
HZ=$(getconf CLK_TCK)

export BENCH_OCCURRED_AT=$OCCURRED_AT BENCH_RUN=$RUN_TAG
say "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -s Benchmarks/events.lua $BASE/v1/events (after ${WARMUP} warm-up)"
bench_wait_idle # up to IDLE_WAIT seconds, until other processes leave the CPUs alone
printf 'CPU busy before measuring: %s%% (load average %s); wrk and the server share %s cores\n' \
    "$BENCH_BUSY" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)"
BENCH_RUN=$RUN_TAG-warmup timeout $(($(bench_seconds "$WARMUP") + 30)) \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$ROOT/Benchmarks/events.lua" "$BASE/v1/events" >"$TMP/wrk-warmup.txt" 2>&1 ||
    printf '  !! warm-up: wrk exited with status %s\n' "$?"
read -r b0 t0 < <(bench_cpu_ticks)
s0=$(bench_proc_ticks "$SERVER_PID")
TIMEFORMAT='%3U %3S'
rc=0
{ time timeout $(($(bench_seconds "$DURATION") + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    -s "$ROOT/Benchmarks/events.lua" "$BASE/v1/events" >"$TMP/wrk.txt" 2>&1; } 2>"$TMP/wrk.time" || rc=$?
read -r b1 t1 < <(bench_cpu_ticks)
s1=$(bench_proc_ticks "$SERVER_PID")
sed 's/^/  /' "$TMP/wrk.txt"
((rc == 0)) || die "wrk exited with status $rc"
RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$TMP/wrk.txt")
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.3f", v / 1000; else if (v ~ /ms$/) printf "%.3f", v + 0; else if (v ~ /s$/) printf "%.3f", v * 1000; else print "?" }'; }
P50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$TMP/wrk.txt")")
P90=$(to_ms "$(awk '$1 == "90%" { print $2 }' "$TMP/wrk.txt")")
P99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$TMP/wrk.txt")")
NON2XX=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$TMP/wrk.txt")
SOCKERR=$(grep -E 'Socket errors' "$TMP/wrk.txt" | sed 's/^ *//' || true)
STATUSES=$(sed -n 's/^status codes: //p' "$TMP/wrk.txt")
all=$((t1 - t0))
((all > 0)) || all=1
SERVER_CORES=$(awk -v s="$((s1 - s0))" -v a="$all" -v n="$(nproc)" 'BEGIN { printf "%.2f", s * n / a }')
WRK_CORES=$(awk -v hz="$HZ" -v a="$all" -v n="$(nproc)" '{ printf "%.2f", ($1 + $2) * hz * n / a }' "$TMP/wrk.time")
BUSY_CORES=$(awk -v b="$((b1 - b0))" -v a="$all" -v n="$(nproc)" 'BEGIN { printf "%.2f", b * n / a }')
OTHER_CORES=$(awk -v b="$BUSY_CORES" -v s="$SERVER_CORES" -v w="$WRK_CORES" 'BEGIN { o = b - s - w; if (o < 0) o = 0; printf "%.2f", o }')
printf 'CPU during the run (cores of %s): server %s, wrk %s, other processes %s, whole machine %s\n' \
    "$(nproc)" "$SERVER_CORES" "$WRK_CORES" "$OTHER_CORES" "$BUSY_CORES"
DISTURBED=""
if awk -v o="$OTHER_CORES" 'BEGIN { exit !(o >= 0.1) }'; then
    DISTURBED="other processes used $OTHER_CORES cores during the wrk run"
    printf '!! %s: these figures are disturbed\n' "$DISTURBED"
fi
if [[ -n $NON2XX || -n $SOCKERR ]]; then
    printf '!! wrk saw errors: %s %s\n' "${NON2XX:+Non-2xx $NON2XX}" "$SOCKERR"
    printf '   a sample of what the server answered: see "non-2xx sample" above; last lines of its stderr:\n'
    tail -5 "$TMP/server.err" | sed 's/^/     /'
fi
kill -0 "$SERVER_PID" 2>/dev/null || die "the server died during the run: $(tail -20 "$TMP/server.err")"
# Little's law: with CONNECTIONS requests always in flight, mean latency = CONNECTIONS / throughput.
printf 'server CPU per request: %.2f ms (%s cores / %.0f req/s)\n' "$(awk -v c="$SERVER_CORES" -v r="$RPS" 'BEGIN { print 1000 * c / r }')" "$SERVER_CORES" "$RPS"
printf "Little's law: %s connections / %.0f req/s = %.2f ms mean latency (wrk measured %s mean)\n" "$CONNECTIONS" "$RPS" \
    "$(awk -v c="$CONNECTIONS" -v r="$RPS" 'BEGIN { print 1000 * c / r }')" "$(awk '$1 == "Latency" { print $2; exit }' "$TMP/wrk.txt")"

# One connection, one request at a time: the time one request takes when it waits for no other.
say "unloaded latency: wrk -t1 -c1 -d5s --latency (one request in flight)"
bench_wait_idle
BENCH_RUN=$RUN_TAG-c1 timeout 40 wrk -t1 -c1 -d5s --latency -s "$ROOT/Benchmarks/events.lua" "$BASE/v1/events" >"$TMP/wrk-c1.txt" 2>&1 ||
    printf '  !! wrk -c1 exited with status %s\n' "$?"
C1_RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$TMP/wrk-c1.txt")
C1_P50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$TMP/wrk-c1.txt")")
C1_P99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$TMP/wrk-c1.txt")")
printf '  requests/s %s   p50 %s ms   p99 %s ms   %s\n' "$C1_RPS" "$C1_P50" "$C1_P99" "$(grep -E '^status codes|Non-2xx' "$TMP/wrk-c1.txt" | paste -sd' ' -)"
# The same, for GET /healthz: what HTTPS keep-alive, HTTP and the router cost without intake.
timeout 40 wrk -t1 -c1 -d5s --latency "$BASE/healthz" >"$TMP/wrk-healthz.txt" 2>&1 || printf '  !! wrk /healthz exited with status %s\n' "$?"
HZ_P50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$TMP/wrk-healthz.txt")")
HZ_P99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$TMP/wrk-healthz.txt")")
printf '  GET /healthz, same way: requests/s %s   p50 %s ms   p99 %s ms\n' \
    "$(awk '/^Requests\/sec:/ { print $2 }' "$TMP/wrk-healthz.txt")" "$HZ_P50" "$HZ_P99"
# And GET /healthz with wrk -t2 -c16: the most this server passes through HTTPS keep-alive on
# this machine when a request does no work (the ceiling for POST /v1/events).
timeout 40 wrk -t"$THREADS" -c"$CONNECTIONS" -d5s --latency "$BASE/healthz" >"$TMP/wrk-healthz16.txt" 2>&1 ||
    printf '  !! wrk /healthz -c%s exited with status %s\n' "$CONNECTIONS" "$?"
HZ16_RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$TMP/wrk-healthz16.txt")
HZ16_P99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$TMP/wrk-healthz16.txt")")
printf '  GET /healthz, wrk -t%s -c%s -d5s: requests/s %s   p99 %s ms\n' "$THREADS" "$CONNECTIONS" "$HZ16_RPS" "$HZ16_P99"

# --- 8. Raw SQLite insert transactions, same pragmas, same directory ---------------------------------
say "raw SQLite: single-row insert transactions for ${RAW_SECONDS} s into $TMP/raw.sqlite (WAL, synchronous=NORMAL)"
bench_wait_idle
RAW_LINE=$("$TMP/raw-sqlite-insert" "$TMP/raw.sqlite" "$RAW_SECONDS")
printf '  %s\n' "$RAW_LINE"
RAW_RATE=$(awk '{ print $2 }' <<<"$RAW_LINE")
RAW_P50=$(awk '{ printf "%.3f", $8 / 1000 }' <<<"$RAW_LINE")
RAW_P99=$(awk '{ printf "%.3f", $10 / 1000 }' <<<"$RAW_LINE")

# Stop the server before the in-process benchmark so it does not compete for the CPUs.
bench_stop
DB_SIZE=$(du -sh "$TMP/data" | cut -f1)

# --- 9. Evaluation cost by history size (in process) ---------------------------------------------------
if [[ $SKIP_EVAL != 1 ]]; then
    say "evaluation cost by history size: evaluation-bench --events $EVAL_EVENTS --users $EVAL_USERS (in process, SQLite file in $TMP)"
    bench_wait_idle
    TMPDIR=$TMP "$BINDIR/evaluation-bench" --events "$EVAL_EVENTS" --users "$EVAL_USERS" | tee "$TMP/eval.txt" | sed 's/^/  /'
    EVAL_SUMMARY=$(sed -n 's/^SUMMARY //p' "$TMP/eval.txt")
    ev() { tr ' ' '\n' <<<"$EVAL_SUMMARY" | sed -n "s/^$1=//p"; }
fi

# --- 10. Report ------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.3f", a / b }'; }
# met A OP B: yes when the numbers compare so (OP: le, ge), NO otherwise or when one is missing.
met() {
    awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN {
        if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/) exit 1
        exit !(op == "le" ? a + 0 <= b + 0 : a + 0 >= b + 0) }' && echo yes || echo NO
}
RATIO=$(ratio "$RPS" "$RAW_RATE")
say "results ($(date -u '+%Y-%m-%d %H:%M UTC'), $COMMAND, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) cores shared by wrk and server)"
fmt='%-50s %14s   %-34s %-14s %s\n'
printf "$fmt" figure measured "compared with (same run)" target met
printf "$fmt" "POST /v1/events throughput (req/s)" "$(printf '%.0f' "$RPS")" \
    "raw SQLite insert tx/s $(printf '%.0f' "$RAW_RATE")" ">= 0.5x raw" "$(met "$RATIO" ge 0.5) (x$RATIO)"
printf "$fmt" "POST /v1/events p50 latency (ms)" "$P50" "raw insert tx p50 $RAW_P50 ms" "-" "-"
printf "$fmt" "POST /v1/events p99 latency (ms)" "$P99" "raw insert tx p99 $RAW_P99 ms" "<= 2.5 ms" "$(met "$P99" le 2.5)"
printf "$fmt" "POST /v1/events p50 / p99, one connection (ms)" "$C1_P50 / $C1_P99" "GET /healthz $HZ_P50 / $HZ_P99 ms" "-" "-"
printf "$fmt" "GET /healthz throughput, same wrk (req/s)" "$(printf '%.0f' "${HZ16_RPS:-0}")" "p99 $HZ16_P99 ms" "-" "-"
printf "$fmt" "responses" "${STATUSES:-?}" "non-2xx: ${NON2XX:-0}" "all 2xx" "$(met "${NON2XX:-0}" le 0)"
if [[ $SKIP_EVAL != 1 && -n ${EVAL_SUMMARY:-} ]]; then
    printf "$fmt" "ingest p50 at 100 / 1,000 / 7,300 events (us)" "$(ev p50_100) / $(ev p50_1000) / $(ev p50_7300)" \
        "x$(ev ratio_p50) 7,300 vs 100" "does not grow" "$(met "$(ev ratio_p50)" le 1.2)"
    printf "$fmt" "ingest p99 at 100 / 1,000 / 7,300 events (us)" "$(ev p99_100) / $(ev p99_1000) / $(ev p99_7300)" \
        "x$(ev ratio_p99) 7,300 vs 100" "does not grow" "$(met "$(ev ratio_p99)" le 1.2)"
    printf "$fmt" "ingest p50 / p99, unbroken 730-day run (us)" "$(ev p50_7300nogaps) / $(ev p99_7300nogaps)" \
        "budget 250 ms" "< 250 ms" "$(met "$(ev p99_7300nogaps)" le 250000)"
    printf "$fmt" "ingest p50 / p99, no employer: insert only (us)" "$(ev p50_noemployer) / $(ev p99_noemployer)" \
        "raw insert tx p50 $RAW_P50 ms" "-" "-"
fi
printf '\nserver data after the run: %s; CPU during wrk: server %s cores, wrk %s cores, other processes %s, machine %s of %s\n' \
    "$DB_SIZE" "$SERVER_CORES" "$WRK_CORES" "$OTHER_CORES" "$BUSY_CORES" "$(nproc)"
[[ -z $DISTURBED ]] || printf '!! %s: run again on a quiet machine\n' "$DISTURBED"

# --- 11. Machine-readable results (only when BENCH_RESULTS names a file) ------------------------------
if [[ -n ${BENCH_RESULTS:-} ]]; then
    RAW="raw SQLite insert transactions"
    bench_result events "POST /v1/events throughput, wrk -t$THREADS -c$CONNECTIONS" "$RPS" /s "$RAW_RATE" "$RAW" measured "≥ 0.5× raw" 'ratio>=0.5'
    bench_result events "POST /v1/events p99 latency, -c$CONNECTIONS" "$P99" ms "$RAW_P99" "raw insert transaction p99" measured "≤ 2.5 ms" 'ours<=2.5'
    bench_result events "POST /v1/events p50 latency, -c$CONNECTIONS" "$P50" ms "$RAW_P50" "raw insert transaction p50" measured "" -
    bench_result events "POST /v1/events p99 latency, one connection (-c1)" "$C1_P99" ms "$HZ_P99" "GET /healthz the same way" measured "" -
    bench_note events "wrk -t$THREADS -c$CONNECTIONS -d$DURATION after $WARMUP warm-up; $USERS users × $EVENTS_PER_USER events seeded over the API; raw SQLite run ${RAW_SECONDS} s; SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo '?'), $(df --output=fstype "$TMP" | tail -1 | tr -d ' ') on $(df --output=source "$TMP" | tail -1)."
    SEEDED=$(grep -m1 '^seeded' "$TMP/seed.txt" || true)
    [[ -z $SEEDED ]] || bench_note events "Seeding: ${SEEDED#seeded }."
    bench_note events "CPU during the -c$CONNECTIONS run (cores of $(nproc)): server $SERVER_CORES, wrk $WRK_CORES, other processes $OTHER_CORES. Server CPU per request $(awk -v c="$SERVER_CORES" -v r="$RPS" 'BEGIN { printf "%.2f", 1000 * c / r }') ms; Little's law: $CONNECTIONS connections / $(printf '%.0f' "$RPS") req/s = $(awk -v c="$CONNECTIONS" -v r="$RPS" 'BEGIN { printf "%.1f", 1000 * c / r }') ms mean latency (wrk measured $(awk '$1 == "Latency" { print $2; exit }' "$TMP/wrk.txt"))."
    bench_note events "One connection: POST /v1/events p50 / p99 $C1_P50 / $C1_P99 ms, GET /healthz $HZ_P50 / $HZ_P99 ms. GET /healthz at -c$CONNECTIONS on the same server: $(printf '%.0f' "${HZ16_RPS:-0}") req/s, p99 $HZ16_P99 ms (the transport ceiling for this load)."
    bench_note events "Responses: ${STATUSES:-?}; raw insert transactions p50 / p99 $RAW_P50 / $RAW_P99 ms; server data after the run $DB_SIZE."
    [[ -z $NON2XX && -z $SOCKERR ]] || bench_warn events "Event intake: wrk saw errors (${NON2XX:+non-2xx $NON2XX }$SOCKERR)."
    [[ -z $DISTURBED ]] || bench_warn events "Event intake: $DISTURBED."

    if [[ $SKIP_EVAL != 1 && -n ${EVAL_SUMMARY:-} ]]; then
        ms_of() { awk -v v="$1" 'BEGIN { if (v ~ /^[0-9.]+$/) printf "%.4f", v / 1000; else print "-" }'; }
        eval_ms() { awk -v a="$(ev "p50_$1")" -v b="$(ev p50_noemployer)" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/) printf "%.4f", (a - b) / 1000; else print "-" }'; }
        BUDGET="evaluation budget"
        bench_result evaluation "evaluation per event, 100 events of history (median ingest − insert only)" "$(eval_ms 100)" ms 250 "$BUDGET" budget "" -
        bench_result evaluation "evaluation per event, 1,000 events of history" "$(eval_ms 1000)" ms 250 "$BUDGET" budget "" -
        bench_result evaluation "evaluation per event, 7,300 events of history" "$(eval_ms 7300)" ms 250 "$BUDGET" budget "< 1 ms (well under)" 'ours<=1'
        bench_result evaluation "growth of the median ingest, 7,300 vs 100 events of history" "$(ev ratio_p50)" × "" "" "" "≤ 1.2× (small)" 'ours<=1.2'
        bench_result evaluation "ingest p99, 7,300 events of history" "$(ms_of "$(ev p99_7300)")" ms 250 "$BUDGET" budget "≤ 250 ms" 'ours<=250'
        bench_result evaluation "ingest p99, 7,300 events in one unbroken 730-day run (worst case)" "$(ms_of "$(ev p99_7300nogaps)")" ms 250 "$BUDGET" budget "≤ 250 ms" 'ours<=250'
        bench_note evaluation "evaluation-bench --events $EVAL_EVENTS --users $EVAL_USERS (timed events per history size, users per history size)."
        for group in 100 1000 7300 7300nogaps noemployer; do
            case $group in
                7300nogaps) label="with 7,300 events of history in one unbroken run" ;; noemployer) label="without an employer (insert only)" ;;
                1000) label="with 1,000 events of history" ;; 7300) label="with 7,300 events of history" ;; *) label="with $group events of history" ;;
            esac
            bench_note evaluation "Ingest $label: median $(ev "p50_$group") µs, p99 $(ev "p99_$group") µs, $(ev "sql_$group") SQL statements per ingest."
        done
        bench_note evaluation "Growth 7,300 vs 100 events: ingest median ×$(ev ratio_p50), p99 ×$(ev ratio_p99); evaluation alone ×$(awk -v a="$(eval_ms 7300)" -v b="$(eval_ms 100)" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "-" }')."
    elif [[ $SKIP_EVAL != 1 ]]; then
        bench_warn evaluation "evaluation-bench printed no SUMMARY line."
    fi
fi
