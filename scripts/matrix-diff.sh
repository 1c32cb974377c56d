#!/usr/bin/env bash
#
# matrix-diff.sh - compare two matrix.json files cell by cell
#
# Usage: matrix-diff.sh [-l] OLD.json NEW.json
#
#   OLD.json, NEW.json  what matrix.sh writes, from two commits of this
#                       project or two builds of a kernel
#   -l                  compare the load stage only (not the run stage)
#
# A cell is one test (a case, plain or sleepable) on one kernel (its
# release and architecture). Cells in both files are compared on what was
# observed (accept, reject, absent, ...), the verdict (pass, fail, ...),
# the verifier's decisive line, and the run stage's outcome. Each cell that
# differs is printed as "KERNEL ARCH TEST: OLD -> NEW", then a summary: the
# cells compared, those that differ, and the tests and kernels only one
# file has (named, never compared).
#
# -h, --help prints this text.
#
# Exit status: 0 every common cell is the same, 1 some differ, 2 bad usage
# or a file that is not a matrix.json.
set -euo pipefail

readonly PROG=${0##*/}
# shellcheck disable=SC2034 # read by lib.sh's die()
DIE_STATUS=2
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

for arg; do
	case $arg in
	-h|--help) usage 0 ;;
	esac
done
load_only=false
while getopts "l" opt; do
	case $opt in
	l) load_only=true ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
(($# == 2)) || usage
for f; do
	jq -e '.kernels | type == "array"' "$f" >/dev/null 2>&1 ||
		die "$f is not a matrix.json (no \"kernels\" array)"
done

# One line per cell: "KERNEL ARCH TEST<TAB>what it was".
# shellcheck disable=SC2016
cells='.kernels[] | select(.result != null) | .arch as $arch
	| .result.kernel as $k | .result.cases[]?
	| "\($k) \($arch // "amd64") \(.name)\(if .sleepable then ".s" else "" end)\t"
	  + "\(.observed)/\(.status) \(.message // "" | @json)"
	  + (if $load_only then "" else " run:\(.run.observed // "-")" end)'

export LC_ALL=C	# sort, join and comm must agree on the order
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jq -r --argjson load_only "$load_only" "$cells" "$1" | sort >"$tmp/old"
jq -r --argjson load_only "$load_only" "$cells" "$2" | sort >"$tmp/new"
cut -f1 "$tmp/old" | sort -u >"$tmp/old.keys"
cut -f1 "$tmp/new" | sort -u >"$tmp/new.keys"

# The common cells, side by side: KEY<TAB>OLD<TAB>NEW.
join -t $'\t' "$tmp/old" "$tmp/new" >"$tmp/both"
awk -F '\t' '$2 != $3 { print $1 ": " $2 " -> " $3 }' "$tmp/both" >"$tmp/differ"
cat "$tmp/differ"

kernels() { sed 's/ [^ ]*$//' "$1" | sort -u; }
prefix() { awk -v p="$PROG: $1" '{ print p $0 }'; }
only_old=$(comm -23 "$tmp/old.keys" "$tmp/new.keys" | wc -l)
only_new=$(comm -13 "$tmp/old.keys" "$tmp/new.keys" | wc -l)
echo "$PROG: $(wc -l <"$tmp/both") cells in both, $(wc -l <"$tmp/differ") differ;" \
	"$only_old only in $1, $only_new only in $2"
comm -23 <(kernels "$tmp/old.keys") <(kernels "$tmp/new.keys") | prefix "kernel only in $1: "
comm -13 <(kernels "$tmp/old.keys") <(kernels "$tmp/new.keys") | prefix "kernel only in $2: "
comm -23 <(sed 's/.* //' "$tmp/old.keys" | sort -u) <(sed 's/.* //' "$tmp/new.keys" | sort -u) |
	prefix "test only in $1: "
comm -13 <(sed 's/.* //' "$tmp/old.keys" | sort -u) <(sed 's/.* //' "$tmp/new.keys" | sort -u) |
	prefix "test only in $2: "
[[ ! -s $tmp/differ ]]
