#!/usr/bin/env bash
# Run the suite on several kernels and tabulate the verdicts.
#
# Usage: matrix.sh [-j JOBS] [-o DIR] KERNEL... [-- RUNNER-ARGS...]
#
#   KERNEL   anything vmtest.sh -k takes: "6.12", "7.3.4", a vmlinuz path
#   -j JOBS  VMs at a time (default 2)
#   -o DIR   output directory (default build/)
#
# Writes DIR/matrix.json (one runner JSON per kernel, with its exit code
# and timings) and DIR/matrix.md (rows: tests, columns: kernels). Each
# kernel also gets a bare boot that only powers off, so that boot-to-verdict
# can be compared with it. Exit 0 when every kernel passed, 1 otherwise.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=2
out=$root/build
while getopts "j:o:" opt; do
	case $opt in
	j) jobs=$OPTARG ;;
	o) out=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
kernels=()
while (($#)) && [[ $1 != -- ]]; do
	kernels+=("$1")
	shift
done
[[ ${1:-} == -- ]] && shift
if ((${#kernels[@]} == 0)); then
	echo "usage: matrix.sh [-j JOBS] [-o DIR] KERNEL... [-- RUNNER-ARGS...]" >&2
	exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# Resolve versions one at a time: the private apt state is not shareable.
images=()
for k in "${kernels[@]}"; do
	if [[ -f $k ]]; then
		images+=("$k")
	else
		images+=("$("$root/scripts/fetch-kernel.sh" "$k")")
	fi
done

# run_one INDEX: the suite, then a bare boot, on kernel INDEX.
run_one() {
	local i=$1 rc=0 verdict bare
	shift
	"$root/scripts/vmtest.sh" -k "${images[i]}" -o "$work/$i.json" -- "$@" \
		>"$work/$i.ktap" 2>"$work/$i.err" || rc=$?
	echo "$rc" >"$work/$i.rc"
	"$root/scripts/vmtest.sh" -k "${images[i]}" --bare >/dev/null 2>"$work/$i.bare" || true
	verdict=$(grep -o 'boot-to-verdict [0-9.]*' "$work/$i.err" | tail -n 1 | cut -d' ' -f2)
	bare=$(grep -o 'bare boot of .*: [0-9.]*s' "$work/$i.bare" | tail -n 1 | grep -o '[0-9.]*s$' | tr -d s)
	printf '{"verdict_s": %s, "bare_boot_s": %s}\n' "${verdict:-null}" "${bare:-null}" >"$work/$i.time"
	printf '%-28s exit %d  %s\n' "${kernels[i]}" "$rc" "$(tail -n 1 "$work/$i.ktap")" >&2
}

running=0
pids=()
for i in "${!images[@]}"; do
	if ((running >= jobs)); then
		wait -n || true
		running=$((running - 1))
	fi
	run_one "$i" "$@" &
	pids+=($!)
	running=$((running + 1))
done
# Each one by its pid: a bare "wait" can return before the last job ends.
for pid in "${pids[@]}"; do
	wait "$pid" || true
done

# matrix.json: one entry per kernel, in the order given.
for i in "${!images[@]}"; do
	result=$work/$i.json
	[[ -s $result ]] || echo null >"$result"
	jq -n --arg kernel "${kernels[i]}" --arg image "${images[i]}" \
		--argjson exit "$(cat "$work/$i.rc")" \
		--slurpfile result "$result" --slurpfile time "$work/$i.time" \
		'{kernel: $kernel, image: $image, exit: $exit, result: $result[0]} + $time[0]'
done | jq -s '{kernels: .}' >"$work/matrix.json"
mv "$work/matrix.json" "$out/matrix.json"

jq -r -f "$root/scripts/matrix-md.jq" "$out/matrix.json" >"$work/matrix.md"
mv "$work/matrix.md" "$out/matrix.md"
echo "matrix: wrote $out/matrix.json and $out/matrix.md" >&2

status=0
for i in "${!images[@]}"; do
	[[ $(cat "$work/$i.rc") == 0 ]] || status=1
done
exit $status
