# Sourced by serve-test.sh and run-demo.sh: a throwaway Dovecot on the SQLite
# file, with LMTP and a master user, so Surel's account test (deliver, read
# back) runs against a real mail server. Exports SUREL_MAIL_* for `surel serve`.
DOVECOT_DIR=""

start_dovecot() { # DB_PATH (or a postgres:// URL) IMAP_PORT LMTP_PORT
  local run="$ROOT/server/deploy/dovecot/run-local.sh"
  if [[ $EUID -ne 0 ]] || ! command -v dovecot >/dev/null; then
    echo "[surel] no local Dovecot (needs root and dovecot-imapd/lmtpd): account tests will report 'not configured'" >&2
    return 0
  fi
  local master_password
  master_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  local out
  if ! out=$(LMTP_PORT=$3 MASTER_USER=surel-test MASTER_PASSWORD=$master_password "$run" "$1" "$2"); then
    echo "[surel] local Dovecot did not start: account tests will fail with the reason" >&2
    return 0
  fi
  DOVECOT_DIR=$(printf '%s\n' "$out" | sed -n 's/^DOVECOT_DIR=//p')
  export SUREL_MAIL_LMTP="127.0.0.1:$3" SUREL_MAIL_IMAP="127.0.0.1:$2"
  export SUREL_MAIL_MASTER_USER=surel-test SUREL_MAIL_MASTER_PASSWORD=$master_password
  echo "[surel] local Dovecot: IMAP 127.0.0.1:$2, LMTP 127.0.0.1:$3" >&2
}

stop_dovecot() {
  if [[ -n $DOVECOT_DIR ]]; then
    "$ROOT/server/deploy/dovecot/stop-local.sh" "$DOVECOT_DIR" >/dev/null 2>&1 || true
    DOVECOT_DIR=""
  fi
}
