#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bisect: every patch of the series builds.  Writes the series
# (scripts/patches.sh), then checks out each of its commits in turn in a
# clone of the series' git tree and builds it: arm64, allnoconfig +
# tests/lint/lint.config (the core built in, providers, ramoops and the
# KUnit suites as modules; options a patch has not added yet are simply
# absent), gcc through ccache, vmlinux and modules.  The build directory is
# kept between commits, so after the first (a cold build, about 6 minutes
# on 2 cores) each costs what the patch changes.  A commit fails on a build
# error or on a compiler warning in a file of the project.
# Not part of make test (about 15 minutes); results in build/bisect/.
{
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$DR_TOP/scripts/patches.sh" > /dev/null
work=$DR_TOP/build/patches-work
src=$DR_CACHE/bisect-src
build=$DR_CACHE/build-bisect-$(dr_kver)
out=$DR_TOP/build/bisect
frag=$DR_TOP/tests/lint/lint.config
mkdir -p "$out" "$build"

if [ -d "$src/.git" ]; then
	git -C "$src" fetch -q "$work" HEAD
	git -C "$src" checkout -q -f FETCH_HEAD
else
	rm -rf "$src"
	git clone -q "$work" "$src"
fi
base=$(git -C "$src" rev-list --max-parents=0 HEAD)
kmake=(make -C "$src" O="$build" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
       CC="ccache aarch64-linux-gnu-gcc" -j"$(nproc)")
ours="$(dr_ours_regex)(warning|error):"

n=0
bad=0
start=$(date +%s)
for c in $(git -C "$src" rev-list --reverse "$base"..HEAD); do
	n=$((n + 1))
	subj=$(git -C "$src" log -1 --format=%s "$c")
	git -C "$src" checkout -q -f "$c"
	log=$out/$(printf '%02d' "$n").log
	t0=$(date +%s)
	if "${kmake[@]}" KCONFIG_ALLCONFIG="$frag" allnoconfig > "$log" 2>&1 &&
	   "${kmake[@]}" vmlinux modules >> "$log" 2>&1 &&
	   ! grep -Eq "$ours" "$log"; then
		echo "ok $n - builds ($(( $(date +%s) - t0 ))s): $subj"
	else
		grep -E "$ours|error" "$log" | head -10 | sed 's/^/    /'
		echo "not ok $n - does not build cleanly ($log): $subj"
		bad=$((bad + 1))
	fi
done
echo "bisect: $n patches, $bad failed, $(( $(date +%s) - start ))s"
[ "$bad" -eq 0 ]
exit
}
