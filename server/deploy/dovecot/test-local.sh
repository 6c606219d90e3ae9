#!/usr/bin/env bash
# End-to-end check of run-local.sh and the SQL queries in
# dovecot-sql-sqlite.conf.ext: a throwaway SQLite DB shaped like Surel's
# dovecot_users view, a throwaway Dovecot, real IMAP and LMTP sessions.
# Needs root, dovecot-imapd, dovecot-lmtpd, dovecot-sqlite, sqlite3, python3.
# Optional: Debian's `argon2` CLI, to also check a hash with the Rust argon2
# crate's parameters (m=19456,t=2,p=1).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/surel-dovecot-test.XXXXXX")
DOVECOT_DIR=""
cleanup() {
  if [[ -n $DOVECOT_DIR && -d $DOVECOT_DIR ]]; then
    "$here/stop-local.sh" "$DOVECOT_DIR" || true
  fi
  rm -rf -- "$work"
}
trap cleanup EXIT

passed=0
failed=0
ok()   { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
# check DESCRIPTION COMMAND...: passes when COMMAND exits 0.
check() { local d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; fi; }
# refute DESCRIPTION COMMAND...: passes when COMMAND exits 1 (a clean "no").
refute() {
  local d=$1 rc=0; shift
  "$@" || rc=$?
  if (( rc == 1 )); then ok "$d"; else fail "$d (exit $rc)"; fi
}

PASSWORD='kopi-senja-pelangi-7'
NEW_PASSWORD='teh-tarik-hujan-3'
MASTER_PW='master-rahasia-9'
MBOX=budi.santoso@batam.go.id

# --- IMAP/LMTP client (python3 stdlib) ---------------------------------------
cat > "$work/client.py" <<'PY'
"""Exit 0 = yes, 1 = server said no, 2 = anything unexpected."""
import imaplib, smtplib, sys

def imap(port):
    return imaplib.IMAP4("127.0.0.1", int(port), timeout=20)

def main(cmd, port, *args):
    if cmd == "login":                       # login PORT USER PASS
        user, pw = args
        c = imap(port)
        try:
            c.login(user, pw)
        except imaplib.IMAP4.error:
            return 1
        c.select("INBOX")                    # proves the mail uid/home work
        c.logout()
        return 0
    if cmd == "quota":                       # quota PORT USER PASS -> limit in KiB
        user, pw = args
        c = imap(port); c.login(user, pw)
        typ, data = c.getquotaroot("INBOX")
        c.logout()
        for line in data[1]:
            s = line.decode() if isinstance(line, bytes) else str(line)
            if "STORAGE" in s:
                print(s.split("STORAGE")[1].strip(" ()").split()[1])
                return 0
        return 2
    if cmd == "deliver":                     # deliver LMTP_PORT RCPT SUBJECT
        rcpt, subject = args
        msg = (f"From: sistem@batam.go.id\r\nTo: {rcpt}\r\n"
               f"Subject: {subject}\r\n\r\nUji pengiriman LMTP.\r\n")
        with smtplib.LMTP("127.0.0.1", int(port), timeout=20) as s:
            try:
                s.sendmail("sistem@batam.go.id", [rcpt], msg)
            except smtplib.SMTPRecipientsRefused:
                return 1
        return 0
    if cmd == "has-subject":                 # has-subject PORT USER PASS SUBJECT
        user, pw, subject = args
        c = imap(port); c.login(user, pw)
        c.select("INBOX", readonly=True)
        typ, data = c.search(None, "SUBJECT", f'"{subject}"')
        c.logout()
        return 0 if data[0].split() else 1
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
sql() { sqlite3 -cmd '.timeout 5000' "$work/surel.db" "$@"; }

# --- Test database ---------------------------------------------------------
hash=$(doveadm -O pw -s ARGON2ID -p "$PASSWORD")
if [[ $hash == '{ARGON2ID}$argon2id$v=19$'* ]]; then
  ok "doveadm ARGON2ID hash has the Surel/Rust prefix {ARGON2ID}\$argon2id\$v=19\$"
else
  fail "unexpected doveadm hash format: $hash"
fi

# WAL mode like Surel; Dovecot only reads.
sql "PRAGMA journal_mode=WAL;" >/dev/null
sql <<SQL
CREATE TABLE mailboxes(address TEXT PRIMARY KEY, password_hash TEXT, status TEXT NOT NULL, quota_mb INTEGER NOT NULL);
CREATE VIEW dovecot_users AS
  SELECT address AS username, password_hash AS password, quota_mb
  FROM mailboxes WHERE status = 'active' AND password_hash IS NOT NULL;
INSERT INTO mailboxes VALUES ('$MBOX', '$hash', 'active', 1024);
INSERT INTO mailboxes VALUES ('siti.aminah@batam.go.id', '$hash', 'disabled', 1024);
INSERT INTO mailboxes VALUES ('belum.aktif@batam.go.id', NULL, 'active', 1024);
SQL

rust_user=""
if command -v argon2 >/dev/null; then
  # Same parameters and encoding as the Rust argon2 crate's default
  # (Argon2id v19, m=19456 KiB, t=2, p=1, 16-byte salt, 32-byte hash).
  salt=$(head -c 12 /dev/urandom | base64 | tr -d '+/=' | head -c 16)
  [[ ${#salt} -eq 16 ]] || salt=0123456789abcdef
  rust_hash="{ARGON2ID}$(printf '%s' "$PASSWORD" | argon2 "$salt" -id -t 2 -k 19456 -p 1 -l 32 -e)"
  rust_user=rust.params@batam.go.id
  sql "INSERT INTO mailboxes VALUES ('$rust_user', '$rust_hash', 'active', 500);"
fi

# --- Start --------------------------------------------------------------
imap_port=$(free_port)
lmtp_port=$(free_port)
while [[ $lmtp_port == "$imap_port" ]]; do lmtp_port=$(free_port); done

out=$(LMTP_PORT=$lmtp_port MASTER_USER=master MASTER_PASSWORD=$MASTER_PW \
      "$here/run-local.sh" "$work/surel.db" "$imap_port")
eval "$out"
[[ -n $DOVECOT_DIR && -n $DOVECOT_PID ]] || { echo "run-local.sh printed: $out"; exit 1; }
ok "run-local.sh started Dovecot (pid $DOVECOT_PID, IMAP $imap_port, LMTP $lmtp_port)"

rc=0
"$here/run-local.sh" "$work/surel.db" "$imap_port" >/dev/null 2>&1 || rc=$?
if (( rc != 0 )); then ok "run-local.sh refuses a port already in use"; else fail "run-local.sh started twice on one port"; fi

# --- Authentication -------------------------------------------------------
check  "LOGIN with the right password"             client login "$imap_port" "$MBOX" "$PASSWORD"
check  "LOGIN with the address in mixed case"      client login "$imap_port" "Budi.Santoso@Batam.go.id" "$PASSWORD"
refute "LOGIN with a wrong password fails"         client login "$imap_port" "$MBOX" "salah-sandi"
refute "LOGIN to a disabled mailbox fails"         client login "$imap_port" siti.aminah@batam.go.id "$PASSWORD"
refute "LOGIN to a mailbox without password fails" client login "$imap_port" belum.aktif@batam.go.id ""
refute "LOGIN for an unknown address fails"        client login "$imap_port" tidak.ada@batam.go.id "$PASSWORD"
if [[ -n $rust_user ]]; then
  check "LOGIN with a hash in the Rust crate's parameters (m=19456,t=2,p=1)" \
        client login "$imap_port" "$rust_user" "$PASSWORD"
else
  echo "skip - no argon2 CLI: Rust-parameter hash not checked"
fi

quota=$(client quota "$imap_port" "$MBOX" "$PASSWORD" || true)
if [[ $quota == 1048576 ]]; then ok "quota_mb 1024 shows as IMAP quota 1048576 KiB"; else fail "IMAP quota was '$quota', expected 1048576"; fi

users=$(doveadm -c "$DOVECOT_DIR/dovecot.conf" user '*' | sort | tr '\n' ' ')
expected=$(printf '%s\n' "$MBOX" $rust_user | sort | tr '\n' ' ')
if [[ $users == "$expected" ]]; then ok "iterate_query lists exactly the active mailboxes"; else fail "doveadm user '*' gave '$users', expected '$expected'"; fi

# --- Master user ------------------------------------------------------------
check  "master user: LOGIN $MBOX*master"                  client login "$imap_port" "$MBOX*master" "$MASTER_PW"
refute "master user with a wrong password fails"          client login "$imap_port" "$MBOX*master" "$PASSWORD"
refute "master user cannot open a disabled mailbox"       client login "$imap_port" "siti.aminah@batam.go.id*master" "$MASTER_PW"

# --- LMTP delivery, read back through the master user ----------------------
subject="Uji LMTP $RANDOM$RANDOM"
check  "LMTP delivers to an active mailbox"               client deliver "$lmtp_port" "$MBOX" "$subject"
check  "delivered message is readable over IMAP (master)" client has-subject "$imap_port" "$MBOX*master" "$MASTER_PW" "$subject"
refute "LMTP rejects a disabled mailbox"                  client deliver "$lmtp_port" siti.aminah@batam.go.id "$subject"

# --- Password change in the DB takes effect at once -------------------------
new_hash=$(doveadm -O pw -s ARGON2ID -p "$NEW_PASSWORD")
sql "UPDATE mailboxes SET password_hash = '$new_hash' WHERE address = '$MBOX';"
refute "after a password change the old password fails"  client login "$imap_port" "$MBOX" "$PASSWORD"
check  "after a password change the new password works"  client login "$imap_port" "$MBOX" "$NEW_PASSWORD"

# Disabling takes effect at once too.
sql "UPDATE mailboxes SET status = 'disabled' WHERE address = '$MBOX';"
refute "after disabling, LOGIN fails"                     client login "$imap_port" "$MBOX" "$NEW_PASSWORD"

# --- Stop ----------------------------------------------------------------------
if grep -E ' (Fatal|Panic|Error): ' "$DOVECOT_DIR/dovecot.log" >&2; then
  fail "dovecot.log has errors (above)"
else
  ok "dovecot.log has no Error/Fatal/Panic lines"
fi
"$here/stop-local.sh" "$DOVECOT_DIR"
stopped_dir=$DOVECOT_DIR
DOVECOT_DIR=""
sleep 0.2
if kill -0 "$DOVECOT_PID" 2>/dev/null || [[ -e $stopped_dir ]]; then
  fail "stop-local.sh left Dovecot running or its dir behind"
else
  ok "stop-local.sh stopped Dovecot and removed its dir"
fi

echo "$passed passed, $failed failed"
(( failed == 0 ))
