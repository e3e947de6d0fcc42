#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks that need a configured kernel: every C file of the project
# and every upstream C file the glue patches touch, compiled by Debian's
# clang (LLVM=-14) with W=1 and checked by sparse (C=2) in one arm64 build
# directory (allnoconfig + tests/lint/lint.config: providers, pstore and
# KUnit suites as modules).  Only objects are built, no vmlinux, so a cold
# run costs the tree's "prepare" step plus about thirty objects.
#
# A warning fails the run when it is in a project file, or on a line the
# glue patches add to an upstream file; the upstream files' own warnings
# (sparse has some in kernel/sched/core.c) are counted and shown, not
# failed.
#   scripts/lint.sh          records suite "lint"
{
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=$("$DR_TOP/scripts/prepare-tree.sh")
build=$DR_CACHE/build-lint-$(dr_kver)
out=$DR_TOP/build/lint
mkdir -p "$build" "$out"
log=$out/build.log
kmake=(make -C "$tree" O="$build" ARCH=arm64 LLVM=-14 CC="ccache clang-14" W=1
       -j"$(nproc)")
# The kernel tests/lint/lint.config describes, with every option the
# project defines enabled (dr_kconfig_symbols).
frag=$out/lint.config
{ cat "$DR_TOP/tests/lint/lint.config"; dr_kconfig_symbols; } > "$frag"
res=()

ok() { res+=("ok - $*"); }
not_ok() { res+=("not ok - $*"); }

# The project's C files, and the upstream ones the glue patches change.
ours=$(dr_files | grep '\.[ch]$' | grep -v '^Documentation/' || true)
theirs=$(sed -n 's|^+++ b/\(.*\.[ch]\)$|\1|p' "$DR_TOP"/patches/*.patch | sort -u)
objs=$(printf '%s\n' $ours $theirs | grep '\.c$' | sed 's/\.c$/.o/' | sort -u)

configure() {
	"${kmake[@]}" KCONFIG_ALLCONFIG="$frag" allnoconfig > "$log" 2>&1 || return 1
	local opt bad=0
	while read -r opt; do
		case "$opt" in
		CONFIG_*) grep -qx "$opt" "$build/.config" ||
			{ echo "lint: $opt missing from .config (dependencies?)"; bad=1; } ;;
		esac
	done < "$frag"
	return $bad
}

# added_lines FILE: the line numbers FILE has that the pristine tree's
# copy (extracted once into $out/pristine) does not.
added_lines() {
	if [ ! -d "$out/pristine" ]; then
		mkdir -p "$out/pristine"
		# shellcheck disable=SC2086
		tar -xf "$DR_SRC_TARBALL" -C "$out/pristine" --strip-components=1 \
			$(printf 'linux-source-6.12/%s\n' $theirs)
	fi
	diff --unchanged-line-format= --old-line-format= --new-line-format='%dn
' "$out/pristine/$1" "$tree/$1" || true
}

if ! configure; then
	not_ok "lint: configure allnoconfig + tests/lint/lint.config (see $log)"
else
	ok "lint: configure allnoconfig + tests/lint/lint.config"
	dr_log "lint: clang W=1 + sparse C=2 over $(wc -w <<< "$objs") objects; log: $log"
	# Force every object through both tools even when it is up to date.
	for o in $objs; do rm -f "$build/$o"; done
	if "${kmake[@]}" prepare >> "$log" 2>&1 &&
	   "${kmake[@]}" C=2 -k $objs > "$out/objs.log" 2>&1; then
		ok "lint: $(wc -w <<< "$objs") objects build with clang-14 W=1"
	else
		grep -E 'error' "$out/objs.log" | head -20
		not_ok "lint: objects do not build with clang-14 W=1 (see $out/objs.log)"
	fi
	# Warnings by origin: FILE:LINE:COL: warning: ... (clang and sparse).
	grep -E '^[^ :]+:[0-9]+:[0-9]+: (warning|error)' "$out/objs.log" |
		sed "s|^$tree/||; s|^\.\./||" | sort -u > "$out/warnings" || true
	: > "$out/new"
	: > "$out/old"
	rm -rf "$out/pristine"
	while IFS=: read -r f line rest; do
		if grep -qx "$f" <<< "$ours"; then
			echo "$f:$line:$rest" >> "$out/new"
		elif grep -qx "$f" <<< "$theirs" && added_lines "$f" | grep -qx "$line"; then
			echo "$f:$line:$rest" >> "$out/new"
		else
			echo "$f:$line:$rest" >> "$out/old"
		fi
	done < "$out/warnings"
	n_sparse=$(grep -c '^  CHECK ' "$out/objs.log" || true)
	if [ -s "$out/new" ]; then
		sed 's/^/    /' "$out/new" | head -40
		not_ok "lint: $(wc -l < "$out/new") new clang/sparse warnings"
	elif [ "$n_sparse" -lt "$(wc -w <<< "$objs")" ]; then
		not_ok "lint: sparse checked $n_sparse of $(wc -w <<< "$objs") objects"
	else
		ok "lint: no new clang W=1 or sparse warnings ($n_sparse objects checked; $(wc -l < "$out/old") in upstream code left as is)"
	fi
fi

dr_report lint
exit
}
