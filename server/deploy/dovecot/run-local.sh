#!/usr/bin/env bash
# Start a throwaway Dovecot on 127.0.0.1 that authenticates mailboxes against
# Surel's database (view dovecot_users), for tests and local development.
#
#   run-local.sh DB_PATH IMAP_PORT
#   run-local.sh postgres://USER[:PASSWORD]@HOST[:PORT]/DBNAME IMAP_PORT
#
# DB_PATH: Surel's SQLite file. The SQL file is dovecot-sql-sqlite.conf.ext
#   with only its connect line rewritten (connect = DB_PATH).
# postgres://... (or postgresql://): Surel's PostgreSQL database, e.g.
#   postgres://postgres@127.0.0.1:54321/surel. The SQL file is the production
#   dovecot-sql-pgsql.conf.ext with only its connect line rewritten
#   (connect = host=HOST port=PORT dbname=DBNAME user=USER [password=...]),
#   so the production queries are what is tested. PORT defaults to 5432;
#   %XX escapes are decoded; no ?options, [IPv6] hosts or Unix sockets.
#   Needs dovecot-pgsql. The lookup is tried once before returning.
#
# Optional environment:
#   LMTP_PORT        also accept LMTP deliveries on 127.0.0.1:LMTP_PORT
#   MASTER_USER      with MASTER_PASSWORD: a master user, so that IMAP LOGIN
#   MASTER_PASSWORD  "ADDRESS*MASTER_USER" / MASTER_PASSWORD opens ADDRESS's
#                    mailbox (ADDRESS must still be active in the view)
#   MAIL_USER        system user owning the test mail (default: nobody)
#
# Everything (config, sockets, state, log, mail) lives in a fresh temp dir;
# /etc/dovecot and a system Dovecot are left alone. Must run as root (Dovecot
# needs it for privilege separation). On success prints, on stdout only:
#   DOVECOT_DIR=/tmp/surel-dovecot.XXXXXX
#   DOVECOT_PID=12345
# so `eval "$(run-local.sh ...)"` works, and leaves Dovecot running.
# Stop it with: stop-local.sh "$DOVECOT_DIR"   (or kill "$DOVECOT_PID")
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { echo "run-local.sh: $*" >&2; exit 1; }
usage() { die "usage: run-local.sh DB_PATH|postgres://USER[:PASSWORD]@HOST[:PORT]/DBNAME IMAP_PORT  (env: LMTP_PORT, MASTER_USER, MASTER_PASSWORD, MAIL_USER)"; }
# valid_port, port_open, parse_pg_url: shared with the other local mail server
source "$here/../pg-url.sh"

[[ $# -eq 2 ]] || usage
db_arg=$1
db_kind=sqlite
[[ $db_arg == postgres://* || $db_arg == postgresql://* ]] && db_kind=pgsql
sql_template="$here/dovecot-sql-$db_kind.conf.ext"
imap_port=$2
lmtp_port=${LMTP_PORT:-}
master_user=${MASTER_USER:-}
master_password=${MASTER_PASSWORD:-}
mail_user=${MAIL_USER:-nobody}

(( EUID == 0 )) || die "must run as root"
command -v dovecot >/dev/null || die "dovecot not installed (apt-get install dovecot-imapd dovecot-lmtpd dovecot-sqlite)"
[[ -f $sql_template ]] || die "missing $sql_template"
if [[ $db_kind == sqlite ]]; then
  [[ -f $db_arg && -r $db_arg ]] || die "no readable SQLite file at '$db_arg'"
  # Dovecot processes chdir elsewhere: use an absolute path.
  db=$(realpath -- "$db_arg")
  [[ $db != *$'\n'* ]] || die "DB path contains a newline"
else
  parse_pg_url "$db_arg"
  connect="host=$pg_host port=$pg_port dbname=$pg_dbname user=$pg_user"
  if [[ -n $pg_password ]]; then
    if [[ $pg_password =~ ^[A-Za-z0-9._~-]+$ ]]; then
      connect+=" password=$pg_password"
    else
      # libpq quoting ('...', \\ and \'); Dovecot's config reader skips quoted
      # text the same way, so a # or space in the password stays in it.
      quoted=${pg_password//\\/\\\\}
      connect+=" password='${quoted//\'/\\\'}'"
    fi
  fi
fi
valid_port "$imap_port" || die "bad IMAP_PORT '$imap_port'"
if [[ -n $lmtp_port ]]; then
  valid_port "$lmtp_port" || die "bad LMTP_PORT '$lmtp_port'"
  [[ $lmtp_port != "$imap_port" ]] || die "LMTP_PORT equals IMAP_PORT"
fi
if [[ -n $master_user || -n $master_password ]]; then
  [[ -n $master_user && -n $master_password ]] || die "set both MASTER_USER and MASTER_PASSWORD"
  # Would break the passwd-file line or the "user*master" login syntax.
  [[ $master_user =~ ^[A-Za-z0-9._@-]+$ ]] || die "MASTER_USER may only contain letters, digits and ._@-"
fi
mail_uid=$(id -u "$mail_user" 2>/dev/null) || die "MAIL_USER '$mail_user' does not exist"
mail_group=$(id -gn "$mail_user")
(( mail_uid != 0 )) || die "MAIL_USER must not be root (Dovecot refuses uid 0 for mail)"
# The auth process runs as Dovecot's internal user and reads the master file.
internal_group=$(id -gn dovecot 2>/dev/null) || die "system user 'dovecot' missing (dovecot-core not installed?)"

port_open "$imap_port" && die "127.0.0.1:$imap_port is already in use"
if [[ -n $lmtp_port ]] && port_open "$lmtp_port"; then die "127.0.0.1:$lmtp_port is already in use"; fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/surel-dovecot.XXXXXX")
started=no
on_exit() {
  local rc=$?
  (( rc == 0 )) && return 0
  # Failure: show why, then leave nothing behind.
  if [[ -s $tmp/startup.err ]]; then
    echo "--- dovecot startup output ---" >&2; cat "$tmp/startup.err" >&2
  fi
  if [[ -s $tmp/dovecot.log ]]; then
    echo "--- tail of $tmp/dovecot.log ---" >&2; tail -n 40 "$tmp/dovecot.log" >&2
  fi
  if [[ $started == yes && -s $tmp/run/master.pid ]]; then
    kill "$(cat "$tmp/run/master.pid")" 2>/dev/null || true
    sleep 1
  fi
  rm -rf -- "$tmp"
  return "$rc"
}
trap on_exit EXIT

# mktemp gives 0700; the imap/lmtp processes (MAIL_USER) and the auth process
# (dovecot) must be able to traverse it.
chmod 0755 "$tmp"
: > "$tmp/.surel-dovecot-local"   # lets stop-local.sh know it may delete this dir
mkdir -p "$tmp/state" "$tmp/mail"
chown "$mail_user:$mail_group" "$tmp/mail"

# Same queries as production: only the connect line differs.
if [[ $db_kind == sqlite ]]; then
  awk -v db="$db" '/^connect[ \t]*=/ { print "connect = " db; next } { print }' \
    "$sql_template" > "$tmp/dovecot-sql.conf.ext"
else
  # ENVIRON, not -v: awk would turn \\ in a password into escapes.
  SUREL_PG_CONNECT=$connect awk '/^connect[ \t]*=/ { print "connect = " ENVIRON["SUREL_PG_CONNECT"]; n++; next }
    { print } END { exit n == 1 ? 0 : 1 }' "$sql_template" > "$tmp/dovecot-sql.conf.ext" \
    || die "$sql_template has no (or more than one) 'connect =' line"
fi
chmod 0640 "$tmp/dovecot-sql.conf.ext"
chgrp "$internal_group" "$tmp/dovecot-sql.conf.ext"

master_passdb=""
if [[ -n $master_user ]]; then
  # -O: don't read /etc/dovecot (it might be broken or absent).
  hash=$(doveadm -O pw -s SHA512-CRYPT -p "$master_password")
  printf '%s:%s\n' "$master_user" "$hash" > "$tmp/master-users"
  chmod 0640 "$tmp/master-users"
  chgrp "$internal_group" "$tmp/master-users"
  master_passdb="auth_master_user_separator = *
passdb {
  driver = passwd-file
  args = $tmp/master-users
  master = yes
  # Continue to the SQL passdb: the target mailbox must exist and be active.
  pass = yes
}"
fi

protocols=imap
lmtp_service=""
if [[ -n $lmtp_port ]]; then
  protocols="imap lmtp"
  lmtp_service="service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $lmtp_port
  }
}"
fi

cat > "$tmp/dovecot.conf" <<EOF
# Generated by run-local.sh for a throwaway test instance.
# Own instance name, base_dir and state_dir: no clash with a system Dovecot.
instance_name = surel-local-${tmp##*.}
base_dir = $tmp/run
state_dir = $tmp/state
log_path = $tmp/dovecot.log
protocols = $protocols
listen = 127.0.0.1
login_greeting = Surel test Dovecot ready.

# Loopback only: no TLS.
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %Lu
# No cache, so password changes in the DB apply at the next login.
auth_cache_size = 0
# Tests expect wrong passwords to fail fast (default delay is 2 s).
auth_failure_delay = 0
auth_verbose = yes

$master_passdb
passdb {
  driver = sql
  args = $tmp/dovecot-sql.conf.ext
}
userdb {
  driver = sql
  args = $tmp/dovecot-sql.conf.ext
}

# One unprivileged uid for all test mail (uid 0 is refused by Dovecot).
mail_uid = $mail_uid
mail_gid = $mail_group
first_valid_uid = $mail_uid
last_valid_uid = $mail_uid
mail_home = $tmp/mail/%d/%n
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
}

# Quota as in production, so quota_mb is visible via GETQUOTAROOT.
mail_plugins = \$mail_plugins quota
plugin {
  quota = maildir:User quota
}
protocol imap {
  mail_plugins = \$mail_plugins imap_quota
}

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    port = 0
  }
}
$lmtp_service

# The SQL lookups run in auth-worker; as root it can read the DB wherever
# it is, and SQLite's WAL mode needs write access to DB-shm even to read.
service auth-worker {
  user = root
}
# No per-IP auth penalty: every client is 127.0.0.1 here, and after a
# failed login (which tests do on purpose) Dovecot would delay each further
# login from that IP by 2-15 s. mode 0 disables the listener.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
# imap/lmtp run as MAIL_USER and report stats here.
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
EOF

# Fails here (with the reason on stderr) for config errors.
dovecot -c "$tmp/dovecot.conf" > "$tmp/startup.err" 2>&1
started=yes

# Wait up to ~10 s for the listener(s).
ready=no
for _ in $(seq 1 100); do
  if port_open "$imap_port" && { [[ -z $lmtp_port ]] || port_open "$lmtp_port"; } \
     && [[ -s $tmp/run/master.pid ]]; then
    ready=yes
    break
  fi
  sleep 0.1
done
[[ $ready == yes ]] || die "Dovecot did not start listening on 127.0.0.1:$imap_port${lmtp_port:+ / $lmtp_port} within 10 s"

pid=$(cat "$tmp/run/master.pid")
kill -0 "$pid" 2>/dev/null || die "Dovecot master (pid $pid) is not running"
echo "$pid" > "$tmp/dovecot.pid"

# PostgreSQL: catch an unreachable server, a wrong URL, missing dovecot-pgsql
# or a missing view here rather than as failed logins later. A user that
# cannot exist: "doesn't exist" (exit 67) means the query ran.
if [[ $db_kind == pgsql ]]; then
  probe_rc=0
  probe_out=$(timeout 20 doveadm -c "$tmp/dovecot.conf" user surel-probe@probe.invalid 2>&1) || probe_rc=$?
  (( probe_rc == 67 )) \
    || die "lookup in $pg_show failed (is PostgreSQL up, is the dovecot_users view there, is dovecot-pgsql installed?): exit $probe_rc: $probe_out"
fi

echo "run-local.sh: Dovecot ${pid} listening on 127.0.0.1:$imap_port (IMAP)${lmtp_port:+ and 127.0.0.1:$lmtp_port (LMTP)}; log: $tmp/dovecot.log" >&2
echo "DOVECOT_DIR=$tmp"
echo "DOVECOT_PID=$pid"
