#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of the tools that parse RAM images, devicetrees and core
# files: cmocka suites under ASan/UBSan; the collector on a sparse 8 GiB
# image (constant memory, physical-address ELF, overlapping regions,
# progress); then the libFuzzer targets for a bounded time each
# (FUZZ_SECONDS, default 30).  Each cmocka case, each collector check and
# each fuzz run count as one test.
# Read whole before running: editing the file meanwhile cannot derail it.
{
set -uo pipefail
. "$(dirname "$0")/lib.sh"

out=$DR_TOP/build/host
mkdir -p "$out"
passed=0
failed=0
cflags=(-Wall -Wextra -Werror -g -O1 -fsanitize=address,undefined
	-fno-sanitize-recover=all -I"$DR_TOP/tools")
fuzzflags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I"$DR_TOP/tools")
t=$DR_TOP/tools
tt=$DR_TOP/tests/tools
collector=("$t/mdread.c" "$t/minidump.c" "$t/kelf.c" "$t/fdt.c" "$t/util.c")

ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }

build() {
	gcc "${cflags[@]}" -o "$out/mksmem" "$t/mksmem.c" "$t/smem_build.c" "$t/util.c" &&
	gcc "${cflags[@]}" -o "$out/mdread" "${collector[@]}" &&
	gcc "${cflags[@]}" -o "$out/kdmesg" "$t/kdmesg.c" "$t/kcore.c" "$t/util.c" &&
	gcc "${cflags[@]}" -o "$out/test_minidump" "$tt/test_minidump.c" \
		"$t/minidump.c" "$t/smem_build.c" "$t/util.c" "$t/kelf.c" -lcmocka &&
	gcc "${cflags[@]}" -o "$out/kpstore" "$t/kpstore.c" "$t/ramoops.c" "$t/fdt.c" "$t/kcore.c" "$t/util.c" &&
	gcc "${cflags[@]}" -o "$out/test_collector" "$tt/test_collector.c" \
		"$t/fdt.c" "$t/kcore.c" "$t/kelf.c" "$t/minidump.c" "$t/ramoops.c" "$t/util.c" -lcmocka &&
	gcc "${cflags[@]}" -o "$out/mkseed" "$tt/mkseed.c" "$t/smem_build.c" "$t/util.c" &&
	# Without sanitizers: their shadow memory would hide the collector's own.
	gcc -Wall -Wextra -Werror -O2 -I"$t" -o "$out/mdread-plain" "${collector[@]}" &&
	gcc -Wall -Wextra -Werror -O2 -I"$t" -o "$out/mkimage" "$tt/mkimage.c" "$t/smem_build.c" "$t/util.c" &&
	gcc "${cflags[@]}" -o "$out/qdlasm" "$tt/qdlasm.c" &&
	clang-14 "${fuzzflags[@]}" -o "$out/fuzz_minidump" "$tt/fuzz_minidump.c" \
		"$t/minidump.c" "$t/kelf.c" "$t/util.c" &&
	clang-14 "${fuzzflags[@]}" -o "$out/fuzz_collector" "$tt/fuzz_collector.c" \
		"$t/fdt.c" "$t/kcore.c" "$t/ramoops.c" "$t/util.c"
}

cmocka() {
	local tap rc p f

	tap=$(CMOCKA_MESSAGE_OUTPUT=TAP "$1" 2>&1)
	rc=$?
	printf '%s\n' "$tap" | grep -E '^(not )?ok ' | sed 's/^/  /'
	p=$(printf '%s\n' "$tap" | grep -c '^ok ')
	f=$(printf '%s\n' "$tap" | grep -c '^not ok ')
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	passed=$((passed + p))
	failed=$((failed + f))
}

# The collector on an 8 GiB sparse image with a 256 MiB region near its
# end: memory stays small, the ELF has the region's bytes.
collector_checks() {
	local img=$out/big.img elf=$out/big.elf rss rc args
	args=(--ram-base 0x80000000 --smem 0x80000000,0x100000)

	"$out/mkimage" -o "$img" -s 0x200000000 -r big,0x1e0000000,0x10000000 \
		-r small,0x200000,4096 || { not_ok "mkimage"; return; }
	rss=$( { /usr/bin/time -f 'rss=%M' "$out/mdread-plain" -q --image "$img" "${args[@]}" \
		--elf "$elf" 2>&1 >/dev/null; } | sed -n 's/^rss=//p')
	if [ -n "$rss" ] && [ "$rss" -lt 16384 ] &&
	   [ "$(stat -c %s "$elf")" -gt $((256 << 20)) ]; then
		ok "collector: 8 GiB sparse image, 256 MiB region -> ELF of $(stat -c %s "$elf") bytes in ${rss} KiB of memory"
	else
		not_ok "collector: max RSS ${rss:-?} KiB (limit 16 MiB) or short ELF"
	fi
	if readelf -S "$elf" 2>&1 | grep -q ' big ' && readelf -S "$elf" | grep -q ' small ' &&
	   ! readelf -a "$elf" 2>&1 | grep -qi 'warning\|error'; then
		ok "collector: without KELF, readelf accepts the physical ELF with a section per region"
	else
		not_ok "collector: physical ELF rejected by readelf"
	fi
	rm -f "$elf"

	"$out/mkimage" -o "$img" -s 0x1000000 -r one,0x200000,0x2000 -r two,0x201000,0x100 || return
	"$out/mdread" -q --image "$img" "${args[@]}" --list >/dev/null 2>"$out/overlap.err"
	rc=$?
	if [ "$rc" -eq 7 ] && grep -q 'regions one and two overlap' "$out/overlap.err"; then
		ok "collector: overlapping regions reported by name, exit 7"
	else
		not_ok "collector: overlapping regions gave exit $rc: $(cat "$out/overlap.err")"
	fi
	"$out/mdread" --progress --image "$img" "${args[@]}" --list >/dev/null 2>"$out/progress.err"
	if grep -q 'MiB read' "$out/progress.err"; then
		ok "collector: --progress reports bytes read"
	else
		not_ok "collector: no progress output"
	fi
	"$out/mdread" -q --image "$img" --dtb /dev/null --list >/dev/null 2>"$out/dtb.err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -q 'not a devicetree' "$out/dtb.err"; then
		ok "collector: a bad --dtb is refused with a message, exit 2"
	else
		not_ok "collector: bad --dtb gave exit $rc"
	fi
	rm -f "$img"
}

fuzz() {
	local name=$1 corpus=$out/corpus-$1 secs=${FUZZ_SECONDS:-30}

	if "$out/$name" -max_total_time="$secs" -max_len=131072 \
		-artifact_prefix="$out/" "$corpus" >"$out/$name.log" 2>&1; then
		ok "$name: $(grep -o 'Done [0-9]* runs in [0-9]* second' "$out/$name.log"), no crash"
	else
		not_ok "$name found a crash (see $out/$name.log and $out/crash-*)"
		tail -30 "$out/$name.log"
	fi
}

if ! build; then
	not_ok "build host tools and tests (-Wall -Wextra -Werror, ASan/UBSan)"
	dr_result host "$passed" "$failed"
	exit 1
fi
ok "build host tools and tests (-Wall -Wextra -Werror, ASan/UBSan)"

cmocka "$out/test_minidump"
cmocka "$out/test_collector"
collector_checks

mkdir -p "$out/corpus-fuzz_minidump" "$out/corpus-fuzz_collector"
"$out/mkseed" "$out/corpus-fuzz_minidump/seed" &&
	"$out/mkseed" "$out/corpus-fuzz_minidump/seed-cached" cached &&
	"$out/test_collector" --seeds "$out/corpus-fuzz_collector" ||
	not_ok "write fuzz seeds"
fuzz fuzz_minidump
fuzz fuzz_collector

dr_result host "$passed" "$failed"
echo "host: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
exit
}
