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
# Read whole before running: editing the file meanwhile cannot derail it.
{
set -uo pipefail
# With pipefail, "producer | grep -q" fails when grep's early exit kills
# the producer with SIGPIPE: checks on pipes use "grep >/dev/null -c",
# which reads all its input.
out=$(cd "$(dirname "$0")/.." && pwd)/build/e2e
. "$(dirname "$0")/guest.sh"
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
finish() {
	dr_result e2e "$passed" "$failed"
	echo "e2e: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

# The guest console ends lines with CR LF.
section() { tr -d '\r' < "$out/$1.log" | sed -n "/^E2E-BEGIN $2\$/,/^E2E-END $2\$/p" | sed '1d;$d'; }

# The collector finds RAM and the SMEM window in the board's DTB.
mdread() { "$out/tools/mdread" --quiet --image "$out/$1.ram" --dtb "$out/board-$ram.dtb" "${@:2}"; }

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
	# Registered runs, from the guest's debugfs listing (the KELF region
	# aside).  After a panic the per-CPU task, stack and pid regions have moved
	# to the tasks the CPUs ran: the listing before the crash is stale for
	# them, and the table firmware read says how many runs they have now.
	local moved='^(task|stack|pid|pidnode)\.[0-9.]+$' nmoved=0
	[ "$name" = panic ] || moved='^$'
	runs=$(section "$name" regions | awk -v moved="$moved" '$2 == "kelf" || $2 ~ moved { skip = 1; next }
		/^[0-9]/ { skip = 0 } !skip && $1 == "run" { print $3, $4 }' |
		sed 's/pa=//; s/size=//')
	[ "$name" = panic ] && nmoved=$(printf '%s\n' "$map" | grep -Ec '^region (task|stack|pid|pidnode)\.[0-9.]+(#[0-9]+)? ')
	while read -r pa size; do
		pa=$(printf '0x%x' "$pa")
		got=$(printf '%s\n' "$map" | awk -v pa="paddr=$pa" -v sz="size=$size" \
			'$1 == "load" && $3 == pa && $4 == sz { sub("offset=", "", $5); print $5; exit }')
		if [ -z "$got" ]; then
			echo "  no ELF load for pa=$pa size=$size"; bad=1; continue
		fi
		# The load's bytes are those of the region dumped at that address.
		n=$(printf '%s\n' "$map" | awk -v pa="addr=$pa" '$1 == "region" && $4 == pa { print $2 }' | head -1)
		if [ -n "$n" ] && ! cmp -s <(tail -c +$((got + 1)) "$out/$name.elf" | head -c "$size") \
				"$out/$name.md/md_$n.BIN"; then
			echo "  ELF bytes at $pa differ from md_$n.BIN"; bad=1
		fi
	done <<< "$runs"
	n=$(printf '%s\n' "$map" | grep -c '^load ')
	echo "  $name: $(grep -c . <<< "$runs") registered runs besides KELF (+ $nmoved moved at panic), $n ELF loads, $(stat -c %s "$out/$name.elf") bytes of ELF for $ram of RAM"
	[ "$n" -eq $(( $(grep -c . <<< "$runs") + nmoved )) ] || bad=1
	if [ "$bad" -eq 0 ]; then
		ok "$name: ELF core from KELF: readelf accepts it, one load per run with the right addresses and bytes"
	else
		not_ok "$name: ELF core does not match the guest's regions"
	fi
}

# After the panic, real consumers read the ELF: the registers of both
# CPUs are in it, the kernel log decoded from the dump holds the panic,
# and gdb-multiarch with vmlinux reads the patterned regions at their
# kernel virtual addresses (an image variable by symbol, a kmalloc buffer
# by address) and the kernel release.
check_consumers() {
	local name=$1 elf=$out/$1.elf n va rel gdbout bad=0

	n=$(readelf -n "$elf" | grep -c NT_PRSTATUS)
	if [ "$n" -eq 2 ]; then
		ok "$name: NT_PRSTATUS for the panicking CPU and the CPU the panic stopped"
	else
		not_ok "$name: $n NT_PRSTATUS notes, expected 2"
	fi

	"$out/tools/kdmesg" "$elf" > "$out/$name.dmesg" 2>"$out/$name.kdmesg.err"
	if grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$out/$name.dmesg" &&
	   grep -q 'sysrq: Trigger a crash' "$out/$name.dmesg" &&
	   grep -q 'Booting Linux on physical CPU' "$out/$name.dmesg"; then
		ok "$name: kernel log decoded from the dump ($(wc -l < "$out/$name.dmesg") records) holds boot lines and the panic"
	else
		not_ok "$name: kernel log from the dump lacks the panic or boot lines: $(cat "$out/$name.kdmesg.err")"
	fi

	va=$(section "$name" expected | awk '$1 == "va" && $2 == "e2e_lin" { print $3 }')
	rel=$(cat "$out/kernel.release")
	rm -f "$out/$name.gdb_img" "$out/$name.gdb_lin"
	gdbout=$(timeout 120 gdb-multiarch -nx -batch -ex 'set pagination off' \
		-ex "dump binary memory $out/$name.gdb_img &e2e_img[0] &e2e_img[sizeof(e2e_img)]" \
		-ex "dump binary memory $out/$name.gdb_lin $va $(printf '0x%x' $((va + 3000)))" \
		-ex 'print init_uts_ns.name.release' \
		"$out/vmlinux" "$elf" 2>&1)
	printf '%s\n' "$gdbout" > "$out/$name.gdb"
	cmp -s "$out/$name.gdb_img" "$out/$name.md/md_e2e_img.BIN" || { echo "  gdb: e2e_img differs"; bad=1; }
	cmp -s "$out/$name.gdb_lin" "$out/$name.md/md_e2e_lin.BIN" || { echo "  gdb: e2e_lin at $va differs"; bad=1; }
	grep -qF "\$1 = \"$rel\"" "$out/$name.gdb" || { echo "  gdb: release is not $rel"; bad=1; }
	if [ "$bad" -eq 0 ]; then
		ok "$name: gdb-multiarch vmlinux + ELF reads e2e_img by symbol, e2e_lin at $va, release $rel"
	else
		not_ok "$name: gdb-multiarch could not read the dump (see $out/$name.gdb)"
	fi

	# The panicking CPU's registers lead through the dumped stack from
	# panic() down to the write(2) that triggered the crash.
	timeout 120 gdb-multiarch -nx -batch -ex 'thread apply all bt 30' \
		"$out/vmlinux" "$elf" > "$out/$name.gdb-bt" 2>&1
	if grep -q ' in panic \| panic (' "$out/$name.gdb-bt" &&
	   grep -q 'sysrq_handle_crash' "$out/$name.gdb-bt" &&
	   grep -q 'write_sysrq_trigger' "$out/$name.gdb-bt"; then
		ok "$name: gdb unwinds the panicking CPU: panic <- sysrq_handle_crash <- write_sysrq_trigger"
	else
		not_ok "$name: gdb cannot unwind the panicking CPU (see $out/$name.gdb-bt)"
	fi
	# The CPU that did not panic (init, pid 1, did) is its own thread with
	# its own frames.  Idle there (pid 0), its note has pr_pid 4194304 +
	# cpu: with pr_pid 0, gdb would give it the first note's registers.
	local other
	other=$(awk '/^Thread / { on = !/\(LWP 1\)/ } on' "$out/$name.gdb-bt")
	if [ "$(grep -c '^Thread ' "$out/$name.gdb-bt")" -eq 2 ] &&
	   [ "$(grep -c '^Thread ' <<< "$other")" -eq 1 ] && grep -q '^#1 ' <<< "$other" &&
	   ! grep -q 'panic' <<< "$other" &&
	   { ! grep -q '^Thread [0-9]* (LWP 419430[0-9])' <<< "$other" || grep -q ' do_idle ' <<< "$other"; }; then
		ok "$name: gdb shows the other CPU as a thread of its own ($(head -1 <<< "$other" | cut -d: -f1), $(awk '/^#0/ { print ($3 == "in" ? $4 : $2); exit }' <<< "$other")), not the panicking CPU's frames"
	else
		not_ok "$name: gdb's threads: $(grep -A1 '^Thread ' "$out/$name.gdb-bt" | tr '\n' ' ')"
	fi

	# crash (Debian's arm64 build, scripts/crash.sh) in minimal mode: the
	# log with the panic, and linux_banner read from the dump.
	printf 'log\nrd -a linux_banner\nquit\n' |
		timeout 600 "$DR_TOP/scripts/crash.sh" "$out/vmlinux" "$elf" --minimal > "$out/$name.crash" 2>&1
	if grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$out/$name.crash" &&
	   grep -q 'Booting Linux on physical CPU' "$out/$name.crash" &&
	   grep -q ":  Linux version $rel " "$out/$name.crash"; then
		ok "$name: crash --minimal (arm64 crash 8.0.2 under qemu-aarch64-static): log shows boot lines and the panic, rd reads linux_banner"
	else
		not_ok "$name: crash --minimal cannot read the dump (see $out/$name.crash)"
	fi

	# crash in full mode (CONFIG_DUMPREGION_CRASH_UTILITY): it starts on
	# the dump; sys names the panic, bt -a unwinds the panicking init
	# through the sysrq handler to its system call and the other CPU (in
	# its idle loop when idle), log shows the boot and the panic.
	printf 'sys\nbt -a\nlog\nquit\n' |
		timeout 900 "$DR_TOP/scripts/crash.sh" "$out/vmlinux" "$elf" > "$out/$name.crash-full" 2>&1
	local f=$out/$name.crash-full
	# crash also walks every pid in init_pid_ns ("cannot read pid struct
	# from xarray" for those not dumped): not fatal, not asserted.
	if grep -q '^ *PANIC: "Kernel panic - not syncing: sysrq triggered crash"' "$f" &&
	   grep -q "^ *RELEASE: $rel\$" "$f" && grep -q '^ *CPUS: 2' "$f" &&
	   grep -q '^ *MEMORY: 512 MB' "$f" &&
	   grep -q '^PID: 1 .*COMMAND: "init"' "$f" && grep -q ' sysrq_handle_crash at ' "$f" &&
	   grep -q ' vpanic at ' "$f" && grep -q ' el0t_64_sync at ' "$f" &&
	   [ "$(grep -c '^PID: ' "$f")" -eq 2 ] &&
	   { ! grep -q '^PID: 0 ' "$f" || grep -q ' do_idle at ' "$f"; } &&
	   grep -q '^\[ *[0-9.]*\] Kernel panic - not syncing: sysrq triggered crash' "$f" &&
	   grep -q '^\[ *[0-9.]*\] Booting Linux on physical CPU' "$f"; then
		ok "$name: crash in full mode starts on the dump: sys names the panic, bt -a unwinds init from vpanic to el0t_64_sync and the other CPU, log shows boot and panic"
	else
		not_ok "$name: crash full mode (see $f): $(grep -m3 'crash:\|read error\|invalid' "$f" | tr '\n' ' ')"
	fi
}

# drgn_asserts NAME ELF PID: drgn with vmlinux reads from ELF the release,
# the kernel log with boot lines and the panic of e2e-crasher[PID], that
# task as the panicking CPU's, and a stack trace through e2e_crash().
# Leaves drgn's answers in NAME.drgn.
drgn_asserts() {
	local name=$1 f=$out/$1.drgn pid=$3 rel bad=0

	rel=$(cat "$out/kernel.release")
	timeout 300 /usr/bin/python3 "$qdir/drgn_check.py" "$out/vmlinux" "$2" > "$f" 2>&1
	grep -qx "RELEASE $rel" "$f" || { echo "  drgn: release is not $rel"; bad=1; }
	grep -q "^DMESG_PANIC .*Kernel panic - not syncing: dumpregion_e2e: crash requested by e2e-crasher\[$pid\]" "$f" ||
		{ echo "  drgn: panic message not in the log"; bad=1; }
	grep -q '^DMESG_BOOT ' "$f" || { echo "  drgn: boot lines not in the log"; bad=1; }
	grep -qx "TASK e2e-crasher $pid" "$f" || { echo "  drgn: crashing task not e2e-crasher $pid"; bad=1; }
	grep -qx 'FRAME e2e_crash' "$f" && grep -qx 'FRAME ctl_write' "$f" ||
		{ echo "  drgn: no e2e_crash <- ctl_write in the stack trace"; bad=1; }
	if [ "$bad" -eq 0 ]; then
		ok "$name: drgn: log ($(sed -n 's/^DMESG //p' "$f") lines) with boot and panic, release $rel, task e2e-crasher $pid, trace through e2e_crash"
	else
		not_ok "$name: drgn could not answer from the dump (see $f)"
		grep -i 'error\|Traceback' "$f" | head -3
	fi
}

# boot_ram NAME RAM CMDLINE: boot case NAME on a guest with RAM of memory
# (the global $ram, which the caller puts back to 512M when done); on
# failure report it, put $ram back and return 1.
boot_ram() {
	ram=$2
	if ! board_dtb "$ram"; then
		not_ok "$1: DTB for $ram"
		ram=512M
		return 1
	fi
	if ! boot "$1" "$3"; then
		not_ok "$1: guest did not finish (see $out/$1.log)"
		ram=512M
		return 1
	fi
}

# collect_elf NAME: the regions of case NAME into NAME.md/, its table
# into NAME.mdread and the ELF core into NAME.elf; on failure report it,
# put $ram back and return 1.
collect_elf() {
	rm -rf "$out/$1.md"
	mkdir -p "$out/$1.md"
	if ! mdread "$1" --list --dump "$out/$1.md" --elf "$out/$1.elf" > "$out/$1.mdread"; then
		not_ok "$1: mdread --elf failed"
		ram=512M
		return 1
	fi
}

# A guest panicking from a known call in the test module (e2e_crash(),
# from a child process named e2e-crasher), read with vmlinux by drgn and
# gdb: the kernel log with the panic, the release, the crashing task by
# name and pid with a stack trace through e2e_crash(); then the bytes
# dumped per group against the guest's RAM.
check_drgn() {
	local name=$1 pid rel f bad=0 log tot

	boot_ram "$name" "$2" "regions e2e.crash=module ${*:3}" || return
	log=$(tr -d '\r' < "$out/$name.log")
	pid=$(sed -n 's/^E2E-CRASHER pid=//p' <<< "$log")
	rel=$(cat "$out/kernel.release")
	if [ -n "$pid" ] && grep -q "Kernel panic - not syncing: dumpregion_e2e: crash requested by e2e-crasher\[$pid\]" <<< "$log"; then
		ok "$name: e2e-crasher[$pid] panicked the $ram guest from the test module"
	else
		not_ok "$name: no panic from e2e-crasher in the console log"
	fi
	collect_elf "$name" || return

	drgn_asserts "$name" "$out/$name.elf" "$pid"
	f=$out/$name.drgn

	# Qualcomm's download tool builds minidump.elf itself from the region
	# files firmware hands it (md_<name>): assemble it by qdl's rules
	# (tests/tools/qdlasm.c), compare it with mdread's, read it with drgn.
	local q=$out/$name.qdl.elf
	if "$out/tools/qdlasm" --table "$out/$name.mdread" --dir "$out/$name.md" -o "$q" \
		--check "$out/$name.elf" > "$out/$name.qdlasm" 2>&1 &&
	   timeout 300 /usr/bin/python3 "$qdir/drgn_check.py" "$out/vmlinux" "$q" > "$out/$name.qdl.drgn" 2>&1 &&
	   diff "$f" "$out/$name.qdl.drgn" >/dev/null; then
		ok "$name: qdl-style minidump.elf: $(tail -1 "$out/$name.qdlasm" | sed 's/^qdlasm: //'); drgn reads the same log, release and crashing task from it"
	else
		not_ok "$name: the qdl-style minidump.elf differs or drgn cannot read it (see $out/$name.qdlasm, $out/$name.qdl.drgn)"
		tail -3 "$out/$name.qdlasm"
	fi

	# gdb reads the same variables: the release, the panicking CPU, and
	# that CPU's current task through runqueues and __per_cpu_offset.
	local cpu
	cpu=$(sed -n 's/^PANIC_CPU //p' "$f")
	timeout 120 gdb-multiarch -nx -batch -ex 'print init_uts_ns.name.release' \
		-ex 'print panic_cpu.counter' \
		-ex "print ((struct rq *)((char *)&runqueues + __per_cpu_offset[${cpu:-0}]))->curr->comm" \
		-ex "print ((struct rq *)((char *)&runqueues + __per_cpu_offset[${cpu:-0}]))->curr->pid" \
		"$out/vmlinux" "$out/$name.elf" > "$out/$name.gdb" 2>&1
	if grep -qF "\$1 = \"$rel\"" "$out/$name.gdb" && grep -qx "\$2 = ${cpu:-x}" "$out/$name.gdb" &&
	   grep -qF '$3 = "e2e-crasher' "$out/$name.gdb" && grep -qx "\$4 = $pid" "$out/$name.gdb"; then
		ok "$name: gdb reads the same: release, panic_cpu $cpu, its rq->curr e2e-crasher $pid"
	else
		not_ok "$name: gdb disagrees (see $out/$name.gdb)"
	fi

	# Bytes dumped per group, from the table firmware read (test regions aside).
	tot=$(awk -v ram="$ram" '
		$1 != "region" { next }
		{ n = $2; sub("size=", "", $5); s = $5 }
		n ~ /^e2e/ { next }
		n ~ /^printk_/ { klog += s; next }
		n ~ /^(task|stack|rq)\./ { tasks += s; next }
		n ~ /^ro_/ { pstore += s; next }
		{ meta += s }
		END {
			r = ram; sub("[MG]$", "", r); r *= (ram ~ /G$/ ? 1024 : 1) * 1048576
			t = klog + tasks + meta
			printf "%d %d %d %d %.3f %d", klog, tasks, meta, t, 100 * t / r, pstore
		}' "$out/$name.mdread")
	read -r f_log f_tasks f_meta f_tot f_pct f_pstore <<< "$tot"
	echo "  $name: dumped for $ram of RAM: log $f_log, tasks/stacks $f_tasks, metadata $f_meta bytes; total $f_tot ($f_pct%); pstore zones besides: $f_pstore"
	if awk -v p="$f_pct" 'BEGIN { exit !(p < 1) }'; then
		ok "$name: everything above in $f_pct% of $ram"
	else
		not_ok "$name: $f_pct% of RAM dumped (expected under 1%)"
	fi
	ram=512M
}

# drgn's standard entry points on the dump, nothing project-specific
# (tests/qemu/drgn_std.py): e2e-spin1 busy on CPU 1 is interrupted by an
# IPI whose handler panics, sent by e2e-crasher from CPU 0, which waits.
# prog.crashed_thread() must be e2e-spin1 (CPU 1: arm64's crashing_cpu)
# with a trace from panic through e2e_crash_irq() on the IRQ stack;
# prog.thread(pid) must find each CPU's task (the pid path dumped at
# panic) and unwind it; get_dmesg(), the CPU masks, per-CPU runqueues and
# init_uts_ns must answer.  Then the bytes dumped, per group.
check_drgn_std() {
	local name=$1 f log spin crasher rel bad=0 tot

	boot_ram "$name" "$2" "regions e2e.crash=irq" || return
	log=$(tr -d '\r' < "$out/$name.log")
	spin=$(sed -n 's/^E2E-SPINNER pid=//p' <<< "$log")
	crasher=$(sed -n 's/^E2E-CRASHER pid=//p' <<< "$log")
	if [ -n "$spin" ] && grep -q 'Kernel panic - not syncing: dumpregion_e2e: crash in interrupt context on CPU 1' <<< "$log"; then
		ok "$name: CPU 1 panicked in an IPI handler, interrupting e2e-spin1[$spin] ($ram guest)"
	else
		not_ok "$name: no panic in interrupt context on CPU 1 in the console log"
		ram=512M
		return
	fi
	collect_elf "$name" || return
	f=$out/$name.drgnstd
	rel=$(cat "$out/kernel.release")
	timeout 300 /usr/bin/python3 "$qdir/drgn_std.py" "$out/vmlinux" "$out/$name.elf" > "$f" 2>&1
	grep '^FAIL' "$f" | sed 's/^/  /'
	grep -q '^FAIL' "$f" && bad=1
	grep -qx "RELEASE $rel" "$f" || { echo "  prog[\"init_uts_ns\"]: release is not $rel"; bad=1; }
	grep -q '^DMESG_PANIC .*crash in interrupt context on CPU 1' "$f" || { echo "  get_dmesg(): no panic line"; bad=1; }
	grep -Eq '^ONLINE( [0-9]+)* 1( |$)' "$f" || { echo "  for_each_online_cpu(): CPU 1 missing"; bad=1; }
	grep -qx 'POSSIBLE 0 1' "$f" || { echo "  for_each_possible_cpu(): not 0 1"; bad=1; }
	grep -qx "CRASHED $spin e2e-spin1" "$f" || { echo "  crashed_thread() is not e2e-spin1 $spin"; bad=1; }
	grep -qx 'CRASHED_FRAME panic' "$f" && grep -qx 'CRASHED_FRAME e2e_crash_irq' "$f" &&
	grep -qx 'CRASHED_FRAME do_interrupt_handler' "$f" ||
		{ echo "  crashed_thread().stack_trace() lacks panic <- e2e_crash_irq <- (IRQ stack) do_interrupt_handler"; bad=1; }
	grep -q "^THREAD 0 $crasher e2e-crasher .*smp_call_function_single.*ctl_write" "$f" ||
		{ echo "  thread($crasher) on CPU 0: not e2e-crasher waiting in smp_call_function_single <- ctl_write"; bad=1; }
	grep -q "^THREAD 1 $spin e2e-spin1 .*panic.*e2e_crash_irq" "$f" ||
		{ echo "  thread($spin) on CPU 1: not e2e-spin1 with panic <- e2e_crash_irq"; bad=1; }
	if [ "$bad" -eq 0 ]; then
		ok "$name: drgn's own API answers: crashed_thread() e2e-spin1[$spin], its trace from panic through e2e_crash_irq on the IRQ stack to do_interrupt_handler on the task's, thread(pid) and stack_trace() for both CPUs, get_dmesg(), CPU masks, per_cpu(runqueues), init_uts_ns"
	else
		not_ok "$name: drgn's standard calls fail on the dump (see $f)"
	fi
	# The kdump convention current drgn (0.0.27+) and crash read registers
	# by, which Debian's drgn 0.0.22 does not use: CRASHTIME last in
	# VMCOREINFO, each CPU's crash_notes buffer in the dump holding its
	# PT_NOTE copy, pr_pid the task's (tests/qemu/notes_check.py).
	f=$out/$name.notes
	timeout 300 /usr/bin/python3 "$qdir/notes_check.py" "$out/vmlinux" "$out/$name.elf" > "$f" 2>&1
	if grep -Eq '^CRASHTIME [0-9]+$' "$f" && grep -qx "NOTE 0 $crasher" "$f" &&
	   grep -qx "NOTE 1 $spin" "$f" && grep -qx 'CRASH_NOTES 0 same' "$f" &&
	   grep -qx 'CRASH_NOTES 1 same' "$f"; then
		ok "$name: the kdump convention current drgn reads: CRASHTIME in VMCOREINFO, crash_notes of CPUs 0 and 1 in the dump, each its CPU's PT_NOTE copy with pr_pid $crasher and $spin"
	else
		sed 's/^/  /' "$f" | head -10
		not_ok "$name: the dump breaks the crash_notes/CRASHTIME convention (see $f)"
	fi
	# Nothing those calls read is missing from the dump: served from the
	# whole RAM image instead, every read outside the loads is listed.
	timeout 300 /usr/bin/python3 "$qdir/drgn_reads.py" "$out/vmlinux" "$out/$name.elf" \
		"$out/$name.ram" "$ram_base" > "$out/$name.reads" 2>&1
	if grep -q '^CALLS ' "$out/$name.reads" && ! grep -q '^MISS\|^ERROR\|Traceback' "$out/$name.reads"; then
		ok "$name: the $(sed -n 's/^CALLS //p' "$out/$name.reads") standard calls read nothing outside the dump (checked against the whole RAM image)"
	else
		grep '^MISS\|^ERROR\|Traceback' "$out/$name.reads" | head -10 | sed 's/^/  /'
		not_ok "$name: drgn's standard calls read memory the dump lacks (see $out/$name.reads)"
	fi
	# Bytes per group, from the table firmware read (test regions aside).
	tot=$(awk -v ram="$ram" '
		$1 != "region" { next }
		{ n = $2; sub("size=", "", $5); s = $5 }
		n ~ /^e2e/ { next }
		n ~ /^printk_/ { g["log"] += s; next }
		n ~ /^(task|stack)\./ { g["tasks"] += s; next }
		n ~ /^(pid|pidnode)\./ { g["pid-lookup"] += s; next }
		n ~ /^(irqstack|ovfstack)\./ { g["irq-stacks"] += s; next }
		n ~ /^ro_/ { next }
		{ g["other"] += s }
		END {
			r = ram; sub("[MG]$", "", r); r *= (ram ~ /G$/ ? 1024 : 1) * 1048576
			for (k in g) { t += g[k]; line = line sprintf(" %s=%d", k, g[k]) }
			printf "%.3f %d%s", 100 * t / r, t, line
		}' "$out/$name.mdread")
	echo "  $name: dumped for $ram of RAM (bytes): ${tot#* }"
	if awk -v p="${tot%% *}" 'BEGIN { exit !(p < 1) }'; then
		ok "$name: $(cut -d' ' -f2 <<< "$tot") bytes, ${tot%% *}% of $ram (pstore zones aside)"
	else
		not_ok "$name: ${tot%% *}% of $ram dumped (expected under 1%)"
	fi
	ram=512M
}

# pstore/ramoops: user space writes a pmsg line, the test module panics;
# every ramoops zone is in the ELF and kpstore recovers the panic record,
# the console tail and the pmsg line from it.  A warm reboot on the same
# RAM then lets ramoops report its own view, which must agree.
check_pstore() {
	local name=pstore f=$out/pstore.kpstore bad=0 zones rel n

	if ! boot "$name" "regions e2e.pmsg e2e.crash=module"; then
		not_ok "$name: guest did not finish (see $out/$name.log)"
		return
	fi
	if ! mdread "$name" --list --elf "$out/$name.elf" > "$out/$name.mdread"; then
		not_ok "$name: mdread --elf failed"
		return
	fi
	zones=$(grep -Ec '^region ro_(dmesg\.[0-3]|console|pmsg|ftrace\.0) ' "$out/$name.mdread")
	if [ "$zones" -eq 7 ]; then
		ok "$name: the 7 ramoops zones (4 records, console, pmsg, ftrace) are in the dump"
	else
		not_ok "$name: $zones of 7 ramoops zones in the dump"
	fi
	"$out/tools/kpstore" --dtb "$out/board-$ram.dtb" --cpus 2 "$out/$name.elf" > "$f" 2>&1 ||
		{ not_ok "$name: kpstore failed: $(tail -1 "$f")"; return; }
	# The record of the panic, the console tail and the pmsg line.
	sed -n '/^== dmesg\.0 /,/^== /p' "$f" | grep >/dev/null -c 'Kernel panic - not syncing: dumpregion_e2e: crash requested by e2e-crasher' ||
		{ echo "  kpstore: no panic record in dmesg.0"; bad=1; }
	sed -n '/^== console /,/^== /p' "$f" | grep >/dev/null -c 'Kernel panic - not syncing: dumpregion_e2e' ||
		{ echo "  kpstore: the console zone lacks the panic"; bad=1; }
	sed -n '/^== pmsg /,/^== /p' "$f" | grep >/dev/null -c '^E2E pmsg line from pid 1$' ||
		{ echo "  kpstore: pmsg line missing"; bad=1; }
	if [ "$bad" -eq 0 ]; then
		ok "$name: kpstore decodes the panic record, the console tail and the pmsg line from the ELF"
	else
		not_ok "$name: pstore content not recovered (see $f)"
	fi

	# Warm reboot on the same RAM: what ramoops itself recovers.
	cp "$out/$name.ram" "$out/$name-reboot.ram"
	if ! keep_ram=1 boot "$name-reboot" pstore; then
		not_ok "$name: the reboot did not finish (see $out/$name-reboot.log)"
		return
	fi
	bad=0
	for n in dmesg-ramoops-0:dmesg.0 pmsg-ramoops-0:pmsg console-ramoops-0:console; do
		section "$name-reboot" "pstore:${n%%:*}" > "$out/$name.${n%%:*}"
		# kpstore's zone text, without its "==" line.
		awk -v z="== ${n#*:} " 'index($0, z) == 1 { on = 1; next } /^== / { on = 0 } on' "$f" \
			> "$out/$name.${n#*:}.kpstore"
		if [ ! -s "$out/$name.${n%%:*}" ]; then
			echo "  ramoops reported no ${n%%:*} after the reboot"; bad=1
		elif ! cmp -s "$out/$name.${n%%:*}" "$out/$name.${n#*:}.kpstore"; then
			echo "  ${n%%:*} differs from kpstore's ${n#*:}"; bad=1
		fi
	done
	if [ "$bad" -eq 0 ]; then
		ok "$name: after a warm reboot ramoops reports the same record, pmsg and console as kpstore read from the dump"
	else
		not_ok "$name: ramoops after the reboot and kpstore disagree"
	fi
}

# The MMIO transport (tests/qemu/mmio.dtso): the same guest with a
# qcom,minidump-mmio register window whose global registers the host
# initialises as firmware would (or not: init=no).  Both providers then
# publish every region; the collector reading the registers finds the same
# regions as through SMEM, names prefixed with the VM id.
check_mmio() {
	local name=$1 init=$2 regs=$out/mmio-regs.bin rc list smem a b mdtb

	mdtb=$out/board-$ram-mmio.dtb
	boot_dtb=$mdtb
	boot_extra=()
	if [ "$init" = yes ]; then
		# Global registers: init status 1, revision 1, enable 1.
		printf '\001\000\000\000\001\000\000\000\001\000\000\000' > "$regs"
		boot_extra=(-device loader,file="$regs",addr=0x5e300000,force-raw=on)
	fi
	boot "$name" regions
	rc=$?
	boot_dtb=
	boot_extra=()
	if [ "$rc" -ne 0 ]; then
		not_ok "$name: guest did not finish (see $out/$name.log)"
		return
	fi
	if [ "$init" != yes ]; then
		if grep -q 'minidump registers not initialised by firmware' "$out/$name.log" &&
		   ! section "$name" providers | grep >/dev/null -c '^5e300000.minidump ' &&
		   section "$name" providers | grep >/dev/null -c '^qcom-minidump-smem'; then
			ok "$name: MMIO provider refuses uninitialised registers, the SMEM one carries on"
		else
			not_ok "$name: uninitialised MMIO registers not refused cleanly"
		fi
		mdread "$name" --dtb "$mdtb" --mmio --list >/dev/null 2>&1
		rc=$?
		if [ "$rc" -eq 3 ]; then
			ok "$name: mdread --mmio reports no minidump table (exit 3)"
		else
			not_ok "$name: mdread --mmio exit $rc, expected 3"
		fi
		return
	fi
	if section "$name" providers | grep >/dev/null -c '^5e300000.minidump accepted=[1-9][0-9]* refused=0 stale=0$'; then
		ok "$name: the MMIO provider probed next to the SMEM one and took every region"
	else
		not_ok "$name: no MMIO provider in $(section "$name" providers | tr '\n' ' ')"
	fi
	list=$(mdread "$name" --dtb "$mdtb" --mmio --list --elf "$out/$name.elf") ||
		{ not_ok "$name: mdread --mmio failed"; return; }
	smem=$(mdread "$name" --dtb "$mdtb" --list) || { not_ok "$name: mdread (SMEM) failed"; return; }
	a=$(awk '$1 == "region" { print $4, $5, $6 }' <<< "$list" | sort)
	b=$(awk '$1 == "region" { print $4, $5, $6 }' <<< "$smem" | sort)
	if [ -n "$a" ] && [ "$a" = "$b" ] &&
	   ! awk '$1 == "region" && $2 !~ /^7_/ && $2 != "KELF"' <<< "$list" | grep >/dev/null -c . &&
	   readelf -a "$out/$name.elf" >/dev/null 2>&1 &&
	   [ "$(grep -c '^load ' <<< "$list")" -eq $(( $(grep -c '^region ' <<< "$list") - 1 )) ]; then
		ok "$name: $(grep -c '^region ' <<< "$list") regions read through the registers, identical to SMEM's (address, size, CRC), names \"7_...\" (the index \"KELF\", as qdl wants it), ELF from KELF"
	else
		not_ok "$name: MMIO table and SMEM table differ (see $out/$name.log)"
		diff <(echo "$a") <(echo "$b") | head -5
	fi
}

# A board with no Qualcomm node at all (QEMU virt plus the dump index
# overlay, nothing loaded by "firmware"): the vendor-neutral provider alone
# publishes; the test module panics; mdread finds the dump index through
# the DTB, follows it to KELF and writes an ELF that drgn reads.
check_index() {
	local name=index dtb=$out/board-$ram-index.dtb pid list nload nph rc

	if dtc -I dtb -O dts "$dtb" 2>/dev/null | grep >/dev/null -ci 'qcom'; then
		not_ok "$name: the board's DTB has Qualcomm nodes"
		return
	fi
	boot_dtb=$dtb no_smem=1 boot "$name" "regions e2e.crash=module"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		not_ok "$name: guest did not finish (see $out/$name.log)"
		return
	fi
	if section "$name" providers | grep >/dev/null -c '^5f000000.dump-index accepted=[1-9][0-9]* refused=0 stale=0$' &&
	   [ "$(section "$name" providers | grep -c .)" -eq 1 ] &&
	   ! grep -qi 'qcom\|minidump' "$out/$name.log"; then
		ok "$name: on a board without Qualcomm nodes the dump index is the only provider, and takes every region"
	else
		not_ok "$name: providers: $(section "$name" providers | tr '\n' ' ')"
	fi
	pid=$(tr -d '\r' < "$out/$name.log" | sed -n 's/^E2E-CRASHER pid=//p')
	if ! list=$("$out/tools/mdread" --quiet --image "$out/$name.ram" --dtb "$dtb" --list \
			--elf "$out/$name.elf"); then
		not_ok "$name: mdread through the dump index failed"
		return
	fi
	printf '%s\n' "$list" > "$out/$name.mdread"
	nload=$(grep -c '^region load ' <<< "$list")
	nph=$(readelf -lW "$out/$name.elf" 2>/dev/null | grep -c '^  LOAD ')
	if grep -q '^index at=0x5f000000 slot=[01] generation=[0-9]* flags=panic kelf=[0-9]* runs=1$' <<< "$list" &&
	   [ "$nload" -gt 0 ] && [ "$nload" -eq "$nph" ]; then
		ok "$name: mdread with the DTB alone: $(grep '^index ' <<< "$list" | cut -d' ' -f3-5), $nload loads, ELF with $nph PT_LOAD"
	else
		not_ok "$name: index listing or ELF wrong (see $out/$name.mdread)"
	fi
	drgn_asserts "$name" "$out/$name.elf" "$pid"
}

# Bad input to the dump index: what a previous boot left (a warm reboot on
# the RAM of the index case: the index it published is reported, then
# replaced), a header of another version and a corrupt slot (reported,
# reinitialised), and a carve-out too small (refused; the core carries on).
check_index_bad() {
	local name dtb=$out/board-$ram-index.dtb gen junk=$out/index-junk.bin rc list

	name=index-reboot
	gen=$(sed -n 's/^index at=[^ ]* slot=[01] generation=\([0-9]*\) flags=panic .*/\1/p' "$out/index.mdread" 2>/dev/null)
	if [ -z "$gen" ] || ! cp "$out/index.ram" "$out/$name.ram"; then
		not_ok "$name: needs the index case's RAM and listing"
	elif ! keep_ram=1 boot_dtb=$dtb no_smem=1 boot "$name" regions; then
		not_ok "$name: guest did not finish (see $out/$name.log)"
	elif grep -q "index left by the previous boot: generation $gen, panicked, KELF of [0-9]* bytes; starting a new one" "$out/$name.log" &&
	     list=$("$out/tools/mdread" --quiet --image "$out/$name.ram" --dtb "$dtb" --list) &&
	     grep -q '^index .* flags=none ' <<< "$list"; then
		ok "$name: after a warm reboot the provider reports the panicked generation $gen the previous boot left, and publishes a new index"
	else
		not_ok "$name: previous boot's index not reported (see $out/$name.log)"
	fi

	name=index-junk
	# Slot 0: a version 2 header; slot 1 (at 32 KiB): bytes of no index.
	{ printf 'DRIX\002\000\100\000'; head -c 32760 /dev/zero; printf 'garbage!'; } > "$junk"
	boot_extra=(-device loader,file="$junk",addr=0x5f000000,force-raw=on)
	boot_dtb=$dtb no_smem=1 boot "$name" regions
	rc=$?
	boot_extra=()
	if [ "$rc" -ne 0 ]; then
		not_ok "$name: guest did not finish (see $out/$name.log)"
	elif grep -q 'slot 0 holds index version 2, this kernel writes version 1: reinitialising' "$out/$name.log" &&
	     grep -q 'slot 1 is corrupt (bad magic or checksum): reinitialising' "$out/$name.log" &&
	     section "$name" providers | grep >/dev/null -c '^5f000000.dump-index accepted=[1-9][0-9]* refused=0 stale=0$' &&
	     "$out/tools/mdread" --quiet --image "$out/$name.ram" --dtb "$dtb" --list --elf "$out/$name.elf" >/dev/null; then
		ok "$name: a version 2 header and a corrupt slot are reported and replaced; the index works"
	else
		not_ok "$name: junk in the carve-out not handled (see $out/$name.log)"
	fi

	name=index-small
	cp "$dtb" "$out/board-$ram-index-small.dtb"
	fdtput -t x "$out/board-$ram-index-small.dtb" /reserved-memory/dump-index@5f000000 reg 0 0x5f000000 0 0x80
	if ! boot_dtb=$out/board-$ram-index-small.dtb no_smem=1 boot "$name" regions; then
		not_ok "$name: guest did not finish (see $out/$name.log)"
		return
	fi
	"$out/tools/mdread" --quiet --image "$out/$name.ram" --dtb "$out/board-$ram-index-small.dtb" --list \
		> /dev/null 2> "$out/$name.mdread.err"
	rc=$?
	if grep -Eq 'carve-out \[mem 0x0*5f000000-0x0*5f00007f[^]]*\] is too small: at least 256 bytes needed' "$out/$name.log" &&
	   ! section "$name" providers | grep >/dev/null -c . &&
	   section "$name" regions | grep >/dev/null -c '^[0-9].* kelf ' &&
	   ! grep -Eq 'BUG:|WARNING:|Oops' "$out/$name.log" &&
	   [ "$rc" -eq 3 ] && grep -q 'at least 256 needed' "$out/$name.mdread.err"; then
		ok "$name: a 128-byte carve-out is refused with a message, the core keeps its regions, mdread exits 3"
	else
		not_ok "$name: small carve-out: exit $rc (see $out/$name.log)"
	fi
}

# A reset at any moment while regions come and go: the guest registers and
# unregisters regions for ten seconds (the KELF index rebuilt and moved at
# each step), the host stops it five times at random moments and reads the
# dump index and the KELF index from its RAM as a collector would after a
# reset (tests/qemu/stop_check.py): each time a valid slot, a whole header
# and the loads back to back from kelf_size.
check_reset_loop() {
	local name=reset-loop dtb=$out/board-$ram-index.dtb bpid rc

	rm -f "$out/$name.qmp"
	boot_extra=(-qmp unix:"$out/$name.qmp",server=on,wait=off)
	boot_dtb=$dtb no_smem=1 boot "$name" churn &
	bpid=$!
	boot_extra=()
	timeout 900 /usr/bin/python3 "$qdir/stop_check.py" "$out/$name.qmp" "$out/$name.ram" \
		"$ram_base" "$out/$name.log" 5 > "$out/$name.stops" 2>&1
	rc=$?
	wait "$bpid"
	sed 's/^/  /' "$out/$name.stops"
	if [ "$rc" -eq 0 ] && [ "$(grep -c '^ok - stop' "$out/$name.stops")" -eq 5 ]; then
		ok "$name: 5 stops at random moments of registration churn, each a whole index with its loads back to back ($(grep -o 'generation [0-9]*' "$out/$name.stops" | tail -1) at the last)"
	else
		not_ok "$name: a stop found a broken index (see $out/$name.stops, $out/$name.log)"
	fi
}

# Both providers at once (SMEM overlay plus dump index): the Qualcomm table
# lists every run of every region, the dump index's KELF one load per run:
# the same addresses, sizes and bytes, and both point at the same KELF.
check_both() {
	local name=both dtb=$out/board-$ram-both.dtb smem index a b k1 k2 rc

	boot_dtb=$dtb boot "$name" "regions e2e.crash"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		not_ok "$name: guest did not finish (see $out/$name.log)"
		return
	fi
	if section "$name" providers | grep >/dev/null -c '^qcom-minidump-smem accepted=[1-9][0-9]* refused=0 stale=0$' &&
	   section "$name" providers | grep >/dev/null -c '^5f000000.dump-index accepted=[1-9][0-9]* refused=0 stale=0$'; then
		ok "$name: the SMEM and dump index providers both took every region"
	else
		not_ok "$name: providers: $(section "$name" providers | tr '\n' ' ')"
	fi
	smem=$("$out/tools/mdread" --quiet --image "$out/$name.ram" --dtb "$dtb" --list) ||
		{ not_ok "$name: mdread (SMEM) failed"; return; }
	index=$("$out/tools/mdread" --quiet --image "$out/$name.ram" --dtb "$dtb" --index --list) ||
		{ not_ok "$name: mdread --index failed"; return; }
	printf '%s\n' "$smem" > "$out/$name.smem.mdread"
	printf '%s\n' "$index" > "$out/$name.index.mdread"
	a=$(awk '$1 == "region" && $2 != "KELF" { print $4, $5, $6 }' <<< "$smem" | sort)
	b=$(awk '$1 == "region" && $2 == "load" { print $4, $5, $6 }' <<< "$index" | sort)
	k1=$(awk '$1 == "region" && $2 == "KELF" { print $4, $5 }' <<< "$smem")
	k2=$(awk '$1 == "region" && $2 == "kelf" { print $4, $5 }' <<< "$index")
	if [ -n "$a" ] && [ "$a" = "$b" ] && [ -n "$k1" ] && [ "$k1" = "$k2" ]; then
		ok "$name: $(grep -c . <<< "$a") runs identical through SMEM and the dump index (address, size, CRC), same KELF ($k1)"
	else
		not_ok "$name: the two providers disagree"
		diff <(echo "$a") <(echo "$b") | head -5
	fi
}

# A RAM image cut short (a dump whose transfer stopped): the board's DTB
# says how much RAM there is, so regions past the end are "the image ends
# early" (exit 4), reported one by one, and the others are still collected.
check_truncated() {
	local name=$1 t=$out/$1.trunc.ram rc n

	cp --sparse=always "$out/$name.ram" "$t" && truncate -s $((0x1f000000)) "$t" ||
		{ not_ok "$name: cannot make a truncated copy"; return; }
	"$out/tools/mdread" --quiet --image "$t" --dtb "$out/board-$ram.dtb" --list \
		> "$out/$name.trunc.list" 2> "$out/$name.trunc.err"
	rc=$?
	n=$(grep -c 'the image ends early; skipped' "$out/$name.trunc.err")
	if [ "$rc" -eq 4 ] && [ "$n" -ge 1 ] && grep -q '^region ' "$out/$name.trunc.list"; then
		ok "$name: truncated image: $n region(s) past its end reported, the rest listed, exit 4"
	else
		not_ok "$name: truncated image gave exit $rc: $(head -3 "$out/$name.trunc.err")"
	fi
	# What was not read is absent from the loads, never described as
	# zeros (p_memsz past p_filesz, which drgn reads as zeros silently).
	local full cut left bad
	"$out/tools/mdread" --quiet --image "$t" --dtb "$out/board-$ram.dtb" \
		--elf "$out/$name.trunc.elf" 2> "$out/$name.trunc.elf.err"
	rc=$?
	full=$(readelf -lW "$out/$name.elf" | grep -c '^ *LOAD')
	cut=$(readelf -lW "$out/$name.trunc.elf" | grep -c '^ *LOAD')
	left=$(grep -c 'was not dumped; left out' "$out/$name.trunc.elf.err")
	bad=$(readelf -lW "$out/$name.trunc.elf" | awk '$1 == "LOAD" && $5 != $6' | wc -l)
	if [ "$rc" -eq 4 ] && [ "$left" -ge 1 ] && [ "$cut" -eq $((full - left)) ] && [ "$bad" -eq 0 ]; then
		ok "$name: truncated image: the ELF leaves the $left load(s) not read out ($cut of $full), every load's file size its memory size"
	else
		not_ok "$name: truncated ELF: exit $rc, $cut of $full loads, $left left out, $bad with p_memsz != p_filesz"
	fi
	rm -f "$t" "$out/$name.trunc.elf"
}

# crash_kexec_post_notifiers (common with pstore) stops the other CPUs with
# the "crash stop" IPI: their registers must reach the dump all the same.
# gdb shows a thread per CPU; one whose registers were lost has pc 0.
check_crashstop() {
	local name=crashstop elf=$out/crashstop.elf n threads zero

	if ! boot "$name" "regions e2e.crash crash_kexec_post_notifiers"; then
		not_ok "$name: guest did not finish (see $out/$name.log)"
		return
	fi
	if ! mdread "$name" --elf "$elf" >/dev/null; then
		not_ok "$name: mdread --elf failed"
		return
	fi
	n=$(readelf -n "$elf" | grep -c NT_PRSTATUS)
	threads=$(timeout 120 gdb-multiarch -nx -batch -ex 'info threads' "$out/vmlinux" "$elf" 2>&1)
	printf '%s\n' "$threads" > "$out/$name.gdb-threads"
	zero=$(grep -c '0x0000000000000000 in' <<< "$threads")
	if [ "$n" -eq 2 ] && [ "$zero" -eq 0 ] && grep -q 'crash_kexec_post_notifiers' "$out/$name.log"; then
		ok "$name: after a crash stop, both CPUs' registers are in the dump (2 NT_PRSTATUS, no thread at pc 0)"
	else
		not_ok "$name: $n NT_PRSTATUS notes, $zero thread(s) with pc 0 (see $out/$name.gdb-threads)"
	fi
}

# A clean power-off runs the providers' shutdown: the table is withdrawn,
# so firmware (or the next kernel, after kexec) finds no stale regions.
check_shutdown() {
	local name=shutdown list

	if ! boot "$name" "regions e2e.poweroff"; then
		not_ok "$name: guest did not finish (see $out/$name.log)"
		return
	fi
	list=$(mdread "$name" --list 2>&1)
	printf '%s\n' "$list" > "$out/$name.mdread"
	if section "$name" providers | grep >/dev/null -c '^qcom-minidump-smem accepted=[1-9]' &&
	   ! grep -q '^region ' <<< "$list"; then
		ok "$name: after a clean power-off the APSS table lists no region"
	else
		not_ok "$name: the table still lists regions after power-off (see $out/$name.mdread)"
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
	elif section "$name" providers | grep >/dev/null -c minidump; then
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

run good && { check_regions good; check_truncated good; }
run cached30 && check_regions cached30 --cached --subsystems 30
run panic && { check_regions panic; check_consumers panic; }
run crashstop && check_crashstop
run shutdown && check_shutdown
run drgn && check_drgn drgn 512M
# log_buf_len= moves the log to a buffer allocated at boot.
run drgn2g && check_drgn drgn2g 2G log_buf_len=1M
run drgnstd && check_drgn_std drgnstd 512M
run drgnstd2g && check_drgn_std drgnstd2g 2G
run pstore && check_pstore
run mmio && check_mmio mmio yes
run mmio-uninit && check_mmio mmio-uninit no
run index && check_index
run index-bad && check_index_bad
run reset-loop && check_reset_loop
run both && check_both
run legacy && check_broken legacy "cannot read SMEM item 602" 1 --variant legacy
run no-siii && check_broken no-siii "cannot read SMEM item 602" 1 --variant no-siii
run no-item && check_broken no-item "no minidump table in SMEM item 602" 0 --variant no-item
run uninit && check_broken uninit "not initialised by firmware" 0 --variant uninit
run short && check_broken short "too small for the APSS table" 0 --variant short
finish
exit
}
