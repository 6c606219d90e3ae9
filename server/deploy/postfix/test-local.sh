#!/usr/bin/env bash
# End-to-end check of run-local.sh and the sqlite-*.cf maps: a database made by
# Surel itself (surel migrate + seed-demo), the throwaway Dovecot (IMAP+LMTP)
# and the throwaway Postfix, real SMTP and IMAP sessions.
#
#   test-local.sh            # uses $SUREL_BIN, else target/{release,debug}/surel
#   test-local.sh --pg       # the same on a throwaway PostgreSQL
#                            # (.ci/pg-throwaway.sh), with the pgsql-*.cf maps
#                            # and ../dovecot/dovecot-sql-pgsql.conf.ext
#
# Needs root, postfix, postfix-sqlite, dovecot-imapd, dovecot-lmtpd,
# dovecot-sqlite, sqlite3, python3 and a built surel binary; with --pg also
# postgresql (server and psql), postfix-pgsql and dovecot-pgsql.
# The postfix_* views are created here only if Surel's migrations lack them
# (SQLite only).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
dovecot=$here/../dovecot
surel=${SUREL_BIN:-}
if [[ -z $surel ]]; then
  for c in "$repo/target/release/surel" "$repo/target/debug/surel"; do
    [[ -x $c ]] && { surel=$c; break; }
  done
fi
[[ -n $surel && -x $surel ]] || { echo "no surel binary (build it or set SUREL_BIN)" >&2; exit 1; }
dict=sqlite
case ${1:-} in
  "") ;;
  --pg) dict=pgsql ;;
  *) echo "usage: test-local.sh [--pg]" >&2; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/surel-postfix-test.XXXXXX")
DOVECOT_DIR=""
POSTFIX_DIR=""
PG_DIR=""
cleanup() {
  if [[ -n $POSTFIX_DIR && -d $POSTFIX_DIR ]]; then "$here/stop-local.sh" "$POSTFIX_DIR" || true; fi
  if [[ -n $DOVECOT_DIR && -d $DOVECOT_DIR ]]; then "$dovecot/stop-local.sh" "$DOVECOT_DIR" || true; fi
  if [[ -n $PG_DIR ]]; then pg_throwaway_stop; fi
  rm -rf -- "$work"
}
trap cleanup EXIT

passed=0
failed=0
ok()   { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; fi; }
refute() {
  local d=$1 rc=0; shift
  "$@" || rc=$?
  if (( rc == 1 )); then ok "$d"; else fail "$d (exit $rc)"; fi
}

MBOX=yusuf.hakim@batam.go.id
ALIAS=alias.uji@batam.go.id

# --- SMTP (raw socket, as a Rust test would speak it) and IMAP client ---------
cat > "$work/client.py" <<'PY'
"""Exit 0 = yes, 1 = server said no, 2 = anything unexpected."""
import imaplib, socket, sys, time

def smtp(port, rcpt, subject=None):
    """One SMTP session. Returns the RCPT TO reply code; with a subject and a
    250 to RCPT, also sends the message (DATA) and expects 250 queued."""
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    f = s.makefile("rb")
    def reply():                                  # multi-line: "250-..." then "250 ..."
        lines = []
        while True:
            line = f.readline().decode().rstrip("\r\n")
            lines.append(line)
            if len(line) < 4 or line[3] != "-":
                return int(line[:3]), " / ".join(lines)
    def cmd(line, want):
        s.sendall(line.encode() + b"\r\n")
        code, text = reply()
        if want and code != want:
            raise RuntimeError(f"{line!r} -> {text}")
        return code, text
    assert reply()[0] == 220                      # greeting
    cmd("EHLO surel-test", 250)
    cmd("MAIL FROM:<sistem@batam.go.id>", 250)
    code, text = cmd(f"RCPT TO:<{rcpt}>", None)   # 250, or 550 5.1.1 ... User unknown
    print(text, file=sys.stderr)
    if code == 250 and subject:
        cmd("DATA", 354)
        body = (f"From: sistem@batam.go.id\r\nTo: {rcpt}\r\nSubject: {subject}\r\n"
                f"\r\nUji pengiriman lewat Postfix.\r\n.\r\n")   # lone "." ends DATA
        s.sendall(body.encode())
        code2, text2 = reply()                    # 250 2.0.0 Ok: queued as ...
        if code2 != 250:
            raise RuntimeError(f"end of DATA -> {text2}")
    cmd("QUIT", 221)
    s.close()
    return code

def main(cmd, port, *args):
    port = int(port)
    if cmd == "rcpt":                             # rcpt SMTP_PORT ADDRESS -> 0 if 250, 1 if 5xx
        code = smtp(port, args[0])
        return 0 if code == 250 else 1 if 500 <= code < 600 else 2
    if cmd == "send":                             # send SMTP_PORT ADDRESS SUBJECT
        return 0 if smtp(port, args[0], args[1]) == 250 else 1
    if cmd == "login":                            # login IMAP_PORT USER PASS
        c = imaplib.IMAP4("127.0.0.1", port, timeout=20)
        try:
            c.login(args[0], args[1])
        except imaplib.IMAP4.error:
            return 1
        c.logout()
        return 0
    if cmd == "wait-subject":                     # wait-subject IMAP_PORT USER PASS SUBJECT SECS
        user, pw, subject, secs = args
        t0 = time.monotonic()
        while True:
            c = imaplib.IMAP4("127.0.0.1", port, timeout=20)
            c.login(user, pw)
            c.select("INBOX", readonly=True)
            typ, data = c.search(None, "SUBJECT", f'"{subject}"')
            c.logout()
            if data[0].split():
                print(f"{time.monotonic() - t0:.2f}")
                return 0
            if time.monotonic() - t0 > float(secs):
                return 1
            time.sleep(0.05)
    return 2

try:
    sys.exit(main(*sys.argv[1:]))
except SystemExit:
    raise
except Exception as e:
    print(f"client.py {sys.argv[1:2]}: {type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(2)
PY
client() { python3 "$work/client.py" "$@"; }
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# sql [STATEMENT]: one statement, or a script on stdin.
if [[ $dict == pgsql ]]; then
  sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$PG_URL" ${1:+-c "$1"}; }
else
  sql() { sqlite3 -cmd '.timeout 5000' "$work/surel.db" "$@"; }
fi

# --- Database made by Surel -------------------------------------------------
if [[ $dict == pgsql ]]; then
  source "$repo/.ci/pg-throwaway.sh"
  pg_throwaway_start || { echo "could not start a throwaway PostgreSQL" >&2; exit 1; }
  db=$PG_URL
  ok "throwaway PostgreSQL at $PG_URL"
else
  db=$work/surel.db
fi
export DATABASE_URL="sqlite://$work/surel.db?mode=rwc" SUREL_SECRET=0123456789abcdef0123456789abcdef
[[ $dict == sqlite ]] || DATABASE_URL=$PG_URL
"$surel" migrate >/dev/null
seed=$("$surel" seed-demo)
PASSWORD=$(sed -n 's/.*password for all: //p' <<<"$seed" | head -n 1)
[[ -n $PASSWORD ]] || PASSWORD=sandi-demo-surel-2026
unset DATABASE_URL SUREL_SECRET
[[ $dict == pgsql ]] || sql <<'SQL'
CREATE VIEW IF NOT EXISTS postfix_domains AS SELECT d.name AS domain FROM domains d;
CREATE VIEW IF NOT EXISTS postfix_mailboxes AS
  SELECT m.address AS address, d.name AS domain, m.quota_mb AS quota_mb
  FROM mailboxes m JOIN domains d ON d.id = m.domain_id
  WHERE m.status IN ('active', 'pending') AND (m.ends_on IS NULL OR m.ends_on >= CURRENT_DATE);
CREATE VIEW IF NOT EXISTS postfix_aliases AS
  SELECT a.address AS address, m.address AS goto
  FROM aliases a JOIN mailboxes m ON m.id = a.mailbox_id
  WHERE m.status IN ('active', 'pending') AND (m.ends_on IS NULL OR m.ends_on >= CURRENT_DATE);
SQL
sql "INSERT INTO aliases (address, mailbox_id, created_at) SELECT '$ALIAS', id, '2026-12-01 00:00:00+00:00' FROM mailboxes WHERE address = '$MBOX';"

# --- Start Dovecot (IMAP + LMTP) and Postfix ------------------------------------
imap_port=$(free_port); lmtp_port=$(free_port); smtp_port=$(free_port)
[[ $imap_port != "$lmtp_port" && $lmtp_port != "$smtp_port" && $imap_port != "$smtp_port" ]] \
  || { echo "free_port returned the same port twice, run again" >&2; exit 1; }
eval "$(LMTP_PORT=$lmtp_port "$dovecot/run-local.sh" "$db" "$imap_port")"
[[ -n $DOVECOT_DIR ]] || { echo "Dovecot did not start" >&2; exit 1; }
t0=$EPOCHREALTIME
eval "$("$here/run-local.sh" "$db" "$smtp_port" "$lmtp_port")"
[[ -n $POSTFIX_DIR && -n $POSTFIX_PID ]] || { echo "Postfix did not start" >&2; exit 1; }
took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
ok "run-local.sh started Postfix (pid $POSTFIX_PID, SMTP $smtp_port -> LMTP $lmtp_port) in $took s"

rc=0
"$here/run-local.sh" "$db" "$smtp_port" "$lmtp_port" >/dev/null 2>&1 || rc=$?
if (( rc != 0 )); then ok "run-local.sh refuses a port already in use"; else fail "run-local.sh started twice on one port"; fi

# --- Maps -------------------------------------------------------------------------
q() { postmap -c "$POSTFIX_DIR/etc" -q "$1" "$dict:$POSTFIX_DIR/etc/$2.cf"; }
check  "postmap: $MBOX is a mailbox"                [ "$(q "$MBOX" virtual-mailbox-maps)" = 1 ]
check  "postmap: mixed case is folded"              [ "$(q Yusuf.Hakim@Batam.GO.ID virtual-mailbox-maps)" = 1 ]
check  "postmap: $ALIAS -> $MBOX"                   [ "$(q "$ALIAS" virtual-alias-maps)" = "$MBOX" ]
check  "postmap: batam.go.id is a mailbox domain"   [ "$(q batam.go.id virtual-mailbox-domains)" = 1 ]
refute "postmap: unknown address is not found"      q tidak.ada@batam.go.id virtual-mailbox-maps

# --- SMTP + delivery --------------------------------------------------------------
check  "RCPT TO $MBOX: 250"                         client rcpt "$smtp_port" "$MBOX"
check  "RCPT TO $ALIAS: 250"                        client rcpt "$smtp_port" "$ALIAS"
check  "RCPT TO in mixed case: 250"                 client rcpt "$smtp_port" Yusuf.Hakim@BATAM.go.id
refute "RCPT TO an unknown address: 5xx"            client rcpt "$smtp_port" tidak.ada@batam.go.id
refute "RCPT TO another domain: 5xx (no relay)"     client rcpt "$smtp_port" someone@example.com

deliver() {  # deliver ADDRESS LABEL: send over SMTP, see it in $MBOX's INBOX over IMAP
  local subject="Uji Postfix $2 $RANDOM$RANDOM" secs
  if ! client send "$smtp_port" "$1" "$subject" 2>/dev/null; then fail "SMTP to $1 ($2) accepted"; return; fi
  if secs=$(client wait-subject "$imap_port" "$MBOX" "$PASSWORD" "$subject" 10); then
    ok "mail to $1 ($2) is in $MBOX's INBOX over IMAP after ${secs} s"
  else
    fail "mail to $1 ($2) not in $MBOX's INBOX within 10 s"
  fi
}
deliver "$MBOX" direct
deliver "$ALIAS" alias

# --- Disabled, expired, re-enabled: takes effect at once ---------------------------
sql "UPDATE mailboxes SET status = 'disabled' WHERE address = '$MBOX';"
refute "disabled: RCPT TO $MBOX is refused (5xx)"   client rcpt "$smtp_port" "$MBOX"
refute "disabled: RCPT TO $ALIAS is refused (5xx)"  client rcpt "$smtp_port" "$ALIAS"
refute "disabled: IMAP LOGIN is refused"            client login "$imap_port" "$MBOX" "$PASSWORD"
sql "UPDATE mailboxes SET status = 'active' WHERE address = '$MBOX';"
check  "re-enabled: RCPT TO $MBOX: 250"             client rcpt "$smtp_port" "$MBOX"
check  "re-enabled: RCPT TO $ALIAS: 250"            client rcpt "$smtp_port" "$ALIAS"
check  "re-enabled: IMAP LOGIN works"               client login "$imap_port" "$MBOX" "$PASSWORD"
deliver "$MBOX" "direct, re-enabled"
deliver "$ALIAS" "alias, re-enabled"
sql "UPDATE mailboxes SET ends_on = '2020-01-01' WHERE address = '$MBOX';"
refute "expired (ends_on past): RCPT TO $ALIAS: 5xx" client rcpt "$smtp_port" "$ALIAS"
sql "UPDATE mailboxes SET ends_on = NULL WHERE address = '$MBOX';"

# --- Stop -------------------------------------------------------------------------
if grep -E 'postfix/[a-z-]+\[[0-9]+\]: (warning|error|fatal|panic):' "$POSTFIX_DIR/postfix.log" >&2; then
  fail "postfix.log has warnings/errors (above)"
else
  ok "postfix.log has no warning/error/fatal/panic lines"
fi
"$here/stop-local.sh" "$POSTFIX_DIR"
stopped_dir=$POSTFIX_DIR
POSTFIX_DIR=""
# The master leads a process group holding all its children; a zombie
# master (not yet reaped by PID 1, common in containers) has stopped too.
left=$(ps -e -o pgid=,stat=,comm= | awk -v g="$POSTFIX_PID" '$1 == g && $2 !~ /^Z/')
if [[ -n $left || -e $stopped_dir ]]; then
  [[ -z $left ]] || echo "$left" >&2
  fail "stop-local.sh left Postfix running or its dir behind"
else
  ok "stop-local.sh stopped Postfix and removed its dir"
fi

echo "$passed passed, $failed failed"
(( failed == 0 ))
