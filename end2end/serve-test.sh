#!/usr/bin/env bash
# Starts a throwaway Surel for the browser tests: fresh SQLite file, demo data,
# demo mode (messages land on the outbox page), port 3100 on loopback.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE="$ROOT/end2end/.state"
rm -rf "$STATE" && mkdir -p "$STATE"
export DATABASE_URL="sqlite://$STATE/surel.db"
export SUREL_DATA_DIR="$STATE"
export SUREL_SITE_ROOT="$ROOT/target/site"
export SUREL_BIND="127.0.0.1:${E2E_PORT:-3100}"
export SUREL_PUBLIC_URL="http://127.0.0.1:${E2E_PORT:-3100}"
export SUREL_DEMO=true
export SUREL_LOG=${SUREL_LOG:-warn}
"${CARGO_TARGET_DIR:-$ROOT/target}/release/surel" seed-demo > "$STATE/seed.txt"
exec "${CARGO_TARGET_DIR:-$ROOT/target}/release/surel" serve
