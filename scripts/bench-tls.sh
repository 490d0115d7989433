#!/usr/bin/env bash
# Compares our HTTPS server (Hummingbird 2 + our OpenSSL TLS handler) with nginx on this machine:
#   - new TLS connections per second, one request each (wrk with `Connection: close`). wrk keeps
#     the TLS session of a closed connection and offers it on the next one, so after the first
#     connections these are TLS 1.3 *resumed* handshakes (PSK with X25519), for both servers;
#   - full TLS 1.3 handshakes per second with one request each, the issue's figure
#     (`openssl s_time -new -www /healthz`, CONNECTIONS processes in parallel; no resumption;
#     each connection sends an HTTP/1.0 request and reads the answer until the server closes);
#   - new plain TCP connections per second, one request each, to separate TLS from HTTP costs;
#   - keep-alive requests per second over HTTPS and over plain HTTP, for both servers;
#   - the TLS cost ratio (HTTPS req/s / plain req/s) of each server.
# Both servers answer GET /healthz with the same 15-byte body {"status":"ok"}, with the same
# certificate (our dev ECDSA P-256 certificate) and the same TLS protocols, ciphers and groups.
#
# Usage: scripts/bench-tls.sh
# Environment: DURATION (measured run per figure, default 10s), WARMUP (default 2s),
#              THREADS (wrk -t, default 2), CONNECTIONS (wrk -c, default 16),
#              SCRATCH (swift build scratch path, default .build-release),
#              BENCH_PREBUILT=1 (do not build; use the binary already in $SCRATCH, as scripts/bench-all.sh does),
#              TRIES (measure a run again while other processes disturbed it, default 3 tries),
#              FULL_ROUNDS (rounds of the full-handshake comparison, ours then nginx, default 3; the
#              target figure is the median of each server's rounds: single runs varied by a fifth),
#              KEEPALIVE_ROUNDS (rounds of the four keep-alive runs behind the TLS cost ratio, default 3;
#              each rate is the median of its rounds),
#              IDLE_WAIT (seconds to wait for idle CPUs before each try, default 120),
#              BENCH_RESULTS (a file: also append machine-readable results, see scripts/bench-lib.sh).
# Exits 0 when everything ran (even if a target is missed); non-zero if a server fails to
# start, returns a wrong body, or dies during the run.
set -euo pipefail

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
SCRATCH=${SCRATCH:-.build-release}
TRIES=${TRIES:-3}
FULL_ROUNDS=${FULL_ROUNDS:-3}
KEEPALIVE_ROUNDS=${KEEPALIVE_ROUNDS:-3}
IDLE_WAIT=${IDLE_WAIT:-120}
BODY='{"status":"ok"}'

cd "$(dirname "$0")/.."
ROOT=$PWD
source scripts/bench-lib.sh
export PATH="$PATH:/usr/sbin:/sbin"

say() { printf '\n== %s\n' "$*"; }
die() { printf 'bench-tls: %s\n' "$*" >&2; exit 1; }

# --- 1. Tools (wrk and curl come with bench_build) ------------------------------------------
bench_need nginx openssl

# --- 2. Build (own scratch path, so the developers' .build is not locked) -------------------
say "building incentives (release, scratch path $SCRATCH)"
bench_build incentives || die "no release build of incentives"

# --- 3. Temp dir, cleanup (bench_tmpdir stops everything in BENCH_PIDS on exit) ---------------
bench_tmpdir bench-tls
bench_free_port OURS_TLS_PORT
bench_free_port OURS_PLAIN_PORT
bench_free_port NGINX_TLS_PORT
bench_free_port NGINX_PLAIN_PORT

say "starting our server (HTTPS on $OURS_TLS_PORT, plain HTTP on $OURS_PLAIN_PORT)"
# Without access logs, like nginx here (access_log off).
bench_start ours-https "$OURS_TLS_PORT" "$TMP/data-ours-https" --log-level warning || die "our server (ours-https) did not start"
PID_ours_https=$BENCH_PID
bench_start ours-plain "$OURS_PLAIN_PORT" "$TMP/data-ours-plain" --log-level warning --benchmark-plain-http || die "our server (ours-plain) did not start"
PID_ours_plain=$BENCH_PID
for f in server.pem server.key; do [[ -s $TMP/certs/$f ]] || die "our server did not create $TMP/certs/$f"; done

# --- 4. nginx, same certificate and TLS settings ---------------------------------------------
say "starting nginx $(nginx -v 2>&1 | sed 's/.*\///') (HTTPS on $NGINX_TLS_PORT, plain HTTP on $NGINX_PLAIN_PORT)"
mkdir -p "$TMP/nginx"
cat >"$TMP/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    server_tokens off;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
    client_body_temp_path $TMP/nginx/client_body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;

    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384;
    ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384;
    ssl_ecdh_curve X25519:prime256v1;

    server {
        listen 127.0.0.1:$NGINX_TLS_PORT ssl;
        ssl_certificate $TMP/certs/server.pem;
        ssl_certificate_key $TMP/certs/server.key;
        location = /healthz { default_type application/json; return 200 '$BODY'; }
    }
    server {
        listen 127.0.0.1:$NGINX_PLAIN_PORT;
        location = /healthz { default_type application/json; return 200 '$BODY'; }
    }
}
EOF
nginx -t -q -p "$TMP/nginx" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" ||
    die "nginx rejected its configuration: $(cat "$TMP/nginx/error.log" 2>/dev/null)"
nginx -p "$TMP/nginx" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" >"$TMP/nginx/stdout" 2>&1 &
PID_nginx=$!
BENCH_PIDS+=("$PID_nginx")

# --- Check all four endpoints answer the same body --------------------------------------------
URL_ours_https="https://127.0.0.1:$OURS_TLS_PORT/healthz"
URL_ours_plain="http://127.0.0.1:$OURS_PLAIN_PORT/healthz"
URL_nginx_https="https://127.0.0.1:$NGINX_TLS_PORT/healthz"
URL_nginx_plain="http://127.0.0.1:$NGINX_PLAIN_PORT/healthz"
say "checking GET /healthz on all four endpoints"
declare -A CLOSE_HEADER HEAD_BYTES TLS_USED
for name in ours_https ours_plain nginx_https nginx_plain; do
    url_var=URL_$name
    url=${!url_var}
    body=""
    for ((i = 0; i < 100; i++)); do
        body=$(curl -s --cacert "$TMP/certs/dev-ca.pem" --max-time 5 "$url" 2>/dev/null) && [[ -n $body ]] && break
        [[ $name == nginx_* ]] && ! kill -0 "$PID_nginx" 2>/dev/null && die "nginx exited: $(cat "$TMP/nginx/error.log" "$TMP/nginx/stdout" 2>/dev/null)"
        sleep 0.1
    done
    [[ $body == "$BODY" ]] || die "$url answered '$body', expected '$BODY'"
    headers=$(curl -s --cacert "$TMP/certs/dev-ca.pem" -o /dev/null -D - "$url" | wc -c)
    tls=""
    [[ $url == https:* ]] && tls=$(curl -s -v --cacert "$TMP/certs/dev-ca.pem" -o /dev/null "$url" 2>&1 |
        sed -n 's/^\* SSL connection using \(.*\)$/\1/p' | head -1)
    # Does the server say it will close when the request asks for it (RFC 9112 section 9.6 SHOULD)?
    CLOSE_HEADER[$name]=$(curl -s --cacert "$TMP/certs/dev-ca.pem" --max-time 5 -o /dev/null -D - -H 'Connection: close' "$url" |
        grep -qi '^connection: *close' && echo yes || echo no)
    printf '  %-12s %-38s body %s (%d bytes), response head %d bytes, "Connection: close" echoed: %s%s\n' \
        "$name" "$url" "$body" "${#body}" "$headers" "${CLOSE_HEADER[$name]}" "${tls:+, $tls}"
    HEAD_BYTES[$name]=$headers TLS_USED[$name]=$tls
done

# --- 5. Measurements ---------------------------------------------------------------------------
WRK_LIMIT=$(($(bench_seconds "$DURATION") + 30))
WARMUP_LIMIT=$(($(bench_seconds "$WARMUP") + 30))
ALIVE_FAILURES=""

declare -A DEAD
# server name -> the file its complaints go to
log_of() { case $1 in nginx) echo "$TMP/nginx/error.log" ;; *) echo "$TMP/$1.err" ;; esac; }

running() { # name pid: the process is still there; if not, says how it ended, once
    local name=$1 pid=$2 status=0 how
    [[ -z ${DEAD[$name]:-} ]] || return 1
    if ! kill -0 "$pid" 2>/dev/null; then
        wait "$pid" 2>/dev/null || status=$?
        if ((status > 128)); then how="killed by signal SIG$(kill -l $((status - 128)) 2>/dev/null || echo $((status - 128)))"
        else how="exited with status $status"; fi
        printf '  !! %s (pid %s) is no longer running: %s at about %s; last lines of %s:\n' \
            "$name" "$pid" "$how" "$(date -u +%H:%M:%S)" "$(log_of "$name")"
        tail -n 15 "$(log_of "$name")" 2>/dev/null | sed 's/^/     /'
        DEAD[$name]=$how
        ALIVE_FAILURES+=" $name($how)"
        return 1
    fi
}

alive() { # name pid url: the server still runs and answers after a run
    local name=$1 pid=$2 url=$3
    running "$name" "$pid" || return 1
    if [[ $(curl -s --cacert "$TMP/certs/dev-ca.pem" --max-time 5 "$url" 2>/dev/null) != "$BODY" ]]; then
        printf '  !! %s does not answer %s within 5 s after the run\n' "$name" "$url"
        ALIVE_FAILURES+=" $name(unresponsive)"
        return 1
    fi
}

# CPU accounting of one measured run, so that a run disturbed by other work is visible:
# total busy time of the machine, of the server (and its worker children), of the client.
HZ=$(getconf CLK_TCK)
meter_start() { read -r M_BUSY M_ALL < <(bench_cpu_ticks); M_SERVER=$(bench_proc_ticks "$1"); }
meter_stop() { # KEY PID TIMEFILE: prints and records how the CPUs were used
    local key=$1 pid=$2 timefile=$3 busy all server client other
    read -r busy all < <(bench_cpu_ticks)
    server=$(($(bench_proc_ticks "$pid") - M_SERVER))
    ((server >= 0)) || server=0 # the server died during the run
    client=$(awk -v hz="$HZ" '{ printf "%.0f", ($1 + $2) * hz }' "$timefile")
    busy=$((busy - M_BUSY)) all=$((all - M_ALL))
    other=$((busy - server - client))
    ((other > 0)) || other=0
    ((all > 0)) || all=1
    printf -v "OTHER_$key" '%s' "$((100 * other / all))"
    # cores the server kept busy on average during the run
    printf -v "CORES_$key" '%s' "$(awk -v s="$server" -v a="$all" -v n="$(nproc)" 'BEGIN { printf "%.3f", s * n / a }')"
    printf '  CPU (%% of all %s cores): server %s%%, client %s%%, other processes %s%%, idle %s%%\n' "$(nproc)" \
        "$((100 * server / all))" "$((100 * client / all))" "$((100 * other / all))" "$((100 * (all - busy) / all))"
    LAST_DISTURBED=0
    if ((100 * other / all >= 5)); then
        printf '  !! other processes used %s%% of the CPUs during this run; its figure is too low\n' "$((100 * other / all))"
        LAST_DISTURBED=1
    fi
}
DISTURBED=""

# measure FUNCTION KEY ...: runs FUNCTION KEY ... again (up to TRIES times in all) while other
# processes disturbed it; a run still disturbed after the last try is listed at the end.
measure() {
    local fn=$1 key=$2 server=$3 pid=$4 try
    shift
    for ((try = 1; try <= TRIES; try++)); do
        running "$server" "$pid" || {
            printf '\n-- %s: skipped, %s is not running (%s)\n' "$key" "$server" "${DEAD[$server]}"
            printf -v "RPS_$key" '%s' n/a
            printf -v "CORES_$key" '%s' n/a
            printf -v "P50_$key" '%s' -
            printf -v "P99_$key" '%s' -
            printf -v "ERR_$key" '%s' "not measured: $server ${DEAD[$server]}"
            return 0
        }
        bench_wait_idle # up to IDLE_WAIT seconds, until other processes leave the CPUs alone
        "$fn" "$@"
        ((LAST_DISTURBED)) || return 0
        [[ -z ${DEAD[$server]:-} ]] || return 0
        ((try < TRIES)) && printf '  .. measuring %s again (try %s of %s)\n' "$key" "$((try + 1))" "$TRIES"
    done
    DISTURBED+=" $key"
}
TIMEFORMAT='%3U %3S'

# run KEY SERVERNAME PID URL [wrk args...]: warm-up, measured run; sets RPS_KEY, P50_KEY, P99_KEY, ERR_KEY.
run() {
    local key=$1 server=$2 pid=$3 url=$4 out rps p50 p99 errs rc
    shift 4
    out="$TMP/wrk-$key.txt"
    printf '\n-- %s: wrk -t%s -c%s -d%s --latency %s %s\n' "$key" "$THREADS" "$CONNECTIONS" "$DURATION" "$*" "$url"
    timeout "$WARMUP_LIMIT" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$@" "$url" >"$TMP/wrk-$key-warmup.txt" 2>&1 ||
        printf '  !! warm-up: wrk exited with status %s\n' "$?"
    rc=0
    meter_start "$pid"
    { time timeout "$WRK_LIMIT" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" >"$out" 2>&1; } \
        2>"$TMP/time-$key" || rc=$?
    meter_stop "$key" "$pid" "$TMP/time-$key"
    ((rc == 0)) || printf '  !! wrk exited with status %s%s\n' "$rc" "$( ((rc == 124)) && echo ' (killed after hanging)')"
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    p50=$(awk '$1 == "50%" {print $2}' "$out")
    p99=$(awk '$1 == "99%" {print $2}' "$out")
    errs=$( { grep -E 'Non-2xx|Socket errors' "$out" || true; } | sed 's/^ *//' | paste -sd';' -)
    printf '  requests/s %s   p50 %s   p99 %s   %s\n' "${rps:-?}" "${p50:-?}" "${p99:-?}" \
        "$(awk '/requests in/ {print $1, "requests in", $4, $5, "read"}' "$out")"
    [[ -z $errs ]] || printf '  !! %s\n' "$errs"
    [[ -n $rps ]] || { printf '  !! no Requests/sec line; wrk said:\n'; sed 's/^/     /' "$out"; }
    printf -v "RPS_$key" '%s' "${rps:-n/a}"
    printf -v "P50_$key" '%s' "${p50:--}"
    printf -v "P99_$key" '%s' "${p99:--}"
    printf -v "ERR_$key" '%s' "$errs"
    alive "$server" "$pid" "$url" || true
}

# s_time_batch KEY PORT SECONDS: CONNECTIONS parallel `openssl s_time -new -www /healthz`; sets ST_START/ST_END.
s_time_batch() {
    local key=$1 port=$2 secs=$3 i p pids=()
    ((secs > 0)) || secs=1
    ST_START=$(date +%s.%N)
    for ((i = 0; i < CONNECTIONS; i++)); do
        timeout $((secs + 30)) openssl s_time -connect "127.0.0.1:$port" -new -www /healthz -time "$secs" \
            >"$TMP/stime-$key.$i.txt" 2>&1 &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || ST_FAILED=$((ST_FAILED + 1)); done
    ST_END=$(date +%s.%N)
}

# stime KEY SERVERNAME PID PORT: CONNECTIONS parallel `openssl s_time -new -www /healthz` (a full
# handshake and one request per connection) for DURATION after a WARMUP run; sets RPS_KEY (handshakes/s over wall-clock time).
stime() {
    local key=$1 server=$2 pid=$3 port=$4 total
    ST_FAILED=0
    printf '\n-- %s: %s x openssl s_time -connect 127.0.0.1:%s -new -www /healthz -time %s\n' "$key" "$CONNECTIONS" "$port" "$(bench_seconds "$DURATION")"
    s_time_batch "$key" "$port" "$(bench_seconds "$WARMUP")"
    meter_start "$pid"
    { time s_time_batch "$key" "$port" "$(bench_seconds "$DURATION")"; } 2>"$TMP/time-$key"
    meter_stop "$key" "$pid" "$TMP/time-$key"
    total=$(cat "$TMP"/stime-"$key".*.txt | awk '/connections in [0-9.]+ real seconds/ {n += $1} END {print n + 0}')
    printf -v "RPS_$key" '%s' "$(awk -v n="$total" -v a="$ST_START" -v b="$ST_END" 'BEGIN { if (n == 0) print "n/a"; else printf "%.2f", n / (b - a) }')"
    local rps_var=RPS_$key
    # Each answer is a status line, headers and the 15-byte body; fewer bytes mean no answer.
    local answered
    # The fewest over all the s_time processes: any of them that got no answer shows.
    answered=$(awk '/bytes read per connection/ {b = $(NF-4) + 0; if (min == "" || b < min) min = b} END {print min}' "$TMP"/stime-"$key".*.txt)
    printf '  handshakes/s %s   (%s handshakes in %.2f s wall clock; %s bytes read per connection)\n' "${!rps_var}" "$total" \
        "$(awk -v a="$ST_START" -v b="$ST_END" 'BEGIN { print b - a }')" "${answered:-?}"
    printf -v "P50_$key" '%s' "-"
    printf -v "P99_$key" '%s' "-"
    printf -v "ERR_$key" '%s' ""
    if ((${answered:-0} < 100)); then
        printf -v "ERR_$key" '%s' "s_time read ${answered:-no} bytes per connection: no HTTP answer"
    fi
    if ((ST_FAILED)); then
        printf -v "ERR_$key" '%s of %s s_time processes failed' "$ST_FAILED" "$((2 * CONNECTIONS))"
        printf '  !! %s of %s s_time processes failed, e.g.:\n' "$ST_FAILED" "$((2 * CONNECTIONS))"
        grep -hiE 'error|errno|fail' "$TMP"/stime-"$key".*.txt | sort | uniq -c | head -5 | sed 's/^/     /'
    fi
    alive "$server" "$pid" "https://127.0.0.1:$port/healthz" || true
}

# Other work on the machine skews every figure: say how busy the CPUs are before measuring.
BUSY_BEFORE=$(bench_cpu_busy)
say "measuring: ${DURATION} per run after ${WARMUP} warm-up, wrk -t$THREADS -c$CONNECTIONS; wrk and servers share $(nproc) cores"
printf 'CPU busy before measuring: %s%% (load average %s)\n' "$BUSY_BEFORE" "$(cut -d' ' -f1-3 /proc/loadavg)"
((BUSY_BEFORE < 10)) || printf '!! other processes are using the CPUs; figures will be low and noisy\n'
measure run ours_new ours-https "$PID_ours_https" "$URL_ours_https" -H 'Connection: close'
measure run nginx_new nginx "$PID_nginx" "$URL_nginx_https" -H 'Connection: close'
# The issue's figure, in alternating rounds; each server's median round is reported.
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
FULL_ROUNDS_ours=() FULL_ROUNDS_nginx=() FULL_CORES_ours=() FULL_CORES_nginx=()
for ((round = 1; round <= FULL_ROUNDS; round++)); do
    measure stime ours_full ours-https "$PID_ours_https" "$OURS_TLS_PORT"
    measure stime nginx_full nginx "$PID_nginx" "$NGINX_TLS_PORT"
    FULL_ROUNDS_ours+=("$RPS_ours_full") FULL_ROUNDS_nginx+=("$RPS_nginx_full")
    FULL_CORES_ours+=("$CORES_ours_full") FULL_CORES_nginx+=("$CORES_nginx_full")
done
RPS_ours_full=$(median "${FULL_ROUNDS_ours[@]}") RPS_nginx_full=$(median "${FULL_ROUNDS_nginx[@]}")
CORES_ours_full=$(median "${FULL_CORES_ours[@]}") CORES_nginx_full=$(median "${FULL_CORES_nginx[@]}")
printf '\nfull handshakes/s by round (ours / nginx): %s; medians %s / %s\n' \
    "$(for ((i = 0; i < FULL_ROUNDS; i++)); do printf '%s / %s  ' "${FULL_ROUNDS_ours[i]}" "${FULL_ROUNDS_nginx[i]}"; done)" \
    "$RPS_ours_full" "$RPS_nginx_full"
measure run ours_plain_new ours-plain "$PID_ours_plain" "$URL_ours_plain" -H 'Connection: close'
measure run nginx_plain_new nginx "$PID_nginx" "$URL_nginx_plain" -H 'Connection: close'
# The TLS cost ratio, in rounds of the four keep-alive runs; each rate is the median of its rounds
# (single runs of one server varied by a fifth, and the ratio divides two of them).
declare -A KA_RATES KA_CORES
for ((round = 1; round <= KEEPALIVE_ROUNDS; round++)); do
    measure run ours_https ours-https "$PID_ours_https" "$URL_ours_https"
    measure run ours_plain ours-plain "$PID_ours_plain" "$URL_ours_plain"
    measure run nginx_https nginx "$PID_nginx" "$URL_nginx_https"
    measure run nginx_plain nginx "$PID_nginx" "$URL_nginx_plain"
    for key in ours_https ours_plain nginx_https nginx_plain; do
        rps=RPS_$key cores=CORES_$key
        KA_RATES[$key]+="${!rps} " KA_CORES[$key]+="${!cores} "
    done
done
for key in ours_https ours_plain nginx_https nginx_plain; do
    # shellcheck disable=SC2086 # lists of numbers
    printf -v "RPS_$key" '%s' "$(median ${KA_RATES[$key]})"
    # shellcheck disable=SC2086
    printf -v "CORES_$key" '%s' "$(median ${KA_CORES[$key]})"
done
printf '\nkeep-alive req/s by round (ours HTTPS / plain, nginx HTTPS / plain): %s\n' "$(
    read -ra oh <<<"${KA_RATES[ours_https]}"; read -ra op <<<"${KA_RATES[ours_plain]}"
    read -ra nh <<<"${KA_RATES[nginx_https]}"; read -ra np <<<"${KA_RATES[nginx_plain]}"
    for ((i = 0; i < KEEPALIVE_ROUNDS; i++)); do
        printf '%.0f / %.0f, %.0f / %.0f;  ' "${oh[i]}" "${op[i]}" "${nh[i]}" "${np[i]}"
    done)"

# --- 6. Report ---------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
ge() {
    if [[ $1 == n/a || $2 == n/a ]]; then echo n/a
    else awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }' && echo yes || echo NO; fi
}
int() { awk -v a="$1" 'BEGIN { if (a == "n/a") print a; else printf "%.0f", a }'; }

new_ratio=$(ratio "$RPS_ours_new" "$RPS_nginx_new")
full_ratio=$(ratio "$RPS_ours_full" "$RPS_nginx_full")
plain_new_ratio=$(ratio "$RPS_ours_plain_new" "$RPS_nginx_plain_new")
https_ratio=$(ratio "$RPS_ours_https" "$RPS_nginx_https")
plain_ratio=$(ratio "$RPS_ours_plain" "$RPS_nginx_plain")
cost_ours=$(ratio "$RPS_ours_https" "$RPS_ours_plain")
cost_nginx=$(ratio "$RPS_nginx_https" "$RPS_nginx_plain")
cost_ratio=$(ratio "$cost_ours" "$cost_nginx")

say "results ($(date -u '+%Y-%m-%d %H:%M UTC'), DURATION=$DURATION, wrk -t$THREADS -c$CONNECTIONS, $(nproc) cores shared by client and server)"
fmt='%-58s %9s %9s %10s  %-18s %s\n'
printf "$fmt" figure ours nginx ours/nginx target met
printf "$fmt" "new TLS connections/s, 1 request each (wrk, resumed)" \
    "$(int "$RPS_ours_new")" "$(int "$RPS_nginx_new")" "$new_ratio" "-" "-"
printf "$fmt" "full TLS 1.3 handshakes/s, 1 request each (s_time)" \
    "$(int "$RPS_ours_full")" "$(int "$RPS_nginx_full")" "$full_ratio" "ours/nginx >= 0.80" "$(ge "$full_ratio" 0.8)"
printf "$fmt" "new plain TCP connections/s, 1 request each (wrk)" \
    "$(int "$RPS_ours_plain_new")" "$(int "$RPS_nginx_plain_new")" "$plain_new_ratio" "-" "-"
printf "$fmt" "keep-alive HTTPS req/s" "$(int "$RPS_ours_https")" "$(int "$RPS_nginx_https")" "$https_ratio" "-" "-"
printf "$fmt" "keep-alive plain HTTP req/s" "$(int "$RPS_ours_plain")" "$(int "$RPS_nginx_plain")" "$plain_ratio" "-" "-"
printf "$fmt" "TLS cost ratio (keep-alive HTTPS / plain req/s)" "$cost_ours" "$cost_nginx" "$cost_ratio" "ours >= nginx" "$(ge "$cost_ours" "$cost_nginx")"

# The client takes a different share of the 2 cores in each run, so also divide each rate by the
# CPU time the server itself used: requests (or handshakes) per second of server CPU.
per_cpu() { awk -v r="$1" -v c="$2" 'BEGIN { if (r == "n/a" || c + 0 <= 0) print "n/a"; else printf "%.0f", r / c }'; }
printf '\nper CPU-second of the server (rate / cores the server kept busy; client CPU excluded)\n'
efmt='%-58s %9s %9s %10s   %s\n'
printf "$efmt" figure ours nginx ours/nginx "server cores busy (ours / nginx)"
for row in "new_:new TLS connections, 1 request each (wrk, resumed)" "full_:full TLS 1.3 handshakes, 1 request each (openssl s_time)" \
    "plain_new_:new plain TCP connections, 1 request each (wrk)" "https_:keep-alive HTTPS requests" "plain_:keep-alive plain HTTP requests"; do
    suffix=${row%%:*} suffix=${suffix%_}
    ours_rps=RPS_ours_$suffix nginx_rps=RPS_nginx_$suffix ours_cores=CORES_ours_$suffix nginx_cores=CORES_nginx_$suffix
    eo=$(per_cpu "${!ours_rps}" "${!ours_cores}") en=$(per_cpu "${!nginx_rps}" "${!nginx_cores}")
    printf -v "EFF_ours_$suffix" '%s' "$eo"
    printf -v "EFF_nginx_$suffix" '%s' "$en"
    printf "$efmt" "${row#*:}" "$eo" "$en" "$(ratio "$eo" "$en")" "${!ours_cores} / ${!nginx_cores}"
done
eff_cost_ours=$(ratio "$EFF_ours_https" "$EFF_ours_plain")
eff_cost_nginx=$(ratio "$EFF_nginx_https" "$EFF_nginx_plain")
printf "$efmt" "TLS cost ratio per server CPU-second (HTTPS / plain)" "$eff_cost_ours" "$eff_cost_nginx" "$(ratio "$eff_cost_ours" "$eff_cost_nginx")" ""

printf '\nlatency p50 / p99 (wrk --latency)\n'
lfmt='%-58s %-22s %s\n'
printf "$lfmt" run ours nginx
printf "$lfmt" "new TLS connections, 1 request each" "$P50_ours_new / $P99_ours_new" "$P50_nginx_new / $P99_nginx_new"
printf "$lfmt" "new plain TCP connections, 1 request each" "$P50_ours_plain_new / $P99_ours_plain_new" "$P50_nginx_plain_new / $P99_nginx_plain_new"
printf "$lfmt" "keep-alive HTTPS" "$P50_ours_https / $P99_ours_https" "$P50_nginx_https / $P99_nginx_https"
printf "$lfmt" "keep-alive plain HTTP" "$P50_ours_plain / $P99_ours_plain" "$P50_nginx_plain / $P99_nginx_plain"

errors=0
for key in ours_new nginx_new ours_full nginx_full ours_plain_new nginx_plain_new ours_https nginx_https ours_plain nginx_plain; do
    err_var=ERR_$key
    if [[ -n ${!err_var} ]]; then
        ((errors == 0)) && printf '\nerrors reported by the clients:\n'
        errors=1
        printf '  %-16s %s\n' "$key" "${!err_var}"
    fi
done
if ((errors)); then
    for name in ours_https nginx_https ours_plain nginx_plain; do
        [[ ${CLOSE_HEADER[$name]} == yes ]] && continue
        printf '  note: %s does not answer `Connection: close` with `Connection: close`, so wrk expects a kept-alive\n' "$name"
        printf '        connection, sees the server close it, and counts one socket read error per request.\n'
    done
else
    printf '\nno client reported non-2xx responses or socket errors.\n'
fi

grep -v '^\s*$' "$TMP/ours-https.err" "$TMP/ours-plain.err" 2>/dev/null | grep -viE '\binfo\b|notice' | head -20 |
    sed 's/^/server stderr: /' || true
if [[ -s $TMP/nginx/error.log ]]; then
    sed 's/^/nginx error.log: /' "$TMP/nginx/error.log" | head -10
fi

if [[ -n $DISTURBED ]]; then
    printf '\n!! still disturbed by other processes (>= 5%% of the CPUs) after %s tries:%s; run again on an idle machine\n' "$TRIES" "$DISTURBED"
fi
BUSY_AFTER=$(bench_cpu_busy)
printf '\nCPU busy after measuring (servers idle): %s%%\n' "$BUSY_AFTER"
((BUSY_AFTER < 10)) || printf '!! something else was using the CPUs at the end of the run\n'

# --- 7. Machine-readable results (only when BENCH_RESULTS names a file) ----------------------------
if [[ -n ${BENCH_RESULTS:-} ]]; then
    NGINX="nginx $(nginx -v 2>&1 | sed 's/.*\///')"
    tls_row() { bench_result tls "$1" "$2" "$3" "$4" "$NGINX" measured "$5" "$6"; }
    tls_row "full TLS 1.3 handshakes/s, a new connection per request (openssl s_time -new -www /healthz)" "$RPS_ours_full" /s "$RPS_nginx_full" "≥ 0.80× nginx" 'ratio>=0.8'
    tls_row "resumed TLS 1.3 connections/s, 1 request each (wrk Connection: close)" "$RPS_ours_new" /s "$RPS_nginx_new" "" -
    tls_row "new plain TCP connections/s, 1 request each" "$RPS_ours_plain_new" /s "$RPS_nginx_plain_new" "" -
    tls_row "keep-alive HTTPS requests/s" "$RPS_ours_https" /s "$RPS_nginx_https" "" -
    tls_row "keep-alive plain HTTP requests/s" "$RPS_ours_plain" /s "$RPS_nginx_plain" "" -
    tls_row "TLS cost ratio = keep-alive HTTPS / plain requests/s" "$cost_ours" "" "$cost_nginx" "ours ≥ nginx's" 'ratio>=1'

    bench_note tls "wrk -t$THREADS -c$CONNECTIONS (and $CONNECTIONS parallel openssl s_time), $DURATION measured after $WARMUP warm-up per run; $NGINX with worker_processes 2."
    bench_note tls "Full handshakes with a request each, $FULL_ROUNDS alternating rounds (ours / nginx per second): $(for ((i = 0; i < FULL_ROUNDS; i++)); do printf '%.0f / %.0f; ' "${FULL_ROUNDS_ours[i]}" "${FULL_ROUNDS_nginx[i]}"; done | sed 's/; $//'). The table gives each server's median round."
    bench_note tls "Keep-alive runs behind the TLS cost ratio, $KEEPALIVE_ROUNDS rounds (ours HTTPS / plain, nginx HTTPS / plain per second): $(
        read -ra oh <<<"${KA_RATES[ours_https]}"; read -ra op <<<"${KA_RATES[ours_plain]}"
        read -ra nh <<<"${KA_RATES[nginx_https]}"; read -ra np <<<"${KA_RATES[nginx_plain]}"
        for ((i = 0; i < KEEPALIVE_ROUNDS; i++)); do printf '%.0f / %.0f, %.0f / %.0f; ' "${oh[i]}" "${op[i]}" "${nh[i]}" "${np[i]}"; done | sed 's/; $//'). The table gives each rate's median round."
    bench_note tls "Negotiated: ours ${TLS_USED[ours_https]:-?}; nginx ${TLS_USED[nginx_https]:-?}. Response head: ours ${HEAD_BYTES[ours_https]} bytes, nginx ${HEAD_BYTES[nginx_https]} bytes (same 15-byte body)."
    max_other=0
    for key in ours_new nginx_new ours_full nginx_full ours_plain_new nginx_plain_new ours_https nginx_https ours_plain nginx_plain; do
        other_var=OTHER_$key
        if ((${!other_var:-0} > max_other)); then max_other=${!other_var}; fi
    done
    bench_note tls "Other processes used at most $max_other% of the CPUs in a measured run (a run is repeated, up to $TRIES tries, while they use 5% or more)."
    bench_note tls "Per second of server CPU (ours / nginx): new TLS connections $EFF_ours_new / $EFF_nginx_new, full handshakes $EFF_ours_full / $EFF_nginx_full, new plain connections $EFF_ours_plain_new / $EFF_nginx_plain_new, keep-alive HTTPS $EFF_ours_https / $EFF_nginx_https, keep-alive plain $EFF_ours_plain / $EFF_nginx_plain; TLS cost ratio $eff_cost_ours / $eff_cost_nginx."
    bench_note tls "Latency p50 / p99 (ours; nginx): new TLS connection + request $P50_ours_new / $P99_ours_new; $P50_nginx_new / $P99_nginx_new. New plain connection + request $P50_ours_plain_new / $P99_ours_plain_new; $P50_nginx_plain_new / $P99_nginx_plain_new. Keep-alive HTTPS $P50_ours_https / $P99_ours_https; $P50_nginx_https / $P99_nginx_https. Keep-alive plain $P50_ours_plain / $P99_ours_plain; $P50_nginx_plain / $P99_nginx_plain."
    for key in ours_new nginx_new ours_full nginx_full ours_plain_new nginx_plain_new ours_https nginx_https ours_plain nginx_plain; do
        err_var=ERR_$key
        [[ -z ${!err_var} ]] || bench_note tls "Client errors in run $key: ${!err_var}."
    done
    if [[ ${CLOSE_HEADER[ours_https]} == no || ${CLOSE_HEADER[ours_plain]} == no ]]; then
        bench_note tls "Our server does not answer \`Connection: close\` with \`Connection: close\` (it still closes, with close_notify over TLS), so wrk expects a kept-alive connection and counts one socket read error per request in the new-connection runs."
    fi
    [[ -z $DISTURBED ]] || bench_warn tls "TLS runs still disturbed by other processes after $TRIES tries:$DISTURBED."
    [[ -z $ALIVE_FAILURES ]] || bench_warn tls "TLS: server(s) died or stopped answering during the run:$ALIVE_FAILURES."
fi

if [[ -n $ALIVE_FAILURES ]]; then
    printf '\nFAILED: server(s) died or stopped answering during the run:%s\n' "$ALIVE_FAILURES"
    exit 2
fi
exit 0
