#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the host tools (no kernel needed): mdread, kdmesg, kpstore, mksmem
# and the qdl-style assembler qdlasm, into DIR (default build/tools).
#
#   scripts/build-tools.sh [DIR]
# Read whole before running: editing the file meanwhile cannot derail it.
{
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:-$DR_TOP/build/tools}
t=$DR_TOP/tools
cc=(gcc -Wall -Wextra -Werror -O2)
mkdir -p "$out"
"${cc[@]}" -o "$out/mksmem" "$t/mksmem.c" "$t/smem_build.c" "$t/util.c"
"${cc[@]}" -o "$out/mdread" "$t/mdread.c" "$t/minidump.c" "$t/kelf.c" "$t/drindex.c" "$t/fdt.c" "$t/util.c" -lz
"${cc[@]}" -o "$out/kdmesg" "$t/kdmesg.c" "$t/kcore.c" "$t/util.c"
"${cc[@]}" -o "$out/kpstore" "$t/kpstore.c" "$t/ramoops.c" "$t/fdt.c" "$t/kcore.c" "$t/util.c" -lz
"${cc[@]}" -o "$out/qdlasm" "$DR_TOP/tests/tools/qdlasm.c"
echo "host tools in $out: mdread kdmesg kpstore mksmem qdlasm"
exit
}
