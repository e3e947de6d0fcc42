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
collector=("$t/mdread.c" "$t/minidump.c" "$t/kelf.c" "$t/drindex.c" "$t/fdt.c" "$t/util.c")

ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }

build() {
	gcc "${cflags[@]}" -o "$out/mksmem" "$t/mksmem.c" "$t/smem_build.c" "$t/util.c" &&
	gcc "${cflags[@]}" -o "$out/mdread" "${collector[@]}" -lz &&
	gcc "${cflags[@]}" -o "$out/kdmesg" "$t/kdmesg.c" "$t/kcore.c" "$t/util.c" &&
	gcc "${cflags[@]}" -o "$out/test_minidump" "$tt/test_minidump.c" \
		"$t/minidump.c" "$t/smem_build.c" "$t/util.c" "$t/kelf.c" -lcmocka &&
	gcc "${cflags[@]}" -o "$out/kpstore" "$t/kpstore.c" "$t/ramoops.c" "$t/fdt.c" "$t/kcore.c" "$t/util.c" -lz &&
	gcc "${cflags[@]}" -o "$out/test_collector" "$tt/test_collector.c" \
		"$t/fdt.c" "$t/kcore.c" "$t/kelf.c" "$t/drindex.c" "$t/minidump.c" "$t/ramoops.c" \
		"$t/util.c" -lcmocka -lz &&
	gcc "${cflags[@]}" -o "$out/mkseed" "$tt/mkseed.c" "$t/smem_build.c" "$t/util.c" &&
	# Without sanitizers: their shadow memory would hide the collector's own.
	gcc -Wall -Wextra -Werror -O2 -I"$t" -o "$out/mdread-plain" "${collector[@]}" -lz &&
	gcc -Wall -Wextra -Werror -O2 -I"$t" -o "$out/mkimage" "$tt/mkimage.c" "$t/smem_build.c" "$t/util.c" &&
	gcc -Wall -Wextra -Werror -O2 -shared -fPIC -o "$out/eio.so" "$tt/eio_preload.c" -ldl &&
	gcc "${cflags[@]}" -o "$out/qdlasm" "$tt/qdlasm.c" &&
	clang-14 "${fuzzflags[@]}" -o "$out/fuzz_minidump" "$tt/fuzz_minidump.c" \
		"$t/minidump.c" "$t/kelf.c" "$t/util.c" &&
	clang-14 "${fuzzflags[@]}" -o "$out/fuzz_collector" "$tt/fuzz_collector.c" \
		"$t/fdt.c" "$t/kcore.c" "$t/ramoops.c" "$t/drindex.c" "$t/kelf.c" "$t/minidump.c" \
		"$t/util.c" -lz &&
	clang-14 "${fuzzflags[@]}" -Dmain=mdread_main -o "$out/fuzz_mdread" "$tt/fuzz_mdread.c" \
		"${collector[@]}" -lz
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

# Output paths (audit N1, N4, N5, N8, H1): standard output by "-" or by a
# link into /proc, a link to a file elsewhere, a terminal, a full device,
# links and colliding names in the --dump directory, FIFOs as inputs.
# $1: an image whose ELF is $out/ok.elf (exit 7: two regions overlap).
collector_outputs() {
	local img=$1 rc rc2 rc3 rc4 d=$out/outputs
	shift
	rm -rf "$d"
	mkdir -p "$d"
	ln -s /proc/self/fd/1 "$d/mystdout"
	"$out/mdread" -q --image "$img" "$@" --elf "$d/mystdout" > "$d/via-link.elf" 2>/dev/null
	rc=$?
	"$out/mdread" -q --image "$img" "$@" --elf - > "$d/via-dash.elf" 2>/dev/null
	rc2=$?
	if [ "$rc" -eq 7 ] && [ "$rc2" -eq 7 ] && [ -L "$d/mystdout" ] &&
	   cmp -s "$d/via-link.elf" "$out/ok.elf" && cmp -s "$d/via-dash.elf" "$out/ok.elf"; then
		ok "collector: --elf - and --elf LINK-to-/proc/self/fd/1 write standard output; the link stays a link (N1)"
	else
		not_ok "collector: --elf to standard output: exit $rc/$rc2, link $(stat -c %F "$d/mystdout")"
	fi
	echo old > "$d/target.elf"
	ln -s target.elf "$d/tlink"
	"$out/mdread" -q --image "$img" "$@" --elf "$d/tlink" 2>/dev/null
	rc=$?
	if [ "$rc" -eq 7 ] && [ -L "$d/tlink" ] && cmp -s "$d/target.elf" "$out/ok.elf" &&
	   [ -z "$(ls "$d" | grep -v '^\(mystdout\|via-link.elf\|via-dash.elf\|target.elf\|tlink\)$')" ]; then
		ok "collector: --elf LINK writes the file the link names, keeps the link, leaves no temporary file (N1)"
	else
		not_ok "collector: --elf through a link: exit $rc, $(ls -l "$d" | tr '\n' ' ')"
	fi
	script -qec "$out/mdread -q --image $img $* --elf -" /dev/null > "$d/tty.out" 2>&1
	rc=$?
	"$out/mdread" -q --image "$img" "$@" --list --elf - > /dev/null 2> "$d/both.err"
	rc2=$?
	if [ "$rc" -eq 2 ] && grep -q 'is a terminal' "$d/tty.out" &&
	   [ "$rc2" -eq 2 ] && grep -q 'both write to standard output' "$d/both.err"; then
		ok "collector: an ELF to a terminal, or with --list on standard output, is refused (exit 2)"
	else
		not_ok "collector: terminal output: exit $rc ($(head -c 200 "$d/tty.out")), --list with -: $rc2"
	fi
	"$out/mdread" -q --image "$img" "$@" --list > /dev/full 2> "$d/full.err"
	rc=$?
	if [ "$rc" -eq 6 ] && grep -q 'No space left on device' "$d/full.err"; then
		ok "collector: --list into a full device is exit 6 with the error (N8)"
	else
		not_ok "collector: --list > /dev/full gave exit $rc: $(cat "$d/full.err")"
	fi
	"$out/mdread" -q --image "$img" "$@" --elf /dev/full 2> "$d/elffull.err"
	rc=$?
	if [ "$rc" -eq 6 ] && grep -q 'cannot write /dev/full: No space left on device' "$d/elffull.err"; then
		ok "collector: an ELF write error names the path and the errno, exit 6 (C2)"
	else
		not_ok "collector: --elf /dev/full gave exit $rc: $(cat "$d/elffull.err")"
	fi
	echo previous > "$d/ix.elf"
	"$out/mdread" -q --image "$img" --ram-base 0x80000000 --index-at 0x10000000,0x10000 \
		--elf "$d/ix.elf" 2> "$d/ix.err"
	rc=$?
	if [ "$rc" -eq 5 ] && [ "$(cat "$d/ix.elf")" = previous ] &&
	   grep -q 'no region collected: .* not written' "$d/ix.err"; then
		ok "collector: an unreadable dump index writes no empty ELF over the previous one, exit 5 (N9)"
	else
		not_ok "collector: index outside RAM: exit $rc, ELF $(head -c 8 "$d/ix.elf" | od -An -c)"
	fi
	"$out/mdread" -q --image "$img" --ram-base -1 --smem 0x80000000,0x100000 --list \
		> /dev/null 2>&1
	rc=$?
	"$out/mdread" -q --image "$img@-0x1000" --smem 0x80000000,0x100000 --list > /dev/null 2>&1
	rc2=$?
	"$out/kdmesg" --tail -1 "$img" > /dev/null 2>&1
	rc3=$?
	"$out/kdmesg" "$d" > /dev/null 2> "$d/kdir.err"
	rc4=$?
	if [ "$rc" -eq 2 ] && [ "$rc2" -ne 0 ] && [ "$rc3" -eq 2 ] && [ "$rc4" -ne 0 ] &&
	   grep -q 'a directory, not a regular file' "$d/kdir.err"; then
		ok "collector: negative numbers are refused (--ram-base -1, FILE@-ADDR, --tail -1), a directory is named as one (C12, C13)"
	else
		not_ok "collector: negative numbers: exit $rc/$rc2/$rc3; directory: $rc4 $(cat "$d/kdir.err")"
	fi
	# Three regions whose file names meet: b, b again, b-1.
	"$out/mkimage" -o "$d/names.img" -s 0x1000000 -r b,0x200000,0x100 \
		-r b,0x201000,0x200 -r b-1,0x202000,0x300 || return
	mkdir "$d/dump"
	echo precious > "$d/precious"
	"$out/mdread" -q --image "$d/names.img" "$@" --dump "$d/dump" 2> "$d/names.err"
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$(stat -c %s "$d/dump/md_b.BIN")" -eq 256 ] &&
	   [ "$(stat -c %s "$d/dump/md_b-1.BIN")" -eq 512 ] &&
	   [ "$(stat -c %s "$d/dump/md_b-1-1.BIN")" -eq 768 ] &&
	   [ "$(grep -c 'is taken: written as' "$d/names.err")" -eq 2 ] &&
	   grep -q 'region b-1 (seq 0): md_b-1.BIN is taken: written as md_b-1-1.BIN$' "$d/names.err"; then
		ok "collector: --dump never replaces a file of the same run: colliding names get a suffix, said by their file names (N4, C10)"
	else
		not_ok "collector: --dump names: exit $rc, $(ls -l "$d/dump" | tr '\n' ' ') $(cat "$d/names.err")"
	fi
	rm -f "$d/dump"/*
	ln -s ../precious "$d/dump/md_b.BIN"
	"$out/mdread" -q --image "$d/names.img" "$@" --dump "$d/dump" 2> "$d/link.err"
	rc=$?
	if [ "$rc" -eq 6 ] && [ "$(cat "$d/precious")" = precious ] &&
	   grep -q 'is a symbolic link: not writing through it' "$d/link.err"; then
		ok "collector: --dump does not write through a link planted in the directory, exit 6 (N5)"
	else
		not_ok "collector: --dump through a link: exit $rc, precious: $(head -c 40 "$d/precious")"
	fi
	mkfifo "$d/fifo"
	timeout 10 "$out/mdread" -q --image "$d/fifo" "$@" --list > /dev/null 2> "$d/fifo.err"
	rc=$?
	timeout 10 "$out/mdread" -q --image "$img" --dtb "$d/fifo" --list > /dev/null 2>> "$d/fifo.err"
	rc2=$?
	timeout 10 "$out/kdmesg" "$d/fifo" > /dev/null 2>> "$d/fifo.err"
	rc3=$?
	timeout 10 "$out/kpstore" --dtb "$d/fifo" "$d/fifo" > /dev/null 2>> "$d/fifo.err"
	rc4=$?
	if [ "$rc" -eq 2 ] && [ "$rc2" -eq 2 ] && [ "$rc3" -ne 124 ] && [ "$rc4" -ne 124 ] &&
	   grep -q 'must be seekable' "$d/fifo.err" && grep -q 'is a pipe, not a devicetree' "$d/fifo.err" &&
	   [ "$(grep -c 'a pipe, not a regular file' "$d/fifo.err")" -ge 2 ]; then
		ok "collector: a FIFO as --image, --dtb or a kdmesg/kpstore core is refused at once (H1)"
	else
		not_ok "collector: FIFO inputs: exit $rc/$rc2/$rc3: $(cat "$d/fifo.err")"
	fi
}

# Field dumps (audit N3, N6, H5, C1, C4, C8, C9, C11): the output bounded
# by the memory dumped, holes and truncation collected around, read errors
# said as such, block devices read like files.
collector_field() {
	local d=$out/field rc rc2 rc3 size dev
	local args=(--ram-base 0x80000000 --smem 0x80000000,0x100000)
	rm -rf "$d"
	mkdir -p "$d"
	# 50 entries naming the same 32 MiB: one copy in the file (N3).
	"$out/mkimage" -o "$d/dup.img" -s 0x4000000 -n 50 -r dup,0x400000,0x2000000 || return
	"$out/mdread" -q --image "$d/dup.img" "${args[@]}" --elf "$d/dup.elf" 2>/dev/null
	rc=$?
	size=$(stat -c %s "$d/dup.elf")
	if [ "$rc" -eq 0 ] && [ "$size" -gt $((32 << 20)) ] && [ "$size" -lt $((33 << 20)) ] &&
	   [ "$(readelf -S "$d/dup.elf" | grep -c ' dup\(\.[0-9]*\)\? ')" -eq 50 ] &&
	   [ "$(readelf -l "$d/dup.elf" | grep -c LOAD)" -eq 1 ]; then
		ok "collector: 50 regions naming the same 32 MiB give one load, an ELF of $((size >> 20)) MiB (N3)"
	else
		not_ok "collector: 50 copies of 32 MiB: exit $rc, ELF of $size bytes"
	fi
	rm -f "$d/dup.img" "$d/dup.elf"
	# More regions than an ELF numbers without extended numbering (H5, C11).
	"$out/mkimage" -o "$d/many.img" -s 0x1000000 -n 70000 -r t,0x800000,0x10 || return
	"$out/mdread" -q --image "$d/many.img" "${args[@]}" --elf "$d/many.elf" 2>"$d/many.err"
	rc=$?
	if [ "$rc" -eq 4 ] && grep -q 'lists 4723 regions more than the 65277 collected at most' "$d/many.err" &&
	   [ "$(readelf -h "$d/many.elf" | sed -n 's/.*Number of section headers: *//p')" -eq 65279 ]; then
		ok "collector: a table of 70000 regions: 65277 collected into the ELF, the rest said, exit 4 (H5, C11)"
	else
		not_ok "collector: 70000 regions: exit $rc: $(head -c 300 "$d/many.err")"
	fi
	rm -f "$d/many.img" "$d/many.elf"
	# A corrupt KELF index: the physical ELF is still written, exit 8 (C11).
	"$out/mkimage" -o "$d/kelf.img" -s 0x1000000 -r KELF,0x300000,0x1000 \
		-r data,0x400000,0x1000 || return
	"$out/mdread" -q --image "$d/kelf.img" "${args[@]}" --elf "$d/kelf.elf" 2>"$d/kelf.err"
	rc=$?
	if [ "$rc" -eq 8 ] && grep -q 'corrupt KELF header; .* has physical addresses only' "$d/kelf.err" &&
	   readelf -S "$d/kelf.elf" | grep -q ' data ' &&
	   [ "$(readelf -l "$d/kelf.elf" | grep -c LOAD)" -eq 2 ]; then
		ok "collector: a corrupt KELF index still gives the physical ELF, exit 8 (C11)"
	else
		not_ok "collector: corrupt KELF: exit $rc: $(cat "$d/kelf.err")"
	fi
	# Read errors are I/O errors (6) in every path, never "truncated" (C1).
	"$out/mkimage" -o "$d/mem.img" -s 0x1000000 -r one,0x200000,0x2000 -r two,0x900000,0x100 || return
	echo previous > "$d/eio.elf"
	EIO_FROM=0x900000 LD_PRELOAD=$out/eio.so "$out/mdread-plain" -q --image "$d/mem.img" \
		"${args[@]}" --elf "$d/eio.elf" 2>"$d/eio.err"
	rc=$?
	EIO_FROM=0x100000 LD_PRELOAD=$out/eio.so "$out/mdread-plain" -q --image "$d/mem.img" \
		"${args[@]}" --list >/dev/null 2>>"$d/eio.err"
	rc2=$?
	EIO_FROM=0x300000 LD_PRELOAD=$out/eio.so "$out/mdread-plain" -q --image "$d/kelf.img" \
		"${args[@]}" --elf "$d/eio2.elf" 2>>"$d/eio.err"
	rc3=$?
	if [ "$rc" -eq 6 ] && [ "$rc2" -eq 6 ] && [ "$rc3" -eq 6 ] && [ "$(cat "$d/eio.elf")" = previous ] &&
	   grep -q 'dumped memory at 0x80900000: reading the image: Input/output error: .*eio.elf not written' "$d/eio.err" &&
	   grep -q 'region table entry 0 of 2 at 0x80100000: reading the image: Input/output error' "$d/eio.err" &&
	   grep -q 'the KELF region at 0x80300000: reading the image: Input/output error' "$d/eio.err" &&
	   ! grep -qi 'truncat\|hole\|ends early' "$d/eio.err"; then
		ok "collector: read errors in a region, the table and the KELF index are exit 6 with the errno; the old ELF is kept (C1)"
	else
		not_ok "collector: read errors: exit $rc/$rc2/$rc3: $(cat "$d/eio.err")"
	fi
	# A region outside RAM is named once (C8); progress ends its line
	# before a message (C9).
	"$out/mkimage" -o "$d/far.img" -s 0x1000000 -r one,0x200000,0x100 -r far,0x3000000,0x100 || return
	"$out/mdread" -q --image "$d/far.img" "${args[@]}" --list >/dev/null 2>"$d/far.err"
	rc=$?
	head -c $((2 << 20)) "$d/mem.img" > "$d/lo.bin"
	tail -c +$(((8 << 20) + 1)) "$d/mem.img" > "$d/hi.bin"
	"$out/mdread" -p --image "$d/lo.bin@0x80000000" --image "$d/hi.bin@0x80800000" \
		--smem 0x80000000,0x100000 --elf "$d/p.elf" 2>"$d/p.err"
	rc2=$?
	if [ "$rc" -eq 5 ] && [ "$(grep -c 'far' "$d/far.err")" -eq 1 ] &&
	   grep -q 'subsystem 0: 1 region outside RAM skipped' "$d/far.err" &&
	   [ "$rc2" -eq 4 ] && grep -q '^mdread: region one at 0x80200000: in a hole' "$d/p.err" &&
	   ! grep -q 'readmdread' "$d/p.err"; then
		ok "collector: a region outside RAM is named once (C8); --progress ends its line before a message (C9)"
	else
		not_ok "collector: skipped regions: exit $rc/$rc2: $(cat "$d/far.err" "$d/p.err" | od -c | head)"
	fi
	# ELF cores as they come (N6): cut short, or with zero tails
	# (p_memsz > p_filesz) holding a region.
	"$out/mdread" -q --image "$d/mem.img" "${args[@]}" --list > "$d/raw.list" 2>/dev/null
	/usr/bin/python3 "$tt/raw2core.py" "$d/mem.img" 0x80000000 "$d/cut.core" $((8 << 20))
	truncate -s -1 "$d/cut.core"
	"$out/mdread" -q --image "$d/cut.core" --smem 0x80000000,0x100000 --list \
		> "$d/cut.list" 2>"$d/cut.err"
	rc=$?
	/usr/bin/python3 "$tt/raw2core.py" "$d/mem.img" 0x80000000 "$d/zero.core" $((8 << 20)) $((7 << 20))
	"$out/mdread" -q --image "$d/zero.core" --smem 0x80000000,0x100000 --list \
		> "$d/zero.list" 2>"$d/zero.err"
	rc2=$?
	"$out/kdmesg" "$d/cut.core" > /dev/null 2>"$d/kcut.err"
	rc3=$?
	if [ "$rc" -eq 0 ] && cmp -s "$d/raw.list" "$d/cut.list" &&
	   grep -q 'cut.core is truncated: load 1 at 0x80800000 holds 0x7fffff of its 0x800000 bytes' "$d/cut.err" &&
	   [ "$rc2" -eq 0 ] && cmp -s "$d/raw.list" "$d/zero.list" &&
	   [ "$rc3" -eq 3 ] && grep -q 'the core is truncated' "$d/kcut.err" &&
	   grep -q 'no VMCOREINFO note' "$d/kcut.err"; then
		ok "collector: a core cut short is read to its end and said; a region in a zero tail (p_memsz > p_filesz) reads as zeros (N6)"
	else
		not_ok "collector: ELF cores: exit $rc/$rc2/$rc3: $(cat "$d/cut.err" "$d/zero.err" "$d/kcut.err")"
	fi
	# 131072 loads of 128 bytes: more than 4096 loads, and PN_XNUM
	# (e_phnum 0xffff, the count in section header 0).
	/usr/bin/python3 "$tt/raw2core.py" "$d/mem.img" 0x80000000 "$d/xnum.core" 128
	"$out/mdread" -q --image "$d/xnum.core" --smem 0x80000000,0x100000 --list \
		> "$d/xnum.list" 2>"$d/xnum.err"
	rc=$?
	if [ "$rc" -eq 0 ] && cmp -s "$d/raw.list" "$d/xnum.list" && [ ! -s "$d/xnum.err" ]; then
		ok "collector: a core with 131072 loads and PN_XNUM program header numbering gives the raw image's regions"
	else
		not_ok "collector: PN_XNUM core: exit $rc: $(head -3 "$d/xnum.err")"
	fi
	# A table header pointing into a core's zero tail (1 TiB past the
	# 16 MiB the file holds) with 2^32-1 entries: no more entries read
	# than the files hold, not 2^32 zero ones (fuzz_mdread timeout).
	"$out/mkimage" -o "$d/tail.img" -s 0x1000000 -T 0x81000000,0xffffffff || return
	/usr/bin/python3 "$tt/raw2core.py" "$d/tail.img" 0x80000000 "$d/tail.core" $((16 << 20)) 0 $((1 << 40))
	timeout 60 "$out/mdread" -q --image "$d/tail.core" --smem 0x80000000,0x100000 --list \
		> /dev/null 2>"$d/tail.err"
	rc=$?
	if [ "$rc" -eq 5 ] &&
	   grep -q 'count 4294967295 is more than the memory files hold: reading 419430 entries' "$d/tail.err"; then
		ok "collector: a table count of 2^32-1 in a core's 1 TiB zero tail reads only as many entries as the files hold"
	else
		not_ok "collector: table in a zero tail: exit $rc: $(head -3 "$d/tail.err")"
	fi
	rm -f "$d/tail.img" "$d/tail.core"
	# mksmem: a write error is said and frees what it holds; an item
	# count that leaves item 602 out of range is refused (C14).
	"$out/mksmem" -o /dev/full 2> "$d/mksmem.err"
	rc=$?
	"$out/mksmem" -o "$d/smem.bin" -i 0 2>> "$d/mksmem.err"
	rc2=$?
	if [ "$rc" -eq 1 ] && grep -q '^/dev/full: No space left on device' "$d/mksmem.err" &&
	   ! grep -q 'LeakSanitizer' "$d/mksmem.err" && [ "$rc2" -eq 2 ] && [ ! -e "$d/smem.bin" ] &&
	   grep -q "bad item count '0' (603 to 65535" "$d/mksmem.err"; then
		ok "collector: mksmem says a write error without leaking (exit 1) and refuses -i 0 (exit 2) (C14)"
	else
		not_ok "collector: mksmem: exit $rc/$rc2: $(cat "$d/mksmem.err")"
	fi
	# qdlasm: a KELF load larger than its region is refused, not padded
	# a byte at a time to 1 TiB (H7).
	mkdir -p "$d/qd"
	/usr/bin/python3 -c '
import struct, sys
eh = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + b"\0" * 9,
                 4, 183, 1, 0, 64, 0, 0, 64, 56, 1, 0, 0, 0)
ph = struct.pack("<IIQQQQQQ", 1, 4, 0, 0, 0x1000, 1 << 40, 1 << 40, 0)
open(sys.argv[1] + "/md_KELF.BIN", "wb").write(eh + ph)
open(sys.argv[1] + "/md_data.BIN", "wb").write(b"x" * 16)' "$d/qd"
	printf 'region KELF seq=0 addr=0x2000 size=120 crc32=0\nregion data seq=0 addr=0x1000 size=16 crc32=0\n' \
		> "$d/qd/list"
	timeout 10 "$out/qdlasm" --table "$d/qd/list" --dir "$d/qd" -o /dev/null 2> "$d/qd.err"
	rc=$?
	if [ "$rc" -eq 4 ] &&
	   grep -q 'PT_LOAD at 0x1000 of 1099511627776 bytes, its region data holds 16' "$d/qd.err"; then
		ok "collector: qdlasm refuses a KELF load larger than its region at once, exit 4 (H7)"
	else
		not_ok "collector: qdlasm with a 1 TiB load: exit $rc: $(cat "$d/qd.err")"
	fi
	# Block devices are sized and read like files (C4).
	if dev=$(losetup -r -f --show "$d/mem.img" 2>/dev/null); then
		"$out/mdread" -q --image "$dev" "${args[@]}" --list > "$d/dev.list" 2>"$d/dev.err"
		rc=$?
		"$out/kdmesg" "$dev" > /dev/null 2>>"$d/dev.err"
		rc2=$?
		losetup -d "$dev"
		if [ "$rc" -eq 0 ] && cmp -s "$d/raw.list" "$d/dev.list" && [ "$rc2" -eq 3 ] &&
		   grep -q 'not a little-endian ELF64 core file' "$d/dev.err" &&
		   ! grep -q 'memory' "$d/dev.err"; then
			ok "collector: a block device ($dev) is read as an image by mdread and as a file by kdmesg (C4)"
		else
			not_ok "collector: block device: exit $rc/$rc2: $(cat "$d/dev.err")"
		fi
	else
		echo "# skipped: no loop device here for the block-device check (C4)"
	fi
	rm -rf "$d"
}

# The collector on an 8 GiB sparse image with a 256 MiB region near its
# end: memory stays small, the ELF has the region's bytes.
collector_checks() {
	local img=$out/big.img elf=$out/big.elf rss rc rc2 rc3 args
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
	# The region is a hole in the image: it stays one in the ELF.
	local used
	used=$(du -B1 "$elf" | cut -f1)
	if [ "$used" -lt $((16 << 20)) ] && [ "$(stat -c %s "$elf")" -gt $((256 << 20)) ]; then
		ok "collector: the ELF keeps the image's holes ($((used >> 10)) KiB on disk for $(($(stat -c %s "$elf") >> 20)) MiB)"
	else
		not_ok "collector: the ELF takes $used bytes on disk (holes written out)"
	fi
	if readelf -S "$elf" 2>&1 | grep >/dev/null -c ' big ' && readelf -S "$elf" | grep >/dev/null -c ' small ' &&
	   ! readelf -a "$elf" 2>&1 | grep >/dev/null -ci 'warning\|error'; then
		ok "collector: without KELF, readelf accepts the physical ELF with a section per region"
	else
		not_ok "collector: physical ELF rejected by readelf"
	fi
	rm -f "$elf"

	"$out/mkimage" -o "$img" -s 0x1000000 -r one,0x200000,0x2000 -r same,0x200000,0x2000 || return
	"$out/mdread" -q --image "$img" "${args[@]}" --list >/dev/null 2>"$out/overlap.err"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		ok "collector: two regions naming the same memory are not an overlap"
	else
		not_ok "collector: identical regions gave exit $rc: $(cat "$out/overlap.err")"
	fi
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
	# A usage error names what is wrong before the usage text (audit B8).
	"$out/mdread" -q --image "$img" --list >/dev/null 2>"$out/use1.err"
	rc=$?
	"$out/mdread" -q --image "$img" "${args[@]}" --list stray >/dev/null 2>"$out/use2.err"
	rc2=$?
	"$out/mdread" -q "${args[@]}" --list >/dev/null 2>"$out/use3.err"
	rc3=$?
	if [ "$rc" -eq 2 ] && [ "$rc2" -eq 2 ] && [ "$rc3" -eq 2 ] &&
	   head -1 "$out/use1.err" | grep -q 'no table address: give --smem ADDR,SIZE or --dtb FILE' &&
	   head -1 "$out/use2.err" | grep -q "unexpected argument 'stray'" &&
	   head -1 "$out/use3.err" | grep -q 'no memory file: give --image'; then
		ok "collector: a missing --smem or --image or a stray argument is named, exit 2"
	else
		not_ok "collector: usage errors: exit $rc/$rc2/$rc3: $(head -1 "$out/use1.err"); $(head -1 "$out/use2.err"); $(head -1 "$out/use3.err")"
	fi
	echo previous > "$out/notable.elf"
	"$out/mdread" -q --image "$img" --ram-base 0x80000000 --smem 0x80100000,0x100000 \
		--elf "$out/notable.elf" 2>"$out/notable.err"
	rc=$?
	if [ "$rc" -eq 3 ] && grep -q 'SMEM not initialised by firmware' "$out/notable.err" &&
	   [ "$(cat "$out/notable.elf")" = previous ]; then
		ok "collector: no minidump table is exit 3 with its reason, the old ELF kept"
	else
		not_ok "collector: SMEM of zeros: exit $rc: $(cat "$out/notable.err")"
	fi
	# Never destroy the input: an output that is the image (directly or
	# through a link) is refused and the image stays as it was.
	local sum rc4 link=$out/link.img
	sum=$(sha256sum < "$img")
	"$out/mdread" -q --image "$img" "${args[@]}" --elf "$img" 2>"$out/same.err"
	rc=$?
	ln -sf "$img" "$link"
	"$out/mdread" -q --image "$img" "${args[@]}" --elf "$link" 2>>"$out/same.err"
	rc2=$?
	if [ "$rc" -eq 2 ] && [ "$rc2" -eq 2 ] && [ "$(sha256sum < "$img")" = "$sum" ] &&
	   [ "$(grep -c 'is a memory file given' "$out/same.err")" -eq 2 ]; then
		ok "collector: --elf naming the image (or a link to it) is refused, exit 2, image intact"
	else
		not_ok "collector: --elf over the image: exit $rc, $(cat "$out/same.err")"
	fi
	# A write error names the path and leaves no partial file behind.
	"$out/mdread" -q --image "$img" "${args[@]}" --elf "$out/nodir/x.elf" 2>"$out/nodir.err"
	rc=$?
	if [ "$rc" -eq 6 ] && grep -q "$out/nodir/x.elf" "$out/nodir.err" && [ ! -e "$out/nodir" ]; then
		ok "collector: an ELF that cannot be written is reported with its path, exit 6"
	else
		not_ok "collector: unwritable ELF gave exit $rc: $(cat "$out/nodir.err")"
	fi
	"$out/mdread" -q --image "$img" "${args[@]}" --elf "$out/ok.elf" 2>/dev/null
	rc=$?
	# (exit 7: this image's two regions overlap on purpose; the ELF is written)
	if [ "$rc" -eq 7 ] && [ -s "$out/ok.elf" ] && ! ls "$out"/ok.elf.* >/dev/null 2>&1; then
		ok "collector: the ELF appears whole under its name, no temporary file left"
	else
		not_ok "collector: ELF write exit $rc or a temporary file left"
	fi
	# A pipe (or a device such as /dev/null) is written to, never replaced.
	rm -f "$out/elf.fifo" "$out/fifo.out"
	mkfifo "$out/elf.fifo"
	cat "$out/elf.fifo" > "$out/fifo.out" &
	"$out/mdread" -q --image "$img" "${args[@]}" --elf "$out/elf.fifo" 2>/dev/null
	rc=$?
	wait
	if [ "$rc" -eq 7 ] && [ -p "$out/elf.fifo" ] && [ -s "$out/fifo.out" ] &&
	   cmp -s "$out/fifo.out" "$out/ok.elf"; then
		ok "collector: --elf into a pipe streams the ELF and leaves the pipe a pipe"
	else
		not_ok "collector: --elf into a pipe: exit $rc"
	fi
	rm -f "$out/elf.fifo" "$out/fifo.out"
	collector_outputs "$img" "${args[@]}"
	collector_field
	"$out/mdread" -q --image "$img" "${args[@]}" 2>"$out/noop.err" >/dev/null
	rc=$?
	if [ "$rc" -eq 2 ] && grep -q 'nothing to do' "$out/noop.err"; then
		ok "collector: no action flag is a usage error (exit 2)"
	else
		not_ok "collector: no action flag gave exit $rc"
	fi
	# Inputs that are not a raw image get a clear message.
	gzip -c "$img" > "$out/img.gz"
	"$out/mdread" -q --image "$out" "${args[@]}" --list 2>"$out/kind.err" >/dev/null
	rc=$?
	"$out/mdread" -q --image "$out/img.gz" "${args[@]}" --list 2>>"$out/kind.err" >/dev/null
	rc2=$?
	"$out/mdread" -q --image /dev/stdin "${args[@]}" --list < <(cat "$img") 2>>"$out/kind.err" >/dev/null
	rc3=$?
	"$out/mdread" -q --image /dev/zero "${args[@]}" --list 2>>"$out/kind.err" >/dev/null
	rc4=$?
	if [ "$rc" -eq 2 ] && [ "$rc2" -eq 2 ] && [ "$rc3" -eq 2 ] && [ "$rc4" -eq 2 ] &&
	   grep -q 'is a directory' "$out/kind.err" && grep -q 'gzip-compressed' "$out/kind.err" &&
	   grep -q 'is a pipe, not a regular file: the RAM image must be seekable' "$out/kind.err" &&
	   grep -q '/dev/zero is a character device' "$out/kind.err"; then
		ok "collector: a directory, a gzip file, a pipe and a character device are refused with a message each saying which (exit 2, C6)"
	else
		not_ok "collector: odd inputs: $(cat "$out/kind.err")"
	fi
	# A read error is an I/O error (6) with its cause, not a truncation.
	EIO_FROM=0x200000 LD_PRELOAD=$out/eio.so "$out/mdread-plain" -q --image "$img" \
		"${args[@]}" --list >/dev/null 2>"$out/eio.err"
	rc=$?
	if [ "$rc" -eq 6 ] && grep -q 'Input/output error' "$out/eio.err"; then
		ok "collector: a read error from the image is exit 6 with its cause"
	else
		not_ok "collector: read error gave exit $rc: $(cat "$out/eio.err")"
	fi
	# Dumps as they come: several raw files at their bases, an ELF core;
	# a region in a hole between files is reported and skipped (exit 4).
	local mem=$out/mem.img
	"$out/mkimage" -o "$mem" -s 0x1000000 -r one,0x200000,0x2000 -r two,0x900000,0x100 ||
		{ not_ok "mkimage"; return; }
	"$out/mdread" -q --image "$mem" "${args[@]}" --list > "$out/one.list" 2>/dev/null
	head -c $((8 << 20)) "$mem" > "$out/lo.bin"
	tail -c +$(((8 << 20) + 1)) "$mem" > "$out/hi.bin"
	"$out/mdread" -q --image "$out/lo.bin@0x80000000" --image "$out/hi.bin@0x80800000" \
		--smem 0x80000000,0x100000 --list > "$out/two.list" 2>"$out/two.err"
	rc=$?
	/usr/bin/python3 "$tt/raw2core.py" "$mem" 0x80000000 "$out/img.core" $((8 << 20))
	"$out/mdread" -q --image "$out/img.core" --smem 0x80000000,0x100000 --list \
		> "$out/core.list" 2>"$out/core.err"
	rc2=$?
	head -c $((2 << 20)) "$mem" > "$out/lo.bin"
	"$out/mdread" -q --image "$out/lo.bin@0x80000000" --image "$out/hi.bin@0x80800000" \
		--smem 0x80000000,0x100000 --list > "$out/hole.list" 2>"$out/hole.err"
	rc3=$?
	if [ "$rc" -eq 0 ] && cmp -s "$out/one.list" "$out/two.list" && [ "$rc2" -eq 0 ] &&
	   cmp -s "$out/one.list" "$out/core.list" && [ "$rc3" -eq 4 ] &&
	   grep -q 'region one at 0x80200000: in a hole' "$out/hole.err" &&
	   grep -q '^region two ' "$out/hole.list"; then
		ok "collector: two raw files at their bases and an ELF core read as the single image; a hole is reported (exit 4), the rest collected"
	else
		not_ok "collector: memory files: exit $rc/$rc2/$rc3: $(cat "$out/two.err" "$out/core.err" "$out/hole.err")"
	fi
	# Raw memory that happens to start with gzip's or bzip2's magic (C5).
	cp "$mem" "$out/magic.img"
	printf '\037\213\000\000' | dd of="$out/magic.img" conv=notrunc status=none
	"$out/mdread" -q --image "$out/magic.img" "${args[@]}" --list > "$out/magic.list" 2>"$out/magic.err"
	rc=$?
	printf 'BZhx' | dd of="$out/magic.img" conv=notrunc status=none
	"$out/mdread" -q --image "$out/magic.img" "${args[@]}" --list > /dev/null 2>>"$out/magic.err"
	rc2=$?
	if [ "$rc" -eq 0 ] && [ "$rc2" -eq 0 ] && cmp -s "$out/magic.list" "$out/one.list"; then
		ok "collector: raw memory starting with 1f 8b 00 or BZhx is read, not refused as compressed (C5)"
	else
		not_ok "collector: gzip-like raw image: exit $rc/$rc2: $(cat "$out/magic.err")"
	fi
	# Memory given twice (a wrong @ADDR): refused, whichever order (N7).
	"$out/mdread" -q --image "$mem@0x80000000" --image "$out/hi.bin@0x80800000" \
		--smem 0x80000000,0x100000 --list > /dev/null 2>"$out/ovf.err"
	rc=$?
	"$out/mdread" -q --image "$out/hi.bin@0x80800000" --image "$mem@0x80000000" \
		--smem 0x80000000,0x100000 --list > /dev/null 2>>"$out/ovf.err"
	rc2=$?
	if [ "$rc" -eq 2 ] && [ "$rc2" -eq 2 ] &&
	   [ "$(grep -c 'both hold 0x80800000: overlapping memory files' "$out/ovf.err")" -eq 2 ]; then
		ok "collector: overlapping memory files are refused with both names, in either order (N7)"
	else
		not_ok "collector: overlapping memory files: exit $rc/$rc2: $(cat "$out/ovf.err")"
	fi
	# The same hole with --elf, with and without --list: the ELF is written
	# with what was read and without the missing region (N2).
	rm -f "$out/hole.elf" "$out/hole2.elf"
	"$out/mdread" -q --image "$out/lo.bin@0x80000000" --image "$out/hi.bin@0x80800000" \
		--smem 0x80000000,0x100000 --list --elf "$out/hole.elf" > /dev/null 2>"$out/hole.err"
	rc=$?
	"$out/mdread" -q --image "$out/lo.bin@0x80000000" --image "$out/hi.bin@0x80800000" \
		--smem 0x80000000,0x100000 --elf "$out/hole2.elf" 2>"$out/hole2.err"
	rc2=$?
	if [ "$rc" -eq 4 ] && [ "$rc2" -eq 4 ] && cmp -s "$out/hole.elf" "$out/hole2.elf" &&
	   readelf -S "$out/hole.elf" | grep >/dev/null -c ' two ' &&
	   ! readelf -S "$out/hole.elf" | grep >/dev/null -c ' one ' &&
	   grep -q 'region one at 0x80200000: in a hole' "$out/hole2.err"; then
		ok "collector: with a hole, --elf (with or without --list) writes the rest and says what is missing, exit 4 (N2)"
	else
		not_ok "collector: hole with --elf: exit $rc/$rc2: $(cat "$out/hole.err" "$out/hole2.err")"
	fi
	rm -f "$img" "$mem" "$link" "$out/ok.elf" "$out/img.gz" "$out/lo.bin" "$out/hi.bin" "$out/img.core"
}

fuzz() {
	local name=$1 corpus=$out/corpus-$1 secs=${FUZZ_SECONDS:-30}

	# New inputs go to the build's corpus; tests/tools/corpus/ is the
	# kept one (seeds and inputs worth keeping), read on every run.  A
	# single input taking over 10 s is a hang, memory not freed when an
	# input is done a leak: both fail the run, as a crash does.
	if "$out/$name" -max_total_time="$secs" -max_len=131072 -timeout=10 -detect_leaks=1 \
		-artifact_prefix="$out/" "$corpus" "$tt/corpus/$name" >"$out/$name.log" 2>&1; then
		ok "$name: $(grep -o 'Done [0-9]* runs in [0-9]* second' "$out/$name.log"), no crash, hang or leak"
	else
		not_ok "$name: $(grep -o 'ERROR: libFuzzer: timeout\|ERROR: LeakSanitizer\|ERROR: AddressSanitizer: [a-z-]*\|runtime error' \
			"$out/$name.log" | head -1) (see $out/$name.log and $out/crash-*, leak-*, timeout-*)"
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

mkdir -p "$out/corpus-fuzz_minidump" "$out/corpus-fuzz_collector" "$out/corpus-fuzz_mdread"
# fuzz_mdread's seeds: the minidump seed with --list --elf; as two files
# with --dump; as an ELF core (selector byte, split point in 4 KiB units).
"$out/mkseed" "$out/corpus-fuzz_minidump/seed" &&
	"$out/mkseed" "$out/corpus-fuzz_minidump/seed-cached" cached &&
	"$out/test_collector" --seeds "$out/corpus-fuzz_collector" &&
	{ printf '\014\000\000'; cat "$out/corpus-fuzz_minidump/seed"; } > "$out/corpus-fuzz_mdread/seed" &&
	{ printf '\074\010\000'; cat "$out/corpus-fuzz_minidump/seed"; } > "$out/corpus-fuzz_mdread/seed-two" &&
	/usr/bin/python3 "$tt/raw2core.py" "$out/corpus-fuzz_minidump/seed" 0x80000000 \
		"$out/seed.core" 0x8000 &&
	{ printf '\014\000\000'; cat "$out/seed.core"; } > "$out/corpus-fuzz_mdread/seed-core" ||
	not_ok "write fuzz seeds"
fuzz fuzz_minidump
fuzz fuzz_collector
fuzz fuzz_mdread

dr_result host "$passed" "$failed"
echo "host: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
exit
}
