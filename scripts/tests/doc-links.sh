#!/usr/bin/env bash
# The README is a front page: at most 10 KiB, and every link from it and
# from docs/*.md resolves: a file of the repository, and a heading of it
# for a "#anchor" (GitHub's anchors: lower case, spaces to '-', other
# punctuation dropped). Web links are not followed (no network).
#
# Usage: doc-links.sh [ROOT]   (default: the repository this script is in)
set -euo pipefail

root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
max=10240

# The anchors of a Markdown file's headings, one per line.
anchors() {
	sed -n 's/^#\{1,6\} \(.*\)$/\1/p' "$1" |
		tr '[:upper:]' '[:lower:]' |
		sed 's/[^a-z0-9 _-]//g; s/ /-/g'
}

# "FILE TARGET" for each Markdown link of FILE, outside code blocks.
links() {
	awk '/^```/ { code = !code; next } !code' "$1" |
		grep -o '\[[^]]*\]([^) ]*)' |
		sed 's/^\[[^]]*\](\(.*\))$/\1/' || true
}

size=$(wc -c <"$root/README.md")
if ((size <= max)); then
	ok "README.md is $size bytes (at most $max)"
else
	not_ok "README.md is $size bytes, more than $max"
fi

bad=0 checked=0
for md in "$root/README.md" "$root"/docs/*.md; do
	dir=$(dirname "$md")
	while read -r target; do
		[[ -n $target ]] || continue
		case $target in http://* | https://* | mailto:*) continue ;; esac
		checked=$((checked + 1))
		file=${target%%#*}
		anchor=
		[[ $target != *'#'* ]] || anchor=${target#*#}
		path=$md
		[[ -z $file ]] || path=$dir/$file
		if [[ ! -e $path ]]; then
			echo "# ${md#"$root"/}: link to $target: no such file"
			bad=$((bad + 1))
		elif [[ -n $anchor ]] && ! anchors "$path" | grep -qxF -- "$anchor"; then
			echo "# ${md#"$root"/}: link to $target: no such heading in ${path#"$root"/}"
			bad=$((bad + 1))
		fi
	done < <(links "$md")
done
if ((bad == 0 && checked > 0)); then
	ok "all $checked links of README.md and docs/*.md resolve"
else
	not_ok "$bad of $checked links do not resolve"
fi
finish doc-links
