#!/usr/bin/env bash
# Install the Debian packages the suite needs, if any are missing.
#   install-deps.sh          build and run the suite (make, make check)
#   install-deps.sh --vm     also run it in VMs (make test, make vmtest)
# Exit 0 when everything is there, 4 when something is missing and we are
# not root (with the apt-get command to run).
set -euo pipefail

# libbpf >= 1.6 is built from Debian's source package (scripts/
# build-libbpf.sh, run by make): it needs patch, and its Sources index.
packages=(make gcc clang-19 libelf-dev zlib1g-dev patch xz-utils)
if [[ "${1:-}" == "--vm" ]]; then
	# llvm-19: llvm-objcopy, for the test that strips CO-RE relocations
	packages+=(qemu-system-x86 busybox-static cpio gzip jq shellcheck bpftool valgrind
		libclang-rt-19-dev llvm-19)
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
