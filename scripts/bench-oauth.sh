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
#                                      SCRATCH (swift build scratch path, default .build-release),
#                                      BENCH_RESULTS (a file: also append machine-readable results,
#                                      see scripts/bench-lib.sh)
set -euo pipefail
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
SCRATCH=${SCRATCH:-.build-release}
HYDRA_TOKENS=513
HYDRA_INTROSPECTIONS=5109

cd "$(dirname "$0")/.."
ROOT=$PWD
source scripts/bench-lib.sh
bench_build
TMP=$(mktemp -d -t bench-oauth.XXXXXX)
trap 'bench_stop; rm -rf "$TMP"' EXIT

PARTNER=$("$BIN" partner create --data-dir "$TMP/data" --certs-dir "$TMP/certs" --name "Benchmark partner" --redirect-uri https://partner.example/cb)
CLIENT_ID=$(sed -n 's/^client_id=//p' <<<"$PARTNER")
CLIENT_SECRET=$(sed -n 's/^client_secret=//p' <<<"$PARTNER")
bench_serve --partner-rate-limit 1000000000
BASIC="Basic $(printf '%s:%s' "$CLIENT_ID" "$CLIENT_SECRET" | base64 -w0)"
TOKEN=$(bench_client_token "$CLIENT_ID" "$CLIENT_SECRET")
measure() { shift; bench_measure "$@"; }

FORM=application/x-www-form-urlencoded
read -r TOKENS TOKENS_P50 TOKENS_P99 TOKENS_ERR < <(measure tokens POST /oauth/token "grant_type=client_credentials" "$BASIC" $FORM)
read -r INTRO INTRO_P50 INTRO_P99 INTRO_ERR < <(measure introspect POST /oauth/introspect "token=$TOKEN" "$BASIC" $FORM)
read -r PAGES PAGES_P50 PAGES_P99 PAGES_ERR < <(measure resource GET /v1/achievements "" "Bearer $TOKEN" "")

ms() { python3 -c "print(f'{$1 / 1000:.2f}')"; }
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

HYDRA="Ory Hydra, 2 CPUs"
bench_result oauth "client-credentials tokens/s (POST /oauth/token, client_secret_basic)" "$TOKENS" /s $HYDRA_TOKENS "$HYDRA" published \
    "≥ 10× Hydra ($(python3 -c "print(f'{10 * $HYDRA_TOKENS:,}')")/s)" 'ratio>=10'
bench_result oauth "introspections/s (POST /oauth/introspect)" "$INTRO" /s $HYDRA_INTROSPECTIONS "$HYDRA" published \
    "≥ 2× Hydra ($(python3 -c "print(f'{2 * $HYDRA_INTROSPECTIONS:,}')")/s)" 'ratio>=2'
bench_result oauth "bearer-checked GET /v1/achievements requests/s" "$PAGES" /s "" "" "" "" -
bench_note oauth "wrk -t2 -c$CONNECTIONS -d$DURATION, HTTPS keep-alive. p50 / p99: tokens $(ms "$TOKENS_P50") / $(ms "$TOKENS_P99") ms, introspections $(ms "$INTRO_P50") / $(ms "$INTRO_P99") ms, resource calls $(ms "$PAGES_P50") / $(ms "$PAGES_P99") ms."
if [[ $TOKENS_ERR$INTRO_ERR$PAGES_ERR != 000 ]]; then
    bench_warn oauth "OAuth: non-2xx responses (tokens $TOKENS_ERR, introspections $INTRO_ERR, resource calls $PAGES_ERR)."
fi
