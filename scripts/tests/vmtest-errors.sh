#!/usr/bin/env bash
# vmtest.sh failure modes, on a real kernel (argument: a vmtest.sh -k IMAGE):
#   a wrong expectation makes the VM run exit 1,
#   an image that cannot boot, or a kernel that crashes, exits 5.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
kernel=${1:?usage: vmtest-errors.sh KERNEL}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

# expect NAME CODE COMMAND...
expect() {
	local name=$1 code=$2 rc=0
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if ((rc == code)); then
		ok "$name: exit $rc"
	else
		not_ok "$name: exit $rc, want $code"
		tail -n 20 "$tmp/out" "$tmp/err" | sed 's/^/    /'
	fi
}

# A deliberately wrong expectation: xdp.s accepted (it never is).
cp -r "$root/expected" "$tmp/expected"
sed -i '1i xdp\tsleepable\t*\taccept' "$tmp/expected/net.rules"
VMTEST_EXPECTED=$tmp/expected expect "wrong expectation fails the VM run" 1 \
	"$root/scripts/vmtest.sh" -k "$kernel" -- -t xdp
check "the failing case is reported" grep -q '^not ok .* xdp.s$' "$tmp/out"

head -c 4096 /dev/urandom >"$tmp/garbage"
expect "an image that is not a kernel" 5 "$root/scripts/vmtest.sh" -k "$tmp/garbage"
VMTEST_INIT_CRASH=1 expect "a kernel that panics" 5 \
	"$root/scripts/vmtest.sh" -k "$kernel" -t 120 -- -t xdp
check "the console tail is shown" grep -q 'Kernel panic\|sysrq' "$tmp/err"

finish vmtest-errors
