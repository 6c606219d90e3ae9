#!/usr/bin/env bash
# `make run`: build, migrate an embedded SQLite file under data/, seed demo data
# when empty, print the demo logins, serve http://127.0.0.1:3000.
source "$(dirname "$0")/env.sh"
cargo leptos build --release
export DATABASE_URL=${DATABASE_URL:-sqlite://data/surel.db}
export SUREL_SITE_ROOT=${SUREL_SITE_ROOT:-target/site}
"$TARGET_DIR/release/surel" migrate
"$TARGET_DIR/release/surel" seed-demo --if-empty
exec "$TARGET_DIR/release/surel" serve
