#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare the kernel tree the project builds against, in a cache outside the
# clone: extract Debian's linux-source-6.12 once per package version and set
# of glue patches, apply patches/*.patch, then lay the project's own files
# over it.  Only files whose content changed are copied, so an incremental
# build after editing one project file rebuilds only what depends on it.
# Prints the tree's path.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=$(dr_tree)
mkdir -p "$DR_CACHE"

# Bump when the way the tree is prepared changes.
layout=2
stamp=$( { echo "$layout"; dr_kver; cat "$DR_TOP"/patches/*.patch 2>/dev/null; } | sha256sum | cut -d' ' -f1)
if [ ! -f "$tree/.dumpregion-stamp" ] || [ "$(cat "$tree/.dumpregion-stamp")" != "$stamp" ]; then
	[ -f "$DR_SRC_TARBALL" ] || dr_die "$DR_SRC_TARBALL missing (run scripts/deps.sh)"
	dr_log "extracting $(basename "$DR_SRC_TARBALL") into $tree"
	rm -rf "$tree" "$tree.tmp"
	mkdir -p "$tree.tmp"
	tar -xf "$DR_SRC_TARBALL" -C "$tree.tmp" --strip-components=1
	for p in "$DR_TOP"/patches/*.patch; do
		[ -e "$p" ] || continue
		patch -d "$tree.tmp" -p1 --batch --forward --quiet < "$p" ||
			dr_die "glue patch $(basename "$p") does not apply"
	done
	# checkpatch's SPDX check reads LICENSES/ from a git commit.
	git -C "$tree.tmp" init -q
	git -C "$tree.tmp" add -f LICENSES
	git -C "$tree.tmp" -c user.name=dumpregion -c user.email=dumpregion@localhost \
		commit -q -m "LICENSES for checkpatch"
	echo "$stamp" > "$tree.tmp/.dumpregion-stamp"
	mv "$tree.tmp" "$tree"
fi

# Overlay the project's files; drop files an earlier overlay added but the
# project no longer has.
cd "$DR_TOP"
new_manifest=$(for d in $DR_OVERLAY_DIRS; do
	if [ -d "$d" ]; then find "$d" -type f; fi
done | sort)
if [ -f "$tree/.dumpregion-manifest" ]; then
	comm -23 "$tree/.dumpregion-manifest" <(echo "$new_manifest") |
		while read -r f; do rm -f "$tree/$f"; done
fi
for d in $DR_OVERLAY_DIRS; do
	if [ -d "$d" ]; then rsync -rc "$d" "$tree/"; fi
done
echo "$new_manifest" > "$tree/.dumpregion-manifest"
echo "$tree"
