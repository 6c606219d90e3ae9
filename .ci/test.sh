#!/usr/bin/env bash
# `make test`: every test. Unit and integration tests (SQLite and PostgreSQL,
# real Dovecot, a loopback SMS gateway), then Playwright in Chromium.
source "$(dirname "$0")/env.sh"
echo "== formatting (rustfmt.toml)"
cargo fmt --all --check
echo "== build (release site and server)"
cargo leptos build --release
echo "== unit and integration tests"
cargo test --release --no-fail-fast -p model -p domain -p app --features app/ssr -p server -p migrations
echo "== browser tests"
cd end2end && npx playwright test
