#!/usr/bin/env bash
# OAuth throughput over HTTPS keep-alive on this machine (wrk and the server share its 2 cores):
#   - client-credentials tokens per second (POST /oauth/token, client_secret_basic),
#   - introspections per second (POST /oauth/introspect of a live access token),
#   - bearer-checked resource requests per second (GET /v1/achievements: signature, claims and the
#     uncached revocation checks against SQLite),
# each with p50 and p99, beside Ory Hydra's published figures (2 CPUs, in-memory store; published,
# not measured here): 513 client-credentials tokens/s and 5,109 introspections/s.
# Targets: tokens >= 10x Hydra's, introspections >= 2x.
#
# Usage: scripts/bench-oauth.sh        Environment: DURATION (default 10s), CONNECTIONS (default 16),
#                                      SCRATCH (swift build scratch path, default .build-release)
set -euo pipefail
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
SCRATCH=${SCRATCH:-.build-release}
HYDRA_TOKENS=513
HYDRA_INTROSPECTIONS=5109

cd "$(dirname "$0")/.."
ROOT=$PWD
scripts/install-system-packages.sh wrk curl
swift build -c release --product incentives --scratch-path "$SCRATCH"
case $SCRATCH in /*) BIN="$SCRATCH/release/incentives" ;; *) BIN="$ROOT/$SCRATCH/release/incentives" ;; esac

TMP=$(mktemp -d -t bench-oauth.XXXXXX)
SERVER_PID=""
cleanup() {
    [[ -n $SERVER_PID ]] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
FLAGS=(--data-dir "$TMP/data" --certs-dir "$TMP/certs")
PARTNER=$("$BIN" partner create "${FLAGS[@]}" --name "Benchmark partner" --redirect-uri https://partner.example/cb)
CLIENT_ID=$(sed -n 's/^client_id=//p' <<<"$PARTNER")
CLIENT_SECRET=$(sed -n 's/^client_secret=//p' <<<"$PARTNER")
"$BIN" serve "${FLAGS[@]}" --port "$PORT" --partner-rate-limit 1000000000 --log-level warning > "$TMP/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "incentives: serving" "$TMP/serve.log" && break; sleep 0.1; done
grep -q "incentives: serving" "$TMP/serve.log" || { cat "$TMP/serve.log"; echo "server did not start" >&2; exit 1; }

BASE="https://127.0.0.1:$PORT"
BASIC="Basic $(printf '%s:%s' "$CLIENT_ID" "$CLIENT_SECRET" | base64 -w0)"
TOKEN=$(curl -sS --cacert "$TMP/certs/dev-ca.pem" -H "Authorization: $BASIC" -d grant_type=client_credentials "$BASE/oauth/token" \
    | python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])')

# measure NAME METHOD PATH BODY AUTHORIZATION CONTENT_TYPE -> prints "rate p50 p99 non2xx"
measure() {
    local output
    output=$(BENCH_METHOD=$2 BENCH_PATH=$3 BENCH_BODY=$4 BENCH_AUTHORIZATION=$5 BENCH_CONTENT_TYPE=$6 \
        wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$ROOT/Benchmarks/oauth-request.lua" "$BASE" 2>&1)
    local rate p50 p99 errors
    rate=$(awk '/Requests\/sec/ {print $2}' <<<"$output")
    p50=$(sed -n 's/.*p50_us=\([0-9]*\).*/\1/p' <<<"$output")
    p99=$(sed -n 's/.*p99_us=\([0-9]*\).*/\1/p' <<<"$output")
    errors=$(awk '/Non-2xx/ {print $NF}' <<<"$output")
    echo "$rate $p50 $p99 ${errors:-0}"
}

FORM=application/x-www-form-urlencoded
read -r TOKENS TOKENS_P50 TOKENS_P99 TOKENS_ERR < <(measure tokens POST /oauth/token "grant_type=client_credentials" "$BASIC" $FORM)
read -r INTRO INTRO_P50 INTRO_P99 INTRO_ERR < <(measure introspect POST /oauth/introspect "token=$TOKEN" "$BASIC" $FORM)
read -r PAGES PAGES_P50 PAGES_P99 PAGES_ERR < <(measure resource GET /v1/achievements "" "Bearer $TOKEN" "")

ratio() { python3 -c "print(f'{$1 / $2:.1f}x')"; }
met() { python3 -c "print('yes' if $1 / $2 >= $3 else 'NO')"; }
printf '\nOAuth over HTTPS keep-alive, wrk -t2 -c%s -d%s, %s\n' "$CONNECTIONS" "$DURATION" "$(date -u +%F)"
printf '%-42s %12s %10s %10s %12s %8s %8s %5s\n' figure "ours /s" "p50 ms" "p99 ms" "Hydra /s" ratio target met
row() {  # name rate p50 p99 reference target
    local reference=${5:--} ratio_text=- target_text=- met_text=-
    if [[ $reference != - ]]; then ratio_text=$(ratio "$2" "$reference"); target_text="${6}x"; met_text=$(met "$2" "$reference" "$6"); fi
    printf '%-42s %12.0f %10.2f %10.2f %12s %8s %8s %5s\n' "$1" "$2" "$(python3 -c "print($3/1000)")" "$(python3 -c "print($4/1000)")" \
        "$reference" "$ratio_text" "$target_text" "$met_text"
}
row "client-credentials tokens" "$TOKENS" "$TOKENS_P50" "$TOKENS_P99" $HYDRA_TOKENS 10
row "introspections" "$INTRO" "$INTRO_P50" "$INTRO_P99" $HYDRA_INTROSPECTIONS 2
row "bearer-checked GET /v1/achievements" "$PAGES" "$PAGES_P50" "$PAGES_P99"
echo "(Hydra figures are published, not measured here. Non-2xx responses: tokens $TOKENS_ERR, introspections $INTRO_ERR, resource $PAGES_ERR.)"
