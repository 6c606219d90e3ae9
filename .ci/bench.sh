#!/usr/bin/env bash
# `make bench`: performance is measured here, never in timed tests.
#  1. domain rules (argon2, password checks, NIP, phone) — domain/benches/domain.rs
#  2. HTTP throughput and latency of the public pages with wrk, against a
#     release server on loopback with a fresh SQLite file and demo data
#  3. page weight of the reset page: HTML, CSS, JS and WASM, raw and gzipped
#  4. F5: a 10,000-row SIMPEG export checked, and a 10,000-account batch processed
source "$(dirname "$0")/env.sh"
if ! command -v wrk >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >&2
fi
cargo leptos build --release

echo "== domain rules"
cargo bench -q -p domain --bench domain

echo "== HTTP (wrk, 2 threads, 16 connections, 10 s each)"
STATE=$(mktemp -d)
PORT=${BENCH_PORT:-3200}
export DATABASE_URL="sqlite://$STATE/surel.db" SUREL_DATA_DIR="$STATE" SUREL_SITE_ROOT="$ROOT/target/site"
export SUREL_BIND="127.0.0.1:$PORT" SUREL_PUBLIC_URL="http://127.0.0.1:$PORT" SUREL_DEMO=true SUREL_LOG=error
"$TARGET_DIR/release/surel" seed-demo >/dev/null
"$TARGET_DIR/release/surel" serve 2>"$STATE/server.log" & SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$STATE"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/ganti-sandi" >/dev/null && break; sleep 0.1; done
for path in / /ganti-sandi /masuk /ganti-sandi/tanpa-sms; do
  echo "-- GET $path"
  wrk -t2 -c16 -d10s --latency "http://127.0.0.1:$PORT$path" | grep -E "Latency|50%|99%|Requests/sec|Non-2xx"
done

echo "== page weight of /ganti-sandi (bytes: raw / gzip -9)"
weigh() { printf '%-28s %9d / %9d\n' "$1" "$(wc -c <"$2")" "$(gzip -9c "$2" | wc -c)"; }
curl -fs "http://127.0.0.1:$PORT/ganti-sandi" >"$STATE/page.html"
weigh "HTML" "$STATE/page.html"
weigh "CSS (main)" "$ROOT/target/site/pkg/surel.css"
weigh "JS glue" "$ROOT/target/site/pkg/surel.js"
weigh "WASM" "$ROOT/target/site/pkg/surel.wasm"

echo "== SIMPEG import (SOP 004): 10,000-row XLSX preview (target < 2 s), 10,000-account batch (target < 60 s)"
SIMPEG=$(mktemp -d)
(
  export DATABASE_URL="sqlite://$SIMPEG/surel.db" SUREL_DATA_DIR="$SIMPEG" SUREL_DEMO=true SUREL_LOG=error
  "$TARGET_DIR/release/surel" seed-demo >/dev/null
  "$TARGET_DIR/release/surel" generate-simpeg --rows 10000 --out "$SIMPEG/simpeg-10k.xlsx"
  # read + check only (what the preview costs before storing)
  "$TARGET_DIR/release/surel" import-simpeg "$SIMPEG/simpeg-10k.xlsx" --dry-run
  # read, check, store the draft; submit; process every row (mailbox, link, SMS in the outbox), peak memory
  /usr/bin/time -f "peak memory: %M KB, wall %e s" "$TARGET_DIR/release/surel" import-simpeg "$SIMPEG/simpeg-10k.xlsx" --process
)
rm -rf "$SIMPEG"

# Load must not surface bugs that single requests hide (it once found a panic
# in a detached server-side effect).
panics=$(grep -ac panicked "$STATE/server.log" || true)
echo "server panics under load: $panics"
[ "$panics" -eq 0 ]
