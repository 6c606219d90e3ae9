#!/usr/bin/env bash
# Start a throwaway Postfix on 127.0.0.1 that accepts mail for Surel's
# mailboxes and aliases (views postfix_domains / postfix_mailboxes /
# postfix_aliases in Surel's database) and delivers it over LMTP, for tests
# and local development.
#
#   run-local.sh DB_PATH SMTP_PORT LMTP_PORT
#   run-local.sh postgres://USER[:PASSWORD]@HOST[:PORT]/DBNAME SMTP_PORT LMTP_PORT
#
# DB_PATH:   Surel's SQLite file. The maps are the production sqlite-*.cf
#            files with only dbpath rewritten (proxy:sqlite:).
# postgres://... (or postgresql://): Surel's PostgreSQL database, e.g.
#            postgres://postgres@127.0.0.1:54321/surel. The maps are the
#            production pgsql-*.cf files with only hosts (inet:HOST:PORT),
#            user, password and dbname rewritten (proxy:pgsql:); no password
#            in the URL: the password line is left out. PORT defaults to
#            5432; %XX escapes are decoded; no ?options, [IPv6] hosts or Unix
#            sockets. Needs postfix-pgsql.
# SMTP_PORT: where this Postfix listens (127.0.0.1, plain SMTP, no TLS/AUTH).
# LMTP_PORT: where it delivers, lmtp:inet:127.0.0.1:LMTP_PORT, normally the
#            throwaway Dovecot (LMTP_PORT=... ../dovecot/run-local.sh ...).
#
# Either way the queries are exactly the production ones.
# Unknown, disabled or expired recipients (and aliases of such mailboxes) get
# "550 5.1.1 ... User unknown" at RCPT TO. Nothing is ever sent elsewhere:
# mail for other domains is refused (554 relay access denied) and the
# smtp/relay/local transports are error:.
#
# Everything (config in etc/, queue in spool/, data/, postfix.log) lives in
# a fresh temp dir; /etc/postfix and a system Postfix are left alone. Must
# run as root (Postfix's master needs it). On success prints, on stdout only:
#   POSTFIX_DIR=/tmp/surel-postfix.XXXXXX
#   POSTFIX_PID=12345
# so `eval "$(run-local.sh ...)"` works, and leaves Postfix running.
# Stop it with: stop-local.sh "$POSTFIX_DIR"   (or kill "$POSTFIX_PID")
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
maps=(virtual-mailbox-domains virtual-mailbox-maps virtual-alias-maps)

die() { echo "run-local.sh: $*" >&2; exit 1; }
usage() { die "usage: run-local.sh DB_PATH|postgres://USER[:PASSWORD]@HOST[:PORT]/DBNAME SMTP_PORT LMTP_PORT"; }
# valid_port, port_open, parse_pg_url: shared with the other local mail server
source "$here/../pg-url.sh"

[[ $# -eq 3 ]] || usage
db_arg=$1
smtp_port=$2
lmtp_port=$3
dict=sqlite
[[ $db_arg == postgres://* || $db_arg == postgresql://* ]] && dict=pgsql

(( EUID == 0 )) || die "must run as root"
command -v postfix >/dev/null && command -v postmap >/dev/null \
  || die "postfix not installed (apt-get install postfix postfix-sqlite)"
for m in "${maps[@]}"; do
  [[ -f $here/$dict-$m.cf ]] || die "missing $here/$dict-$m.cf"
done
id postfix >/dev/null 2>&1 && getent group postdrop >/dev/null \
  || die "system user 'postfix' or group 'postdrop' missing (postfix not installed?)"
if [[ $dict == sqlite ]]; then
  [[ -f $db_arg && -r $db_arg ]] || die "no readable SQLite file at '$db_arg'"
  # proxymap chdirs to the queue directory: use an absolute path.
  db=$(realpath -- "$db_arg")
  [[ $db != *$'\n'* ]] || die "DB path contains a newline"
else
  parse_pg_url "$db_arg"
  # Postfix trims a value's surrounding blanks (a # inside is kept).
  [[ $pg_password == "${pg_password#[[:space:]]}" && $pg_password == "${pg_password%[[:space:]]}" ]] \
    || die "a PostgreSQL password that starts or ends with a blank does not fit a Postfix .cf file"
  db=$pg_show
fi
valid_port "$smtp_port" || die "bad SMTP_PORT '$smtp_port'"
valid_port "$lmtp_port" || die "bad LMTP_PORT '$lmtp_port'"
[[ $smtp_port != "$lmtp_port" ]] || die "SMTP_PORT equals LMTP_PORT"
port_open "$smtp_port" && die "127.0.0.1:$smtp_port is already in use"
# Not fatal: mail is queued and retried every second until LMTP answers.
port_open "$lmtp_port" || echo "run-local.sh: warning: nothing listens on 127.0.0.1:$lmtp_port (LMTP) yet" >&2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/surel-postfix.XXXXXX")
etc=$tmp/etc
spool=$tmp/spool
started=no
on_exit() {
  local rc=$?
  (( rc == 0 )) && return 0
  # Failure: show why, then leave nothing behind.
  if [[ -s $tmp/startup.err ]]; then
    echo "--- postfix startup output ---" >&2; cat "$tmp/startup.err" >&2
  fi
  if [[ -s $tmp/postfix.log ]]; then
    echo "--- tail of $tmp/postfix.log ---" >&2; tail -n 40 "$tmp/postfix.log" >&2
  fi
  if [[ $started == yes && -s $spool/pid/master.pid ]]; then
    local pid; pid=$(tr -dc 0-9 < "$spool/pid/master.pid")
    [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null || true
    sleep 1
  fi
  rm -rf -- "$tmp"
  return "$rc"
}
trap on_exit EXIT

# mktemp gives 0700; Postfix daemons run as user postfix and must traverse it.
chmod 0755 "$tmp"
: > "$tmp/.surel-postfix-local"   # lets stop-local.sh know it may delete this dir
# Root-owned and not group/other-writable, or `postfix start` complains.
mkdir -m 0755 "$etc" "$spool"

# Same queries as production: only the dbpath line (SQLite) or the
# connection lines (PostgreSQL) differ.
for m in "${maps[@]}"; do
  if [[ $dict == sqlite ]]; then
    awk -v db="$db" '/^dbpath[ \t]*=/ { print "dbpath = " db; next } { print }' \
      "$here/sqlite-$m.cf" > "$etc/$m.cf"
    chmod 0644 "$etc/$m.cf"
  else
    # ENVIRON, not -v: awk would turn \\ in a password into escapes. Without
    # a password the line goes (Postfix then sends none; trust auth).
    PG_HOSTS="inet:$pg_host:$pg_port" PG_USER=$pg_user PG_PASSWORD=$pg_password PG_DBNAME=$pg_dbname awk '
      /^hosts[ \t]*=/    { print "hosts = " ENVIRON["PG_HOSTS"]; n++; next }
      /^user[ \t]*=/     { print "user = " ENVIRON["PG_USER"]; n++; next }
      /^password[ \t]*=/ { if (ENVIRON["PG_PASSWORD"] != "") print "password = " ENVIRON["PG_PASSWORD"]; n++; next }
      /^dbname[ \t]*=/   { print "dbname = " ENVIRON["PG_DBNAME"]; n++; next }
      { print }
      END { exit n == 4 ? 0 : 1 }' "$here/pgsql-$m.cf" > "$etc/$m.cf" \
      || die "$here/pgsql-$m.cf lacks one of hosts/user/password/dbname (or has one twice)"
    # May hold a password; proxymap (root) reads it.
    chmod 0640 "$etc/$m.cf"
    chgrp postfix "$etc/$m.cf"
  fi
done

cat > "$etc/main.cf" <<EOF
# Generated by run-local.sh for a throwaway test instance.
compatibility_level = 3.6
queue_directory = $spool
data_directory = $tmp/data
mail_owner = postfix
setgid_group = postdrop
# Postfix >= 3.4: log to a file through postlogd (the postlog service in
# master.cf); the file must be under one of maillog_file_prefixes.
maillog_file = $tmp/postfix.log
maillog_file_prefixes = $tmp

myhostname = surel-test.localdomain
mydomain = localdomain
myorigin = \$myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
smtpd_banner = \$myhostname ESMTP Surel test Postfix
smtputf8_enable = no
biff = no
smtpd_peername_lookup = no

# Surel's domains are virtual mailbox domains only: no local delivery, no
# aliases file, no relaying, nothing leaves this instance.
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relay_domains =
mynetworks = 127.0.0.0/8
local_transport = error:5.1.1 local delivery is disabled in this test instance
default_transport = error:5.7.1 outbound mail is disabled in this test instance
relay_transport = \$default_transport

# proxy: every lookup goes through proxymap, which runs as root here (see
# master.cf): Surel's SQLite file is in WAL mode, and a reader must be able to
# open/create DB-shm, which user postfix usually cannot.
virtual_mailbox_domains = proxy:$dict:$etc/virtual-mailbox-domains.cf
virtual_mailbox_maps = proxy:$dict:$etc/virtual-mailbox-maps.cf
virtual_alias_maps = proxy:$dict:$etc/virtual-alias-maps.cf
virtual_transport = lmtp:inet:127.0.0.1:$lmtp_port

# Unknown/disabled/expired recipients: 550 at RCPT TO (not a later bounce).
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions = reject_unlisted_recipient
smtpd_reject_unlisted_recipient = yes
unknown_virtual_mailbox_reject_code = 550
unknown_virtual_alias_reject_code = 550

# Fast for tests: retry deferred mail every second, never make clients wait.
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
in_flow_delay = 0
delay_warning_time = 0
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 1000
smtpd_hard_error_limit = 1000
lmtp_connect_timeout = 5s
EOF

# Debian's master.cf minus tlsmgr and the pipe services, chroot = n everywhere
# (the queue directory is not set up as a chroot jail), SMTP on 127.0.0.1 only.
cat > "$etc/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command + args
127.0.0.1:$smtp_port inet n     -       n       -       -       smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
# unpriv = n: proxymap keeps root, so it can read the WAL-mode SQLite file
# (smtpd, cleanup and trivial-rewrite, as user postfix, ask it via proxy:).
proxymap  unix  -       n       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
chmod 0644 "$etc/main.cf" "$etc/master.cf"
# Postfix re-reads main.cf and *.cf map files, dozing 0.3 s each time, until
# their mtime is a second or two old ("let it cool down"): that cost ~2 s per
# program start. Backdating them avoids it.
touch -d "@$(( $(date +%s) - 60 ))" "$etc"/*.cf

if [[ $dict == pgsql ]]; then
  postconf -c "$etc" -m 2>/dev/null | grep -x pgsql >/dev/null \
    || die "this Postfix has no pgsql map type (apt-get install postfix-pgsql)"
fi

# Catch a wrong DB (e.g. views missing) here rather than as 451s later.
# As root, like proxymap; a domain that cannot exist, so the answer is "no".
probe_err=$(postmap -c "$etc" -q surel-probe.invalid "$dict:$etc/virtual-mailbox-domains.cf" 2>&1 >/dev/null) || true
[[ -z $probe_err ]] || die "lookup in $db failed (are the postfix_* views there?): $probe_err"

# `postfix start` creates the queue/data directories with the right owners
# (post-install create-missing), checks them and waits for the master to
# initialise; fails here (with the reason on stderr) for config errors.
postfix -c "$etc" start > "$tmp/startup.err" 2>&1
started=yes

# Wait up to ~10 s for the listener.
ready=no
for _ in $(seq 1 100); do
  if port_open "$smtp_port" && [[ -s $spool/pid/master.pid ]]; then
    ready=yes
    break
  fi
  sleep 0.1
done
[[ $ready == yes ]] || die "Postfix did not start listening on 127.0.0.1:$smtp_port within 10 s"

pid=$(tr -dc 0-9 < "$spool/pid/master.pid")
[[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || die "Postfix master (pid '$pid') is not running"
echo "$pid" > "$tmp/postfix.pid"

echo "run-local.sh: Postfix $pid listening on 127.0.0.1:$smtp_port (SMTP), delivering to 127.0.0.1:$lmtp_port (LMTP); log: $tmp/postfix.log" >&2
echo "POSTFIX_DIR=$tmp"
echo "POSTFIX_PID=$pid"
