#!/usr/bin/env bash
#
# vmtest.sh - run the conformance runner inside a VM
#
# Usage: vmtest.sh -k IMAGE [--arch ARCH] [-o JSON_OUT] [-t TIMEOUT] [--bare]
#                  [-- ARGS...]
#        vmtest.sh -k IMAGE --exec [-t TIMEOUT] -- COMMAND [ARGS...]
#
#   -k IMAGE    a vmlinuz/bzImage, a kernel build tree, or a Debian kernel
#               version for fetch-kernel.sh ("6.12", "7.0.13", "arm64:7.0",
#               "rt-arm64:7.0")
#   --arch A    the guest's architecture: amd64, arm64, s390x, riscv64 or
#               ppc64el; by default what the image is (its magic), and
#               for a version, the one fetch-kernel.sh --arch A fetches
#   -o FILE     write the runner's JSON result to FILE
#   -t SECONDS  kill the VM after this long (default 300, 900 under
#               emulation of another architecture)
#   --bare      boot the same initramfs, but power off at once (boot time)
#   --exec      run COMMAND instead of the runner, in this machine's own
#               userland: the guest mounts the host's root file system
#               read-only (virtiofs, qemu's virtiofsd), with its own /proc,
#               /sys, /dev, and a tmpfs on /tmp and /run, and runs COMMAND
#               as root in the current directory, PATH and TERM kept; the
#               exit code is COMMAND's.  amd64 on an x86-64 host only.
#               As in vmtest.sh, danobi/vmtest or virtme-ng --exec: any
#               dynamically linked tool (bpftool, valgrind, an ASan build)
#               runs against the guest's kernel.
#
# Per architecture (TCG, or kvm for amd64 on an x86-64 host):
#   amd64    qemu-system-x86_64 (pc), console ttyS0
#   arm64    qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on, ttyAMA0
#   s390x    qemu-system-s390x -M s390-ccw-virtio, ttysclp0
#   riscv64  qemu-system-riscv64 -M virt -cpu rv64, ttyS0
#   ppc64el  qemu-system-ppc64 -M pseries -cpu power9, hvc0
# The runner's output and JSON come back on a second serial port (ttyS1)
# on amd64, and on a virtio serial port named vmtest.out elsewhere.  The
# runner, busybox and BPF objects default to that architecture's: see
# VMTEST_RUNNER, VMTEST_BUSYBOX and VMTEST_PROGS.
#   ARGS        passed to the runner: conform --json FILE ARGS...; a list
#               file of -a, -d or -t (-d @DENYLIST, --deny=@FILE) is copied
#               into the VM and the argument rewritten to the copy
#
# The runner's output is streamed to stdout and, as a rule, its exit code
# is ours.  The guest's init runs it with --kmsg-markers: "conform: begin
# CASE" and "conform: end CASE" in the kernel log around each case.
#
# Exit code 1 also means the kernel reported a crash while the suite ran:
# an oops, a panic, a BUG, a WARN ("WARNING:"), a lockdep report, "BUG:
# sleeping function called from invalid context", an RCU stall or a hung
# task, each at the start of a console line.  That is a verdict on the
# kernel: the report (its lines from the console) goes to stderr with the
# case in flight, the one with a begin and no end before it.  A bare "Call
# Trace" without such a header (sysrq 'l' or 't') is not a crash.  A WARN
# while booting, before the suite, is reported but is no verdict.
#
# Exit code 5 means there is no verdict: the VM did not boot, the kernel
# panicked before the suite started, the run timed out, or the runner never
# reported back.  A boot that dies before the suite starts is retried
# once; the first attempt's console is kept as CONSOLE.try1.log beside
# the console log.  2: a list file named in ARGS does not exist.
#
# -h, --help prints this text.
#
# Environment:
#   VMTEST_RUNNER        static runner  (default: build/conform-static on
#                        amd64, build/ARCH/conform, from make cross
#                        ARCH=ARCH, elsewhere)
#   VMTEST_PROGS         BPF objects, *.bpf.o  (default: build/progs, or
#                        build/progs-eb on s390x, which is big-endian)
#   VMTEST_EXPECTED      expectations directory  (default: expected)
#   VMTEST_BUSYBOX       static busybox  (default: /bin/busybox on amd64,
#                        scripts/cross-sysroot.sh ARCH's elsewhere)
#   VMTEST_QEMU          qemu binary  (default: the architecture's, above)
#   VMTEST_ACCEL         tcg (default; on amd64 tcg,thread=single: threaded
#                        TCG trips over x86's live text patching), kvm,
#                        or auto (kvm if a probe boots)
#   VMTEST_MEM           guest memory  (default: 1G, 2G with --exec)
#   VMTEST_SMP           guest CPUs  (default: 2)
#   VMTEST_CPU           qemu -cpu model  (default: qemu's on amd64 and
#                        s390x, the one above elsewhere)
#   VMTEST_APPEND        extra kernel command line
#   VMTEST_JIT           keep: leave the BPF JIT as the kernel booted it (by
#                        default the guest turns it on where it is off, as
#                        Debian's riscv64 kernels boot, and vmtest.sh says so)
#   VMTEST_BOOT_TIMEOUT  seconds from power-on to the suite's start (60,
#                        180 under emulation of another architecture:
#                        ppc64el's firmware alone takes half a minute)
#   VMTEST_FATAL         ERE of a crash report's first line, after the
#                        console timestamp (default: the headers above)
#   VMTEST_SYSRQ_AT      CASE:KEY, for testing: the runner writes KEY to
#                        /proc/sysrq-trigger right after CASE's begin marker
#                        (c: crash during CASE; l: backtraces, no crash)
#   VMTEST_INIT_CRASH    1, for testing: init crashes the kernel before the
#                        suite starts
#   VMTEST_VERDICT_FILE  write what the exit code stands for: "runner RC",
#                        "crash CASE[,CASE]" or "none REASON"
#   VMTEST_VIRTIOFSD     qemu's virtiofsd, for --exec
#                        (default: /usr/lib/qemu/virtiofsd)
#   VMTEST_CONSOLE_LOG   where to keep the kernel console log
#                        (default: $CACHE/vmtest/console-RELEASE.log)
#   CONFORM_CACHE        cache root, as for fetch-kernel.sh

set -euo pipefail
shopt -s inherit_errexit

readonly PROG=${0##*/}
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
readonly SCRIPT_DIR
readonly REPO_ROOT=${SCRIPT_DIR%/*}
readonly CACHE=${CONFORM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/arena-conform}

readonly EXIT_NO_VERDICT=5
readonly DIE_STATUS=$EXIT_NO_VERDICT	# for die() in lib.sh

readonly EXPECTED_DIR=${VMTEST_EXPECTED:-$REPO_ROOT/expected}
# Set by arch_setup(), for the guest's architecture.
ARCH=
RUNNER=
PROGS_DIR=
BUSYBOX=
QEMU=
QEMU_PKG=
CONSOLE=
OUT_VIRTIO=0	# the runner's port: ttyS1 (0) or virtio serial (1)
FOREIGN=0	# 1: the guest's architecture is not the host's
QEMU_ARCH_ARGS=()
MEM=${VMTEST_MEM:-}		# 1G, or 2G with --exec: set in main
EXEC=0		# 1: --exec, the host's userland over virtiofs
VIRTIOFSD=${VMTEST_VIRTIOFSD:-/usr/lib/qemu/virtiofsd}
VIRTIOFSD_PID=
readonly SMP=${VMTEST_SMP:-2}
# The first line of a kernel crash report, after the console timestamp
# ("[    1.234567] ", and a caller id "[T42] " if the kernel adds one).
# Lockdep's reports ("possible circular locking dependency", "inconsistent
# lock state", "possible recursive locking", "suspicious RCU usage") start
# with "WARNING:", "sleeping function called from invalid context" and soft
# lockups with "BUG:".  "Call Trace" alone is not here: sysrq 'l' and 't'
# print backtraces without anything being wrong.
readonly FATAL_RE=${VMTEST_FATAL:-'Kernel panic - not syncing|Oops[: ]|general protection fault|(watchdog: )?BUG:|kernel BUG at|WARNING:|UBSAN:|(rcu: )?INFO: rcu_[a-z_]+ (self-)?detected stalls?|INFO: task .* blocked for more than|Watchdog detected hard LOCKUP'}
readonly CONSOLE_PREFIX_RE='^(\[[^]]*\] *)*'

BOOT_TIMEOUT=${VMTEST_BOOT_TIMEOUT:-}	# set in main, by architecture

# BPF LSM programs need "bpf" in the active LSM list; Debian's kernels
# have it in CONFIG_LSM, but say so explicitly.  A panic (and so an oops)
# reboots at once, and -no-reboot turns that into a qemu exit.  The
# runner's markers go to the console at the default message level (4,
# warning): loglevel=7 lets them (and every WARN) through, "quiet" would
# not (init sets the console level again, in case VMTEST_APPEND has it),
# and printk.devkmsg=on keeps the kernel from rate-limiting them (by
# default 10 lines per 5 s from /dev/kmsg).
readonly BASE_CMDLINE=(loglevel=7 printk.devkmsg=on
		       panic=-1 oops=panic rdinit=/init
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
NONCE=

# The console of the last boot, set by console_crash().
SUITE_SEEN=0	# init's "suite start" marker is on the console
BOOT_SPLAT=	# the first crash header before it (a panic if there is one)
SPLAT=		# the first crash header after it
SPLAT_CASES=	# the cases in flight then, comma-separated
SPLAT_AFTER=	# the last case that had ended before it

# usage [STATUS]: the header comment; on stdout for --help (0), else on
# stderr (exit 5, as before: no verdict).
usage()
{
	local status=${1:-$EXIT_NO_VERDICT}

	if (( status )); then
		exec >&2
	fi
	awk 'NR > 2 && !/^#/ { exit } NR > 2 { sub(/^# ?/, ""); print }' "$0"
	exit "$status"
}

stop_qemu()
{
	if [[ -n $QEMU_PID ]]; then
		kill "$QEMU_PID" 2>/dev/null || true
		wait "$QEMU_PID" 2>/dev/null || true
		QEMU_PID=
	fi
	stop_virtiofsd
}

# --exec: qemu's virtiofsd shares / (sandbox=chroot: pivot_root into /
# itself fails), for one boot.  The guest mounts it read-only.
start_virtiofsd()
{
	local i

	stop_virtiofsd
	rm -f -- "$TMP_DIR/virtiofs.sock"
	"$VIRTIOFSD" --socket-path="$TMP_DIR/virtiofs.sock" -o source=/ \
		-o sandbox=chroot -o cache=auto -o log_level=err -f \
		</dev/null >>"$TMP_DIR/virtiofsd.log" 2>&1 &
	VIRTIOFSD_PID=$!
	for (( i = 0; i < 100; i++ )); do
		[[ -S $TMP_DIR/virtiofs.sock ]] && return 0
		kill -0 "$VIRTIOFSD_PID" 2>/dev/null || break
		sleep 0.05
	done
	log "error: $VIRTIOFSD did not start:"
	sed 's/^/    /' "$TMP_DIR/virtiofsd.log" >&2
	exit "$EXIT_NO_VERDICT"
}

stop_virtiofsd()
{
	if [[ -n $VIRTIOFSD_PID ]]; then
		kill "$VIRTIOFSD_PID" 2>/dev/null || true
		wait "$VIRTIOFSD_PID" 2>/dev/null || true
		VIRTIOFSD_PID=
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

	off=$(od -An -tu2 -j 526 -N 2 -- "$file" | tr -d ' ') || return 1
	[[ $off =~ ^[0-9]+$ ]] || return 1
	dd if="$file" bs=1 skip=$((off + 512)) count=256 status=none |
		tr '\0' '\n' | sed -n '1s/ .*//p' 
}

# hex_at FILE OFFSET COUNT: COUNT bytes of FILE at OFFSET, in hex.
hex_at()
{
	od -An -tx1 -v -j "$2" -N "$3" -- "$1" 2>/dev/null | tr -d ' \n'
}

# The architecture of a kernel image, from its magic, or fail.
image_arch()
{
	local file=$1

	if [[ $(hex_at "$file" 514 4) == 48647253 ]]; then	# "HdrS"
		echo amd64
	elif [[ $(hex_at "$file" 56 4) == 41524d64 ]]; then	# "ARMd"
		echo arm64
	elif [[ $(hex_at "$file" 56 4) == 52534305 ]]; then	# "RSC\x05"
		echo riscv64
	elif [[ $(hex_at "$file" 8 24) == 020000186000005002000068600000504040404040404040 ]]; then
		echo s390x	# the IPL PSWs, then EBCDIC blanks
	elif [[ $(hex_at "$file" 0 6) == 7f454c460201 &&	# ELF64 LSB
		$(hex_at "$file" 18 2) == 1500 ]]; then		# EM_PPC64
		echo ppc64el
	else
		return 1
	fi
}

# The kernel release of an image that is not a bzImage: fetch-kernel.sh's
# note beside it, or the "Linux version" string in an uncompressed image.
image_release()
{
	local file=$1 dir release=''

	dir=$(dirname -- "$file")
	if [[ -f $dir/source ]]; then
		release=$(sed -n 's/^release: *//p' "$dir/source")
	fi
	if [[ -z $release ]]; then
		release=$(grep -a -o -m 1 'Linux version [^ ]*' -- "$file" 2>/dev/null |
			head -n 1 | cut -d' ' -f3 || true)
	fi
	echo "${release:-$ARCH-${file##*/}}"
}

# IMAGE may be a file, a kernel build tree or a version to fetch.
resolve_image()
{
	local spec=$1 arch=$2 f

	if [[ -d $spec ]]; then
		case $arch in
		''|amd64) f=arch/x86/boot/bzImage ;;
		arm64)	f=arch/arm64/boot/Image ;;
		s390x)	f=arch/s390/boot/bzImage ;;
		riscv64) f=arch/riscv/boot/Image ;;
		ppc64el) f=vmlinux ;;
		esac
		echo "$spec/$f"
	elif [[ -e $spec ]]; then
		echo "$spec"
	elif [[ $spec =~ ^([a-z0-9-]+:)?[0-9]+\.[0-9]+ ]]; then
		"$SCRIPT_DIR/fetch-kernel.sh" ${arch:+--arch "$arch"} "$spec" ||
			die "cannot fetch kernel '$spec'"
	else
		die "no such kernel image: $spec"
	fi
}

# arch_setup ARCH: qemu, console, runner, busybox and objects for ARCH.
arch_setup()
{
	local arch=$1 host sysroot

	ARCH=$arch
	host=$(uname -m)
	case $arch in
	amd64)
		QEMU=qemu-system-x86_64 QEMU_PKG=qemu-system-x86
		CONSOLE=ttyS0 OUT_VIRTIO=0
		QEMU_ARCH_ARGS=()
		[[ $host == x86_64 ]] || FOREIGN=1
		;;
	arm64)
		# pauth-impdef: QARMA pointer authentication is most of
		# -cpu max's cost under TCG; the implementation-defined
		# algorithm is as good for the guest.
		QEMU=qemu-system-aarch64 QEMU_PKG=qemu-system-arm
		CONSOLE=ttyAMA0 OUT_VIRTIO=1
		QEMU_ARCH_ARGS=(-M virt -cpu "${VMTEST_CPU:-max,pauth-impdef=on}")
		[[ $host == aarch64 ]] || FOREIGN=1
		;;
	s390x)
		QEMU=qemu-system-s390x QEMU_PKG=qemu-system-misc
		CONSOLE=ttysclp0 OUT_VIRTIO=1
		QEMU_ARCH_ARGS=(-M s390-ccw-virtio)
		[[ $host == s390x ]] || FOREIGN=1
		;;
	riscv64)
		QEMU=qemu-system-riscv64 QEMU_PKG=qemu-system-misc
		CONSOLE=ttyS0 OUT_VIRTIO=1
		QEMU_ARCH_ARGS=(-M virt -cpu "${VMTEST_CPU:-rv64}")
		[[ $host == riscv64 ]] || FOREIGN=1
		;;
	ppc64el)
		QEMU=qemu-system-ppc64 QEMU_PKG=qemu-system-ppc
		CONSOLE=hvc0 OUT_VIRTIO=1
		QEMU_ARCH_ARGS=(-M pseries -cpu "${VMTEST_CPU:-power9}")
		[[ $host == ppc64le ]] || FOREIGN=1
		;;
	*)
		die "unknown architecture '$arch' (amd64, arm64, s390x, riscv64, ppc64el)"
		;;
	esac
	if [[ -n ${VMTEST_CPU:-} && ( $arch == amd64 || $arch == s390x ) ]]; then
		QEMU_ARCH_ARGS+=(-cpu "$VMTEST_CPU")
	fi
	QEMU=${VMTEST_QEMU:-$QEMU}

	if [[ $arch == amd64 ]]; then
		RUNNER=${VMTEST_RUNNER:-$REPO_ROOT/build/conform-static}
		BUSYBOX=${VMTEST_BUSYBOX:-/bin/busybox}
	else
		RUNNER=${VMTEST_RUNNER:-$REPO_ROOT/build/$arch/conform}
		BUSYBOX=${VMTEST_BUSYBOX:-}
		if [[ -z $BUSYBOX ]]; then
			sysroot=$("$SCRIPT_DIR/cross-sysroot.sh" "$arch") ||
				die "no busybox for $arch (scripts/cross-sysroot.sh $arch failed)"
			BUSYBOX=$sysroot/bin/busybox
		fi
	fi
	if [[ $arch == s390x ]]; then
		PROGS_DIR=${VMTEST_PROGS:-$REPO_ROOT/build/progs-eb}
	else
		PROGS_DIR=${VMTEST_PROGS:-$REPO_ROOT/build/progs}
	fi
}

# elf_machine FILE: readelf's "Machine:" of an ELF file.
elf_machine()
{
	{ readelf -h -- "$1" 2>/dev/null || true; } | sed -n 's/^ *Machine: *//p'
}

check_inputs()
{
	local bare=$1

	local want machine

	[[ -x $BUSYBOX ]] ||
		die "$BUSYBOX missing (apt-get install busybox-static)"
	command -v "$QEMU" >/dev/null ||
		die "$QEMU missing (apt-get install $QEMU_PKG)"
	command -v cpio >/dev/null || die "cpio missing (apt-get install cpio)"

	[[ $bare == 1 ]] && return
	if (( EXEC )); then
		(( ! FOREIGN )) ||
			die "--exec runs this machine's programs: the guest must be $(uname -m), not $ARCH"
		[[ -x $VIRTIOFSD ]] ||
			die "$VIRTIOFSD missing (apt-get install qemu-system-common, or set VMTEST_VIRTIOFSD)"
		return
	fi
	if [[ ! -f $RUNNER || ! -x $RUNNER ]]; then
		if [[ $ARCH != amd64 && -z ${VMTEST_RUNNER:-} ]]; then
			die "runner $RUNNER missing (make cross ARCH=$ARCH, or set VMTEST_RUNNER)"
		fi
		die "runner $RUNNER missing or not executable (set VMTEST_RUNNER)"
	fi
	if command -v readelf >/dev/null &&
	   readelf -l "$RUNNER" 2>/dev/null | grep -q 'INTERP'; then
		die "runner $RUNNER is dynamically linked; it must be static"
	fi
	# A runner of another architecture would only die as the guest's init.
	case $ARCH in
	amd64)	 want='Advanced Micro Devices X86-64' ;;
	arm64)	 want=AArch64 ;;
	s390x)	 want='IBM S/390' ;;
	riscv64) want=RISC-V ;;
	ppc64el) want='PowerPC64' ;;
	esac
	if command -v readelf >/dev/null; then
		machine=$(elf_machine "$RUNNER")
		[[ -z $machine || $machine == "$want"* ]] ||
			die "runner $RUNNER is built for $machine, the kernel is $ARCH (make cross ARCH=$ARCH)"
	fi
	[[ -d $PROGS_DIR ]] || log "warning: no BPF objects dir $PROGS_DIR"
	[[ -d $EXPECTED_DIR ]] || log "warning: no expectations dir $EXPECTED_DIR"
}

# The guest's /init.  Kernel command line: vmtest.nonce= makes the markers
# unforgeable by the runner's output, vmtest.mode= is run, bare or crash.
# /conform/args holds the runner's arguments, one a line, /conform/sysrq_at
# VMTEST_SYSRQ_AT.
write_init()
{
	cat <<'EOF'
#!/bin/sh
# Generated by vmtest.sh: mount the usual file systems, run the suite with
# its output on ttyS1 (or the virtio port vmtest.out), report the JSON
# result and exit code, power off.

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root

# A busybox of another architecture than the host's could not list its
# applets there: it links them itself.
if [ ! -e /bin/mount ]; then
	/bin/busybox mount -t proc proc /proc
	/bin/busybox --install -s
	/bin/busybox umount /proc
fi

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
# Debian's riscv64 kernels boot with the BPF JIT off (riscv has no
# BPF_JIT_DEFAULT_ON), and a kfunc call needs it: turn it on, as a system
# that runs BPF programs does (VMTEST_JIT=keep leaves it; the runner then
# says every test is a skip, and why).
if [ "$(cat /proc/sys/net/core/bpf_jit_enable 2>/dev/null)" = 0 ] &&
   ! grep -q vmtest.jit=keep /proc/cmdline; then
	echo 1 >/proc/sys/net/core/bpf_jit_enable &&
		echo "vmtest: the BPF JIT was off, turned on (net.core.bpf_jit_enable=1)" >/dev/kmsg
fi
# The runner's markers and every WARN on the console, even with "quiet".
echo 7 >/proc/sys/kernel/printk

nonce=
mode=run
port=
read -r cmdline </proc/cmdline
set -f
for arg in $cmdline; do
	case $arg in
	vmtest.nonce=*)	nonce=${arg#*=} ;;
	vmtest.mode=*)	mode=${arg#*=} ;;
	vmtest.out=*)	port=${arg#*=} ;;
	esac
done
set +f
mark="@@vmtest-$nonce@@"
out=/dev/ttyS1
# A virtio serial port, by its name; it may take a moment to show up.
if [ -n "$port" ]; then
	out=
	i=0
	while [ -z "$out" ] && [ $i -lt 100 ]; do
		for p in /sys/class/virtio-ports/*; do
			[ -r "$p/name" ] && [ "$(cat "$p/name")" = "$port" ] &&
				[ -e "/dev/${p##*/}" ] && out=/dev/${p##*/}
		done
		[ -n "$out" ] || sleep 0.1
		i=$((i + 1))
	done
	if [ -z "$out" ]; then
		echo "vmtest: no virtio port $port" >/dev/kmsg
		poweroff -f
	fi
fi
stty -F "$out" raw -echo 2>/dev/null

if [ "$mode" = bare ]; then
	echo "$mark BARE" >"$out"
	poweroff -f
fi

set --
while IFS= read -r arg; do
	set -- "$@" "$arg"
done </conform/args

# --exec: the host's root file system, read-only, with the guest's own
# kernel file systems and a tmpfs on /tmp and /run; COMMAND runs in it.
if [ -f /conform/exec.sh ]; then
	mkdir -p /host
	if ! mount -t virtiofs hostroot /host -o ro; then
		echo "vmtest: cannot mount the host's root file system (virtiofs)" >/dev/kmsg
		poweroff -f
	fi
	mount -t proc proc /host/proc
	mount -t sysfs sysfs /host/sys
	mount -t devtmpfs devtmpfs /host/dev
	mkdir -p /host/dev/pts /host/dev/shm
	# What udev would make: bash's <(...) needs /dev/fd.
	ln -s /proc/self/fd /host/dev/fd
	ln -s /proc/self/fd/0 /host/dev/stdin
	ln -s /proc/self/fd/1 /host/dev/stdout
	ln -s /proc/self/fd/2 /host/dev/stderr
	mount -t devpts devpts /host/dev/pts
	mount -t tmpfs tmpfs /host/dev/shm
	mount -t tmpfs tmpfs /host/tmp
	mount -t tmpfs tmpfs /host/run
	mount -t tmpfs tmpfs /host/var/tmp
	mount -t bpf bpf /host/sys/fs/bpf
	mount -t tracefs tracefs /host/sys/kernel/tracing
	mount -t debugfs debugfs /host/sys/kernel/debug
	mount -t securityfs securityfs /host/sys/kernel/security
	mount -t cgroup2 cgroup2 /host/sys/fs/cgroup
	read -r path </conform/path
	cp /conform/exec.sh /host/run/vmtest-exec.sh
	{
		echo "$mark START"
		echo "vmtest: suite start $nonce" >/dev/kmsg
		chroot /host /usr/bin/env -i PATH="$path" HOME=/root TMPDIR=/tmp \
			TERM=dumb VMTEST_GUEST=1 \
			/bin/bash /run/vmtest-exec.sh </dev/null
		rc=$?
		echo "vmtest: suite end $nonce, exit $rc" >/dev/kmsg
		echo "$mark EXIT $rc"
	} >"$out" 2>&1
	poweroff -f
fi

# The runner's test hook: write KEY to /proc/sysrq-trigger at CASE's begin.
if [ -s /conform/sysrq_at ]; then
	read -r CONFORM_SYSRQ_AT </conform/sysrq_at
	export CONFORM_SYSRQ_AT
fi

# A kernel that dies before the suite starts (for testing).
if [ "$mode" = crash ]; then
	echo c >/proc/sysrq-trigger
fi

# Closing ttyS1 at the end of the group waits for its output to drain.
# "suite start" on the console: from here a crash is the kernel's verdict.
{
	echo "$mark START"
	echo "vmtest: suite start $nonce" >/dev/kmsg
	cd /conform && ./conform --json /tmp/result.json "$@" </dev/null
	rc=$?
	echo "vmtest: suite end $nonce, exit $rc" >/dev/kmsg
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

# Does the runner know --kmsg-markers?  (The bench runner does not.)
runner_has_markers()
{
	local help

	if (( FOREIGN )); then
		# It cannot run here: its usage text is in the binary.
		grep -aq -- '--kmsg-markers' "$RUNNER"
		return
	fi
	help=$("$RUNNER" --help 2>&1 || true)
	[[ $help == *--kmsg-markers* ]]
}

# guest_lists DIR ARGS...: print ARGS one a line, with every list file of
# -a, -d and -t ("-d @FILE", "-d@FILE", "--deny @FILE", "--deny=@FILE")
# copied into DIR/lists/ and the argument naming the copy, as the guest
# sees it (/conform/lists/N-NAME).
guest_lists()
{
	local dir=$1 arg prev='' opt file label n=0

	shift
	for arg in "$@"; do
		opt=
		file=
		case $prev in
		-a|-d|-t|--allow|--deny|--test)
			if [[ $arg == @* ]]; then
				file=${arg#@}
			fi
			label="$prev "
			prev=
			;;
		*)
			case $arg in
			-[adt]@*)
				opt=${arg:0:2}
				file=${arg:3}
				;;
			--allow=@*|--deny=@*|--test=@*)
				opt=${arg%%=*}=
				file=${arg#*=@}
				;;
			esac
			label=$opt
			prev=$arg
			;;
		esac
		if [[ -z $file ]]; then
			printf '%s\n' "$arg"
			continue
		fi
		if [[ ! -f $file || ! -r $file ]]; then
			log "error: runner argument $label@$file: no such file"
			exit 2
		fi
		n=$((n + 1))
		mkdir -p "$dir/lists"
		cp -- "$file" "$dir/lists/$n-${file##*/}"
		printf '%s@/conform/lists/%s\n' "$opt" "$n-${file##*/}"
	done
}

# build_initramfs OUT RUNNER_ARGS...
build_initramfs()
{
	local out=$1
	local root=$TMP_DIR/root
	local applet arg

	shift
	for arg in "$@"; do
		(( EXEC )) || [[ $arg != *$'\n'* ]] || die "runner arguments cannot contain newlines"
	done

	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,root}
	mkdir -p "$root"/conform/{progs,expected}

	cp -- "$BUSYBOX" "$root/bin/busybox"
	if (( FOREIGN )); then
		ln -s busybox "$root/bin/sh"	# init links the rest
	else
		for applet in $("$BUSYBOX" --list-full); do
			[[ -e $root/$applet ]] || ln -s /bin/busybox "$root/$applet"
		done
	fi

	if (( EXEC )); then
		# The command as a script for this machine's bash (quoted by
		# it: any argument survives), and the PATH it runs with.
		{
			printf 'cd -- %q || exit 2\n' "$PWD"
			printf 'exec'
			printf ' %q' "$@"
			printf '\n'
		} >"$root/conform/exec.sh"
		printf '%s\n' "$PATH" >"$root/conform/path"
		: >"$root/conform/args"
	else
		runner_files "$root" "$@"
	fi
	write_init >"$root/init"
	chmod 755 "$root/init"

	(cd "$root" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 >"$out"
}

# runner_files ROOT RUNNER_ARGS...: the runner, its objects, rules and
# arguments, and the sysrq test hook, in the initramfs at ROOT.
runner_files()
{
	local root=$1
	local -a args=()

	shift
	if [[ -f $RUNNER ]]; then
		cp -- "$RUNNER" "$root/conform/conform"
		if runner_has_markers; then
			args=(--kmsg-markers)
			# Not --reproduce-splats: after the warning of a sleepable
			# tcp_congestion_ops member (zz-run.rules) Debian's 7.2 and
			# 7.3 hang at the next case. Pass it after -- to see it.
		else
			log "warning: $RUNNER has no --kmsg-markers: a crash cannot be pinned on a case"
		fi
	fi
	if [[ -d $PROGS_DIR ]]; then
		find "$PROGS_DIR" -maxdepth 1 -name '*.bpf.o' \
			-exec cp -t "$root/conform/progs" -- {} +
	fi
	if [[ -d $EXPECTED_DIR ]]; then
		cp -R -- "$EXPECTED_DIR/." "$root/conform/expected/"
	fi
	{
		if (( ${#args[@]} )); then
			printf '%s\n' "${args[@]}"
		fi
		guest_lists "$root/conform" "$@"
	} >"$root/conform/args"
	if [[ -n ${VMTEST_SYSRQ_AT:-} ]]; then
		[[ $VMTEST_SYSRQ_AT =~ ^[A-Za-z0-9_]+:[[:alnum:]]$ ]] ||
			die "VMTEST_SYSRQ_AT must be CASE:KEY (a case name, one sysrq key), not '$VMTEST_SYSRQ_AT'"
		printf '%s\n' "$VMTEST_SYSRQ_AT" >"$root/conform/sysrq_at"
	fi
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
	local nonce cmdline bus
	local -a qemu

	QEMU_RC=0 BOOT_TIMED_OUT=0 STARTED=0 FINISHED=0 GOT_JSON=0
	RUNNER_RC='' T_START='' T_END=''
	nonce=$(od -An -tx1 -N 8 /dev/urandom | tr -d ' \n')
	NONCE=$nonce
	cmdline="console=$CONSOLE ${BASE_CMDLINE[*]} vmtest.nonce=$nonce vmtest.mode=$mode"
	if (( OUT_VIRTIO )); then
		cmdline+=" vmtest.out=vmtest.out"
	fi
	if [[ ${VMTEST_JIT:-} == keep ]]; then
		cmdline+=" vmtest.jit=keep"
	fi
	if [[ -n ${VMTEST_APPEND:-} ]]; then
		cmdline+=" $VMTEST_APPEND"
	fi

	qemu=("$QEMU" ${QEMU_ARCH_ARGS[@]+"${QEMU_ARCH_ARGS[@]}"}
	      -accel "$accel" -m "$MEM" -smp "$SMP"
	      -nodefaults -no-reboot -display none -no-user-config
	      -kernel "$image" -initrd "$initrd" -append "$cmdline"
	      -serial "file:$TMP_DIR/console.log")
	if (( OUT_VIRTIO )); then
		# s390x has no PCI by default: virtio on the channel subsystem.
		# A stdio chardev would hang up with stdin at EOF (/dev/null),
		# and the guest's writes to the port block: the FIFO instead.
		bus=pci
		if [[ $ARCH == s390x ]]; then
			bus=ccw
		fi
		# shellcheck disable=SC2054 # qemu options, commas and all
		qemu+=(-device "virtio-serial-$bus,id=vs"
		       -chardev "file,id=out,path=$TMP_DIR/ttyS1"
		       -device virtserialport,bus=vs.0,chardev=out,name=vmtest.out)
	else
		qemu+=(-serial stdio)
	fi

	if (( EXEC )); then
		# The host's root for --exec: virtiofsd serves it on a socket,
		# the guest's memory must be shared with it.
		start_virtiofsd
		# shellcheck disable=SC2054 # qemu options, commas and all
		qemu+=(-object "memory-backend-memfd,id=mem,size=$MEM,share=on"
		       -numa node,memdev=mem
		       -chardev "socket,id=hostroot,path=$TMP_DIR/virtiofs.sock"
		       -device vhost-user-fs-pci,chardev=hostroot,tag=hostroot)
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

# Read the console of the last boot: was the suite started (init's marker
# with this boot's nonce), which crash report came first before and after
# that, which cases were in flight then.  The report's lines go to
# $TMP_DIR/splat.txt.  Sets SUITE_SEEN, BOOT_SPLAT, SPLAT, SPLAT_CASES and
# SPLAT_AFTER.
console_crash()
{
	local summary

	SUITE_SEEN=0 BOOT_SPLAT='' SPLAT='' SPLAT_CASES='' SPLAT_AFTER=''
	: >"$TMP_DIR/splat.txt"
	[[ -s $TMP_DIR/console.log ]] || return 0

	# The regexes through the environment: awk -v would eat backslashes.
	summary=$(tr -d '\r' <"$TMP_DIR/console.log" |
		START="vmtest: suite start $NONCE" HDR="$FATAL_RE" \
		PREFIX="$CONSOLE_PREFIX_RE" REPORT="$TMP_DIR/splat.txt" awk '
		BEGIN {
			start = ENVIRON["START"]; prefix = ENVIRON["PREFIX"]
			hdr = "^(" ENVIRON["HDR"] ")"; report = ENVIRON["REPORT"]
			seen = 0; seq = 0; taking = 0
		}
		{
			line = $0
			msg = $0
			sub(prefix, "", msg)
			gsub(/\037/, " ", msg)
		}
		taking {
			if (msg ~ /^(conform: (begin|end) |vmtest: suite end )/ || ++taken > 100) {
				taking = 0
			} else {
				print line > report
				if (msg ~ /^---\[ end (trace|Kernel panic)/)
					taking = 0
			}
		}
		!seen {
			if (index(msg, start) == 1)
				seen = 1
			else if (boot == "" && msg ~ hdr)
				boot = msg
			else if (bootpanic == "" && msg ~ /^Kernel panic - not syncing/)
				bootpanic = msg
			prev = line
			prevmsg = msg
			next
		}
		msg ~ /^conform: begin / {
			name = substr(msg, 16)
			open[name] = ++seq
			byseq[seq] = name
		}
		msg ~ /^conform: end / {
			name = substr(msg, 14)
			delete open[name]
			after = name
		}
		splat == "" && msg ~ hdr {
			splat = msg
			for (i = 1; i <= seq; i++)
				if ((byseq[i] in open) && open[byseq[i]] == i)
					cases = cases (cases == "" ? "" : ",") byseq[i]
			if (prevmsg ~ /cut here|^=+$/)
				print prev > report
			print line > report
			taking = 1
			taken = 0
		}
		{ prev = line; prevmsg = msg }
		END {
			# Before the suite, a panic says most (an RCU stall or
			# a WARN under load may come first).
			if (bootpanic != "" && boot !~ /^Kernel panic/)
				boot = bootpanic
			printf "%d\037%s\037%s\037%s\037%s\n", seen, boot, splat, cases, after
		}')
	IFS=$'\037' read -r SUITE_SEEN BOOT_SPLAT SPLAT SPLAT_CASES SPLAT_AFTER <<<"$summary"
}

# Is the last boot's crash report a verdict on the kernel?  One while the
# suite ran, unless it is init (that is, this script's guest) dying.
crash_verdict()
{
	(( SUITE_SEEN )) && [[ -n $SPLAT && $SPLAT != *"Attempted to kill init"* ]]
}

# What went wrong with the last boot, or nothing if all went well or a
# crash report is the verdict (crash_verdict).
diagnose()
{
	local timeout=${1:-?}

	if (( SUITE_SEEN )) && [[ -n $SPLAT ]]; then
		if [[ $SPLAT == *"Attempted to kill init"* ]]; then
			echo "the guest's init died while the suite ran: $SPLAT"
		fi
	elif [[ -n $BOOT_SPLAT ]] && (( ! FINISHED )); then
		echo "kernel crashed before the suite started: $BOOT_SPLAT"
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

# The crash verdict: the report, the case in flight.
report_crash()
{
	local release=$1 during

	if (( EXEC )); then
		during="while the command ran"
	elif [[ -n $SPLAT_CASES ]]; then
		during="during case ${SPLAT_CASES//,/, }"
	elif [[ -n $SPLAT_AFTER ]]; then
		during="while no case was running (after case $SPLAT_AFTER)"
	else
		during="before the first case"
	fi
	log "error: $release: the kernel crashed $during: $SPLAT"
	log "the report, from the kernel console (full log: $CONSOLE_LOG):"
	sed 's/^/    /' "$TMP_DIR/splat.txt" >&2
	# Once more at the end, where a log cut to its last lines still has it.
	if (( FINISHED )); then
		log "(the runner itself exited $RUNNER_RC; the crash is the verdict: $SPLAT)"
	else
		log "(the crash: $SPLAT)"
	fi
}

# verdict WHAT...: for VMTEST_VERDICT_FILE.
verdict()
{
	if [[ -n ${VMTEST_VERDICT_FILE:-} ]]; then
		printf '%s\n' "$*" >"$VMTEST_VERDICT_FILE"
	fi
}

# Boot with kvm in bare mode; KVM_WORKS=1 if that works here.
KVM_WORKS=0
kvm_probe()
{
	local image=$1 initrd=$2 problem

	KVM_WORKS=0
	[[ -r /dev/kvm && -w /dev/kvm ]] || return 0
	run_vm "$image" "$initrd" bare kvm 10 >/dev/null
	console_crash
	problem=$(diagnose)
	if (( FINISHED )) && [[ -z $problem ]]; then
		KVM_WORKS=1
	fi
}

# write_json FILE: the runner's JSON result, if there is one and FILE.
write_json()
{
	local json_out=$1 rc=0

	[[ -n $json_out ]] || return 0
	if (( ! GOT_JSON )); then
		log "warning: the runner wrote no JSON result; $json_out not written"
		return 0
	fi
	JSON_TMP=$(mktemp "$(dirname -- "$json_out")/.${json_out##*/}.XXXXXX")
	base64 -d "$TMP_DIR/result.b64" | gzip -dc >"$JSON_TMP" || rc=$?
	(( rc == 0 )) || die "corrupt JSON result from the VM"
	chmod 644 "$JSON_TMP"
	mv -f -- "$JSON_TMP" "$json_out"
	JSON_TMP=
}

elapsed()
{
	local from=$1 to=$2

	awk -v a="$from" -v b="$to" 'BEGIN { printf "%.1f", b - a }'
}

main()
{
	local spec='' json_out='' timeout='' bare=0 want_arch='' arch
	local image release initrd accel tcg problem attempt mode try1_log

	while (( $# )); do
		case $1 in
		-k)	[[ $# -ge 2 ]] || usage; spec=$2; shift ;;
		-o)	[[ $# -ge 2 ]] || usage; json_out=$2; shift ;;
		-t)	[[ $# -ge 2 ]] || usage; timeout=$2; shift ;;
		--arch)	[[ $# -ge 2 ]] || usage; want_arch=$2; shift ;;
		--arch=*) want_arch=${1#*=} ;;
		--bare)	bare=1 ;;
		--exec)	EXEC=1 ;;
		-h|--help) usage 0 ;;
		--)	shift; break ;;
		*)	log "unknown argument: $1"; usage ;;
		esac
		shift
	done
	[[ -n $spec ]] || usage
	if (( EXEC )); then
		(( $# )) || die "--exec needs a command after --"
		[[ -z $json_out ]] || die "--exec writes no JSON (-o)"
		(( ! bare )) || die "--exec and --bare exclude each other"
	fi
	MEM=${MEM:-$( (( EXEC )) && echo 2G || echo 1G)}
	readonly MEM
	[[ -z $timeout || $timeout =~ ^[1-9][0-9]*$ ]] || die "bad timeout: $timeout"
	case $want_arch in
	''|amd64|arm64|s390x|riscv64|ppc64el) ;;
	*) die "unknown architecture '$want_arch' (amd64, arm64, s390x, riscv64, ppc64el)" ;;
	esac
	[[ -z $BOOT_TIMEOUT || $BOOT_TIMEOUT =~ ^[1-9][0-9]*$ ]] ||
		die "bad VMTEST_BOOT_TIMEOUT: $BOOT_TIMEOUT"

	trap cleanup EXIT
	trap on_signal INT TERM HUP

	# A stale result must not pass for this run's.
	if [[ -n $json_out ]]; then
		[[ -d $(dirname -- "$json_out") ]] ||
			die "no directory for $json_out"
		rm -f -- "$json_out"
	fi

	image=$(resolve_image "$spec" "$want_arch")
	[[ -f $image ]] || die "no such kernel image: $image"
	arch=$(image_arch "$image") ||
		die "$image is not a bootable x86 kernel image (bzImage), nor an arm64, riscv64 or s390x image or a ppc64el vmlinux"
	[[ -z $want_arch || $want_arch == "$arch" ]] ||
		die "$image is a kernel for $arch, not $want_arch"
	arch_setup "$arch"
	if [[ $arch == amd64 ]]; then
		release=$(bzimage_release "$image") ||
			die "$image is not a bootable x86 kernel image (bzImage)"
	else
		release=$(image_release "$image")
	fi
	# Emulating another architecture is several times slower.
	timeout=${timeout:-$( (( FOREIGN )) && echo 900 || echo 300)}
	BOOT_TIMEOUT=${BOOT_TIMEOUT:-$( (( FOREIGN )) && echo 180 || echo 60)}
	readonly BOOT_TIMEOUT
	check_inputs "$bare"

	CONSOLE_LOG=${VMTEST_CONSOLE_LOG:-$CACHE/vmtest/console-${release//\//_}.log}
	mkdir -p "$(dirname -- "$CONSOLE_LOG")"
	try1_log=${CONSOLE_LOG%.log}.try1.log
	rm -f -- "$try1_log"

	TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vmtest.XXXXXX")
	initrd=$TMP_DIR/initramfs.cpio.gz
	build_initramfs "$initrd" "$@"

	# x86 patches kernel text live (static keys, tracepoints, ftrace)
	# with an int3 first and then syncs the other CPUs. Multi-threaded TCG
	# does not always retire another vCPU's translation of the old bytes
	# in time, and that vCPU then traps on an int3 the kernel has already
	# removed: "Oops: int3" in __schedule() or update_rq_clock(), seen
	# under TCG on Debian's 7.0.13 and 7.3.4 (once in 25 suite runs on
	# 7.3.4). One TCG thread for all vCPUs has no such window; it costs
	# about a fifth of the run time. VMTEST_ACCEL=tcg gives the threaded one.
	tcg=tcg
	[[ $ARCH != amd64 ]] || tcg=tcg,thread=single
	accel=${VMTEST_ACCEL:-$tcg}
	if [[ $accel == auto ]] && (( FOREIGN )); then
		accel=$tcg
	elif [[ $accel == auto ]]; then
		kvm_probe "$image" "$initrd"
		if (( KVM_WORKS )); then
			accel=kvm
		else
			log "kvm does not work here, using tcg"
			accel=$tcg
		fi
	fi

	mode=run
	if (( bare )); then
		mode=bare
	elif [[ ${VMTEST_INIT_CRASH:-0} == 1 ]]; then
		mode=crash
	fi

	log "booting $release ($ARCH, $accel, $SMP cpus, $MEM)"
	for attempt in 1 2; do
		run_vm "$image" "$initrd" "$mode" "$accel" "$timeout"
		cp -f "$TMP_DIR/console.log" "$CONSOLE_LOG" 2>/dev/null || true
		console_crash
		problem=$(diagnose "$timeout")

		[[ -n $problem ]] || break
		if (( STARTED || attempt == 2 )); then
			break
		fi
		# qemu itself refused to run: retrying will not help.
		if (( QEMU_RC == 1 )) && [[ ! -s $TMP_DIR/console.log ]]; then
			break
		fi
		cp -f "$TMP_DIR/console.log" "$try1_log" 2>/dev/null || : >"$try1_log"
		log "boot failed ($problem), retrying once;" \
		    "the first attempt's console is in $try1_log"
	done

	if crash_verdict; then
		report_crash "$release"
		write_json "$json_out"
		verdict "crash ${SPLAT_CASES:--}"
		exit 1
	fi
	if [[ -n $problem ]]; then
		log "error: $release: $problem"
		console_tail
		if [[ -s $try1_log ]]; then
			log "the first attempt's console: $try1_log"
		fi
		verdict "none $problem"
		exit "$EXIT_NO_VERDICT"
	fi
	if grep -aq 'vmtest: the BPF JIT was off, turned on' "$TMP_DIR/console.log" 2>/dev/null; then
		log "note: $release booted with the BPF JIT off (net.core.bpf_jit_enable=0);" \
		    "the guest turned it on (VMTEST_JIT=keep leaves it off)"
	fi
	if [[ -n $BOOT_SPLAT ]]; then
		log "warning: $release reported while booting, before the suite" \
		    "(no verdict on it; see $CONSOLE_LOG): $BOOT_SPLAT"
	fi

	if (( bare )); then
		log "bare boot of $release ($accel): $(elapsed "$T_BOOT" "$T_END")s"
		exit 0
	fi

	write_json "$json_out"
	verdict "runner $RUNNER_RC"
	log "$release ($accel): boot $(elapsed "$T_BOOT" "$T_START")s," \
	    "$( (( EXEC )) && echo command || echo suite) $(elapsed "$T_START" "$T_END")s," \
	    "boot-to-verdict $(elapsed "$T_BOOT" "$T_END")s, exit $RUNNER_RC"
	exit "$RUNNER_RC"
}

main "$@"
