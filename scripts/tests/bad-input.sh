#!/usr/bin/env bash
# Bad input to the runner: each must give a one-line error on stderr, exit
# code 2 (4 for an environment that cannot run the suite), never a crash,
# and no half-written output file.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
conform=${CONFORM:-$root/build/conform}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

# expect NAME CODE STDERR-REGEX -- ARGS...
expect() {
	local name=$1 code=$2 pattern=$3 rc=0 lines
	shift 4
	"$conform" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	lines=$(wc -l <"$tmp/err")
	if [[ $rc == "$code" && $lines == 1 ]] && grep -Eq -- "$pattern" "$tmp/err"; then
		ok "$name: exit $rc: $(cat "$tmp/err")"
	else
		not_ok "$name: exit $rc (want $code), stderr:"
		sed 's/^/    /' "$tmp/err"
	fi
}

objs=$tmp/objs
mkdir -p "$objs" "$tmp/rules"
cp "$root"/build/progs/*.bpf.o "$objs/"
cp "$root"/expected/*.rules "$tmp/rules/"

printf 'xdp plain >=6.9\n' >"$tmp/short.rules"
expect "rule with missing fields" 2 "short.rules:1: expected 'CASE-GLOB" -- \
	--expected "$tmp/short.rules"
cp "$tmp/rules/net.rules" "$tmp/net.rules.orig"
printf '# fine\nxdp sleepy >=6.9 accept\n' >>"$tmp/rules/net.rules"
expect "bad flag in a rules directory" 2 "net.rules:[0-9]+: flag must be" -- \
	--expected "$tmp/rules"
cp "$tmp/net.rules.orig" "$tmp/rules/net.rules"
printf 'xdp plain 6.9..7.0 accept\n' >"$tmp/range.rules"
expect "bad range" 2 "range.rules:1: kernel range" -- --expected "$tmp/range.rules"
printf 'xpd plain >=6.9 accept\n' >"$tmp/typo.rules"
expect "rule naming no case" 2 "typo.rules:1: 'xpd' matches no case" -- \
	--expected "$tmp/typo.rules"
printf 'xdp plain >=7.0 accept\n' >>"$tmp/rules/net.rules"
expect "rule shadowed by earlier rules" 2 \
	"net.rules:[0-9]+: shadowed: .*\\(xdp plain: from .*net.rules:[0-9]+\\)" -- \
	--expected "$tmp/rules"
cp "$tmp/net.rules.orig" "$tmp/rules/net.rules"
printf 'xdp\t@nosleep\n' >>"$tmp/rules/net.rules"
expect "profile application that decides nothing" 2 \
	"net.rules:[0-9]+: 'xdp @nosleep' decides nothing" -- --expected "$tmp/rules"
cp "$tmp/net.rules.orig" "$tmp/rules/net.rules"
printf 'rt_deferred_xdp sleepable >=6.9 accept\n' >"$tmp/flag.rules"
expect "rule for a flag its case is not loaded with" 2 \
	"flag.rules:1: no case matching 'rt_deferred_xdp' is loaded sleepable" -- \
	--expected "$tmp/flag.rules"
printf 'xdp @nosleep\n' >"$tmp/profile.rules"
expect "a single rules file using a profile it does not define" 2 \
	"profile.rules:1: unknown profile @nosleep: a single rules file must define the profiles it uses \\(pass the rules directory" -- \
	--expected "$tmp/profile.rules"
printf 'xdp @nosleep\n' >"$tmp/rules/0-first.rules"
expect "a profile used above its definition" 2 \
	"0-first.rules:1: unknown profile @nosleep \\(define it above its use" -- \
	--expected "$tmp/rules"
rm "$tmp/rules/0-first.rules"
expect "unknown -t name" 2 "no test matches 'no_such_case'" -- -t no_such_case
printf 'xdp\nno_such_case\n' >"$tmp/allow"
expect "unknown name in -a @file" 2 "allow:2: no test matches 'no_such_case'" -- \
	-a "@$tmp/allow"
expect "missing -a @file" 2 "nonexistent: No such file" -- -a "@$tmp/nonexistent"
: >"$tmp/empty"
expect "empty -a @file" 2 "empty: the allow-list is empty" -- -a "@$tmp/empty"
printf '# nothing yet\n\n   \n' >"$tmp/comments"
expect "-a @file of comments only" 2 "comments: the allow-list is empty" -- \
	-a "@$tmp/comments"
expect "-a with no pattern" 2 "-a: the allow-list is empty" -- -a ,
expect "a selection that leaves nothing" 4 "no test selected: every test is denied by -d '\\*'" -- \
	-d '*' --json "$tmp/none.json"
if grep -qx "1..0 # SKIP no test selected: every test is denied by -d '\*'" "$tmp/out" &&
	jq -e '.cases == [] and .summary.pass == 0' "$tmp/none.json" >/dev/null; then
	ok "an empty selection is KTAP 1..0 # SKIP, and an empty JSON result"
else
	not_ok "an empty selection: stdout:"
	sed 's/^/    /' "$tmp/out"
fi
expect "an allow-list denied away" 4 "no test selected: every test that -t/-a select is denied by -d 'xdp\\*'" -- \
	-a xdp -d 'xdp*,rt_*'
rc=0
"$conform" -l -d "@$tmp/empty" >"$tmp/out" 2>"$tmp/err" || rc=$?
if ((rc == 0)) && [[ ! -s $tmp/err && -s $tmp/out ]]; then
	ok "an empty DENYLIST denies nothing"
else
	not_ok "an empty DENYLIST: exit $rc, stderr: $(cat "$tmp/err")"
fi
# bad_object NAME SOURCE: progs/'s objects and one more, built from SOURCE
# (progs/conform.h's macros), in $tmp/bad/ for --objs.
bad_object() {
	rm -rf "$tmp/bad"
	mkdir "$tmp/bad"
	cp "$root"/build/progs/*.bpf.o "$tmp/bad/"
	printf '%s\n' '#include "conform.h"' "$2" >"$tmp/$1.bpf.c"
	clang-19 -g -O2 -target bpf -mcpu=v3 -I"$root/build/libbpf/include" \
		-I"$root/progs" -I"$root/runner" -I"/usr/include/$(gcc -dumpmachine)" \
		-c "$tmp/$1.bpf.c" -o "$tmp/bad/$1.bpf.o"
}
bad_object zz-dup 'SEC("xdp") __case(BPF_PROG_TYPE_XDP, BPF_XDP, "") __conform("case=xdp")
int zz_other_xdp(void *ctx) { return 0; }
SEC("xdp") __case(BPF_PROG_TYPE_XDP, BPF_XDP, "") __conform("control=xdp")
int zz_other_xdp_control(void *ctx) { return 0; }'
expect "a case defined in two objects" 2 \
	"zz-dup.bpf.o: case xdp is also defined in .*/net.bpf.o" -- --objs "$tmp/bad" -l
bad_object zz-lonely 'SEC("xdp") __case(BPF_PROG_TYPE_XDP, BPF_XDP, "") __conform("case=zz_lonely")
int zz_lonely(void *ctx) { return 0; }'
expect "a case without a control" 2 "zz-lonely.bpf.o: case zz_lonely has no control" -- \
	--objs "$tmp/bad" -l
bad_object zz-untagged 'SEC("xdp") int zz_untagged(void *ctx) { return 0; }'
expect "a program that is no case" 2 \
	"zz-untagged.bpf.o: zz_untagged: not declared with ARENA_CASE\\(\\)" -- --objs "$tmp/bad" -l
expect "unknown option" 2 "unrecognized or incomplete option .--frobnicate" -- --frobnicate
expect "bad -j" 2 "-j takes a number" -- -j 0
expect "bad --anchors" 2 "--anchors takes on or off" -- --anchors maybe
expect "bad --kernel-version" 2 "--kernel-version takes" -- --kernel-version seven

# expect_audit NAME STDERR-REGEX MATRIX: the docs audit refuses a bad
# matrix.json with exit 2 and no report. Its report would be stdout, so
# KTAP goes to stderr: the error is the last line there.
expect_audit() {
	local rc=0
	"$conform" -a xdp --audit "$root/scripts/tests/fixtures/docs-false-claims.md" \
		--matrix "$3" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if ((rc == 2)) && [[ ! -s $tmp/out ]] && tail -n 1 "$tmp/err" | grep -Eq -- "$2"; then
		ok "$1: exit $rc: $(tail -n 1 "$tmp/err")"
	else
		not_ok "$1: exit $rc (want 2), stderr ends:"
		tail -n 3 "$tmp/err" | cut -c1-300 | sed 's/^/    /'
	fi
}

one='{"name": "xdp", "prog_type": "BPF_PROG_TYPE_XDP", "sleepable": false, "observed": "accept"'
printf '{"kernels": [{"kernel": "6.1", "result": {"kernel": "6.1.0", "cases": [%s}, %s, "errno": -1}]}}]}\n' \
	"$one" "$one" >"$tmp/errno.json"
expect_audit "matrix.json: a bad errno" \
	'errno\.json: kernels\[0\]\.result\.cases\[1\]: "errno" must be a number from 0 to 4095$' \
	"$tmp/errno.json"
head -c 150 "$tmp/errno.json" >"$tmp/truncated.json"
expect_audit "matrix.json: truncated" 'truncated\.json: line 1, column 150: ' "$tmp/truncated.json"
printf '{"kernels": [{"kernel": "6.1\xff"}]}\n' >"$tmp/utf8.json"
expect_audit "matrix.json: invalid UTF-8" \
	'utf8\.json: line 1, column 28: unable to decode byte 0xff' "$tmp/utf8.json"

# A case's run= tag that names no race: the same length, so the object's
# BTF stays valid and only the tag is wrong.
cp "$root/build/progs/races.bpf.o" "$objs/races.bpf.o"
perl -0777 -pi -e 's/conform:run=race-fault/conform:run=race-fxult/g' "$objs/races.bpf.o"
! cmp -s "$root/build/progs/races.bpf.o" "$objs/races.bpf.o" ||
	{ echo "races.bpf.o has no run=race-fault tag to break"; exit 1; }
expect "a run= tag that names no race" 2 \
	"race_free_vs_fault.*run= must be once, stress or race-KIND" -- --objs "$objs"
cp "$root/build/progs/races.bpf.o" "$objs/races.bpf.o"

head -c 1000 "$root/build/progs/net.bpf.o" >"$objs/net.bpf.o"
expect "truncated object" 2 "net.bpf.o: " -- --objs "$objs"
cp /bin/true "$objs/net.bpf.o"
expect "foreign ELF object" 2 "net.bpf.o: not a BPF relocatable object" -- --objs "$objs"
: >"$objs/net.bpf.o"
expect "empty object" 2 "net.bpf.o: not an ELF object" -- --objs "$objs"
rm "$objs"/*.bpf.o
expect "no objects" 2 "no \*.bpf.o objects" -- --objs "$objs"

expect "--json into a missing directory" 2 "cannot write $tmp/nodir/r.json" -- \
	--json "$tmp/nodir/r.json"
expect "no vmlinux BTF" 4 "cannot read vmlinux BTF $tmp/nobtf" -- \
	--btf "$tmp/nobtf" --json "$tmp/r.json"
if compgen -G "$tmp/r.json*" >/dev/null; then
	not_ok "a failed run left $(compgen -G "$tmp/r.json*")"
else
	ok "a failed run leaves no JSON behind"
fi

finish bad-input
