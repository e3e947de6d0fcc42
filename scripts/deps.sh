#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install what the harness needs from Debian's archive, only if missing.
set -euo pipefail

pkgs="linux-source-6.12 gcc-aarch64-linux-gnu qemu-system-arm bc flex bison
libssl-dev libelf-dev cpio device-tree-compiler ccache python3 rsync make
perl python3-ply python3-git libc6-dev-arm64-cross dt-schema
clang-14 libclang-rt-14-dev libcmocka-dev gdb-multiarch python3-drgn binutils
time"

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
