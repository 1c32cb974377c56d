#!/usr/bin/env bash
#
# matrix-html.sh (test) - build/matrix.html, checked in a real browser
#
# Usage: matrix-html.sh [--screenshot FILE]
#
# Renders fixtures/matrix.json (a matrix.sh run on Debian's 6.1 to 7.3,
# trimmed to 49 tests, its summaries recounted for them) plus two columns
# made from it, a kernel without verdict and an arm64 row, with
# fixtures/matrix-list.txt (build/conform --list's lines) for the themes.
# Debian's headless Chromium loads the page with ?selftest; what its script
# wrote into the DOM must be the JSON's: a cell for each test on each
# kernel, one filled for each case, each cell's text and tooltip (the
# verifier's line, the rule, the reason, the run stage's message), the
# themes, and the rows each filter hides. The page must name nothing
# outside itself (no network).
#
#   --screenshot FILE  also save the fixture's page as a PNG, 1400x900, in
#                      the "differs across kernels" view with a cell open:
#                      docs/matrix.png is --screenshot docs/matrix.png
#
# Environment:
#   MATRIX_HTML  the page's generator (default scripts/matrix-html.sh)
#   CHROMIUM     the browser (default chromium)
#
# Ends with "matrix-html: N passed, N failed"; exit 1 if one failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${here%/*/*}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

screenshot=
while (($#)); do
	case $1 in
	--screenshot) screenshot=${2:?--screenshot needs a FILE}; shift 2 ;;
	-h|--help) USAGE_FILE=${BASH_SOURCE[0]} usage 0 ;;
	*) USAGE_FILE=${BASH_SOURCE[0]} usage ;;
	esac
done
generator=${MATRIX_HTML:-$root/scripts/matrix-html.sh}
chromium=${CHROMIUM:-chromium}
fixture=$here/fixtures/matrix.json
list=$here/fixtures/matrix-list.txt

# browser ARGS... URL: headless Chromium, with its profile and home in
# $tmp; its log, the page's console (CONSOLE) among much noise, in
# chromium.log.
browser() {
	HOME=$tmp XDG_CONFIG_HOME=$tmp/.config XDG_CACHE_HOME=$tmp/.cache \
		timeout 180 "$chromium" --headless --disable-gpu --no-sandbox --no-first-run \
		--enable-logging=stderr --user-data-dir="$tmp/profile" --hide-scrollbars \
		--virtual-time-budget=10000 "$@" 2>>"$tmp/chromium.log"
}

# The input: the fixture, plus a kernel that gave no verdict and its last
# kernel's row again as another architecture's, where a verifier's line
# holds markup (it must stay text, and not end the page's script).
jq '.kernels += [{kernel: "7.4", image: null, exit: 5, result: null, verdict_s: null,
	bare_boot_s: null, error: "fetch-kernel.sh: error: no Debian package for 7.4",
	console_tail: []}, (.kernels[-1] | .arch = "arm64"
	| .result.cases[0].message = "</script><b id=\"injected\">R1 & R2 < 0</b>")]' \
	"$fixture" >"$tmp/matrix.json"

renders() {
	"$generator" -l "$list" -o "$tmp/matrix.html" "$tmp/matrix.json"
	[[ -s $tmp/matrix.html ]]
	grep -q '^<!DOCTYPE html>' "$tmp/matrix.html"
}

# Nothing loaded from anywhere: no element that fetches, no URL outside
# the data (where a message could hold one as text).
self_contained() {
	if grep -v '<script type="application/json" id="matrix-data">' "$tmp/matrix.html" |
		grep -Ein '<(link|img|iframe|object|embed|audio|video|source)\b|\b(src|href)=|@import|url\(|https?://|\bfetch\(|XMLHttpRequest'; then
		return 1
	fi
	grep -q '<style>' "$tmp/matrix.html"
	grep -q '<script>' "$tmp/matrix.html"
}

# A bad input leaves nothing: no page, no half of one.
bad_input() {
	local rc=0
	echo '{"rows": []}' >"$tmp/bad.json"
	"$generator" -l "$list" -o "$tmp/bad.html" "$tmp/bad.json" 2>"$tmp/bad.err" || rc=$?
	cat "$tmp/bad.err"
	((rc == 1))
	grep -q 'not a matrix.json' "$tmp/bad.err"
	[[ ! -e $tmp/bad.html ]]
	! compgen -G "$tmp/.matrix.html.*"
}

loads() {
	browser --dump-dom "file://$tmp/matrix.html?selftest" >"$tmp/dom.html"
	grep -q 'data-selftest="done"' "$tmp/dom.html" || {
		echo "the page's script did not finish; its console said:"
		grep -F ':CONSOLE' "$tmp/chromium.log" | tail -n 20
		return 1
	}
	if grep -F ':CONSOLE' "$tmp/chromium.log" | grep -E 'Uncaught|Error'; then
		echo "the page's script threw"
		return 1
	fi
	if grep -q 'id="injected"' "$tmp/dom.html"; then
		echo "a verifier's line became markup"
		return 1
	fi
	sed -n 's/.*<pre id="selftest"[^>]*>\([^<]*\)<\/pre>.*/\1/p' "$tmp/dom.html" >"$tmp/selftest.json"
	jq -e 'type == "object"' "$tmp/selftest.json" >/dev/null
}

# The oracle: what the JSON says, computed here in jq.
# shellcheck disable=SC2016 # jq's variables
oracle='
def key: .name + (if .sleepable then ".s" else "" end);
.kernels as $k
| ([$k[] | .result.cases // [] | .[]] | reduce .[] as $c ({}; .[$c | key] //= $c)) as $first
| ($first | keys) as $rows
| [range($k | length) as $i | $k[$i].result.cases // [] | .[] | . + {k: $i, key: key}] as $cases
| def load($i): if .observed == "absent" and $k[$i].result.btf_has_kfunc
      and (.reason | test("has no kfunc ")) and (.reason | contains("bpf_arena_free_pages") | not)
    then "helper-absent" else .observed end;
  def verdict: load(.k) + "/" + (.run.observed // "none");
  def hides(f): [$rows[] as $r | select([$cases[] | select(.key == $r) | f] | any | not)] | length;
{
  rows: ($rows | length),
  columns: ($k | length),
  cells: (($rows | length) * ($k | length)),
  filled: ($cases | length),
  hidden: {
    "flag=sleepable": hides(.sleepable),
    "flag=plain": hides(.sleepable | not),
    "differs": (($rows | length) - ([$cases[] | select($k[.k].result.btf_has_kfunc)]
      | group_by(.key) | map(select(map(verdict) | unique | length > 1)) | length)),
    "type=BPF_PROG_TYPE_XDP": hides(.prog_type == "BPF_PROG_TYPE_XDP"),
    "outcome=status:fail": hides(.status == "fail"),
    "outcome=run:runs": hides(.run.observed == "runs")
  },
  headers: [$k[] | .kernel + (if .result and (.error | not) then "" else " ⚑" end) + (.arch // "amd64")]
}'

counts() {
	jq "$oracle" "$tmp/matrix.json" >"$tmp/want.json"
	jq '{rows, columns, cells, filled, hidden, headers}' "$tmp/selftest.json" >"$tmp/got.json"
	diff -u "$tmp/want.json" "$tmp/got.json"
	# A filter that hides no row would prove nothing.
	jq -e '.rows as $n | .hidden | to_entries | all(.value > 0 and .value < $n)' "$tmp/want.json"
}

# Each filled cell: its text is both stages' verdicts, its tooltip has the
# verifier's line, the rule, the reason and the run stage's message.
# shellcheck disable=SC2016 # jq's variables
cells() {
	jq -n --slurpfile m "$tmp/matrix.json" --slurpfile s "$tmp/selftest.json" '
		def key: .name + (if .sleepable then ".s" else "" end);
		$m[0].kernels as $k
		| {"accept": "A", "reject": "R", "absent": "·", "skip": "s", "error": "E"} as $L
		| {"runs": "▶", "no-effect": "▷", "attach-refused": "⊘", "splat": "⚠", "skip": "◇",
		   "error": "✖"} as $RUN
		| ($s[0].texts | map({key: "\(.[0])@\(.[1])", value: {text: .[2], title: .[3]}})
		   | from_entries) as $got
		| [range($k | length) as $i | $k[$i].result.cases // [] | .[] | . as $c
		   | ($c.run.observed // null | if . then $RUN[.] else "" end) as $r
		   | (if $c.status == "xfail" then "X" + $r
		      elif $c.status == "xpass" then "P" + $r + "✗"
		      else (if $c.observed == "absent" and $k[$i].result.btf_has_kfunc
		              and ($c.reason | test("has no kfunc "))
		              and ($c.reason | contains("bpf_arena_free_pages") | not)
		            then "h" else $L[$c.observed] end) + $r
		           + (if $c.status == "fail" then "✗" else "" end) end) as $text
		   | $got["\($c | key)@\($i)"] as $g
		   | if $g == null then "\($c | key) on column \($i): no cell"
		     elif $g.text != $text then "\($c | key) on column \($i): \"\($g.text)\", not \"\($text)\""
		     else ([$c.message, $c.expected, $c.expected_message, $c.reason, $c.run.message]
		           | map(select(. != null and . != "")) | map(select(. as $x | $g.title | contains($x) | not)))
		          as $missing
		       | if $missing == [] then empty
		         else "\($c | key) on column \($i): the tooltip lacks \($missing)" end
		     end]
		| if . == [] then true else (.[:10] | join("\n") + "\n" | halt_error(1)) end' >/dev/null
	# Every cell was checked: as many texts as cases.
	jq -e --argjson n "$(jq '[.kernels[].result.cases // [] | .[]] | length' "$tmp/matrix.json")" \
		'.texts | length == $n' "$tmp/selftest.json"
}

# The rows are grouped by the object --list names, each theme once.
themes() {
	awk '{ o = $NF; sub(/.*\//, "", o); sub(/\.bpf\.o$/, "", o); n[o]++ }
		END { for (o in n) print o, n[o] }' "$list" | sort >"$tmp/themes.want"
	jq -r '.themes | to_entries[] | "\(.key) \(.value)"' "$tmp/selftest.json" | sort >"$tmp/themes.got"
	diff -u "$tmp/themes.want" "$tmp/themes.got"
}

if ! command -v "$chromium" >/dev/null; then
	not_ok "no $chromium: run scripts/install-deps.sh --vm (Debian's chromium)"
	finish matrix-html
	exit
fi
check "matrix-html.sh renders the matrix" renders
check "the page is self-contained: nothing fetched" self_contained
check "a bad matrix.json gives exit 1 and no page" bad_input
check "Chromium loads the page and its script runs" loads
check "cells, rows, columns and filtered rows are the JSON's" counts
check "each cell's text and tooltip are its case's" cells
check "rows are grouped by their object (theme)" themes
if [[ -n $screenshot ]]; then
	shoot() {
		"$generator" -l "$list" -o "$tmp/fixture.html" "$fixture"
		browser --screenshot="$tmp/shot.png" --window-size=1400,900 \
			"file://$tmp/fixture.html#differs&cell=cb_timer_syscall.s@4"
		[[ $(head -c 8 "$tmp/shot.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]]
		cp "$tmp/shot.png" "$screenshot"
	}
	check "a screenshot in $screenshot" shoot
fi
finish matrix-html
