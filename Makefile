# Surel. `make run` serves the demo on http://127.0.0.1:3000; `make test` runs every test.
# `make cluster` runs it as in production, on loopback: two instances on PostgreSQL
# behind nginx, http://127.0.0.1:8080 (.ci/cluster.sh; Ctrl-C stops everything).
# All three install what is missing first (.ci/bootstrap.sh).
.PHONY: run cluster test bench build bootstrap clean

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

bootstrap:
	@bash .ci/bootstrap.sh >/dev/null

clean:
	rm -rf target/site data
