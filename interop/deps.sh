#!/usr/bin/env bash
# interop/deps.sh — install what uipsec needs to build, test and demo, from
# Debian's packages, and build it. Sourced by interop/demo.sh and tests/run.sh.
# Idempotent: installs only what is missing; needs root on a fresh machine.

UIPSEC_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

UIPSEC_PACKAGES=(
	build-essential cmake pkg-config libssl-dev libsodium-dev libpcap-dev
	libcriterion-dev clang libclang-rt-14-dev
	iproute2 iputils-ping iperf3 nftables procps
	python3 python3-scapy tshark
	strongswan-charon strongswan-swanctl strongswan-pki libcharon-extra-plugins
	openssl util-linux
)

uipsec_install_deps() {
	local missing=() p
	for p in "${UIPSEC_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null || { echo "deps: apt-get update failed" >&2; return 1; }
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
		{ echo "deps: apt-get install failed" >&2; return 1; }
}

# uipsec_build DIR [cmake args...]: configure (once) and build into DIR.
uipsec_build() {
	local dir=$1; shift
	cmake -S "$UIPSEC_TOP" -B "$dir" "$@" >/dev/null || return 1
	cmake --build "$dir" -j "$(nproc)" -- --no-print-directory >/dev/null 2>"$dir.log" ||
		{ cat "$dir.log" >&2; return 1; }
}
