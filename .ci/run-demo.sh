#!/usr/bin/env bash
# `make run`: build, migrate an embedded SQLite file under data/, seed demo data
# when empty, print the demo logins, serve http://127.0.0.1:3000. With root and
# Dovecot installed, a local Dovecot on the same file tests new mailboxes.
source "$(dirname "$0")/env.sh"
build_site
export DATABASE_URL=${DATABASE_URL:-sqlite://data/surel.db}
export SUREL_SITE_ROOT=${SUREL_SITE_ROOT:-target/site}
# Demo mode: messages (codes, links) on the outbox page instead of an SMS gateway.
export SUREL_DEMO=${SUREL_DEMO:-true}
"$TARGET_DIR/release/surel" migrate
"$TARGET_DIR/release/surel" seed-demo --if-empty
if [[ -z ${SUREL_MAIL_LMTP:-} && $DATABASE_URL == sqlite://* ]]; then
  source "$ROOT/.ci/dovecot-env.sh"
  start_dovecot "${DATABASE_URL#sqlite://}" "${SUREL_DEMO_IMAP_PORT:-1143}" "${SUREL_DEMO_LMTP_PORT:-1024}"
  trap stop_dovecot EXIT
fi
"$TARGET_DIR/release/surel" serve
