# shellcheck shell=bash
# Shared by the benchmark scripts (source it; not a command). Expects ROOT (the checkout) and
# SCRATCH; the wrk helpers also TMP, DURATION and CONNECTIONS.
#   bench_need TOOL[:PACKAGE]...   installs (scripts/install-system-packages.sh) the Debian PACKAGE
#                             (default: the tool's name) of each TOOL missing: a command not on
#                             PATH, or a file (a TOOL starting with /) that does not exist
#   bench_build [PRODUCT...]  builds the release products (default incentives) into $SCRATCH, or
#                             only checks they exist when BENCH_PREBUILT=1 (scripts/bench-all.sh
#                             built them once for all scripts); installs wrk and curl; sets BINDIR and BIN
#   bench_tmpdir NAME         makes TMP (mktemp -d -t NAME.XXXXXX); on exit (INT and TERM exit 130
#                             and 143) stops SERVER_PID and every process in BENCH_PIDS (add the
#                             ones you start), removes TMP
#   bench_free_port VAR       sets VAR to a port nobody listens on, not handed out before
#   bench_start NAME PORT DATA_DIR FLAG...   starts "$BIN serve" on 127.0.0.1:PORT (certificates in
#                             $TMP/certs, output in $TMP/NAME.out and $TMP/NAME.err), waits for its
#                             "incentives: serving" line and prints it; sets BENCH_PID and adds it
#                             to BENCH_PIDS; returns 1 (after printing the output) if it did not start
#   bench_serve FLAG...       starts the server on a free port in $TMP; sets SERVER_PID, BASE, CA
#   bench_stop                stops SERVER_PID (bench_kill)
#   bench_kill PID...         TERM, up to 10 s to go, then KILL; reaps them and drops them from
#                             BENCH_PIDS; never fails
#   bench_client_token ID SECRET   prints a client-credentials access token
#   bench_measure METHOD PATH BODY AUTHORIZATION CONTENT_TYPE   prints "rate p50_us p99_us non2xx";
#                             with BENCH_PERF_DIR set, also records the server (SERVER_PID) with
#                             `perf record -g` during the run into BENCH_PERF_DIR/TIME-METHOD_PATH.data
#   bench_cpu_busy            percent of CPU time not idle over one second
#   bench_wait_idle           waits (up to IDLE_WAIT seconds, default 120) until the CPUs are less
#                             than 10% busy; sets BENCH_BUSY to the last bench_cpu_busy
#   bench_cpu_ticks           prints "BUSY ALL": the machine's busy and all CPU ticks so far
#   bench_proc_ticks PID      user + system ticks of a process and its children so far
#   bench_seconds 10s|2m|1h   the duration in seconds
#   bench_result / bench_note / bench_warn   machine-readable results, see below

bench_need() {
    local tool package missing=()
    for tool in "$@"; do
        package=${tool#*:} tool=${tool%%:*}
        if [[ $tool == /* ]]; then [[ -e $tool ]] && continue
        else command -v "$tool" >/dev/null 2>&1 && continue; fi
        missing+=("$package")
    done
    ((${#missing[@]} == 0)) || "$ROOT/scripts/install-system-packages.sh" "${missing[@]}"
}

bench_build() {
    local product
    (($#)) || set -- incentives
    "$ROOT/scripts/install-system-packages.sh" wrk curl
    if [[ ${BENCH_PREBUILT:-0} != 1 ]]; then
        for product in "$@"; do swift build -c release --product "$product" --scratch-path "$SCRATCH" || return 1; done
    fi
    case $SCRATCH in /*) BINDIR="$SCRATCH/release" ;; *) BINDIR="$ROOT/$SCRATCH/release" ;; esac
    BIN=$BINDIR/incentives
    for product in "$@"; do
        [[ -x $BINDIR/$product ]] || { echo "no binary at $BINDIR/$product" >&2; return 1; }
    done
}

bench_kill() {
    local pid i rest=()
    for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "$@"; do
        for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    # Forget them, so that the cleanup does not signal a process that took one of their ids since.
    for pid in "${BENCH_PIDS[@]}"; do [[ " $* " == *" $pid "* ]] || rest+=("$pid"); done
    BENCH_PIDS=("${rest[@]}")
}

bench_stop() {
    [[ -z ${SERVER_PID:-} ]] || bench_kill "$SERVER_PID"
    SERVER_PID=""
}

BENCH_PIDS=()
bench_cleanup() {
    bench_stop
    bench_kill "${BENCH_PIDS[@]}"
    rm -rf "$TMP"
}
bench_tmpdir() {
    TMP=$(mktemp -d -t "$1.XXXXXX")
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

BENCH_PORTS=" "
bench_free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        [[ $BENCH_PORTS == *" $port "* ]] && continue
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
        BENCH_PORTS+="$port "
        printf -v "$1" '%s' "$port"
        return 0
    done
}

bench_start() {
    local log=$1 port=$2 data=$3 pid i
    shift 3
    "$BIN" serve --host 127.0.0.1 --port "$port" --data-dir "$data" --certs-dir "$TMP/certs" "$@" \
        >"$TMP/$log.out" 2>"$TMP/$log.err" &
    pid=$!
    BENCH_PIDS+=("$pid")
    for ((i = 0; i < 600; i++)); do
        if grep -q '^incentives: serving ' "$TMP/$log.out" 2>/dev/null; then
            printf '%s (pid %s): %s\n' "$log" "$pid" "$(grep '^incentives: serving ' "$TMP/$log.out")"
            # shellcheck disable=SC2034 # for the script that called
            BENCH_PID=$pid
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    cat "$TMP/$log.out" "$TMP/$log.err" >&2 || true
    return 1
}

bench_serve() {
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    "$BIN" serve --data-dir "$TMP/data" --certs-dir "$TMP/certs" --port "$port" --log-level warning "$@" > "$TMP/serve.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 300); do grep -qs "incentives: serving" "$TMP/serve.log" && break; sleep 0.1; done
    grep -q "incentives: serving" "$TMP/serve.log" || { cat "$TMP/serve.log"; echo "server did not start" >&2; exit 1; }
    BASE="https://127.0.0.1:$port"
    CA="$TMP/certs/dev-ca.pem"
}

bench_client_token() {
    curl -sS --cacert "$CA" -u "$1:$2" -d grant_type=client_credentials "$BASE/oauth/token" \
        | python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])'
}

bench_measure() {
    local output rate p50 p99 errors perf_pid=""
    if [[ -n ${BENCH_PERF_DIR:-} ]]; then
        bench_need perf:linux-perf
        mkdir -p "$BENCH_PERF_DIR"
        perf record -q -g -F 999 -p "$SERVER_PID" -o "$BENCH_PERF_DIR/$(date +%H%M%S)-$1$(tr -c 'a-zA-Z0-9\n' _ <<<"$2").data" \
            -- sleep "$(bench_seconds "$DURATION")" >/dev/null 2>&1 &
        perf_pid=$!
    fi
    output=$(BENCH_METHOD=$1 BENCH_PATH=$2 BENCH_BODY=$3 BENCH_AUTHORIZATION=$4 BENCH_CONTENT_TYPE=$5 \
        wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$ROOT/Benchmarks/oauth-request.lua" "$BASE" 2>&1)
    [[ -z $perf_pid ]] || wait "$perf_pid" || true
    rate=$(awk '/Requests\/sec/ {print $2}' <<<"$output")
    p50=$(sed -n 's/.*p50_us=\([0-9]*\).*/\1/p' <<<"$output")
    p99=$(sed -n 's/.*p99_us=\([0-9]*\).*/\1/p' <<<"$output")
    errors=$(awk '/Non-2xx/ {print $NF}' <<<"$output")
    echo "${rate:-0} ${p50:-0} ${p99:-0} ${errors:-0}"
}

bench_cpu_busy() {
    local a b
    read -r -a a < <(head -1 /proc/stat)
    sleep 1
    read -r -a b < <(head -1 /proc/stat)
    awk -v u="$((b[1] + b[2] + b[3] + b[6] + b[7] + b[8] - a[1] - a[2] - a[3] - a[6] - a[7] - a[8]))" \
        -v i="$((b[4] + b[5] - a[4] - a[5]))" 'BEGIN { printf "%.0f", 100 * u / (u + i) }'
}

bench_wait_idle() {
    local waited=0
    while BENCH_BUSY=$(bench_cpu_busy) && ((BENCH_BUSY >= 10 && waited < ${IDLE_WAIT:-120})); do
        ((waited > 0)) || printf '  .. CPUs %s%% busy with other work; waiting up to %s s for them to be idle\n' "$BENCH_BUSY" "${IDLE_WAIT:-120}"
        sleep 4
        waited=$((waited + 5))
    done
}

bench_cpu_ticks() { awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat; }

bench_proc_ticks() {
    local pid=$1 sum=0 p f
    for p in "$pid" $(pgrep -P "$pid" 2>/dev/null || true); do
        f=$(cut -d')' -f2- "/proc/$p/stat" 2>/dev/null) || continue
        sum=$((sum + $(awk '{ print $12 + $13 }' <<<"$f")))
    done
    echo "$sum"
}

bench_seconds() {
    case $1 in
        *h) echo $((${1%h} * 3600)) ;; *m) echo $((${1%m} * 60)) ;; *s) echo "${1%s}" ;; *) echo "$1" ;;
    esac
}

# Machine-readable results. When BENCH_RESULTS names a file, each call appends one tab-separated
# line to it (scripts/render-benchmarks.py turns the file into BENCHMARKS.md); otherwise they do
# nothing, and the scripts' own human-readable output is unchanged.
#   result AREA FIGURE OURS UNIT REFERENCE REFERENCE_LABEL REFERENCE_KIND RATIO TARGET MET
#   note   AREA TEXT      how this run went (settings, CPU use, latencies, counts)
#   warn   AREA TEXT      why this run's figures should not be trusted (disturbed, errors)
# AREA is tls, events, evaluation, oauth or feed. REFERENCE_KIND is measured (in the same run),
# published (someone else's figure, not measured here) or budget (a limit from the design).
#
# bench_result AREA FIGURE OURS UNIT REFERENCE REFERENCE_LABEL REFERENCE_KIND TARGET CHECK
# computes RATIO (OURS / REFERENCE, when both are numbers) and MET from CHECK, one of
#   ratio>=X  ratio<=X  ours>=X  ours<=X   (MET yes or no; no as well when a figure is missing)
#   -                                      (no target; MET -)
bench_result() {
    local area=$1 figure=$2 ours=$3 unit=$4 reference=$5 label=$6 kind=$7 target=$8 check=$9 ratio met
    read -r ratio met < <(awk -v a="$ours" -v b="$reference" -v check="$check" 'BEGIN {
        number = "^-?[0-9]+([.][0-9]+)?$"
        ratio = (a ~ number && b ~ number && b + 0 != 0) ? a / b : "-"
        met = "-"
        if (check != "-") {
            split(check, part, /[<>]=/); what = part[1]; limit = part[2] + 0
            value = (what == "ratio") ? ratio : a
            if (value == "-" || (what != "ratio" && value !~ number)) met = "no"
            else if (check ~ />=/) met = (value + 0 >= limit) ? "yes" : "no"
            else met = (value + 0 <= limit) ? "yes" : "no"
        }
        if (ratio != "-") ratio = sprintf("%.4g", ratio)
        print ratio, met }')
    [[ -n ${BENCH_RESULTS:-} ]] || return 0
    printf 'result\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$area" "$figure" "${ours:--}" "$unit" "${reference:--}" \
        "$label" "$kind" "$ratio" "$target" "$met" >>"$BENCH_RESULTS"
}
bench_note() { [[ -z ${BENCH_RESULTS:-} ]] || printf 'note\t%s\t%s\n' "$1" "$2" >>"$BENCH_RESULTS"; }
bench_warn() { [[ -z ${BENCH_RESULTS:-} ]] || printf 'warn\t%s\t%s\n' "$1" "$2" >>"$BENCH_RESULTS"; }
