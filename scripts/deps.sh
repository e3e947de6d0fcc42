#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the packages scripts/packages lists from Debian's archive, only
# those missing.  Recommended packages are not installed: the harness must
# not need them (scripts/hermetic-path.sh makes sure of it).
set -euo pipefail

pkgs=$(sed -e 's/#.*//' -e 's/[[:space:]].*//' -e '/^$/d' "$(dirname "$0")/packages")

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
