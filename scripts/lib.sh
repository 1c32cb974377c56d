# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Sourced by the scripts beside it: messages and timing.
# The sourcing script sets PROG, and may set DIE_STATUS (default 1).

log()
{
	printf '%s: %s\n' "$PROG" "$*" >&2
}

die()
{
	log "error: $*"
	exit "${DIE_STATUS:-1}"
}

now()
{
	echo "$EPOCHREALTIME"
}

# Seconds since $1, as "12.3s" or "2m05s".
since()
{
	awk -v a="$1" -v b="$(now)" 'BEGIN {
		s = b - a
		if (s < 60)
			printf "%.1fs", s
		else
			printf "%dm%02ds", s / 60, s % 60
	}'
}

# run_errexit COMMAND...: run COMMAND, a function too, in a subshell with
# set -e in force, and set status to its exit status. Called as "f ||
# rc=$?" (or in an "if"), a function runs with set -e off, so that only its
# last command decides. Redirect the call itself: run_errexit f >"$out".
# The caller must not itself be in such a context.
run_errexit()
{
	set +e
	(
		set -e
		"$@"
	)
	status=$?
	set -e
}

# usage [STATUS]: the sourcing script's header comment, from its third
# line to the first line that is not a comment; on stdout for --help
# (STATUS 0), else on stderr. USAGE_FILE: another file than $0.
usage()
{
	local status=${1:-2}

	if ((status)); then
		exec >&2
	fi
	awk 'NR > 2 && !/^#/ { exit } NR > 2 { sub(/^# ?/, ""); print }' "${USAGE_FILE:-$0}"
	exit "$status"
}
