#!/usr/bin/env bash
# scripts/apt-private.sh: apt without the system's configuration.
#   A fake "system" configuration (APT_CONFIG in the environment, as the
#   system's apt-get would read it) has update hooks; apt run the old way
#   (the system configuration plus -o options) runs them, the private apt
#   does not: its apt-config dump has no hook, Dir::Etc::Parts is its own
#   empty directory.  Acquire::Check-Valid-Until, and only that, comes from
#   the system.  An unsigned repository is refused.  fetch-kernel.sh runs
#   every apt-get with the private APT_CONFIG.  No network: local
#   repositories only.
# Ends with "apt-private: N passed, N failed".
set -euo pipefail
shopt -s inherit_errexit

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

keyring=/usr/share/keyrings/debian-archive-keyring.gpg

# The fake system configuration: hooks that leave a file when they run.
mkdir -p "$tmp/sys/apt.conf.d"
cat >"$tmp/sys/apt.conf" <<EOF
Dir::Etc::Parts "$tmp/sys/apt.conf.d";
EOF
cat >"$tmp/sys/apt.conf.d/50hooks" <<EOF
APT::Update::Pre-Invoke { "touch $tmp/hook-ran"; };
APT::Update::Post-Invoke { "touch $tmp/hook-ran"; };
APT::Update::Post-Invoke-Success { "touch $tmp/hook-ran"; };
DPkg::Post-Invoke { "touch $tmp/hook-ran"; };
Acquire::Check-Valid-Until "false";
EOF

# An unsigned flat repository.
mkdir "$tmp/repo"
: >"$tmp/repo/Packages"
printf 'Origin: test\nSuite: test\n' >"$tmp/repo/Release"

# lib ROOT ARCH COMMAND...: the library in a subshell, as a script
# uses it, with the fake system configuration; then COMMAND.
lib() {
	local dir=$1 arch=$2
	shift 2
	(
		export APT_CONFIG=$tmp/sys/apt.conf
		PROG=apt-private-test
		# shellcheck source-path=SCRIPTDIR source=../lib.sh
		source "$root/scripts/lib.sh"
		# shellcheck source-path=SCRIPTDIR source=../apt-private.sh
		source "$root/scripts/apt-private.sh"
		apt_private_init "$dir" "$arch"
		"$@"
	)
}

# The check can fail: the old way, the system's hooks run.
old_way_runs_hooks() {
	local r=$tmp/old
	mkdir -p "$r"/{etc/sources.list.d,etc/preferences.d,state/lists/partial,cache/archives/partial}
	: >"$r/state/status"
	: >"$r/etc/sources.list"
	rm -f "$tmp/hook-ran"
	APT_CONFIG=$tmp/sys/apt.conf apt-get -q \
		-o "Dir::Etc::SourceList=$r/etc/sources.list" \
		-o "Dir::Etc::SourceParts=$r/etc/sources.list.d" \
		-o "Dir::State=$r/state" -o "Dir::State::status=$r/state/status" \
		-o "Dir::Cache=$r/cache" -o "APT::Sandbox::User=root" update
	[[ -e $tmp/hook-ran ]]
}
check "control: apt with the system configuration and -o options runs its update hooks" \
	old_way_runs_hooks

private_update() {
	: | apt_set_sources
	apt_update
}

no_hooks_run() {
	rm -f "$tmp/hook-ran"
	lib "$tmp/p" amd64 private_update
	[[ -s $tmp/p/etc/apt.conf ]]
	if [[ -e $tmp/hook-ran ]]; then
		echo "a system hook ran"
		return 1
	fi
}
check "the private apt-get update runs none of the system's hooks" no_hooks_run

# dump ROOT: the private configuration under ROOT, as apt sees it.
dump() {
	APT_CONFIG=$1/etc/apt.conf apt-config dump
}

no_hooks_in_dump() {
	local system
	system=$(APT_CONFIG=$tmp/sys/apt.conf apt-config dump | grep -c 'Invoke' || true)
	echo "the fake system configuration has $system hook lines"
	((system > 0))
	if dump "$tmp/p" | grep -E 'Invoke|Pre-Install-Pkgs'; then
		return 1
	fi
}
check "the private apt-config dump has no hook (the fake system's has)" no_hooks_in_dump

real_system() {
	local n
	n=$(apt-config dump | grep -c '^APT::Update::Post-Invoke' || true)
	echo "this system's own configuration has $n APT::Update::Post-Invoke* lines"
	if APT_CONFIG=$tmp/p/etc/apt.conf apt-config dump | grep '^APT::Update::Post-Invoke'; then
		return 1
	fi
}
check "this system's configuration may have hooks; the private one has none" real_system

# value KEY [ROOT]: the value of KEY itself (not of its subtree) in the
# private configuration under ROOT (default $tmp/p).
value() {
	APT_CONFIG=${2:-$tmp/p}/etc/apt.conf apt-config dump --format '%f=%v%n' |
		awk -v k="$1" '{ i = index($0, "=") }
			tolower(substr($0, 1, i - 1)) == tolower(k) { print substr($0, i + 1) }'
}

own_dirs() {
	local key v
	[[ $(value Dir::Etc::Parts) == "$tmp/p/etc/apt.conf.d"* ]]
	[[ -d $tmp/p/etc/apt.conf.d && -z $(ls -A "$tmp/p/etc/apt.conf.d") ]]
	[[ $(value Dir::Etc::Main) == /dev/null ]]
	for key in Dir::Etc::SourceList Dir::Etc::SourceParts Dir::Etc::Preferences \
		   Dir::Etc::PreferencesParts Dir::Etc::TrustedParts Dir::State \
		   Dir::State::Lists Dir::State::status Dir::Cache Dir::Cache::Archives; do
		v=$(value "$key")
		if [[ $v != "$tmp/p/"* ]]; then
			echo "$key is '$v', not under $tmp/p"
			return 1
		fi
	done
	[[ $(value APT::Architecture) == amd64 ]]
	[[ $(value APT::Sandbox::User) == root ]]
	[[ $(value Acquire::Languages::) == none ]]
}
check "Dir::Etc::Parts is the private empty dir; every Dir:: setting is private" own_dirs

# Only Acquire::Check-Valid-Until crosses over, with the system's value.
valid_until() {
	local want=$1
	sed -i '/Check-Valid-Until/d' "$tmp/sys/apt.conf.d/50hooks"
	if [[ -n $want ]]; then
		echo "Acquire::Check-Valid-Until \"$want\";" >>"$tmp/sys/apt.conf.d/50hooks"
	fi
	lib "$tmp/v" amd64 true
	value Acquire::Check-Valid-Until "$tmp/v"
}

carried_over() {
	[[ $(valid_until false) == false ]]
	grep -q 'Valid-Until date' "$tmp/v/etc/apt.conf"
	[[ $(valid_until yes) == true ]]
	[[ -z $(valid_until '') ]]
	if grep Check-Valid-Until "$tmp/v/etc/apt.conf"; then
		return 1
	fi
	# Nothing else of the system's: its Check-Date, say.
	echo 'Acquire::Check-Date "false";' >>"$tmp/sys/apt.conf.d/50hooks"
	valid_until false >/dev/null
	[[ -z $(value Acquire::Check-Date "$tmp/v") ]]
}
check "Acquire::Check-Valid-Until comes from the system (false, true, unset), nothing else" \
	carried_over

signed() {
	echo "deb [signed-by=$keyring] file:$tmp/repo ./" | apt_set_sources
	apt_update
}

unsigned_refused() {
	local rc=0
	lib "$tmp/s" amd64 signed >"$tmp/s.out" 2>&1 || rc=$?
	cat "$tmp/s.out"
	((rc != 0))
	grep -q 'is not signed' "$tmp/s.out"
	# Nothing allows an unsigned source (apt itself sets some to 0).
	if dump "$tmp/s" | grep -Ei '(AllowUnauthenticated|AllowInsecure|AllowWeak|AllowDowngrade|Trusted)[^ ]* "(1|true|yes)"'; then
		return 1
	fi
}
check "signature checks stay on: an unsigned repository is refused" unsigned_refused

lines() {
	apt_source_line deb http://mirror.invalid/debian sid
	apt_source_line deb-src http://mirror.invalid/debian sid
}

arch_and_src() {
	lib "$tmp/a" arm64 lines >"$tmp/lines"
	diff - "$tmp/lines" <<-EOF
	deb [arch=arm64 signed-by=$keyring] http://mirror.invalid/debian sid main
	deb-src [signed-by=$keyring] http://mirror.invalid/debian sid main
	EOF
	[[ $(value APT::Architecture "$tmp/a") == arm64 ]]
	[[ $(value APT::Architectures:: "$tmp/a") == arm64 ]]
}
check "the architecture is a parameter (arm64); deb-src lines are signed-by too" arch_and_src

bad_root() {
	local rc=0
	lib "$tmp/has space" amd64 true 2>"$tmp/err" || rc=$?
	((rc == 1))
	grep -q 'apt cannot take this path' "$tmp/err"
}
check "a root apt cannot quote is refused" bad_root

# fetch-kernel.sh: every apt-get it runs has the private APT_CONFIG, and
# the fake system's hooks do not run.  The mirror is the unsigned
# repository, so its update fails, as it must.
fetch_kernel_private() {
	local rc=0
	mkdir -p "$tmp/bin"
	cat >"$tmp/bin/apt-get" <<-EOF
	#!/bin/sh
	echo "APT_CONFIG=\$APT_CONFIG \$*" >>"$tmp/apt-get.calls"
	exec /usr/bin/apt-get "\$@"
	EOF
	chmod 755 "$tmp/bin/apt-get"
	rm -f "$tmp/hook-ran" "$tmp/apt-get.calls"
	PATH=$tmp/bin:$PATH APT_CONFIG=$tmp/sys/apt.conf CONFORM_CACHE=$tmp/cache \
		CONFORM_DEBIAN_MIRROR=file:$tmp/repo/debian \
		CONFORM_SECURITY_MIRROR=file:$tmp/repo/debian-security \
		"$root/scripts/fetch-kernel.sh" --list >"$tmp/fk.out" 2>&1 || rc=$?
	cat "$tmp/fk.out"
	cat "$tmp/apt-get.calls"
	((rc == 1))
	grep -q 'apt-get update failed' "$tmp/fk.out"
	[[ -s $tmp/apt-get.calls ]]
	if grep -v "^APT_CONFIG=$tmp/cache/apt/etc/apt.conf " "$tmp/apt-get.calls"; then
		return 1
	fi
	[[ ! -e $tmp/hook-ran ]]
}
check "fetch-kernel.sh runs apt-get only with the private APT_CONFIG; no hook runs" \
	fetch_kernel_private

finish apt-private
