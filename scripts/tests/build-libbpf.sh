#!/usr/bin/env bash
# scripts/build-libbpf.sh: a static libbpf >= 1.6 from Debian's source.
#   The layout (lib/libbpf.a, lib/pkgconfig/libbpf.pc, include/bpf/*.h,
#   uapi/linux/bpf.h) and a static program linked against it; a second
#   run does nothing and touches no network.  With fake trees (instant
#   builds): LIBBPF_SRC builds a libbpf checkout or a kernel's tools/lib/bpf
#   and fetches nothing, a changed source file or CC is rebuilt, CC reaches
#   make; the patches of debian/patches/series are applied; a tarball that
#   does not match its .dsc, a missing LIBBPF_SRC and a version older than
#   1.6 fail with exit 1.
# The first run in a cold cache downloads the source (about 13 MB).
# Ends with "build-libbpf: N passed, N failed".
set -euo pipefail
shopt -s inherit_errexit

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$root/scripts/build-libbpf.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

# No network: a dead proxy and a mirror that does not exist.
offline() {
	http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 \
		CONFORM_DEBIAN_MIRROR=http://127.0.0.1:9/debian "$@"
}

# run CODE OUTFILE COMMAND...: COMMAND exits CODE; stdout to OUTFILE,
# stderr to OUTFILE.err.
run() {
	local code=$1 out=$2 rc status
	shift 2
	run_errexit "$@" >"$out" 2>"$out.err"
	rc=$status
	cat "$out.err"
	if ((rc != code)); then
		echo "exit $rc, want $code"
		return 1
	fi
}

at_least_16() {
	[[ $(printf '1.6\n%s\n' "$1" | sort -V | head -n 1) == 1.6 ]]
}

layout() {
	local v
	run 0 "$tmp/first" "$build" "$tmp/out"
	v=$(<"$tmp/first")
	echo "built $v"
	at_least_16 "$v"
	[[ -f $tmp/out/lib/libbpf.a && -f $tmp/out/include/bpf/libbpf.h &&
	   -f $tmp/out/include/bpf/bpf.h && -f $tmp/out/include/bpf/btf.h &&
	   -f $tmp/out/uapi/linux/bpf.h ]]
	[[ $(sed -n 's/^Version: //p' "$tmp/out/lib/pkgconfig/libbpf.pc") == "$v" ]]
	grep -q "^version: $v\$" "$tmp/out/.source"
	grep -Eq "built libbpf $v into $tmp/out in ([0-9]+m)?[0-9.]+s" "$tmp/first.err"
}
check "a build: lib/libbpf.a, include/bpf/*.h, libbpf.pc, version >= 1.6" layout

# The object API, linked statically, as the runner will be.
links() {
	cat >"$tmp/prog.c" <<-'EOF'
	#include <stdio.h>
	#include <bpf/libbpf.h>
	#include <bpf/btf.h>
	int main(void)
	{
		struct bpf_object *obj = bpf_object__open("/nonexistent.bpf.o");

		printf("%u.%u %s\n", libbpf_major_version(), libbpf_minor_version(),
		       obj ? "opened" : "refused");
		return 0;
	}
	EOF
	"${CC:-cc}" -static -I"$tmp/out/include" "$tmp/prog.c" "$tmp/out/lib/libbpf.a" \
		-lelf -lz -o "$tmp/prog"
	"$tmp/prog" 2>/dev/null | tee "$tmp/prog.out"
	grep -qx "$(cut -d. -f1,2 "$tmp/first") refused" "$tmp/prog.out"
}
check "a static program using bpf_object__open() links and runs" links

again() {
	local before
	before=$(stat -c %y "$tmp/out/lib/libbpf.a")
	offline run 0 "$tmp/second" "$build" "$tmp/out"
	grep -q 'is up to date' "$tmp/second.err"
	cmp "$tmp/first" "$tmp/second"
	[[ $(stat -c %y "$tmp/out/lib/libbpf.a") == "$before" ]]
}
check "a second run does nothing, offline" again

# Fake trees, for the script's own logic without a real build: a libbpf
# checkout (src/Makefile) and a kernel's tools/lib/bpf, whose Makefiles
# take what libbpf's take and install a one-object libbpf.a, a header and
# libbpf.pc with the version of libbpf.map.  fake_libbpf DIR VERSION.
# shellcheck disable=SC2016 # make's $(...), not the shell's
fake_libbpf() {
	local dir=$1/src
	mkdir -p "$dir"
	printf 'LIBBPF_%s {\n};\n' "$2" >"$dir/libbpf.map"
	echo '/* fake */' >"$dir/libbpf.h"
	echo 'int libbpf_fake(void) { return 0; }' >"$dir/libbpf.c"
	{
		echo 'VERSION := $(shell grep -oE "^LIBBPF_[0-9.]+" libbpf.map | cut -d_ -f2)'
		echo 'install:'
		printf '\t@test "$(BUILD_STATIC_ONLY)" = y\n'
		printf '\tmkdir -p $(OBJDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/bpf\n'
		printf '\t$(CC) -c libbpf.c -o $(OBJDIR)/libbpf.o\n'
		printf '\tar rcs $(DESTDIR)$(LIBDIR)/libbpf.a $(OBJDIR)/libbpf.o\n'
		printf '\tcp libbpf.h $(DESTDIR)$(INCLUDEDIR)/bpf/\n'
		printf '\tprintf "Version: %%s\\n" $(VERSION) >$(DESTDIR)$(LIBDIR)/pkgconfig/libbpf.pc\n'
		printf '\techo "$(CC)" >$(OBJDIR)/cc\n'
		echo 'install_uapi_headers:'
		printf '\tmkdir -p $(DESTDIR)$(UAPIDIR)/linux && touch $(DESTDIR)$(UAPIDIR)/linux/bpf.h\n'
	} >"$dir/Makefile"
}

# shellcheck disable=SC2016 # make's $(...), not the shell's
fake_kernel() {
	local dir=$1/tools/lib/bpf
	mkdir -p "$dir" "$1/tools/include/uapi/linux"
	touch "$1"/tools/include/uapi/linux/{bpf.h,bpf_common.h,btf.h}
	printf 'LIBBPF_%s {\n};\n' "$2" >"$dir/libbpf.map"
	echo '/* fake */' >"$dir/libbpf.h"
	echo 'int libbpf_fake(void) { return 0; }' >"$dir/libbpf.c"
	{
		echo 'VERSION := $(shell grep -oE "^LIBBPF_[0-9.]+" libbpf.map | cut -d_ -f2)'
		echo '$(OUTPUT)libbpf.a:'
		printf '\t$(CC) -c libbpf.c -o $(OUTPUT)libbpf.o && ar rcs $@ $(OUTPUT)libbpf.o\n'
		echo 'install_headers:'
		printf '\tmkdir -p $(DESTDIR)$(prefix)/include/bpf && cp libbpf.h $(DESTDIR)$(prefix)/include/bpf/\n'
		echo 'install_pkgconfig:'
		printf '\tmkdir -p $(DESTDIR)$(libdir)/pkgconfig\n'
		printf '\tprintf "Version: %%s\\n" $(VERSION) >$(DESTDIR)$(libdir)/pkgconfig/libbpf.pc\n'
	} >"$dir/Makefile"
}

fake_libbpf "$tmp/src" 1.7.0
fake_libbpf "$tmp/old-src" 1.5.0
fake_kernel "$tmp/linux" 1.8.0

from_tree() {
	offline run 0 "$tmp/t1" env LIBBPF_SRC="$tmp/src" "$build" "$tmp/own"
	[[ $(<"$tmp/t1") == 1.7.0 ]]
	grep -qx "source: $tmp/src" "$tmp/own/.source"
	[[ -f $tmp/own/lib/libbpf.a && -f $tmp/own/include/bpf/libbpf.h &&
	   -f $tmp/own/uapi/linux/bpf.h ]]
	offline run 0 "$tmp/t2" env LIBBPF_SRC="$tmp/src" "$build" "$tmp/own"
	grep -q 'is up to date' "$tmp/t2.err"
	sleep 1
	touch "$tmp/src/src/libbpf.c"
	offline run 0 "$tmp/t3" env LIBBPF_SRC="$tmp/src" "$build" "$tmp/own"
	grep -q 'built libbpf 1.7.0' "$tmp/t3.err"
}
check "LIBBPF_SRC: built offline, then up to date; a changed source file is rebuilt" \
	from_tree

cc_passed() {
	offline run 0 "$tmp/cc1" env LIBBPF_SRC="$tmp/src" CC=gcc "$build" "$tmp/own"
	grep -q 'built libbpf' "$tmp/cc1.err"
	[[ $(<"$tmp/own/obj/cc") == gcc ]]
	grep -qx 'cc: gcc' "$tmp/own/.source"
	offline run 0 "$tmp/cc2" env LIBBPF_SRC="$tmp/src" CC=gcc "$build" "$tmp/own"
	grep -q 'is up to date' "$tmp/cc2.err"
}
check "CC reaches libbpf's make; another CC is another build" cc_passed

kernel_tree() {
	offline run 0 "$tmp/k" env LIBBPF_SRC="$tmp/linux/tools/lib/bpf" "$build" "$tmp/kout"
	[[ $(<"$tmp/k") == 1.8.0 ]]
	[[ -f $tmp/kout/lib/libbpf.a && -f $tmp/kout/include/bpf/libbpf.h &&
	   -f $tmp/kout/uapi/linux/btf.h && -f $tmp/kout/lib/pkgconfig/libbpf.pc ]]
}
check "LIBBPF_SRC=tools/lib/bpf of a kernel tree: the same layout" kernel_tree

too_old() {
	offline run 1 "$tmp/old" env LIBBPF_SRC="$tmp/old-src" "$build" "$tmp/old-out"
	grep -q 'libbpf 1.5.0 is older than the 1.6 the runner needs' "$tmp/old.err"
	# Built, too old: not "up to date" the next time either.
	[[ ! -e $tmp/old-out/.source ]]
	offline run 1 "$tmp/old" env LIBBPF_SRC="$tmp/old-src" "$build" "$tmp/old-out"
	grep -q 'building libbpf 1.5.0' "$tmp/old.err"
	# An up-to-date build is held to LIBBPF_MIN_VERSION as well.
	offline run 1 "$tmp/old" env LIBBPF_MIN_VERSION=99.0 "$build" "$tmp/out"
	grep -q 'is older than the 99.0 the runner needs' "$tmp/old.err"
}
check "a libbpf older than 1.6 (LIBBPF_MIN_VERSION) fails, built or up to date" too_old

no_tree() {
	run 1 "$tmp/nt" env LIBBPF_SRC="$tmp/none" "$build" "$tmp/nt-out"
	grep -q "LIBBPF_SRC=$tmp/none: no such directory" "$tmp/nt.err"
}
check "LIBBPF_SRC that does not exist: exit 1" no_tree

usage_errors() {
	run 2 "$tmp/u" "$build"
	run 2 "$tmp/u" "$build" --bogus "$tmp/x"
	run 0 "$tmp/u" "$build" --help
	grep -q 'OUTDIR/lib/libbpf.a' "$tmp/u"
}
check "no OUTDIR or an unknown option: 2; --help: 0, on stdout" usage_errors

# A cache of our own holding a source package: the fake libbpf as the
# .orig tarball, and a Debian tarball with debian/patches/series.
plant() {
	local c=$tmp/cache2 f sum size
	mkdir -p "$c/libbpf/dl" "$tmp/pkg" "$tmp/deb/debian/patches"
	cp -a "$tmp/src" "$tmp/pkg/libbpf-0.0"
	tar -C "$tmp/pkg" -czf "$c/libbpf/dl/libbpf_0.0.orig.tar.gz" libbpf-0.0
	cat >"$tmp/deb/debian/patches/01-marker.patch" <<-'EOF'
	--- a/PATCHED-BY-SERIES
	+++ b/PATCHED-BY-SERIES
	@@ -0,0 +1 @@
	+applied
	EOF
	printf '# a comment\n01-marker.patch\n' >"$tmp/deb/debian/patches/series"
	tar -C "$tmp/deb" -cJf "$c/libbpf/dl/libbpf_0.0-1.debian.tar.xz" debian
	{
		echo "Format: 3.0 (quilt)"
		echo "Source: libbpf"
		echo "Version: 0.0-1"
		echo "Checksums-Sha256:"
		for f in libbpf_0.0.orig.tar.gz libbpf_0.0-1.debian.tar.xz; do
			sum=$(sha256sum <"$c/libbpf/dl/$f" | cut -d' ' -f1)
			size=$(stat -c %s "$c/libbpf/dl/$f")
			echo " $sum $size $f"
		done
	} >"$c/libbpf/dl/libbpf_0.0-1.dsc"
	echo libbpf_0.0-1.dsc >"$c/libbpf/current"
}

patched() {
	plant
	offline run 0 "$tmp/p" env CONFORM_CACHE="$tmp/cache2" "$build" "$tmp/p-out"
	grep -q 'applied 1 patch(es) of debian/patches/series' "$tmp/p.err"
	[[ $(<"$tmp/cache2/libbpf/src/libbpf-0.0-1/PATCHED-BY-SERIES") == applied ]]
	[[ -f $tmp/cache2/libbpf/src/libbpf-0.0-1/debian/patches/series ]]
	grep -qx 'package: libbpf_0.0-1.dsc' "$tmp/p-out/.source"
}
check "debian/patches/series is applied with patch, offline from the cache" patched

corrupt() {
	rm -rf "$tmp/cache2/libbpf/src"
	printf 'x' >>"$tmp/cache2/libbpf/dl/libbpf_0.0-1.debian.tar.xz"
	offline run 1 "$tmp/c" env CONFORM_CACHE="$tmp/cache2" "$build" "$tmp/c-out"
	grep -q 'do not match its checksums' "$tmp/c.err"
	[[ ! -e $tmp/cache2/libbpf/src/libbpf-0.0-1 ]]
}
check "a cached tarball that does not match the .dsc: exit 1, nothing unpacked" corrupt

finish build-libbpf
