#!/usr/bin/env bash
# Chaos test: runs the built server on a real SQLite file under mixed concurrent HTTPS load,
# SIGKILLs it at random moments (5 times; 50 with --long), restarts it on the same data and checks
# after every crash that nothing acknowledged was lost, doubled or half-done. Any other flag goes
# to Tests/BlackBox/chaos/chaos.py (--help lists them). The binary: INCENTIVES_BIN, else .build/debug/incentives.
set -euo pipefail
cd "$(dirname "$0")/.."

python=.venv/bin/python
[ -x "$python" ] || python=python3
exec "$python" Tests/BlackBox/chaos/chaos.py "$@"
