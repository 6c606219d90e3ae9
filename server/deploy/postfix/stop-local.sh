#!/usr/bin/env bash
# Stop a Postfix started by run-local.sh and delete its temp dir.
#
#   stop-local.sh POSTFIX_DIR [--keep]
#
# --keep leaves the temp dir (config, queue, postfix.log) for inspection.
set -euo pipefail

die() { echo "stop-local.sh: $*" >&2; exit 1; }
[[ $# -ge 1 && $# -le 2 ]] || die "usage: stop-local.sh POSTFIX_DIR [--keep]"
keep=no
[[ ${2:-} == --keep ]] && keep=yes
[[ $# -eq 1 || $keep == yes ]] || die "unknown option '$2'"

dir=$1
# Only ever act on (and delete) directories that run-local.sh made.
[[ -d $dir && -f $dir/.surel-postfix-local ]] || die "'$dir' was not made by run-local.sh"

# Is any process of process group $1 (the master and its children) still
# running? Zombies don't count: a container's PID 1 may reap them only
# seconds later, and kill -0 would still see them.
group_alive() {
  local f line state pgrp
  for f in /proc/[0-9]*/stat; do
    # The process may be gone by now: braces, so 2>/dev/null covers the <.
    { read -r line < "$f"; } 2>/dev/null || continue
    read -r state _ pgrp _ <<< "${line##*) }"
    [[ $pgrp == "$1" && $state != Z ]] && return 0
  done
  return 1
}

pid=""
[[ -s $dir/postfix.pid ]] && pid=$(tr -dc 0-9 < "$dir/postfix.pid")
# run-local.sh failed half-way or postfix.pid is gone: the master's own file.
[[ -z $pid && -s $dir/spool/pid/master.pid ]] && pid=$(tr -dc 0-9 < "$dir/spool/pid/master.pid")
if [[ -n $pid ]] && group_alive "$pid"; then
  # Same as `postfix -c DIR/etc stop` without its 1 s polling: on TERM the
  # master terminates its children (its process group) and exits.
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    group_alive "$pid" || break
    sleep 0.05
  done
  if group_alive "$pid"; then
    echo "stop-local.sh: Postfix (process group $pid) still running after 5 s, sending KILL" >&2
    kill -KILL -- "-$pid" 2>/dev/null || true
    sleep 0.2
  fi
fi

if [[ $keep == no ]]; then
  rm -rf -- "$dir"
fi
