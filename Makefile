# Surel. `make run` serves the demo on http://127.0.0.1:3000; `make test` runs every test.
# Both install what is missing first (.ci/bootstrap.sh).
.PHONY: run test bench build bootstrap clean

run:
	@bash .ci/run-demo.sh

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
