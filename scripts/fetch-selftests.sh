#!/usr/bin/env bash
#
# fetch-selftests.sh - the kselftest framework of Debian's linux-source,
# as a minimal kernel tree for testing the install in
#
# Usage: fetch-selftests.sh [--refresh] [SERIES]
#
# Prints the path of a cached directory that holds, from Debian's
# linux-source-SERIES package (SERIES: 6.1 by default, Debian 12's), the
# files of the kernel tree that kselftest's own machinery uses, unchanged:
#   tools/testing/selftests/   Makefile, lib.mk, run_kselftest.sh,
#                              kselftest_install.sh, kselftest/runner.sh,
#                              ... (its top-level files and kselftest/,
#                              none of the tests' directories)
#   scripts/subarch.include    included by the selftests Makefile
#   tools/scripts/             Makefile.include and its kin
#   source                     the package, its version and its sha256
# Copy it before use: a run of make there writes into it.
#
# The newest linux-source-SERIES of bookworm, trixie and their security
# suites is downloaded once (about 140 MB) through a private apt under the
# cache (scripts/apt-private.sh: the system's apt configuration is neither
# used nor touched), and only these files are kept.  A cached tree is
# returned without touching the network; --refresh looks for a newer
# upload first.  Only the path is printed on stdout; progress goes to
# stderr.
#
# -h, --help prints this text.
#
# Environment:
#   CONFORM_CACHE            cache root
#                            (default: ${XDG_CACHE_HOME:-~/.cache}/arena-conform)
#   CONFORM_APT_MAX_AGE      max age of the package lists, seconds (86400)
#   CONFORM_DEBIAN_MIRROR    override the archive URI found in apt sources
#   CONFORM_SECURITY_MIRROR  override the security archive URI
#   CONFORM_APT_KEYRING      archive keyring
#                            (default: /usr/share/keyrings/debian-archive-keyring.gpg)
#
# Exit status: 0 ok, 1 error (no such package, download failed), 2 usage.

set -euo pipefail
shopt -s inherit_errexit

readonly PROG=${0##*/}
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=apt-private.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/apt-private.sh"
readonly CACHE=${CONFORM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/arena-conform}
readonly APT_ROOT=$CACHE/apt-selftests
readonly TREES=$CACHE/selftests
readonly MAX_AGE=${CONFORM_APT_MAX_AGE:-86400}

readonly MAIN_SUITES=(bookworm trixie)
readonly SECURITY_SUITES=(bookworm-security trixie-security)

# What is kept of the source tree (tar patterns under its top directory;
# "*" does not cross a "/"), and what must be among it.
readonly MEMBERS=(
	'tools/testing/selftests/*'
	'tools/testing/selftests/kselftest/*'
	'tools/scripts/*'
	'scripts/subarch.include'
)
readonly REQUIRED=(
	tools/testing/selftests/Makefile
	tools/testing/selftests/lib.mk
	tools/testing/selftests/kselftest/runner.sh
	tools/testing/selftests/run_kselftest.sh
	tools/testing/selftests/kselftest_install.sh
	scripts/subarch.include
)

TMP_DIR=

# shellcheck disable=SC2317 # called from a trap
cleanup()
{
	if [[ -n $TMP_DIR ]]; then
		rm -rf -- "$TMP_DIR"
	fi
}

# The newest cached tree of SERIES, or nothing.
cached()
{
	local series=$1 dir

	for dir in "$TREES/linux-source-$series"_*; do
		if [[ -f $dir/source ]]; then
			echo "$dir"
		fi
	done | sort -V | tail -n 1
}

setup_apt()
{
	local refresh=$1 suite status

	apt_find_mirrors
	apt_private_init "$APT_ROOT" amd64
	{
		for suite in "${MAIN_SUITES[@]}"; do
			apt_source_line deb "$APT_DEBIAN_URI" "$suite"
		done
		for suite in "${SECURITY_SUITES[@]}"; do
			apt_source_line deb "$APT_SECURITY_URI" "$suite"
		done
	} | apt_set_sources
	apt_update_stale "$refresh" "$MAX_AGE" "package lists ($APT_DEBIAN_URI, $APT_SECURITY_URI)"
}

# extract DEB SERIES DIR: the kept files of the source tarball in DEB into
# DIR.
extract()
{
	local deb=$1 series=$2 dir=$3 top=linux-source-$2 f
	local -a patterns=()

	for f in "${MEMBERS[@]}"; do
		patterns+=("$top/$f")
	done
	mkdir -p -- "$dir"
	log "extracting the selftests framework from ${deb##*/}"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO "./usr/src/$top.tar.xz" |
		tar -xJ -C "$dir" --strip-components=1 --no-recursion \
			--wildcards --no-wildcards-match-slash "${patterns[@]}" ||
		die "cannot extract the selftests framework from ${deb##*/}"
	# The tests' directories came as empty directories: not wanted.
	find "$dir" -mindepth 1 -type d -empty -delete
	for f in "${REQUIRED[@]}"; do
		[[ -f $dir/$f ]] || die "${deb##*/} has no $f"
	done
}

fetch()
{
	local series=$1 refresh=$2 pkg=linux-source-$1 uris file sha tree deb ver

	tree=$(cached "$series")
	if [[ -n $tree ]] && (( !refresh )); then
		echo "$tree"
		return
	fi

	setup_apt "$refresh"
	# 'URI' FILE SIZE SHA256:HEX
	uris=$(apt_get -q --print-uris download "$pkg" 2>/dev/null) ||
		die "no $pkg in ${MAIN_SUITES[*]} ${SECURITY_SUITES[*]}"
	read -r _ file _ sha <<<"$uris"
	[[ $file =~ ^${pkg//./\\.}_([^_]+)_all\.deb$ ]] ||
		die "apt-get names an unexpected file for $pkg: '$file'"
	ver=$(printf '%b' "${BASH_REMATCH[1]//%/\\x}")	# URL-decoded (%3a)
	[[ $ver =~ ^[0-9A-Za-z.+~:-]+$ ]] || die "$pkg: bad version '$ver'"
	tree=$TREES/${pkg}_${ver//:/_}
	if [[ -f $tree/source ]]; then
		echo "$tree"
		return
	fi

	mkdir -p -- "$TREES"
	TMP_DIR=$(mktemp -d "$TREES/.tmp.XXXXXX")
	log "downloading $pkg $ver"
	(cd "$TMP_DIR" && apt_get -q download "$pkg=$ver") >&2 ||
		die "apt-get download $pkg=$ver failed"
	deb=$TMP_DIR/$file
	[[ -f $deb ]] || die "apt-get download did not write $file"
	extract "$deb" "$series" "$TMP_DIR/tree"
	{
		echo "package: $pkg"
		echo "version: $ver"
		echo "sha256: ${sha#SHA256:}"
		echo "files: $(find "$TMP_DIR/tree" -type f | wc -l)"
	} >"$TMP_DIR/tree/source"

	rm -rf -- "$tree"
	mv -T -- "$TMP_DIR/tree" "$tree"
	rm -rf -- "$TMP_DIR"
	TMP_DIR=
	log "$pkg $ver -> $tree"
	echo "$tree"
}

main()
{
	local refresh=0 series='' tree=''

	while (( $# )); do
		case $1 in
		--refresh)	refresh=1 ;;
		-h|--help)	usage 0 ;;
		-*)		log "unknown option: $1"; usage ;;
		*)		[[ -z $series ]] || usage; series=$1 ;;
		esac
		shift
	done
	series=${series:-6.1}
	[[ $series =~ ^[0-9]+\.[0-9]+$ ]] || die "bad series '$series' (e.g. 6.1)"

	# A cached tree needs no lock: the cache may be read-only (a VM of
	# vmtest.sh --exec reads this machine's).
	tree=$(cached "$series")
	if [[ -n $tree ]] && (( !refresh )); then
		echo "$tree"
		return
	fi
	mkdir -p -- "$CACHE"
	trap cleanup EXIT
	# One fetch at a time per cache.
	exec 9>"$CACHE/.selftests.lock"
	flock 9
	fetch "$series" "$refresh"
}

main "$@"
