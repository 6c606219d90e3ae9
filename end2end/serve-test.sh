#!/usr/bin/env bash
# Starts a throwaway Surel for the browser tests: fresh SQLite file, demo data,
# demo mode (messages land on the outbox page), port 3100 on loopback; and,
# when this machine can (root, Dovecot installed), a throwaway Dovecot on that
# database so the account test after creating a mailbox runs for real.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE="$ROOT/end2end/.state"
source "$ROOT/.ci/dovecot-env.sh"
# A Dovecot left by an earlier run that was killed outright.
if [[ -f $STATE/dovecot-dir ]]; then DOVECOT_DIR=$(cat "$STATE/dovecot-dir"); stop_dovecot; fi
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

start_dovecot "$STATE/surel.db" "${E2E_IMAP_PORT:-31143}" "${E2E_LMTP_PORT:-31124}"
if [[ -n $DOVECOT_DIR ]]; then
  echo "$DOVECOT_DIR" > "$STATE/dovecot-dir"
  # Playwright may kill this script's process group outright (no trap runs);
  # a watcher outside the group stops Dovecot when this script is gone.
  setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; "$2" "$3" >/dev/null 2>&1' _ $$ "$ROOT/server/deploy/dovecot/stop-local.sh" "$DOVECOT_DIR" </dev/null >/dev/null 2>&1 &
fi

# Not exec: Playwright stops this script, and Dovecot must stop with it.
"$BIN" serve &
server=$!
trap 'kill $server 2>/dev/null; stop_dovecot' EXIT
trap 'exit 0' TERM INT
wait $server
