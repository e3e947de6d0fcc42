#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The providers as out-of-tree modules, built the way a vendor ships them:
# against Debian's own arm64 linux-headers package for the kernel the
# project builds on (same upstream release), with Debian's .config,
# Module.symvers and compiler (aarch64-linux-gnu-gcc-12), W=1.
#
# Debian's arm64 headers are fetched with apt into a private apt state
# under the cache ($DR_CACHE/oot/): the machine's own apt configuration
# and architecture list are not touched, and apt checks the archive's
# signatures as usual.  The kbuild host programs come from the amd64
# linux-kbuild package of the same version.
#
# What cannot be a module, and is therefore checked to be exactly what the
# modules need from outside Debian's kernel: the core (it hooks panic,
# printk, the arm64 CPU stop path and the linker script), whose exports
# are given to modpost from the sources (namespace DUMPREGION).  Debian's
# kernel does not carry it, so these modules build against its headers
# but load only on a kernel that has the core built in.
#   scripts/oot.sh          records suite "oot"
{
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ver=$(dr_kver)
up=${ver%%-*}
cache=$DR_CACHE/oot
out=$DR_TOP/build/oot
res=()
ok() { res+=("ok - $*"); }
not_ok() { res+=("not ok - $*"); }
mkdir -p "$cache" "$out"

apt_private=(-q -o Dir::State::Lists="$cache/apt/lists" -o Dir::Cache="$cache/apt/cache"
	     -o APT::Architectures::=amd64 -o APT::Architectures::=arm64
	     -o Debug::NoLocking=1)

fetch() {
	local p names
	mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial" "$cache/debs"
	apt-get "${apt_private[@]}" update > "$out/apt.log" 2>&1 || return 1
	# The ABI name of linux-source-6.12 $ver's binary packages: the one
	# plain arm64 flavour of that upstream release (not rt, not 16k).
	abi=$(apt-cache "${apt_private[@]}" pkgnames "linux-headers-$up+" |
		grep -- '-arm64$' | grep -v -- '-rt-\|-16k-\|-16k$' | sort -u | head -1 |
		sed 's/^linux-headers-//; s/-arm64$//')
	[ -n "$abi" ] || { echo "no linux-headers-$up+*-arm64 in the archive"; return 1; }
	names="linux-headers-$abi-arm64:arm64 linux-headers-$abi-common linux-kbuild-$abi:amd64"
	(cd "$cache/debs" && for p in $names; do
		apt-get "${apt_private[@]}" download "$p=$ver" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true
	done) >> "$out/apt.log"
	rm -rf "$root"
	mkdir -p "$root"
	for p in "$cache/debs"/linux-{headers-"$abi"-arm64,headers-"$abi"-common,kbuild-"$abi"}_"${ver//:/%3a}"_*.deb; do
		[ -f "$p" ] || { echo "missing $p"; return 1; }
		dpkg-deb -x "$p" "$root"
	done
}

root=$cache/root-$ver
hdr=
if [ -d "$root/usr/src" ]; then
	hdr=$(ls -d "$root"/usr/src/linux-headers-*-arm64 2>/dev/null | head -1)
fi
if [ -z "$hdr" ]; then
	dr_log "oot: fetching Debian's arm64 linux-headers $ver (private apt state in $cache)"
	abi=
	if fetch 2>&1 | tail -3; then
		hdr=$(ls -d "$root"/usr/src/linux-headers-*-arm64 2>/dev/null | head -1)
	fi
fi
if [ -z "$hdr" ] || [ ! -f "$hdr/Module.symvers" ]; then
	not_ok "oot: Debian's arm64 linux-headers $ver (see $out/apt.log)"
else
	# Debian's arch Makefile includes the common one by absolute path.
	sed -i "s|^include /usr/src/|include $root/usr/src/|" "$hdr/Makefile"
	rel=$(sed -n 's/^override KERNELRELEASE = //p' "$hdr/.kernelvariables")
	ok "oot: Debian's arm64 linux-headers for $rel"

	# The core's exports, as the kernel carrying it would list them.
	grep -ho 'EXPORT_SYMBOL_NS_GPL([a-z_0-9]*, DUMPREGION)' "$DR_TOP"/kernel/dumpregion/*.c |
		sed 's/EXPORT_SYMBOL_NS_GPL(\([a-z_0-9]*\), DUMPREGION)/0x00000000\t\1\tvmlinux\tEXPORT_SYMBOL_GPL\tDUMPREGION/' \
		> "$out/core.symvers"

	# The providers, found by directory: each directory under drivers/
	# with project C files, built as the modules its Makefile (the
	# project's, or the lines a glue patch adds to the kernel's) makes of
	# its non-test files, with the Kconfig options those lines name as
	# set.
	mods=()
	for d in $(dr_files | grep '^drivers/.*\.c$' | sed 's|/[^/]*$||' | sort -u); do
		m=${d//\//_}
		rm -rf "${out:?}/$m"
		mkdir -p "$out/$m"
		for f in $(dr_files | grep -E "^$d/[^/]+\.[ch]$" | grep -v '_test\.c$'); do
			cp "$DR_TOP/$f" "$out/$m/"
		done
		if [ -f "$DR_TOP/$d/Makefile" ]; then
			cat "$DR_TOP/$d/Makefile"
		else
			awk -v f="$d/Makefile" '/^\+\+\+ b\// { cur = substr($0, 7); next }
				cur == f && /^\+/ { print substr($0, 2) }' "$DR_TOP"/patches/*.patch
		fi | grep -v '^#' | grep -viE 'test|kunit' > "$out/$m/lines" || true
		grep -q '^obj-' "$out/$m/lines" || { rm -rf "${out:?}/$m"; continue; }
		defs=$(grep -o 'CONFIG_[A-Z0-9_]*' "$out/$m/lines" | sort -u | sed 's/^/-D/; s/$/=1/' | tr '\n' ' ')
		{
			echo "ccflags-y := -I\$(DR_INCLUDE) -DCONFIG_DUMPREGION=1 $defs"
			sed -E 's/^obj-\$\(CONFIG_[A-Z0-9_]+\)[[:space:]]*\+?=/obj-m +=/;
				s/-\$\(CONFIG_[A-Z0-9_]+\)/-y/' "$out/$m/lines"
		} > "$out/$m/Kbuild"
		rm "$out/$m/lines"
		mods+=("$m")
	done
	for m in "${mods[@]}"; do
		mod=$(sed -nE 's/^obj-m \+=[[:space:]]*([a-z_0-9]+)\.o.*/\1/p' "$out/$m/Kbuild" | head -1)
		if make -C "$hdr" M="$out/$m" W=1 DR_INCLUDE="$DR_TOP/include" \
			KBUILD_EXTRA_SYMBOLS="$out/core.symvers" modules > "$out/$m.log" 2>&1 &&
		   [ -f "$out/$m/$mod.ko" ]; then
			if grep -q 'warning:' "$out/$m.log"; then
				{ grep 'warning:' "$out/$m.log" || true; } | head -5 | sed 's/^/    /'
				not_ok "oot: $mod.ko builds with warnings (see $out/$m.log)"
			else
				ok "oot: $mod.ko builds against Debian's headers, W=1, no warning"
			fi
		else
			{ grep -E 'error|ERROR' "$out/$m.log" || true; } | head -5 | sed 's/^/    /'
			not_ok "oot: $mod.ko does not build (see $out/$m.log)"
			continue
		fi
		magic=$(modinfo -F vermagic "$out/$m/$mod.ko" 2>/dev/null ||
			strings "$out/$m/$mod.ko" | sed -n 's/^vermagic=//p')
		# Undefined symbols not in Debian's Module.symvers: must be the core's.
		und=$(aarch64-linux-gnu-nm -u "$out/$m/$mod.ko" | awk '{ print $2 }' | sort -u)
		deb=$(comm -12 <(printf '%s\n' $und) <(awk '{ print $2 }' "$hdr/Module.symvers" | sort -u))
		rest=$(comm -23 <(printf '%s\n' $und) <(printf '%s\n' $deb))
		core=$(awk '{ print $2 }' "$out/core.symvers" | sort -u)
		other=$(comm -23 <(printf '%s\n' $rest) <(printf '%s\n' $core) | grep -v '^$' || true)
		if [ "${magic%% *}" = "$rel" ] && [ -z "$other" ]; then
			ok "oot: $mod.ko: vermagic \"$magic\"; needs from outside Debian's kernel only the core's $(printf '%s\n' $rest | grep -c .) exports ($(printf '%s\n' $rest | tr '\n' ' ' | sed 's/ $//'))"
		else
			not_ok "oot: $mod.ko: vermagic \"$magic\" (want $rel), symbols neither Debian's nor the core's: $other"
		fi
	done
fi

dr_report oot
exit
}
