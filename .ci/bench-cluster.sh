#!/usr/bin/env bash
# `make bench`, last section (issue #14, "measured side by side, ratios first"):
# the production set-up (.ci/cluster.sh: two instances on PostgreSQL behind
# nginx with surel-proxy.conf) next to what it is judged against, on this
# machine, with the binary and site as built (bench.sh builds first):
#   SSR/static  GET /ganti-sandi rendered by one instance vs the same bytes
#               served by nginx as a file (goal: ratio >= 0.5)
#   two/one     the cluster's nginx with both instances vs an nginx with
#               instance A only (printed, never failed: see the summary)
#   resets      N password resets (Argon2id m=19456 t=2 p=1 each) completed
#               at once through nginx (.ci/bench-resets.py): p50/p99 (goal
#               p99 < 1 s), GET /ganti-sandi's p99 meanwhile, and the peak
#               memory of both instances together (goal < 1 GiB)
# Ends with a summary, ratios first; prints OVER BUDGET and exits 1 when a
# goal is missed (or a step fails, or an instance panicked).
#
# Environment: BENCH_CLUSTER_PORT (nginx, 8180), BENCH_CLUSTER_PORT_A and
# BENCH_CLUSTER_PORT_B (the instances, 3300 and 3301: clear of bench.sh's own
# server on 3200), BENCH_RESETS (50), CLUSTER_KEEP=1 (keep the cluster's logs).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/surel"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
PORT=${BENCH_CLUSTER_PORT:-8180}
PORT_A=${BENCH_CLUSTER_PORT_A:-3300}
PORT_B=${BENCH_CLUSTER_PORT_B:-3301}
RESETS=${BENCH_RESETS:-50}
source "$HERE/nginx-local.sh"
WRK=(wrk -t2 -c16 -d10s --latency) # as bench.sh's HTTP section

log() { printf '[bench-cluster] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
[[ -x $BIN ]] || die "$BIN is missing: build it first (make build)"
[[ -x $NGINX ]] || die "nginx not found (apt-get install nginx-light)"
if ! command -v wrk >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >&2
fi
# Per-request logging would be measured too (bench.sh's server runs with
# `error`); warnings still reach the instances' logs.
export SUREL_LOG=warn

# --- cleanup: the private nginx, then the cluster, then the work folder -------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/surel-bench-cluster.XXXXXX")
CLUSTER_STATE="" NGINX_PID=""
alive() { # PID runs (a zombie, an exited child not yet reaped, does not count)
  local stat
  [[ -n ${1:-} ]] && read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}
cleanup() {
  local rc=$?
  set +e
  trap '' INT TERM
  if alive "$NGINX_PID"; then
    kill -QUIT "$NGINX_PID" # nginx's graceful stop
    for _ in $(seq 50); do alive "$NGINX_PID" || break; sleep 0.2; done
    alive "$NGINX_PID" && kill -KILL "$NGINX_PID"
  fi
  if [[ -n $CLUSTER_STATE ]]; then
    bash "$HERE/cluster.sh" stop "$CLUSTER_STATE" || log "cluster.sh stop $CLUSTER_STATE failed"
  fi
  wait 2>/dev/null
  rm -rf -- "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the cluster ---------------------------------------------------------------
log "starting the cluster: nginx :$PORT, surel-a :$PORT_A, surel-b :$PORT_B"
if ! CLUSTER_NO_BUILD=1 CLUSTER_PORT=$PORT CLUSTER_PORT_A=$PORT_A CLUSTER_PORT_B=$PORT_B \
  bash "$HERE/cluster.sh" --background >"$WORK/cluster.out" 2>&1; then
  cat "$WORK/cluster.out" >&2
  die "the cluster did not start"
fi
CLUSTER_STATE=$(sed -n 's/^\[cluster\] state folder //p' "$WORK/cluster.out")
[[ -f $CLUSTER_STATE/env ]] || { cat "$WORK/cluster.out" >&2; die "no state folder in cluster.sh's output"; }
source "$CLUSTER_STATE/env" # CLUSTER_URL, INSTANCE_A_URL, SMS_LOG, the PIDs, DATABASE_URL…

# peak resident memory of an instance since it started (kB)
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }
mem_start=$(($(hwm_kb "$INSTANCE_A_PID") + $(hwm_kb "$INSTANCE_B_PID")))

# --- a private nginx: the page as a static file, and a proxy to instance A only --
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
STATIC_PORT=$(free_port)
ONE_PORT=$(free_port)
while [[ $ONE_PORT == "$STATIC_PORT" ]]; do ONE_PORT=$(free_port); done
mkdir -p "$WORK/static"
# the exact bytes instance A sends (its nonce and example passphrase frozen)
curl -fsS -o "$WORK/static/ganti-sandi.html" "$INSTANCE_A_URL/ganti-sandi"
nginx_local_write "$WORK" .ci/bench-cluster.sh <<EOF
    # the cluster's upstream minus instance B
    upstream surel {
        server 127.0.0.1:$PORT_A max_fails=2 fail_timeout=5s;
        keepalive 32;
    }

    # /ganti-sandi as a file: what serving those bytes costs at best (no
    # access log, as the instances log no requests at warn)
    server {
        listen 127.0.0.1:$STATIC_PORT;
        access_log off;
        location = /ganti-sandi {
            alias "$WORK/static/ganti-sandi.html";
            default_type text/html;
            charset utf-8;
        }
    }

    # one instance behind the same proxy rules as the cluster's two
    server {
        listen 127.0.0.1:$ONE_PORT;
        include "$ROOT/server/deploy/nginx/surel-proxy.conf";
    }
EOF
nginx_local_start "$WORK"
STATIC_URL="http://127.0.0.1:$STATIC_PORT"
ONE_URL="http://127.0.0.1:$ONE_PORT"
for _ in $(seq 50); do
  curl -fs -o /dev/null "$STATIC_URL/ganti-sandi" && curl -fs -o /dev/null "$ONE_URL/healthz" && break
  alive "$NGINX_PID" || { cat "$WORK/nginx.out" "$WORK/nginx-error.log" >&2; die "the private nginx exited"; }
  sleep 0.1
done
cmp -s "$WORK/static/ganti-sandi.html" <(curl -fsS "$STATIC_URL/ganti-sandi") || die "the static nginx does not send the saved page"
curl -fs -o /dev/null "$ONE_URL/healthz" || die "the one-instance nginx does not reach surel-a"

# --- throughput, side by side ----------------------------------------------------
clean_runs=yes
wrk_run() { # NAME URL: wrk's main lines; the whole output kept for rps/p99
  "${WRK[@]}" "$2" >"$WORK/wrk-$1.txt"
  grep -E "Latency|50%|99%|Requests/sec|Non-2xx|Socket errors" "$WORK/wrk-$1.txt" | sed 's/^/  /' || true
  if grep -qE "Non-2xx|Socket errors" "$WORK/wrk-$1.txt"; then clean_runs=no; fi
}
rps() { awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$WORK/wrk-$1.txt"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# the first requests of a fresh instance (connections, caches) are not measured
wrk -t2 -c16 -d3s "$CLUSTER_URL/ganti-sandi" >/dev/null
wrk -t2 -c16 -d2s "$ONE_URL/ganti-sandi" >/dev/null
page_bytes=$(stat -c %s "$WORK/static/ganti-sandi.html")
echo "-- (a) GET /ganti-sandi from surel-a directly (server-side rendered, $page_bytes bytes)"
wrk_run ssr "$INSTANCE_A_URL/ganti-sandi"
echo "-- (b) the same bytes from nginx as a static file"
wrk_run static "$STATIC_URL/ganti-sandi"
echo "-- (c) GET /ganti-sandi through the cluster's nginx, both instances"
wrk_run two "$CLUSTER_URL/ganti-sandi"
echo "-- (d) GET /ganti-sandi through nginx to surel-a only (same proxy rules)"
wrk_run one "$ONE_URL/ganti-sandi"
mem_pages=$(($(hwm_kb "$INSTANCE_A_PID") + $(hwm_kb "$INSTANCE_B_PID")))

# --- N resets completed at once --------------------------------------------------
echo "-- $RESETS password resets completed at once, through the cluster's nginx"
# made-up SIMPEG rows, all good: each becomes a mailbox waiting for activation,
# its link sent by SMS (to the sink); a few spare rows in case one is refused
"$BIN" generate-simpeg --rows $((RESETS + 10)) --bad 0 --seed 14 --out "$WORK/simpeg.xlsx" >/dev/null
if ! "$BIN" import-simpeg "$WORK/simpeg.xlsx" --process >"$WORK/import.txt" 2>&1; then
  cat "$WORK/import.txt" >&2
  die "surel import-simpeg failed"
fi
grep -E "^(batch|processed)" "$WORK/import.txt" | sed 's/^/  /' || true
resets_ok=0
python3 "$HERE/bench-resets.py" --base "$CLUSTER_URL" --sms-log "$SMS_LOG" --accounts "$RESETS" --out "$WORK/resets.txt" \
  | sed 's/^/  /' || resets_ok=1
[[ -f $WORK/resets.txt ]] || resets_ok=1
val() { sed -n "s/^$1=//p" "$WORK/resets.txt" 2>/dev/null || true; }

# peak since each instance started: the page runs, activations and resets
mem_a=$(hwm_kb "$INSTANCE_A_PID")
mem_b=$(hwm_kb "$INSTANCE_B_PID")
mem_total=$((mem_a + mem_b))
panics=$(cat "$CLUSTER_STATE/surel-a.log" "$CLUSTER_STATE/surel-b.log" | grep -ac panicked || true)

# --- summary: ratios first ---------------------------------------------------------
ssr=$(rps ssr) static=$(rps static) two=$(rps two) one=$(rps one)
ssr_ratio=$(ratio "$ssr" "$static")
scale_ratio=$(ratio "$two" "$one")
p50=$(val resets_p50_ms) p99=$(val resets_p99_ms)
over=()
flag() { printf '%s' "${1:+  OVER BUDGET}"; }
ssr_over="" reset_over="" mem_over=""
below "$ssr_ratio" 0.5 && ssr_over=1 && over+=("SSR/static ratio $ssr_ratio < 0.5")
if [[ -z $p99 ]] || ! below "$p99" 1000; then reset_over=1; over+=("resets p99 ${p99:-unknown} ms >= 1 s"); fi
((mem_total < 1048576)) || { mem_over=1; over+=("peak memory $(mib "$mem_total") >= 1 GiB"); }
cat <<EOF

== cluster summary (issue #14; $(nproc) cores, wrk -t2 -c16 -d10s, GET /ganti-sandi)
  SSR / static         $ssr_ratio   surel-a $ssr req/s, nginx static file $static req/s (goal >= 0.5)$(flag "$ssr_over")
  two / one instance   $scale_ratio   cluster $two req/s, nginx to surel-a only $one req/s
                              ($(nproc) cores shared by wrk, nginx and the instances: no core of its own for the second instance, not a scaling figure)
  $RESETS resets at once      p50 $(printf '%.0f' "${p50:-0}") ms, p99 $(printf '%.0f' "${p99:-0}") ms (goal p99 < 1 s; all done in $(printf '%.0f' "$(val burst_ms)") ms)$(flag "$reset_over")
  page while hashing   p99 $(val page_burst_p99_ms) ms (quiet: $(val page_quiet_p99_ms) ms; $(val page_burst_samples) requests during the burst)
  peak memory          surel-a $(mib "$mem_a"), surel-b $(mib "$mem_b"), together $(mib "$mem_total") (goal < 1 GiB)$(flag "$mem_over")
                       together: $(mib "$mem_start") once ready, $(mib "$mem_pages") after the page runs
  instance panics      $panics
EOF
rc=0
if ((${#over[@]})); then
  printf 'OVER BUDGET: %s\n' "${over[@]}"
  rc=1
fi
[[ $clean_runs == yes ]] || { echo "FAILED: a wrk run had errors or non-2xx answers (see above)"; rc=1; }
[[ $resets_ok -eq 0 ]] || { echo "FAILED: the resets did not all go through (see above)"; rc=1; }
((mem_a > 0 && mem_b > 0)) || { echo "FAILED: an instance was no longer running at the end"; rc=1; }
[[ $panics -eq 0 ]] || { echo "FAILED: an instance panicked (see $CLUSTER_STATE/surel-*.log with CLUSTER_KEEP=1)"; rc=1; }
exit "$rc"
