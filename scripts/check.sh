#!/usr/bin/env bash
#
# check.sh - run the suite on the running kernel: what make check does
#
# Usage: check.sh [RUNNER-OPTIONS...]
#
# Runs the runner, build/conform (make all builds it), with RUNNER-OPTIONS,
# e.g. -t xdp, -v, --json FILE; build/conform --help lists them all.  KTAP
# on stdout.  The suite loads BPF programs: it needs root (CAP_SYS_ADMIN,
# CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN).
#
# -h, --help prints this text, not the runner's.
#
# Environment: none of its own.
#
# Exit status: the runner's (0 all passed, 1 a test failed, 2 bad usage or
# input, 4 everything skipped or the kernel cannot run the suite); 4 also
# when not root, 127 when build/conform is missing.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

for arg; do
	case $arg in
	--) break ;;
	-h|--help) usage 0 ;;
	esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if ((EUID != 0)); then
	echo "check: the suite loads BPF programs and needs root (CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN)." >&2
	echo "check: run 'sudo make check'." >&2
	exit 4
fi
exec "$root/build/conform" "$@"
