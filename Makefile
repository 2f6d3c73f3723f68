# dCMMS — the two commands a fresh machine needs:
#   make run    install dependencies, build, seed the demo plant, start the server + simulator
#   make test   install dependencies, build with ASan+UBSan, run every test
SHELL := /bin/bash
JOBS ?= $(shell nproc)
DATA_DIR ?= $(CURDIR)/data
LISTEN ?= 127.0.0.1:8080

.PHONY: deps build build-asan run test unit integration bench clean

deps:
	@bash scripts/install-deps.sh

build: deps
	cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DDCMMS_TESTS=OFF
	cmake --build build/release -j $(JOBS)

build-asan: deps
	cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="-O1 -g1" -DDCMMS_SANITIZE=ON -DDCMMS_BENCH=OFF
	cmake --build build/asan -j $(JOBS)

run: build
	@bash scripts/run-demo.sh build/release/dcmms "$(DATA_DIR)" "$(LISTEN)"

test:
	@bash scripts/test-all.sh

bench: build
	@bash bench/run-all.sh

clean:
	rm -rf build
