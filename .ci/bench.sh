#!/usr/bin/env bash
# `make bench`: performance is measured here, never in timed tests.
#  1. domain rules (argon2, password checks, NIP, phone) — domain/benches/domain.rs
#  2. HTTP throughput and latency of the public pages with wrk, against a
#     release server on loopback with a fresh SQLite file and demo data
#  3. page weight (issue #12) of every public page and the first staff page:
#     HTML, CSS, JS, WASM, icons, raw / gzip / brotli as sent, against budgets;
#     and /ganti-sandi on a throttled phone-like Chromium (time to form, to
#     live checks). Fails past a budget.
#  4. F5: a 10,000-row SIMPEG export checked, and a 10,000-account batch processed
#  5. the mailbox directory (issue #13) on 1,000,000 mailboxes, SQLite and
#     PostgreSQL: every search's p95 under 20 ms (domain/benches/directory.rs)
#  6. the dashboard (issue #14) on 100,000 requests in a month, SQLite and
#     PostgreSQL: p95 under 200 ms (domain/benches/dashboard.rs)
#  7. the cluster (issue #14, .ci/bench-cluster.sh): SSR vs the same page as a
#     static file, two instances vs one, 50 password resets at once (p99 < 1 s,
#     memory < 1 GiB), side by side, ratios first
source "$(dirname "$0")/env.sh"
if ! command -v wrk >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >&2
fi
build_site

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

echo "== page weight (issue #12): every file a first visit fetches, bytes as sent: raw / gzip / brotli"
BASE="http://127.0.0.1:$PORT"
JAR="$STATE/cookies"
jar_cookie() { awk -v ORS='; ' '!/^#/ && NF >= 7 {print $6 "=" $7} /^#HttpOnly_/ {print $6 "=" $7}' "$1" | sed 's/; $//'; }
form_post() { local jar=$1; shift; curl -fsS -o /dev/null -b "$jar" -c "$jar" -H "Origin: $BASE" "$@"; }
# the reset page's second step (code + new password): an attempt in a cookie
form_post "$STATE/reset.jar" -d action=start --data-urlencode "address=yusuf.hakim@batam.go.id" "$BASE/ganti-sandi"
# an activation link for a new mailbox
ACTIVATE=$("$TARGET_DIR/release/surel" user add --address bench.aktivasi@batam.go.id --role petugas --name "Bench Aktivasi" 2>/dev/null | grep -o '/aktivasi/[^ ]*' | head -1 || true)
# the first staff page: a demo officer signed in (password, then the demo TOTP code)
form_post "$JAR" --data-urlencode "address=budi.santoso@batam.go.id" --data-urlencode "password=sandi-demo-surel-2026" -d next=/admin "$BASE/masuk"
form_post "$JAR" --data-urlencode "code=$("$TARGET_DIR/release/surel" demo-code | cut -d' ' -f1)" "$BASE/masuk/verifikasi"
PAGES=$(cat <<JSON
[
 {"name": "reset, first step", "path": "/ganti-sandi", "kind": "public"},
 {"name": "reset, code step", "path": "/ganti-sandi", "kind": "public", "cookie": "$(jar_cookie "$STATE/reset.jar")"},
 {"name": "reset without SMS", "path": "/ganti-sandi/tanpa-sms", "kind": "public"},
 {"name": "staff sign-in", "path": "/masuk", "kind": "public"},
 {"name": "activation", "path": "${ACTIVATE:-/aktivasi/none}", "kind": "public"},
 {"name": "apply (F4)", "path": "/permohonan-akun", "kind": "public"},
 {"name": "apply status", "path": "/permohonan-akun/status", "kind": "public"},
 {"name": "staff first page", "path": "/admin", "kind": "staff", "cookie": "$(jar_cookie "$JAR")"}
]
JSON
)
weight_ok=0
node "$ROOT/.ci/page-weight.mjs" "$BASE" "$PAGES" || weight_ok=$?

echo "== throttled phone (Chromium: 1.6 Mbit/s, 150 ms RTT, CPU x4): /ganti-sandi"
throttled_ok=0
(cd "$ROOT/end2end" && BENCH_URL="$BASE" npx playwright test -c playwright.bench.config.ts) >"$STATE/throttled.log" 2>&1 || throttled_ok=1
grep -E "BENCH|passed|failed|Error:|Expected|Received" "$STATE/throttled.log" || true

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

echo "== mailbox directory (issue #13): 1,000,000 mailboxes, every search p95 < 20 ms, SQLite then PostgreSQL"
source "$ROOT/.ci/pg-throwaway.sh"
# A domain bench on a fresh SQLite file, then on a throwaway PostgreSQL; fails if either does.
bench_both_databases() {
  local ok=0
  cargo bench -q -p domain --bench "$1" || ok=1
  if pg_throwaway_start; then
    BENCH_DATABASE_URL="$PG_URL" cargo bench -q -p domain --bench "$1" || ok=1
    pg_throwaway_stop
  else
    ok=1
  fi
  return $ok
}
directory_ok=0
bench_both_databases directory || directory_ok=1

echo "== dashboard (issue #14): 100,000 requests in a month, counted in SQL, p95 < 200 ms, SQLite then PostgreSQL"
dashboard_ok=0
bench_both_databases dashboard || dashboard_ok=1

echo "== cluster (issue #14): two instances on PostgreSQL behind nginx, measured side by side, ratios first"
cluster_ok=0
bash "$ROOT/.ci/bench-cluster.sh" || cluster_ok=1

# Load must not surface bugs that single requests hide (it once found a panic
# in a detached server-side effect).
panics=$(grep -ac panicked "$STATE/server.log" || true)
echo "server panics under load: $panics"
[ "$weight_ok" -eq 0 ] || echo "FAILED: page weight over budget (see above)"
[ "$throttled_ok" -eq 0 ] || echo "FAILED: throttled timings over target (see above)"
[ "$directory_ok" -eq 0 ] || echo "FAILED: mailbox directory search over budget (see above)"
[ "$dashboard_ok" -eq 0 ] || echo "FAILED: dashboard over budget (see above)"
[ "$cluster_ok" -eq 0 ] || echo "FAILED: cluster over budget or a step failed (see the cluster summary above)"
[ "$panics" -eq 0 ] && [ "$weight_ok" -eq 0 ] && [ "$throttled_ok" -eq 0 ] && [ "$directory_ok" -eq 0 ] && [ "$dashboard_ok" -eq 0 ] && [ "$cluster_ok" -eq 0 ]
