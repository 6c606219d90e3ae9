#!/usr/bin/env bash
# `make test`: every test. Unit and integration tests (SQLite and PostgreSQL,
# real Dovecot, a loopback SMS gateway), then Playwright in Chromium.
source "$(dirname "$0")/env.sh"
echo "== formatting (rustfmt.toml)"
# rustfmt comes with rustup (CI has it); a machine without it is told so
# instead of failing the tests it came to run.
if cargo fmt --version >/dev/null 2>&1 || { command -v rustup >/dev/null && rustup component add rustfmt >/dev/null 2>&1; }; then
  cargo fmt --all --check
else
  echo "   rustfmt is not installed: formatting NOT checked (install rustup's rustfmt)"
fi
echo "== lints (clippy -D warnings: model, domain, migrations, app (ssr), server)"
if cargo clippy --version >/dev/null 2>&1 || { command -v rustup >/dev/null && rustup component add clippy >/dev/null 2>&1; }; then
  # rustup's clippy is another compiler than the build's: its toolchain goes
  # first on PATH (so dependencies are built by the same rustc), and it gets
  # its own target dir
  PATH="$(dirname "$(command -v cargo-clippy)"):$PATH" CARGO_TARGET_DIR="$TARGET_DIR/clippy" \
    cargo clippy -q -p model -p domain -p migrations -p app --features app/ssr -p server --all-targets -- -D warnings
else
  echo "   clippy is not installed: lints NOT checked (install rustup's clippy)"
fi
echo "== build (release site and server)"
build_site
echo "== unit and integration tests"
# Same features and the same compile-time environment as the site build
# (leptos reads LEPTOS_OUTPUT_NAME when compiled), so the tests reuse every
# dependency the release build compiled instead of building them again.
# `light` goes on its own: its web-sys features would change the others'.
LEPTOS_OUTPUT_NAME=surel cargo test --release --no-fail-fast -p model -p domain -p app --features app/ssr -p server -p migrations
cargo test --release --no-fail-fast -p light
echo "== browser tests"
cd end2end && npx playwright test
