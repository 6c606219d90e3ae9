# Surel. `make run` serves the demo on http://127.0.0.1:3000; `make test` runs every test.
# `make cluster` runs it as in production, on loopback: two instances on PostgreSQL
# behind nginx, http://127.0.0.1:8080 (.ci/cluster.sh; Ctrl-C stops everything).
# All three install what is missing first (.ci/bootstrap.sh).
.PHONY: run cluster test bench build build-production bootstrap clean

run:
	@bash .ci/run-demo.sh

cluster:
	@bash .ci/cluster.sh

test:
	@bash .ci/test.sh

bench:
	@bash .ci/bench.sh

build:
	@bash -c 'source .ci/env.sh && build_site'

# The server for deployment: opt-level 3 with thin LTO (README, Performance:
# about 20 % more pages a second than `make build`'s opt-level 1, same reset
# times, for a build that takes about half an hour more). The site is `make build`'s.
build-production: build
	@bash -c 'source .ci/env.sh && CARGO_TARGET_DIR="$$ROOT/target/production" CARGO_PROFILE_RELEASE_OPT_LEVEL=3 \
	  CARGO_PROFILE_RELEASE_LTO=thin CARGO_PROFILE_RELEASE_INCREMENTAL=false LEPTOS_OUTPUT_NAME=surel \
	  cargo build --release -p server --bin surel --no-default-features && echo "built $$ROOT/target/production/release/surel"'

bootstrap:
	@bash .ci/bootstrap.sh >/dev/null

clean:
	rm -rf target/site data
