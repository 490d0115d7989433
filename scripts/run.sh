#!/usr/bin/env bash
# Runs the service on https://127.0.0.1:8443. The first run creates ./data and dev certificates
# under ./certs. Extra arguments go to `incentives serve` (see `swift run incentives serve --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-system-packages.sh libssl-dev libsqlite3-dev libpq-dev pkg-config
exec swift run incentives serve "$@"
