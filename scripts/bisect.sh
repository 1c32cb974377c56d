#!/usr/bin/env bash
#
# bisect.sh - one step of "git bisect run" on a kernel source tree
#
# Usage, from the top of a kernel tree:
#   git bisect run /path/to/scripts/bisect.sh [--pass-is-new] [--] RUNNER-ARGS...
#
#   e.g. git bisect run ~/conform/scripts/bisect.sh -a xdp -d xdp.s \
#            --expected old.rules       (the rules: see below)
#
# Each step merges scripts/config into .config (made by "make defconfig" if
# there is none) and runs "make olddefconfig", builds bzImage with
# "make -j$(nproc)" (incrementally: never "make clean"), boots
# arch/x86/boot/bzImage with vmtest.sh and runs "conform --bisect
# RUNNER-ARGS" in it.  How long each step took goes to stderr.
#
# Exit status, as git bisect run expects:
#   0    good (old): every selected test passed
#   1    bad (new): a test failed, or the kernel crashed while the suite
#        ran (an oops, panic, BUG, WARN, lockdep report or RCU stall: see
#        vmtest.sh), which is a verdict on the commit
#   125  this commit cannot be tested: the config or the build failed,
#        there is no image, it did not boot or panicked before the suite
#        started, it timed out, or the runner could not judge it (a skip,
#        vmlinux BTF disagreeing with the version's rules)
#   128  abort the bisection: bad runner arguments or expectations, or the
#        host lacks what every step needs
#
# --pass-is-new swaps 0 and 1, for "git bisect start --term-old=X
# --term-new=Y" when the expectations describe the new behaviour: a pass
# marks the commit new, a failure old.  A crash is then 125: it shows
# neither the old behaviour nor the new.
#
# The rules: they must hold for every commit of the range, whatever
# version it reports.  The default expected/ does not do: each side of a
# change passes its own version's rules.  Nor do rules ranged by version:
# inside a merge window a commit still reports the previous release while
# carrying the new code, and an -rc already reports the release to come.
# Give a rules file with "*" ranges that describes the old behaviour (with
# --pass-is-new, the new one):
#   printf 'xdp\tplain\t*\treject\tprogram must be sleepable\n' >old.rules
#   git bisect run ~/conform/scripts/bisect.sh -a xdp -d xdp.s --expected old.rules
#
# "--expected FILE|DIR" among RUNNER-ARGS names rules on this host; they are
# copied into the VM, as are the list files of "-a @FILE" and "-d @FILE".
# The other runner options work as in the VM.
#
# -h, --help prints this text.
#
# Environment, mostly for tests:
#   BISECT_CONFIG      config fragment  (default: scripts/config)
#   BISECT_CONFIG_CMD  shell command replacing the config step
#   BISECT_BUILD_CMD   shell command replacing the build step
#   BISECT_IMAGE       the image to boot  (default: arch/x86/boot/bzImage)
#   BISECT_VMTEST      the VM runner  (default: scripts/vmtest.sh)
#   BISECT_LOG         where the config and build output goes
#                      (default: $CACHE/bisect/build.log)
#   VMTEST_*           passed on to vmtest.sh (VMTEST_RUNNER, VMTEST_PROGS ...)
#   CONFORM_CACHE      cache root, as for vmtest.sh

set -euo pipefail
shopt -s inherit_errexit

readonly PROG=${0##*/}
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
readonly SCRIPT_DIR
readonly REPO_ROOT=${SCRIPT_DIR%/*}
readonly CACHE=${CONFORM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/arena-conform}

readonly FRAGMENT=${BISECT_CONFIG:-$SCRIPT_DIR/config}
readonly IMAGE=${BISECT_IMAGE:-arch/x86/boot/bzImage}
readonly VMTEST=${BISECT_VMTEST:-$SCRIPT_DIR/vmtest.sh}
readonly LOG=${BISECT_LOG:-$CACHE/bisect/build.log}
readonly RUNNER=${VMTEST_RUNNER:-$REPO_ROOT/build/conform-static}
readonly PROGS_DIR=${VMTEST_PROGS:-$REPO_ROOT/build/progs}

readonly EXIT_GOOD=0 EXIT_BAD=1 EXIT_SKIP=125 EXIT_ABORT=128
# vmtest.sh: no verdict (no boot, a crash, a timeout).
readonly VMTEST_NO_VERDICT=5

# Options a kernel cannot run the suite without; see scripts/config.
readonly ESSENTIAL=(CONFIG_BPF_SYSCALL CONFIG_BPF_JIT CONFIG_DEBUG_INFO_BTF)

TMP_DIR=
T_CONFIG=-
T_BUILD=-
T_BOOT=-
INVERT=0
RUNNER_ARGS=()
EXPECTED=

# usage [STATUS]: the header comment; on stdout for --help (0), else on
# stderr, and abort the bisection.
usage()
{
	local status=${1:-$EXIT_ABORT}

	if (( status )); then
		exec >&2
	fi
	awk 'NR > 2 && !/^#/ { exit } NR > 2 { sub(/^# ?/, ""); print }' "$0"
	exit "$status"
}

# shellcheck disable=SC2317 # called from a trap
cleanup()
{
	if [[ -n $TMP_DIR ]]; then
		rm -rf -- "$TMP_DIR"
	fi
}

# What this step tests, for the log: the commit, if this is a git tree.
describe_head()
{
	git log -1 --format='%h %s' 2>/dev/null | cut -c 1-72 || echo "(not a git tree)"
}

# finish CODE WHY: report the step and exit with CODE.
finish()
{
	local code=$1 why=$2 word

	case $code in
	"$EXIT_GOOD")	word=good ;;
	"$EXIT_BAD")	word=bad ;;
	"$EXIT_SKIP")	word=skip ;;
	*)		word=abort ;;
	esac
	if (( INVERT )); then
		case $code in
		"$EXIT_GOOD")	word=old ;;
		"$EXIT_BAD")	word=new ;;
		esac
	fi
	log "$(describe_head): $word, exit $code ($why);" \
	    "config $T_CONFIG, build $T_BUILD, boot+verdict $T_BOOT"
	exit "$code"
}

# Show the end of the config/build log after a failure.
log_tail()
{
	log "last 20 lines of $LOG:"
	tail -n 20 -- "$LOG" | sed 's/^/    /' >&2
}

# Split our own options from the runner's; pull out --expected.
parse_args()
{
	while (( $# )); do
		case $1 in
		--pass-is-new)	INVERT=1 ;;
		-h|--help)	usage 0 ;;
		--)		shift; break ;;
		*)		break ;;
		esac
		shift
	done

	while (( $# )); do
		case $1 in
		--expected)
			[[ $# -ge 2 ]] || { log "error: --expected needs a path"; usage; }
			EXPECTED=$2
			shift
			;;
		--expected=*)
			EXPECTED=${1#*=}
			;;
		--bisect)
			;;
		*)
			RUNNER_ARGS+=("$1")
			;;
		esac
		shift
	done
	RUNNER_ARGS=(--bisect "${RUNNER_ARGS[@]}")
}

# Everything every step needs: missing, the bisection must stop, not skip
# every commit.
check_host()
{
	local -a objs

	[[ -x $VMTEST ]] || { log "error: $VMTEST missing"; exit "$EXIT_ABORT"; }
	if [[ ! -x $RUNNER ]]; then
		log "error: runner $RUNNER missing (make build/conform-static)"
		exit "$EXIT_ABORT"
	fi
	objs=("$PROGS_DIR"/*.bpf.o)
	if [[ ! -f ${objs[0]} ]]; then
		log "error: no BPF objects in $PROGS_DIR (make)"
		exit "$EXIT_ABORT"
	fi
	if [[ -n $EXPECTED && ! -e $EXPECTED ]]; then
		log "error: --expected $EXPECTED: no such file or directory"
		exit "$EXIT_ABORT"
	fi
	if [[ -z ${BISECT_CONFIG_CMD:-} || -z ${BISECT_BUILD_CMD:-} ]]; then
		if [[ ! -f Makefile || ! -f scripts/kconfig/merge_config.sh ]]; then
			log "error: run this from the top of a kernel source tree ($PWD is not one)"
			exit "$EXIT_ABORT"
		fi
	fi
	if [[ -z ${BISECT_CONFIG_CMD:-} ]]; then
		[[ -f $FRAGMENT ]] ||
			{ log "error: config fragment $FRAGMENT missing"; exit "$EXIT_ABORT"; }
		if ! command -v pahole >/dev/null; then
			log "error: pahole missing: no kernel would get BTF (apt-get install dwarves)"
			exit "$EXIT_ABORT"
		fi
	fi
}

# The runner judges the arguments and the rules on this host, before any
# build: a typo aborts the bisection at once (the runner's 128).
check_runner_args()
{
	local rules=${EXPECTED:-${VMTEST_EXPECTED:-$REPO_ROOT/expected}}
	local rc=0

	"$RUNNER" -l --objs "$PROGS_DIR" --expected "$rules" "${RUNNER_ARGS[@]}" \
		>/dev/null || rc=$?
	if (( rc != 0 )); then
		log "error: the runner refuses these arguments (exit $rc); aborting the bisection"
		exit "$EXIT_ABORT"
	fi
}

# The VM reads rules from a directory: a single rules file gets one.
stage_expected()
{
	local name

	[[ -n $EXPECTED ]] || return 0
	if [[ -d $EXPECTED ]]; then
		VMTEST_EXPECTED=$(cd -- "$EXPECTED" && pwd -P)
	else
		name=${EXPECTED##*/}
		[[ $name == *.rules ]] || name=$name.rules
		mkdir "$TMP_DIR/expected"
		cp -- "$EXPECTED" "$TMP_DIR/expected/$name"
		VMTEST_EXPECTED=$TMP_DIR/expected
	fi
	export VMTEST_EXPECTED
}

# Fail unless the options the suite cannot do without survived olddefconfig;
# report the others that did not, as merge_config.sh does without -m.
# shellcheck disable=SC2317 # called through run_errexit
check_config()
{
	local line opt missing=()

	while IFS= read -r line; do
		[[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]] || continue
		opt=${BASH_REMATCH[1]}
		if ! grep -qxF -- "$line" .config; then
			missing+=("$opt")
		fi
	done <"$FRAGMENT"
	if (( ${#missing[@]} )); then
		log "warning: not set as scripts/config asks: ${missing[*]}"
	fi
	for opt in "${ESSENTIAL[@]}"; do
		if ! grep -qx -- "$opt=y" .config; then
			log "error: $opt is not set after make olddefconfig"
			return 1
		fi
	done
}

# Called in an "||" list, where set -e does not apply: check each command.
# shellcheck disable=SC2317 # called through run_errexit
default_config()
{
	if [[ ! -f .config ]]; then
		make defconfig || return
	fi
	bash scripts/kconfig/merge_config.sh -m .config "$FRAGMENT" || return
	make olddefconfig
}

# shellcheck disable=SC2317 # called through run_errexit
default_build()
{
	make -j"$(nproc)" bzImage
}

step_config()
{
	local t rc=0 status

	t=$(now)
	if [[ -n ${BISECT_CONFIG_CMD:-} ]]; then
		bash -c "$BISECT_CONFIG_CMD" >>"$LOG" 2>&1 || rc=$?
	else
		run_errexit default_config >>"$LOG" 2>&1
		rc=$status
		if (( rc == 0 )); then
			run_errexit check_config
			rc=$status
		fi
	fi
	T_CONFIG=$(since "$t")
	if (( rc )); then
		log_tail
		finish "$EXIT_SKIP" "config failed, exit $rc"
	fi
}

step_build()
{
	local t rc=0 status

	t=$(now)
	if [[ -n ${BISECT_BUILD_CMD:-} ]]; then
		bash -c "$BISECT_BUILD_CMD" >>"$LOG" 2>&1 || rc=$?
	else
		run_errexit default_build >>"$LOG" 2>&1
		rc=$status
	fi
	T_BUILD=$(since "$t")
	if (( rc )); then
		log_tail
		finish "$EXIT_SKIP" "build failed, exit $rc"
	fi
	if [[ ! -f $IMAGE ]]; then
		finish "$EXIT_SKIP" "the build made no $IMAGE"
	fi
}

# Boot and judge; map vmtest.sh's exit status to git bisect's.
step_boot()
{
	local t rc=0 what='' cases=''

	t=$(now)
	VMTEST_VERDICT_FILE=$TMP_DIR/verdict "$VMTEST" -k "$IMAGE" -- "${RUNNER_ARGS[@]}" || rc=$?
	T_BOOT=$(since "$t")
	if [[ -s $TMP_DIR/verdict ]]; then
		read -r what cases <"$TMP_DIR/verdict"
	fi

	if [[ $rc == 1 && $what == crash ]]; then
		if (( INVERT )); then
			finish "$EXIT_SKIP" "the kernel crashed during $cases; with --pass-is-new a crash is neither old nor new"
		fi
		finish "$EXIT_BAD" "the kernel crashed during $cases"
	fi
	case $rc in
	0|1)
		if (( INVERT )); then
			finish "$(( !rc ))" "runner exit $rc, --pass-is-new"
		fi
		finish "$rc" "runner exit $rc"
		;;
	"$EXIT_SKIP")
		finish "$EXIT_SKIP" "the runner cannot judge this kernel"
		;;
	"$VMTEST_NO_VERDICT")
		finish "$EXIT_SKIP" "no verdict: no boot, a panic before the suite, or a timeout"
		;;
	"$EXIT_ABORT")
		finish "$EXIT_ABORT" "the runner refused its input"
		;;
	*)
		finish "$EXIT_ABORT" "unexpected exit $rc from $VMTEST"
		;;
	esac
}

main()
{
	parse_args "$@"
	check_host
	check_runner_args

	trap cleanup EXIT
	TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bisect.XXXXXX")
	stage_expected

	mkdir -p -- "$(dirname -- "$LOG")"
	: >"$LOG"
	log "$(describe_head): config, build (log: $LOG), boot"
	step_config
	step_build
	step_boot
}

main "$@"
