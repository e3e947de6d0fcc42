#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# End-to-end tests under QEMU: the real qcom_smem and qcom_hwspinlock
# drivers on arm64 virt, an SMEM window written by tools/mksmem as boot
# firmware would leave it, guest RAM in a host file, and tools/mdread
# walking SMEM -> item 602 -> APSS table -> regions in that file.
#
#   scripts/e2e.sh            build and run every case
#   scripts/e2e.sh good       run only the named cases
set -uo pipefail
. "$(dirname "$0")/lib.sh"

tree=$("$DR_TOP/scripts/prepare-tree.sh") || exit 1
build=$DR_CACHE/build-e2e-$(dr_kver)
out=$DR_TOP/build/e2e
qdir=$DR_TOP/tests/qemu
mkdir -p "$build" "$out"
passed=0
failed=0
kmake=(make -C "$tree" O="$build" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
       CC="ccache aarch64-linux-gnu-gcc" -j"$(nproc)")
ram_base=0x40000000
smem_base=0x5e000000
smem_size=0x100000
machine_type=virt,memory-backend=ram
machine=(-M $machine_type -cpu max -smp 2 -m 512M)

ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
finish() {
	dr_result e2e "$passed" "$failed"
	echo "e2e: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

build_all() {
	local frag=$qdir/e2e.config opt cc=(gcc -Wall -Wextra -Werror -O2)

	dr_log "e2e: building the guest kernel in $build"
	"${kmake[@]}" KCONFIG_ALLCONFIG="$frag" allnoconfig >"$out/build.log" 2>&1 || return 1
	while read -r opt; do
		case "$opt" in
		CONFIG_*=n) grep -q "^${opt%=n}=" "$build/.config" && { echo "e2e: $opt not honoured"; return 1; } ;;
		CONFIG_*) grep -qx "$opt" "$build/.config" || { echo "e2e: $opt missing from .config (dependencies?)"; return 1; } ;;
		esac
	done < "$frag"
	"${kmake[@]}" Image >>"$out/build.log" 2>&1 || { grep -E 'error|warning:' "$out/build.log" | head -20; return 1; }
	# This configuration (no modules, no KUnit) must build cleanly too.
	if grep -E '(kernel/dumpregion|drivers/soc/qcom/minidump|include/linux/dumpregion)[^:]*:[0-9]+:[0-9]+: warning:' "$out/build.log"; then
		echo "e2e: warnings in project sources"
		return 1
	fi
	cp "$build/arch/arm64/boot/Image" "$build/vmlinux" "$out/"

	mkdir -p "$out/tools"
	"${cc[@]}" -o "$out/tools/mksmem" "$DR_TOP/tools/mksmem.c" "$DR_TOP/tools/smem_build.c" || return 1
	"${cc[@]}" -o "$out/tools/mdread" "$DR_TOP/tools/mdread.c" "$DR_TOP/tools/minidump.c" "$DR_TOP/tools/kelf.c" || return 1
	gcc -O2 -o "$out/tools/gen_init_cpio" "$tree/usr/gen_init_cpio.c" || return 1

	aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -o "$out/init" "$qdir/init.c" || return 1
	cat > "$out/initramfs.list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
file /init $out/init 0755 0 0
LIST
	"$out/tools/gen_init_cpio" "$out/initramfs.list" > "$out/initramfs.cpio" || return 1

	rm -f "$out/dtb.ram"
	qemu-system-aarch64 "${machine[@]}" -M "$machine_type,dumpdtb=$out/virt.dtb" \
		-object memory-backend-file,id=ram,size=512M,mem-path="$out/dtb.ram",share=on \
		-nographic >"$out/dumpdtb.log" 2>&1 || { cat "$out/dumpdtb.log"; return 1; }
	rm -f "$out/dtb.ram"
	dtc -q -@ -I dts -O dtb -o "$out/smem.dtbo" "$qdir/smem.dtso" 2>"$out/dtc.log" &&
		[ ! -s "$out/dtc.log" ] || { cat "$out/dtc.log"; return 1; }
	fdtoverlay -i "$out/virt.dtb" -o "$out/board.dtb" "$out/smem.dtbo" || return 1
	dtc -I dtb -O dts -o /dev/null "$out/board.dtb" 2>"$out/dtc.log" &&
		[ ! -s "$out/dtc.log" ] || { cat "$out/dtc.log"; return 1; }
	validate_dtb || return 1
}

# The overlay's nodes must satisfy the 6.12 tree's own bindings for them
# (Debian's dt-schema 2022.08 tools, called directly).
validate_dtb() {
	local b=$tree/Documentation/devicetree/bindings schemas=$out/schemas

	rm -rf "$schemas"
	mkdir -p "$schemas"
	cp "$b/soc/qcom/qcom,smem.yaml" "$b/hwlock/qcom-hwspinlock.yaml" "$schemas/"
	/usr/bin/dt-mk-schema -j -o "$out/schemas.json" "$schemas" 2>"$out/dtschema.log" ||
		{ cat "$out/dtschema.log"; return 1; }
	# QEMU's own platform-bus node trips a core schema: not ours.
	/usr/bin/dt-validate -s "$out/schemas.json" "$out/board.dtb" 2>&1 |
		grep -v -e 'platform-bus@' -e 'qemu,platform.yaml' -e '^$' > "$out/dtschema.log"
	if [ -s "$out/dtschema.log" ]; then
		cat "$out/dtschema.log"
		return 1
	fi
}

# boot NAME STEP MKSMEM-ARGS...: boot once, leave NAME.log and NAME.ram.
# STEP may carry more kernel parameters ("regions e2e.crash").
boot() {
	local name=$1 step=$2 start
	shift 2
	"$out/tools/mksmem" -o "$out/$name.smem" "$@" || return 1
	rm -f "$out/$name.ram"
	start=$(date +%s)
	timeout 300 qemu-system-aarch64 "${machine[@]}" \
		-object memory-backend-file,id=ram,size=512M,mem-path="$out/$name.ram",share=on \
		-kernel "$out/Image" -initrd "$out/initramfs.cpio" -dtb "$out/board.dtb" \
		-append "console=ttyAMA0 panic=-1 e2e.step=$step" \
		-device loader,file="$out/$name.smem",addr=$smem_base,force-raw=on \
		-nographic -no-reboot </dev/null >"$out/$name.log" 2>&1
	echo "e2e: $name booted and halted in $(( $(date +%s) - start ))s" >&2
	grep -q '^E2E-DONE' "$out/$name.log"
}

# The guest console ends lines with CR LF.
section() { tr -d '\r' < "$out/$1.log" | sed -n "/^E2E-BEGIN $2\$/,/^E2E-END $2\$/p" | sed '1d;$d'; }

mdread() { "$out/tools/mdread" --image "$out/$1.ram" --ram-base $ram_base --smem $smem_base,$smem_size "${@:2}"; }

# The guest's regions are all in the dump, with the right bytes; the
# unregistered one is not; nothing else is.
check_regions() {
	local name=$1 list expect gone nruns nfound bad=0 line n pa size crc got short
	local step=regions

	[ "$name" = panic ] && step="regions e2e.crash"
	if ! boot "$name" "$step" "${@:2}"; then
		not_ok "$name: guest did not finish (see $out/$name.log)"
		return
	fi
	if [ "$name" = panic ]; then
		if grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$out/$name.log"; then
			ok "$name: the guest panicked (sysrq c) and QEMU stopped"
		else
			not_ok "$name: no panic in the console log"
		fi
	fi
	# Up to the end of the guest's run; after it, the panic is expected.
	if tr -d '\r' < "$out/$name.log" | sed '/^E2E-DONE/q' | grep -E 'BUG:|WARNING:|Oops|E2E-ERROR'; then
		not_ok "$name: kernel warnings or test errors in the console log"
		return
	fi
	ok "$name: real qcom_smem, qcom_hwspinlock and minidump provider probed, no warnings"
	list=$(mdread "$name" --list) || { not_ok "$name: mdread failed ($?)"; return; }
	printf '%s\n' "$list" > "$out/$name.mdread"
	expect=$(section "$name" expected | grep '^expect ')
	gone=$(section "$name" expected | grep '^gone ')
	while read -r _ n pa size crc; do
		got=$(printf '%s\n' "$list" | awk -v pa="$pa" -v size="$size" -v crc="$crc" \
			'$1 == "region" && $4 == "addr=" pa && $5 == "size=" size && $6 == "crc32=" crc { print $2 }')
		if [ -z "$got" ]; then
			echo "  missing: $n $pa $size $crc"; bad=1; continue
		fi
		if [ ${#n} -le 11 ]; then
			[ "$got" = "$n" ] || { echo "  $n listed as $got"; bad=1; }
		else
			short=${n:0:6}
			[[ "$got" =~ ^${short}~[0-9a-f]{4}$ ]] || { echo "  $n listed as $got"; bad=1; }
		fi
	done <<< "$expect"
	while read -r _ n pa; do
		if printf '%s\n' "$list" | grep -Eq "^region $n |addr=$pa "; then
			echo "  unregistered $n still listed"; bad=1
		fi
	done <<< "$gone"
	nruns=$(section "$name" regions | awk '$5 ~ /^runs=/ { sub("runs=", "", $5); n += $5 } END { print n + 0 }')
	nfound=$(printf '%s\n' "$list" | grep -c '^region ')
	echo "  $name: $(grep -c . <<< "$expect") expected runs, $nruns registered runs, $nfound found by mdread"
	[ "$nruns" -eq "$nfound" ] || { echo "  registered and found differ"; bad=1; }
	if [ "$bad" -eq 0 ]; then
		ok "$name: every registered region found in the RAM image with its bytes; unregistered one gone"
	else
		not_ok "$name: dump does not match the guest's regions"
	fi
	check_elf "$name"
}

# One ELF core from the KELF index: readelf accepts it, it has one load
# per registered run (virtual and physical address, size as the guest
# listed them), and the bytes at each load are the dumped region's.
check_elf() {
	local name=$1 map runs bad=0 va pa size off got n

	rm -rf "$out/$name.md"
	mkdir -p "$out/$name.md"
	if ! map=$(mdread "$name" --list --dump "$out/$name.md" --elf "$out/$name.elf"); then
		not_ok "$name: mdread --elf failed"
		return
	fi
	if ! readelf -a "$out/$name.elf" >"$out/$name.readelf" 2>&1 ||
	   grep -qi 'warning\|error' "$out/$name.readelf"; then
		not_ok "$name: readelf -a rejects the ELF"
		return
	fi
	# Registered runs, from the guest's debugfs listing (the KELF region aside).
	runs=$(section "$name" regions | awk '$2 == "kelf" { skip = 1; next }
		/^[0-9]/ { skip = 0 } !skip && $1 == "run" { print $3, $4, $5 }' |
		sed 's/va=//; s/pa=//; s/size=//')
	while read -r va pa size; do
		pa=$(printf '0x%x' "$pa")
		got=$(printf '%s\n' "$map" | awk -v va="vaddr=$va" -v pa="paddr=$pa" -v sz="size=$size" \
			'$1 == "load" && $2 == va && $3 == pa && $4 == sz { sub("offset=", "", $5); print $5 }')
		if [ -z "$got" ]; then
			echo "  no ELF load for va=$va pa=$pa size=$size"; bad=1; continue
		fi
		# The load's bytes are those of the region dumped at that address.
		n=$(printf '%s\n' "$map" | awk -v pa="addr=$pa" '$1 == "region" && $4 == pa { print $2 }' | head -1)
		if [ -n "$n" ] && ! cmp -s <(tail -c +$((got + 1)) "$out/$name.elf" | head -c "$size") \
				"$out/$name.md/md_$n.BIN"; then
			echo "  ELF bytes at $pa differ from md_$n.BIN"; bad=1
		fi
	done <<< "$runs"
	n=$(printf '%s\n' "$map" | grep -c '^load ')
	echo "  $name: $(grep -c . <<< "$runs") registered runs besides KELF, $n ELF loads, $(stat -c %s "$out/$name.elf") bytes of ELF for 512 MiB of RAM"
	[ "$n" -eq "$(grep -c . <<< "$runs")" ] || bad=1
	if [ "$name" = panic ] && ! readelf -n "$out/$name.elf" | grep -q NT_PRSTATUS; then
		echo "  no NT_PRSTATUS note after the panic"; bad=1
	fi
	if [ "$bad" -eq 0 ]; then
		ok "$name: ELF core from KELF: readelf accepts it, one load per run with the right addresses and bytes"
	else
		not_ok "$name: ELF core does not match the guest's regions"
	fi
}

# Broken firmware tables: provider absent, the expected message, and at
# most the driver's own warning for an item above its item count.
check_broken() {
	local name=$1 msg=$2 warns=$3 rc
	shift 3
	if ! boot "$name" none "$@"; then
		not_ok "$name: guest did not finish (see $out/$name.log)"
		return
	fi
	local n
	n=$(grep -c 'WARNING:' "$out/$name.log")
	if ! grep -q -- "$msg" "$out/$name.log"; then
		not_ok "$name: expected message '$msg' missing"
	elif [ "$n" -ne "$warns" ] || grep -Eq 'BUG:|Oops|Kernel panic' "$out/$name.log"; then
		not_ok "$name: $n warnings (expected $warns) or a crash"
	elif section "$name" providers | grep -q minidump; then
		not_ok "$name: provider registered on a broken table"
	else
		ok "$name: provider stays absent ('$msg'), system carries on"
	fi
	mdread "$name" --list >/dev/null 2>&1
	rc=$?
	if [ "$rc" -eq 3 ]; then
		ok "$name: mdread reports no minidump table (exit 3)"
	else
		not_ok "$name: mdread exit $rc, expected 3"
	fi
}

if ! build_all; then
	not_ok "build the e2e kernel, tools, initramfs and devicetree"
	finish
fi
ok "build the e2e kernel, tools, initramfs and devicetree (dtc without warnings, dt-validate against the qcom,smem and tcsr-mutex bindings)"

cases=("$@")
run() { [ ${#cases[@]} -eq 0 ] || [[ " ${cases[*]} " == *" $1 "* ]]; }

run good && check_regions good
run cached30 && check_regions cached30 --cached --subsystems 30
run panic && check_regions panic
run legacy && check_broken legacy "cannot read SMEM item 602" 1 --variant legacy
run no-siii && check_broken no-siii "cannot read SMEM item 602" 1 --variant no-siii
run no-item && check_broken no-item "no minidump table in SMEM item 602" 0 --variant no-item
run uninit && check_broken uninit "not initialised by firmware" 0 --variant uninit
run short && check_broken short "too small for the APSS table" 0 --variant short
finish
