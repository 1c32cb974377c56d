#!/usr/bin/env bash
#
# bisect-demo.sh - git bisect, for real, on Debian's kernel series
#
# Usage: bisect-demo.sh [-h|--help]
#
# Which is the first kernel in which a program that is not sleepable (XDP)
# may call bpf_arena_free_pages()?  A throwaway git repository gets one
# commit per Debian cloud kernel, oldest first; each commit stands for its
# kernel image: arch/x86/boot/bzImage is a symlink to the image that
# fetch-kernel.sh cached (downloaded if the cache is cold), bzImage.sha256
# is its checksum, "kernel" says where it came from.  scripts/bisect.sh is
# the step, as on a kernel tree, except that its config step is skipped
# and its "build" checks the image's checksum.  Only the plain xdp test
# runs (-a xdp -d xdp.s).
#
# The question is asked both ways round:
#   (a) good/bad, where good is the old behaviour: a rules file expects
#       every kernel to reject the program ("program must be sleepable");
#       the first bad commit is the first kernel that accepts it.
#   (b) git bisect start --term-old=rejects --term-new=accepts: a rules file
#       expects accept, and bisect.sh --pass-is-new turns a pass into
#       "accepts" and a failure into "rejects" (125 stays 125).
# Each direction first checks that the oldest kernel is old and the newest
# new, then lets git bisect run find the first new one.
#
# Exit status: 0 both directions name a 7.0 kernel, 1 they do not (or a
# step went wrong), 2 the runner or the BPF objects are not built, or bad
# usage.  -h, --help prints this text.
#
# Environment:
#   BISECT_DEMO_KERNELS  the series, oldest first
#                        (default: 6.12 6.16 6.17 6.18 6.19 7.0 7.1 7.2 7.3)
#   CONFORM_CACHE        cache root, as for fetch-kernel.sh and vmtest.sh

set -euo pipefail
shopt -s inherit_errexit

readonly PROG=${0##*/}
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
readonly SCRIPT_DIR
readonly REPO_ROOT=${SCRIPT_DIR%/*}

read -r -a KERNELS <<<"${BISECT_DEMO_KERNELS:-6.12 6.16 6.17 6.18 6.19 7.0 7.1 7.2 7.3}"
readonly KERNELS
# What the suite found with make matrix (docs/findings.md).
readonly EXPECTED_SERIES=7.0
readonly OLD_MESSAGE='program must be sleepable to call sleepable kfunc bpf_arena_free_pages'
readonly SELECT=(-a xdp -d xdp.s)

TMP_DIR=
REPO=
FIRST_NEW=

# shellcheck disable=SC2317 # called from a trap
cleanup()
{
	if [[ -n $TMP_DIR ]]; then
		rm -rf -- "$TMP_DIR"
	fi
}

# The demo's git must not depend on the user's configuration (signing,
# hooks, templates) and needs an identity of its own.
setup_git()
{
	export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
	export GIT_AUTHOR_NAME=bisect-demo GIT_AUTHOR_EMAIL=bisect-demo@localhost
	export GIT_COMMITTER_NAME=bisect-demo GIT_COMMITTER_EMAIL=bisect-demo@localhost
}

# One commit per kernel, oldest first.
make_repo()
{
	local series image dir exact sha t

	REPO=$TMP_DIR/kernels
	git init -q -b main "$REPO"
	mkdir -p "$REPO/arch/x86/boot"

	for series in "${KERNELS[@]}"; do
		t=$(now)
		image=$("$SCRIPT_DIR/fetch-kernel.sh" "$series" 2>>"$TMP_DIR/fetch.log") || {
			tail -n 20 "$TMP_DIR/fetch.log" >&2
			log "error: cannot fetch Debian's $series kernel"
			exit 1
		}
		dir=${image%/*}
		exact=${dir##*/}
		sha=$(sed -n 's/^sha256: //p' "$dir/source")
		[[ -n $sha ]] || sha=$(sha256sum <"$image" | cut -d' ' -f1)

		ln -sfn -- "$image" "$REPO/arch/x86/boot/bzImage"
		printf '%s  arch/x86/boot/bzImage\n' "$sha" >"$REPO/bzImage.sha256"
		cp -- "$dir/source" "$REPO/kernel"
		git -C "$REPO" add -A
		git -C "$REPO" commit -q -m "Debian $exact" -m "$(cat "$dir/source")"
		printf '  %-5s -> %-10s %s\n' "$series" "$exact" "$(since "$t")"
	done
}

# The kernel a commit stands for.
kernel_of()
{
	git -C "$REPO" log -1 --format=%s "$1" | sed 's/^Debian //'
}

# show_steps OLD NEW [NOTE]: print bisect.sh's step reports (see finish()
# there) as a table, in the bisection's terms.
show_steps()
{
	local old=$1 new=$2 note=${3:-}

	sed -nE 's/^bisect\.sh: [0-9a-f]+ Debian ([^:]+): ([a-z]+), exit [0-9]+ \(.*\); .*boot\+verdict ([^ ]+)$/\1 \2 \3/p' |
	while read -r exact word secs; do
		case $word in
		good|old)	word=$old ;;
		bad|new)	word=$new ;;
		esac
		printf '    %-10s %-8s %-9s %s\n' "$exact" "$word" "$note" "$secs"
	done
}

# endpoint REV WANT_CODE LOG OLD NEW STEP...: run the step on REV outside
# of a bisection; ENDPOINT_OK=1 if it gives WANT_CODE.
ENDPOINT_OK=0
endpoint()
{
	local rev=$1 want=$2 out=$3 old=$4 new=$5 rc=0 term

	shift 5
	git -C "$REPO" checkout -q --detach "$rev"
	(cd "$REPO" && "$@") >"$out" 2>&1 || rc=$?
	show_steps "$old" "$new" endpoint <"$out"
	git -C "$REPO" checkout -q main
	if (( rc != want )); then
		term=$old
		if (( want )); then
			term=$new
		fi
		log "error: $(kernel_of "$rev") must be $term, but the step exited $rc"
		tail -n 20 "$out" | sed 's/^/    /' >&2
		ENDPOINT_OK=0
		return
	fi
	ENDPOINT_OK=1
}

# direction NAME OLD NEW RULES [--pass-is-new]: bisect with terms OLD and
# NEW; set FIRST_NEW to the kernel git bisect names, or to nothing (after
# saying why) if it names none.
direction()
{
	local name=$1 old=$2 new=$3 rules=$4
	local oldest newest first rc=0
	local -a start step

	shift 4
	step=("$SCRIPT_DIR/bisect.sh" "$@" "${SELECT[@]}" --expected "$rules")
	oldest=$(git -C "$REPO" rev-list --max-parents=0 main)
	newest=$(git -C "$REPO" rev-parse main)
	FIRST_NEW=

	endpoint "$oldest" 0 "$TMP_DIR/$name-oldest.log" "$old" "$new" "${step[@]}"
	(( ENDPOINT_OK )) || return 0
	endpoint "$newest" 1 "$TMP_DIR/$name-newest.log" "$old" "$new" "${step[@]}"
	(( ENDPOINT_OK )) || return 0

	start=(git bisect start)
	if [[ $old != good ]]; then
		start+=(--term-old="$old" --term-new="$new")
	fi
	# In an "||" list set -e is off: chain the steps.
	(
		cd "$REPO" &&
		"${start[@]}" "$newest" "$oldest" >/dev/null &&
		git bisect run "${step[@]}"
	) >"$TMP_DIR/$name-run.log" 2>&1 || rc=$?
	show_steps "$old" "$new" <"$TMP_DIR/$name-run.log"

	if (( rc )) || ! grep -q "is the first $new commit" "$TMP_DIR/$name-run.log"; then
		log "error: git bisect run did not name a first $new commit (exit $rc)"
		tail -n 30 "$TMP_DIR/$name-run.log" | sed 's/^/    /' >&2
		git -C "$REPO" bisect reset main >/dev/null 2>&1 || true
		return 0
	fi
	first=$(git -C "$REPO" rev-parse "refs/bisect/$new")
	FIRST_NEW=$(kernel_of "$first")
	git -C "$REPO" bisect reset main >/dev/null 2>&1
	echo "    => first $new commit: Debian $FIRST_NEW"
}

is_expected()
{
	[[ $1 == "$EXPECTED_SERIES" || $1 == "$EXPECTED_SERIES".* ||
	   $1 == "$EXPECTED_SERIES"-* ]]
}

main()
{
	local t0 t a_first='' b_first='' t_fetch t_a t_b ok=1 source

	case ${1:-} in
	-h|--help)	usage 0 ;;
	'')		;;
	*)		log "unknown argument: $1"; usage ;;
	esac

	if [[ ! -x $REPO_ROOT/build/conform-static ]] ||
	   ! compgen -G "$REPO_ROOT/build/progs/*.bpf.o" >/dev/null; then
		log "error: build the runner and the objects first: make all build/conform-static"
		exit 2
	fi

	t0=$(now)
	trap cleanup EXIT
	TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bisect-demo.XXXXXX")
	setup_git
	export BISECT_CONFIG_CMD=:
	export BISECT_BUILD_CMD='sha256sum --quiet --check bzImage.sha256'
	export BISECT_LOG=$TMP_DIR/build.log

	printf 'xdp\tplain\t*\treject\t%s\n' "$OLD_MESSAGE" >"$TMP_DIR/rejects.rules"
	printf 'xdp\tplain\t*\taccept\n' >"$TMP_DIR/accepts.rules"

	echo "One commit per Debian kernel, oldest first:"
	t=$(now)
	make_repo
	t_fetch=$(since "$t")

	echo
	echo "(a) git bisect start; good = rejects, as every kernel did before"
	echo "    (rules: xdp plain * reject \"$OLD_MESSAGE\")"
	t=$(now)
	direction a good bad "$TMP_DIR/rejects.rules"
	a_first=$FIRST_NEW
	t_a=$(since "$t")

	echo
	echo "(b) git bisect start --term-old=rejects --term-new=accepts"
	echo "    (rules: xdp plain * accept; bisect.sh --pass-is-new)"
	t=$(now)
	direction b rejects accepts "$TMP_DIR/accepts.rules" --pass-is-new
	b_first=$FIRST_NEW
	t_b=$(since "$t")

	echo
	if [[ -n $a_first && $a_first == "$b_first" ]] && is_expected "$a_first"; then
		source=$(git -C "$REPO" log -1 --format=%b --grep="^Debian $a_first\$" main |
			 awk '/^package: /{ p = $2 } /^version: /{ v = $2 } END { print p " " v }')
		echo "first kernel that accepts a non-sleepable XDP program calling" \
		     "bpf_arena_free_pages: $a_first ($source) (both directions agree)"
		ok=0
	else
		echo "FAILED: (a) names '${a_first:-nothing}', (b) names" \
		     "'${b_first:-nothing}'; expected a $EXPECTED_SERIES kernel from both"
	fi
	echo "total $(since "$t0") (kernels $t_fetch, (a) $t_a, (b) $t_b)"
	exit "$ok"
}

main "$@"
