#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, measured in one run and reported as ratios (no pass/fail
# threshold):
#
# 1. The in-kernel benchmark (kernel/dumpregion/dumpregion_bench.c) in the
#    end-to-end guest kernel (no KASAN, no lockdep), on QEMU's bare virt
#    board (no provider but the benchmark's own): register, unregister,
#    update and update_atomic at 10, 100, 1k and 10k live regions with one and
#    two providers, as ns per operation and as a ratio to the cost at 10;
#    the panic finaliser against the number of regions, on 1, 2 and 4
#    CPUs; the boot-time cost of the static annotations.  The guest checks
#    what it built at 10,000 regions and says so.
# 2. The collector's throughput against cat on the same image.  A 1 GiB RAM image whose minidump table describes one region covering
# all of it but the first 2 MiB (SMEM and the table): mdread reads those
# bytes and writes them into an ELF (and, with --list, computes the CRC-32
# of every byte instead); cat reads the whole file.  Both read
# the image from the page cache (each is run once before timing), and the
# ELF goes to /dev/null so only the reading and copying are compared.
# Read whole before running: editing the file meanwhile cannot derail it.
{
set -uo pipefail
. "$(dirname "$0")/lib.sh"

# ---- 1. the in-kernel benchmark ----
out=$DR_TOP/build/bench-guest
. "$DR_TOP/scripts/guest.sh"
build_all >/dev/null || dr_die "cannot build the guest (see $out/build.log)"
boot_dtb=$out/board-$ram-bare.dtb
for n in 2 1 4; do
	smp=$n
	machine=(-M $machine_type -cpu max -smp "$smp" -nodefaults -display none)
	# QEMU's DTB lists the CPUs it was dumped with.
	board_dtb "$ram" bare || dr_die "no DTB"
	step=bench
	[ "$n" = 2 ] || step=bench-panic
	dr_log "bench: the in-kernel benchmark on $n CPU(s) ($step)"
	no_smem=1 boot_timeout=1200 boot "bench-smp$n" "$step" ||
		dr_die "the benchmark guest did not finish (see $out/bench-smp$n.log)"
	tr -d '\r' < "$out/bench-smp$n.log" | sed -n '/^E2E-BEGIN bench$/,/^E2E-END bench$/p' |
		grep '^BENCH ' > "$out/bench-smp$n.txt"
	grep -q '^BENCH done ret=0$' "$out/bench-smp$n.txt" ||
		dr_die "the benchmark failed: $(grep 'done\|check' "$out/bench-smp$n.txt")"
	rm -f "$out/bench-smp$n.ram"
done
/usr/bin/python3 - "$out" <<'PY'
import re, sys

out = sys.argv[1]
def rows(n):
    for line in open(f"{out}/bench-smp{n}.txt"):
        yield dict(re.findall(r"(\w+)=(\S+)", line)), line
ops = {}
panic = {}
for n in (1, 2, 4):
    for d, line in rows(n):
        if d.get("op") == "panic":
            panic.setdefault((int(d["cpus"]), int(d["providers"])), {})[int(d["n"])] = int(d["ns"])
        elif "op" in d and n == 2:
            ops.setdefault((d["op"], int(d["providers"]), d["pattern"]), {})[int(d["n"])] = int(d["ns"])
        elif line.startswith("BENCH check") and n == 2:
            print("check at %s regions, %s provider(s): %s KELF loads, missing from KELF %s, wrong in provider tables %s, offsets wrong %s" %
                  (d["n"], d["providers"], d["kelf_loads"], d["missing_kelf"], d["bad_provider"], d["bad_offsets"]))
        elif line.startswith("BENCH static") and n == 2:
            print("static annotations: %s regions registered at boot in %.1f us" % (d["count"], int(d["ns"]) / 1000))
sizes = sorted({s for v in ops.values() for s in v})
def k(s):
    return "%dk" % (s // 1000) if s >= 1000 else str(s)
print()
print("per operation, ns (ratio to 10 live regions), 2 CPUs; regions picked at random, or in")
print("registration order (seq: neighbours warm in the caches):")
print("| operation | providers | pattern | " + " | ".join(k(s) for s in sizes) + " |")
print("|---|---|---|" + "---|" * len(sizes))
order = ["register", "unregister", "update", "update_atomic"]
for (op, p, pat) in sorted(ops, key=lambda x: (x[2] != "random", x[1], order.index(x[0]))):
    v = ops[(op, p, pat)]
    base = v[sizes[0]]
    print(f"| {op} | {p} | {pat} | " + " | ".join("%d (%.2f)" % (v[s], v[s] / base) for s in sizes) + " |")
print()
print("panic finaliser, us (best of 5):")
psizes = sorted({s for v in panic.values() for s in v})
print("| CPUs | providers | " + " | ".join(k(s) for s in psizes) + " |")
print("|---|---|" + "---|" * len(psizes))
for (c, p) in sorted(panic):
    v = panic[(c, p)]
    print(f"| {c} | {p} | " + " | ".join("%.1f" % (v[s] / 1000) for s in psizes) + " |")
PY
echo

# ---- 2. the collector against cat ----
out=$DR_TOP/build/bench
t=$DR_TOP/tools
mkdir -p "$out"
size=$((1 << 30))
region=$((size - (2 << 20)))
img=$out/ram.img

gcc -Wall -Wextra -Werror -O2 -I"$t" -o "$out/mdread" "$t/mdread.c" "$t/minidump.c" \
	"$t/kelf.c" "$t/drindex.c" "$t/fdt.c" "$t/util.c" -lz || exit 1
gcc -Wall -Wextra -Werror -O2 -I"$t" -o "$out/mkimage" "$DR_TOP/tests/tools/mkimage.c" \
	"$t/smem_build.c" "$t/util.c" || exit 1
"$out/mkimage" -o "$img" -s $size -f -r ram,0x200000,$region || exit 1

now() { date +%s.%N; }
collect() { "$out/mdread" -q --image "$img" --ram-base 0x80000000 \
	--smem 0x80000000,0x100000 --elf /dev/null 2>/dev/null; }

listing() { "$out/mdread" -q --image "$img" --ram-base 0x80000000 \
	--smem 0x80000000,0x100000 --list > /dev/null 2>&1; }

runs=3
collect
cat "$img" > /dev/null
best_md=
best_cat=
best_list=
for i in $(seq $runs); do
	s=$(now); collect || dr_die "mdread failed"; e=$(now)
	d=$(echo "$e - $s" | bc)
	[ -z "$best_md" ] || [ "$(echo "$d < $best_md" | bc)" -eq 1 ] && best_md=$d
	s=$(now); listing || dr_die "mdread --list failed"; e=$(now)
	d=$(echo "$e - $s" | bc)
	[ -z "$best_list" ] || [ "$(echo "$d < $best_list" | bc)" -eq 1 ] && best_list=$d
	s=$(now); cat "$img" > /dev/null; e=$(now)
	d=$(echo "$e - $s" | bc)
	[ -z "$best_cat" ] || [ "$(echo "$d < $best_cat" | bc)" -eq 1 ] && best_cat=$d
done
md_rate=$(echo "scale=1; $region / $best_md / 1048576" | bc)
cat_rate=$(echo "scale=1; $size / $best_cat / 1048576" | bc)
list_rate=$(echo "scale=1; $region / $best_list / 1048576" | bc)
echo "image: $((size >> 20)) MiB, region: $((region >> 20)) MiB (best of $runs, page cache warm)"
printf 'mdread --elf: %.3f s, %s MiB/s\n' "$best_md" "$md_rate"
printf 'mdread --list: %.3f s, %s MiB/s (CRC-32 of every byte)\n' "$best_list" "$list_rate"
printf 'cat:          %.3f s, %s MiB/s\n' "$best_cat" "$cat_rate"
echo "throughput ratio mdread --elf / cat: $(echo "scale=2; $md_rate / $cat_rate" | bc)"
echo "throughput ratio mdread --list / cat: $(echo "scale=2; $list_rate / $cat_rate" | bc)"
rm -f "$img"
exit
}
