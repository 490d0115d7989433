#!/usr/bin/env bash
# A/B comparison of server binaries on the partner feed: one store seeded once (as
# scripts/bench-achievements.sh seeds it), then for each round each binary in turn serves it and
# wrk -t2 -c16 asks for one page over HTTPS keep-alive. Prints pages/s and the server's CPU per page
# (user + system time / pages), which varies less between runs than the rate because it leaves out
# wrk's share of the cores. For judging a change: build the binary before and after it and compare
# them in the same minutes; the machine's own speed drifts over an hour.
#
# Usage: scripts/ab-feed.sh BINARY [BINARY ...]
# Environment: ROUNDS (default 3), FEED_PATH (default /v1/achievements?limit=100),
#              STORE (seeded store to reuse, default /tmp/incentives-ab-feed), PORT (default 18443).
set -euo pipefail
(($# >= 1)) || { sed -n '2,/^set/p' "$0" | sed '$d'; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-3}
FEED_PATH=${FEED_PATH:-/v1/achievements?limit=100}
STORE=${STORE:-/tmp/incentives-ab-feed}
PORT=${PORT:-18443}
SEED="python3 $ROOT/Benchmarks/seed_achievements.py"
SERVER_PID=""
trap '[[ -z $SERVER_PID ]] || kill "$SERVER_PID" 2>/dev/null || true' EXIT

if [[ ! -s $STORE/client ]]; then
    rm -rf "$STORE" && mkdir -p "$STORE"
    "$1" migrate --data-dir "$STORE/data" >/dev/null
    $SEED achievements "$STORE/data/incentives.sqlite" --users 10000 --per-user 100
    programs=(); for p in $(seq 0 2 19); do programs+=(--program "prg-$p"); done
    partner=$("$1" partner create --data-dir "$STORE/data" --certs-dir "$STORE/certs" --name "Feed A/B" \
        --redirect-uri https://partner.example/cb "${programs[@]}")
    sed -n 's/^client_secret=//p' <<<"$partner" >"$STORE/secret"
    sed -n 's/^client_id=//p' <<<"$partner" >"$STORE/client"
    $SEED grant "$STORE/data/incentives.sqlite" "$(cat "$STORE/client")" --every 2
fi

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for ((round = 1; round <= ROUNDS; round++)); do
    for binary in "$@"; do
        "$binary" serve --port "$PORT" --data-dir "$STORE/data" --certs-dir "$STORE/certs" --log-level warning \
            --partner-rate-limit 1000000000 >"$STORE/serve.log" 2>&1 &
        SERVER_PID=$!
        for _ in $(seq 100); do grep -qs "incentives: serving" "$STORE/serve.log" && break; sleep 0.1; done
        base="https://127.0.0.1:$PORT"
        token=$(curl -sS --cacert "$STORE/certs/dev-ca.pem" -u "$(cat "$STORE/client"):$(cat "$STORE/secret")" \
            -d grant_type=client_credentials "$base/oauth/token" | python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])')
        export BENCH_METHOD=GET BENCH_PATH=$FEED_PATH BENCH_AUTHORIZATION="Bearer $token"
        wrk -t2 -c16 -d2s -s "$ROOT/Benchmarks/oauth-request.lua" "$base" >/dev/null
        before=$(ticks "$SERVER_PID")
        pages=$(wrk -t2 -c16 -d6s -s "$ROOT/Benchmarks/oauth-request.lua" "$base" | awk '/requests in/ {print $1}')
        after=$(ticks "$SERVER_PID")
        hz=$(getconf CLK_TCK)
        awk -v name="$binary" -v n="$pages" -v a="$before" -v b="$after" -v hz="$hz" 'BEGIN {
            printf "round %d  %-40s %6.0f pages/s   server CPU %6.1f us/page (%.2f cores)\n", '"$round"', name, n / 6,
                (b - a) / hz * 1e6 / n, (b - a) / hz / 6 }'
        kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
    done
done
