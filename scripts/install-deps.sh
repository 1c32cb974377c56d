#!/usr/bin/env bash
#
# install-deps.sh - install the Debian packages the suite needs, if missing
#
# Usage: install-deps.sh [--vm]
#
#   (none)  what building and running the suite needs (make, make check)
#   --vm    also what running it in VMs needs (make test, make vmtest)
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
for arg; do
	case $arg in
	--vm) vm=1 ;;
	-h|--help) usage 0 ;;
	*) echo "install-deps: unknown argument: $arg" >&2; usage ;;
	esac
done

# libbpf >= 1.6 is built from Debian's source package (scripts/
# build-libbpf.sh, run by make): it needs patch, and its Sources index.
packages=(make gcc clang-19 libelf-dev zlib1g-dev libjansson-dev patch xz-utils)
if ((vm)); then
	# llvm-19: llvm-objcopy, for the test that strips CO-RE relocations
	packages+=(qemu-system-x86 busybox-static cpio gzip jq shellcheck bpftool valgrind
		libclang-rt-19-dev llvm-19 chromium) # chromium: the test of matrix.html
fi

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
