# The two commands: `make demo` (the whole flow against the sandbox) and
# `make test` (everything: Rust, header, C, Python, Java, Go).

SHELL := /bin/bash
ROOT := $(abspath .)
PROFILE_DIR := $(ROOT)/target/debug
export WXFACE_LIBRARY := $(PROFILE_DIR)/libwxface.so
export WXFACE_STATIC_LIBRARY := $(PROFILE_DIR)/libwxface.a
export WXFACE_SANDBOX := $(PROFILE_DIR)/wxface-sandbox
export WXFACE_INCLUDE := $(ROOT)/include

.PHONY: all build demo test pii-reset test-rust lint test-header test-install test-docs test-c test-python test-java test-go test-fuzz header install cross dist msrv test-samples bench fuzz clean

all: build

build:
	cargo build --all-targets
	scripts/soname-link.sh $(PROFILE_DIR)

demo:
	cargo build --bins --examples
	$(PROFILE_DIR)/examples/demo

# The single test command (README, .ci/run). Fails on the first red suite.
# Every suite logs at trace level into one file, and every sandbox records
# the tokens and verify_results it issued; the PII scan then proves that no
# log line or returned error message holds any of them, or a name or an ID.
PII_DIR := $(ROOT)/target/pii
test: export WXFACE_LOG_FILE := $(PII_DIR)/wxface.log
test: export WXFACE_LOG_LEVEL := trace
test: export WXFACE_SANDBOX_SECRETS_FILE := $(PII_DIR)/secrets.txt
test: export WXFACE_AUDIT_DIR := $(PII_DIR)/audit
test: pii-reset msrv lint test-rust test-header test-install test-docs test-c test-samples test-python test-java test-go test-fuzz
	python3 tests/pii_scan.py $(PII_DIR)/wxface.log $(PII_DIR)/secrets.txt $(PII_DIR)/audit
	@echo "make test: every suite passed"

pii-reset:
	mkdir -p $(PII_DIR)
	rm -f $(PII_DIR)/wxface.log $(PII_DIR)/secrets.txt
	rm -rf $(PII_DIR)/audit

lint:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings

test-rust: build
	cargo test --all-targets -- --show-output

# The committed header equals cbindgen's output (tests/header.rs, in
# test-rust) and compiles as C89-with-stdint, C99 and C++.
# Installs into a scratch prefix and builds the 1.0 quickstart as the
# README's "Installing" section says (pkg-config with and without rpath,
# LD_LIBRARY_PATH, the static library), running each against a sandbox.
test-install: build
	bash tests/install/run.sh

# The READMEs' code blocks equal their example files; the C examples compile
# with every warning an error; the README's shell sessions run against a sandbox.
test-docs: build
	bash tests/docs/run.sh

test-header: build
	printf '#include "wxface.h"\nint main(void){return WXFACE_OK;}\n' > $(ROOT)/target/header_check.c
	gcc -std=c99 -Wall -Wextra -pedantic -Werror -I include -c $(ROOT)/target/header_check.c -o $(ROOT)/target/header_check_c.o
	g++ -x c++ -std=c++11 -Wall -Wextra -Werror -I include -c $(ROOT)/target/header_check.c -o $(ROOT)/target/header_check_cpp.o
	@echo "header check: include/wxface.h compiles as C99 and C++11"

test-c: build
	bash tests/c/run.sh

# The legacy declarations in samples/ equal what the header generates, and
# the C sample, built with pkg-config from an installed prefix, verifies.
test-samples: build
	bash samples/test.sh

# The oldest Rust the locked dependencies allow (rust-version in Cargo.toml):
# the workspace must check with it. The first suite of `make test`.
MSRV := $(shell sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
msrv:
	rustup toolchain list | grep -q '^$(MSRV)' || rustup toolchain install $(MSRV) --profile minimal
	CARGO_TARGET_DIR=$(ROOT)/target/msrv cargo +$(MSRV) check --locked --workspace --lib --bins

test-python: build
	bash bindings/python/test.sh

test-java: build
	bash bindings/java/test.sh

test-go: build
	bash bindings/go/test.sh

# A bounded libFuzzer run of every target (10 s each) from the committed
# seeds; `make fuzz` runs them for 10 minutes each.
test-fuzz:
	env -u WXFACE_LOG_FILE bash fuzz/run.sh 10

fuzz:
	bash fuzz/run.sh 600

# Installs the header, the shared library with its SONAME links, the static
# library and a pkg-config file: `make install PREFIX=/opt/wxface`.
PREFIX ?= /usr/local
INSTALL_PROFILE ?= release
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
install:
	cargo build --lib --bin wxface $(if $(filter release,$(INSTALL_PROFILE)),--release,)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 target/$(INSTALL_PROFILE)/wxface $(DESTDIR)$(PREFIX)/bin/
	install -m 644 include/wxface.h $(DESTDIR)$(PREFIX)/include/
	install -m 755 target/$(INSTALL_PROFILE)/libwxface.so $(DESTDIR)$(PREFIX)/lib/libwxface.so.$(VERSION)
	soname=$$(readelf -d target/$(INSTALL_PROFILE)/libwxface.so | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p'); \
	  ln -sf libwxface.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/$$soname; \
	  ln -sf $$soname $(DESTDIR)$(PREFIX)/lib/libwxface.so
	install -m 644 target/$(INSTALL_PROFILE)/libwxface.a $(DESTDIR)$(PREFIX)/lib/
	# A release install carries no debug information (make dist ships it separately).
	$(if $(filter release,$(INSTALL_PROFILE)),strip --strip-unneeded $(DESTDIR)$(PREFIX)/lib/libwxface.so.$(VERSION) && strip --strip-debug $(DESTDIR)$(PREFIX)/lib/libwxface.a,true)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' wxface.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/wxface.pc

# Rewrites include/wxface.h from the sources (commit the result).
header:
	WXFACE_WRITE_HEADER=1 cargo build --lib

# Every shipped platform built as `make dist` ships it (glibc 2.17 Linux
# x86_64/aarch64 and i686, Windows 7 x64/x86) and the whole C suite run
# against each: natively, under qemu-user (aarch64) and under wine
# (Windows, with the stdcall LoadLibrary program and the import-table
# check); each run's pass count checked, and every platform must pass the
# same number. Installs its pinned toolchains (scripts/platforms/env.sh);
# not in `make test`: building the five platforms cold took 55 minutes on
# a busy 2-core machine (most of it the standard library for Windows 7),
# the tests then about 2 minutes.
cross:
	bash scripts/cross-check.sh

# target/dist/wxface-VERSION-{linux-x86_64,linux-aarch64}.tar.gz and
# -{windows-x64,windows-x86}.zip with SHA256SUMS: stripped libraries with
# separate debug files, static and import libraries, header, pkg-config
# file, LICENSE, INSTALL. Installs its pinned toolchains like `make cross`.
dist:
	bash scripts/platforms/package.sh

bench: export WXFACE_LIBRARY := $(ROOT)/target/release/libwxface.so
bench: export WXFACE_SANDBOX := $(ROOT)/target/release/wxface-sandbox
bench:
	cargo build --release --lib --bins --examples
	scripts/soname-link.sh $(ROOT)/target/release
	bash benches/run.sh

clean:
	cargo clean
