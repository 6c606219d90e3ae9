# Sourced by the other scripts: installs what is missing (quietly when all is
# there) and puts the right toolchain first on PATH.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
boot_out=$(bash "$ROOT/.ci/bootstrap.sh")
export "$(printf '%s\n' "$boot_out" | tail -n 1)"
export CARGO_TERM_COLOR=never
# Where cargo puts binaries (CI keeps its cache outside the clone).
export TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# The whole site: server and staff bundle (cargo-leptos), then the light
# bundle for public pages and precompressed files (.ci/build-light.sh).
build_site() {
  # --split: each lazy staff route is its own WASM chunk (app/src/lazy.rs)
  cargo leptos build --release --split
  bash "$ROOT/.ci/build-light.sh"
}
