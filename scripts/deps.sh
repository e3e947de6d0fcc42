#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the harness needs, only those missing.
# Recommended packages are not installed: the harness must not need them
# (scripts/hermetic-path.sh makes sure of it).
#
#   scripts/deps.sh          install what is missing
#   scripts/deps.sh --list   print the package names
set -euo pipefail

# One per line: package, then what needs it.
read -r -d '' PACKAGES <<'LIST' || true
linux-source-6.12	the kernel source (tarball under /usr/src)
gcc	host tools, the kernel's host programs
libc6-dev	host tools
make	everything
bc	kernel build, demo arithmetic
flex	kernel build (Kconfig, dtc)
bison	kernel build
libssl-dev	kernel build (scripts/sign-file, extract-cert)
libelf-dev	kernel build (objtool, resolve_btfids)
cpio	kernel build (kheaders), initramfs
xz-utils	extracting the kernel source tarball
patch	applying patches/ to the kernel tree
git	the cached tree's LICENSES commit (checkpatch's SPDX check)
rsync	laying the project's files over the tree
perl	kernel build, checkpatch.pl, kernel-doc
python3	kunit.py, result parsing
python3-ply	checkpatch's SPDX check
python3-git	checkpatch's SPDX check
gcc-aarch64-linux-gnu	the arm64 kernels and the guest's /init
libc6-dev-arm64-cross	the guest's static /init
ccache	compiler cache for kernel builds
qemu-system-arm	qemu-system-aarch64 for KUnit, e2e and the demo
qemu-system-x86	qemu-system-x86_64 for the core's KUnit suites on x86_64
device-tree-compiler	dtc and fdtoverlay: board DTBs, binding examples
dt-schema	dt-doc-validate, dt-mk-schema, dt-validate
clang-14	libFuzzer targets; make lint's LLVM=-14 kernel build
lld-14	make lint's LLVM=-14 kernel build (ld.lld-14)
llvm-14	make lint's LLVM=-14 kernel build (llvm-ar-14, llvm-nm-14, ...)
sparse	make lint's C=2 semantic checks
gpgv	make oot: apt checks the archive's signatures (private apt state)
dwarves	make oot: pahole, for Debian's BTF of modules
libclang-rt-14-dev	libFuzzer and sanitizer runtimes for clang
libcmocka-dev	host tools' unit tests
zlib1g-dev	mdread's CRC-32, kpstore inflating compressed pstore records
python3-docutils	make check's reStructuredText check of Documentation/
binutils	readelf on the collected ELF
gdb-multiarch	reading the dump with gdb
qemu-user-static	running Debian's arm64 crash (fetched like make oot's headers) on the dump
python3-drgn	reading the dump with drgn
time	/usr/bin/time: the collector's peak memory
LIST

pkgs=$(printf '%s\n' "$PACKAGES" | cut -f1)
if [ "${1:-}" = --list ]; then
	printf '%s\n' "$pkgs"
	exit 0
fi

missing=
for p in $pkgs; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "==> installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
