#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Print a directory to use as the harness's whole PATH: links to the
# programs of the packages scripts/deps.sh names, of what they depend on,
# and of Debian's essential and required packages; nothing else.  A tool
# that merely happens to be installed on this machine (or a python3 from
# pyenv, an option ROM package, ...) is then not found, and the step that
# needs it fails here as it would on a fresh machine.  Cached until dpkg's
# database or the package list changes.
set -euo pipefail
export LC_ALL=C
. "$(dirname "$0")/lib.sh"

key=$( { cat "$DR_TOP/scripts/deps.sh"; stat -c %Y /var/lib/dpkg/status; } | sha256sum | cut -c1-16)
dir=$DR_CACHE/path-$key
if [ -d "$dir" ]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$DR_CACHE"
tmp=$(mktemp -d "$DR_CACHE/path.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

pkgs=$("$DR_TOP/scripts/deps.sh" --list)
{
	# shellcheck disable=SC2086
	apt-cache depends --recurse --installed --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances $pkgs |
		grep -v '^[[:space:]<]'
	dpkg-query -W -f='${Package} ${Priority} ${Essential} ${db:Status-Status}\n' |
		awk '$4 == "installed" && ($2 == "required" || $3 == "yes") { print $1 }'
} | sort -u > "$tmp/pkgs"

# Every file those packages own, resolved, then every command on the
# standard PATH whose target is one of them (alternatives such as awk
# resolve to mawk's binary).
xargs dpkg-query -L < "$tmp/pkgs" 2>/dev/null | grep -E '/s?bin/' |
	xargs -r realpath -e -q 2>/dev/null | sort -u > "$tmp/owned" || true
mkdir "$tmp/bin"
for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
	[ -d "$d" ] || continue
	for f in "$d"/*; do
		[ -x "$f" ] && [ ! -d "$f" ] || continue
		n=${f##*/}
		[ -e "$tmp/bin/$n" ] && continue
		r=$(realpath -e -q "$f") || continue
		printf '%s\t%s\t%s\n' "$r" "$n" "$f"
	done
done | sort -t "$(printf '\t')" -k1,1 > "$tmp/all"
join -t "$(printf '\t')" "$tmp/owned" "$tmp/all" |
	while IFS=$'\t' read -r _ n f; do
		[ -e "$tmp/bin/$n" ] || ln -s "$f" "$tmp/bin/$n"
	done
rm -rf "$DR_CACHE"/path-*
mv "$tmp/bin" "$dir"
echo "$dir"
