#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every suite (fast gates, host tests and fuzzing, KUnit and
# end-to-end under QEMU), then print one line
# "N passed, N failed" summing them.  Exits non-zero on any failure or
# when no test ran.
# Read whole before running: editing the file meanwhile cannot derail it.
{
set -uo pipefail
. "$(dirname "$0")/lib.sh"

rm -rf "$DR_RESULTS"
mkdir -p "$DR_RESULTS"
start=$(date +%s)

# Everything the suites print is kept, so that the failures can be named
# again just above the summary: the end of a long CI log is what is read.
log=$DR_TOP/build/test-output.log
mkdir -p "$DR_TOP/build"
{
	"$DR_TOP/scripts/check.sh" || true
	"$DR_TOP/scripts/patches.sh" --check || true
	"$DR_TOP/scripts/lint.sh" || true
	"$DR_TOP/scripts/oot.sh" || true
	"$DR_TOP/scripts/host-tests.sh" || true
	"$DR_TOP/scripts/kunit.sh" || true
	DR_KUNIT_ARCH=x86_64 "$DR_TOP/scripts/kunit.sh" || true
	"$DR_TOP/scripts/e2e.sh" || true
} 2>&1 | tee "$log"

passed=0
failed=0
for s in check series lint oot host kunit kunit-x86_64 e2e; do
	if [ -f "$DR_RESULTS/$s" ]; then
		read -r _ p f < "$DR_RESULTS/$s"
	else
		echo "suite $s recorded no result" >&2
		p=0
		f=1
	fi
	printf '  %-12s %4d passed, %d failed\n' "$s" "$p" "$f"
	passed=$((passed + p))
	failed=$((failed + f))
done
if grep -qE '^ *not ok |\[FAILED\] ' "$log"; then
	echo "failed:"
	grep -E '^ *not ok |\[FAILED\] ' "$log" | cut -c1-300 | sed 's/^ */  /'
fi
echo "test time: $(( $(date +%s) - start ))s"
[ "$passed" -gt 0 ] || failed=$((failed + 1))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
exit
}
