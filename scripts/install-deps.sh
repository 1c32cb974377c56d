#!/usr/bin/env bash
#
# install-deps.sh - install the Debian packages the suite needs, if missing
#
# Usage: install-deps.sh [--vm] [--arch ARCH]...
#
#   (none)     what building and running the suite needs (make, make check)
#   --vm       also what running it in VMs needs (make test, make vmtest)
#   --arch A   also the cross compiler and C library for architecture A
#              (arm64, s390x, riscv64, ppc64el; amd64 adds nothing), and
#              with --vm its qemu (make cross ARCH=A, vmtest.sh on A)
#
# Packages already installed are left alone.  As root, the missing ones are
# installed with apt-get; otherwise nothing is installed and the apt-get
# command to run as root is printed on stderr.
#
# -h, --help prints this text (and installs nothing).
#
# Environment: none of its own.
#
# Exit status: 0 everything is there (or now installed), 4 something is
# missing and we are not root, 2 bad usage; apt-get's status when
# installing fails.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

vm=0
arches=()
while (($#)); do
	case $1 in
	--vm) vm=1 ;;
	--arch)
		(($# >= 2)) || usage
		arches+=("$2")
		shift
		;;
	--arch=*) arches+=("${1#*=}") ;;
	-h|--help) usage 0 ;;
	*) echo "install-deps: unknown argument: $1" >&2; usage ;;
	esac
	shift
done

# libbpf >= 1.6 is built from Debian's source package (scripts/
# build-libbpf.sh, run by make): it needs patch, and its Sources index.
packages=(make gcc clang-19 libelf-dev zlib1g-dev libjansson-dev patch xz-utils)
if ((vm)); then
	# llvm-19: llvm-objcopy, for the test that strips CO-RE relocations
	# rsync: lib.mk's install (the kselftest test); qemu-system-common:
	# virtiofsd, for vmtest.sh --exec
	packages+=(qemu-system-x86 qemu-system-common busybox-static cpio gzip jq
		shellcheck bpftool valgrind libclang-rt-19-dev llvm-19 rsync
		chromium) # chromium: the test of matrix.html
fi
# Debian 12's cross compilers; libc6-dev-*-cross is only a recommendation
# of theirs, and the static runner needs its libc.a.
for arch in ${arches[@]+"${arches[@]}"}; do
	case $arch in
	amd64) continue ;;
	arm64) triplet=aarch64-linux-gnu qemu=qemu-system-arm ;;
	s390x) triplet=s390x-linux-gnu qemu=qemu-system-misc ;;
	riscv64) triplet=riscv64-linux-gnu qemu=qemu-system-misc
		# libelf and jansson are built for it (scripts/cross-sysroot.sh)
		packages+=(cmake) ;;
	ppc64el) triplet=powerpc64le-linux-gnu qemu=qemu-system-ppc ;;
	*) echo "install-deps: unknown architecture: $arch" >&2; usage ;;
	esac
	packages+=("gcc-$triplet" "libc6-dev-$arch-cross")
	if ((vm)) && [[ " ${packages[*]} " != *" $qemu "* ]]; then
		packages+=("$qemu")
	fi
done

missing=()
for pkg in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing+=("$pkg")
	fi
done
if ((${#missing[@]} == 0)); then
	exit 0
fi
if ((EUID != 0)); then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: as root, run: apt-get install ${missing[*]}" >&2
	exit 4
fi
echo "install-deps: installing ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	"${missing[@]}" >/dev/null
