#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the project's KUnit suites into an arm64 6.12 kernel and run them
# under qemu-system-aarch64 with the tree's own kunit.py.
#
#   scripts/kunit.sh                 every suite of every .kunitconfig
#   scripts/kunit.sh 'dumpregion*'   only suites matching a glob
#   DR_KUNIT_SANITIZER=kcsan scripts/kunit.sh
#                                    the same under KCSAN instead of KASAN
#                                    (tests/kunit/kcsan.kunitconfig)
#   DR_KUNIT_ARCH=x86_64 scripts/kunit.sh
#                                    the core's suites (kernel/dumpregion/)
#                                    in an x86_64 kernel under
#                                    qemu-system-x86_64: the core is not
#                                    arm64-only
#
# Counts passed/failed cases from kunit.py's JSON, then fails the run on any
# lockdep, KASAN, sleeping-in-atomic or other kernel warning in the log.
# Read whole before running: editing the file meanwhile cannot derail it.
{
set -euo pipefail
. "$(dirname "$0")/lib.sh"

filter=${1:-}
tree=$("$DR_TOP/scripts/prepare-tree.sh")
san=${DR_KUNIT_SANITIZER:-}
case "$san" in
"") debugcfg=$DR_TOP/tests/kunit/debug.kunitconfig; label="KASAN, lockdep"; suffix= ;;
kcsan) debugcfg=$DR_TOP/tests/kunit/kcsan.kunitconfig; label="KCSAN, lockdep"; suffix=-kcsan ;;
*) dr_die "unknown DR_KUNIT_SANITIZER=$san" ;;
esac
arch=${DR_KUNIT_ARCH:-arm64}
case "$arch" in
arm64)
	archargs=(--arch=arm64 --cross_compile=aarch64-linux-gnu-)
	cc="ccache aarch64-linux-gnu-gcc"
	kmake=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	kcdirs="kernel drivers fs"
	srcdirs="arch/arm64 kernel drivers fs"
	;;
x86_64)
	archargs=(--arch=x86_64)
	cc="ccache gcc"
	kmake=(ARCH=x86_64)
	kcdirs="kernel"
	srcdirs="kernel"
	suffix=$suffix-x86_64
	;;
*) dr_die "unknown DR_KUNIT_ARCH=$arch" ;;
esac
build=$DR_CACHE/build-kunit$suffix-$(dr_kver)
mkdir -p "$build" "$DR_RESULTS"
json=$DR_RESULTS/kunit$suffix.json
log=$DR_RESULTS/kunit$suffix.log
rm -f "$json" "$log"

common=("${archargs[@]}" --build_dir="$build"
	--qemu_args='-smp 2' --kunitconfig="$debugcfg")
while read -r kc; do
	common+=(--kunitconfig="$DR_TOP/$kc")
done < <(cd "$DR_TOP" && find $kcdirs -name .kunitconfig 2>/dev/null | sort)
command -v ccache >/dev/null && common+=(--make_options="CC=$cc")
exec_args=(--timeout=900 --json="$json")
[ -n "$filter" ] && exec_args+=("$filter")

# Build, then boot: kunit.py keeps the build's output to itself, so the
# harness reports its progress.
rc=0
dr_progress_start "kunit$suffix" "KUnit kernel ($arch, $label)" "$build" 6 "$DR_RESULTS/kunit$suffix-build.log"
(cd "$tree" && /usr/bin/python3 tools/testing/kunit/kunit.py build "${common[@]}" \
	--jobs="$(nproc)" >"$DR_RESULTS/kunit$suffix-build.log" 2>&1) || rc=$?
dr_progress_stop
if [ "$rc" -ne 0 ]; then
	tail -40 "$DR_RESULTS/kunit$suffix-build.log" >&2
else
	dr_log "KUnit: booting the suites under QEMU ($arch)"
	(cd "$tree" && /usr/bin/python3 tools/testing/kunit/kunit.py exec "${common[@]}" \
		"${exec_args[@]}") || rc=$?
fi
cp -f "$build/test.log" "$log" 2>/dev/null || true

counts=$(/usr/bin/python3 - "$json" <<'PY' 2>/dev/null || echo "0 0"
import json, sys

def walk(t, c):
    for case in t.get("test_cases", []):
        st = case.get("status")
        if st == "PASS":
            c[0] += 1
        elif st != "SKIP":
            c[1] += 1
    for sub in t.get("sub_groups", []):
        walk(sub, c)

c = [0, 0]
walk(json.load(open(sys.argv[1])), c)
print(c[0], c[1])
PY
)
read -r passed failed <<<"$counts"

splat='BUG:|WARNING:|INFO: |Oops|Kernel panic|Call trace:|inconsistent lock state|suspicious RCU'
if [ -f "$log" ] && grep -Eq "$splat" "$log"; then
	echo "KUnit: kernel log has warnings (see $log):" >&2
	grep -E -m 20 -A 12 "$splat" "$log" >&2 || true
	failed=$((failed + 1))
fi
# The project's own objects must build warning-free with W=1.
if [ "$rc" -eq 0 ]; then
	mapfile -t srcs < <(cd "$DR_TOP" && find $srcdirs -name '*.c' 2>/dev/null | sort)
	dirs=$(printf '%s\n' "${srcs[@]}" | xargs -n1 dirname | sort -u | sed 's|$|/|')
	# shellcheck disable=SC2086
	w1=$(make -C "$tree" O="$build" "${kmake[@]}" \
		CC="$cc" W=1 -j"$(nproc)" $dirs 2>&1 |
		grep -E "(^|/)($(printf '%s|' "${srcs[@]}" | sed 's/|$//')):[0-9]+:[0-9]+: (warning|error)" || true)
	if [ -n "$w1" ]; then
		echo "KUnit: W=1 warnings in project sources:" >&2
		printf '%s\n' "$w1" >&2
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
	fi
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	echo "KUnit: kunit.py failed (exit $rc) without a failing case" >&2
	failed=1
fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
	echo "KUnit: no test ran" >&2
	failed=1
fi
dr_result "kunit$suffix" "$passed" "$failed"
echo "KUnit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
exit
}
