# The two commands: `make demo` (the whole flow against the sandbox) and
# `make test` (everything: Rust, header, C, Python, Java, Go).

SHELL := /bin/bash
ROOT := $(abspath .)
PROFILE_DIR := $(ROOT)/target/debug
export WXFACE_LIBRARY := $(PROFILE_DIR)/libwxface.so
export WXFACE_STATIC_LIBRARY := $(PROFILE_DIR)/libwxface.a
export WXFACE_SANDBOX := $(PROFILE_DIR)/wxface-sandbox
export WXFACE_INCLUDE := $(ROOT)/include

.PHONY: all build demo test pii-reset test-rust lint test-header test-c test-python test-java test-go header bench fuzz clean

all: build

build:
	cargo build --all-targets

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
test: pii-reset lint test-rust test-header test-c test-python test-java test-go
	python3 tests/pii_scan.py $(PII_DIR)/wxface.log $(PII_DIR)/secrets.txt
	@echo "make test: every suite passed"

pii-reset:
	mkdir -p $(PII_DIR)
	rm -f $(PII_DIR)/wxface.log $(PII_DIR)/secrets.txt

lint:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings

test-rust: build
	cargo test --all-targets -- --show-output

# The committed header equals cbindgen's output (tests/header.rs, in
# test-rust) and compiles as C89-with-stdint, C99 and C++.
test-header: build
	printf '#include "wxface.h"\nint main(void){return WXFACE_OK;}\n' > $(ROOT)/target/header_check.c
	gcc -std=c99 -Wall -Wextra -pedantic -Werror -I include -c $(ROOT)/target/header_check.c -o $(ROOT)/target/header_check_c.o
	g++ -x c++ -std=c++11 -Wall -Wextra -Werror -I include -c $(ROOT)/target/header_check.c -o $(ROOT)/target/header_check_cpp.o
	@echo "header check: include/wxface.h compiles as C99 and C++11"

test-c: build
	bash tests/c/run.sh

test-python: build
	bash bindings/python/test.sh

test-java: build
	bash bindings/java/test.sh

test-go: build
	bash bindings/go/test.sh

# Rewrites include/wxface.h from the sources (commit the result).
header:
	WXFACE_WRITE_HEADER=1 cargo build --lib

bench:
	cargo build --release --all-targets
	cargo run --release --example bench_push
	bash benches/c/run.sh

clean:
	cargo clean
