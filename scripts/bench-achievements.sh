#!/usr/bin/env bash
# The partner feed at scale (issue 5): a store of 1,000,000 achievements (10,000 users, 20 programs;
# the benchmarked partner manages 10 of them and half the users granted it, so it sees 250,000 rows,
# 2,500 pages of 100), pages of 100 with the full bearer check and an audit row per call, over HTTPS
# keep-alive: pages/s, p50 and p99 at page 1, page 100 (rows 9,901-10,000 of the partner's feed) and
# the last full page (page 2,500 here), and the cost ratio last/first. The same page query straight
# on SQLite (Python sqlite3, one connection, no HTTP) is measured in the same run as the storage
# reference. Page 10,000 exists only in a store 4 times larger: PER_USER=400 (4,000,000
# achievements, 1,000,000 rows for the partner).
# Targets: >= 5,000 pages/s; last/first cost ratio <= 1.2.
#
# Usage: scripts/bench-achievements.sh   Environment: DURATION (default 10s), CONNECTIONS (default 16),
#        FEED_USERS (default 10000), PER_USER (achievements per user, default 100),
#        PAGES (pages to measure, default "1 100 last"; pages past the end are skipped),
#        RAW_SECONDS (raw SQLite run per page, default 3), SCRATCH (default .build-release),
#        BENCH_RESULTS (a file: also append machine-readable results, see scripts/bench-lib.sh)
set -euo pipefail
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
SCRATCH=${SCRATCH:-.build-release}
FEED_USERS=${FEED_USERS:-10000}
PER_USER=${PER_USER:-100}
PAGES=${PAGES:-1 100 last}
RAW_SECONDS=${RAW_SECONDS:-3}
PAGE=100

cd "$(dirname "$0")/.."
ROOT=$PWD
source scripts/bench-lib.sh
bench_build
TMP=$(mktemp -d -t bench-achievements.XXXXXX)
trap 'bench_stop; rm -rf "$TMP"' EXIT
DB="$TMP/data/incentives.sqlite"
SEED="python3 $ROOT/Benchmarks/seed_achievements.py"
commas() { python3 -c "print(f'{$1:,}')"; }

"$BIN" migrate --data-dir "$TMP/data" > /dev/null
echo "seeding $(commas $((FEED_USERS * PER_USER))) achievements ($FEED_USERS users, 20 programs)"
SEED_STARTED=$SECONDS
$SEED achievements "$DB" --users "$FEED_USERS" --per-user "$PER_USER"
PROGRAMS=(); for p in $(seq 0 2 19); do PROGRAMS+=(--program "prg-$p"); done
PARTNER=$("$BIN" partner create --data-dir "$TMP/data" --certs-dir "$TMP/certs" --name "Feed benchmark" \
    --redirect-uri https://partner.example/cb "${PROGRAMS[@]}")
CLIENT_ID=$(sed -n 's/^client_id=//p' <<<"$PARTNER")
CLIENT_SECRET=$(sed -n 's/^client_secret=//p' <<<"$PARTNER")
$SEED grant "$DB" "$CLIENT_ID" --every 2
SEED_SECONDS=$((SECONDS - SEED_STARTED))

# The pages to measure: "PAGE SINCE" lines after the partner's row count.
# shellcheck disable=SC2086 # PAGES is a list
{ read -r VISIBLE; mapfile -t PAGE_LINES; } < <($SEED pages "$DB" "$CLIENT_ID" "$PAGE" $PAGES)
LAST_PAGE=$((VISIBLE / PAGE))
echo "the partner sees $(commas "$VISIBLE") achievements: $(commas "$LAST_PAGE") full pages of $PAGE"
((${#PAGE_LINES[@]} >= 2)) || { echo "fewer than 2 of the pages '$PAGES' exist; seed more (FEED_USERS, PER_USER)" >&2; exit 1; }
for wanted in $PAGES; do
    [[ $wanted == last ]] || ((wanted <= LAST_PAGE)) ||
        echo "page $(commas "$wanted") skipped: the partner's feed has $LAST_PAGE full pages (PER_USER=400 gives 10,000 at 10,000 users)"
done | tee "$TMP/skipped.txt"
label() {  # page number -> "page 2,500 (last)"
    local text="page $(commas "$1")"
    if (($1 == LAST_PAGE)); then
        if ((VISIBLE % PAGE == 0)); then text+=" (last)"; else text+=" (last full page)"; fi
    fi
    echo "$text"
}

bench_serve --partner-rate-limit 1000000000
TOKEN=$(bench_client_token "$CLIENT_ID" "$CLIENT_SECRET")
NUMBERS=() SINCES=() RATES=() P50S=() P99S=() ERRORS=()
for line in "${PAGE_LINES[@]}"; do
    read -r number since <<<"$line"
    path="/v1/achievements?limit=$PAGE"
    ((number == 1)) || path+="&since=$since"
    rows=$(curl -sS --cacert "$CA" -H "Authorization: Bearer $TOKEN" "$BASE$path" | python3 -c 'import sys, json; print(len(json.load(sys.stdin)["data"]))')
    [[ $rows == "$PAGE" ]] || { echo "expected $PAGE rows at $path ($(label "$number")), got $rows" >&2; exit 1; }
    read -r rate p50 p99 errors < <(bench_measure GET "$path" "" "Bearer $TOKEN" "")
    NUMBERS+=("$number") SINCES+=("$since") RATES+=("$rate") P50S+=("$p50") P99S+=("$p99") ERRORS+=("$errors")
done
bench_stop

# The server's page query (PartnerFeed.page: the feed index holds only rows of active grants) straight on SQLite, per page.
mapfile -t RAW < <(python3 - "$DB" "$CLIENT_ID" "$PAGE" "$RAW_SECONDS" "${SINCES[@]}" <<'PY'
import sqlite3, sys, time
db, client, page, seconds = sqlite3.connect(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
query = ('SELECT achievement.* FROM partnerFeedEntry entry JOIN achievement ON achievement.seq = entry.seq '
         'WHERE entry.clientId = ? AND entry.position > ? ORDER BY entry.position LIMIT ?')
for since in map(int, sys.argv[5:]):
    started, count = time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        db.execute(query, (client, since, page + 1)).fetchall(); count += 1
    print(f"{count / (time.perf_counter() - started):.0f}")
PY
)

ms() { python3 -c "print(f'{$1 / 1000:.2f}')"; }
printf '\nPartner feed, pages of %s, bearer check + audit row per call, HTTPS keep-alive, wrk -t2 -c%s -d%s, %s\n' \
    "$PAGE" "$CONNECTIONS" "$DURATION" "$(date -u +%F)"
printf '%-30s %10s %9s %9s %16s\n' page "pages/s" "p50 ms" "p99 ms" "raw SQLite /s"
for i in "${!NUMBERS[@]}"; do
    printf '%-30s %10.0f %9s %9s %16s\n' "$(label "${NUMBERS[i]}")" "${RATES[i]}" "$(ms "${P50S[i]}")" "$(ms "${P99S[i]}")" "${RAW[i]}"
done
last=$((${#NUMBERS[@]} - 1))
python3 - "${RATES[0]}" "${RATES[last]}" "${P99S[0]}" "${P99S[last]}" "$(label "${NUMBERS[last]}")" "${RATES[@]}" <<'PY'
import sys
first, deepest, first_p99, deepest_p99 = map(float, sys.argv[1:5])
cost = first / deepest
print(f"cost ratio {sys.argv[5]} / page 1 (by throughput) {cost:.2f} (target <= 1.2: {'met' if cost <= 1.2 else 'NOT met'}); "
      f"p99 ratio {deepest_p99 / first_p99:.2f}")
slowest = min(map(float, sys.argv[6:]))
print(f"throughput {slowest:.0f} pages/s at the slowest page (target >= 5,000: {'met' if slowest >= 5000 else 'NOT met'})")
PY
echo "(non-2xx responses per page: ${ERRORS[*]})"

# Machine-readable results (only when BENCH_RESULTS names a file).
RAW_LABEL="the same query on SQLite"
for i in "${!NUMBERS[@]}"; do
    figure="partner feed pages/s, $(label "${NUMBERS[i]}")"
    ((NUMBERS[i] == 1)) || figure+=", rows $(commas $(((NUMBERS[i] - 1) * PAGE + 1)))–$(commas $((NUMBERS[i] * PAGE)))"
    bench_result feed "$figure" "${RATES[i]}" /s "${RAW[i]}" "$RAW_LABEL" measured "≥ 5,000/s" 'ours>=5000'
done
bench_result feed "cost ratio $(label "${NUMBERS[last]}") / page 1 (page-1 rate ÷ deepest rate)" \
    "$(python3 -c "print(f'{${RATES[0]} / ${RATES[last]}:.3f}')")" × \
    "$(python3 -c "print(f'{${RAW[0]} / ${RAW[last]}:.3f}')")" "$RAW_LABEL" measured "≤ 1.2" 'ours<=1.2'
bench_note feed "Store: $(commas $((FEED_USERS * PER_USER))) achievements ($(commas "$FEED_USERS") users × $PER_USER, 20 programs), seeded in $SEED_SECONDS s; the partner sees $(commas "$VISIBLE") rows = $(commas "$LAST_PAGE") pages of $PAGE."
while read -r skipped; do bench_note feed "${skipped^}."; done <"$TMP/skipped.txt"
bench_note feed "wrk -t2 -c$CONNECTIONS -d$DURATION per page, HTTPS keep-alive; raw SQLite ${RAW_SECONDS} s per page."
for i in "${!NUMBERS[@]}"; do
    bench_note feed "$(label "${NUMBERS[i]}"): p50 / p99 $(ms "${P50S[i]}") / $(ms "${P99S[i]}") ms."
    ((ERRORS[i] == 0)) || bench_warn feed "Partner feed: ${ERRORS[i]} non-2xx responses at $(label "${NUMBERS[i]}")."
done
