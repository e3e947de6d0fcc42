# SPDX-License-Identifier: GPL-2.0
# The QEMU guest the end-to-end tests and the demo boot (sourced, not
# run): arm64 virt, the e2e kernel (allnoconfig + tests/qemu/e2e.config),
# a static /init in an initramfs, QEMU's own DTB with the SMEM overlay, and
# guest RAM in a host file.  Set $out before sourcing.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

tree=$("$DR_TOP/scripts/prepare-tree.sh") || exit 1
build=$DR_CACHE/build-e2e-$(dr_kver)
qdir=$DR_TOP/tests/qemu
mkdir -p "$build" "$out"
kmake=(make -C "$tree" O="$build" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
       CC="ccache aarch64-linux-gnu-gcc" -j"$(nproc)")
ram_base=0x40000000
smem_base=0x5e000000
smem_size=0x100000
machine_type=virt,memory-backend=ram
# Guest RAM; board_dtb makes a DTB for other sizes.
ram=512M
boot_extra=()
# -nodefaults: no NIC (whose option ROM comes from a package we do not
# install), no default monitor, display or drives; the board's own PL011 is
# the console, on stdio.
smp=${smp:-2}
machine=(-M $machine_type -cpu max -smp "$smp" -nodefaults -display none)

build_all() {
	local frag=$qdir/e2e.config opt

	dr_log "e2e: building the guest kernel in $build"
	"${kmake[@]}" KCONFIG_ALLCONFIG="$frag" allnoconfig >"$out/build.log" 2>&1 || return 1
	while read -r opt; do
		case "$opt" in
		CONFIG_*=n) grep -q "^${opt%=n}=" "$build/.config" && { echo "e2e: $opt not honoured"; return 1; } ;;
		CONFIG_*) grep -qx "$opt" "$build/.config" || { echo "e2e: $opt missing from .config (dependencies?)"; return 1; } ;;
		esac
	done < "$frag"
	dr_progress_start e2e "e2e guest kernel (arm64, allnoconfig + tests/qemu/e2e.config)" "$build" 6 "$out/build.log"
	"${kmake[@]}" Image >>"$out/build.log" 2>&1 || {
		dr_progress_stop
		grep -E 'error|warning:' "$out/build.log" | head -20
		return 1
	}
	dr_progress_stop
	# This configuration (no modules, no KUnit) must build cleanly too.
	if grep -E "$(dr_ours_regex)warning:" "$out/build.log"; then
		echo "e2e: warnings in project sources"
		return 1
	fi
	cp "$build/arch/arm64/boot/Image" "$build/vmlinux" "$out/"
	cp "$build/include/config/kernel.release" "$out/kernel.release"

	"$DR_TOP/scripts/build-tools.sh" "$out/tools" >/dev/null || return 1
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

	dtc -q -@ -I dts -O dtb -o "$out/smem.dtbo" "$qdir/smem.dtso" 2>"$out/dtc.log" &&
		[ ! -s "$out/dtc.log" ] || { cat "$out/dtc.log"; return 1; }
	dtc -q -@ -I dts -O dtb -o "$out/mmio.dtbo" "$qdir/mmio.dtso" 2>"$out/dtc.log" &&
		[ ! -s "$out/dtc.log" ] || { cat "$out/dtc.log"; return 1; }
	dtc -q -@ -I dts -O dtb -o "$out/index.dtbo" "$qdir/index.dtso" 2>"$out/dtc.log" &&
		[ ! -s "$out/dtc.log" ] || { cat "$out/dtc.log"; return 1; }
	board_dtb "$ram" || return 1
	cp "$out/board-$ram.dtb" "$out/board.dtb"
	local v
	for v in mmio index both; do
		board_dtb "$ram" $v || return 1
	done
	for v in "" -mmio -index -both; do
		validate_dtb "$out/board-$ram$v.dtb" || return 1
	done
}

# board_dtb RAM [mmio|index|both|bare]: QEMU's own DTB for RAM bytes of
# memory plus the SMEM overlay (and the MMIO overlay), or the dump index
# overlay alone (a board with no Qualcomm node), or both, or nothing (no
# provider at all), as $out/board-RAM[-VARIANT].dtb.
board_dtb() {
	local ov=("$out/smem.dtbo") name=board-$1

	case "${2:-}" in
	mmio) ov+=("$out/mmio.dtbo") ;;
	index) ov=("$out/index.dtbo") ;;
	both) ov+=("$out/index.dtbo") ;;
	bare) ov=() ;;
	esac
	[ -n "${2:-}" ] && name=$name-$2
	rm -f "$out/dtb.ram"
	qemu-system-aarch64 "${machine[@]}" -m "$1" -M "$machine_type,dumpdtb=$out/virt-$1.dtb" \
		-object memory-backend-file,id=ram,size="$1",mem-path="$out/dtb.ram",share=on \
		>"$out/dumpdtb.log" 2>&1 || { cat "$out/dumpdtb.log"; return 1; }
	rm -f "$out/dtb.ram"
	if [ ${#ov[@]} -eq 0 ]; then
		# Repacked: QEMU's dump is padded to 1 MiB, and booting with
		# it as it is prints nothing at all.
		dtc -q -I dtb -O dtb -o "$out/$name.dtb" "$out/virt-$1.dtb" || return 1
	else
		fdtoverlay -i "$out/virt-$1.dtb" -o "$out/$name.dtb" "${ov[@]}" || return 1
	fi
	dtc -I dtb -O dts -o /dev/null "$out/$name.dtb" 2>"$out/dtc.log" &&
		[ ! -s "$out/dtc.log" ] || { cat "$out/dtc.log"; return 1; }
}

# validate_dtb DTB: the overlays' nodes must satisfy the 6.12 tree's own
# bindings for them and the project's (Debian's dt-schema 2022.08 tools,
# called directly).
validate_dtb() {
	local b=$tree/Documentation/devicetree/bindings schemas=$out/schemas

	rm -rf "$schemas"
	mkdir -p "$schemas"
	cp "$b/soc/qcom/qcom,smem.yaml" "$b/hwlock/qcom-hwspinlock.yaml" \
		"$b/reserved-memory/ramoops.yaml" "$qdir/schemas/reserved-memory.yaml" "$schemas/"
	find "$DR_TOP/Documentation/devicetree/bindings" -name '*.yaml' -exec cp {} "$schemas/" \;
	/usr/bin/dt-mk-schema -j -o "$out/schemas.json" "$schemas" 2>"$out/dtschema.log" ||
		{ cat "$out/dtschema.log"; return 1; }
	# QEMU's own platform-bus node trips a core schema: not ours.
	/usr/bin/dt-validate -s "$out/schemas.json" "$1" 2>&1 |
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
	local smem=()
	# no_smem=1: a board without SMEM, where firmware loads nothing.
	if [ -z "${no_smem:-}" ]; then
		"$out/tools/mksmem" -o "$out/$name.smem" "$@" || return 1
		smem=(-device loader,file="$out/$name.smem",addr=$smem_base,force-raw=on)
	fi
	# keep_ram=1: boot on the RAM a previous boot left (a warm reboot).
	[ -n "${keep_ram:-}" ] || rm -f "$out/$name.ram"
	start=$(date +%s)
	timeout "${boot_timeout:-300}" qemu-system-aarch64 "${machine[@]}" \
		-m "$ram" -object memory-backend-file,id=ram,size="$ram",mem-path="$out/$name.ram",share=on \
		-kernel "$out/Image" -initrd "$out/initramfs.cpio" -dtb "${boot_dtb:-$out/board-$ram.dtb}" \
		-append "console=ttyAMA0 panic=-1 nokaslr e2e.step=$step" \
		"${smem[@]}" "${boot_extra[@]}" \
		-serial stdio -no-reboot </dev/null >"$out/$name.log" 2>&1
	echo "e2e: $name booted and halted in $(( $(date +%s) - start ))s" >&2
	grep -q '^E2E-DONE' "$out/$name.log"
}

