#!/usr/bin/env bash
#
# install.sh - install the suite as a kselftest directory
#
# Usage: install.sh INSTALL_PATH
#
# Run after "make all build/conform-static".  INSTALL_PATH gets:
#   Makefile          lib.mk's conventions: TEST_PROGS, TEST_FILES,
#                     TEST_GEN_FILES, "include ../lib.mk"
#   arena_conform.sh  the entry point (TEST_PROGS): runs ./conform with its
#                     arguments, KTAP on stdout, exit 0 pass, 1 fail, 4 skip
#   conform           the static runner       }
#   progs/*.bpf.o     the BPF objects         } TEST_FILES
#   expected/*.rules  the expectations        }
#   config            the kernel config fragment (scripts/config)
#   settings          kselftest settings: the per-test timeout
#
# Copied into a kernel tree as tools/testing/selftests/bpf_arena_conform/,
# it runs with "make -C tools/testing/selftests TARGETS=bpf_arena_conform
# run_tests", and kselftest_install.sh installs it for run_kselftest.sh.
# kselftest's runner.sh honours settings and passes
# KSELFTEST_ARENA_CONFORM_SH_ARGS as arguments.  The runner finds progs/
# and expected/ beside itself, so the directory also runs on its own,
# copied anywhere (a VM, a target board): ./arena_conform.sh.
#
# The new directory is assembled next to INSTALL_PATH and moved into place
# only when complete, so a failure leaves nothing half-written.  An existing
# INSTALL_PATH is replaced only if it is empty or an earlier install.
#
# -h, --help prints this text.
#
# Environment: none of its own.
#
# Exit status: 0 installed, 1 error, 2 usage.

set -euo pipefail

readonly PROG=${0##*/}
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
readonly SCRIPT_DIR
readonly REPO_ROOT=${SCRIPT_DIR%/*}

readonly RUNNER=$REPO_ROOT/build/conform-static
readonly PROGS_DIR=$REPO_ROOT/build/progs
readonly EXPECTED_DIR=$REPO_ROOT/expected
readonly CONFIG=$SCRIPT_DIR/config
readonly ENTRY=arena_conform.sh
# The variable runner.sh takes the entry point's arguments from:
# KSELFTEST_<NAME, upper case, non-alphanumerics as _>_ARGS.
readonly ENTRY_VAR=ARENA_CONFORM_SH

# kselftest's default is 45 s per test.  The whole suite takes well under
# a second on a host and about 5 s in a TCG VM; leave room for slow boards
# and debug kernels.
readonly TIMEOUT=120

STAGE=
OLD=

# shellcheck disable=SC2317 # called from a trap
cleanup()
{
	if [[ -n $STAGE ]]; then
		rm -rf -- "$STAGE"
	fi
	if [[ -n $OLD ]]; then
		rm -rf -- "$OLD"
	fi
}

check_inputs()
{
	[[ -x $RUNNER ]] || die "$RUNNER missing (make build/conform-static)"
	if command -v readelf >/dev/null &&
	   readelf -l "$RUNNER" 2>/dev/null | grep -q INTERP; then
		die "$RUNNER is dynamically linked; it must be static"
	fi
	compgen -G "$PROGS_DIR/*.bpf.o" >/dev/null ||
		die "no BPF objects in $PROGS_DIR (make all)"
	compgen -G "$EXPECTED_DIR/*.rules" >/dev/null ||
		die "no rules in $EXPECTED_DIR"
	[[ -f $CONFIG ]] || die "$CONFIG missing"
}

# May TARGET be replaced?  Yes if it does not exist, is empty, or holds an
# earlier install; anything else may be someone's files.
replaceable()
{
	local target=$1

	[[ -e $target || -L $target ]] || return 0
	[[ -d $target && ! -L $target ]] || return 1
	[[ -z $(ls -A -- "$target") ]] && return 0
	# (run_tests: the entry point of installs before arena_conform.sh.)
	[[ ( -f $target/$ENTRY || -f $target/run_tests ) &&
	   -f $target/conform && -f $target/settings ]]
}

# The entry point.  Not "run_tests": that is lib.mk's target.
write_entry()
{
	cat <<'EOF'
#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# arena_conform.sh - kselftest entry point of the bpf_arena_free_pages()
# conformance suite: run ./conform from this directory with our arguments
# (./conform --help).  KTAP on stdout.  Exit status as kselftest expects:
# 0 pass, 1 fail, 4 skip (not root, no vmlinux BTF).  The runner's 2 (bad
# usage or input) would read as KSFT_XFAIL, so it, and anything else,
# becomes 1.

cd "$(dirname "$0")" || exit 1
./conform "$@"
rc=$?
case $rc in
0|1|4)	exit $rc ;;
esac
echo "# arena_conform.sh: conform exited $rc"
exit 1
EOF
}

# The Makefile, for tools/testing/selftests/bpf_arena_conform/.
write_makefile()
{
	cat <<EOF
# SPDX-License-Identifier: GPL-2.0
#
# The bpf_arena_free_pages() conformance suite as a kselftest target, for
# tools/testing/selftests/bpf_arena_conform/.  It comes prebuilt (the
# suite's "make install"): the static runner, the BPF objects and the
# rules that judge them.  lib.mk runs TEST_PROGS, and installs them with
# TEST_FILES, config and settings.
#
#   make -C tools/testing/selftests TARGETS=bpf_arena_conform run_tests
#   KSELFTEST_${ENTRY_VAR}_ARGS="-a xdp" ...   the runner's arguments

TEST_PROGS := $ENTRY
TEST_FILES := conform progs expected
# Nothing is built in the kernel tree, so nothing is generated here; a
# file named here would also be removed by "make clean".
TEST_GEN_FILES :=

include ../lib.mk
EOF
}

# Assemble the install in STAGE.
populate()
{
	local dir=$1

	install -m 755 -- "$RUNNER" "$dir/conform"
	mkdir -p -- "$dir/progs" "$dir/expected"
	install -m 644 -t "$dir/progs" -- "$PROGS_DIR"/*.bpf.o
	install -m 644 -t "$dir/expected" -- "$EXPECTED_DIR"/*.rules
	install -m 644 -- "$CONFIG" "$dir/config"
	printf 'timeout=%d\n' "$TIMEOUT" >"$dir/settings"
	write_entry >"$dir/$ENTRY"
	chmod 755 -- "$dir/$ENTRY"
	write_makefile >"$dir/Makefile"
	chmod 755 -- "$dir"
}

main()
{
	local target parent name arg

	for arg; do
		case $arg in
		-h|--help) usage 0 ;;
		esac
	done
	[[ $# -eq 1 && -n $1 && $1 != -* ]] || usage
	target=${1%/}
	[[ -n $target ]] || die "refusing to install to /"
	check_inputs

	parent=$(dirname -- "$target")
	name=$(basename -- "$target")
	mkdir -p -- "$parent"
	replaceable "$target" ||
		die "$target exists and is not an earlier install; not replacing it"

	trap cleanup EXIT
	STAGE=$(mktemp -d "$parent/.$name.new.XXXXXX")
	populate "$STAGE"

	# Swap: the old install (if any) goes aside, then the new one in.
	if [[ -e $target ]]; then
		OLD=$(mktemp -d "$parent/.$name.old.XXXXXX")
		mv -- "$target" "$OLD/"
	fi
	if ! mv -T -- "$STAGE" "$target"; then
		if [[ -n $OLD ]]; then
			mv -T -- "$OLD/$name" "$target" || true
		fi
		die "cannot move the new install to $target"
	fi
	STAGE=
	log "installed to $target"
}

main "$@"
