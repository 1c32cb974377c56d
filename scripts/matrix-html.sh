#!/usr/bin/env bash
#
# matrix-html.sh - render a matrix.json as one self-contained HTML page
#
# Usage: matrix-html.sh [-l LIST] [-o FILE] MATRIX.json
#
#   MATRIX.json  what matrix.sh writes (it runs this script for matrix.html)
#   -l LIST      the runner's --list output, which names each test's object:
#                the rows are grouped by it (args.bpf.o: "args"). Default:
#                build/conform --list (or build/conform-static's); without
#                a runner, the rows are grouped by program type
#   -o FILE      write FILE, complete or not at all (default: stdout)
#
# The page needs no network: its CSS (matrix-html.css), its script
# (matrix-html.js) and the data are inline. Rows are tests grouped by
# theme, columns kernel x architecture (a row's "arch", default amd64),
# each cell both stages' verdicts; hovering a cell shows the verifier's
# line and the rule, clicking it everything the runner recorded. Filters:
# program type, theme, outcome, flag, name, and the rows that differ
# across kernels. With ?selftest in its URL the page writes counts into
# its #selftest element (scripts/tests/matrix-html.sh reads them).
#
# -h, --help prints this text.
#
# Exit status: 0 written, 1 it could not be, 2 bad usage.
set -euo pipefail

readonly PROG=${0##*/}
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${here%/*}

for arg; do
	case $arg in
	-h|--help) usage 0 ;;
	esac
done
list=
out=
while getopts "l:o:" opt; do
	case $opt in
	l) list=$OPTARG ;;
	o) out=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
(($# == 1)) || usage
matrix=$1

tmp=$(mktemp -d)
out_tmp=
trap 'rm -rf "$tmp" ${out_tmp:+"$out_tmp"}' EXIT

jq -e '.kernels | type == "array"' "$matrix" >/dev/null 2>&1 ||
	die "$matrix is not a matrix.json (no \"kernels\" array)"

# The themes: TEST-KEY -> object name, from the --list lines
# "NAME  PROG-TYPE  ATTACH  DIR/OBJECT.bpf.o".
if [[ -z $list ]]; then
	for runner in "$root/build/conform" "$root/build/conform-static"; do
		if [[ -x $runner ]] &&
			"$runner" --objs "$root/build/progs" --list >"$tmp/list" 2>/dev/null; then
			list=$tmp/list
			break
		fi
	done
	[[ -n $list ]] || log "no runner to list the tests' objects: rows grouped by program type"
fi
if [[ -n $list ]]; then
	[[ -r $list ]] || die "cannot read $list"
	awk '$NF ~ /\.bpf\.o$/ { o = $NF; sub(/.*\//, "", o); sub(/\.bpf\.o$/, "", o); print $1 "\t" o }' \
		"$list" | jq -R -s 'split("\n") | map(select(. != "") | split("\t") | {key: .[0], value: .[1]})
		| from_entries' >"$tmp/themes.json"
	jq -e 'length > 0' "$tmp/themes.json" >/dev/null || die "$list names no test's object"
else
	echo null >"$tmp/themes.json"
fi

render() {
	jq -r --slurpfile themes "$tmp/themes.json" --rawfile css "$here/matrix-html.css" \
		--rawfile js "$here/matrix-html.js" -f "$here/matrix-html.jq" "$matrix"
}
if [[ -z $out ]]; then
	render
	exit
fi
# Written next to the final name, then renamed: never half a page.
out_tmp=$(mktemp "$(dirname -- "$out")/.matrix.html.XXXXXX")
render >"$out_tmp"
chmod 644 "$out_tmp"
mv -f "$out_tmp" "$out"
out_tmp=
