#!/usr/bin/env bash
# The loader is libbpf's: each of these fails if a part of the object is
# not handled as libbpf handles it.
#   - CO-RE relocations are applied: core_type_missing.s is accepted, and
#     the same object without its .BTF.ext (so without CO-RE relocations)
#     is rejected;
#   - a static subprogram, global data and an arena global load;
#   - func_info and line_info reach the kernel: the verifier's log of a
#     rejected program names its source line;
#   - a corrupt relocation section (sh_entsize 0) is an input error, not a
#     crash.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
conform=$root/build/conform
objcopy=${LLVM_OBJCOPY:-/usr/lib/llvm-19/bin/llvm-objcopy}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

objs() {
	rm -rf "$tmp/objs"
	mkdir "$tmp/objs"
	cp "$root"/build/progs/*.bpf.o "$tmp/objs/"
}

core_relocated() {
	"$conform" -t core_type_missing.s >"$tmp/out"
	grep -q '^ok 1 core_type_missing.s$' "$tmp/out"
}

core_unrelocated() {
	local rc=0
	objs
	"$objcopy" --remove-section=.BTF.ext "$tmp/objs/loader.bpf.o"
	"$conform" --objs "$tmp/objs" -t core_type_missing.s >"$tmp/out" || rc=$?
	cat "$tmp/out"
	((rc == 1))
	grep -q 'core_type_missing.s: FAIL: expected accept, observed reject' "$tmp/out"
}

subprog_and_data() {
	"$conform" -a 'subprog_static.s,global_data.s,global_arena.s' >"$tmp/out"
	cat "$tmp/out"
	[[ $(grep -c '^ok [0-9]* [a-z_]*\.s$' "$tmp/out") == 3 ]]
}

# arg_map_null.s is rejected wherever the kfunc exists: a rule that says
# accept makes it fail, and -v then prints its verifier log.
line_info() {
	local rc=0
	cp -r "$root/expected" "$tmp/rules"
	grep -v '^arg_map_null' "$root/expected/args.rules" >"$tmp/rules/args.rules"
	printf 'arg_map_null\tsleepable\t>=6.9\taccept\n' >>"$tmp/rules/args.rules"
	"$conform" -v -t arg_map_null.s --expected "$tmp/rules" >"$tmp/out" 2>&1 || rc=$?
	cat "$tmp/out"
	((rc == 1))
	grep -q '^#   ; .* @ args.bpf.c:[0-9]' "$tmp/out"
}

zero_entsize() {
	local rc=0
	objs
	# Every SHT_REL section header of net.bpf.o gets sh_entsize 0.
	python3 - "$tmp/objs/net.bpf.o" <<'PY'
import struct, sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
shoff = struct.unpack_from('<Q', b, 0x28)[0]
size, num = struct.unpack_from('<HH', b, 0x3a)
for i in range(num):
    off = shoff + i * size
    if struct.unpack_from('<I', b, off + 4)[0] == 9:
        struct.pack_into('<Q', b, off + 56, 0)
open(p, 'wb').write(b)
PY
	"$conform" --objs "$tmp/objs" -l >"$tmp/out" 2>&1 || rc=$?
	cat "$tmp/out"
	((rc == 2))
	grep -q 'net.bpf.o: ' "$tmp/out"
}

check "CO-RE relocations applied: core_type_missing.s accepted" core_relocated
check "without .BTF.ext the same case is rejected" core_unrelocated
check "a static subprogram, global data and an arena global load" subprog_and_data
check "line_info reaches the kernel: the log names the source line" line_info
check "sh_entsize 0 in a relocation section: exit 2, no crash" zero_entsize
finish loader
