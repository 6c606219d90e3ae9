#!/usr/bin/env bash
# Stop a Dovecot started by run-local.sh and delete its temp dir.
#
#   stop-local.sh DOVECOT_DIR|PIDFILE [--keep]
#
# --keep leaves the temp dir (config, log, mail) for inspection.
set -euo pipefail

die() { echo "stop-local.sh: $*" >&2; exit 1; }
[[ $# -ge 1 && $# -le 2 ]] || die "usage: stop-local.sh DOVECOT_DIR|PIDFILE [--keep]"
keep=no
[[ ${2:-} == --keep ]] && keep=yes
[[ $# -eq 1 || $keep == yes ]] || die "unknown option '$2'"

if [[ -d $1 ]]; then
  dir=$1
  pidfile=$dir/dovecot.pid
else
  pidfile=$1
  dir=$(dirname -- "$pidfile")
fi
# Only ever act on (and delete) directories that run-local.sh made.
[[ -f $dir/.surel-dovecot-local ]] || die "'$dir' was not made by run-local.sh"

pid=""
[[ -s $pidfile ]] && pid=$(cat "$pidfile")
# run-local.sh failed or was killed before writing dovecot.pid: the master's own file.
[[ -z $pid && -s $dir/run/master.pid ]] && pid=$(cat "$dir/run/master.pid")
if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  # The master stops its children before exiting; give it up to 10 s.
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "stop-local.sh: pid $pid still running after 10 s, sending KILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
fi

if [[ $keep == no ]]; then
  rm -rf -- "$dir"
fi
