#!/usr/bin/env bash
# Run the suite on the running kernel: what `make check` does.
# Arguments go to the runner (e.g. -t xdp, -v, --json FILE).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if ((EUID != 0)); then
	echo "check: the suite loads BPF programs and needs root (CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN)." >&2
	echo "check: run 'sudo make check'." >&2
	exit 4
fi
exec "$root/build/conform" "$@"
