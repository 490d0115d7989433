#!/usr/bin/env bash
# A/B comparison of server binaries on TLS: for each round each binary in turn serves GET /healthz
# and is measured two ways, each after a warm-up: full handshakes (16 parallel
# `openssl s_time -new -www /healthz`, a new TLS 1.3 connection and one request each, as
# scripts/bench-tls.sh measures them) and keep-alive HTTPS requests (wrk -t2 -c16). Prints the rate
# and the server's CPU per connection or request (user + system time / count), which varies less
# between runs than the rate because it leaves out the client's share of the cores. For judging a
# change: build the binary before and after it and compare them in the same minutes; the
# machine's own speed drifts over an hour.
#
# Usage: scripts/ab-tls.sh BINARY [BINARY ...]
# Environment: ROUNDS (default 3), SECONDS_PER_RUN (default 5), PORT (default 18443),
#              WORK (server data and certificates, default /tmp/incentives-ab-tls).
set -euo pipefail
(($# >= 1)) || { sed -n '2,/^set/p' "$0" | sed '$d'; exit 2; }
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
PORT=${PORT:-18443}
WORK=${WORK:-/tmp/incentives-ab-tls}
SERVER_PID=""
trap '[[ -z $SERVER_PID ]] || kill "$SERVER_PID" 2>/dev/null || true' EXIT
export WORK
mkdir -p "$WORK"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# s_time_run SECONDS: 16 parallel full-handshake clients; prints the connections they made and
# the wall-clock seconds they took.
s_time_run() {
    local start
    start=$(date +%s.%N)
    for _ in $(seq 16); do
        openssl s_time -connect "127.0.0.1:$PORT" -new -www /healthz -time "$1" 2>/dev/null |
            awk '/connections in [0-9.]+ real seconds/ {print $1}' &
    done | awk -v start="$start" -v end_cmd="date +%s.%N" '{n += $1} END {end_cmd | getline end; print n + 0, end - start}'
}

# report ROUND BINARY WHAT COUNT SECONDS TICKS UNIT
report() {
    awk -v round="$1" -v name="$2" -v what="$3" -v n="$4" -v s="$5" -v t="$6" -v unit="$7" \
        -v hz="$(getconf CLK_TCK)" 'BEGIN {
        if (n + 0 == 0) { printf "round %d  %-36s %-22s no answers (see %s)\n", round, name, what, ENVIRON["WORK"] "/serve.log"; exit }
        printf "round %d  %-36s %-22s %8.0f/s   server CPU %7.1f us/%s (%.2f cores)\n", round, name, what, n / s,
            t / hz * 1e6 / n, unit, t / hz / s }'
}

for ((round = 1; round <= ROUNDS; round++)); do
    for binary in "$@"; do
        "$binary" serve --port "$PORT" --data-dir "$WORK/data" --certs-dir "$WORK/certs" --log-level warning \
            >"$WORK/serve.log" 2>&1 &
        SERVER_PID=$!
        for _ in $(seq 100); do grep -qs "incentives: serving" "$WORK/serve.log" && break; sleep 0.1; done
        s_time_run 2 >/dev/null
        before=$(ticks "$SERVER_PID")
        read -r connections seconds < <(s_time_run "$SECONDS_PER_RUN")
        report "$round" "$binary" "full handshakes" "$connections" "$seconds" "$(($(ticks "$SERVER_PID") - before))" connection
        url="https://127.0.0.1:$PORT/healthz"
        wrk -t2 -c16 -d2s "$url" >/dev/null
        before=$(ticks "$SERVER_PID")
        requests=$(wrk -t2 -c16 -d"${SECONDS_PER_RUN}s" "$url" | awk '/requests in/ {print $1}')
        report "$round" "$binary" "keep-alive requests" "$requests" "$SECONDS_PER_RUN" "$(($(ticks "$SERVER_PID") - before))" request
        kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
    done
done
