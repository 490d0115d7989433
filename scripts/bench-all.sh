#!/usr/bin/env bash
# Runs every benchmark script one after another on this machine (bench-tls, bench-events with
# evaluation-bench, bench-oauth, bench-achievements), collects their machine-readable results
# (BENCH_RESULTS, see scripts/bench-lib.sh) and rewrites BENCHMARKS.md as one table with
# scripts/render-benchmarks.py: figure, ours, reference, ratio, target, met; the command, date,
# machine and commit at the top; how each area is measured below the table.
#
# The release products are built once, first, into one scratch folder that all scripts share, so
# every script measures the same binary. Run it on an otherwise idle machine: the scripts wait for
# idle CPUs and mark disturbed runs, and BENCHMARKS.md repeats those warnings at the top.
#
# Usage: scripts/bench-all.sh
# Environment:
#   OUTPUT      the file to write (default BENCHMARKS.md of this checkout)
#   ONLY        which scripts to run (default "tls events oauth achievements")
#   SNAPSHOT=1  build and run a `git archive` export of HEAD (under .build-bench-snapshot), so the
#               figures belong to that commit even while others edit the working tree
#   SCRATCH     swift build scratch path (default .build-release; .build-bench-snapshot/scratch
#               with SNAPSHOT=1)
#   BUILD_TRIES release build attempts, a minute apart (default 3: a half-edited source file in a
#               shared working tree fails a build)
#   LOGDIR      where each script's output and the results file go (default
#               .build-bench-logs/<UTC time>)
#   and the scripts' own settings, passed through: DURATION, WARMUP, CONNECTIONS, THREADS, TRIES,
#   IDLE_WAIT (bench-tls), USERS, EVENTS_PER_USER, RAW_SECONDS, EVAL_EVENTS, EVAL_USERS, SKIP_EVAL
#   (bench-events), FEED_USERS, PER_USER, PAGES (bench-achievements).
# A quick check of the pipeline (noisy figures; do not commit its output):
#   OUTPUT=/tmp/BENCHMARKS.md DURATION=2s WARMUP=1s TRIES=1 IDLE_WAIT=0 USERS=2 EVENTS_PER_USER=300 \
#     RAW_SECONDS=1 EVAL_EVENTS=100 EVAL_USERS=1 FEED_USERS=1000 scripts/bench-all.sh
# Exits non-zero when a build or a script failed (BENCHMARKS.md is still written, saying which).
set -euo pipefail

# The command as given, for the top of BENCHMARKS.md (settings that change figures only).
SETTINGS=()
for name in DURATION WARMUP THREADS CONNECTIONS TRIES IDLE_WAIT USERS EVENTS_PER_USER RAW_SECONDS EVAL_EVENTS \
    EVAL_USERS SKIP_EVAL FEED_USERS PER_USER PAGES ONLY SNAPSHOT SCRATCH; do
    if [[ -n ${!name+x} ]]; then
        value=${!name}
        [[ $value =~ ^[A-Za-z0-9._/,:-]*$ ]] || value="'$value'"
        SETTINGS+=("$name=$value")
    fi
done
COMMAND="${SETTINGS[*]}${SETTINGS[*]:+ }scripts/bench-all.sh"

cd "$(dirname "$0")/.."
ROOT=$PWD
OUTPUT=${OUTPUT:-$ROOT/BENCHMARKS.md}
[[ $OUTPUT == /* ]] || OUTPUT=$ROOT/$OUTPUT
ONLY=${ONLY:-tls events oauth achievements}
BUILD_TRIES=${BUILD_TRIES:-3}
LOGDIR=${LOGDIR:-$ROOT/.build-bench-logs/$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$LOGDIR"
RESULTS=$LOGDIR/results.tsv
: >"$RESULTS"
STARTED=$(date -u +%s)

say() { printf '\n==== %s\n' "$*"; }
meta() { printf 'meta\t%s\t%s\n' "$1" "$2" >>"$RESULTS"; }
warn() { printf '!! %s\n' "$1" >&2; printf 'warn\tall\t%s\n' "$1" >>"$RESULTS"; }

for name in $ONLY; do
    [[ -x $ROOT/scripts/bench-$name.sh ]] || { echo "bench-all: no scripts/bench-$name.sh (ONLY=$ONLY)" >&2; exit 2; }
done

# --- What is measured: the working tree, or an export of HEAD ------------------------------------
COMMIT=$(git -C "$ROOT" log -1 --format='%h (committed %cs)')
if [[ ${SNAPSHOT:-0} == 1 ]]; then
    RUN_ROOT=$ROOT/.build-bench-snapshot/src
    SCRATCH=${SCRATCH:-$ROOT/.build-bench-snapshot/scratch}
    say "exporting HEAD $(git -C "$ROOT" rev-parse --short HEAD) to $RUN_ROOT"
    rm -rf "$RUN_ROOT"
    mkdir -p "$RUN_ROOT"
    git -C "$ROOT" archive HEAD | tar -x -C "$RUN_ROOT"
    # Package.resolved is not tracked: use the working tree's, so dependencies do not move.
    [[ ! -f $ROOT/Package.resolved ]] || cp "$ROOT/Package.resolved" "$RUN_ROOT/"
    COMMIT+=", built from a git archive export of it"
else
    RUN_ROOT=$ROOT
    SCRATCH=${SCRATCH:-.build-release}
    changed=$(git -C "$ROOT" status --porcelain -- Sources Package.swift Benchmarks | wc -l)
    if ((changed)); then
        COMMIT+=", built from the working tree with $changed uncommitted change(s) under Sources/, Package.swift or Benchmarks/"
    else
        COMMIT+=", working tree clean under Sources/, Package.swift and Benchmarks/"
    fi
fi

# --- Build once ------------------------------------------------------------------------------------
PRODUCTS=(incentives)
[[ " $ONLY " != *" events "* || ${SKIP_EVAL:-0} == 1 ]] || PRODUCTS+=(evaluation-bench)
for product in "${PRODUCTS[@]}"; do
    for ((try = 1; ; try++)); do
        say "building $product (release, scratch path $SCRATCH, try $try of $BUILD_TRIES)"
        if (cd "$RUN_ROOT" && swift build -c release --product "$product" --scratch-path "$SCRATCH") 2>&1 |
            tee -a "$LOGDIR/build.log" | tail -3; then
            break
        fi
        ((try < BUILD_TRIES)) || { echo "bench-all: release build of $product failed $BUILD_TRIES times; see $LOGDIR/build.log" >&2; exit 1; }
        echo "build failed (a half-edited source file?); trying again in 60 s"
        sleep 60
    done
done

# --- The machine ------------------------------------------------------------------------------------
elapsed() { local s=$(($(date -u +%s) - $1)); ((s < 90)) && echo "$s s" || echo "$(((s + 30) / 60)) min"; }
first_line() { "$@" 2>&1 | head -1 || true; }
meta command "$COMMAND"
meta machine "$(. /etc/os-release && echo "$PRETTY_NAME"), Linux $(uname -r) $(uname -m), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, temp files on $(df --output=fstype /tmp | tail -1 | tr -d ' ')"
meta software "$(first_line swift --version | sed 's/ (.*//'), $(first_line openssl version | cut -d' ' -f1-2), SQLite $(first_line sqlite3 --version | cut -d' ' -f1), $(first_line nginx -v | sed 's/^nginx version: //'), wrk $(first_line wrk -v | cut -d' ' -f2), $(first_line python3 --version)"
meta commit "$COMMIT"

# --- Run the scripts, one at a time ------------------------------------------------------------------
FAILED=""
RAN=()
for name in $ONLY; do
    say "scripts/bench-$name.sh (output also in $LOGDIR/$name.log)"
    printf 'CPU busy before: %s%% (load average %s)\n' "$(cd "$ROOT" && source scripts/bench-lib.sh && bench_cpu_busy)" "$(cut -d' ' -f1-3 /proc/loadavg)"
    script_started=$(date -u +%s)
    set +e
    BENCH_RESULTS=$RESULTS BENCH_PREBUILT=1 SCRATCH=$SCRATCH "$RUN_ROOT/scripts/bench-$name.sh" 2>&1 | tee "$LOGDIR/$name.log"
    status=${PIPESTATUS[0]}
    set -e
    RAN+=("bench-$name.sh ($(elapsed "$script_started"))")
    if ((status != 0)); then
        FAILED+=" bench-$name.sh"
        warn "scripts/bench-$name.sh failed (exit status $status); its figures are missing or incomplete."
    fi
done

FINISHED=$(date -u +%s)
meta date "$(date -u -d "@$STARTED" '+%Y-%m-%d %H:%M') to $(date -u -d "@$FINISHED" '+%H:%M') UTC ($(elapsed "$STARTED"))"
meta scripts "$(IFS=,; echo "${RAN[*]}" | sed 's/,/, /g')"

# --- BENCHMARKS.md -------------------------------------------------------------------------------------
python3 "$ROOT/scripts/render-benchmarks.py" "$RESULTS" >"$OUTPUT.tmp"
mv "$OUTPUT.tmp" "$OUTPUT"
say "wrote $OUTPUT (results: $RESULTS)"
sed -n '/^\*\*Targets met/,/^$/p; /^| area/,/^$/p' "$OUTPUT"
if [[ -n $FAILED ]]; then
    echo "bench-all: failed:$FAILED" >&2
    exit 1
fi
