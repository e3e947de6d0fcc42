#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make patches: the project as a patch series against the 6.12 tree it
# builds on, in build/patches/: a cover letter (patches/cover-letter.txt)
# and one patch per step a maintainer would take, made with
# git format-patch from commits on a pristine extracted tree.  Each step
# lays some of the project's files over the tree and applies some of the
# glue patches of patches/, whose header gives the commit message.
#
#   scripts/patches.sh            write the series
#   scripts/patches.sh --check    write it, then check it: it applies with
#                                 git am to a pristine tree, the result is
#                                 byte-identical to the tree the tests
#                                 build, and checkpatch --strict is clean
#                                 on every patch of it
# Read whole before running: editing the file meanwhile cannot derail it.
{
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$DR_TOP/build/patches
work=$DR_TOP/build/patches-work
# The project's identity, as in its own commits and MAINTAINERS.
name="Seed d6ba207f maintainers"
email="maintainers@users.noreply.r-seed-d6ba207f.example"
author="$name <$email>"
export GIT_AUTHOR_NAME="$name" GIT_AUTHOR_EMAIL="$email"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
export GIT_AUTHOR_DATE="2026-11-24 12:00:00 +0000" GIT_COMMITTER_DATE="2026-11-24 12:00:00 +0000"

# Each step is one commit, "SOURCE|FILES": SOURCE is a glue patch of
# patches/ (applied; its Subject and body are the message, unless
# "+msg:NAME" follows it) or "msg:NAME" alone (patches/messages/NAME is the
# message: subject, blank line, body); FILES are project paths (files or
# directories) laid over the tree, "FILE<MARK" for its head only (see
# head_of).  Each commit adds to the MAINTAINERS entry (the first one
# creates it) the "F:" lines of patches/0009-MAINTAINERS-*.patch that
# match a file laid so far, so that each patch adding files names who
# maintains them and the series ends with the entry the tests' tree has.
#
# The steps below give the order a maintainer reads the core in.  A new
# provider needs no line here: each glue patch no step names becomes a
# step of its own (auto_steps), with the project files under the
# directories its Kconfig "source" lines add, after a step for each
# devicetree binding no step names.
steps=(
	"msg:dt-bindings-dump-index|Documentation/devicetree/bindings/reserved-memory/linux,dumpregion-index.yaml"
	"msg:dt-bindings-minidump-mmio|Documentation/devicetree/bindings/soc/qcom/qcom,minidump-mmio.yaml"
	"msg:dt-bindings-gunyah|Documentation/devicetree/bindings/firmware/gunyah-hypervisor.yaml"
	"0005-vmlinux-lds-dumpregion-static-section.patch|"
	"0001-dumpregion-wire-into-build.patch+msg:core-kelf|kernel/dumpregion/Kconfig<config+DUMPREGION_INFO kernel/dumpregion/Makefile<provider.o kernel/dumpregion/internal.h kernel/dumpregion/layout.c kernel/dumpregion/notes.c kernel/dumpregion/kelf.c include/linux/dumpregion.h include/linux/dumpregion"
	"msg:core|kernel/dumpregion/Makefile<clients.o kernel/dumpregion/provider.c kernel/dumpregion/table.c kernel/dumpregion/registry.c"
	"msg:core-clients|kernel/dumpregion/Kconfig<config+DUMPREGION_KUNIT_TEST kernel/dumpregion/Makefile<CONFIG_DUMPREGION_KUNIT_TEST kernel/dumpregion/clients.c kernel/dumpregion/crashutil.c kernel/dumpregion/panic.c kernel/dumpregion/debugfs.c"
	"0010-printk-put-the-log-in-dumps.patch|kernel/printk/dumpregion.c"
	"0004-arm64-smp-record-stopped-cpu-registers.patch+msg:arm64|arch/arm64/kernel/dumpregion.c"
	"0006-sched-panic-annotate-runqueues-and-taint-for-dumps.patch|"
	"0011-time-proc-put-what-crash-reads-in-dumps.patch|"
	"msg:core-kunit|kernel/dumpregion/Kconfig<config+DUMPREGION_E2E_TEST kernel/dumpregion/Makefile<CONFIG_DUMPREGION_E2E_TEST kernel/dumpregion/.kunitconfig kernel/dumpregion/dumpregion_test.c kernel/dumpregion/dumpregion_table_test.c kernel/dumpregion/dumpregion_kunit.c kernel/dumpregion/dumpregion_simple.h kernel/dumpregion/dumpregion_simple.c kernel/dumpregion/dumpregion_simple_test.c"
	"msg:core-e2e-bench|kernel/dumpregion/Kconfig kernel/dumpregion/Makefile kernel/dumpregion/dumpregion_e2e.c kernel/dumpregion/dumpregion_bench.c"
	"0008-firmware-dumpregion-build-the-dump-index-provider.patch|drivers/firmware/dumpregion"
	"0002-remoteproc-qcom-share-minidump-table-layout.patch|include/linux/soc/qcom/minidump.h"
	"0003-soc-qcom-smem-instantiate-minidump-provider.patch+msg:qcom-provider|drivers/soc/qcom/.kunitconfig drivers/soc/qcom/minidump_internal.h drivers/soc/qcom/minidump_table.c drivers/soc/qcom/minidump_smem.c drivers/soc/qcom/minidump_mmio.c drivers/soc/qcom/minidump_rm.c drivers/soc/qcom/minidump_table_test.c drivers/soc/qcom/minidump_rm_test.c"
	"0007-pstore-ram-register-zones-as-dump-regions.patch|fs/pstore/.kunitconfig fs/pstore/ram_dumpregion.c fs/pstore/ram_dumpregion.h fs/pstore/ram_dumpregion_test.c"
	"msg:docs|Documentation/core-api/dumpregion.rst Documentation/admin-guide/dumpregion.rst Documentation/dumpregion"
)

# head_of FILE MARK: FILE up to the first line containing MARK ("+" in
# MARK stands for a blank), without the blank lines before it: the part
# of a Kconfig or Makefile an earlier patch of the series adds, the rest
# coming with a later one (a FILES entry "FILE<MARK").
head_of() {
	awk -v m="${2//+/ }" 'index($0, m) { exit } { print }' "$1" |
		sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# The commit message of a glue patch: Subject without "[PATCH] ", body
# up to "---".
glue_message() {
	sed -n 's/^Subject: \[PATCH\] //p' "$1"
	echo
	awk 'NR > 1 && /^---$/ { exit } body { print } /^$/ && !body { body = 1 }' "$1" |
		sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# maintainers_entry DIR: (re)write the entry in DIR/MAINTAINERS from
# patches/0009: its header, and those of its F: patterns that match a file
# laid so far ($work.files), if there is one.
maintainers_entry() {
	local glue
	glue=$(ls "$DR_TOP"/patches/0009-MAINTAINERS-*.patch)
	/usr/bin/python3 - "$1/MAINTAINERS" "$glue" "$work.files" <<'PY'
import fnmatch, sys
path, glue, laid = sys.argv[1:4]
added = [l[1:] for l in open(glue).read().splitlines()
         if l.startswith("+") and not l.startswith("+++")]
head = [l for l in added if l and not l.startswith("F:")]
files = open(laid).read().split()
def covers(p, f):
    return f.startswith(p) if p.endswith("/") else fnmatch.fnmatchcase(f, p)
pats = [l[3:] for l in added if l.startswith("F:")
        if any(covers(l[3:], f) for f in files)]
if not pats:
    sys.exit(0)
entry = head + ["F:\t" + p for p in sorted(pats)] + [""]
lines = open(path).read().split("\n")
title = head[0]
if title in lines:
    i = lines.index(title)
    j = lines.index("", i)
    del lines[i:j + 1]
k = lines.index("DVB_USB_AF9015 MEDIA DRIVER")
lines[k:k] = entry
open(path, "w").write("\n".join(lines))
PY
}

# pristine DIR: the 6.12 tree, extracted, as one git commit.
pristine() {
	rm -rf "$1"
	mkdir -p "$1"
	tar -xf "$DR_SRC_TARBALL" -C "$1" --strip-components=1
	git -C "$1" init -q
	git -C "$1" add -A -f
	git -C "$1" commit -q -m "Linux $(dr_kver) (Debian linux-source-6.12)"
}

# auto_steps: a step for each devicetree binding and each glue patch no
# step names (a new provider's), the binding first; die on project files
# no step lays.
auto_steps() {
	local covered p f d files named
	covered=$(for s in "${steps[@]}"; do
		for f in ${s#*|}; do (cd "$DR_TOP" && find "${f%%<*}" -type f); done
	done | sort -u)
	named=$(for s in "${steps[@]}"; do src=${s%%|*}; echo "${src%%+*}"; done)
	for f in $(dr_files | grep '^Documentation/devicetree/bindings/.*\.yaml$'); do
		grep -qxF "$f" <<< "$covered" && continue
		d=$(basename "$f" .yaml)
		[ -f "$DR_TOP/patches/messages/dt-bindings-$d" ] ||
			dr_die "binding $f: no patches/messages/dt-bindings-$d for its commit"
		steps=("msg:dt-bindings-$d|$f" "${steps[@]}")
		covered+=$'\n'"$f"
	done
	for p in "$DR_TOP"/patches/0*.patch; do
		p=${p##*/}
		grep -qxF "$p" <<< "$named" && continue
		case "$p" in 0009-MAINTAINERS-*) continue ;; esac
		files=
		for d in $(sed -n 's|^+source "\(.*\)/Kconfig"$|\1|p' "$DR_TOP/patches/$p"); do
			for f in $(dr_files | grep "^$d/"); do
				grep -qxF "$f" <<< "$covered" || files+=" $f"
			done
		done
		steps+=("$p|${files# }")
		covered+=$'\n'"$(tr ' ' '\n' <<< "$files")"
	done
	files=$(comm -23 <(dr_files) <(grep -v '^$' <<< "$covered" | sort -u))
	[ -z "$files" ] || dr_die "in no step of the series: $(echo $files)"
}

write_series() {
	local s src files msg f
	dr_log "patches: extracting a pristine tree into $work"
	pristine "$work"
	rm -f "$work.files"
	touch "$work.files"
	auto_steps
	for s in "${steps[@]}"; do
		src=${s%%|*}
		files=${s#*|}
		msg=$(mktemp)
		case "$src" in
		msg:*)
			cat "$DR_TOP/patches/messages/${src#msg:}" > "$msg"
			;;
		*+msg:*)
			cat "$DR_TOP/patches/messages/${src#*+msg:}" > "$msg"
			src=${src%%+*}
			;;
		*)
			glue_message "$DR_TOP/patches/$src" > "$msg"
			;;
		esac
		if [ "${src#msg:}" = "$src" ]; then
			patch -d "$work" -p1 --batch --forward --quiet < "$DR_TOP/patches/$src" ||
				dr_die "$src does not apply"
		fi
		for f in $files; do
			mkdir -p "$work/$(dirname "${f%%<*}")"
			case "$f" in
			*"<"*)	head_of "$DR_TOP/${f%%<*}" "${f#*<}" > "$work/${f%%<*}" ;;
			*)	cp -r "$DR_TOP/$f" "$work/$(dirname "$f")/" ;;
			esac
		done
		for f in $files; do
			(cd "$DR_TOP" && find "${f%%<*}" -type f) >> "$work.files"
		done
		maintainers_entry "$work"
		printf '\nSigned-off-by: %s\n' "$author" >> "$msg"
		git -C "$work" add -A -f
		git -C "$work" commit -q -F "$msg"
		rm -f "$msg"
	done
	rm -rf "$out"
	git -C "$work" format-patch -q --cover-letter --thread=shallow \
		-o "$out" HEAD~${#steps[@]}..HEAD
	# The cover letter: patches/cover-letter.txt, subject on its first line.
	/usr/bin/python3 - "$out"/0000-cover-letter.patch "$DR_TOP/patches/cover-letter.txt" <<'PY'
import sys
path, letter = sys.argv[1], open(sys.argv[2]).read().split("\n", 1)
text = open(path).read()
text = text.replace("*** SUBJECT HERE ***", letter[0].strip())
text = text.replace("*** BLURB HERE ***", letter[1].strip())
open(path, "w").write(text)
PY
	echo "patches: $(ls "$out" | wc -l) files in $out"
}

# Every file of the project, and every file a glue patch touches, must be
# the same in the tree the series makes and in the tree the tests build.
check_series() {
	local tree am=$DR_TOP/build/patches-am bad=0 f p
	tree=$("$DR_TOP/scripts/prepare-tree.sh")
	pristine "$am"
	if ! git -C "$am" am -q $(ls "$out"/0*.patch | grep -v /0000-cover-letter.patch) \
		> "$am.log" 2>&1; then
		echo "not ok - git am: $(head -3 "$am.log")"
		return 1
	fi
	echo "ok - the series applies with git am to a pristine tree"
	{
		for d in $DR_OVERLAY_DIRS; do
			if [ -d "$DR_TOP/$d" ]; then (cd "$DR_TOP" && find "$d" -type f); fi
		done
		for p in "$DR_TOP"/patches/0*.patch; do
			sed -n 's|^+++ b/||p' "$p"
		done
	} | sort -u > "$am.files"
	while read -r f; do
		cmp -s "$am/$f" "$tree/$f" || { echo "  differs: $f"; bad=1; }
	done < "$am.files"
	[ "$(git -C "$am" status --porcelain | wc -l)" -eq 0 ] || { echo "  git am left changes"; bad=1; }
	if [ "$bad" -eq 0 ]; then
		echo "ok - git am of the series gives the tested tree ($(wc -l < "$am.files") files compared)"
	else
		echo "not ok - the series and the tested tree differ"
	fi
	# checkpatch asks "does MAINTAINERS need updating?" of any patch that
	# adds files without touching MAINTAINERS.  For a patch whose new
	# files the entry an earlier patch added already covers (the KUnit
	# suites of the core), get_maintainer.pl answers it instead.
	local cp p f ign
	cp=$( (cd "$tree" && for p in "$out"/0*.patch; do
		[ "${p##*/}" = 0000-cover-letter.patch ] && continue
		ign=
		if ! grep -q '^+++ b/MAINTAINERS$' "$p" && grep -q '^new file mode' "$p"; then
			ign="--ignore FILE_PATH_CHANGES"
			for f in $(awk '/^diff --git/ { f = $4 } /^new file mode/ { sub("^b/", "", f); print f }' "$p"); do
				(cd "$am" && scripts/get_maintainer.pl --no-git --no-rolestats \
					--no-l --no-r -f "$f" 2>/dev/null) | grep >/dev/null -c -F "$email" ||
					{ echo "$p: $f: no MAINTAINERS entry"; ign=; }
			done
		fi
		# shellcheck disable=SC2086
		scripts/checkpatch.pl --strict --quiet --no-summary --show-types $ign "$p"
	done) 2>&1 | grep -v '^$' || true)
	if [ -z "$cp" ]; then
		echo "ok - checkpatch --strict on every patch of the series"
	else
		echo "not ok - checkpatch --strict on the series"
		printf '%s\n' "$cp" | head -30 | sed 's/^/    /'
		bad=1
	fi
	return "$bad"
}

if [ "${1:-}" != --check ]; then
	write_series
	exit
fi
# make test: count what passed for the summary.
mkdir -p "$DR_RESULTS"
if (write_series) > "$DR_RESULTS/series.log" 2>&1; then
	res="ok - the series is written ($(ls "$out" | wc -l) files in build/patches/)
$(check_series 2>&1 || true)"
else
	res="not ok - the series could not be written: $(tail -1 "$DR_RESULTS/series.log")"
fi
printf '%s\n' "$res"
p=$(grep -c '^ok ' <<< "$res" || true)
f=$(grep -c '^not ok ' <<< "$res" || true)
dr_result series "$p" "$f"
echo "series: $p passed, $f failed"
[ "$f" -eq 0 ]
exit
}
