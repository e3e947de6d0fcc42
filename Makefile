# SPDX-License-Identifier: GPL-2.0
#
# dumpregion: top-level harness.  The kernel tree and build directories live
# in $(DUMPREGION_CACHE) (default ~/.cache/dumpregion), never in the clone.

SHELL := /bin/bash

.PHONY: all deps tree tools check lint oot host kunit kunit-x86_64 kcsan e2e test demo bench patches bisect clean distclean

all: test

deps:
	@scripts/deps.sh

tree: deps
	@scripts/prepare-tree.sh

# the host tools alone, without a kernel (build/tools/)
tools: deps
	@scripts/build-tools.sh

check: deps
	@scripts/check.sh

# sparse (C=2) and clang-14 W=1 over the project's objects (part of make test)
lint: deps
	@scripts/lint.sh

# the providers as out-of-tree modules against Debian's arm64
# linux-headers (part of make test)
oot: deps
	@scripts/oot.sh

# host tools' cmocka tests under ASan/UBSan, and the fuzzer
# (FUZZ_SECONDS=30 by default)
host: deps
	@scripts/host-tests.sh

# make kunit                    all suites
# make kunit SUITE='dumpregion' one suite (kunit.py filter glob)
kunit: deps
	@scripts/kunit.sh $(SUITE)

# the core's KUnit suites in an x86_64 kernel (part of make test)
kunit-x86_64: deps
	@DR_KUNIT_ARCH=x86_64 scripts/kunit.sh $(SUITE)

# the KUnit suites in a KCSAN kernel instead of KASAN (not part of make test)
kcsan: deps
	@DR_KUNIT_SANITIZER=kcsan scripts/kunit.sh $(SUITE)

# make e2e                      all end-to-end cases under QEMU
# make e2e CASES='good short'   some of them
e2e: deps
	@scripts/e2e.sh $(CASES)

test: deps
	@scripts/test.sh

# the patch series against the 6.12 tree, with a cover letter (build/patches/)
patches: deps
	@scripts/patches.sh

# every patch of the series builds (slow, not part of make test)
bisect: deps
	@scripts/bisect.sh

# boot, crash, collect, show what was recovered (files in build/demo/)
demo: deps
	@scripts/demo.sh

# collector throughput against cat on the same image
bench: deps
	@scripts/bench.sh

clean:
	rm -rf build

distclean: clean
	rm -rf "$${DUMPREGION_CACHE:-$${XDG_CACHE_HOME:-$$HOME/.cache}/dumpregion}"
