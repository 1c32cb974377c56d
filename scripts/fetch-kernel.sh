#!/usr/bin/env bash
#
# fetch-kernel.sh - download a Debian cloud kernel image for VM testing
#
# Usage:
#   fetch-kernel.sh [--refresh] VERSION   print the path of a cached vmlinuz
#   fetch-kernel.sh [--refresh] --list [-v]
#
# VERSION is a series ("6.1", "6.12", "7.0": the newest upload of that
# series), an upstream version ("6.12.57", "7.3-rc7": the newest Debian
# upload of it) or a full Debian version ("6.12.117-1~deb12u1").
#
# Only the path is printed on stdout; progress goes to stderr.
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
readonly APT_ROOT=$CACHE/apt
readonly KERNELS=$CACHE/kernels
readonly TABLE=$APT_ROOT/kernels.tsv
readonly MAX_AGE=${CONFORM_APT_MAX_AGE:-86400}

readonly MAIN_SUITES=(bookworm bookworm-updates bookworm-backports
		      trixie trixie-updates trixie-backports sid)
readonly SECURITY_SUITES=(bookworm-security trixie-security)

TMP_DIR=

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
}

# Are the private lists present, recent and made from the current sources?
# A condition: each step checks for itself.
lists_fresh()
{
	[[ -f $TABLE ]] || return 1
	apt_lists_fresh "$MAX_AGE"
}

# Print "EXACT VERSION RANK SUITE PACKAGE" for every package of the lists
# that holds a cloud kernel image.  EXACT is the upstream version ("~"
# turned into "-"); RANK 0 is the signed image, 1 the unsigned one.
#
# Up to 6.18 the image is in linux-image-ABI-cloud-amd64[-unsigned]; from
# 6.19 on that package is only a wrapper, and the image is in
# linux-binary[-unsigned]-ABI-cloud-amd64.
build_table()
{
	local suite file

	# shellcheck disable=SC2016 # apt's own $(FIELD) format, not ours
	apt_get indextargets \
		--format '$(RELEASE) $(FILENAME)' 'Created-By: Packages' |
	while read -r suite file; do
		[[ -f $file ]] || continue
		/usr/lib/apt/apt-helper cat-file "$file" |
		awk -v suite="$suite" '
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
			if (pkg ~ /^linux-binary-unsigned-.+-cloud-amd64$/)
				rank = 1
			else if (pkg ~ /^linux-binary-.+-cloud-amd64$/)
				rank = 0
			else if (pkg ~ /^linux-image-.+-cloud-amd64-unsigned$/)
				rank = 1
			else if (pkg ~ /^linux-image-.+-cloud-amd64$/)
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
	apt_stamp_lists
}

# Make sure there is a kernel table; refresh the lists if they are stale or
# FORCE is set.  The private sources list is rewritten first, so that a
# change of mirror or suites counts as stale.
ensure_lists()
{
	local force=$1

	apt_find_mirrors
	apt_private_init "$APT_ROOT" amd64
	private_sources | apt_set_sources

	if [[ $force == 1 ]] || ! lists_fresh; then
		refresh_lists
	fi
}

is_series()
{
	[[ $1 =~ ^[0-9]+\.[0-9]+$ ]]
}

# Print the table row of the kernel that SPEC names, or nothing.
resolve()
{
	local spec=$1
	local exact ver rank suite pkg
	local best='' best_ver='' best_rank=''

	[[ -f $TABLE ]] || return 0

	while read -r exact ver rank suite pkg; do
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
	local deb image

	mkdir -p "$KERNELS"
	TMP_DIR=$(mktemp -d "$CACHE/tmp.XXXXXX")

	log "downloading $pkg $ver ($suite)"
	(cd "$TMP_DIR" && apt_get -q download "$pkg=$ver") >&2 ||
		die "apt-get download $pkg=$ver failed"

	deb=$(find "$TMP_DIR" -maxdepth 1 -name '*.deb' -print -quit)
	[[ -n $deb ]] || die "no .deb downloaded for $pkg"
	dpkg-deb -x "$deb" "$TMP_DIR/root"

	# /boot/vmlinuz-ABI up to 6.18, /usr/lib/modules/ABI/vmlinuz after.
	image=$(find "$TMP_DIR/root" -name 'vmlinuz*' -type f -print -quit)
	[[ -n $image ]] || die "no vmlinuz in $pkg $ver"

	mkdir "$TMP_DIR/out"
	mv "$image" "$TMP_DIR/out/vmlinuz"
	{
		echo "package: $pkg"
		echo "version: $ver"
		echo "suite: $suite"
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

	# Exact versions: a cache hit needs nothing else.
	key=${spec//\~/-}
	if ! is_series "$spec" && [[ $refresh == 0 &&
				      -f $KERNELS/$key/vmlinuz ]]; then
		echo "$KERNELS/$key/vmlinuz"
		return
	fi

	# Series: resolve with whatever table there is; if that names a
	# cached kernel, we are done without the network.
	if [[ $refresh == 0 ]]; then
		row=$(resolve "$spec")
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
	row=$(resolve "$spec")
	[[ -n $row ]] ||
		die "no Debian cloud kernel matches '$spec' (try: $PROG --list)"
	read -r exact ver rank suite pkg <<<"$row"
	key=$(cache_key "$spec" "$exact" "$ver")

	if [[ ! -f $KERNELS/$key/vmlinuz ]]; then
		download "$key" "$ver" "$suite" "$pkg"
	fi
	log "$spec -> $key ($pkg $ver, $suite)"
	echo "$KERNELS/$key/vmlinuz"
}

list()
{
	local verbose=$1 refresh=$2

	ensure_lists "$refresh"
	if [[ $verbose == 1 ]]; then
		printf '%-12s %-22s %-20s %s\n' EXACT VERSION SUITE PACKAGE
		awk '{ printf "%-12s %-22s %-20s %s\n", $1, $2, $4, $5 }' "$TABLE"
	else
		awk '!seen[$1]++ { print $1 }' "$TABLE"
	fi
}

main()
{
	local refresh=0 do_list=0 verbose=0 spec=

	while (( $# )); do
		case $1 in
		--refresh)	refresh=1 ;;
		--list)		do_list=1 ;;
		-v|--verbose)	verbose=1 ;;
		-h|--help)	usage 0 ;;
		-*)		log "unknown option: $1"; usage ;;
		*)		[[ -z $spec ]] || usage; spec=$1 ;;
		esac
		shift
	done

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
