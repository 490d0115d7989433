#!/usr/bin/env bash
# The whole test suite: Swift tests, then black-box tests against the built server
# (curl, Python ssl/requests, hostile clients, sslyze). Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-system-packages.sh libssl-dev libsqlite3-dev libpq-dev pkg-config curl binutils python3 python3-venv chromium chromium-driver

# A pinned .venv, rebuilt only when requirements-test.txt changes.
if ! cmp -s requirements-test.txt .venv/.requirements 2>/dev/null; then
  rm -rf .venv
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-test.txt
  cp requirements-test.txt .venv/.requirements
fi

started=$SECONDS
python3 scripts/module-diagram.py --check  # ARCHITECTURE.md draws the modules from the real imports
swift build --build-tests
echo "build: $((SECONDS - started))s"

# A throwaway PostgreSQL server for the PostgresClient tests (installs Debian's postgresql if missing),
# stopped and removed however this script ends.
scripts/postgres-test-server.sh start >/dev/null
trap 'scripts/postgres-test-server.sh stop' EXIT
source .build-postgres/server.env
echo "postgres test server: up at $((SECONDS - started))s"

swift test --skip-build
echo "swift test: done at $((SECONDS - started))s"

INCENTIVES_BIN="$(swift build --show-bin-path)/incentives" \
  .venv/bin/pytest Tests/BlackBox -q -rs -p no:cacheprovider
echo "black-box tests: done at $((SECONDS - started))s"
