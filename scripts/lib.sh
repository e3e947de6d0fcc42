# SPDX-License-Identifier: GPL-2.0
# Shared settings for the dumpregion harness scripts (sourced, not run).

DR_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DR_CACHE=${DUMPREGION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dumpregion}
DR_SRC_TARBALL=/usr/src/linux-source-6.12.tar.xz
DR_RESULTS=$DR_TOP/build/results

# Directories of the project that mirror paths of the kernel tree.
DR_OVERLAY_DIRS="kernel include drivers fs Documentation"

dr_log() { printf '==> %s\n' "$*" >&2; }
dr_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

dr_kver() {
	dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null ||
		dr_die "linux-source-6.12 is not installed (run scripts/deps.sh)"
}

dr_tree() { echo "$DR_CACHE/linux-$(dr_kver)"; }

# Record one suite's outcome for the final summary: name passed failed.
dr_result() {
	mkdir -p "$DR_RESULTS"
	printf '%s %d %d\n' "$1" "$2" "$3" > "$DR_RESULTS/$1"
}
