# SPDX-License-Identifier: GPL-2.0
# Shared settings for the dumpregion harness scripts (sourced, not run).

DR_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DR_CACHE=${DUMPREGION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dumpregion}
DR_SRC_TARBALL=/usr/src/linux-source-6.12.tar.xz
DR_RESULTS=$DR_TOP/build/results

# Directories of the project that mirror paths of the kernel tree.
DR_OVERLAY_DIRS="arch kernel include drivers fs Documentation"

# The project's own files, as prepare-tree.sh lays them over the kernel
# tree: whatever is in the overlay directories, committed or not.  Every
# list of "our files" comes from here, so a new provider's directory needs
# no script edit.
dr_files() {
	local d
	(cd "$DR_TOP" && for d in $DR_OVERLAY_DIRS; do
		if [ -d "$d" ]; then find "$d" -type f; fi
	done | sort)
}

# An extended regex matching a compiler diagnostic in one of our C files.
dr_ours_regex() {
	printf '(%s):[0-9]+:[0-9]+: ' \
		"$(dr_files | grep '\.[ch]$' | grep -v '^Documentation/' |
		   sed 's/\./\\./g' | paste -sd'|')"
}

# Every Kconfig option the project defines (its own Kconfig files and the
# glue patches' additions), enabled: "CONFIG_X=m" for a tristate, "=y" for
# a bool.  For make lint, which compiles every project source.
dr_kconfig_symbols() {
	local f
	{
		for f in $(dr_files | grep '/Kconfig$'); do cat "$DR_TOP/$f"; done
		sed -n 's/^+//p' "$DR_TOP"/patches/*.patch
	} | awk '/^config [A-Z0-9_]+$/ { sym = $2; next }
		 sym && /^[ \t]+(bool|tristate)/ {
			print "CONFIG_" sym "=" ($1 == "tristate" ? "m" : "y"); sym = ""
		 }'
}

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

# Print the "ok"/"not ok" lines a script collected in the array res,
# record them as suite NAME and fail when one is "not ok":  dr_report NAME
dr_report() {
	local p f

	printf '%s\n' "${res[@]}"
	p=$(printf '%s\n' "${res[@]}" | grep -c '^ok ' || true)
	f=$(printf '%s\n' "${res[@]}" | grep -c '^not ok ' || true)
	dr_result "$1" "$p" "$f"
	[ "$f" -eq 0 ]
}

# Progress of a long build whose own output goes to a log:
#   dr_progress_start KEY LABEL DIR MINUTES LOG
# says what is being built, how long a first build takes (MINUTES, measured
# on 2 cores) and where the log is, then reports the objects compiled in DIR
# since the start and the time elapsed: one line every 30 s, or one line
# rewritten every 5 s on a terminal.  dr_progress_stop ends it and records
# DIR's object count under KEY as the next build's estimate.
dr_progress_start() {
	local key=$1 label=$2 dir=$3 min=$4 log=$5 total start stamp

	total=$(cat "$DR_CACHE/objects-$key" 2>/dev/null || true)
	if [ ! -f "$dir/vmlinux" ]; then
		dr_log "$label: first build, about $min minutes on 2 cores (ccache makes later ones fast); log: $log"
	else
		dr_log "$label: incremental build; log: $log"
	fi
	stamp=$dir/.dr-progress-stamp
	mkdir -p "$dir"
	touch "$stamp"
	start=$(date +%s)
	(
		local tty=0 every=30 n el line
		[ -t 2 ] && { tty=1; every=5; }
		trap 'exit 0' TERM
		while sleep "$every"; do
			kill -0 $$ 2>/dev/null || exit 0
			n=$(find "$dir" -name '*.o' -newer "$stamp" 2>/dev/null | wc -l)
			el=$(( $(date +%s) - start ))
			line="    $label: $n objects compiled${total:+ (a full build has ~$total)}, $((el / 60))m$((el % 60))s elapsed"
			if [ "$tty" = 1 ]; then printf '\r%s ' "$line" >&2; else printf '%s\n' "$line" >&2; fi
		done
	) &
	DR_PROGRESS_PID=$!
	DR_PROGRESS_KEY=$key
	DR_PROGRESS_DIR=$dir
}

dr_progress_stop() {
	[ -n "${DR_PROGRESS_PID:-}" ] || return 0
	kill "$DR_PROGRESS_PID" 2>/dev/null
	wait "$DR_PROGRESS_PID" 2>/dev/null
	[ -t 2 ] && printf '\n' >&2
	if [ -f "$DR_PROGRESS_DIR/vmlinux" ]; then
		find "$DR_PROGRESS_DIR" -name '*.o' 2>/dev/null | wc -l > "$DR_CACHE/objects-$DR_PROGRESS_KEY"
	fi
	rm -f "$DR_PROGRESS_DIR/.dr-progress-stamp"
	DR_PROGRESS_PID=
}

# Run the harness with nothing on PATH but what scripts/deps.sh installs
# (scripts/hermetic-path.sh), so that a tool this machine merely happens to
# have cannot make a run pass that would fail on a fresh machine.
if [ -z "${DR_PATH:-}" ] && [ -z "${DR_HERMETIC_BUILDING:-}" ]; then
	DR_PATH=$(DR_HERMETIC_BUILDING=1 "$DR_TOP/scripts/hermetic-path.sh") ||
		dr_die "cannot build the harness PATH (run scripts/deps.sh)"
	export DR_PATH
	export PATH=$DR_PATH
fi
