#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: the project's main job in one command.  Boot an arm64 QEMU
# guest whose "boot firmware" (tools/mksmem) left an SMEM window with a
# minidump table of contents, let the kernel register its regions, crash
# it (sysrq c), then play the firmware's part on the RAM QEMU leaves in a
# file: find the table, collect the regions into one ELF core file, and
# show what came back, with the kernel log decoded from the dump itself.
#
# Leaves in build/demo/: ram.img (guest RAM at the crash), board.dtb,
# vmlinux, vmcore.elf, console.log, md/ (the regions as firmware names them),
# dmesg.txt (the log decoded from vmcore.elf), pstore.txt (the ramoops
# zones decoded from it) and tools/.
# Read whole before running: editing the file meanwhile cannot derail it.
{
set -uo pipefail
out=$(cd "$(dirname "$0")/.." && pwd)/build/demo
. "$(dirname "$0")/guest.sh"

start=$(date +%s)
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }

say "1. Building the guest kernel (dumpregion core + Qualcomm minidump provider), tools, initramfs and DTB"
build_all || dr_die "build failed (see $out/build.log)"

say "2. Booting the guest: 2 CPUs, 512 MiB of RAM in $out/ram.img; it lists its regions, then crashes"
boot demo "regions e2e.pmsg e2e.crash" || dr_die "the guest did not finish (see $out/demo.log)"
mv -f "$out/demo.ram" "$out/ram.img"
tr -d '\r' < "$out/demo.log" > "$out/console.log"
rm -f "$out/demo.log"
sed -n '/^E2E-BEGIN regions$/,/^E2E-END regions$/p' "$out/console.log" | sed '1d;$d' |
	awk '/^[0-9]/ { printf "   %-22s %-8s %8s bytes in %s\n", $2, $3, substr($4, 6), $5 }'
grep -m1 'Kernel panic' "$out/console.log" | sed 's/^/   console: /'

say "3. Collecting, as the firmware would: DTB -> SMEM -> item 602 -> regions -> one ELF core"
rm -rf "$out/md"
mkdir -p "$out/md"
"$out/tools/mdread" --image "$out/ram.img" --dtb "$out/board.dtb" --list \
	--dump "$out/md" --elf "$out/vmcore.elf" > "$out/mdread.txt" || dr_die "mdread failed ($?)"
awk '$1 == "region" { printf "   %-14s %-16s %12s bytes %s\n", $2, $4, substr($5, 6), $6 }' "$out/mdread.txt"
elf_size=$(stat -c %s "$out/vmcore.elf")
ram_size=$(stat -c %s "$out/ram.img")
echo "   $(grep -c '^region ' "$out/mdread.txt") regions recovered; $(grep -c '^load ' "$out/mdread.txt") ELF load segments"
printf '   %s: %d bytes for %d MiB of RAM (%s%%)\n' "$out/vmcore.elf" "$elf_size" \
	$((ram_size >> 20)) "$(echo "scale=3; 100 * $elf_size / $ram_size" | bc)"
readelf -n "$out/vmcore.elf" | grep -oE 'VMCOREINFO|NT_PRSTATUS|NT_PRPSINFO' | sort | uniq -c |
	awk '{ printf "   note %s x%d\n", $2, $1 }'

say "4. The last kernel log lines, decoded from the dump (not from the console)"
"$out/tools/kdmesg" "$out/vmcore.elf" > "$out/dmesg.txt" || dr_die "kdmesg failed"
echo "   $(wc -l < "$out/dmesg.txt") records; from the panic on:"
sed -n '/Kernel panic - not syncing/,$p' "$out/dmesg.txt" | tail -40 | sed 's/^/   /'

say "5. gdb-multiarch on vmlinux + vmcore.elf: a thread per CPU, each with its own stack"
gdb-multiarch -nx -batch -ex 'info threads' -ex 'thread apply all bt 4' \
	-ex 'print init_uts_ns.name.release' \
	-ex 'x/8xb &e2e_img' "$out/vmlinux" "$out/vmcore.elf" 2>/dev/null |
	grep -v '^\[New\|^Core was' | sed 's/^/   /'

say "6. pstore/ramoops zones read from the dump (kpstore), without rebooting"
"$out/tools/kpstore" --dtb "$out/board.dtb" --cpus 2 "$out/vmcore.elf" > "$out/pstore.txt" ||
	dr_die "kpstore failed"
grep '^== ' "$out/pstore.txt" | sed 's/^/   /'
echo "   pmsg: $(sed -n '/^== pmsg /{n;p}' "$out/pstore.txt")"
echo "   panic record: $(sed -n '/^== dmesg\.0 /,/^== /p' "$out/pstore.txt" | grep -m1 'Kernel panic')"

say "7. crash (Debian's arm64 crash 8.0.2, full mode) on vmlinux + vmcore.elf: sys, bt"
printf 'sys\nbt\nquit\n' | "$DR_TOP/scripts/crash.sh" "$out/vmlinux" "$out/vmcore.elf" \
	> "$out/crash.txt" 2>&1 || dr_die "crash failed (see $out/crash.txt)"
grep -E '^ *(RELEASE|CPUS|MEMORY|PANIC):|^PID: |^ *#[0-9]+ ' "$out/crash.txt" | sed 's/^/   /'

echo
echo "Done in $(( $(date +%s) - start ))s.  Files in $out: ram.img board.dtb vmlinux vmcore.elf console.log md/"
exit
}
