# svcnet — build, run and test on a fresh Debian machine.
#   make up     build everything and start a cluster the seed's kubectl commands work against
#   make test   build everything and run lint, typecheck and all tests
# `build` installs what is missing (Debian packages, npm packages) and is quiet when done already.

DEB_PACKAGES := iptables nftables conntrack iproute2 iputils-arping nginx-light dnsutils etcd-server etcd-client curl openssl ca-certificates util-linux mount chromium
SHELL := /bin/bash

.PHONY: build deps debs npm up test lint typecheck unit e2e bench bench-dns bench-userspace bench-first-packet clean

build: deps dist/.built

deps: debs npm

debs:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

npm: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

dist/.built: node_modules/.installed tsconfig.json $(shell find src test bench scripts -name '*.ts' 2>/dev/null)
	npx tsc -p tsconfig.json
	@touch $@

up: build
	node bin/svcnet.js up

typecheck: npm
	npx tsc -p tsconfig.json --noEmit

lint: npm
	npx eslint --no-error-on-unmatched-pattern src test bench scripts

unit: build
	node --test --test-concurrency=2 --test-timeout=180000 $$(find dist/src -name '*.test.js' | sort)

e2e: build
	node --test --test-concurrency=1 --test-timeout=300000 $$(find dist/test -name '*.test.js' | sort)

# The spec reporter repeats every failure at the end, so the tail of a CI log names it.
test: build lint
	node --test --test-reporter=spec --test-concurrency=2 --test-timeout=300000 $$(find dist/src dist/test dist/bench -name '*.test.js' | sort)

bench: build
	node dist/bench/api-writes.js

# The DNS benchmark runs dnsperf against svcnet dns, NSD and Unbound (peers serving the same zone).
BENCH_DNS_PACKAGES := dnsperf nsd unbound
bench-dns: build
	@missing=$$(for p in $(BENCH_DNS_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	node dist/bench/dns-perf.js

# The userspace proxy benchmark forwards the same backend through svcnet, HAProxy and socat.
BENCH_PROXY_PACKAGES := haproxy socat
bench-userspace: build
	@missing=$$(for p in $(BENCH_PROXY_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	node dist/bench/userspace-proxy.js

# New connections through a ClusterIP among 10,000 services: iptables vs nftables vs direct to the pod (as root; about 3 minutes).
bench-first-packet: build
	node dist/bench/first-packet.js

clean:
	rm -rf dist
