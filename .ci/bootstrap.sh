#!/usr/bin/env bash
# Installs every tool Surel needs to build and test, idempotently.
# Two paths, detected rather than assumed:
#   - rustup can add wasm32-unknown-unknown (a developer machine with internet): use it;
#   - otherwise (these Debian machines): Debian's rustc-web 1.96 plus a wasm32 std
#     built once from the shipped source (see shared/notes/toolchain.md).
# Prints the PATH to use on its last line as `PATH=...` so the Makefile can pick it up.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
log() { printf '[bootstrap] %s\n' "$*" >&2; }
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

apt_updated=""
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then log "please install: ${missing[*]}"; return 1; fi
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq >&2; apt_updated=1; fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
}

# --- System packages: browser, mail server, databases, build helpers -----------------
# Postfix is only used as a throwaway instance (server/deploy/postfix/run-local.sh):
# preseed debconf so installing it neither prompts nor sets up a system mail server.
if ! dpkg -s postfix >/dev/null 2>&1 && command -v debconf-set-selections >/dev/null; then
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
fi
apt_install chromium dovecot-imapd dovecot-sqlite dovecot-pgsql dovecot-lmtpd \
            postfix postfix-sqlite postfix-pgsql \
            postgresql sqlite3 pkg-config libssl-dev argon2 nginx-light

# --- Rust toolchain able to build wasm32 ---------------------------------------------
TOOLPATH=""
rustup_ok() {   # rustup's rustc must be >= 1.96 (cargo-leptos needs it) and able to target wasm32
  command -v rustup >/dev/null || return 1
  # rustup's own rustc, not whichever is first on PATH (after `source
  # .ci/env.sh` that is Debian's 1.96, which said nothing about rustup's)
  local rc v; rc=$(rustup which rustc 2>/dev/null) || return 1
  v=$("$rc" --version 2>/dev/null | awk '{print $2}') || return 1
  [ "$(printf '%s\n1.96.0\n' "$v" | sort -V | head -1)" = "1.96.0" ] || return 1
  rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown \
    || rustup target add wasm32-unknown-unknown >/dev/null 2>&1
}
if [ -z "${SUREL_FORCE_DEBIAN_RUST:-}" ] && rustup_ok; then
  log "using rustup's toolchain with wasm32-unknown-unknown"
else
  log "using Debian's rustc-web toolchain"
  apt_install rustc-web cargo-web rust-web-src lld-22
  TOOLPATH=/usr/bin
  D=/usr/lib/rustlib/wasm32-unknown-unknown/lib
  if ! ls "$D"/libstd-*.rlib >/dev/null 2>&1; then
    log "building the wasm32 standard library once (about a minute)"
    tmp=$(mktemp -d)
    ( export PATH=/usr/bin:$PATH
      cargo new --lib --vcs none -q "$tmp/sysroot" && cd "$tmp/sysroot"
      RUSTC_BOOTSTRAP=1 cargo build -q --release --target wasm32-unknown-unknown \
        -Zbuild-std=std,panic_abort,panic_unwind >&2
      $SUDO mkdir -p "$D"
      $SUDO cp target/wasm32-unknown-unknown/release/deps/*.rlib "$D"/
      $SUDO rm -f "$D"/libsysroot-*.rlib )
    rm -rf "$tmp"
  fi
fi
export PATH="${TOOLPATH:+$TOOLPATH:}$HOME/.cargo/bin:$PATH"

# --- cargo-leptos and wasm-bindgen-cli ----------------------------------------------
# cargo-leptos ships `lto = true, codegen-units = 1`, which costs ~30 min on 2 cores;
# a build tool needs no LTO, so these overrides make the install several times faster.
fast_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  CARGO_PROFILE_RELEASE_OPT_LEVEL=2 cargo install -q "$@" >&2
}
CL_VERSION=0.3.11
if ! cargo leptos --version 2>/dev/null | grep -q "$CL_VERSION"; then
  log "installing cargo-leptos $CL_VERSION (several minutes, once)"
  fast_install cargo-leptos --version "$CL_VERSION" --locked --features no_downloads
fi
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' "$ROOT/Cargo.lock" 2>/dev/null || true)
if [ -n "$WB_VERSION" ] && ! wasm-bindgen --version 2>/dev/null | grep -q "$WB_VERSION"; then
  log "installing wasm-bindgen-cli $WB_VERSION (a few minutes, once)"
  # No --locked: its lockfile pins a webpki-roots the registry here does not serve.
  fast_install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

# --- Node: Playwright and a current wasm-opt (Debian's v108 breaks hydration) -------
if [ ! -x "$ROOT/end2end/node_modules/.bin/playwright" ] || [ ! -x "$ROOT/end2end/node_modules/.bin/wasm-opt" ] \
   || [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
  log "npm ci in end2end/"
  ( cd "$ROOT/end2end" && npm ci --no-audit --no-fund --loglevel=error >&2 )
fi

echo "PATH=$ROOT/.ci/bin:$ROOT/end2end/node_modules/.bin:${TOOLPATH:+$TOOLPATH:}$HOME/.cargo/bin:$PATH"
