#!/usr/bin/env bash
#
# build-libbpf.sh - build a static libbpf newer than Debian 12's
#
# Usage: build-libbpf.sh [--refresh] OUTDIR
#
# The runner's loader uses libbpf's object API, which needs libbpf >= 1.6;
# Debian 12 ships 1.1.  This builds Debian's own libbpf source package from
# sid (fetched with "apt-get source --download-only libbpf" through the
# private apt of apt-private.sh, with deb-src lines; checked against the
# signed Sources index), or the tree LIBBPF_SRC names, and installs:
#
#   OUTDIR/lib/libbpf.a              the static library (link with -lelf -lz)
#   OUTDIR/lib/pkgconfig/libbpf.pc   its version (prefix empty, libdir /lib)
#   OUTDIR/include/bpf/*.h           libbpf.h, bpf.h, btf.h, bpf_helpers.h ...
#   OUTDIR/uapi/linux/*.h            the UAPI headers libbpf was built with
#                                    (bpf.h, bpf_common.h, btf.h), apart:
#                                    the suite builds against the system's
#   OUTDIR/obj/                      objects and build.log
#   OUTDIR/.source                   what was built: source, version, CC
#
# The downloaded source is cached (CONFORM_CACHE/libbpf/: the .dsc and its
# tarballs, and the unpacked, patched tree), so a second run does not touch
# the network.  If OUTDIR/lib/libbpf.a is newer than every file of the
# source and was built from the same source with the same CC, nothing is
# done.  --refresh looks for a newer upload in sid first.
#
# The .orig tarball is unpacked and the Debian tarball over it; the
# patches of debian/patches/series are applied with patch (dpkg-source is
# not needed).  The version built is printed on stdout, e.g. "1.7.0";
# progress and the time taken go to stderr.
#
# Environment:
#   LIBBPF_SRC           build this tree instead and fetch nothing: a libbpf
#                        checkout (with src/Makefile) or a kernel tree's
#                        tools/lib/bpf
#   CC, AR               compiler and archiver (default: cc, ar), e.g. for
#                        cross-compiling
#   LIBBPF_CFLAGS        CFLAGS for libbpf (default: libbpf's own); CFLAGS
#                        and MAKEFLAGS of the caller are not passed on
#   LIBBPF_MIN_VERSION   fail if the version built is older (default 1.6)
#   LIBBPF_SUITE         the Debian suite to take the source from (sid)
#   CONFORM_CACHE        cache root
#                        (default: ${XDG_CACHE_HOME:-~/.cache}/arena-conform)
#   CONFORM_APT_MAX_AGE  max age of the Sources lists, seconds (86400)
#   CONFORM_DEBIAN_MIRROR, CONFORM_APT_KEYRING: as for fetch-kernel.sh
#
# Exit status: 0 built or up to date, 1 failure (with a message), 2 usage.

set -euo pipefail
shopt -s inherit_errexit

readonly PROG=${0##*/}
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=apt-private.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/apt-private.sh"

readonly CACHE=${CONFORM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/arena-conform}
readonly LIBBPF_CACHE=$CACHE/libbpf
readonly DL_DIR=$LIBBPF_CACHE/dl
readonly SRC_DIR=$LIBBPF_CACHE/src
readonly CURRENT=$LIBBPF_CACHE/current
readonly MAX_AGE=${CONFORM_APT_MAX_AGE:-86400}
readonly SUITE=${LIBBPF_SUITE:-sid}
readonly MIN_VERSION=${LIBBPF_MIN_VERSION:-1.6}
readonly BUILD_CC=${CC:-cc}

TMP_DIR=

# shellcheck disable=SC2317 # called from a trap
cleanup()
{
	if [[ -n $TMP_DIR ]]; then
		rm -rf -- "$TMP_DIR"
	fi
}

# dsc_field DSC FIELD: a one-line field of a .dsc.
dsc_field()
{
	sed -n "s/^$2: *//p" "$1" | head -n 1
}

# dsc_files DSC: "SHA256 NAME" of each file the .dsc lists.
dsc_files()
{
	awk '/^Checksums-Sha256:/ { on = 1; next }
	     on && /^ / { print $1, $3; next }
	     on { exit }' "$1"
}

# Every file of DSC is in DL_DIR with the checksum the .dsc gives; the .dsc
# itself was checked by apt against the signed Sources index.
verify_dsc()
{
	local dsc=$1 sums

	sums=$(dsc_files "$dsc")
	[[ -n $sums ]] || die "$dsc lists no files (no Checksums-Sha256)"
	(cd "$DL_DIR" && sha256sum --quiet --strict -c) <<<"$(awk '{ print $1 "  " $2 }' <<<"$sums")" >&2 ||
		die "the files of $dsc do not match its checksums; remove $DL_DIR and retry"
}

# The private apt for source packages: deb-src lines for SUITE only.
setup_apt()
{
	local refresh=$1 status

	apt_find_mirrors
	apt_private_init "$CACHE/apt-src" amd64
	apt_source_line deb-src "$APT_DEBIAN_URI" "$SUITE" | apt_set_sources
	apt_update_stale "$refresh" "$MAX_AGE" "the $SUITE Sources list ($APT_DEBIAN_URI)"
}

# Download Debian's libbpf source package into DL_DIR; print its .dsc.
download()
{
	local refresh=$1 uris dsc rc=0

	setup_apt "$refresh"
	uris=$(apt_get -q source --print-uris libbpf 2>/dev/null) ||
		die "apt-get source --print-uris libbpf failed: no libbpf in $SUITE's Sources?"
	dsc=$(sed -n "s/^'[^']*' \([^ ]*\.dsc\) .*/\1/p" <<<"$uris")
	[[ -n $dsc ]] || die "apt-get source names no .dsc for libbpf"
	mkdir -p "$DL_DIR"
	log "downloading $dsc and its tarballs ($SUITE)"
	(cd "$DL_DIR" && apt_get -q source --download-only libbpf) >&2 || rc=$?
	(( rc == 0 )) || die "apt-get source --download-only libbpf failed (exit $rc)"
	[[ -f $DL_DIR/$dsc ]] || die "apt-get source did not write $dsc"
	echo "$dsc"
}

# apply_patches TREE: debian/patches/series, in order, with patch.
apply_patches()
{
	local tree=$1 series=$1/debian/patches/series name opt n=0

	[[ -f $series ]] || return 0
	command -v patch >/dev/null || die "patch missing (apt-get install patch)"
	while read -r name opt; do
		[[ -n $name && $name != \#* ]] || continue
		[[ -z $opt || $opt =~ ^-p[0-9]+$ ]] ||
			die "debian/patches/series: cannot apply '$name $opt'"
		[[ -f $tree/debian/patches/$name ]] ||
			die "debian/patches/series names $name, which is missing"
		patch -d "$tree" "${opt:--p1}" --batch --forward --quiet \
			-i "debian/patches/$name" >&2 ||
			die "debian/patches/$name does not apply"
		n=$((n + 1))
	done <"$series"
	log "applied $n patch(es) of debian/patches/series"
}

# unpack DSC: the .orig tarball, the Debian tarball over it, the patches;
# print the tree.  Done once per .dsc, into SRC_DIR.
unpack()
{
	local dsc=$1 version tree orig deb top

	version=$(dsc_field "$DL_DIR/$dsc" Version)
	[[ $version =~ ^[0-9A-Za-z.+~:-]+$ ]] || die "$dsc: bad Version '$version'"
	tree=$SRC_DIR/libbpf-${version//:/_}
	if [[ -f $tree/.unpacked ]]; then
		echo "$tree"
		return
	fi

	verify_dsc "$DL_DIR/$dsc"
	orig=$(dsc_files "$DL_DIR/$dsc" | awk '$2 ~ /\.orig\.tar\.[a-z0-9]+$/ { print $2; exit }')
	deb=$(dsc_files "$DL_DIR/$dsc" | awk '$2 ~ /\.debian\.tar\.[a-z0-9]+$/ { print $2; exit }')
	[[ -n $orig ]] || die "$dsc lists no .orig tarball (a native package?)"

	mkdir -p "$SRC_DIR"
	TMP_DIR=$(mktemp -d "$SRC_DIR/.unpack.XXXXXX")
	tar -xf "$DL_DIR/$orig" -C "$TMP_DIR" || die "cannot unpack $orig"
	top=$(find "$TMP_DIR" -mindepth 1 -maxdepth 1 -type d -print)
	[[ -n $top && $top != *$'\n'* ]] || die "$orig does not hold one top directory"
	if [[ -n $deb ]]; then
		rm -rf -- "$top/debian"
		tar -xf "$DL_DIR/$deb" -C "$top" || die "cannot unpack $deb"
	fi
	apply_patches "$top"
	echo "$dsc" >"$top/.unpacked"

	rm -rf -- "$tree"
	mv -T -- "$top" "$tree"
	rm -rf -- "$TMP_DIR"
	TMP_DIR=
	echo "$tree"
}

# The source tree to build: LIBBPF_SRC, the cached source, or a download.
source_tree()
{
	local refresh=$1 dsc=''

	if [[ -n ${LIBBPF_SRC:-} ]]; then
		[[ -d $LIBBPF_SRC ]] || die "LIBBPF_SRC=$LIBBPF_SRC: no such directory"
		(cd -- "$LIBBPF_SRC" && pwd -P)
		return
	fi
	if (( ! refresh )) && [[ -f $CURRENT ]]; then
		dsc=$(<"$CURRENT")
		if [[ ! -f $DL_DIR/$dsc ]]; then
			log "warning: the cached $dsc is gone; downloading again"
			dsc=
		fi
	fi
	if [[ -z $dsc ]]; then
		dsc=$(download "$refresh")
		echo "$dsc" >"$CURRENT.new"
		mv -f -- "$CURRENT.new" "$CURRENT"
	fi
	unpack "$dsc"
}

# The directory to run make in, and its kind: "libbpf DIR" (a libbpf
# checkout, src/Makefile) or "kernel DIR" (tools/lib/bpf).
make_dir()
{
	local tree=$1

	if [[ -f $tree/src/Makefile && -f $tree/src/libbpf.map ]]; then
		echo "libbpf $tree/src"
	elif [[ -f $tree/Makefile && -f $tree/libbpf.map && -f $tree/libbpf.c ]]; then
		echo "kernel $tree"
	elif [[ -f $tree/Makefile && -f $tree/libbpf.map ]]; then
		echo "libbpf $tree"
	else
		die "$tree is neither a libbpf tree (src/Makefile) nor tools/lib/bpf"
	fi
}

# The libbpf version of a source directory, from libbpf.map.
source_version()
{
	grep -oE '^LIBBPF_[0-9]+\.[0-9]+\.[0-9]+' "$1/libbpf.map" |
		cut -d_ -f2 | sort -V | tail -n 1
}

# The version OUTDIR holds, from its libbpf.pc.
built_version()
{
	sed -n 's/^Version: *//p' "$1/lib/pkgconfig/libbpf.pc"
}

# What a build is made from; OUTDIR/.source must match for "up to date".
stamp()
{
	local tree=$1 dir=$2

	printf 'source: %s\n' "$tree"
	if [[ -f $tree/.unpacked ]]; then
		printf 'package: %s\n' "$(<"$tree/.unpacked")"
	fi
	printf 'version: %s\n' "$(source_version "$dir")"
	printf 'cc: %s\n' "$BUILD_CC"
	printf 'cflags: %s\n' "${LIBBPF_CFLAGS-(libbpf default)}"
}

up_to_date()
{
	local out=$1 tree=$2 want=$3 newer

	[[ -f $out/lib/libbpf.a && -f $out/.source && -f $out/lib/pkgconfig/libbpf.pc ]] ||
		return 1
	[[ $(<"$out/.source") == "$want" ]] || return 1
	newer=$(find "$tree" -newer "$out/lib/libbpf.a" -type f \
		     ! -path "$out/*" -print -quit) || return 1
	[[ -z $newer ]]
}

# build KIND DIR OUT: make, install into OUT.  Output in OUT/obj/build.log.
build()
{
	local kind=$1 dir=$2 out=$3 rc=0
	local -a vars

	rm -rf -- "${out:?}/lib" "$out/include" "$out/obj" "$out/.source"
	mkdir -p "$out/obj" "$out/lib" "$out/include"
	vars=(CC="$BUILD_CC" V=1)
	if [[ -n ${AR:-} ]]; then
		vars+=(AR="$AR")
	fi
	if [[ -n ${LIBBPF_CFLAGS+set} ]]; then
		vars+=(CFLAGS="$LIBBPF_CFLAGS")
	fi

	# The caller's make (a Makefile recipe) must not leak its variables
	# into libbpf's: a command-line CFLAGS travels in MAKEFLAGS.
	case $kind in
	libbpf)
		env -u MAKEFLAGS -u MFLAGS -u MAKEOVERRIDES -u MAKELEVEL -u CFLAGS \
			make -C "$dir" -j"$(nproc)" "${vars[@]}" BUILD_STATIC_ONLY=y \
			OBJDIR="$out/obj" DESTDIR="$out" PREFIX= LIBDIR=/lib \
			INCLUDEDIR=/include UAPIDIR=/uapi \
			install install_uapi_headers >"$out/obj/build.log" 2>&1 || rc=$?
		;;
	kernel)
		# tools/lib/bpf installs the shared library too with "install":
		# build the archive alone, then the headers and libbpf.pc.
		env -u MAKEFLAGS -u MFLAGS -u MAKEOVERRIDES -u MAKELEVEL -u CFLAGS \
			make -C "$dir" -j"$(nproc)" "${vars[@]}" OUTPUT="$out/obj/" \
			DESTDIR="$out" prefix= libdir=/lib \
			"$out/obj/libbpf.a" install_headers install_pkgconfig \
			>"$out/obj/build.log" 2>&1 || rc=$?
		if (( rc == 0 )); then
			install -m 644 "$out/obj/libbpf.a" "$out/lib/libbpf.a" || rc=$?
		fi
		if (( rc == 0 )); then
			mkdir -p "$out/uapi/linux"
			install -m 644 "$dir"/../../include/uapi/linux/{bpf.h,bpf_common.h,btf.h} \
				"$out/uapi/linux/" || rc=$?
		fi
		;;
	esac
	if (( rc )); then
		log "make failed (exit $rc); last 30 lines of $out/obj/build.log:"
		tail -n 30 "$out/obj/build.log" | sed 's/^/    /' >&2
		die "libbpf build failed"
	fi
	[[ -f $out/lib/libbpf.a ]] || die "the build installed no $out/lib/libbpf.a"
	compgen -G "$out/include/bpf/*.h" >/dev/null ||
		die "the build installed no headers in $out/include/bpf"
	[[ -f $out/lib/pkgconfig/libbpf.pc ]] || die "the build installed no libbpf.pc"
}

# The runner needs MIN_VERSION.
check_version()
{
	local version=$1

	[[ -n $version ]] || die "no Version in libbpf.pc"
	if [[ $(printf '%s\n' "$MIN_VERSION" "$version" | sort -V | head -n 1) != "$MIN_VERSION" ]]; then
		die "libbpf $version is older than the $MIN_VERSION the runner needs"
	fi
}

main()
{
	local refresh=0 out='' t0 tree kind dir want version

	while (( $# )); do
		case $1 in
		--refresh)	refresh=1 ;;
		-h|--help)	usage 0 ;;
		-*)		log "unknown option: $1"; usage ;;
		*)		[[ -z $out ]] || usage; out=$1 ;;
		esac
		shift
	done
	[[ -n $out ]] || usage
	t0=$(now)
	trap cleanup EXIT

	command -v make >/dev/null || die "make missing (apt-get install make)"
	command -v "${BUILD_CC%% *}" >/dev/null || die "compiler $BUILD_CC missing"
	mkdir -p -- "$out" "$LIBBPF_CACHE"
	out=$(cd -- "$out" && pwd -P)

	# One build per OUTDIR, one download per cache, at a time.
	exec 9>"$LIBBPF_CACHE/.lock"
	flock 9

	tree=$(source_tree "$refresh")
	read -r kind dir <<<"$(make_dir "$tree")"
	want=$(stamp "$tree" "$dir")

	if up_to_date "$out" "$tree" "$want"; then
		version=$(built_version "$out")
		check_version "$version"
		log "libbpf $version in $out is up to date ($(since "$t0"))"
		echo "$version"
		return
	fi

	log "building libbpf $(source_version "$dir") from $tree with $BUILD_CC"
	build "$kind" "$dir" "$out"
	version=$(built_version "$out")
	check_version "$version"
	printf '%s\n' "$want" >"$out/.source"
	log "built libbpf $version into $out in $(since "$t0")"
	echo "$version"
}

main "$@"
