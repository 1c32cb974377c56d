#!/usr/bin/env bash
# Hostile environments: each gets a clear one-line message and the
# documented exit code, never a crash or a false pass.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
conform=$root/build/conform
tmp=$(mktemp -d)
mounts=()
cleanup() {
	for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

# expect NAME CODE STDERR-REGEX COMMAND...
expect() {
	local name=$1 code=$2 pattern=$3 rc=0
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if ((rc == code)) && [[ $(wc -l <"$tmp/err") == 1 ]] &&
		grep -Eq -- "$pattern" "$tmp/err"; then
		ok "$name: exit $rc: $(cat "$tmp/err")"
	else
		not_ok "$name: exit $rc (want $code):"
		sed 's/^/    /' "$tmp/err" | head -n 10
	fi
}

chmod 755 "$tmp"
expect "not root" 4 "must run as root" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$conform"
# Not root, and the objects and rules are unreadable: the not-root message
# still comes first, before any file is read.
mkdir -m 700 "$tmp/private"
expect "not root, files unreadable" 4 "must run as root" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$conform" \
	--objs "$tmp/private" --expected "$tmp/private"
expect "no vmlinux BTF" 4 "cannot read vmlinux BTF" "$conform" --btf "$tmp/none"
expect "BTF that is not BTF" 4 "cannot read vmlinux BTF" "$conform" --btf /etc/passwd

mkdir "$tmp/ro" "$tmp/full"
if mount -t tmpfs -o ro,size=1m conform-ro "$tmp/ro" 2>/dev/null; then
	mounts+=("$tmp/ro")
	expect "read-only output directory" 2 "cannot write .*Read-only file system" \
		"$conform" --json "$tmp/ro/r.json"
fi
if mount -t tmpfs -o size=64k conform-full "$tmp/full" 2>/dev/null; then
	mounts+=("$tmp/full")
	head -c 65536 /dev/zero >"$tmp/full/filler" 2>/dev/null || true
	expect "full output directory" 2 "writing .*: No space left on device" \
		"$conform" --json "$tmp/full/r.json"
	if compgen -G "$tmp/full/r.json*" >/dev/null; then
		not_ok "a half-written JSON was left in the full directory"
	fi
fi

# The JIT: arenas need it. Kernels built with CONFIG_BPF_JIT_ALWAYS_ON
# (Debian's) refuse to turn it off; then there is nothing to test.
jit=/proc/sys/net/core/bpf_jit_enable
if [[ -w $jit ]] && old=$(cat "$jit") && echo 0 >"$jit" 2>/dev/null; then
	rc=0
	"$conform" -t xdp,syscall >"$tmp/out" 2>&1 || rc=$?
	echo "$old" >"$jit"
	if ((rc == 1)) && grep -q 'JIT' "$tmp/out"; then
		ok "JIT disabled: the loads fail, naming the JIT"
	else
		not_ok "JIT disabled: exit $rc"
	fi
else
	echo "ok - JIT disabled: # SKIP this kernel cannot turn the JIT off"
fi

finish hostile
