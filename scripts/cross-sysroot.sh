#!/usr/bin/env bash
#
# cross-sysroot.sh - a private sysroot of another architecture's Debian
# packages, for cross-building the static runner and the VM's initramfs
#
# Usage: cross-sysroot.sh [--refresh] ARCH
#
#   ARCH       arm64, s390x, riscv64 or ppc64el
#   --refresh  update the package lists and unpack again
#
# Prints the sysroot's directory on stdout; progress goes to stderr.  It
# holds what the cross compiler (gcc-TRIPLET, libc6-dev-ARCH-cross) does
# not bring, from Debian's packages of ARCH for the system's own release
# (VERSION_CODENAME of /etc/os-release: the same C library as the cross
# compiler's):
#
#   usr/include/        libelf.h, gelf.h, zlib.h, jansson.h ...
#                       (libelf-dev, zlib1g-dev, libjansson-dev)
#   usr/lib/TRIPLET/    libelf.a, libz.a, libjansson.a
#   bin/busybox         a static busybox of ARCH, for the initramfs
#                       (busybox-static)
#   .packages           the packages and versions unpacked
#
# The packages are fetched with "apt-get download" through a private apt
# (scripts/apt-private.sh) whose only architecture is ARCH, with the
# mirror of the system's apt sources; nothing is installed, the system's
# dpkg and apt configuration are neither read nor changed (no
# dpkg --add-architecture).  A complete sysroot is returned without
# touching the network.
#
# Layout under the cache: CACHE/cross/ARCH/apt (lists, .debs) and
# CACHE/cross/ARCH/sysroot.
#
# Environment:
#   CONFORM_CACHE          cache root
#                          (default: ${XDG_CACHE_HOME:-~/.cache}/arena-conform)
#   CONFORM_CROSS_SUITE    the Debian release to take the packages from
#                          (default: the system's VERSION_CODENAME, but
#                          trixie for riscv64 on bookworm, which has no
#                          riscv64 port: then zlib and busybox come from
#                          it, libelf and jansson are built from the
#                          system release's sources, see NO_PORT_PACKAGES)
#   CONFORM_DEBIAN_MIRROR, CONFORM_SECURITY_MIRROR, CONFORM_APT_KEYRING:
#                          as for fetch-kernel.sh
#
# Exit codes: 0 ok, 1 error, 2 usage.

set -euo pipefail
shopt -s inherit_errexit

readonly PROG=${0##*/}
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=apt-private.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/apt-private.sh"
readonly CACHE=${CONFORM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/arena-conform}
readonly PACKAGES=(libelf-dev zlib1g-dev libjansson-dev busybox-static)
# Where the system's release has no port of ARCH (riscv64 on bookworm),
# the newer release's libelf.a and libjansson.a need a newer C library
# than the cross compiler's (glibc 2.38's __isoc23_strtol; and trixie's
# static libelf lacks elfutils' eu_search_tree_*), and bookworm's ld
# crashes on trixie's libc.a: these two are built from the system
# release's source packages with the cross compiler instead (elfutils'
# libelf only, without compression libraries but zlib; jansson with
# cmake), and only zlib and busybox come from the newer release.
readonly NO_PORT_PACKAGES=(zlib1g-dev busybox-static)
readonly SOURCE_PACKAGES=(elfutils jansson)

TMP_DIR=

# shellcheck disable=SC2317 # called from a trap
cleanup()
{
	if [[ -n $TMP_DIR ]]; then
		rm -rf -- "$TMP_DIR"
	fi
}

triplet()
{
	case $1 in
	arm64)		echo aarch64-linux-gnu ;;
	s390x)		echo s390x-linux-gnu ;;
	riscv64)	echo riscv64-linux-gnu ;;
	ppc64el)	echo powerpc64le-linux-gnu ;;
	*)		return 1 ;;
	esac
}

# The system's Debian release, e.g. bookworm.
system_suite()
{
	local codename

	codename=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release 2>/dev/null | tr -d '"')
	[[ -n $codename ]] ||
		die "no VERSION_CODENAME in /etc/os-release; set CONFORM_CROSS_SUITE"
	echo "$codename"
}

complete()
{
	local root=$1 triplet=$2 suite=$3

	[[ -f $root/.packages && -x $root/bin/busybox &&
	   -f $root/usr/lib/$triplet/libelf.a && -f $root/usr/lib/$triplet/libz.a &&
	   -f $root/usr/lib/$triplet/libjansson.a && -f $root/usr/include/jansson.h &&
	   -f $root/usr/include/libelf.h && -f $root/usr/include/zlib.h &&
	   $(cat "$root/.suite" 2>/dev/null) == "$suite" ]]
}

# build_from_source DIR ROOT TRIPLET: libelf and jansson of the system's
# release, built for TRIPLET from Debian's source packages (a private apt
# with deb-src lines, as build-libbpf.sh does), installed into ROOT.
build_from_source()
{
	local dir=$1 root=$2 triplet=$3 src=$TMP_DIR/src pkg tree
	local -a cflags=(-O2 -g "-I$root/usr/include")

	apt_private_init "$dir/src-apt" "$(dpkg --print-architecture)"
	apt_source_line deb-src "$APT_DEBIAN_URI" "$(system_suite)" | apt_set_sources
	apt_update_stale 0 86400 "the source lists of $(system_suite) ($APT_DEBIAN_URI)"
	mkdir -p "$src"
	log "downloading the sources of ${SOURCE_PACKAGES[*]} ($(system_suite))"
	(cd "$src" && apt_get -q source --download-only "${SOURCE_PACKAGES[@]}") >&2 ||
		die "apt-get source ${SOURCE_PACKAGES[*]} failed"
	for pkg in "${SOURCE_PACKAGES[@]}"; do
		(cd "$src" && dpkg-source -x \
			"$(ls -- "$pkg"_*.dsc)" "$pkg" >/dev/null) ||
			die "cannot unpack the source of $pkg"
		# shellcheck disable=SC2016 # dpkg-parsechangelog's own fields
		sed -n 's/^Version: //p' "$src/$pkg"_*.dsc | head -n 1 |
			sed "s/^/$pkg-source /; s/\$/ $triplet/" >>"$root/.packages"
	done

	tree=$src/elfutils
	log "building libelf for $triplet"
	(cd "$tree" && ./configure --host="$triplet" --disable-debuginfod \
		--disable-libdebuginfod --without-bzlib --without-lzma \
		--without-zstd --disable-nls CFLAGS="${cflags[*]}" \
		LDFLAGS="-L$root/usr/lib/$triplet" &&
		make -C lib && make -C libelf libelf.a) >"$TMP_DIR/libelf.log" 2>&1 ||
		die "building libelf failed; the end of $TMP_DIR/libelf.log:$(tail -n 20 "$TMP_DIR/libelf.log")"
	install -m 644 "$tree/libelf/libelf.a" "$root/usr/lib/$triplet/"
	install -m 644 "$tree/libelf/libelf.h" "$tree/libelf/gelf.h" \
		"$tree/libelf/nlist.h" "$root/usr/include/"
	mkdir -p "$root/usr/include/elfutils"
	install -m 644 "$tree/libelf/elf-knowledge.h" "$root/usr/include/elfutils/"

	tree=$src/jansson
	log "building jansson for $triplet"
	(mkdir -p "$tree/build" && cd "$tree/build" &&
		cmake .. -DCMAKE_SYSTEM_NAME=Linux -DCMAKE_C_COMPILER="$triplet-gcc" \
			-DCMAKE_BUILD_TYPE=Release -DJANSSON_BUILD_DOCS=OFF \
			-DJANSSON_EXAMPLES=OFF -DJANSSON_WITHOUT_TESTS=ON \
			-DJANSSON_BUILD_SHARED_LIBS=OFF && make) \
		>"$TMP_DIR/jansson.log" 2>&1 ||
		die "building jansson failed; the end of $TMP_DIR/jansson.log:$(tail -n 20 "$TMP_DIR/jansson.log")"
	install -m 644 "$tree/build/lib/libjansson.a" "$root/usr/lib/$triplet/"
	install -m 644 "$tree/build/include/jansson.h" \
		"$tree/build/include/jansson_config.h" "$root/usr/include/"
}

populate()
{
	local arch=$1 triplet=$2 dir=$3 suite=$4 refresh=$5
	local root=$dir/sysroot deb status
	local -a packages=("${PACKAGES[@]}")

	if [[ $suite != "$(system_suite)" ]]; then
		packages=("${NO_PORT_PACKAGES[@]}")
	fi
	apt_find_mirrors
	apt_private_init "$dir/apt" "$arch"
	{
		apt_source_line deb "$APT_DEBIAN_URI" "$suite"
		apt_source_line deb "$APT_DEBIAN_URI" "$suite-updates"
		apt_source_line deb "$APT_SECURITY_URI" "$suite-security"
	} | apt_set_sources
	apt_update_stale "$refresh" 86400 "the $arch package lists of $suite ($APT_DEBIAN_URI)"

	TMP_DIR=$(mktemp -d "$dir/.tmp.XXXXXX")
	log "downloading ${packages[*]} ($arch, $suite)"
	(cd "$TMP_DIR" && apt_get -q download "${packages[@]}") >&2 ||
		die "apt-get download ${packages[*]} ($arch, $suite) failed" \
		    "(Debian has riscv64 only from trixie on)"

	mkdir "$TMP_DIR/root"
	for deb in "$TMP_DIR"/*.deb; do
		[[ -f $deb ]] || die "apt-get download wrote no .deb"
		dpkg-deb -x "$deb" "$TMP_DIR/root"
		# shellcheck disable=SC2016 # dpkg-deb's own ${Field} format
		dpkg-deb --showformat '${Package} ${Version} ${Architecture}\n' \
			-W "$deb" >>"$TMP_DIR/root/.packages"
	done
	# The -dev packages' .so links point to libraries not unpacked: the
	# runner links statically.
	find "$TMP_DIR/root/usr/lib" -name '*.so' -type l -delete
	# busybox-static installs /bin/busybox (/usr/bin on newer releases).
	if [[ ! -x $TMP_DIR/root/bin/busybox ]]; then
		mkdir -p "$TMP_DIR/root/bin"
		if [[ -x $TMP_DIR/root/usr/bin/busybox ]]; then
			mv "$TMP_DIR/root/usr/bin/busybox" "$TMP_DIR/root/bin/busybox"
		fi
	fi
	if [[ $suite != "$(system_suite)" ]]; then
		mkdir -p "$TMP_DIR/root/usr/lib/$triplet"
		build_from_source "$dir" "$TMP_DIR/root" "$triplet"
	fi
	echo "$suite" >"$TMP_DIR/root/.suite"
	complete "$TMP_DIR/root" "$triplet" "$suite" ||
		die "the packages of $arch lack libelf.a, libz.a, their headers or busybox"

	rm -rf -- "$root"
	mv -T -- "$TMP_DIR/root" "$root"
	rm -rf -- "$TMP_DIR"
	TMP_DIR=
	log "unpacked into $root: $(cut -d' ' -f1,2 "$root/.packages" | paste -sd, -)"
}

main()
{
	local refresh=0 arch='' triplet dir suite

	while (( $# )); do
		case $1 in
		--refresh)	refresh=1 ;;
		-h|--help)	usage 0 ;;
		-*)		log "unknown option: $1"; usage ;;
		*)		[[ -z $arch ]] || usage; arch=$1 ;;
		esac
		shift
	done
	[[ -n $arch ]] || usage
	triplet=$(triplet "$arch") ||
		die "no cross sysroot for '$arch' (arm64, s390x, riscv64, ppc64el)"
	suite=${CONFORM_CROSS_SUITE:-$(system_suite)}
	if [[ -z ${CONFORM_CROSS_SUITE:-} && $arch == riscv64 && $suite == bookworm ]]; then
		suite=trixie	# bookworm has no riscv64 port
	fi
	[[ $suite =~ ^[a-z]+$ ]] || die "bad suite '$suite'"

	dir=$CACHE/cross/$arch
	mkdir -p "$dir"
	trap cleanup EXIT
	exec 9>"$dir/.lock"
	flock 9

	if (( refresh )) || ! complete "$dir/sysroot" "$triplet" "$suite"; then
		populate "$arch" "$triplet" "$dir" "$suite" "$refresh"
	fi
	echo "$dir/sysroot"
}

main "$@"
