#!/usr/bin/env bash
# Rewrites the committed schema snapshots (Sources/IncentiveStore/Migrations/schema.sql and
# schema-history.sql) from a store migrated by the current code. Only for a deliberate schema
# change, i.e. a new migration: the shipped migrations are frozen, and the snapshot diff of the
# change is what its review reads. SchemaSnapshotTests fails whenever the two disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
INCENTIVES_RECORD_SCHEMA=1 swift test --filter SchemaSnapshotTests
git diff --stat -- Sources/IncentiveStore/Migrations/schema.sql Sources/IncentiveStore/Migrations/schema-history.sql
