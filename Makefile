# mini-redis: the two commands a newcomer needs on a fresh Debian 12 machine (as root):
#
#   make run    installs any missing Debian packages, builds a release binary,
#               starts the server on 127.0.0.1:6379 (PORT=6380 to change it)
#   make test   installs any missing Debian packages, builds, runs every test
#
# Everything else is for developers: test-asan, fuzz, bench, format, lint.

PORT ?= 6379

# ccache (CMakeLists.txt) keys objects by paths relative to the tree, so that
# builds in a clone elsewhere, as CI's, reuse them.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
JOBS ?= 2
FUZZ_SECONDS ?= 60

# What building needs, and what the tests need on top (the reference Redis,
# its clients, redis-py, pytest, clang for the fuzzer).
BUILD_PACKAGES := g++ make cmake ninja-build ccache libasio-dev libabsl-dev libjemalloc-dev liblzf-dev libssl-dev \
                  pkg-config liblua5.1-0-dev lua-cjson-dev lua-bitop-dev
TEST_PACKAGES  := $(BUILD_PACKAGES) libgtest-dev libbenchmark-dev python3 python3-pytest \
                  python3-redis redis-server redis-tools clang-16 libclang-rt-16-dev
DEV_PACKAGES   := clang-format clang-tidy-16

# Installs only what dpkg says is missing, so a second run costs nothing.
define install_missing
	@missing=$$(for p in $(1); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

.PHONY: run test build test-asan fuzz bench format lint deps-build deps-test deps-dev clean

deps-build:
	$(call install_missing,$(BUILD_PACKAGES))

deps-test:
	$(call install_missing,$(TEST_PACKAGES))

deps-dev:
	$(call install_missing,$(DEV_PACKAGES))

build: deps-build
	cmake --preset release -DMINI_REDIS_TESTS=OFF >/dev/null
	cmake --build --preset release -j $(JOBS) --target mini-redis-server

run: build
	./build/release/mini-redis-server --port $(PORT) --bind 127.0.0.1

test: deps-test
	cmake --preset release -DMINI_REDIS_TESTS=ON >/dev/null
	cmake --build --preset release -j $(JOBS)
	ctest --test-dir build/release --output-on-failure -j $(JOBS)

# Unit and end-to-end tests under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: deps-test
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build/asan --output-on-failure -j $(JOBS) -E '^(diff|clients|bench_compare_quick)$$'

# The request parser under libFuzzer for FUZZ_SECONDS.
fuzz: deps-test
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run.sh

bench: deps-test
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)
	/usr/bin/python3 bench/compare

format: deps-dev
	git ls-files '*.cpp' '*.h' ':!workshop/src' | xargs clang-format -i
	python3 workshop/generate.py  # the learner's copies follow src/

# clang-tidy 16 (14 cannot parse our C++23). Asio 1.22 only detects coroutine
# support under g++, so clang is told about it; and libstdc++ 12 hides
# std::expected from clang 16, whose __cpp_concepts is older than it asks for.
lint: deps-dev
	cmake --preset debug >/dev/null
	JOBS=$(JOBS) python3 tools/lint.py

clean:
	rm -rf build

# ---- workshop -------------------------------------------------------------------
# The hands-on workshop (workshop/README.md): a copy of the server whose step
# cores are TODOs, in workshop/src/, generated from src/ by workshop/generate.py.
#
#   make workshop-setup              before the session: packages, configure, build
#                                    the server and every step's tests (warms ccache)
#   make workshop-run                build the learner's server, run it (PORT=...)
#   make workshop-test STEP=2        build what step 2 needs, then run its tests (1-10, or all)
#   make workshop-diff FILE=storage/database.cpp   the learner's file vs the solution
#   make workshop-solve STEP=2       fill step 2 in from the solution
#   make workshop-generate           regenerate workshop/src/ after changing src/
#   make workshop-check              what CI checks (workshop/check.sh)
STEP ?= all
WORKSHOP_BUILD := build/workshop
WORKSHOP_PACKAGES := $(BUILD_PACKAGES) lld libgtest-dev python3 python3-pytest redis-tools

# What each step's tests need built: one program for steps 1-4, 7, 8 (so a rebuild
# after editing one file compiles it and links one program), the server for
# 5, 6, 9 and 10, everything for `all`.
WORKSHOP_TARGET_1 := step1_test
WORKSHOP_TARGET_2 := step2_test
WORKSHOP_TARGET_3 := step3_test
WORKSHOP_TARGET_4 := step4_test
WORKSHOP_TARGET_5 := mini-redis-server
WORKSHOP_TARGET_6 := mini-redis-server
WORKSHOP_TARGET_7 := step7_test
WORKSHOP_TARGET_8 := step8_test
WORKSHOP_TARGET_9 := mini-redis-server
WORKSHOP_TARGET_10 := mini-redis-server
WORKSHOP_TARGET_all := all

.PHONY: workshop-deps workshop-configure workshop-setup workshop-build workshop-run workshop-test \
        workshop-diff workshop-solve workshop-generate workshop-check

workshop-deps:
	$(call install_missing,$(WORKSHOP_PACKAGES))

# Configures once; after that ninja re-runs CMake by itself when a
# CMakeLists.txt changes or a source file appears.
workshop-configure: workshop-deps
	@test -f $(WORKSHOP_BUILD)/build.ninja || \
	  cmake -S workshop -B $(WORKSHOP_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	    -DWORKSHOP_SOURCES=skeleton -DWORKSHOP_SKELETON_DIR=$(CURDIR)/workshop/src >/dev/null

# Everything slow, before the session: after it, the first `make
# workshop-test STEP=1` only runs the tests (timings: workshop/facilitator/steps.md).
workshop-setup: workshop-configure
	cmake --build $(WORKSHOP_BUILD) -j $(JOBS)
	@echo "workshop: ready. Start with: make workshop-test STEP=1"

workshop-build: workshop-configure
	cmake --build $(WORKSHOP_BUILD) -j $(JOBS)

workshop-run: workshop-configure
	cmake --build $(WORKSHOP_BUILD) -j $(JOBS) --target mini-redis-server
	./$(WORKSHOP_BUILD)/server/mini-redis-server --port $(PORT) --bind 127.0.0.1 --save ""

workshop-test: workshop-configure
	@test -n "$(WORKSHOP_TARGET_$(STEP))" || { echo "STEP must be 1 to 10, or all"; exit 2; }
	@cmake --build $(WORKSHOP_BUILD) -j $(JOBS) --target $(WORKSHOP_TARGET_$(STEP))
	@case "$(STEP)" in \
	  1|2|3|4|7|8) timeout 120 ./$(WORKSHOP_BUILD)/step$(STEP)_test || { [ $$? -ne 124 ] || echo 'step $(STEP): timed out after 120 s (each test stops itself after 5 s: was the program stuck before its tests ran?)'; exit 1; } ;; \
	  5|6|9|10) MINI_REDIS_SERVER=$(CURDIR)/$(WORKSHOP_BUILD)/server/mini-redis-server \
	       /usr/bin/python3 -m pytest -v -p no:cacheprovider workshop/tests/step$(STEP)_*_test.py ;; \
	  all) ctest --test-dir $(WORKSHOP_BUILD) --output-on-failure ;; \
	  *) echo "STEP must be 1 to 10, or all"; exit 2 ;; \
	esac

workshop-diff:
	@test -n "$(FILE)" || { echo "usage: make workshop-diff FILE=storage/database.cpp"; exit 2; }
	@/usr/bin/python3 workshop/generate.py --diff $(FILE)

workshop-solve:
	@case "$(STEP)" in 1|2|3|4|5|7|8|9|10) ;; *) echo "usage: make workshop-solve STEP=1 (to 5, 7 to 10)"; exit 2 ;; esac
	@/usr/bin/python3 workshop/generate.py --solve $(STEP)

workshop-generate:
	@/usr/bin/python3 workshop/generate.py

workshop-check: workshop-deps
	bash workshop/check.sh
