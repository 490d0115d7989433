#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of the parsers that take outside input:
# the /v1 JSON bodies as the generated types decode them, OAuth form bodies, the JWS verifier,
# list and feed cursors, RFC 3339 timestamps and IANA zones (Fuzz/ParserFuzz).
#
#   scripts/fuzz.sh                  # short: 12 s per target, about a minute in all
#   scripts/fuzz.sh --long           # long: FUZZ_SECONDS (default 600) per target
#   scripts/fuzz.sh [--long] jws     # only the named targets (json-bodies form jws cursor time)
#
# Starts from the committed corpus in Fuzz/corpus/<target>/; new inputs go to a scratch folder
# (printed), crashes to Fuzz/artifacts/. To keep new coverage, merge it into the corpus:
#   .build-fuzz/debug/parser-fuzz -merge=1 Fuzz/corpus/<target> <scratch folder>   (with PARSER_FUZZ_TARGET set)
# Environment: SCRATCH (build folder, default .build-fuzz), FUZZ_SECONDS.
set -euo pipefail
cd "$(dirname "$0")/.."

LONG=0
TARGETS=()
for argument in "$@"; do
  case $argument in
    --long) LONG=1 ;;
    json-bodies|form|jws|cursor|time) TARGETS+=("$argument") ;;
    *) echo "unknown argument: $argument" >&2; exit 2 ;;
  esac
done
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(json-bodies form jws cursor time)
if [ $LONG = 1 ]; then SECONDS_PER=${FUZZ_SECONDS:-600}; else SECONDS_PER=${FUZZ_SECONDS:-12}; fi
SCRATCH=${SCRATCH:-.build-fuzz}

# Not `-sanitize=fuzzer`: SwiftPM passes -Xswiftc flags to the build-tool plugins' executables
# too (swift-openapi-generator), which then get libFuzzer's main besides their own, and it names
# every executable's entry point itself. So every module gets libFuzzer's coverage
# instrumentation and ASan, every link gets libFuzzer without its main (only a program that
# calls LLVMFuzzerRunDriver, ours, pulls it in), and the harness's main starts the driver.
LIBFUZZER=$(find "$(dirname "$(readlink -f "$(command -v swiftc)")")/../lib/clang" -name 'libclang_rt.fuzzer_no_main-x86_64.a' | head -1)
[ -n "$LIBFUZZER" ] || { echo "libclang_rt.fuzzer_no_main-x86_64.a not found next to swiftc" >&2; exit 1; }
# The plugin tools, instrumented too, run during the build; the Swift runtime keeps metadata
# caches for the life of a process, which LeakSanitizer would report as leaks at their exit.
export ASAN_OPTIONS=detect_leaks=0
FLAGS=(-Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp
       -Xswiftc -DPARSER_FUZZ_LIBFUZZER -Xlinker "$LIBFUZZER" -Xlinker -lstdc++)
# SwiftPM does not recompile a module when only -Xswiftc flags change: start afresh when they do.
if [ "$(cat "$SCRATCH/.fuzz-flags" 2>/dev/null)" != "${FLAGS[*]}" ]; then rm -rf "$SCRATCH"; fi
echo "== building parser-fuzz with libFuzzer coverage and AddressSanitizer (scratch path $SCRATCH)"
started=$SECONDS
swift build -c debug --scratch-path "$SCRATCH" --product parser-fuzz "${FLAGS[@]}"
echo "${FLAGS[*]}" >"$SCRATCH/.fuzz-flags"
echo "build: $((SECONDS - started)) s"
BIN="$SCRATCH/debug/parser-fuzz"

mkdir -p Fuzz/artifacts
WORK=$(mktemp -d -t parser-fuzz-XXXXXX)
failed=()
for target in "${TARGETS[@]}"; do
  mkdir -p "$WORK/$target"
  echo "== $target: ${SECONDS_PER} s from $(find "Fuzz/corpus/$target" -type f | wc -l) corpus inputs"
  # Leak detection is off for the same reason; ASan still catches memory errors.
  # Swift's backtracer would run inside ASan after a trap and report itself; libFuzzer's own
  # stack trace says where the trap was.
  if SWIFT_BACKTRACE=enable=no PARSER_FUZZ_TARGET=$target "$BIN" -max_total_time="$SECONDS_PER" -timeout=10 -rss_limit_mb=4096 -detect_leaks=0 \
       -print_final_stats=1 \
       -artifact_prefix="Fuzz/artifacts/$target-" "$WORK/$target" "Fuzz/corpus/$target" >"$WORK/$target.log" 2>&1; then
    echo "$target: no crash; $(grep -E '^stat::number_of_executed_units' "$WORK/$target.log" | tail -1 | awk '{print $2}') runs," \
      "$(find "$WORK/$target" -type f | wc -l) new inputs in $WORK/$target"
  else
    failed+=("$target")
    echo "$target: FAILED (log: $WORK/$target.log)"
    grep -E 'ERROR|Fatal error|SUMMARY|Test unit written' "$WORK/$target.log" | head -10 || true
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "crashes in: ${failed[*]} (inputs in Fuzz/artifacts/; replay with: PARSER_FUZZ_TARGET=<target> $BIN <file>)"
  exit 1
fi
echo "all targets ran without a crash"
