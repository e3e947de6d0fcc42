#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fast gates that need no kernel build: checkpatch --strict on every project
# kernel source, header and glue patch; kernel-doc quiet, with a kernel-doc
# comment for every exported symbol; GPL-only exports, no BUG_ON; shell
# scripts parse; the core's files layered, none calling one that calls it.
# Each gate counts as one test in the summary.
# Read whole before running: editing the file meanwhile cannot derail it.
{
set -uo pipefail
. "$(dirname "$0")/lib.sh"

tree=$("$DR_TOP/scripts/prepare-tree.sh") || exit 1
cd "$DR_TOP"
passed=0
failed=0

gate() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1) && [ -z "$out" ]; then
		passed=$((passed + 1))
		echo "ok - $name"
	else
		failed=$((failed + 1))
		echo "not ok - $name"
		printf '%s\n' "$out" | sed 's/^/    /' | head -40
	fi
}

mapfile -t ksrc < <(find arch kernel include drivers fs -name '*.[ch]' 2>/dev/null | sort)
mapfile -t csrc < <(printf '%s\n' "${ksrc[@]}" | grep '\.c$')
mapfile -t patches < <(find patches -name '*.patch' | sort)
mapfile -t shells < <({ find scripts tests -name '*.sh'; echo .ci/run; } | sort)

# Run from the tree (a git repository) so the SPDX tag check runs too.
checkpatch() {
	(cd "$tree" && scripts/checkpatch.pl --strict --quiet --no-summary \
		--show-types "$@")
}

# Ten files per checkpatch run, two runs at a time: most of its time is
# start-up, and make check must stay fast.
checkpatch_files() {
	printf "$DR_TOP/%s\n" "${ksrc[@]}" |
		(cd "$tree" && xargs -n 10 -P 2 scripts/checkpatch.pl --strict --quiet \
			--no-summary --show-types -f) 2>&1 | grep -v '^$' || true
}

checkpatch_patches() {
	local p
	for p in "${patches[@]}"; do
		checkpatch --no-signoff "$DR_TOP/$p" || true
	done
}

kerneldoc() {
	local f
	for f in "${ksrc[@]}"; do
		"$tree/scripts/kernel-doc" -none -Wall "$f" 2>&1
	done
}

# Every EXPORT_SYMBOL_NS_GPL(sym, NS) has a "sym() - " kernel-doc header.
exports_documented() {
	local f sym
	for f in "${csrc[@]}"; do
		for sym in $(sed -n 's/^EXPORT_SYMBOL_NS_GPL(\([a-z0-9_]*\), [A-Z_]*);/\1/p' "$f"); do
			grep -q "^ \* $sym() - " "$f" ||
				echo "$f: $sym is exported without kernel-doc"
		done
	done
}

no_forbidden() {
	# Exports are GPL-only and namespaced (DUMPREGION, QCOM_MINIDUMP).
	grep -nE '\bBUG_ON\(|EXPORT_SYMBOL\(|EXPORT_SYMBOL_GPL\(|-ENOTSUPP\b|\(kunit_action_t \*\)' \
		"${ksrc[@]}" || true
}

shells_parse() {
	local f
	for f in "${shells[@]}"; do
		bash -n "$f" 2>&1
	done
}

# The project's devicetree bindings: each schema passes dt-doc-validate,
# and its examples, compiled with dtc (warnings count), pass dt-validate
# against it (Debian's dt-schema 2022.08 tools, called directly).
bindings() {
	local b=Documentation/devicetree/bindings y ex out=$DR_TOP/build/bindings

	rm -rf "$out"
	mkdir -p "$out/schemas" "$out/refs"
	# References resolve in the project's bindings, plus stand-ins for
	# schemas Debian's dt-schema lacks (reserved-memory.yaml).
	cp -r "$b/." "$out/refs/"
	mkdir -p "$out/refs/reserved-memory"
	cp tests/qemu/schemas/reserved-memory.yaml "$out/refs/reserved-memory/"
	for y in $(find "$b" -name '*.yaml' 2>/dev/null | sort); do
		(cd "$out/refs" && /usr/bin/dt-doc-validate -u . "${y#"$b"/}") 2>&1
		cp "$y" "$out/schemas/"
	done
	[ -n "$(ls "$out/schemas")" ] || return 0
	cp tests/qemu/schemas/*.yaml "$out/schemas/"
	/usr/bin/dt-mk-schema -j -o "$out/schemas.json" "$out/schemas" 2>&1
	for y in $(find "$b" -name '*.yaml' | sort); do
		ex=$out/$(basename "$y" .yaml)
		/usr/bin/dt-extract-example "$y" > "$ex.dts" 2>&1
		dtc -q -I dts -O dtb -o "$ex.dtb" "$ex.dts" 2>&1
		/usr/bin/dt-validate -s "$out/schemas.json" "$ex.dtb" 2>&1
	done
}

# The project's pages parse as reStructuredText, and their kernel-doc
# directives find what they name (scripts/doccheck.py).
docs() {
	/usr/bin/python3 "$DR_TOP/scripts/doccheck.py" "$tree" \
		$(find Documentation -name '*.rst' | sort)
}

# Programs the harness names by absolute path bypass the restricted PATH
# (lib.sh): each must be one the packages provide all the same.
absolute_paths() {
	local p
	for p in $(cat Makefile .ci/run scripts/* $(find tests -name '*.sh' -o -name '*.py') |
		grep -oE '(^|[^a-zA-Z0-9_.~/-])/(usr/)?s?bin/[a-zA-Z0-9_.+-]+' |
		sed 's|^[^/]*||' | sort -u); do
		[ -e "$DR_PATH/${p##*/}" ] && [ "$(realpath "$DR_PATH/${p##*/}")" = "$(realpath "$p")" ] ||
			echo "$p: not provided by a package in scripts/deps.sh"
	done
}

# The core's files call only the files listed before them at the top of
# kernel/dumpregion/internal.h: a function one of them defines, named in the
# code (not a comment) of a file listed earlier, is a call back up.
core_layers() {
	local d=kernel/dumpregion files fn i j

	mapfile -t files < <(sed -n 's|^ \*   \([a-z]*\.c\) .*|\1|p' "$d/internal.h")
	[ "${#files[@]}" -ge 2 ] || { echo "$d/internal.h: no list of files"; return; }
	for ((i = 1; i < ${#files[@]}; i++)); do
		for fn in $(sed -nE 's/^[a-z][a-z0-9_ ]*[ *]([a-z_][a-z0-9_]*)\(.*/\1/p' "$d/${files[i]}"); do
			for ((j = 0; j < i; j++)); do
				grep -vE '^\s*(/?\*)' "$d/${files[j]}" | grep -qw "$fn" &&
					echo "${files[j]} calls $fn() of ${files[i]}, listed after it"
			done
		done
	done
	return 0
}

gate "checkpatch --strict (sources and headers)" checkpatch_files
gate "checkpatch --strict (glue patches)" checkpatch_patches
gate "kernel-doc -none -Wall" kerneldoc
gate "every export has kernel-doc" exports_documented
gate "GPL-only namespaced exports, no BUG_ON, no -ENOTSUPP" no_forbidden
gate "shell scripts parse (bash -n)" shells_parse
gate "programs named by absolute path come from scripts/deps.sh" absolute_paths
gate "devicetree bindings: dt-doc-validate, examples through dtc and dt-validate" bindings
gate "Documentation: rST (docutils, no Sphinx) and kernel-doc directives" docs
gate "the core's files call only those before them (internal.h)" core_layers

dr_result check "$passed" "$failed"
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
exit
}
