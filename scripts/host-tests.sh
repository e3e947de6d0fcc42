#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of the tools that parse RAM images: cmocka suites under
# ASan/UBSan, then the libFuzzer target for a bounded time (FUZZ_SECONDS,
# default 30).  Each cmocka case and the fuzz run count as one test.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

out=$DR_TOP/build/host
mkdir -p "$out"
passed=0
failed=0
cflags=(-Wall -Wextra -Werror -g -O1 -fsanitize=address,undefined
	-fno-sanitize-recover=all -I"$DR_TOP/tools")
t=$DR_TOP/tools

build() {
	gcc "${cflags[@]}" -o "$out/mksmem" "$t/mksmem.c" "$t/smem_build.c" &&
	gcc "${cflags[@]}" -o "$out/mdread" "$t/mdread.c" "$t/minidump.c" "$t/kelf.c" &&
	gcc "${cflags[@]}" -o "$out/test_minidump" "$DR_TOP/tests/tools/test_minidump.c" \
		"$t/minidump.c" "$t/smem_build.c" "$t/kelf.c" -lcmocka &&
	gcc "${cflags[@]}" -o "$out/mkseed" "$DR_TOP/tests/tools/mkseed.c" "$t/smem_build.c" &&
	clang-14 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-I"$t" -o "$out/fuzz_minidump" "$DR_TOP/tests/tools/fuzz_minidump.c" "$t/minidump.c" \
		"$t/kelf.c"
}

if ! build; then
	echo "not ok - build host tools and tests (-Wall -Wextra -Werror, ASan/UBSan)"
	dr_result host 0 1
	exit 1
fi
echo "ok - build host tools and tests (-Wall -Wextra -Werror, ASan/UBSan)"
passed=1

tap=$(CMOCKA_MESSAGE_OUTPUT=TAP "$out/test_minidump" 2>&1)
rc=$?
printf '%s\n' "$tap" | grep -E '^(not )?ok ' | sed 's/^/  /'
p=$(printf '%s\n' "$tap" | grep -c '^ok ')
f=$(printf '%s\n' "$tap" | grep -c '^not ok ')
[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
passed=$((passed + p))
failed=$((failed + f))

corpus=$out/corpus
mkdir -p "$corpus"
"$out/mkseed" "$corpus/seed" && "$out/mkseed" "$corpus/seed-cached" cached
secs=${FUZZ_SECONDS:-30}
if "$out/fuzz_minidump" -max_total_time="$secs" -max_len=131072 \
	-artifact_prefix="$out/" "$corpus" >"$out/fuzz.log" 2>&1; then
	echo "ok - fuzz_minidump: $(grep -o 'Done [0-9]* runs in [0-9]* second' "$out/fuzz.log"), no crash"
	passed=$((passed + 1))
else
	echo "not ok - fuzz_minidump found a crash (see $out/fuzz.log and $out/crash-*)"
	tail -30 "$out/fuzz.log"
	failed=$((failed + 1))
fi

dr_result host "$passed" "$failed"
echo "host: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
