#!/usr/bin/env bash
# The architecture axis, without booting anything or the network:
#   fetch-kernel.sh finds arm64, rt-arm64, s390x and ppc64el kernels in
#   their own cache directories (amd64's layout unchanged), by --arch,
#   --flavour or ARCH:VERSION, skips a package noted as not downloading,
#   and refuses unknown or contradicting architectures and flavours;
#   vmtest.sh tells the architecture of an image from its magic, refuses
#   an image of another architecture than --arch, and a runner of another
#   architecture than the image's, before booting;
#   the runner refuses a BPF object of the other byte order (exit 2);
#   matrix.sh runs each bare version on each --arch, rows carry the arch;
#   matrix.md has a column per kernel and architecture, and the tests
#   whose verdict differs between architectures of one series.
# Ends with "arch: N passed, N failed".
set -euo pipefail
shopt -s inherit_errexit

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

export CONFORM_CACHE=$tmp/cache
# Nothing here may reach an archive: a port that refuses at once.
export CONFORM_DEBIAN_MIRROR=http://127.0.0.1:9/debian
export CONFORM_SECURITY_MIRROR=http://127.0.0.1:9/debian-security
kernels=$CONFORM_CACHE/kernels

# kernel DIR: a cached kernel (any file will do for fetch-kernel.sh).
kernel() {
	mkdir -p "$kernels/$1"
	echo fake >"$kernels/$1/vmlinuz"
}

# Package tables as fetch-kernel.sh builds them from the lists.
mkdir -p "$CONFORM_CACHE/apt" "$CONFORM_CACHE/apt-arm64" "$CONFORM_CACHE/apt-s390x" \
	"$CONFORM_CACHE/apt-ppc64el"
cat >"$CONFORM_CACHE/apt/kernels.tsv" <<'EOF'
7.0.13 7.0.13-1~bpo13+1 0 trixie-backports linux-binary-7.0.13+deb13-cloud-amd64
EOF
cat >"$CONFORM_CACHE/apt-arm64/kernels.tsv" <<'EOF'
7.0.12 7.0.12-1~bpo13+1 0 trixie-backports linux-binary-7.0.12+deb13-cloud-arm64
7.0.13 7.0.13-1~bpo13+1 0 trixie-backports linux-binary-7.0.13+deb13-cloud-arm64
7.0.13 7.0.13-1~bpo13+1 0 trixie-backports linux-binary-7.0.13+deb13-rt-arm64
EOF
cat >"$CONFORM_CACHE/apt-s390x/kernels.tsv" <<'EOF'
6.12.113 6.12.113-1 0 trixie-security linux-image-6.12.113+deb13-s390x
6.12.118 6.12.118-1 0 trixie-security linux-image-6.12.118+deb13-s390x
EOF
echo '6.12.118 6.12.118-1 0 trixie-security linux-image-6.12.118+deb13-s390x' \
	>"$CONFORM_CACHE/apt-s390x/unavailable.tsv"
cat >"$CONFORM_CACHE/apt-ppc64el/kernels.tsv" <<'EOF'
7.2.13 7.2.13-1 0 sid linux-binary-7.2.13+deb14-powerpc64le
7.2.13 7.2.13-1 0 sid linux-binary-7.2.13+deb14-powerpc64le-64k
EOF
kernel 7.0.13
kernel arm64/cloud-arm64/7.0.13
kernel arm64/rt-arm64/7.0.13
kernel s390x/s390x/6.12.113
kernel ppc64el/powerpc64le/7.2.13
kernel ppc64el/powerpc64le-64k/7.2.13

fetch() {
	"$root/scripts/fetch-kernel.sh" "$@" 2>"$tmp/fetch.err"
}

# fetches WANT ARGS...: fetch-kernel.sh ARGS prints kernels/WANT/vmlinuz.
fetches() {
	local want=$1 got
	shift
	got=$(fetch "$@")
	echo "fetch-kernel.sh $*: $got"
	[[ $got == "$kernels/$want/vmlinuz" ]]
}

layout() {
	fetches 7.0.13 7.0
	fetches arm64/cloud-arm64/7.0.13 arm64:7.0
	fetches arm64/cloud-arm64/7.0.13 --arch arm64 7.0
	fetches arm64/rt-arm64/7.0.13 rt-arm64:7.0
	fetches arm64/rt-arm64/7.0.13 --flavour rt-arm64 7.0
	fetches arm64/rt-arm64/7.0.13 --arch arm64 --flavour rt-arm64 7.0.13
	fetches ppc64el/powerpc64le/7.2.13 ppc64el:7.2
	fetches ppc64el/powerpc64le-64k/7.2.13 powerpc64le-64k:7.2
}
check "fetch-kernel.sh: each flavour in its own directory, amd64's as before" layout

unavailable() {
	fetches s390x/s390x/6.12.113 s390x:6.12
}
check "fetch-kernel.sh: a package that did not download is passed over" unavailable

# refused MESSAGE ARGS...: fetch-kernel.sh ARGS exits 1 or 2, saying MESSAGE.
refused() {
	local msg=$1 rc=0
	shift
	run_errexit fetch "$@" >/dev/null
	rc=$status
	echo "fetch-kernel.sh $*: exit $rc: $(cat "$tmp/fetch.err")"
	((rc == 1 || rc == 2))
	grep -q -- "$msg" "$tmp/fetch.err"
}

bad_arch() {
	refused "unknown architecture 'sparc64'" --arch sparc64 7.0
	refused "flavour rt-arm64 is not one of s390x's" --arch s390x --flavour rt-arm64 7.0
	refused "unknown flavour 'cloud-s390x'" --flavour cloud-s390x 7.0
	refused "neither an architecture" sparc64:7.0
	refused "contradicts --arch arm64" --arch arm64 s390x:7.2
}
check "fetch-kernel.sh: unknown or contradicting architectures and flavours are refused" bad_arch

# image ARCH FILE: a file with the magic of ARCH's kernel image.
image() {
	local f=$2
	head -c 4096 /dev/zero >"$f"
	case $1 in
	arm64) printf 'ARMd' | dd of="$f" bs=1 seek=56 conv=notrunc status=none ;;
	riscv64) printf 'RSC\x05' | dd of="$f" bs=1 seek=56 conv=notrunc status=none ;;
	s390x)	# two PSWs, then EBCDIC blanks (0x40, an ASCII "@")
		printf '\x02\x00\x00\x18\x60\x00\x00\x50\x02\x00\x00\x68\x60\x00\x00\x50@@@@@@@@' |
			dd of="$f" bs=1 seek=8 conv=notrunc status=none
		;;
	ppc64el)
		printf '\x7fELF\x02\x01\x01' | dd of="$f" bs=1 conv=notrunc status=none
		printf '\x15\x00' | dd of="$f" bs=1 seek=18 conv=notrunc status=none
		;;
	esac
}

# vm_refuses MESSAGE ARGS...: vmtest.sh ARGS exits 5 before booting (qemu
# is "true"), saying MESSAGE.
vm_refuses() {
	local msg=$1 rc=0
	shift
	VMTEST_QEMU=true VMTEST_BUSYBOX=/bin/busybox VMTEST_RUNNER=$tmp/runner \
		"$root/scripts/vmtest.sh" "$@" >"$tmp/vm.out" 2>"$tmp/vm.err" || rc=$?
	echo "vmtest.sh $*: exit $rc: $(cat "$tmp/vm.err")"
	((rc == 5))
	grep -q -- "$msg" "$tmp/vm.err"
	! grep -q booting "$tmp/vm.err"
}

image_magic() {
	local a
	# An x86-64 runner, static: only its architecture is wrong.
	cp /bin/busybox "$tmp/runner"
	for a in arm64 s390x riscv64 ppc64el; do
		image "$a" "$tmp/$a.img"
		vm_refuses "is built for Advanced Micro Devices X86-64, the kernel is $a" -k "$tmp/$a.img"
	done
	vm_refuses "is a kernel for arm64, not s390x" -k "$tmp/arm64.img" --arch s390x
	vm_refuses "unknown architecture 'mips'" -k "$tmp/arm64.img" --arch mips
}
check "vmtest.sh: the image's architecture from its magic; a wrong runner or --arch refused" \
	image_magic

# The runner refuses an object of the other byte order with exit 2.
byte_order() {
	local rc=0 other=bpfeb
	if [[ $(printf '\1\0' | od -An -tu2 | tr -d ' ') != 1 ]]; then
		other=bpfel
	fi
	mkdir "$tmp/objs"
	clang-19 -g -O2 -target "$other" -mcpu=v3 -I"$root/build/libbpf/include" \
		-I"$root/progs" -I"$root/runner" -I"/usr/include/$(gcc -dumpmachine)" \
		-c "$root/progs/syscall.bpf.c" -o "$tmp/objs/syscall.bpf.o"
	"$root/build/conform" --objs "$tmp/objs" >"$tmp/bo.out" 2>"$tmp/bo.err" || rc=$?
	cat "$tmp/bo.err"
	((rc == 2))
	grep -q "syscall.bpf.o: a big-endian BPF object on a little-endian machine (build it with -target bpfel)" \
		"$tmp/bo.err" ||
		grep -q "syscall.bpf.o: a little-endian BPF object on a big-endian machine (build it with -target bpfeb)" \
			"$tmp/bo.err"
}
check "the runner refuses a BPF object of the other byte order: 2" byte_order

# Without a mirror the kernels give no verdict, but the rows say which
# kernel and architecture they were.
matrix_rows() {
	local rc=0
	"$root/scripts/matrix.sh" -j 1 -o "$tmp/m" --arch "amd64 arm64" 7.9 s390x:7.9 \
		>"$tmp/m.out" 2>&1 || rc=$?
	((rc == 1))
	jq -c '[.kernels[] | [.kernel, .arch, .exit]]' "$tmp/m/matrix.json"
	jq -e '[.kernels[] | [.kernel, .arch, .exit]] ==
		[["7.9", "amd64", 5], ["arm64:7.9", "arm64", 5], ["s390x:7.9", "s390x", 5]]' \
		"$tmp/m/matrix.json"
	rc=0
	"$root/scripts/matrix.sh" --arch sparc64 7.0 >/dev/null 2>"$tmp/m.err" || rc=$?
	((rc == 2))
	grep -q "unknown architecture 'sparc64'" "$tmp/m.err"
}
check "matrix.sh: each bare version on each --arch, rows with their arch; a bad arch: 2" \
	matrix_rows

# row ARCH FLAVOUR RELEASE OBSERVED STATUS: one matrix.json row of one case.
row() {
	jq -n --arg a "$1" --arg f "$2" --arg r "$3" --arg o "$4" --arg s "$5" '
		{kernel: "x", arch: $a, flavour: $f, exit: 0,
		 result: {kernel: $r, kernel_version: ($r | sub("\\+.*"; "")), btf_has_kfunc: true,
			  summary: {pass: 1, fail: 0, skip: 0},
			  cases: [{name: "rt_free_basic", sleepable: true, observed: $o, status: $s},
				  {name: "xdp", sleepable: false, observed: "accept", status: "pass"}]}}'
}

matrix_md() {
	{
		row amd64 cloud-amd64 7.0.13+deb13-cloud-amd64 accept pass
		row arm64 cloud-arm64 7.0.13+deb13-cloud-arm64 accept pass
		row arm64 rt-arm64 7.0.13+deb13-rt-arm64 accept pass
		row s390x s390x 7.0.9+deb13-s390x reject fail
	} | jq -s '{kernels: .}' >"$tmp/multi.json"
	jq -r -f "$root/scripts/matrix-md.jq" "$tmp/multi.json" >"$tmp/multi.md"
	cat "$tmp/multi.md"
	grep -qx '| test | 7.0.13 amd64 | 7.0.13 arm64 | 7.0.13 rt-arm64 | 7.0.9 s390x |' "$tmp/multi.md"
	grep -qx '## Verdicts that differ between architectures on the same version' "$tmp/multi.md"
	grep -qx '1 of 2 tests differ.' "$tmp/multi.md"
	grep -qx '| rt_free_basic.s | A | A | A | \*\*R✗\*\* |' "$tmp/multi.md"
	# One architecture: the columns as they always were, no such section.
	row amd64 cloud-amd64 7.0.13+deb13-cloud-amd64 accept pass | jq -s '{kernels: .}' >"$tmp/one.json"
	jq -r -f "$root/scripts/matrix-md.jq" "$tmp/one.json" >"$tmp/one.md"
	grep -qx '| test | 7.0.13 |' "$tmp/one.md"
	! grep -q 'between architectures' "$tmp/one.md"
}
check "matrix.md: a column per kernel and architecture, the verdicts that differ between them" \
	matrix_md

finish arch
