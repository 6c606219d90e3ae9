#!/usr/bin/env bash
# The second half of building the site, after `cargo leptos build --release`
# (which empties target/site first, so this must come after it):
#  1. the light bundle for public pages (`light/`): wasm32 with the same
#     size-first profile as the staff bundle, wasm-bindgen --target web,
#     wasm-opt -Oz, into target/site/pkg/light.js + light_bg.wasm;
#  2. every file in target/site/pkg precompressed (.br, .gz) for the server.
# Sourced by env.sh's build_site; runs on its own too (after env.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET_DIR="${TARGET_DIR:-${CARGO_TARGET_DIR:-$ROOT/target}}"
PKG="$ROOT/target/site/pkg"
FRONT="$TARGET_DIR/front"
cd "$ROOT"
cargo build --quiet -p light --lib --target wasm32-unknown-unknown --profile wasm-release --target-dir "$FRONT"
wasm-bindgen --target web --no-typescript --out-dir "$PKG" --out-name light \
  "$FRONT/wasm32-unknown-unknown/wasm-release/light.wasm"
# the same features cargo-leptos enables for the staff bundle
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$PKG/light_bg.wasm" -o "$PKG/light_bg.wasm"
node "$ROOT/.ci/precompress.mjs" "$PKG"
