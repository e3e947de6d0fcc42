#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# crash(8) on an arm64 dump, as a user with an arm64 machine would run it:
# Debian's crash:arm64 (Debian builds crash for the host architecture
# only) and the arm64 libraries it links, fetched with apt into a private
# apt state under the cache ($DR_CACHE/crash/, as make oot fetches its
# headers: the machine's apt configuration is not touched and apt checks
# the archive's signatures), unpacked with dpkg-deb -x, run under
# qemu-aarch64-static -L.  Commands are read from standard input.
#
#   scripts/crash.sh VMLINUX CORE [crash options]
{
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cache=$DR_CACHE/crash
root=$cache/root
# crash:arm64's Depends (apt-cache depends crash:arm64), binutils aside:
# crash runs it only for commands this project does not use.
pkgs="crash libc6 libgcc-s1 liblzo2-2 libncursesw6 libsnappy1v5 libstdc++6 libtinfo6 libzstd1 zlib1g"
apt_private=(-q -o Dir::State::Lists="$cache/apt/lists" -o Dir::Cache="$cache/apt/cache"
	     -o APT::Architectures::=amd64 -o APT::Architectures::=arm64
	     -o Debug::NoLocking=1)

fetch() {
	local p
	rm -rf "$cache/debs" "$root.new"
	mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial" "$cache/debs" "$root.new"
	apt-get "${apt_private[@]}" update > "$cache/apt.log" 2>&1 || return 1
	(cd "$cache/debs" && for p in $pkgs; do
		apt-get "${apt_private[@]}" download "$p:arm64" >> "$cache/apt.log" 2>&1 || return 1
	done) || return 1
	for p in "$cache/debs"/*.deb; do
		dpkg-deb -x "$p" "$root.new" || return 1
	done
	rm -rf "$root"
	mv "$root.new" "$root"
}

[ $# -ge 2 ] || dr_die "usage: scripts/crash.sh VMLINUX CORE [crash options]"
if [ ! -x "$root/usr/bin/crash" ]; then
	fetch || dr_die "cannot fetch crash:arm64 (see $cache/apt.log)"
fi
vmlinux=$1 core=$2
shift 2
exec qemu-aarch64-static -L "$root" "$root/usr/bin/crash" --no_scroll -s "$@" "$vmlinux" "$core"
}
