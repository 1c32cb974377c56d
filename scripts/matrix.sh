#!/usr/bin/env bash
#
# matrix.sh - run the suite on several kernels and tabulate the verdicts
#
# Usage: matrix.sh [-j JOBS] [-o DIR] [--arch ARCH]... KERNEL...
#                  [-- RUNNER-ARGS...]
#        matrix.sh --default-jobs
#
#   KERNEL       anything vmtest.sh -k takes: "6.12", "7.3.4", a vmlinuz
#                path, or a version qualified by an architecture or a
#                flavour: "arm64:7.0", "rt-arm64:7.0", "s390x:7.2.13"
#   --arch ARCH  run each KERNEL that is a bare version on ARCH (amd64,
#                arm64, s390x, riscv64, ppc64el; repeated, or a list
#                "amd64 arm64"): one column per kernel and architecture.
#                Default amd64.  A qualified KERNEL or a path runs once,
#                on its own architecture.
#   -j JOBS      VMs at a time (default: what this machine can hold, which
#                --default-jobs prints: one per 2 CPUs, as a VM has 2, and
#                one per 3 GiB of available memory; at least 1)
#   -o DIR       output directory (default build/)
#   RUNNER-ARGS  passed to the runner in each VM (vmtest.sh -- ARGS)
#
# Writes DIR/matrix.json (one runner JSON per kernel and architecture,
# with its exit code, timings, arch and flavour) and DIR/matrix.md (rows:
# tests, columns: kernels, and with several architectures, the verdicts
# that differ between architectures on the same version). Each
# kernel also gets a bare boot that only powers off, so that boot-to-verdict
# can be compared with it. A kernel without a verdict (it cannot be fetched,
# does not boot, crashes, times out) is a row with exit 5, "result": null,
# the error and the last lines of its console; so is one whose exit status
# no failed test explains (a kernel warning, say), with its result. The
# old matrix.json and matrix.md are removed first, and the new ones appear
# only complete. Then DIR/matrix.html, the same as a page (matrix-html.sh).
#
# -h, --help prints this text; after "--" it is one of the RUNNER-ARGS.
#
# Environment: vmtest.sh's and fetch-kernel.sh's (VMTEST_*, CONFORM_CACHE)
# apply to every kernel, except VMTEST_CONSOLE_LOG, which matrix.sh sets.
#
# Exit 0 when every kernel passed, 1 otherwise, 2 for bad usage.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly NO_VERDICT=5

# VMs this machine can hold at once.
default_jobs() {
	local jobs mem_kib by_mem
	jobs=$(($(nproc) / 2))
	mem_kib=$(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo)
	by_mem=$((${mem_kib:-0} / (3 * 1024 * 1024)))
	((by_mem >= jobs)) || jobs=$by_mem
	((jobs >= 1)) || jobs=1
	echo "$jobs"
}

for arg; do
	case $arg in
	--) break ;;
	-h|--help) usage 0 ;;
	esac
done
if [[ ${1:-} == --default-jobs ]]; then
	default_jobs
	exit 0
fi
jobs=
out=$root/build
arches=()
specs=()
while (($#)) && [[ $1 != -- ]]; do
	case $1 in
	-j | -o | --arch)
		(($# >= 2)) || usage
		case $1 in
		-j) jobs=$2 ;;
		-o) out=$2 ;;
		--arch) read -ra a <<<"${2//,/ }" && arches+=("${a[@]}") ;;
		esac
		shift
		;;
	-j*) jobs=${1#-j} ;;
	-o*) out=${1#-o} ;;
	--arch=*)
		v=${1#*=}
		read -ra a <<<"${v//,/ }" && arches+=("${a[@]}")
		;;
	-*) usage ;;
	*) specs+=("$1") ;;
	esac
	shift
done
[[ ${1:-} == -- ]] && shift
((${#specs[@]})) || usage
((${#arches[@]})) || arches=(amd64)
for a in "${arches[@]}"; do
	case $a in
	amd64 | arm64 | s390x | riscv64 | ppc64el) ;;
	*)
		echo "matrix.sh: unknown architecture '$a' (amd64, arm64, s390x, riscv64, ppc64el)" >&2
		exit 2
		;;
	esac
done
# One column per bare version and architecture (amd64's unqualified, as
# before); qualified versions and paths as they are.
kernels=()
for k in "${specs[@]}"; do
	if [[ -e $k || $k == *:* ]]; then
		kernels+=("$k")
		continue
	fi
	for a in "${arches[@]}"; do
		if [[ $a == amd64 ]]; then
			kernels+=("$k")
		else
			kernels+=("$a:$k")
		fi
	done
done
[[ -n $jobs ]] || jobs=$(default_jobs)
if ! [[ $jobs =~ ^[1-9][0-9]*$ ]]; then
	echo "matrix.sh: -j needs a number of VMs, not '$jobs'" >&2
	exit 2
fi

mkdir -p "$out"
# A failed run must never leave an old matrix looking current.
rm -f "$out/matrix.json" "$out/matrix.md" "$out/matrix.html"
work=$(mktemp -d)
json_tmp=
md_tmp=
trap 'rm -rf "$work" ${json_tmp:+"$json_tmp"} ${md_tmp:+"$md_tmp"}' EXIT

# Resolve versions one at a time: the private apt state is not shareable.
# A kernel that cannot be fetched gets no image, and a row without verdict.
images=()
for i in "${!kernels[@]}"; do
	k=${kernels[i]}
	if [[ -f $k ]]; then
		images+=("$k")
	elif image=$("$root/scripts/fetch-kernel.sh" "$k" 2>"$work/$i.err"); then
		images+=("$image")
		cat "$work/$i.err" >&2
	else
		images+=("")
		cat "$work/$i.err" >&2
	fi
done

# run_one INDEX RUNNER-ARGS...: the suite, then a bare boot, on kernel
# INDEX. Leaves $work/INDEX.{rc,ktap,err,json,console,bare}.
run_one() {
	local i=$1 rc=0
	shift
	if [[ -n ${images[i]} ]]; then
		VMTEST_CONSOLE_LOG=$work/$i.console \
			"$root/scripts/vmtest.sh" -k "${images[i]}" -o "$work/$i.json" -- "$@" \
			>"$work/$i.ktap" 2>"$work/$i.err" || rc=$?
	else
		rc=$NO_VERDICT
	fi
	echo "$rc" >"$work/$i.rc"
	# Timing a bare boot is only worth it for a kernel that gave a verdict.
	if ((rc != NO_VERDICT)); then
		VMTEST_CONSOLE_LOG=$work/$i.bare-console \
			"$root/scripts/vmtest.sh" -k "${images[i]}" --bare \
			>/dev/null 2>"$work/$i.bare" || true
	fi
}

running=0
pids=()
for i in "${!kernels[@]}"; do
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

# row INDEX: kernel INDEX's entry of matrix.json. Whatever run_one left
# behind, or did not, this gives a row.
row() {
	local i=$1 rc verdict bare arch flavour error=
	local result=$work/$i.json
	rc=$(cat "$work/$i.rc" 2>/dev/null || true)
	[[ $rc =~ ^[0-9]+$ ]] || rc=$NO_VERDICT
	if ! jq -e 'type == "object"' "$result" >/dev/null 2>&1; then
		echo null >"$result"
		((rc == NO_VERDICT)) || error="vmtest.sh exited $rc without a JSON result"
		rc=$NO_VERDICT
	fi
	# A failure no test explains (a kernel WARN during the suite, say) is
	# reported like a missing verdict: why, and the console.
	if ((rc == NO_VERDICT)) || { ((rc != 0)) &&
		jq -e '.summary.fail == 0 and (.summary.xpass // 0) == 0' "$result" >/dev/null; }; then
		# Why: vmtest.sh's (or fetch-kernel.sh's) last error line.
		[[ -n $error ]] ||
			error=$(grep -a 'error' "$work/$i.err" 2>/dev/null | tail -n 1 || true)
		[[ -n $error ]] ||
			error=$(tail -n 1 "$work/$i.err" 2>/dev/null || true)
		[[ -n $error ]] || error="vmtest.sh exited $rc"
	fi
	verdict=$(grep -ao 'boot-to-verdict [0-9.]*' "$work/$i.err" 2>/dev/null |
		tail -n 1 | cut -d' ' -f2 || true)
	# The architecture vmtest.sh booted, else the one asked for; the
	# flavour from fetch-kernel.sh's note beside the image.
	arch=$(sed -n 's/.*: booting [^ ]* (\([a-z0-9]*\), .*/\1/p' "$work/$i.err" 2>/dev/null |
		tail -n 1 || true)
	if [[ -z $arch ]]; then
		arch=amd64
		if [[ ${kernels[i]} == *:* ]]; then
			arch=${kernels[i]%%:*}
		fi
	fi
	flavour=
	if [[ -n ${images[i]} && -f $(dirname -- "${images[i]}")/source ]]; then
		flavour=$(sed -n 's/^flavour: *//p' "$(dirname -- "${images[i]}")/source")
	fi
	bare=$(grep -ao 'bare boot of .*: [0-9.]*s' "$work/$i.bare" 2>/dev/null |
		tail -n 1 | grep -o '[0-9.]*s$' | tr -d s || true)
	{ tail -n 20 "$work/$i.console" 2>/dev/null || true; } | tr -d '\r' >"$work/$i.tail"
	jq -n --arg kernel "${kernels[i]}" --arg image "${images[i]}" \
		--arg arch "$arch" --arg flavour "$flavour" \
		--argjson exit "$rc" --slurpfile result "$result" \
		--arg verdict "$verdict" --arg bare "$bare" --arg error "$error" \
		--rawfile tail "$work/$i.tail" '
		def num: if . == "" then null else tonumber end;
		{kernel: $kernel, image: (if $image == "" then null else $image end),
		 arch: $arch, flavour: (if $flavour == "" then null else $flavour end),
		 exit: $exit, result: $result[0],
		 verdict_s: ($verdict | num), bare_boot_s: ($bare | num)}
		+ if $error != "" then
			{error: $error, console_tail: ($tail | split("\n") | map(select(. != "")))}
		  else {} end'
}

status=0
for i in "${!kernels[@]}"; do
	row "$i" >"$work/$i.row"
	rc=$(jq .exit "$work/$i.row")
	((rc == 0)) || status=1
	printf '%-28s exit %d  %s\n' "${kernels[i]}" "$rc" \
		"$(jq -r '.error // empty' "$work/$i.row")$(tail -n 1 "$work/$i.ktap" 2>/dev/null)" >&2
done

# Written next to the final names, then renamed: never half a file.
json_tmp=$(mktemp "$out/.matrix.json.XXXXXX")
for i in "${!kernels[@]}"; do
	cat "$work/$i.row"
done | jq -s '{kernels: .}' >"$json_tmp"
md_tmp=$(mktemp "$out/.matrix.md.XXXXXX")
jq -r -f "$root/scripts/matrix-md.jq" "$json_tmp" >"$md_tmp"
chmod 644 "$json_tmp" "$md_tmp"
mv -f "$json_tmp" "$out/matrix.json"
mv -f "$md_tmp" "$out/matrix.md"
json_tmp=
md_tmp=
"$root/scripts/matrix-html.sh" -o "$out/matrix.html" "$out/matrix.json"
echo "matrix: wrote $out/matrix.json and $out/matrix.md" >&2
exit $status
