# SPDX-License-Identifier: EUPL-1.2
# Rathaus: `make run` serves the demo on http://127.0.0.1:8080, `make test` runs every test.

JOBS ?= $(shell nproc)
RELEASE := build/release
RATHAUS_DB ?= sqlite:var/rathaus.db
export RATHAUS_DB

.PHONY: all setup build run test fuzz bench format clean

all: build

setup:
	scripts/setup

build: setup
	cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=Release -DRATHAUS_WERROR=OFF >/dev/null
	cmake --build $(RELEASE) -j$(JOBS) --target rathaus

run: build
	mkdir -p var/data
	test -s var/secret.key || (umask 077 && head -c 32 /dev/urandom | base64 > var/secret.key)
	$(RELEASE)/rathaus migrate
	RATHAUS_SECRET_KEY_FILE=var/secret.key $(RELEASE)/rathaus demo
	RATHAUS_SECRET_KEY_FILE=var/secret.key $(RELEASE)/rathaus serve

test: setup
	scripts/test

fuzz: setup
	scripts/fuzz

bench:
	scripts/setup bench
	scripts/bench

format:
	clang-format -i $$(git ls-files 'src/*.[ch]' 'tests/*.[ch]')

clean:
	rm -rf build
