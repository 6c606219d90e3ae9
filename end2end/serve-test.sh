#!/usr/bin/env bash
# Starts a throwaway Surel for the browser tests: fresh SQLite file, demo data,
# demo mode (messages land on the outbox page), port 3100 on loopback; and,
# when this machine can (root, Dovecot installed), a throwaway Dovecot on that
# database so the account test after creating a mailbox runs for real.
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
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/surel"
"$BIN" seed-demo > "$STATE/seed.txt"

source "$ROOT/.ci/dovecot-env.sh"
start_dovecot "$STATE/surel.db" "${E2E_IMAP_PORT:-31143}" "${E2E_LMTP_PORT:-31124}"

# Not exec: Playwright stops this script, and Dovecot must stop with it.
"$BIN" serve &
server=$!
trap 'kill $server 2>/dev/null; stop_dovecot' EXIT
trap 'exit 0' TERM INT
wait $server
