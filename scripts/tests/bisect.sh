#!/usr/bin/env bash
# scripts/bisect.sh with its steps faked: what each outcome of a bisection
# step turns into for git bisect run.
#   without a VM: a failed config or build, no image, bad runner arguments
#     or rules, not a kernel tree: 125 or 128; vmtest.sh's exit codes
#     mapped (a fake vmtest.sh), with and without --pass-is-new; the
#     default config and build steps, with a fake make;
#     a crash verdict from vmtest.sh is 1 (bad), 125 with --pass-is-new;
#   in a VM, with a Debian kernel standing in for the built image
#     (argument: a fetch-kernel.sh version of 6.9 or later, default 7.0):
#     passing and failing expectations give 0 and 1; a crash during xdp
#     (sysrq c) gives 1, backtraces without a crash (sysrq l) 0; an image
#     that is not a kernel, a truncated one and a kernel that panics before
#     the suite starts give 125; -d @DENYLIST works.
# Ends with "bisect: N passed, N failed".
set -euo pipefail
shopt -s inherit_errexit

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bisect=$root/scripts/bisect.sh
kernel=${1:-7.0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

export BISECT_LOG=$tmp/build.log
tree=$tmp/tree
mkdir "$tree"

# step CODE ARGS...: bisect.sh ARGS, run in the fake tree, exits CODE; its
# stdout and stderr are in $tmp/out and $tmp/err.
step() {
	local code=$1 rc=0
	shift
	(cd "$tree" && "$bisect" "$@") >"$tmp/out" 2>"$tmp/err" || rc=$?
	if ((rc != code)); then
		echo "bisect.sh $*: exit $rc, want $code"
		tail -n 20 "$tmp/out" "$tmp/err"
		return 1
	fi
}

# Every step that got as far as the config reports its times.
timed() {
	grep -Eq 'config [0-9.]+s, build ([0-9.]+s|-), boot\+verdict ([0-9.]+s|-)$' "$tmp/err"
}

rules() {
	printf 'xdp\tplain\t*\t%s\n' "$2" >"$tmp/$1.rules"
}
rules rejects $'reject\tprogram must be sleepable'
rules accepts accept

# --- Without a VM -----------------------------------------------------------

config_fails() {
	BISECT_CONFIG_CMD=false BISECT_BUILD_CMD=: step 125 -a xdp
	grep -q 'config failed' "$tmp/err"
	timed
}
check "a failed config step: 125" config_fails

build_fails() {
	BISECT_CONFIG_CMD=: BISECT_BUILD_CMD='echo cc1: error; exit 2' step 125 -a xdp
	grep -q 'skip, exit 125 (build failed, exit 2)' "$tmp/err"
	grep -q 'cc1: error' "$tmp/err"
	timed
}
check "a failed build: 125, with the end of the build log" build_fails

no_image() {
	BISECT_CONFIG_CMD=: BISECT_BUILD_CMD=: BISECT_IMAGE=$tmp/none step 125 -a xdp
	grep -q 'the build made no' "$tmp/err"
}
check "a build that makes no image: 125" no_image

bad_args() {
	BISECT_CONFIG_CMD=: BISECT_BUILD_CMD='touch built' step 128 -a no_such_test
	[[ ! -e $tree/built ]]
}
check "runner arguments that match nothing: 128 before building" bad_args

bad_rules() {
	printf 'xdp\tplain\t*\tmaybe\n' >"$tmp/bad.rules"
	BISECT_CONFIG_CMD=: BISECT_BUILD_CMD='touch built' step 128 \
		-a xdp --expected "$tmp/bad.rules"
	[[ ! -e $tree/built ]]
}
check "a malformed rules file: 128 before building" bad_rules

not_a_tree() {
	step 128 -a xdp
	grep -q 'top of a kernel source tree' "$tmp/err"
}
check "the default steps outside a kernel tree: 128" not_a_tree

# A fake vmtest.sh: records its arguments and the rules it was given,
# writes FAKE_VERDICT to the verdict file, and exits FAKE_RC.
cat >"$tmp/vmtest" <<'EOF'
#!/usr/bin/env bash
printf '%s\n' "$@" >"$FAKE_ARGS"
if [[ -n ${VMTEST_EXPECTED:-} ]]; then
	cat "$VMTEST_EXPECTED"/*.rules >"$FAKE_ARGS.rules"
fi
if [[ -n ${FAKE_VERDICT:-} ]]; then
	echo "$FAKE_VERDICT" >"$VMTEST_VERDICT_FILE"
fi
exit "$FAKE_RC"
EOF
chmod 755 "$tmp/vmtest"
: >"$tmp/image"

# maps VMTEST_RC WANT [--pass-is-new]
maps() {
	local rc=$1 want=$2
	shift 2
	FAKE_RC=$rc FAKE_ARGS=$tmp/args BISECT_VMTEST=$tmp/vmtest \
	BISECT_CONFIG_CMD=: BISECT_BUILD_CMD=: BISECT_IMAGE=$tmp/image \
		step "$want" "$@" -a xdp -d xdp.s
}

mapping() {
	maps 0 0
	maps 1 1
	maps 125 125
	maps 5 125
	maps 128 128
	maps 3 128
}
check "vmtest.sh 0, 1, 125, 5, 128, 3 give 0, 1, 125, 125, 128, 128" mapping

inverted() {
	maps 0 1 --pass-is-new
	grep -q ': new, exit 1' "$tmp/err"
	maps 1 0 --pass-is-new
	grep -q ': old, exit 0' "$tmp/err"
	maps 125 125 --pass-is-new
	maps 5 125 --pass-is-new
}
check "--pass-is-new: 0 and 1 swap, 125 stays 125" inverted

crash_verdict() {
	FAKE_VERDICT='crash xdp' maps 1 1
	grep -q ': bad, exit 1 (the kernel crashed during xdp)' "$tmp/err"
	FAKE_VERDICT='crash xdp' maps 1 125 --pass-is-new
	grep -q 'a crash is neither old nor new' "$tmp/err"
	FAKE_VERDICT='runner 1' maps 1 0 --pass-is-new
}
check "a crash verdict from vmtest.sh: 1 (bad); with --pass-is-new 125" crash_verdict

passes_args() {
	FAKE_RC=0 FAKE_ARGS=$tmp/args BISECT_VMTEST=$tmp/vmtest \
	BISECT_CONFIG_CMD=: BISECT_BUILD_CMD=: BISECT_IMAGE=$tmp/image \
		step 0 -a xdp -d xdp.s -v --expected "$tmp/rejects.rules"
	diff <(printf '%s\n' -k "$tmp/image" -- --bisect -a xdp -d xdp.s -v) "$tmp/args"
	cmp "$tmp/rejects.rules" "$tmp/args.rules"
}
check "vmtest.sh gets the image, --bisect, the runner arguments and the rules" \
	passes_args

# A fake kernel tree for the default steps: make and merge_config.sh record
# what they are asked; olddefconfig keeps the merged options unless
# FAKE_DROP names one to drop (as a missing pahole drops BTF).
mkdir -p "$tmp/ktree/scripts/kconfig" "$tmp/bin"
touch "$tmp/ktree/Makefile"
cat >"$tmp/ktree/scripts/kconfig/merge_config.sh" <<'EOF'
#!/usr/bin/env bash
echo "merge_config.sh $*" >>calls
[[ $1 == -m && $2 == .config ]] || exit 1
grep -h '^CONFIG_' "$3" >>.config
EOF
cat >"$tmp/bin/make" <<'EOF'
#!/usr/bin/env bash
echo "make $*" >>calls
case $* in
defconfig)	echo CONFIG_DEFCONFIG=y >.config ;;
olddefconfig)	if [[ -n ${FAKE_DROP:-} ]]; then
			grep -v "^$FAKE_DROP=" .config >.config.new
			mv .config.new .config
		fi ;;
*bzImage)	mkdir -p arch/x86/boot && : >arch/x86/boot/bzImage ;;
esac
EOF
printf '#!/bin/sh\necho v1.24\n' >"$tmp/bin/pahole"
chmod 755 "$tmp/bin/make" "$tmp/bin/pahole"

# ktree CODE [ENV...]: bisect.sh's default steps in the fake tree.
ktree() {
	local code=$1 rc=0
	shift
	rm -f "$tmp/ktree/.config" "$tmp/ktree/calls"
	(cd "$tmp/ktree" && env PATH="$tmp/bin:$PATH" FAKE_RC=0 \
		FAKE_ARGS="$tmp/args" BISECT_VMTEST="$tmp/vmtest" "$@" \
		"$bisect" -a xdp) >"$tmp/out" 2>"$tmp/err" || rc=$?
	if ((rc != code)); then
		echo "exit $rc, want $code"
		tail -n 20 "$tmp/out" "$tmp/err"
		return 1
	fi
}

default_steps() {
	ktree 0
	diff - "$tmp/ktree/calls" <<-EOF
	make defconfig
	merge_config.sh -m .config $root/scripts/config
	make olddefconfig
	make -j$(nproc) bzImage
	EOF
	grep -qx 'CONFIG_DEBUG_INFO_BTF=y' "$tmp/ktree/.config"
}
check "default steps: defconfig, merge the fragment, olddefconfig, make bzImage" \
	default_steps

lost_btf() {
	ktree 125 FAKE_DROP=CONFIG_DEBUG_INFO_BTF
	grep -q 'CONFIG_DEBUG_INFO_BTF is not set after make olddefconfig' "$tmp/err"
	if grep -q bzImage "$tmp/ktree/calls"; then
		echo "it built anyway"
		return 1
	fi
}
check "BTF lost in olddefconfig: 125 without building" lost_btf

lost_other() {
	ktree 0 FAKE_DROP=CONFIG_NETFILTER_BPF_LINK
	grep -q 'warning: not set as scripts/config asks: CONFIG_NETFILTER_BPF_LINK' "$tmp/err"
}
check "another option lost: a warning, and the step goes on" lost_other

# --- In a VM ----------------------------------------------------------------

image=$("$root/scripts/fetch-kernel.sh" "$kernel")

vm() {
	BISECT_CONFIG_CMD=: BISECT_BUILD_CMD=: BISECT_IMAGE=$image step "$@"
}

good() {
	vm 0 -a xdp
	grep -qx 'ok 1 xdp' "$tmp/out"
	grep -q ': good, exit 0' "$tmp/err"
	timed
}
check "$kernel with passing expectations: 0 (good)" good

# xdp.s is refused by every kernel that has the kfunc.
bad() {
	printf 'xdp\tsleepable\t*\taccept\n' >"$tmp/wrong.rules"
	vm 1 -a xdp.s --expected "$tmp/wrong.rules"
	grep -qx 'not ok 1 xdp.s' "$tmp/out"
	grep -q ': bad, exit 1' "$tmp/err"
}
check "$kernel with failing expectations (a rules file): 1 (bad)" bad

garbage() {
	head -c 65536 /dev/urandom >"$tmp/garbage"
	BISECT_CONFIG_CMD=: BISECT_BUILD_CMD=: BISECT_IMAGE=$tmp/garbage step 125 -a xdp
	grep -q 'not a bootable x86 kernel image' "$tmp/err"
}
check "an image that is not a kernel: 125" garbage

truncated() {
	head -c 3000000 "$image" >"$tmp/truncated"
	VMTEST_BOOT_TIMEOUT=20 BISECT_CONFIG_CMD=: BISECT_BUILD_CMD=: \
		BISECT_IMAGE=$tmp/truncated step 125 -a xdp
	grep -q 'no verdict' "$tmp/err"
}
check "a truncated image that does not boot: 125" truncated

panics() {
	VMTEST_INIT_CRASH=1 vm 125 -a xdp
	grep -q 'kernel crashed before the suite started: Kernel panic' "$tmp/err"
	grep -q 'skip, exit 125 (no verdict' "$tmp/err"
}
check "a kernel that panics before the suite starts: 125" panics

crash_during_xdp() {
	VMTEST_SYSRQ_AT=xdp:c vm 1 -a xdp
	grep -q 'the kernel crashed during case xdp' "$tmp/err"
	grep -q ': bad, exit 1 (the kernel crashed during xdp)' "$tmp/err"
}
check "$kernel crashing during xdp (sysrq c): 1 (bad)" crash_during_xdp

backtraces() {
	VMTEST_SYSRQ_AT=xdp:l vm 0 -a xdp
	grep -qx 'ok 1 xdp' "$tmp/out"
	grep -q ': good, exit 0' "$tmp/err"
}
check "$kernel with backtraces during xdp (sysrq l): 0 (good), no crash" backtraces

denylist() {
	printf '# not this one\nxdp.s\n' >"$tmp/DENYLIST"
	vm 0 -a xdp -d @"$tmp/DENYLIST"
	grep -qx 'ok 1 xdp' "$tmp/out"
	if grep -q 'xdp\.s' "$tmp/out"; then
		return 1
	fi
	grep -q ': good, exit 0' "$tmp/err"
}
check "$kernel with -d @DENYLIST: 0 (good), the list applied in the VM" denylist

finish bisect
