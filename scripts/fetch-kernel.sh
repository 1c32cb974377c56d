#!/usr/bin/env bash
#
# fetch-kernel.sh - download a Debian kernel image for VM testing
#
# Usage:
#   fetch-kernel.sh [--refresh] [--arch ARCH] [--flavour F] VERSION
#                                         print the path of a cached vmlinuz
#   fetch-kernel.sh [--refresh] [--arch ARCH] [--flavour F] --list [-v]
#
# VERSION is a series ("6.1", "6.12", "7.0": the newest upload of that
# series), an upstream version ("6.12.57", "7.3-rc7": the newest Debian
# upload of it) or a full Debian version ("6.12.117-1~deb12u1"), optionally
# qualified by an architecture or a flavour: "arm64:7.0", "rt-arm64:7.0".
#
# ARCH is a Debian architecture and F one of its kernel flavours:
#   amd64    cloud-amd64 (the default), rt-amd64 (PREEMPT_RT)
#   arm64    cloud-arm64 (its default), rt-arm64
#   s390x    s390x
#   riscv64  riscv64
#   ppc64el  powerpc64le (its default), powerpc64le-64k (64 KiB pages)
# A flavour alone names its architecture; "rt" is the PREEMPT_RT flavour
# of ARCH (amd64 by default): "--flavour rt 7.0", "rt:7.0".  --list shows
# the versions of one flavour (-v: every upload, with its suite and
# package).
#
# Only the path is printed on stdout; progress goes to stderr.  The file is
# always called vmlinuz, whatever the image is (a bzImage, arm64's gzipped
# Image, s390x's image, ppc64el's ELF vmlinux); beside it, "config" is the
# kernel's .config from the package and "source" says where it came from
# (package, version, suite, arch, flavour, release, sha256).
#
# Cache layout: amd64's cloud kernels in CACHE/kernels/VERSION/, the
# others in CACHE/kernels/ARCH/FLAVOUR/VERSION/; the package lists of
# amd64 in CACHE/apt/, of another architecture in CACHE/apt-ARCH/.
#
# The archive is found from the system's apt sources, but the system's apt
# configuration is neither used nor touched: apt runs with a private
# APT_CONFIG under the cache directory (scripts/apt-private.sh), so none of
# /etc/apt/apt.conf.d applies, its update hooks included; only
# Acquire::Check-Valid-Until is carried over.  The package lists there are
# refreshed at most once per CONFORM_APT_MAX_AGE seconds (or with
# --refresh).  A kernel that is already cached is returned without touching
# the network.
#
# Environment:
#   CONFORM_CACHE                cache root
#                                (default: ${XDG_CACHE_HOME:-~/.cache}/arena-conform)
#   CONFORM_APT_MAX_AGE          max age of the package lists, seconds (86400)
#   CONFORM_KERNEL_EXPERIMENTAL  1: also search Debian's experimental suite
#   CONFORM_DEBIAN_MIRROR        override the archive URI found in apt sources
#   CONFORM_SECURITY_MIRROR      override the security archive URI
#   CONFORM_APT_KEYRING          archive keyring
#                                (default: /usr/share/keyrings/debian-archive-keyring.gpg)
#
# Exit codes: 0 ok, 1 error (not found, download failed), 2 usage.

set -euo pipefail
shopt -s inherit_errexit

readonly PROG=${0##*/}
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=apt-private.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/apt-private.sh"
readonly CACHE=${CONFORM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/arena-conform}
readonly MAX_AGE=${CONFORM_APT_MAX_AGE:-86400}

# Set by set_flavour(): what to fetch, and where it goes.
ARCH=amd64
FLAVOUR=cloud-amd64
APT_ROOT=
KERNELS=
TABLE=
UNAVAILABLE=	# rows whose package did not download, until the next update

readonly MAIN_SUITES=(bookworm bookworm-updates bookworm-backports
		      trixie trixie-updates trixie-backports sid)
readonly SECURITY_SUITES=(bookworm-security trixie-security)

TMP_DIR=

# The flavours of an architecture, the default first.
arch_flavours()
{
	case $1 in
	amd64)		echo cloud-amd64 rt-amd64 ;;
	arm64)		echo cloud-arm64 rt-arm64 ;;
	s390x)		echo s390x ;;
	riscv64)	echo riscv64 ;;
	ppc64el)	echo powerpc64le powerpc64le-64k ;;
	*)		return 1 ;;
	esac
}

readonly ALL_ARCHES=(amd64 arm64 s390x riscv64 ppc64el)

# The architecture a flavour belongs to.
flavour_arch()
{
	local arch f

	for arch in "${ALL_ARCHES[@]}"; do
		for f in $(arch_flavours "$arch"); do
			if [[ $f == "$1" ]]; then
				echo "$arch"
				return 0
			fi
		done
	done
	return 1
}

# set_flavour ARCH FLAVOUR (either may be empty): check them, set ARCH,
# FLAVOUR and the paths.
set_flavour()
{
	local arch=$1 flavour=$2 flavours

	if [[ $flavour == rt ]]; then
		flavour=rt-${arch:-amd64}
	fi
	if [[ -n $flavour ]]; then
		flavour_arch "$flavour" >/dev/null ||
			die "unknown flavour '$flavour' (known: $(for a in "${ALL_ARCHES[@]}"; do arch_flavours "$a"; done | tr '\n' ' '))"
		if [[ -z $arch ]]; then
			arch=$(flavour_arch "$flavour")
		fi
	fi
	arch=${arch:-amd64}
	flavours=$(arch_flavours "$arch") ||
		die "unknown architecture '$arch' (known: ${ALL_ARCHES[*]})"
	flavour=${flavour:-${flavours%% *}}
	[[ " $flavours " == *" $flavour "* ]] ||
		die "flavour $flavour is not one of $arch's ($flavours)"

	ARCH=$arch
	FLAVOUR=$flavour
	if [[ $arch == amd64 ]]; then
		APT_ROOT=$CACHE/apt
		KERNELS=$CACHE/kernels
		if [[ $flavour != cloud-amd64 ]]; then
			KERNELS=$CACHE/kernels/amd64/$flavour
		fi
	else
		APT_ROOT=$CACHE/apt-$arch
		KERNELS=$CACHE/kernels/$arch/$flavour
	fi
	TABLE=$APT_ROOT/kernels.tsv
	UNAVAILABLE=$APT_ROOT/unavailable.tsv
}

# Is PKG an image package of FLAVOUR?  See build_table for the names.
pkg_of_flavour()
{
	local pkg=$1 flavour=$2

	[[ $pkg == *-"$flavour" || $pkg == *-"$flavour"-unsigned ]]
}

cleanup()
{
	if [[ -n $TMP_DIR ]]; then
		rm -rf -- "$TMP_DIR"
	fi
}

# Write the private sources list to stdout.
private_sources()
{
	local suite
	local -a suites=("${MAIN_SUITES[@]}")

	if [[ ${CONFORM_KERNEL_EXPERIMENTAL:-0} == 1 ]]; then
		suites+=(experimental)
	fi
	for suite in "${suites[@]}"; do
		apt_source_line deb "$APT_DEBIAN_URI" "$suite"
	done
	for suite in "${SECURITY_SUITES[@]}"; do
		apt_source_line deb "$APT_SECURITY_URI" "$suite"
	done
	# The kernel table holds these flavours' images: when the list
	# changes (a new flavour), the lists are stale and the table is made
	# anew.
	echo "# flavours: $(arch_flavours "$ARCH")"
}

# Are the private lists present, recent and made from the current sources?
# A condition: each step checks for itself.
lists_fresh()
{
	[[ -f $TABLE ]] || return 1
	apt_lists_fresh "$MAX_AGE"
}

# Print "EXACT VERSION RANK SUITE PACKAGE" for every package of the lists
# that holds a kernel image of one of ARCH's flavours.  EXACT is the
# upstream version ("~" turned into "-"); RANK 0 is the signed image, 1 the
# unsigned one.
#
# Up to 6.18 the image is in linux-image-ABI-FLAVOUR[-unsigned]; from
# 6.19 on that package is only a wrapper, and the image is in
# linux-binary[-unsigned]-ABI-FLAVOUR.
build_table()
{
	local suite file flavours

	flavours=$(arch_flavours "$ARCH" | tr ' ' '|')

	# shellcheck disable=SC2016 # apt's own $(FIELD) format, not ours
	apt_get indextargets \
		--format '$(RELEASE) $(FILENAME)' 'Created-By: Packages' |
	while read -r suite file; do
		[[ -f $file ]] || continue
		/usr/lib/apt/apt-helper cat-file "$file" |
		awk -v suite="$suite" -v fl="($flavours)" '
		BEGIN { RS = ""; FS = "\n" }
		/^Package: linux-(image|binary)-/ {
			pkg = ver = dep = desc = ""
			for (l = 1; l <= NF; l++) {
				if ($l ~ /^Package: /)
					pkg = substr($l, 10)
				else if ($l ~ /^Version: /)
					ver = substr($l, 10)
				else if ($l ~ /^Depends: /)
					dep = $l
				else if ($l ~ /^Description: /)
					desc = $l
			}
			if (pkg ~ "^linux-binary-unsigned-.+-" fl "$")
				rank = 1
			else if (pkg ~ "^linux-binary-.+-" fl "$")
				rank = 0
			else if (pkg ~ "^linux-image-.+-" fl "-unsigned$")
				rank = 1
			else if (pkg ~ "^linux-image-.+-" fl "$")
				rank = 0
			else
				next
			if (pkg ~ /^linux-image-/ &&
			    (desc ~ /meta-package/ || dep ~ /linux-binary-/))
				next
			exact = ver
			sub(/^[0-9]+:/, "", exact)
			sub(/-[^-]*$/, "", exact)
			gsub(/~/, "-", exact)
			print exact, ver, rank, suite, pkg
		}'
	done | sort -u | sort -V -k2,2 -k3,3
}

refresh_lists()
{
	local rc status

	log "updating package lists ($APT_DEBIAN_URI, $APT_SECURITY_URI)"
	run_errexit apt_update
	rc=$status
	if (( rc )); then
		[[ -f $TABLE ]] || die "apt-get update failed"
		log "warning: apt-get update failed, using the old package lists"
		return
	fi
	build_table >"$TABLE.new"
	mv -f "$TABLE.new" "$TABLE"
	rm -f -- "$UNAVAILABLE"
	apt_stamp_lists
}

# Make sure there is a kernel table; refresh the lists if they are stale or
# FORCE is set.  The private sources list is rewritten first, so that a
# change of mirror or suites counts as stale.
ensure_lists()
{
	local force=$1

	apt_find_mirrors
	apt_private_init "$APT_ROOT" "$ARCH"
	private_sources | apt_set_sources

	if [[ $force == 1 ]] || ! lists_fresh; then
		refresh_lists
	fi
}

is_series()
{
	[[ $1 =~ ^[0-9]+\.[0-9]+$ ]]
}

# resolve SPEC [ROW...]: print the table row of the kernel that SPEC names
# (the newest, signed before unsigned), other than the ROWs, or nothing.
resolve()
{
	local spec=$1
	local exact ver rank suite pkg
	local best='' best_ver='' best_rank=''

	shift
	[[ -f $TABLE ]] || return 0

	while read -r exact ver rank suite pkg; do
		pkg_of_flavour "$pkg" "$FLAVOUR" || continue
		[[ " ${*/%/,} " != *" $exact $ver $rank $suite $pkg, "* ]] || continue
		if is_series "$spec"; then
			[[ $exact == "$spec" || $exact == "$spec".* ||
			   $exact == "$spec"-* ]] || continue
		else
			[[ $exact == "${spec//\~/-}" || $ver == "$spec" ]] ||
				continue
		fi
		if [[ -z $best ]] ||
		   dpkg --compare-versions "$ver" gt "$best_ver" ||
		   { [[ $ver == "$best_ver" ]] && (( rank < best_rank )); }; then
			best="$exact $ver $rank $suite $pkg"
			best_ver=$ver
			best_rank=$rank
		fi
	done <"$TABLE"

	if [[ -n $best ]]; then
		echo "$best"
	fi
}

# Directory name under $KERNELS for a table row: the upstream version, or
# the Debian version if that is what was asked for.
cache_key()
{
	local spec=$1 exact=$2 ver=$3

	if [[ $spec == "$ver" && $spec != "$exact" ]]; then
		echo "${ver//\~/-}"
	else
		echo "$exact"
	fi
}

download()
{
	local key=$1 ver=$2 suite=$3 pkg=$4
	local deb image release config

	mkdir -p "$KERNELS"
	TMP_DIR=$(mktemp -d "$CACHE/tmp.XXXXXX")

	log "downloading $pkg $ver ($suite)"
	if ! (cd "$TMP_DIR" && apt_get -q download "$pkg=$ver") >&2; then
		log "apt-get download $pkg=$ver failed"
		rm -rf -- "$TMP_DIR"
		TMP_DIR=
		return 1
	fi

	deb=$(find "$TMP_DIR" -maxdepth 1 -name '*.deb' -print -quit)
	[[ -n $deb ]] || die "no .deb downloaded for $pkg"
	dpkg-deb -x "$deb" "$TMP_DIR/root"

	# /boot/vmlinuz-RELEASE up to 6.18, /usr/lib/modules/RELEASE/vmlinuz
	# after; ppc64el's is an ELF, vmlinux.
	image=$(find "$TMP_DIR/root" \( -name 'vmlinuz*' -o -name 'vmlinux*' \) \
		-type f -print -quit)
	[[ -n $image ]] || die "no vmlinuz in $pkg $ver"
	case $image in
	*/boot/vmlinu[xz]-*)	release=${image##*/vmlinu[xz]-} ;;
	*/modules/*/vmlinu[xz])	release=${image%/*}; release=${release##*/} ;;
	*)			release= ;;
	esac
	config=$(find "$TMP_DIR/root" \( -name "config-$release" -o \
		-path "*/modules/$release/config" \) -type f -print -quit)

	mkdir "$TMP_DIR/out"
	mv "$image" "$TMP_DIR/out/vmlinuz"
	if [[ -n $config ]]; then
		mv "$config" "$TMP_DIR/out/config"
	else
		log "warning: no kernel config in $pkg $ver"
	fi
	{
		echo "package: $pkg"
		echo "version: $ver"
		echo "suite: $suite"
		echo "arch: $ARCH"
		echo "flavour: $FLAVOUR"
		echo "release: $release"
		echo "sha256: $(sha256sum <"$TMP_DIR/out/vmlinuz" | cut -d' ' -f1)"
	} >"$TMP_DIR/out/source"

	# Another fetch may have won the race while we were downloading.
	if [[ ! -f $KERNELS/$key/vmlinuz ]]; then
		rm -rf -- "${KERNELS:?}/$key"
		mv -T "$TMP_DIR/out" "$KERNELS/$key"
	fi
	rm -rf -- "$TMP_DIR"
	TMP_DIR=
}

# Newest cached kernel of a series, when there is no table at all.
cached_series()
{
	local spec=$1 dir

	for dir in "$KERNELS/$spec" "$KERNELS/$spec".* "$KERNELS/$spec"-*; do
		if [[ -f $dir/vmlinuz ]]; then
			echo "${dir##*/}"
		fi
	done | sort -V | tail -n 1
}

fetch()
{
	local spec=$1 refresh=$2
	local row key exact ver rank suite pkg
	local -a tried=()

	# Exact versions: a cache hit needs nothing else.
	key=${spec//\~/-}
	if ! is_series "$spec" && [[ $refresh == 0 &&
				      -f $KERNELS/$key/vmlinuz ]]; then
		echo "$KERNELS/$key/vmlinuz"
		return
	fi

	# Packages that did not download since the lists were updated.
	if [[ $refresh == 0 && -f $UNAVAILABLE ]]; then
		mapfile -t tried <"$UNAVAILABLE"
	fi

	# Series: resolve with whatever table there is; if that names a
	# cached kernel, we are done without the network.
	if [[ $refresh == 0 ]]; then
		row=$(resolve "$spec" ${tried[@]+"${tried[@]}"})
		if [[ -n $row ]]; then
			read -r exact ver rank suite pkg <<<"$row"
			key=$(cache_key "$spec" "$exact" "$ver")
			if [[ -f $KERNELS/$key/vmlinuz ]]; then
				echo "$KERNELS/$key/vmlinuz"
				return
			fi
		elif [[ ! -f $TABLE ]] && is_series "$spec"; then
			key=$(cached_series "$spec")
			if [[ -n $key ]]; then
				echo "$KERNELS/$key/vmlinuz"
				return
			fi
		fi
	fi

	ensure_lists "$refresh"
	# A package the lists name may not download (the archive answers
	# 404 for some): then the next one SPEC matches, an older upload.
	# Such a row is noted in UNAVAILABLE, and not tried again until the
	# lists are updated.
	if [[ $refresh == 1 ]]; then
		tried=()
	fi
	while :; do
		row=$(resolve "$spec" ${tried[@]+"${tried[@]}"})
		if [[ -z $row ]]; then
			(( ${#tried[@]} == 0 )) ||
				die "no Debian $FLAVOUR kernel matching '$spec' downloads (${#tried[@]} did not; $UNAVAILABLE)"
			die "no Debian $FLAVOUR kernel matches '$spec' (try: $PROG --list --flavour $FLAVOUR)"
		fi
		read -r exact ver rank suite pkg <<<"$row"
		key=$(cache_key "$spec" "$exact" "$ver")
		if [[ -f $KERNELS/$key/vmlinuz ]] ||
		   download "$key" "$ver" "$suite" "$pkg"; then
			break
		fi
		tried+=("$row")
		printf '%s\n' "$row" >>"$UNAVAILABLE"
		log "trying the next kernel that matches '$spec'"
	done
	# The cache holds one kernel per upstream version: it may be another
	# build of it (+deb12, +deb13) than the row's; say which.
	if [[ -f $KERNELS/$key/source ]]; then
		pkg=$(sed -n 's/^package: *//p' "$KERNELS/$key/source")
		ver=$(sed -n 's/^version: *//p' "$KERNELS/$key/source")
		suite=$(sed -n 's/^suite: *//p' "$KERNELS/$key/source")
	fi
	log "$spec -> $key ($pkg $ver, $suite)"
	echo "$KERNELS/$key/vmlinuz"
}

list()
{
	local verbose=$1 refresh=$2 exact ver rank suite pkg

	ensure_lists "$refresh"
	if [[ $verbose == 1 ]]; then
		printf '%-12s %-22s %-20s %s\n' EXACT VERSION SUITE PACKAGE
	fi
	while read -r exact ver rank suite pkg; do
		pkg_of_flavour "$pkg" "$FLAVOUR" || continue
		if [[ $verbose == 1 ]]; then
			printf '%-12s %-22s %-20s %s\n' "$exact" "$ver" "$suite" "$pkg"
		else
			echo "$exact"
		fi
	done <"$TABLE" | if [[ $verbose == 1 ]]; then cat; else awk '!seen[$0]++'; fi
}

main()
{
	local refresh=0 do_list=0 verbose=0 spec='' arch='' flavour='' qual

	while (( $# )); do
		case $1 in
		--refresh)	refresh=1 ;;
		--arch)		(( $# >= 2 )) || usage; arch=$2; shift ;;
		--arch=*)	arch=${1#*=} ;;
		--flavour|--flavor)
				(( $# >= 2 )) || usage; flavour=$2; shift ;;
		--flavour=*|--flavor=*)
				flavour=${1#*=} ;;
		--list)		do_list=1 ;;
		-v|--verbose)	verbose=1 ;;
		-h|--help)	usage 0 ;;
		-*)		log "unknown option: $1"; usage ;;
		*)		[[ -z $spec ]] || usage; spec=$1 ;;
		esac
		shift
	done

	# ARCH:VERSION or FLAVOUR:VERSION
	if [[ $spec == *:* ]]; then
		qual=${spec%%:*}
		spec=${spec#*:}
		if arch_flavours "$qual" >/dev/null; then
			[[ -z $arch || $arch == "$qual" ]] ||
				die "$qual:$spec contradicts --arch $arch"
			arch=$qual
		elif [[ $qual == rt ]] || flavour_arch "$qual" >/dev/null; then
			[[ -z $flavour || $flavour == "$qual" ]] ||
				die "$qual:$spec contradicts --flavour $flavour"
			flavour=$qual
		else
			die "'$qual' in '$qual:$spec' is neither an architecture (${ALL_ARCHES[*]}) nor a flavour"
		fi
	fi
	set_flavour "$arch" "$flavour"

	mkdir -p "$CACHE"
	trap cleanup EXIT

	# One fetch at a time per cache: apt's lists and the kernel
	# directories are shared.
	exec 9>"$CACHE/.fetch.lock"
	flock 9

	if [[ $do_list == 1 ]]; then
		[[ -z $spec ]] || usage
		list "$verbose" "$refresh"
	elif [[ -n $spec ]]; then
		fetch "$spec" "$refresh"
	elif [[ $refresh == 1 ]]; then
		ensure_lists 1
	else
		usage
	fi
}

main "$@"
