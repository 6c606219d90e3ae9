#!/usr/bin/env bash
# `make cluster`: Surel set up as in production (README, Deployment), on
# loopback only. Two `surel serve` instances share one throwaway PostgreSQL,
# one secret file and one data folder, behind a private nginx that includes
# the production proxy rules (server/deploy/nginx/surel-proxy.conf); an SMS
# sink (.ci/sms-sink.py) stands in for the gateway and, with root and Dovecot
# installed, a local Dovecot reads the same database. Ctrl-C stops everything.
#
#   .ci/cluster.sh                  start, print the URLs, run until Ctrl-C
#   .ci/cluster.sh --background     start, write STATE/env, leave it running
#                                   (same as CLUSTER_NO_WAIT=1)
#   .ci/cluster.sh stop STATE       stop a cluster started with --background
#
# Environment: CLUSTER_PORT (nginx, default 8080), CLUSTER_PORT_A and
# CLUSTER_PORT_B (the instances, 3000 and 3001), CLUSTER_KEEP=1 (leave the
# state folder, with logs and attachments, when stopping), CLUSTER_NO_BUILD=1
# (use the binary and site as they are, e.g. when the caller just built them).
#
# STATE/env holds `export` lines for scripts that reuse a running cluster
# (`make bench`): CLUSTER_URL, INSTANCE_A_URL, INSTANCE_B_URL, PG_URL,
# SMS_LOG, SINK_URL, the PIDs, and the shared DATABASE_URL, SUREL_SECRET_FILE
# and SUREL_DATA_DIR, so `surel` commands reach the same data.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 501)) || die "needs bash 5.1 or newer (wait -n -p)"
usage() { die "usage: cluster.sh [--background] | cluster.sh stop STATE_DIR"; }

# --- stopping: the trap, and `cluster.sh stop STATE` -------------------------
alive() { # PID runs (an exited child not yet reaped, a zombie, does not count)
  local stat
  [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null && read -r stat <"/proc/$1/stat" 2>/dev/null || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}
# A PID from STATE/env may have been reused by the time `stop` runs: only
# signal a process whose command line still names what was started.
owned() { alive "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"; }
wait_gone() { # SECONDS PID...: 0 once none of them runs, 1 on timeout
  local deadline=$((SECONDS + $1)) p running
  shift
  while :; do
    running=no
    for p in "$@"; do alive "$p" && running=yes; done
    [[ $running == no ]] && return 0
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

stop_pid() { # PID WORD SIGNAL SECONDS: signal it, SIGKILL if still there after SECONDS
  owned "$1" "$2" || return 0
  kill "-$3" "$1"
  wait_gone "$4" "$1" || kill -KILL "$1" 2>/dev/null
}

# Front to back: nginx stops taking requests, the instances finish theirs
# (graceful shutdown on SIGTERM), then what they use.
stop_cluster() {
  set +e
  trap '' INT TERM # a second Ctrl-C does not cut the shutdown short
  stop_pid "${NGINX_PID:-}" nginx QUIT 10 # QUIT: nginx's graceful stop
  local p stopping=()
  for p in "${INSTANCE_A_PID:-}" "${INSTANCE_B_PID:-}"; do
    owned "$p" "surel serve" && kill -TERM "$p" && stopping+=("$p")
  done
  if ((${#stopping[@]})); then
    log "stopping the instances (SIGTERM: in-flight requests finish; up to 60 s)"
    if ! wait_gone 60 "${stopping[@]}"; then
      log "an instance still runs after 60 s: SIGKILL"
      kill -KILL "${stopping[@]}" 2>/dev/null
      wait_gone 5 "${stopping[@]}"
    fi
  fi
  stop_pid "${SINK_PID:-}" sms-sink.py TERM 5
  stop_dovecot
  pg_throwaway_stop
  if [[ -n ${STATE:-} && -f $STATE/.surel-cluster ]]; then
    if [[ ${CLUSTER_KEEP:-} == 1 ]]; then
      log "kept $STATE (logs, attachments)"
    else
      rm -rf -- "$STATE"
    fi
  fi
  wait 2>/dev/null
  log "stopped"
}

if [[ ${1:-} == stop ]]; then
  [[ $# -le 2 ]] || usage
  STATE=${2:-${CLUSTER_STATE:-}}
  [[ -n $STATE && -f $STATE/.surel-cluster ]] || die "'$STATE' is not a folder made by cluster.sh (usage: cluster.sh stop STATE_DIR)"
  [[ -f $STATE/env ]] || die "$STATE/env is missing: the cluster did not finish starting"
  ROOT=$(cd "$HERE/.." && pwd)
  source "$HERE/pg-throwaway.sh"
  source "$HERE/dovecot-env.sh" # sets DOVECOT_DIR="": read STATE/env after it
  source "$STATE/env"
  stop_cluster
  exit 0
fi

NO_WAIT=${CLUSTER_NO_WAIT:-}
[[ $NO_WAIT == 0 ]] && NO_WAIT=""
case ${1:-} in
  "") ;;
  --background) NO_WAIT=1 ;;
  *) usage ;;
esac
[[ $# -le 1 ]] || usage

# --- ports: checked before anything is built or started ----------------------
PY=$(python3 -c 'import sys; print(sys.executable)') || die "python3 is needed (the SMS sink)"
PORT=${CLUSTER_PORT:-8080}
PORT_A=${CLUSTER_PORT_A:-3000}
PORT_B=${CLUSTER_PORT_B:-3001}
port_free() { # binds as nginx and Surel do (SO_REUSEADDR): fails if anything listens there
  "$PY" -c 'import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
for v in PORT PORT_A PORT_B; do
  [[ ${!v} =~ ^[0-9]{1,5}$ ]] && ((10#${!v} >= 1 && 10#${!v} <= 65535)) || die "CLUSTER_$v='${!v}' is not a port number"
  printf -v "$v" '%d' "$((10#${!v}))"
done
[[ $PORT != "$PORT_A" && $PORT != "$PORT_B" && $PORT_A != "$PORT_B" ]] \
  || die "the nginx port ($PORT) and the instances' ports ($PORT_A, $PORT_B) must differ"
for p in "$PORT" "$PORT_A" "$PORT_B"; do
  port_free "$p" || die "127.0.0.1:$p is in use (\`make run\` or another cluster?): stop it, or choose other ports with CLUSTER_PORT, CLUSTER_PORT_A, CLUSTER_PORT_B"
done

# --- build (env.sh installs what is missing, nginx-light included) -------------
source "$HERE/env.sh"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $NGINX ]] || die "nginx not found (apt-get install nginx-light)"
source "$HERE/pg-throwaway.sh"
source "$HERE/dovecot-env.sh"
source "$HERE/nginx-local.sh"
[[ ${CLUSTER_NO_BUILD:-} == 1 ]] || build_site
BIN="$TARGET_DIR/release/surel"
[[ -x $BIN ]] || die "$BIN is missing: build it first (make build)"
[[ -d $ROOT/target/site/pkg ]] || log "warning: $ROOT/target/site/pkg is missing: pages will lack their scripts and styles"

# --- state folder; from here on the trap cleans up ---------------------------
STATE=$(mktemp -d "${TMPDIR:-/tmp}/surel-cluster.XXXXXX")
: >"$STATE/.surel-cluster" # lets `cluster.sh stop` know it may delete this folder
INSTANCE_A_PID="" INSTANCE_B_PID="" NGINX_PID="" SINK_PID=""
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "state folder $STATE"
pg_throwaway_start
log "PostgreSQL: $PG_URL"

# Settings every instance shares (README, Deployment): one database, one
# secret file, one data folder for attachments.
( umask 077 && "$PY" -c 'import secrets; print(secrets.token_hex(24))' >"$STATE/secret.key" )
chmod 0600 "$STATE/secret.key"
mkdir -m 0700 "$STATE/data"
SINK_PORT=$(free_port)
SINK_URL="http://127.0.0.1:$SINK_PORT"
SMS_LOG="$STATE/sms.log"
CLUSTER_URL="http://127.0.0.1:$PORT"
INSTANCE_A_URL="http://127.0.0.1:$PORT_A"
INSTANCE_B_URL="http://127.0.0.1:$PORT_B"
unset SUREL_SECRET SUREL_BIND SUREL_INSTANCE_ID # would override what is set here
export DATABASE_URL=$PG_URL
export SUREL_SECRET_FILE="$STATE/secret.key"
export SUREL_DATA_DIR="$STATE/data"
export SUREL_SITE_ROOT="$ROOT/target/site"
export SUREL_SMS_URL="$SINK_URL/sms"
export SUREL_TRUSTED_PROXIES=127.0.0.1
export SUREL_PUBLIC_URL=$CLUSTER_URL
export SUREL_DEMO=true
export NO_COLOR=1 # the logs go to files

# Children run in their own session (setsid): Ctrl-C reaches this script
# only, and the trap stops them in order. Under --background their output
# goes to files, so nothing holds the caller's terminal or pipe.
if [[ -n $NO_WAIT ]]; then exec 3>"$STATE/sms-sink.out"; else exec 3>&1; fi
setsid "$PY" "$HERE/sms-sink.py" "$SINK_PORT" "$SMS_LOG" >&3 2>&3 3>&- &
SINK_PID=$!
exec 3>&-
for _ in $(seq 50); do
  curl -fs -o /dev/null -m 1 "$SINK_URL/count" && break
  alive "$SINK_PID" || die "the SMS sink did not start"
  sleep 0.1
done
curl -fs -o /dev/null -m 1 "$SINK_URL/count" || die "the SMS sink does not answer on $SINK_URL"

# Once, before any instance starts (each also migrates at start: a no-op then).
"$BIN" migrate >"$STATE/migrate.log" 2>&1 || { cat "$STATE/migrate.log" >&2; die "surel migrate failed"; }
"$BIN" seed-demo >"$STATE/seed-demo.txt" 2>"$STATE/seed-demo.err" \
  || { cat "$STATE/seed-demo.err" >&2; die "surel seed-demo failed"; }

# Dovecot on the same PostgreSQL database (root and dovecot-pgsql only); sets
# SUREL_MAIL_* for the account tests. A mail server given in the environment wins.
if [[ -z ${SUREL_MAIL_LMTP:-} ]]; then
  IMAP_PORT=$(free_port)
  LMTP_PORT=$(free_port)
  while [[ $LMTP_PORT == "$IMAP_PORT" ]]; do LMTP_PORT=$(free_port); done
  start_dovecot "$PG_URL" "$IMAP_PORT" "$LMTP_PORT"
fi

wait_ready() { # NAME PID BASE_URL LOG: /readyz answers 200 (/healthz before /readyz exists)
  local name=$1 pid=$2 base=$3 logf=$4 path=/readyz code=000
  for _ in $(seq 240); do
    if ! alive "$pid"; then
      log "$name exited while starting; the end of $logf:"
      tail -n 30 "$logf" >&2
      return 1
    fi
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$base$path") || code=000
    [[ $code == 200 ]] && return 0
    if [[ $code == 404 && $path == /readyz ]]; then
      path=/healthz
      continue
    fi
    sleep 0.25
  done
  log "$name is not ready after 60 s ($base$path answers $code); the end of $logf:"
  tail -n 30 "$logf" >&2
  return 1
}

start_instance() { # NAME PORT: sets INSTANCE_PID
  SUREL_BIND="127.0.0.1:$2" SUREL_INSTANCE_ID=$1 setsid "$BIN" serve >"$STATE/$1.log" 2>&1 &
  INSTANCE_PID=$!
}
start_instance surel-a "$PORT_A"
INSTANCE_A_PID=$INSTANCE_PID
wait_ready surel-a "$INSTANCE_A_PID" "$INSTANCE_A_URL" "$STATE/surel-a.log" || exit 1
start_instance surel-b "$PORT_B"
INSTANCE_B_PID=$INSTANCE_PID
wait_ready surel-b "$INSTANCE_B_PID" "$INSTANCE_B_URL" "$STATE/surel-b.log" || exit 1

# nginx: a private instance (own config, pid, logs and temp folders in the
# state folder); the upstream and listen lines as in surel.conf, the rest is
# the production surel-proxy.conf itself.
nginx_local_write "$STATE" .ci/cluster.sh <<EOF
    upstream surel {
        server 127.0.0.1:$PORT_A max_fails=2 fail_timeout=5s;
        server 127.0.0.1:$PORT_B max_fails=2 fail_timeout=5s;
        keepalive 32;
    }

    server {
        listen 127.0.0.1:$PORT;
        include "$ROOT/server/deploy/nginx/surel-proxy.conf";
    }
EOF
nginx_local_start "$STATE"
for _ in $(seq 50); do
  [[ $(curl -s -o /dev/null -m 2 -w '%{http_code}' "$CLUSTER_URL/healthz") == 200 ]] && break
  alive "$NGINX_PID" || { cat "$STATE/nginx.out" "$STATE/nginx-error.log" >&2 2>/dev/null; die "nginx exited"; }
  sleep 0.1
done
[[ $(curl -s -o /dev/null -m 2 -w '%{http_code}' "$CLUSTER_URL/healthz") == 200 ]] \
  || die "nginx does not pass requests on ($CLUSTER_URL/healthz); see $STATE/nginx-error.log"

# --- STATE/env and the summary -------------------------------------------------
CLUSTER_STATE=$STATE
{
  echo "# Written by .ci/cluster.sh. Stop with: .ci/cluster.sh stop $STATE"
  for v in CLUSTER_STATE CLUSTER_URL INSTANCE_A_URL INSTANCE_B_URL PG_URL SMS_LOG SINK_URL \
    INSTANCE_A_PID INSTANCE_B_PID NGINX_PID SINK_PID PG_DIR PG_BIN DOVECOT_DIR \
    DATABASE_URL SUREL_SECRET_FILE SUREL_DATA_DIR SUREL_SITE_ROOT SUREL_PUBLIC_URL \
    SUREL_SMS_URL SUREL_TRUSTED_PROXIES SUREL_DEMO; do
    printf 'export %s=%q\n' "$v" "${!v}"
  done
  for v in SUREL_MAIL_LMTP SUREL_MAIL_IMAP SUREL_MAIL_MASTER_USER SUREL_MAIL_MASTER_PASSWORD; do
    if [[ -n ${!v:-} ]]; then printf 'export %s=%q\n' "$v" "${!v}"; fi
  done
} >"$STATE/env"

if [[ -n $DOVECOT_DIR ]]; then
  mail="Dovecot on the same database: IMAP $SUREL_MAIL_IMAP, LMTP $SUREL_MAIL_LMTP (log $DOVECOT_DIR/dovecot.log)"
elif [[ -n ${SUREL_MAIL_LMTP:-} ]]; then
  mail="mail server from the environment: LMTP $SUREL_MAIL_LMTP"
else
  mail="no local Dovecot (skipped: needs root and dovecot-imapd/lmtpd/pgsql): account tests report 'not configured'"
fi
cat <<EOF

Surel cluster on loopback
  Surel (nginx)  $CLUSTER_URL
  surel-a        $INSTANCE_A_URL   log $STATE/surel-a.log
  surel-b        $INSTANCE_B_URL   log $STATE/surel-b.log
  metrics        $INSTANCE_A_URL/metrics and $INSTANCE_B_URL/metrics (each instance, from loopback; nginx answers 404)
  nginx          access log $STATE/nginx-access.log (which instance answered), errors $STATE/nginx-error.log
  PostgreSQL     $PG_URL
  SMS sink       $SMS_LOG (every text sent; count: $SINK_URL/count)
  mail           $mail
  settings       source $STATE/env (to run \`surel user add\` and the like against this cluster)
  state          $STATE$( [[ ${CLUSTER_KEEP:-} == 1 ]] && echo " (kept when stopped)" || echo " (removed when stopped; CLUSTER_KEEP=1 keeps it)")

$(sed 's/^/  /' "$STATE/seed-demo.txt")

EOF

if [[ -n $NO_WAIT ]]; then
  echo "Running in the background. Settings and PIDs: source $STATE/env"
  echo "Stop it with: .ci/cluster.sh stop $STATE"
  trap - EXIT INT TERM
  exit 0
fi
echo "Ctrl-C stops everything."

# Until Ctrl-C. A process that ends (say an instance killed to watch nginx
# send its requests to the other) is reported; the rest keeps running.
declare -A what=([$INSTANCE_A_PID]=surel-a [$INSTANCE_B_PID]=surel-b [$NGINX_PID]=nginx [$SINK_PID]="the SMS sink")
pids=("$INSTANCE_A_PID" "$INSTANCE_B_PID" "$NGINX_PID" "$SINK_PID")
while ((${#pids[@]})); do
  ended="" rc=0
  wait -n -p ended "${pids[@]}" || rc=$?
  [[ -n $ended ]] || break
  log "${what[$ended]} (pid $ended) ended with status $rc; the rest keeps running (Ctrl-C stops everything)"
  left=()
  for p in "${pids[@]}"; do [[ $p == "$ended" ]] || left+=("$p"); done
  pids=("${left[@]}")
done
log "nothing left running"
