#!/usr/bin/env bash
# vmtest.sh failure modes, on a real kernel (argument: a vmtest.sh -k IMAGE):
#   a wrong expectation makes the VM run exit 1;
#   an image that cannot boot, or a kernel that panics before the suite
#   starts, exits 5, and the first attempt's console is kept;
#   a crash during a case (sysrq 'c' at xdp's begin marker) exits 1 and
#   names xdp, with the report; backtraces without a crash (sysrq 'l')
#   leave the run's own verdict; a report the kernel survives is still a
#   verdict; every case's markers reach the console;
#   -a @FILE / -d @FILE lists are copied into the VM;
#   --exec runs a command of this machine's against the guest's kernel.
set -euo pipefail
shopt -s inherit_errexit

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
vmtest=$root/scripts/vmtest.sh
kernel=${1:?usage: vmtest-errors.sh KERNEL}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

export VMTEST_CONSOLE_LOG=$tmp/console.log

# vm CODE ARGS...: vmtest.sh ARGS exits CODE; stdout in $tmp/out, stderr
# in $tmp/err, what it stands for in $tmp/verdict.
vm() {
	local code=$1 rc status
	shift
	rm -f "$tmp/verdict"
	VMTEST_VERDICT_FILE=$tmp/verdict run_errexit "$vmtest" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$status
	# Shown only if the test fails.
	echo "vmtest.sh $*: exit $rc"
	grep -v '^    \[' "$tmp/err" | tail -n 15
	if ((rc != code)); then
		echo "want exit $code"
		tail -n 40 "$tmp/out" "$tmp/err"
		return 1
	fi
}

# A deliberately wrong expectation: xdp.s accepted (it never is).
wrong_expectation() {
	cp -r "$root/expected" "$tmp/expected"
	sed -i '1i xdp\tsleepable\t*\taccept' "$tmp/expected/net.rules"
	VMTEST_EXPECTED=$tmp/expected vm 1 -k "$kernel" -- -t xdp
	grep -q '^not ok .* xdp.s$' "$tmp/out"
	grep -qx 'runner 1' "$tmp/verdict"
}
check "a wrong expectation fails the VM run (1), naming the case" wrong_expectation

not_a_kernel() {
	head -c 4096 /dev/urandom >"$tmp/garbage"
	vm 5 -k "$tmp/garbage"
	grep -q 'not a bootable x86 kernel image' "$tmp/err"
}
check "an image that is not a kernel: 5" not_a_kernel

# init crashes the kernel before the suite: no verdict, retried once, and
# the first attempt's console is kept beside the console log.
panics_before_suite() {
	VMTEST_INIT_CRASH=1 vm 5 -k "$kernel" -t 120 -- -a xdp
	grep -q 'kernel crashed before the suite started: Kernel panic' "$tmp/err"
	grep -q "retrying once; the first attempt's console is in $tmp/console.try1.log" "$tmp/err"
	grep -q 'sysrq triggered crash' "$tmp/console.try1.log"
	# The second boot panics too; under TCG an early oops of its own
	# ("Fatal exception in interrupt", seen once) may beat init to it.
	grep -q 'Kernel panic - not syncing' "$tmp/console.log"
	grep -q '^none ' "$tmp/verdict"
	if grep -q 'the kernel crashed during' "$tmp/err"; then
		return 1
	fi
}
check "a kernel that panics before the suite: 5, retried, console.try1.log kept" \
	panics_before_suite

# sysrq 'c' right after xdp's begin marker: a panic during xdp.
crash_during_xdp() {
	VMTEST_SYSRQ_AT=xdp:c vm 1 -k "$kernel" -t 120 -- -a xdp
	grep -q 'the kernel crashed during case xdp: Kernel panic - not syncing: sysrq triggered crash' "$tmp/err"
	# The report: the splat's own lines from the console.
	grep -A3 'the report, from the kernel console' "$tmp/err" | grep -q 'Kernel panic'
	grep -Eq '^    .*(sysrq_handle_crash|Call Trace)' "$tmp/err"
	grep -qx 'crash xdp' "$tmp/verdict"
	grep -q 'conform: begin xdp' "$tmp/console.log"
	if grep -q 'conform: end xdp' "$tmp/console.log"; then
		return 1
	fi
}
check "a crash during xdp (sysrq c): 1, naming xdp, with the report" crash_during_xdp

# sysrq 'l': backtraces of every CPU, "Call Trace" and all, and nothing
# wrong.  The run's own verdict stands.  Also: every selected case has its
# markers on the console (printk.devkmsg=on: no rate limit).
backtraces_are_no_crash() {
	local cases begins ends
	# Not the deferred-free cases: their 2 s bound is about timing, and the
	# backtraces of every CPU on a serial console under TCG take time.
	VMTEST_SYSRQ_AT=xdp:l vm 0 -k "$kernel" -t 120 -o "$tmp/l.json" -- \
		-a 'xdp,rt_*' -d 'rt_deferred_*'
	grep -qx 'ok [0-9]* xdp' "$tmp/out"
	grep -qx 'runner 0' "$tmp/verdict"
	grep -q 'Call Trace' "$tmp/console.log"
	grep -q 'sysrq: Show backtrace of all active CPUs' "$tmp/console.log"
	cases=$(jq '[.cases[].name] | unique | length' "$tmp/l.json")
	begins=$(grep -ac 'conform: begin ' "$tmp/console.log")
	ends=$(grep -ac 'conform: end ' "$tmp/console.log")
	echo "$cases cases, $begins begin and $ends end markers"
	((cases > 10 && begins == cases && ends == cases))
}
check "backtraces without a crash (sysrq l): the run's verdict (0); all markers shown" \
	backtraces_are_no_crash

# A report the kernel survives (a WARN, a lockdep report) while the runner
# goes on: the runner passes, the report is still the verdict.  Stood in
# for by the sysrq 'l' header, declared a crash header with VMTEST_FATAL.
survived_report() {
	VMTEST_FATAL='sysrq: Show backtrace' VMTEST_SYSRQ_AT=xdp:l \
		vm 1 -k "$kernel" -t 120 -- -a xdp
	grep -qx 'ok 2 xdp.s' "$tmp/out"
	grep -q 'the kernel crashed during case xdp: sysrq: Show backtrace' "$tmp/err"
	grep -q 'the runner itself exited 0; the crash is the verdict' "$tmp/err"
	grep -qx 'crash xdp' "$tmp/verdict"
}
check "a report the kernel survives (VMTEST_FATAL): 1 although the runner passed" \
	survived_report

denylist() {
	printf '# DENYLIST\nxdp.s\n' >"$tmp/DENYLIST"
	printf 'xdp\n' >"$tmp/ALLOW"
	vm 0 -k "$kernel" -- -a xdp -d @"$tmp/DENYLIST"
	grep -qx '1..1' "$tmp/out"
	grep -qx 'ok 1 xdp' "$tmp/out"
	if grep -q 'xdp\.s' "$tmp/out"; then
		return 1
	fi
	(cd "$tmp" && vm 0 -k "$kernel" -- -a@ALLOW --deny=@DENYLIST)
	grep -qx 'ok 1 xdp' "$tmp/out"
}
check "-d @DENYLIST, -a@FILE, --deny=@FILE: the lists are copied into the VM" denylist

missing_list() {
	vm 2 -k "$kernel" -- -a xdp -d @"$tmp/none"
	grep -q "runner argument -d @$tmp/none: no such file" "$tmp/err"
}
check "a list file that does not exist: 2, before booting" missing_list

# --exec: a command of this machine's, in its directory, against the
# guest's kernel: its exit code is ours, the host's root is read-only
# there, /tmp is the guest's own, and a dynamic tool (bpftool) works.
exec_mode() {
	local here
	here=$(cd "$root/scripts" && pwd)
	# shellcheck disable=SC2016 # expanded in the guest
	(cd "$root/scripts" && vm 3 -k "$kernel" --exec -- bash -c '
		set -e
		echo "cwd $PWD"
		echo "kernel $(uname -r)"
		if touch ../.vmtest-exec-probe 2>/dev/null; then echo "root is writable"; fi
		[[ -z $(ls -A /tmp) ]] && echo "tmp is empty"
		bpftool prog list >/dev/null && echo "bpftool runs"
		cat <(echo "dev fd works")
		exit 3')
	grep -qx "cwd $here" "$tmp/out"
	grep -q '^kernel .*' "$tmp/out"
	if grep -q "kernel $(uname -r)\$" "$tmp/out"; then
		echo "ran on this machine's kernel"
		return 1
	fi
	if grep -qx 'root is writable' "$tmp/out"; then
		rm -f "$root/.vmtest-exec-probe"
		return 1
	fi
	grep -qx 'tmp is empty' "$tmp/out"
	grep -qx 'bpftool runs' "$tmp/out"
	grep -qx 'dev fd works' "$tmp/out"
	grep -qx 'runner 3' "$tmp/verdict"
}
check "--exec: a command of this machine's runs against the guest's kernel, its exit code (3) ours" \
	exec_mode

finish vmtest-errors
