#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: the collector's throughput against cat on the same image,
# measured in one run and reported as a ratio (no pass/fail threshold).
# A 1 GiB RAM image whose minidump table describes one region covering
# all of it but the first 2 MiB (SMEM and the table): mdread reads those
# bytes and writes them into an ELF (and, with --list, computes the CRC-32
# of every byte instead); cat reads the whole file.  Both read
# the image from the page cache (each is run once before timing), and the
# ELF goes to /dev/null so only the reading and copying are compared.
# Read whole before running: editing the file meanwhile cannot derail it.
{
set -uo pipefail
. "$(dirname "$0")/lib.sh"

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
