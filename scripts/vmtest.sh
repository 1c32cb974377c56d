#!/usr/bin/env bash
#
# vmtest.sh - run the conformance runner inside a VM
#
# Usage: vmtest.sh -k IMAGE [-o JSON_OUT] [-t TIMEOUT] [--bare] [-- ARGS...]
#
#   -k IMAGE    a vmlinuz/bzImage, a kernel build tree, or a Debian cloud
#               kernel version for fetch-kernel.sh ("6.12", "7.0.13")
#   -o FILE     write the runner's JSON result to FILE
#   -t SECONDS  kill the VM after this long (default 300)
#   --bare      boot the same initramfs, but power off at once (boot time)
#   ARGS        passed to the runner: conform --json FILE ARGS...
#
# The runner's output is streamed to stdout and its exit code is ours.
# Exit code 5 means there is no verdict: the VM did not boot, the kernel
# crashed (panic, oops, BUG, call trace), the run timed out, or the runner
# never reported back.  A boot that dies before the suite starts is retried
# once.
#
# Environment:
#   VMTEST_RUNNER        static runner  (default: build/conform-static)
#   VMTEST_PROGS         BPF objects, *.bpf.o  (default: build/progs)
#   VMTEST_EXPECTED      expectations directory  (default: expected)
#   VMTEST_BUSYBOX       static busybox  (default: /bin/busybox)
#   VMTEST_QEMU          qemu binary  (default: qemu-system-x86_64)
#   VMTEST_ACCEL         tcg (default), kvm, or auto (kvm if a probe boots)
#   VMTEST_MEM           guest memory  (default: 1G)
#   VMTEST_SMP           guest CPUs  (default: 2)
#   VMTEST_CPU           qemu -cpu model  (default: qemu's)
#   VMTEST_APPEND        extra kernel command line
#   VMTEST_BOOT_TIMEOUT  seconds from power-on to the suite's start (60)
#   VMTEST_FATAL         console log ERE that means a crash
#   VMTEST_CONSOLE_LOG   where to keep the kernel console log
#                        (default: $CACHE/vmtest/console-RELEASE.log)
#   CONFORM_CACHE        cache root, as for fetch-kernel.sh

set -euo pipefail

readonly PROG=${0##*/}
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
readonly SCRIPT_DIR
readonly REPO_ROOT=${SCRIPT_DIR%/*}
readonly CACHE=${CONFORM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/arena-conform}

readonly EXIT_NO_VERDICT=5
readonly DIE_STATUS=$EXIT_NO_VERDICT	# for die() in lib.sh

readonly RUNNER=${VMTEST_RUNNER:-$REPO_ROOT/build/conform-static}
readonly PROGS_DIR=${VMTEST_PROGS:-$REPO_ROOT/build/progs}
readonly EXPECTED_DIR=${VMTEST_EXPECTED:-$REPO_ROOT/expected}
readonly BUSYBOX=${VMTEST_BUSYBOX:-/bin/busybox}
readonly QEMU=${VMTEST_QEMU:-qemu-system-x86_64}
readonly MEM=${VMTEST_MEM:-1G}
readonly SMP=${VMTEST_SMP:-2}
readonly FATAL_RE=${VMTEST_FATAL:-'Kernel panic|Oops|BUG:|Call Trace'}

readonly BOOT_TIMEOUT=${VMTEST_BOOT_TIMEOUT:-60}

# BPF LSM programs need "bpf" in the active LSM list; Debian's kernels
# have it in CONFIG_LSM, but say so explicitly.  A panic (and so an oops)
# reboots at once, and -no-reboot turns that into a qemu exit.
readonly BASE_CMDLINE=(console=ttyS0 panic=-1 oops=panic rdinit=/init
		       "lsm=lockdown,capability,landlock,yama,apparmor,bpf")

TMP_DIR=
QEMU_PID=
JSON_TMP=
CONSOLE_LOG=

# Results of one boot, set by run_vm() and parse_output().
QEMU_RC=0
BOOT_TIMED_OUT=0
STARTED=0
FINISHED=0
GOT_JSON=0
RUNNER_RC=
T_BOOT=
T_START=
T_END=

usage()
{
	sed -n '3,18s/^# \{0,1\}//p' "$0" >&2
	exit "$EXIT_NO_VERDICT"
}

stop_qemu()
{
	if [[ -n $QEMU_PID ]]; then
		kill "$QEMU_PID" 2>/dev/null || true
		wait "$QEMU_PID" 2>/dev/null || true
		QEMU_PID=
	fi
}

# shellcheck disable=SC2317 # called from a trap
cleanup()
{
	stop_qemu
	if [[ -n $JSON_TMP ]]; then
		rm -f -- "$JSON_TMP"
	fi
	if [[ -n $TMP_DIR ]]; then
		rm -rf -- "$TMP_DIR"
	fi
}

# shellcheck disable=SC2317 # called from a trap
on_signal()
{
	log "interrupted"
	exit 130
}

# Print the kernel release of a bzImage, or fail if FILE is not one.
bzimage_release()
{
	local file=$1 magic off

	# struct setup_header: "HdrS" at 0x202, kernel_version at 0x20e
	# (an offset from 0x200 to the version string).
	magic=$(dd if="$file" bs=1 skip=514 count=4 status=none 2>/dev/null) ||
		return 1
	[[ $magic == HdrS ]] || return 1

	off=$(od -An -tu2 -j 526 -N 2 -- "$file" | tr -d ' ')
	dd if="$file" bs=1 skip=$((off + 512)) count=256 status=none |
		tr '\0' '\n' | sed -n '1s/ .*//p' 
}

# IMAGE may be a file, a kernel build tree or a version to fetch.
resolve_image()
{
	local spec=$1

	if [[ -d $spec ]]; then
		echo "$spec/arch/x86/boot/bzImage"
	elif [[ -e $spec ]]; then
		echo "$spec"
	elif [[ $spec =~ ^[0-9]+\.[0-9]+ ]]; then
		"$SCRIPT_DIR/fetch-kernel.sh" "$spec" ||
			die "cannot fetch kernel '$spec'"
	else
		die "no such kernel image: $spec"
	fi
}

check_inputs()
{
	local bare=$1

	[[ -x $BUSYBOX ]] ||
		die "$BUSYBOX missing (apt-get install busybox-static)"
	command -v "$QEMU" >/dev/null ||
		die "$QEMU missing (apt-get install qemu-system-x86)"
	command -v cpio >/dev/null || die "cpio missing (apt-get install cpio)"

	[[ $bare == 1 ]] && return
	[[ -f $RUNNER && -x $RUNNER ]] ||
		die "runner $RUNNER missing or not executable (set VMTEST_RUNNER)"
	if command -v readelf >/dev/null &&
	   readelf -l "$RUNNER" 2>/dev/null | grep -q 'INTERP'; then
		die "runner $RUNNER is dynamically linked; it must be static"
	fi
	[[ -d $PROGS_DIR ]] || log "warning: no BPF objects dir $PROGS_DIR"
	[[ -d $EXPECTED_DIR ]] || log "warning: no expectations dir $EXPECTED_DIR"
}

# The guest's /init.  Kernel command line: vmtest.nonce= makes the markers
# unforgeable by the runner's output, vmtest.mode= is run, bare or crash.
write_init()
{
	cat <<'EOF'
#!/bin/sh
# Generated by vmtest.sh: mount the usual file systems, run the suite with
# its output on ttyS1, report the JSON result and exit code, power off.

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mount -t bpf bpf /sys/fs/bpf
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug
mount -t securityfs securityfs /sys/kernel/security
mount -t cgroup2 cgroup2 /sys/fs/cgroup
ip link set lo up
hostname vmtest

nonce=
mode=run
read -r cmdline </proc/cmdline
set -f
for arg in $cmdline; do
	case $arg in
	vmtest.nonce=*)	nonce=${arg#*=} ;;
	vmtest.mode=*)	mode=${arg#*=} ;;
	esac
done
set +f
mark="@@vmtest-$nonce@@"
out=/dev/ttyS1
stty -F "$out" raw -echo 2>/dev/null

if [ "$mode" = bare ]; then
	echo "$mark BARE" >"$out"
	poweroff -f
fi

set --
while IFS= read -r arg; do
	set -- "$@" "$arg"
done </conform/args

# Closing ttyS1 at the end of the group waits for its output to drain.
{
	echo "$mark START"
	if [ "$mode" = crash ]; then
		echo c >/proc/sysrq-trigger
	fi
	cd /conform && ./conform --json /tmp/result.json "$@" </dev/null
	rc=$?
	if [ -f /tmp/result.json ]; then
		echo "$mark JSON-BEGIN"
		# gzip: the serial port moves about 400 KB/s
		gzip -c /tmp/result.json | base64
		echo "$mark JSON-END"
	fi
	echo "$mark EXIT $rc"
} >"$out" 2>&1

poweroff -f
EOF
}

# build_initramfs OUT RUNNER_ARGS...
build_initramfs()
{
	local out=$1
	local root=$TMP_DIR/root
	local applet arg

	shift
	for arg in "$@"; do
		[[ $arg != *$'\n'* ]] || die "runner arguments cannot contain newlines"
	done

	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,root}
	mkdir -p "$root"/conform/{progs,expected}

	cp -- "$BUSYBOX" "$root/bin/busybox"
	for applet in $("$BUSYBOX" --list-full); do
		[[ -e $root/$applet ]] || ln -s /bin/busybox "$root/$applet"
	done

	if [[ -f $RUNNER ]]; then
		cp -- "$RUNNER" "$root/conform/conform"
	fi
	if [[ -d $PROGS_DIR ]]; then
		find "$PROGS_DIR" -maxdepth 1 -name '*.bpf.o' \
			-exec cp -t "$root/conform/progs" -- {} +
	fi
	if [[ -d $EXPECTED_DIR ]]; then
		cp -R -- "$EXPECTED_DIR/." "$root/conform/expected/"
	fi
	if (( $# )); then
		printf '%s\n' "$@" >"$root/conform/args"
	else
		: >"$root/conform/args"
	fi
	write_init >"$root/init"
	chmod 755 "$root/init"

	(cd "$root" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 >"$out"
}

# Read the runner's serial port: show the output, keep the JSON, note the
# markers and when they came.  Give up if the suite has not started in
# BOOT_TIMEOUT seconds.
parse_output()
{
	local mark=$1 b64=$2
	local line before word arg rc left in_json=0
	local deadline=$((SECONDS + BOOT_TIMEOUT))

	while :; do
		rc=0
		if (( STARTED )); then
			IFS= read -r line || rc=$?
		else
			left=$((deadline - SECONDS))
			(( left > 0 )) || left=1
			IFS= read -r -t "$left" line || rc=$?
			if (( rc > 128 )); then
				BOOT_TIMED_OUT=1
				return
			fi
		fi
		# EOF, possibly after a last line without a newline.
		if (( rc )) && [[ -z $line ]]; then
			return
		fi

		line=${line//$'\r'/}
		if [[ $line != *"$mark"* ]]; then
			if (( in_json )); then
				printf '%s\n' "$line" >>"$b64"
			else
				printf '%s\n' "$line"
			fi
			continue
		fi

		# Output without a final newline runs into the marker.
		before=${line%%"$mark"*}
		if [[ -n $before ]]; then
			printf '%s\n' "$before"
		fi
		read -r word arg <<<"${line#*"$mark"}"
		case $word in
		START)
			STARTED=1
			T_START=$EPOCHREALTIME
			;;
		JSON-BEGIN)
			in_json=1
			: >"$b64"
			;;
		JSON-END)
			in_json=0
			GOT_JSON=1
			;;
		EXIT|BARE)
			RUNNER_RC=${arg:-0}
			FINISHED=1
			T_END=$EPOCHREALTIME
			return
			;;
		esac
	done
}

# After the verdict, give the guest a moment to power off by itself.
wait_qemu()
{
	local i

	for (( i = 0; i < 100; i++ )); do
		kill -0 "$QEMU_PID" 2>/dev/null || break
		sleep 0.1
	done
	stop_qemu
}

# run_vm IMAGE INITRD MODE ACCEL TIMEOUT: boot once, set the results.
# QEMU_RC is qemu's exit status (124 on timeout).
run_vm()
{
	local image=$1 initrd=$2 mode=$3 accel=$4 timeout=$5
	local nonce cmdline
	local -a qemu

	QEMU_RC=0 BOOT_TIMED_OUT=0 STARTED=0 FINISHED=0 GOT_JSON=0
	RUNNER_RC='' T_START='' T_END=''
	nonce=$(od -An -tx1 -N 8 /dev/urandom | tr -d ' \n')
	cmdline="${BASE_CMDLINE[*]} vmtest.nonce=$nonce vmtest.mode=$mode"
	if [[ -n ${VMTEST_APPEND:-} ]]; then
		cmdline+=" $VMTEST_APPEND"
	fi

	qemu=("$QEMU" -accel "$accel" -m "$MEM" -smp "$SMP"
	      -nodefaults -no-reboot -display none -no-user-config
	      -kernel "$image" -initrd "$initrd" -append "$cmdline"
	      -serial "file:$TMP_DIR/console.log" -serial stdio)
	if [[ -n ${VMTEST_CPU:-} ]]; then
		qemu+=(-cpu "$VMTEST_CPU")
	fi

	rm -f "$TMP_DIR/console.log" "$TMP_DIR/qemu.err" "$TMP_DIR/ttyS1"
	mkfifo "$TMP_DIR/ttyS1"
	T_BOOT=$EPOCHREALTIME
	timeout -k 5 "$timeout" "${qemu[@]}" </dev/null \
		>"$TMP_DIR/ttyS1" 2>"$TMP_DIR/qemu.err" &
	QEMU_PID=$!

	parse_output "@@vmtest-$nonce@@" "$TMP_DIR/result.b64" <"$TMP_DIR/ttyS1"
	if (( FINISHED )); then
		wait_qemu
	elif (( BOOT_TIMED_OUT )); then
		stop_qemu
		QEMU_RC=124
	else
		wait "$QEMU_PID" || QEMU_RC=$?
		QEMU_PID=
	fi
}

console_tail()
{
	local log=$TMP_DIR/console.log

	if [[ -s $TMP_DIR/qemu.err ]]; then
		log "qemu said:"
		tail -n 30 "$TMP_DIR/qemu.err" | sed 's/^/    /' >&2
	fi
	if [[ -s $log ]]; then
		log "last 30 lines of the kernel console (full log: $CONSOLE_LOG):"
		tail -n 30 "$log" | tr -d '\r' | sed 's/^/    /' >&2
	else
		log "the kernel console is empty"
	fi
}

# What went wrong with the last boot, or nothing if all went well.
diagnose()
{
	local timeout=${1:-?} hit

	hit=$(grep -a -m 1 -E "$FATAL_RE" "$TMP_DIR/console.log" 2>/dev/null |
	      tr -d '\r') || true
	if [[ -n $hit ]]; then
		echo "kernel crashed: $hit"
	elif (( BOOT_TIMED_OUT )); then
		echo "the suite did not start within ${BOOT_TIMEOUT}s of power-on"
	elif (( QEMU_RC == 124 || QEMU_RC == 137 )); then
		echo "timed out after ${timeout}s"
	elif (( ! FINISHED )); then
		if (( STARTED )); then
			echo "the VM stopped before the runner reported back"
		else
			echo "the VM stopped before the suite started (qemu exit $QEMU_RC)"
		fi
	fi
}

# Boot with kvm in bare mode; succeed if that works here.
kvm_works()
{
	local image=$1 initrd=$2

	[[ -r /dev/kvm && -w /dev/kvm ]] || return 1
	run_vm "$image" "$initrd" bare kvm 10 >/dev/null
	(( FINISHED )) && [[ -z $(diagnose) ]]
}

elapsed()
{
	local from=$1 to=$2

	awk -v a="$from" -v b="$to" 'BEGIN { printf "%.1f", b - a }'
}

main()
{
	local spec='' json_out='' timeout=300 bare=0
	local image release initrd accel problem attempt mode

	while (( $# )); do
		case $1 in
		-k)	[[ $# -ge 2 ]] || usage; spec=$2; shift ;;
		-o)	[[ $# -ge 2 ]] || usage; json_out=$2; shift ;;
		-t)	[[ $# -ge 2 ]] || usage; timeout=$2; shift ;;
		--bare)	bare=1 ;;
		-h|--help) usage ;;
		--)	shift; break ;;
		*)	log "unknown argument: $1"; usage ;;
		esac
		shift
	done
	[[ -n $spec ]] || usage
	[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "bad timeout: $timeout"
	[[ $BOOT_TIMEOUT =~ ^[1-9][0-9]*$ ]] ||
		die "bad VMTEST_BOOT_TIMEOUT: $BOOT_TIMEOUT"

	trap cleanup EXIT
	trap on_signal INT TERM HUP

	# A stale result must not pass for this run's.
	if [[ -n $json_out ]]; then
		[[ -d $(dirname -- "$json_out") ]] ||
			die "no directory for $json_out"
		rm -f -- "$json_out"
	fi

	image=$(resolve_image "$spec")
	[[ -f $image ]] || die "no such kernel image: $image"
	release=$(bzimage_release "$image") ||
		die "$image is not a bootable x86 kernel image (bzImage)"
	check_inputs "$bare"

	CONSOLE_LOG=${VMTEST_CONSOLE_LOG:-$CACHE/vmtest/console-${release//\//_}.log}
	mkdir -p "$(dirname -- "$CONSOLE_LOG")"

	TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vmtest.XXXXXX")
	initrd=$TMP_DIR/initramfs.cpio.gz
	build_initramfs "$initrd" "$@"

	accel=${VMTEST_ACCEL:-tcg}
	if [[ $accel == auto ]]; then
		if kvm_works "$image" "$initrd"; then
			accel=kvm
		else
			log "kvm does not work here, using tcg"
			accel=tcg
		fi
	fi

	mode=run
	if (( bare )); then
		mode=bare
	elif [[ ${VMTEST_INIT_CRASH:-0} == 1 ]]; then
		mode=crash
	fi

	log "booting $release ($accel, $SMP cpus, $MEM)"
	for attempt in 1 2; do
		run_vm "$image" "$initrd" "$mode" "$accel" "$timeout"
		cp -f "$TMP_DIR/console.log" "$CONSOLE_LOG" 2>/dev/null || true
		problem=$(diagnose "$timeout")

		[[ -n $problem ]] || break
		if (( STARTED || attempt == 2 )); then
			break
		fi
		# qemu itself refused to run: retrying will not help.
		if (( QEMU_RC == 1 )) && [[ ! -s $TMP_DIR/console.log ]]; then
			break
		fi
		log "boot failed ($problem), retrying once"
	done

	if [[ -n $problem ]]; then
		log "error: $release: $problem"
		console_tail
		exit "$EXIT_NO_VERDICT"
	fi

	if (( bare )); then
		log "bare boot of $release ($accel): $(elapsed "$T_BOOT" "$T_END")s"
		exit 0
	fi

	if [[ -n $json_out ]]; then
		if (( GOT_JSON )); then
			JSON_TMP=$(mktemp "$(dirname -- "$json_out")/.${json_out##*/}.XXXXXX")
			base64 -d "$TMP_DIR/result.b64" | gzip -dc >"$JSON_TMP" ||
				die "corrupt JSON result from the VM"
			chmod 644 "$JSON_TMP"
			mv -f -- "$JSON_TMP" "$json_out"
			JSON_TMP=
		else
			log "warning: the runner wrote no JSON result; $json_out not written"
		fi
	fi

	log "$release ($accel): boot $(elapsed "$T_BOOT" "$T_START")s," \
	    "suite $(elapsed "$T_START" "$T_END")s," \
	    "boot-to-verdict $(elapsed "$T_BOOT" "$T_END")s, exit $RUNNER_RC"
	exit "$RUNNER_RC"
}

main "$@"
